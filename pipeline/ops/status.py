"""`mymein status`: what the ledger and the heartbeat say, without calling Google."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ..config import Settings
from ..core.model import Status
from ..core.text import mask_addresses
from ..i18n import N_, _
from ..ledger import Ledger
from ..ledger.outbox import Notice, Outbox


@dataclass(frozen=True)
class StatusReport:
    counts: dict[str, int]
    oldest_waiting_code: str | None
    oldest_waiting_age_hours: float | None
    posts_today: int
    last_cycle: dict[str, Any] | None
    notices: dict[str, int] = field(default_factory=dict)
    calls_today: dict[str, int] = field(default_factory=dict)  # Google requests by API, local day
    complaints: dict[str, int] = field(default_factory=dict)  # complaints by status
    # Notices that may or may not have arrived, for the administrator to resend or dismiss; never an address.
    uncertain_notices: list[dict[str, Any]] = field(default_factory=list)
    # The latest notices that failed, newest first (e.g. to an unusable address); never an address.
    notice_failures: list[dict[str, Any]] = field(default_factory=list)
    # When the last cycle finished, in the office's zone with its name (`2026-11-22 08:05 WITA`): the heartbeat
    # keeps UTC for machines, people read their own clock.
    last_cycle_local: str | None = None
    shares: dict[str, int] = field(default_factory=dict)  # social-media shares by state
    # Shares whose answer was lost (Telegram): for the administrator to resend or dismiss (`mymein social`).
    uncertain_shares: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "oldest_waiting": {"code": self.oldest_waiting_code, "age_hours": self.oldest_waiting_age_hours},
            "posts_today": self.posts_today,
            "last_cycle": self.last_cycle,
            "notices": self.notices,
            "api_calls_today": self.calls_today,
            "complaints": self.complaints,
            "uncertain_notices": self.uncertain_notices,
            "notice_failures": self.notice_failures,
            "shares": self.shares,
            "uncertain_shares": self.uncertain_shares,
        }


def collect_status(settings: Settings, ledger: Ledger, heartbeat: Path, now: datetime) -> StatusReport:
    counts = {status.value: n for status, n in sorted(ledger.status_counts().items())}
    oldest = ledger.oldest(Status.WAITING)
    age = round((now - oldest.received_at) / timedelta(hours=1), 1) if oldest else None
    local_midnight = now.astimezone(settings.tz).replace(hour=0, minute=0, second=0, microsecond=0)
    posts_today = ledger.count_events_since("posted", local_midnight) + ledger.count_events_since(
        "adopted", local_midnight
    )
    last = json.loads(heartbeat.read_text(encoding="utf-8")) if heartbeat.exists() else None
    outbox = Outbox(ledger)
    notices = outbox.counts()
    calls: dict[str, int] = json.loads(ledger.meta.api_calls(now.astimezone(settings.tz).date()).get() or "{}")
    by_api: dict[str, int] = {}
    for method, n in calls.items():
        by_api[method.split(".", 1)[0]] = by_api.get(method.split(".", 1)[0], 0) + n
    complaints = ledger.complaints.status_counts()
    uncertain = [_shown(n) for n in outbox.listing(("uncertain",))]
    failures = [_shown(n) for n in outbox.failures()] if notices.get("failed") else []
    return StatusReport(
        counts,
        oldest.code if oldest else None,
        age,
        posts_today,
        last,
        notices,
        by_api,
        complaints,
        uncertain,
        failures,
        _local_time(last.get("finished") if last else None, settings),
        ledger.shares.counts(),
        [
            {"number": s.id, "code": s.code, "channel": s.channel, "since": s.created_at, "reason": s.error or ""}
            for s in ledger.shares.listing(("uncertain",))
        ],
    )


def _shown(notice: Notice) -> dict[str, Any]:
    """A notice as the status shows it: its number, to resend or dismiss it by, and never an address."""
    return {
        "number": notice.id,
        "key": mask_addresses(notice.key),
        "kind": notice.kind,
        "code": notice.code,
        "since": notice.created_at,
        "reason": mask_addresses(notice.error or ""),
    }


def _local_time(stamp: object, settings: Settings) -> str | None:
    """An ISO time from the heartbeat in `settings.timezone`, with the zone's abbreviation (WITA, WIB, WIT)."""
    try:
        moment = datetime.fromisoformat(str(stamp))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # the heartbeat is written in UTC
    return moment.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M %Z")


def format_status(report: StatusReport) -> str:
    """The report in the administrator's language (`pipeline.i18n`); statuses as officers see them."""
    lines = [_("Submissions by status:")]
    lines += [f"  {name:<16} {n:>5}" for name, n in report.counts.items()] or ["  " + _("(no submissions yet)")]
    if report.oldest_waiting_code:
        line = _("Waiting longest: {code} ({hours} h)")
        lines.append(line.format(code=report.oldest_waiting_code, hours=report.oldest_waiting_age_hours))
    lines.append(_("New posts today: {count}").format(count=report.posts_today))
    if report.complaints:
        listed = ", ".join(f"{status} {n}" for status, n in report.complaints.items())
        lines.append(_("Complaints: {counts}").format(counts=listed))
    if report.calls_today:
        calls = ", ".join(f"{api} {n}" for api, n in sorted(report.calls_today.items()))
        lines.append(_("Google API calls today: {calls}").format(calls=calls))
    if report.notices:
        names = {
            "sent": N_("sent"),
            "pending": N_("pending"),
            "failed": N_("failed"),
            "uncertain": N_("uncertain"),
            "sending": N_("sending"),
            "dismissed": N_("dismissed"),
        }
        parts = [f"{_(names[state]) if state in names else state} {n}" for state, n in sorted(report.notices.items())]
        lines.append(_("E-mail notices: {counts}").format(counts=", ".join(parts)))
    if report.uncertain_notices:
        lines.append(
            _(
                "Uncertain notices (they may have arrived; never sent again by themselves); decide with "
                "`mymein notices resend NUMBER` or `mymein notices dismiss NUMBER`:"
            )
        )
        lines += [f"  #{n['number']} {n['key']} ({n['kind']}): {n['reason']}" for n in report.uncertain_notices]
    if report.notice_failures:
        lines.append(_("Failed notices (newest first):"))
        failed = _("failed")
        lines += [
            f"  {failed}: #{n['number']} {n['code'] or n['key']} ({n['kind']}): {n['reason']}"
            for n in report.notice_failures
        ]
    if report.shares:
        names = {"live": "tayang", "uncertain": "tidak pasti", "manual": "hapus manual", "deleted": "dihapus"}
        shown = {k: v for k, v in sorted(report.shares.items()) if k in names}
        lines.append("Media sosial: " + (", ".join(f"{names[k]} {n}" for k, n in shown.items()) or "-"))
    if report.uncertain_shares:
        lines.append(
            "Berbagi ke media sosial tidak pasti (mungkin sudah tayang, tidak dikirim ulang otomatis); putuskan "
            "dengan `mymein social resend NOMOR` atau `mymein social dismiss NOMOR`:"
        )
        lines += [f"  #{s['number']} {s['code']} ({s['channel']}): {s['reason']}" for s in report.uncertain_shares]
    if report.last_cycle:
        c = report.last_cycle
        finished = report.last_cycle_local or c.get("finished")
        line = _("Last cycle: {finished} ({seconds} s, {outcome})")
        lines.append(line.format(finished=finished, seconds=c.get("seconds"), outcome=c.get("outcome")))
    else:
        lines.append(_("Last cycle: none recorded yet (`mymein run` writes a heartbeat)"))
    return "\n".join(lines)
