"""Decide and act on each review row: publish, update, retract, reject or hold, one row at a time."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from ..app import App
from ..core.decide import MODE_TO_STATE, STATE_TO_STATUS, Action, Decision, PostState, decide
from ..core.errors import LayoutError
from ..core.message import Text
from ..core.model import Mode, PostRef, ReviewRow, Status
from ..core.photo_check import photo_problem
from ..core.post import post_view
from ..core.quota import quota_day
from ..core.registry import Registry
from ..core.sheettime import format_local
from ..features import photo_access
from ..features.own_posts import insert_payload
from ..google.errors import CredentialsRefused, GoogleApiError
from ..ledger import SubmissionRecord
from .outcome import BLOG, CycleReport, Outcome

log = logging.getLogger("mymein.sync")

log = logging.getLogger("mymein.sync")


class PhotoRefused(LayoutError):
    """A photo of the row cannot go on the blog (missing, private, not an image, too large)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def act_on_row(
    app: App,
    row: ReviewRow,
    report: CycleReport,
    *,
    dry_run: bool,
    record: SubmissionRecord | None,
    registry: Registry | None = None,
) -> bool:
    """Decide and act on one row; True when its ledger entry may have changed."""
    if record is None:
        report.warn(Text("{code}: on the review sheet but not in the ledger; left alone", code=row.code))
        return False
    if record.mode_override:
        if Mode.parse(row.mode_text, app.settings.review.default_mode) == record.mode_override:
            app.ledger.clear_mode_override(row.code)  # the sheet says it now; the officer's word counts again
        else:
            row = replace(row, mode_text=record.mode_override)
    decision = decide(
        row,
        record.as_record(),
        regions=app.regions,
        default_mode=app.settings.review.default_mode,
        tz=app.settings.tz,
        now=app.clock(),
        registry=registry,
        require_fact_check=app.settings.review.require_fact_check,
        approvals=app.settings.review.approvals,
    )
    if decision.action is Action.NOTHING:
        report.settled.add(row.code)
        if record.status is Status.NEEDS_FIX:
            report.still_held.append(row.code)
        return False
    if dry_run:
        _foresee(app, row, record, decision, report)
        return False
    if decision.action in (Action.AWAIT, Action.PUBLISH):
        _note_checks(app, row)
    if decision.action is Action.PUBLISH and (wait := _daily_cap_reached(app)):
        _defer(app, record, wait, report)
        return True
    if decision.action in BLOG_ACTIONS and BLOG in report.down:
        _wait_for_blog(app, record, report)
        return True
    try:
        outcome = _apply(app, row, record, decision)
    except PhotoRefused as exc:
        return _hold_for_photo(app, record, exc.reason, report)
    except CredentialsRefused as exc:
        report.down[BLOG if exc.owner else "google"] = exc.text()
        if not exc.owner:
            raise  # the service-account key: nothing else of the cycle can go on either
        _wait_for_blog(app, record, report)
        return True
    except GoogleApiError as exc:
        if decision.action is Action.PUBLISH and _is_daily_cap(exc):
            app.ledger.meta.blogger_paused_until.set(_quota_day(app)[1].isoformat())
            log.warning("%s: Blogger refuses new posts for today (%s); the rest waits", row.code, exc)
            _defer(app, record, _daily_cap_reached(app) or "", report)
            return True
        log.warning("%s: %s failed: %s", row.code, decision.action.value, exc)
        message = _failure_message(exc)
        app.ledger.set_outcome(
            row.code, Status.FAILED if record.post_id is None else record.status, message, kind="failed"
        )
        outcome = Outcome(row.code, decision.action.value, Status.FAILED.value, message)
        report.warn(Text("{code}: {error}", code=row.code, error=exc))
    report.outcomes.append(outcome)
    return True


def _hold_for_photo(app: App, record: SubmissionRecord, reason: str, report: CycleReport) -> bool:
    """A photo cannot go on the blog. Checked again every cycle (the operator may fix it in Drive), but a row
    already held for that very reason is not held again: no new event, no new notice, no new line."""
    if record.status is Status.NEEDS_FIX and record.message == reason:
        report.still_held.append(record.code)
        return False
    app.ledger.set_outcome(record.code, Status.NEEDS_FIX, reason, kind="held")
    report.outcomes.append(Outcome(record.code, Action.HOLD.value, Status.NEEDS_FIX.value, reason))
    return True


