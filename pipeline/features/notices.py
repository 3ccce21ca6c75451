"""Notices by e-mail: operators hear when their news is published, rejected or needs fixing; officers get a
daily reminder of what waits too long. Each is sent at most once, even across crashes.

What happened is read from the ledger's events (after a watermark), so a notice is queued even when the
cycle that caused it crashed before getting here; the outbox's unique keys make queueing idempotent.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from ..app import App
from ..core.addresses import INVALID_ADDRESS, one_address
from ..core.complaints import mailboxes
from ..core.errors import StateError
from ..core.message import Text
from ..core.model import Status
from ..core.officer_input import operator_reason
from ..core.sheettime import format_local
from ..infra.mail import Connection, MailRefused, MailUnavailable, MailUncertain
from ..ledger import Event
from ..ledger.outbox import MAX_ATTEMPTS, Notice, Outbox, retry_delay
from . import complaints

log = logging.getLogger("mymein.notices")

EVENT_KINDS = (
    "received",
    "posted",
    "updated",
    "went_live",
    "rejected",
    "held",
    "registered",
    "registration_refused",
    "complaint_received",
    "complaint_forwarded",
    "complaint_answered",
)
REGISTRATION_TEMPLATES = {
    "registered": "notice-registered.txt.j2",
    "registration_refused": "notice-registration-refused.txt.j2",
}
# A complaint's e-mails: the receipt and the answer go to the complainant, the forwarding to the department.
COMPLAINT_TEMPLATES = {
    "complaint_received": "notice-complaint-received.txt.j2",
    "complaint_forwarded": "notice-complaint-forwarded.txt.j2",
    "complaint_answered": "notice-complaint-answered.txt.j2",
}
REJECTED_PREFIX = "Alasan: "
_ADDRESS = re.compile(r"[^\s:@]+@[^\s:@]+")


@dataclass(frozen=True)
class Draft:
    key: str
    kind: str
    template: str
    values: dict[str, Any]


def notify(app: App, sent: list[str], errors: list[str]) -> None:
    """Queue what the ledger says happened since the last look, then send what waits; appends the keys of
    notices sent to `sent` and what went wrong to `errors`."""
    if app.mailer is None:
        return
    outbox = Outbox(app.ledger)
    for key in outbox.settle_interrupted():
        _uncertain(errors, key, "interrupted while sending")
    queue_from_events(app, outbox)
    queue_reminder(app, outbox)
    queue_department_reminders(app, outbox)
    send_pending(app, outbox, sent, errors)


def start(app: App) -> None:
    """At the start of a cycle: notices just switched on tell about what happens from now on, not about the
    ledger's whole past."""
    watermark = app.ledger.meta.notices_watermark
    if app.mailer is not None and watermark.get() is None:
        watermark.set(str(app.ledger.last_event_id()))


def queue_from_events(app: App, outbox: Outbox) -> None:
    watermark = app.ledger.meta.notices_watermark
    last = int(watermark.get() or app.ledger.last_event_id())
    for event_id, event in app.ledger.events_after(last, EVENT_KINDS):
        last = event_id
        if event.kind in REGISTRATION_TEMPLATES:
            _queue_registration(app, outbox, event_id, event)
            continue
        if event.kind in COMPLAINT_TEMPLATES:
            _queue_complaint(app, outbox, event_id, event)
            continue
        draft = draft_for(event)
        record = app.ledger.get(event.code) if event.code else None
        if draft is None or record is None or not record.email.strip():
            continue
        if one_address(record.email) is None:
            _refuse(outbox, draft.key, record.code, draft.kind, record.email)
            continue
        values = {
            "code": record.code,
            "operator": record.operator or record.email,
            "desa": record.desa,
            "kecamatan": record.kecamatan,
            "title": record.title,
            "link": record.post_url or "",
            **draft.values,
        }
        subject, body = app.renderer.text(draft.template, **values)
        outbox.enqueue(draft.key, record.code, draft.kind, record.email, subject, body)
    watermark.set(str(last))