def _foresee(app: App, row: ReviewRow, record: SubmissionRecord, decision: Decision, report: CycleReport) -> None:
    """What the real run would report for this row, found by reading only: in the order `act_on_row` meets
    them, Blogger's daily cap (counting the posts this dry run would already have made), then the photos."""
    planned = report.count("publish")
    if decision.action is Action.PUBLISH and (wait := _daily_cap_reached(app, planned=planned)):
        if not (record.status is Status.WAITING and record.message == wait):  # as `_defer`: told once
            report.outcomes.append(Outcome(row.code, "defer", Status.WAITING.value, wait))
        return
    if decision.action in (Action.PUBLISH, Action.UPDATE):
        try:
            reasons = (photo_access.refusal(app, file_id) for file_id in post_view(row).photo_file_ids)
            reason = next((r for r in reasons if r), None)
        except GoogleApiError as exc:
            report.warn(Text("{code}: its photos could not be checked: {error}", code=row.code, error=exc))
            reason = None
        if reason and record.status is Status.NEEDS_FIX and record.message == reason:
            report.still_held.append(row.code)
            return
        if reason:
            report.outcomes.append(Outcome(row.code, Action.HOLD.value, Status.NEEDS_FIX.value, reason))
            return
    report.outcomes.append(Outcome(row.code, decision.action.value, "", "akan dijalankan"))


BLOG_ACTIONS = {Action.PUBLISH, Action.UPDATE, Action.RETRACT}
BLOG_DOWN_MESSAGE = (
    "Menunggu: Google menolak akses MyMeIn ke blog. Administrator perlu menjalankan `mymein auth`; "
    "berita ini diproses setelah itu."
)


def _wait_for_blog(app: App, record: SubmissionRecord, report: CycleReport) -> None:
    """The blog refused our token this cycle: the story waits as it is, saying why, without another call."""
    report.waiting += 1
    if record.message != BLOG_DOWN_MESSAGE:
        app.ledger.note(record.code, BLOG_DOWN_MESSAGE, kind="service_down")


AWAIT_MESSAGES = {
    Status.WAITING_FACT_CHECK: "Disetujui; terbit setelah kolom Cek fakta dicentang.",
    Status.WAITING_HEAD: "Disetujui; terbit setelah Kabid mencentang Setujui Kabid.",
}
CHECK_EVENTS = {"fact_checked": "fact_check", "head_approved": "approve_head"}


def _note_checks(app: App, row: ReviewRow) -> None:
    """The first time the cycle sees `Cek fakta` or `Setujui Kabid` ticked goes into the audit trail (Sheets
    offers no per-cell history through its API, so who ticked it is not known, only when it was seen)."""
    ticked = {"fact_checked": row.fact_checked, "head_approved": row.head_approved}
    if not any(ticked.values()):
        return
    seen = {e.kind for e in app.ledger.events(row.code)}
    for kind, is_ticked in ticked.items():
        if is_ticked and kind not in seen:
            app.ledger.event(row.code, kind, {"column": app.settings.review.headers[CHECK_EVENTS[kind]]})


def _quota_day(app: App) -> tuple[datetime, datetime]:
    return quota_day(app.clock(), ZoneInfo(app.settings.blogger.quota_timezone))


def _daily_cap_reached(app: App, *, planned: int = 0) -> str | None:
    """The officer's explanation when no new post may be created before the quota day turns, else None.
    `planned`: posts a dry run would have created before this one."""
    start, end = _quota_day(app)
    paused = app.ledger.meta.blogger_paused_until.get()
    used = app.ledger.count_events_since("posted", start) + app.ledger.count_events_since("adopted", start)
    used += planned
    if used < app.settings.blogger.daily_post_limit and not (paused and datetime.fromisoformat(paused) > app.clock()):
        return None
    return (
        f"Batas harian Blogger ({app.settings.blogger.daily_post_limit} postingan baru) sudah tercapai; "
        f"berita ini diterbitkan otomatis setelah {format_local(end, app.settings.tz)} sesuai urutan masuk."
    )