def _queue_registration(app: App, outbox: Outbox, event_id: int, event: Event) -> None:
    detail = event.detail
    recipient = str(detail.get("email", ""))
    if not recipient.strip():
        return
    if one_address(recipient) is None:
        _refuse(outbox, f"{event.kind}:{event_id}", None, event.kind, recipient)
        return
    subject, body = app.renderer.text(REGISTRATION_TEMPLATES[event.kind], **{k: str(v) for k, v in detail.items()})
    outbox.enqueue(f"{event.kind}:{event_id}", None, event.kind, recipient, subject, body)


def _queue_complaint(app: App, outbox: Outbox, event_id: int, event: Event) -> None:
    record = app.ledger.complaints.get(event.code) if event.code else None
    if record is None:
        return
    to_department = event.kind == "complaint_forwarded"
    recipients = mailboxes(str(event.detail.get("email", ""))) if to_department else (record.reply_to,)
    # Both were read with `core.addresses.one_address` when recorded; checked again, as rows may be older.
    recipients = tuple(address for r in recipients if (address := one_address(r)) is not None)
    if not recipients:
        return
    tz = app.settings.tz
    values = {
        "code": record.code,
        "received": format_local(record.received_at, tz),
        "category": record.category,
        "desa": record.desa,
        "kecamatan": record.kecamatan,
        "department": str(event.detail.get("department", record.department)),
        "email": ", ".join(recipients),
        "again": bool(event.detail.get("again")),
        "photos_shared": bool(event.detail.get("photos_shared", True)),
        "answer": record.answer,
        "text": record.text,
        "photos": list(record.photos),
        # The department never gets the complainant's name or contact: only the complainant's own e-mails do.
        "name": "" if to_department else record.name,
    }
    subject, body = app.renderer.text(COMPLAINT_TEMPLATES[event.kind], **values)
    for recipient in recipients:  # a department may have several addresses: one e-mail each, once each
        key = f"{event.kind}:{event.code}:{event_id}:{recipient.casefold()}"
        outbox.enqueue(key, event.code, event.kind, recipient, subject, body)


def queue_department_reminders(app: App, outbox: Outbox) -> None:
    """Once a local day, from `notices.reminder_time` on, each department hears of the complaints forwarded to
    it more than `complaints.remind_after_hours` ago that still have no answer."""
    if not app.settings.complaints.enabled:
        return
    now = app.clock()
    local = now.astimezone(app.settings.tz)
    if local.time() < _reminder_time(app):
        return
    hours = app.settings.complaints.remind_after_hours
    for emails, waiting in complaints.open_for_department(app, now - timedelta(hours=hours)).items():
        items = [
            {
                "code": r.code,
                "category": r.category,
                "desa": r.desa,
                "kecamatan": r.kecamatan,
                "forwarded": format_local(r.forwarded_at, app.settings.tz),
                "age": _age(now, r.forwarded_at),
            }
            for r in waiting
            if r.forwarded_at is not None  # always: `open_for_department` lists forwarded complaints only
        ]
        subject, body = app.renderer.text(
            "reminder-department.txt.j2",
            items=items,
            department=waiting[0].department,
            hours=f"{hours:g}",
            reminder_time=app.settings.notices.reminder_time,
        )
        for email in mailboxes(emails):
            key = f"complaint_reminder:{local.date().isoformat()}:{email.casefold()}"
            outbox.enqueue(key, None, "complaint_reminder", email, subject, body)


def _reminder_time(app: App) -> time:
    hour, minute = (int(part) for part in app.settings.notices.reminder_time.split(":"))
    return time(hour, minute)


def draft_for(event: Event) -> Draft | None:
    """Which notice, if any, an event calls for; keyed so that each is queued once."""
    code, detail = event.code or "", event.detail
    status = detail.get("status")
    if event.kind in ("posted", "updated", "went_live") and status == Status.PUBLISHED.value:
        return Draft(f"published:{code}", "published", "notice-published.txt.j2", {})
    if event.kind == "rejected":
        message = str(detail.get("message", ""))
        reason = message.split(REJECTED_PREFIX, 1)[1] if REJECTED_PREFIX in message else ""
        return Draft(f"rejected:{code}", "rejected", "notice-rejected.txt.j2", {"reason": reason})
    if status == Status.NEEDS_FIX.value and event.kind in ("received", "held"):
        # The officer's own slips (an unknown Mode, an unreadable box or Jadwal) are not the operator's to fix.
        reason = operator_reason(str(detail.get("message") or " ".join(detail.get("problems", []))))
        if not reason:
            return None
        digest = hashlib.sha256(reason.encode("utf-8")).hexdigest()[:12]
        return Draft(f"needs_fix:{code}:{digest}", "needs_fix", "notice-needs-fix.txt.j2", {"reason": reason})
    return None


def queue_reminder(app: App, outbox: Outbox) -> None:
    """Once a local day, from `notices.reminder_time` on, each officer hears of submissions waiting too long."""
    settings = app.settings.notices
    if not settings.officers:
        return
    now = app.clock()
    local = now.astimezone(app.settings.tz)
    if local.time() < _reminder_time(app):
        return
    since = now - timedelta(hours=settings.remind_after_hours)
    waiting = app.ledger.waiting_since(since)
    unrouted = complaints.waiting_for_department(app, since) if app.settings.complaints.enabled else []
    if not waiting and not unrouted:
        return
    items = [
        {"code": r.code, "desa": r.desa, "kecamatan": r.kecamatan, "title": r.title, "age": _age(now, r.received_at)}
        for r in waiting
    ]
    complaint_items = [
        {
            "code": r.code,
            "desa": r.desa,
            "kecamatan": r.kecamatan,
            "category": r.category,
            "age": _age(now, r.received_at),
        }
        for r in unrouted
    ]
    subject, body = app.renderer.text(
        "reminder.txt.j2",
        items=items,
        complaints=complaint_items,
        hours=f"{settings.remind_after_hours:g}",
        reminder_time=settings.reminder_time,
    )
    for officer in settings.officers:
        outbox.enqueue(f"reminder:{local.date().isoformat()}:{officer}", None, "reminder", officer, subject, body)


def send_pending(app: App, outbox: Outbox, sent: list[str], errors: list[str]) -> None:
    """Send the notices that are due, in order, until the first that the mail service does not take now."""
    due = outbox.pending()
    if not due or app.mailer is None:
        return
    try:
        with app.mailer.connection() as connection:
            for notice in due:
                if deliver(outbox, connection, notice, sent, errors) in ("not_sent", "uncertain"):
                    break  # the service is failing: the rest keep their attempts for a later cycle
    except MailUnavailable as exc:
        # No session (SMTP server unreachable, login refused): the first notice due counts it as its attempt,
        # so an outage is bounded the same way, whichever transport.
        if outbox.begin(due[0]):
            _not_sent(outbox, due[0], str(exc), errors)


def deliver(outbox: Outbox, connection: Connection, notice: Notice, sent: list[str], errors: list[str]) -> str:
    """One attempt at one notice: `sent`, `refused` (for good), `not_sent` (tried again later, or given up after
    the last attempt), `uncertain`, or `skipped` when it was not pending any more."""
    if not outbox.begin(notice):  # from here a crash leaves it `sending`: uncertain, never resent by itself
        return "skipped"
    if one_address(notice.recipient) is None:
        # Never sendable (`_refuse`), even when an administrator resends it: it would reach several people, or
        # someone the operator did not mean. The fix is a correct address in the sheet.
        outbox.failed(notice, INVALID_ADDRESS)
        errors.append(
            Text("notice {key} not sent: the address given is not one usable e-mail address", key=shown_key(notice.key))
        )
        return "refused"
    attachments = (Path(notice.attachment),) if notice.attachment else ()
    try:
        connection.send(notice.recipient, notice.subject, notice.body, reference=notice.key, attachments=attachments)
    except MailRefused as exc:
        outbox.failed(notice, str(exc))
        errors.append(Text("notice {key} refused: {error}", key=shown_key(notice.key), error=exc))
        return "refused"
    except MailUnavailable as exc:
        _not_sent(outbox, notice, str(exc), errors)
        return "not_sent"
    except MailUncertain as exc:
        outbox.uncertain(notice, str(exc))
        _uncertain(errors, notice.key, str(exc))
        return "uncertain"
    except Exception as exc:  # anything unforeseen while sending: it may have gone out
        log.exception("notice %s: unexpected error while sending", shown_key(notice.key))
        outbox.uncertain(notice, f"unexpected error while sending: {exc!r}")
        _uncertain(errors, notice.key, f"unexpected error while sending: {exc!r}")
        return "uncertain"
    outbox.sent(notice)
    sent.append(notice.key)
    return "sent"