def _is_daily_cap(exc: GoogleApiError) -> bool:
    # Per-minute limits were already waited out by the retry policy; what is left is the daily cap.
    return exc.status == 429 or exc.reason in {"rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded"}


def _defer(app: App, record: SubmissionRecord, message: str, report: CycleReport) -> None:
    if record.status is Status.WAITING and record.message == message:
        return  # already told; saying it again every cycle would only fill the audit trail
    app.ledger.set_outcome(record.code, Status.WAITING, message, kind="deferred")
    report.outcomes.append(Outcome(record.code, "defer", Status.WAITING.value, message))


def _failure_message(exc: GoogleApiError) -> str:
    if exc.retryable:
        return "Gagal menghubungi Google; akan dicoba lagi pada siklus berikutnya."
    return f"Gagal: Google menolak permintaan ({exc.status}: {exc.message})."


def _apply(app: App, row: ReviewRow, record: SubmissionRecord, decision: Decision) -> Outcome:
    action = decision.action
    if action is Action.REJECT:
        message = "Ditolak." + (f" Alasan: {row.note.strip()}" if row.note.strip() else "")
        _unshare_photos(app, row.code, ())  # shared by an earlier attempt to post that failed
        app.ledger.set_outcome(row.code, Status.REJECTED, message, kind="rejected")
        return Outcome(row.code, action.value, Status.REJECTED.value, message)
    if action is Action.HOLD:
        message = " ".join(decision.problems)
        app.ledger.set_outcome(row.code, Status.NEEDS_FIX, message, kind="held")
        return Outcome(row.code, action.value, Status.NEEDS_FIX.value, message)
    if action is Action.AWAIT:
        assert decision.waiting_for is not None
        message = AWAIT_MESSAGES[decision.waiting_for]
        app.ledger.set_outcome(row.code, decision.waiting_for, message, kind="awaiting")
        return Outcome(row.code, action.value, decision.waiting_for.value, message)
    if action is Action.REOPEN:
        app.ledger.set_outcome(row.code, Status.WAITING, "", kind="reopened")
        return Outcome(row.code, action.value, Status.WAITING.value, "")
    if action is Action.RETRACT:
        assert record.post_id is not None
        ref = _revert(app, row.code, record.post_id)
        _unshare_photos(app, row.code, post_view(row).photo_file_ids)
        message = "Ditarik dari blog." + (f" Alasan: {row.note.strip()}" if row.note.strip() else "")
        # A draft has no public page: the old link would only lead readers to an error.
        app.ledger.set_outcome(
            row.code, Status.RETRACTED, message, kind="retracted", post_state=PostState(ref.state), post_url=""
        )
        return Outcome(row.code, action.value, Status.RETRACTED.value, message)
    return _publish_or_update(app, row, record, decision)