def _not_sent(outbox: Outbox, notice: Notice, reason: str, errors: list[str]) -> None:
    if outbox.not_sent(notice, reason) == "failed":
        message = f"notice {shown_key(notice.key)} not sent after {MAX_ATTEMPTS} attempts, given up: {reason}"
    else:
        wait = retry_delay(notice.attempts + 1)
        message = f"notice {shown_key(notice.key)} not sent ({reason}); tried again in {_duration(wait)}"
    errors.append(message)
    log.warning("%s", message)


def _uncertain(errors: list[str], key: str, reason: str) -> None:
    shown = shown_key(key)
    message = (
        f"notice {shown} may or may not have arrived ({reason}); not sent again by itself: "
        f"`mymein notices resend {shown}` or `mymein notices dismiss {shown}`"
    )
    errors.append(message)
    log.warning("%s", message)


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes / 60:g} h"


class WrongState(StateError):
    """The notice is not in a state the administrator's command applies to (already sent, being sent, ...)."""

    def __init__(self, notice: Notice) -> None:
        super().__init__(f"notice {notice.key} is {notice.state}")
        self.notice = notice


def requeue(outbox: Outbox, notice: Notice) -> None:
    """An administrator's decision to send an uncertain, failed or dismissed notice again, knowing it may arrive
    twice: back in the queue with fresh attempts, and an event in the ledger saying so."""
    if not outbox.requeue(notice):
        raise WrongState(outbox.find(notice.key) or notice)
    outbox.ledger.event(notice.code, "notice_resent", {"key": notice.key, "was": notice.state})


def dismiss(outbox: Outbox, notice: Notice) -> None:
    """An administrator's decision that a pending, uncertain or failed notice is not to be sent."""
    if not outbox.dismiss(notice):
        raise WrongState(outbox.find(notice.key) or notice)
    outbox.ledger.event(notice.code, "notice_dismissed", {"key": notice.key, "was": notice.state})


def send_now(app: App, outbox: Outbox, notice: Notice) -> tuple[Notice, str]:
    """A pending notice sent at once, outside a cycle (the caller holds the cycle lock): the notice as it is
    afterwards (`sent`, `failed`, `pending` when not sent now, `uncertain`) and what went wrong."""
    notice = outbox.find(notice.key) or notice  # as queued now, its attempts counted afresh
    errors: list[str] = []
    if app.mailer is None:
        errors.append(Text("notices are off (notices.enabled): it waits in the queue"))
    else:
        try:
            with app.mailer.connection() as connection:
                deliver(outbox, connection, notice, [], errors)
        except MailUnavailable as exc:
            if outbox.begin(notice):
                _not_sent(outbox, notice, str(exc), errors)
    return outbox.find(notice.key) or notice, "; ".join(errors)


def shown_key(key: str) -> str:
    """A notice's key as logs may show it: reminders and department e-mails are keyed by address, and logs
    (journald, a collector) are read by more people than the ledger."""
    return _ADDRESS.sub("…", key)


def _refuse(outbox: Outbox, key: str, code: str | None, kind: str, recipient: str) -> None:
    """A notice due to an address that is not exactly one mailbox: not sent to any of what it names, recorded
    as failed so that `mymein status` shows it."""
    if outbox.refuse(key, code, kind, recipient, INVALID_ADDRESS):
        # The log names the notice, never what was typed as the address (it is someone's personal data).
        log.warning("notice %s not sent: the address given is not one usable e-mail address", shown_key(key))


def _age(now: datetime, since: datetime) -> str:
    hours = int((now - since).total_seconds() // 3600)
    days, hours = divmod(hours, 24)
    return f"{days} hari {hours} jam" if days else f"{hours} jam"