def _publish_or_update(app: App, row: ReviewRow, record: SubmissionRecord, decision: Decision) -> Outcome:
    assert decision.mode is not None
    view = post_view(row, app.settings.blogger.image_url)
    if view.labels_dropped:
        log.warning("%s: labels left out, over Blogger's 200 characters: %s", row.code, ", ".join(view.labels_dropped))
    html = app.renderer.post_html(view)
    check_and_share_photos(app, row.code, view.photo_file_ids)
    wanted = MODE_TO_STATE[decision.mode]
    if decision.action is Action.PUBLISH:
        photo_access.unshare_replaced(app, row.code, view.photo_file_ids)  # shared by an earlier failed attempt
        intent = app.ledger.open_intent(row.code, "insert", insert_payload(view, decision.content_hash))
        try:
            ref = app.publisher.insert(view.title, html, view.labels, draft=wanted is not PostState.LIVE)
        except GoogleApiError as exc:
            if not exc.outcome_unknown:  # a definite refusal: nothing was created
                app.ledger.close_intent(intent, error=str(exc))
            raise  # otherwise the intent stays open and the next cycle looks for the post by its code
        _record_post(app, row.code, ref, decision, kind="posted")
        app.ledger.close_intent(intent)
    else:
        assert record.post_id is not None
        with app.ledger.intended(row.code, "patch", {"post_id": record.post_id, "hash": decision.content_hash}):
            ref = app.publisher.patch(record.post_id, view.title, html, view.labels)
        current = PostState(record.post_state or PostState.DRAFT)
        ref = _move_to_state(app, row.code, ref, current, wanted, decision)
        photo_access.unshare_replaced(app, row.code, view.photo_file_ids)  # before recording: retried if it fails
        _record_post(app, row.code, ref, decision, kind="updated")
        return _outcome(row.code, decision, ref, "Perubahan diterapkan ke postingan.")
    if wanted is PostState.SCHEDULED:
        ref = _publish(app, row.code, ref.post_id, decision.publish_at)
        _record_post(app, row.code, ref, decision, kind="scheduled")
    return _outcome(row.code, decision, ref, _publish_message(app, ref, decision))


def check_and_share_photos(app: App, code: str, file_ids: tuple[str, ...]) -> None:
    """Every photo must be an image a browser shows before any is shared; only single files are shared."""
    for file_id in file_ids:
        problem = photo_access.refusal(app, file_id)
        if problem:
            raise PhotoRefused(problem)
    for file_id in file_ids:
        try:
            with app.ledger.intended(code, "share", {"file_id": file_id}):
                app.photos.share(file_id)
        except GoogleApiError as exc:
            if exc.not_found:
                raise PhotoRefused(photo_problem(file_id, None, 0) or "") from exc
            raise


def _unshare_photos(app: App, code: str, current: tuple[str, ...]) -> None:
    """The row's photos and any it had before an edit go private again; unsharing twice is harmless."""
    photo_access.unshare(app, code, [*current, *app.ledger.shared_files(code)])


def _publish(app: App, code: str, post_id: str, when: datetime | None = None) -> PostRef:
    with app.ledger.intended(code, "publish", {"post_id": post_id, "at": when.isoformat() if when else None}):
        return app.publisher.publish(post_id, when)


def _revert(app: App, code: str, post_id: str) -> PostRef:
    with app.ledger.intended(code, "revert", {"post_id": post_id}):
        return app.publisher.revert(post_id)


def _move_to_state(
    app: App, code: str, ref: PostRef, current: PostState, wanted: PostState, decision: Decision
) -> PostRef:
    if wanted is current and wanted is not PostState.SCHEDULED:
        return ref
    if wanted is PostState.DRAFT:
        return _revert(app, code, ref.post_id)
    if wanted is PostState.LIVE:
        return _publish(app, code, ref.post_id)
    if current is PostState.LIVE:
        ref = _revert(app, code, ref.post_id)
    return _publish(app, code, ref.post_id, decision.publish_at)


def _record_post(app: App, code: str, ref: PostRef, decision: Decision, *, kind: str) -> None:
    state = PostState(ref.state) if ref.state in PostState.__members__ else PostState.LIVE
    app.ledger.set_outcome(
        code,
        STATE_TO_STATUS[state],
        _publish_message(app, ref, decision),
        kind=kind,
        post_id=ref.post_id,
        post_url=ref.url if state is PostState.LIVE else "",
        post_state=state,
        published_hash=decision.content_hash,
    )


def _publish_message(app: App, ref: PostRef, decision: Decision) -> str:
    if ref.state == PostState.SCHEDULED and decision.publish_at is not None:
        return f"Dijadwalkan terbit {format_local(decision.publish_at, app.settings.tz)}."
    if ref.state == PostState.DRAFT:
        return "Disimpan sebagai draf di Blogger."
    return "Terbit di blog."


def _outcome(code: str, decision: Decision, ref: PostRef, message: str) -> Outcome:
    state = PostState(ref.state) if ref.state in PostState.__members__ else PostState.LIVE
    return Outcome(code, decision.action.value, STATE_TO_STATUS[state].value, message, ref.url)
