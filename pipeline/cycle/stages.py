"""One cycle: ingest -> decide -> act -> write back. Compute first, write second; one bad row never stops the rest."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..app import App
from ..core.bookmark import Bookmark, bookmark_after
from ..core.complaints import ComplaintLayout, ComplaintTabError
from ..core.decide import MODE_TO_STATE, STATE_TO_STATUS, Action, Decision, PostState, decide, text_hash
from ..core.duplicates import near_duplicate_of
from ..core.form import FormLayout, FormLayoutError
from ..core.model import Mode, PostRef, ReviewRow, Status, Submission
from ..core.photo_check import photo_problem
from ..core.post import post_view
from ..core.quota import quota_day
from ..core.registry import Registry
from ..core.review import OPTIONAL_HEADERS, PIPELINE_OWNED, ReviewLayout, ReviewLayoutError
from ..core.sheettime import format_local
from ..core.text import counted
from ..core.validate import normalise
from ..features import comments, complaints, notices, photo_access, registrations
from ..features.own_posts import find_own_post, insert_payload
from ..google.errors import CredentialsRefused, GoogleApiError
from ..google.responses import ResponsesTab
from ..google.review_sheet import Archive, CellWrite, row_validations
from ..infra import tabs
from ..infra.tabs import ARCHIVE_KIND, OPERATOR_KIND, REVIEW_KIND, TabRows, tab_id, title_of
from ..ledger import SubmissionRecord
from ..ops.rebuild import adopt_complaints
from . import recovery, went_live
from . import survey as sheet_repair
from .survey import pipeline_cells

log = logging.getLogger("mymein.sync")

RESPONSES_TAB_META = "responses_tab:{}"
RESPONSES_BOOKMARK_META = "responses_bookmark:{}"
WRITE_BACK = "*"  # the code of intents that concern the whole review sheet
BLOGGER_PAUSE_META = "blogger_paused_until"
CALLS_META = "api_calls:{}"
RESTORED_MESSAGE = "Baris ini sempat terhapus dari sheet dan dikembalikan. Centang Tolak bila berita tidak diterbitkan."


class PhotoRefused(Exception):
    """A photo of the row cannot go on the blog (missing, private, not an image, too large)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Outcome:
    code: str
    action: str
    status: str
    message: str
    link: str = ""


@dataclass
class CycleReport:
    dry_run: bool = False
    ingested: int = 0
    queued: int = 0
    restored: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    rows_added: int = 0  # rows appended to the review tab (new and put back), which write no cell of their own
    cells_written: int = 0
    archived: int = 0
    errors: list[str] = field(default_factory=list)
    settled: set[str] = field(default_factory=set)  # rows with nothing to do this cycle
    notices: list[str] = field(default_factory=list)  # keys of the e-mails sent
    comments: int = 0  # readers' comments found on the blog
    registered: int = 0  # KIMs given a registration number
    complaints: int = 0  # complaints received from the complaint form
    down: dict[str, str] = field(default_factory=dict)  # service -> why it refused us this cycle (one line)
    waiting: int = 0  # stories that wait for a service that is down
    adopted: int = 0  # stories the ledger lacked, adopted from the review sheet and the blog
    # Rows that stay `Perlu perbaikan` for the reason already told: summed up in one line, not announced again.
    still_held: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for o in self.outcomes if o.action == action)

    def extras(self) -> list[str]:
        """What the cycle did besides the news rows, for the log; empty when nothing."""
        adopted = (
            "story or complaint adopted from the sheets and the blog (the ledger lacked it)",
            "stories and complaints adopted from the sheets and the blog (the ledger lacked them)",
        )
        done = (
            (self.adopted, *adopted),
            (self.complaints, "complaint received", None),
            (self.registered, "KIM registered", None),
            (self.comments, "comment copied", None),
            (len(self.notices), "e-mail sent", None),
        )
        return [_counted_words(n, one, many) for n, one, many in done if n]

    def held_line(self, shown: int = 10) -> str:
        """One line for the rows still held, instead of their hold repeated every cycle; empty when none."""
        codes = sorted(self.still_held)
        if not codes:
            return ""
        more = f", and {len(codes) - shown} more" if len(codes) > shown else ""
        verb = "row still held" if len(codes) == 1 else "rows still held"
        return f"{len(codes)} {verb} (Perlu perbaikan): {', '.join(codes[:shown])}{more}"


def _counted_words(n: int, one: str, many: str | None) -> str:
    """`1 e-mail sent`, `2 e-mails sent`: the first word takes the number unless the plural is given whole."""
    if many is not None:
        return f"{n} {one if n == 1 else many}"
    noun, _, rest = one.partition(" ")
    return f"{counted(n, noun)} {rest}".rstrip()


def run_cycle(app: App, *, dry_run: bool = False) -> CycleReport:
    report = CycleReport(dry_run=dry_run)
    app.policy.new_cycle()
    if not dry_run:
        notices.start(app)
        reconcile_intents(app, report)
        notice_went_live(app, report)
    values, registry, complaint_tabs = _read_review(app, report, dry_run=dry_run)
    values = sheet_repair.header_back(app, values, dry_run=dry_run)
    if not dry_run:  # before ingest: a lost or older ledger adopts what the sheet and the blog prove
        report.adopted = recovery.recover(app, values).count
        if complaint_tabs:
            report.adopted += adopt_complaints(app, complaint_tabs[0])
    ingest(app, report, dry_run=dry_run, registry=registry)
    headers = app.settings.review.headers
    if not values:
        if not dry_run and app.ledger.live_codes():
            # Stories belong on this tab and it is empty: make sure it is ours before writing to it (raises).
            tabs.find(app, REVIEW_KIND, app.settings.review.worksheet)
        values = [list(headers.values())] if dry_run else [app.review.create_header(headers)]
    layout = ReviewLayout.from_header(values[0], headers)
    rows = layout.parse(values)
    records = app.ledger.records(row.code for row in rows)
    found = sheet_repair.survey(app, layout, values, rows, records, dry_run=dry_run)
    appends = queue_new_rows(app, found, report, dry_run=dry_run)
    # By code, which is the order of arrival: when Blogger's daily cap stops the posting, the earliest go first.
    # One read of the ledger for the rows on the sheet, not all history.
    for row in sorted(found.active, key=lambda r: r.code):
        if act_on_row(app, row, report, dry_run=dry_run, record=records.get(row.code), registry=registry):
            records[row.code] = app.ledger.get(row.code) or records[row.code]
    if not dry_run:
        if BLOG not in report.down:
            report.comments = comments.collect(app, report.errors)
        report.registered = registrations.collect(app, report.errors)
        report.complaints = complaints.collect(app, report.errors)
        work = complaints.review(app, complaint_tabs[0], complaint_tabs[1], report.errors) if complaint_tabs else None
        write_back(app, layout, found, appends, report, values, work)
        notices.notify(app, report.notices, report.errors)
        _count_calls(app)
    for line in report.down.values():  # one line per service, however many stories it held back
        waiting = (
            f"; {report.waiting} {'story waits' if report.waiting == 1 else 'stories wait'}" if report.waiting else ""
        )
        report.errors.append(f"{line}{waiting}")
    return report


def _count_calls(app: App) -> None:
    """Add this cycle's Google requests to today's tally (local day), for `mymein status`."""
    if not app.policy.calls:
        return
    key = CALLS_META.format(app.clock().astimezone(app.settings.tz).date().isoformat())
    tally: dict[str, int] = json.loads(app.ledger.get_meta(key) or "{}")
    for api, n in app.policy.calls.items():
        tally[api] = tally.get(api, 0) + n
    app.ledger.set_meta(key, json.dumps(tally, sort_keys=True))


def _read_review(
    app: App, report: CycleReport, *, dry_run: bool
) -> tuple[list[list[Any]], Registry | None, list[list[list[Any]]] | None]:
    """The review tab; in the same call the Operator tab (with `registry.enforce`) and the Pengaduan and SKPD
    tabs (with `complaints.enabled`). Tabs are read by the title they last had; when one is missing, one
    look at the spreadsheet's tabs follows a rename or makes the tab again (`tabs.find`)."""
    review = app.settings.review
    wanted: dict[str, str] = {REVIEW_KIND: review.worksheet}
    if app.settings.registry.enforce:
        wanted[OPERATOR_KIND] = review.operator_worksheet
    if not dry_run:
        try:
            wanted.update(complaints.tab_kinds(app))
        except GoogleApiError as exc:
            report.errors.append(f"complaints wait for the next cycle: {exc}")
    found = _read_tabs(app, wanted)
    if found is None:
        if dry_run:
            return app.review.read(), None, None
        found = _find_tabs_again(app, wanted)
    app.review.worksheet = title_of(app, REVIEW_KIND, review.worksheet)
    registry = None
    if OPERATOR_KIND in wanted:
        if OPERATOR_KIND in found:
            registry = Registry.from_rows(found[OPERATOR_KIND])
        else:
            report.errors.append(
                f"registry.enforce is on but the review spreadsheet has no {review.operator_worksheet!r} tab; "
                "run `mymein init`"
            )
    complaint_tabs = [found[kind] for kind in complaints.TAB_KINDS if kind in found]
    return found[REVIEW_KIND], registry, (complaint_tabs if len(complaint_tabs) == 2 else None)


def _looks_like_review(app: App) -> Callable[[list[Any]], bool]:
    """A header row with every column of the review tab (the archive tab has them too: it is excluded by name)."""

    def test(header: list[Any]) -> bool:
        try:
            ReviewLayout.from_header(header, app.settings.review.headers)
        except ReviewLayoutError:
            return False
        return True

    return test


def _read_tabs(app: App, wanted: dict[str, str]) -> dict[str, list[list[Any]]] | None:
    """The tabs (kind -> configured title) in one call, by the titles they last had; None when one is gone."""
    found = app.review.read_tabs([title_of(app, kind, title) for kind, title in wanted.items()])
    return None if found is None else dict(zip(wanted, found, strict=True))


def _find_tabs_again(app: App, wanted: dict[str, str]) -> dict[str, list[list[Any]]]:
    """A tab could not be read by its title: look at the spreadsheet's tabs once, follow renamed ones, make
    the review and complaint tabs again when deleted (an Operator tab is made only by `mymein init`), and
    read what there is. A configured name that now points at another tab than ours stops the cycle."""
    sheets = app.review.tabs()
    readable: dict[str, str] = {}
    for kind, title in wanted.items():
        if kind == OPERATOR_KIND:
            if tabs.find(app, kind, title, sheets).tab is None:
                continue
        else:
            looks_like = _looks_like_review(app) if kind == REVIEW_KIND else complaints.LOOKS_LIKE.get(kind)
            tabs.ensure(app, kind, title, complaints.TAB_KINDS.get(kind, ()), sheets, looks_like)
        readable[kind] = title
    found = _read_tabs(app, readable)
    if found is None:  # renamed again meanwhile
        raise GoogleApiError("sheets.spreadsheets.values.batchGet", 400, "a tab was renamed during the cycle")
    return found


# --- reconcile ------------------------------------------------------------------------------------------
def reconcile_intents(app: App, report: CycleReport) -> None:
    """A post insert that may have happened before a crash: adopt the post if it exists, else let it retry.

    Every other side effect (publish, revert, patch, share, write-back) is safe to repeat, and the cycle
    recomputes what it should be from the sheet and the ledger: its open intent is closed as interrupted.
    """
    for intent in app.ledger.open_intents():
        if intent.action != "insert":
            app.ledger.close_intent(intent.id, error="interrupted; recomputed by the next cycle")
            app.ledger.event(intent.code, "intent_interrupted", {"action": intent.action})
    for intent in app.ledger.open_intents("insert"):
        record = app.ledger.get(intent.code)
        if record is not None and record.post_id:
            app.ledger.close_intent(intent.id)
            continue
        since = intent.created_at - timedelta(days=1)
        if BLOG in report.down:
            continue
        try:
            found = find_own_post(app, intent.code, intent.payload, since)
        except CredentialsRefused as exc:
            report.down[BLOG] = str(exc)
            continue
        except GoogleApiError as exc:
            report.errors.append(f"{intent.code}: cannot check for an earlier post yet: {exc}")
            continue
        if found is None:
            app.ledger.close_intent(intent.id, error="no post was created")
            app.ledger.event(intent.code, "intent_abandoned", {"action": "insert"})
            continue
        state = PostState(found.state) if found.state in PostState.__members__ else PostState.LIVE
        app.ledger.set_outcome(
            intent.code,
            STATE_TO_STATUS[state],
            "Postingan ditemukan kembali setelah gangguan; tidak dibuat ulang.",
            kind="adopted",
            post_id=found.post_id,
            post_url=found.url,
            post_state=state,
            published_hash=intent.payload.get("hash"),
        )
        app.ledger.close_intent(intent.id)


# --- posts that went live without us ------------------------------------------------------------------
def notice_went_live(app: App, report: CycleReport) -> None:
    """Drafts published by hand in Blogger and schedules that came due become `Terbit` (see `went_live`)."""
    if BLOG in report.down:
        return
    try:
        found = went_live.check(app, report.errors)
    except CredentialsRefused as exc:
        report.down[BLOG] = str(exc)
        return
    for live in found:
        report.outcomes.append(Outcome(live.code, "went_live", Status.PUBLISHED.value, live.message, live.url))


# --- ingest ---------------------------------------------------------------------------------------------
def _responses_tab(app: App) -> ResponsesTab:
    key = RESPONSES_TAB_META.format(app.settings.form.spreadsheet_id)
    cached = app.ledger.get_meta(key)
    if cached and "\t" in cached:
        title, tz = cached.split("\t", 1)
        return ResponsesTab(title, tz)
    tab = app.responses.locate()
    app.ledger.set_meta(key, f"{tab.title}\t{tab.timezone}")
    return tab


def ingest(app: App, report: CycleReport, *, dry_run: bool, registry: Registry | None = None) -> list[SubmissionRecord]:
    """New responses become ledger entries with a reference code; invalid ones too, marked to be fixed."""
    tab = _responses_tab(app)
    values, layout, bookmark = _read_responses(app, tab)
    if layout is None:
        return []
    known = app.ledger.known_response_keys(layout.response_key(row) for row in values[1:])
    sheet_tz = ZoneInfo(tab.timezone)
    local_tz = app.settings.tz
    added: list[SubmissionRecord] = []
    for row in values[1:]:
        key = layout.response_key(row)
        if key in known:
            continue
        response = layout.parse(row, sheet_tz)
        if response is None:
            continue
        known.add(key)
        submission = normalise(response, app.regions)
        if registry is not None:
            extra = registry.problems(submission.email, submission.kecamatan, submission.desa)
            submission = replace(submission, problems=(*submission.problems, *extra))
        report.ingested += 1
        if dry_run:
            report.outcomes.append(Outcome("(baru)", "ingest", "", submission.title))
            continue
        record = app.ledger.add_submission(
            key, submission, response.received_at.astimezone(local_tz).date(), near=_near_duplicate(app, submission)
        )
        added.append(record)
    if bookmark is not None and not dry_run:  # only once every row read is in the ledger
        app.ledger.set_meta(_bookmark_meta(app), bookmark.dumps())
    return added


def _near_duplicate(app: App, submission: Submission) -> str | None:
    window = app.settings.duplicates.window_days
    if window <= 0 or not submission.is_valid:
        return None
    earlier = app.ledger.recent_from(submission, submission.received_at - timedelta(days=window))
    return near_duplicate_of(submission.title, submission.body, earlier, app.settings.duplicates.similarity)


def _bookmark_meta(app: App) -> str:
    return RESPONSES_BOOKMARK_META.format(app.settings.form.spreadsheet_id)


def _read_responses(app: App, tab: ResponsesTab) -> tuple[list[list[Any]], FormLayout | None, Bookmark | None]:
    """The header and the rows that may hold new responses; the whole sheet only when the bookmark fails.

    Returns the rows (header first), their layout, and the bookmark to keep once they are ingested.
    """
    mark = Bookmark.loads(app.ledger.get_meta(_bookmark_meta(app)))
    if mark is not None and mark.tab == tab.title:
        header, tail = app.responses.read_tail(tab, mark.start_row, len(mark.header))
        try:
            layout = FormLayout.from_header(header, app.settings.form.columns)
        except FormLayoutError:
            layout = None
        if layout is not None and mark.holds(header, tail, layout.response_key):
            after = bookmark_after(tab.title, header, mark.start_row, tail, layout.response_key)
            return [header, *tail], layout, after
        log.info("responses sheet changed above the bookmark (sorted, edited or rows deleted); reading it whole")
    values = app.responses.read(tab)
    if not values:
        return [], None, None
    layout = FormLayout.from_header(values[0], app.settings.form.columns)
    return values, layout, bookmark_after(tab.title, values[0], 2, values[1:], layout.response_key)


def _officer_defaults(app: App, record: SubmissionRecord) -> dict[str, Any]:
    """The officer's cells of a story's first row: the form's answer, nothing ticked, the default mode."""
    return {
        "kecamatan": record.kecamatan,
        "desa": record.desa,
        "operator": record.operator,
        "email": record.email,
        "title": record.title,
        "body": record.body,
        "photos": ", ".join(record.photos),
        "labels": "",
        "approve": False,
        "reject": False,
        "mode": app.settings.review.default_mode.value,
        "schedule": "",
        "note": "",
        **{role: False for role in OPTIONAL_HEADERS if role in app.settings.review.headers},
    }


def _officer_cells(app: App, record: SubmissionRecord, layout: ReviewLayout) -> dict[str, Any]:
    """The officer's cells of a row written by the pipeline: as the officer last left them, when the row is
    put back, else the defaults; only the columns the tab has now."""
    cells = {**_officer_defaults(app, record), **(record.seen or {})}
    return {role: value for role, value in cells.items() if role in layout.columns}


def _row_cells(app: App, record: SubmissionRecord, layout: ReviewLayout) -> dict[str, Any]:
    return {
        "code": record.code,
        "received": format_local(record.received_at, app.settings.tz),
        **_officer_cells(app, record, layout),
        **pipeline_cells(app, record),
    }


def _remember_legacy(app: App, record: SubmissionRecord) -> None:
    """A story with a post, missing from the tab, whose officer cells the ledger never saw (kept before the
    ledger remembered them): it comes back approved in its post's mode, and its post is taken to show the row
    as it comes back, so nothing is changed on the blog by the restoring."""
    state = record.post_state or PostState.LIVE
    mode = {PostState.LIVE: Mode.LIVE, PostState.DRAFT: Mode.DRAFT, PostState.SCHEDULED: Mode.SCHEDULED}[state]
    cells = {**_officer_defaults(app, record), "approve": record.status is not Status.RETRACTED, "mode": mode.value}
    app.ledger.remember_seen({record.code: cells})
    app.ledger.set_published_hash(
        record.code,
        text_hash(record.title, record.body, record.kecamatan, record.desa, record.operator, record.photos, labels=()),
    )


def queue_new_rows(
    app: App, found: sheet_repair.Survey, report: CycleReport, *, dry_run: bool
) -> list[SubmissionRecord]:
    """Every submission not yet on the sheet, once, to be appended by the write-back (a code already there is
    only marked as queued), and every story that belongs on the live tab and went missing, as it was.

    Rows are never taken off the live tab but by archiving: a row deleted, a tab cleared, comes back with its
    status, link and the officer's last decision, saying so; rejecting is done with `Tolak`.
    """
    present = {row.code for row in found.active} | set(found.cells) | set(found.keeper)
    present |= {code for code in found.from_past}
    pending = app.ledger.unqueued()
    missing = [r for r in pending if r.code not in present]
    if dry_run:
        # The responses a dry run ingested are not in the ledger: the real run would queue each of them too.
        report.queued += len(missing) + report.ingested
        report.restored += len(found.missing)
        return []
    already = [r.code for r in pending if r.code in present]
    if already:
        app.ledger.mark_queued(already)
    restored = list(app.ledger.records(found.missing).values())
    for record in restored:
        if record.seen is None and record.post_id is not None:
            _remember_legacy(app, record)
        app.ledger.note(record.code, sheet_repair.restored_message(record), kind="restored")
    if restored:
        log.warning("%s missing from the review tab put back", counted(len(restored), "row"))
    restored = list(app.ledger.records(found.missing).values())
    report.queued += len(missing)
    report.restored += len(restored)
    return [*missing, *restored]


# --- decide and act -------------------------------------------------------------------------------------
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
        report.errors.append(f"{row.code}: on the review sheet but not in the ledger; left alone")
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
        report.down[BLOG if exc.owner else "google"] = str(exc)
        if not exc.owner:
            raise  # the service-account key: nothing else of the cycle can go on either
        _wait_for_blog(app, record, report)
        return True
    except GoogleApiError as exc:
        if decision.action is Action.PUBLISH and _is_daily_cap(exc):
            app.ledger.set_meta(BLOGGER_PAUSE_META, _quota_day(app)[1].isoformat())
            log.warning("%s: Blogger refuses new posts for today (%s); the rest waits", row.code, exc)
            _defer(app, record, _daily_cap_reached(app) or "", report)
            return True
        log.warning("%s: %s failed: %s", row.code, decision.action.value, exc)
        message = _failure_message(exc)
        app.ledger.set_outcome(
            row.code, Status.FAILED if record.post_id is None else record.status, message, kind="failed"
        )
        outcome = Outcome(row.code, decision.action.value, Status.FAILED.value, message)
        report.errors.append(f"{row.code}: {exc}")
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
            report.errors.append(f"{row.code}: its photos could not be checked: {exc}")
            reason = None
        if reason and record.status is Status.NEEDS_FIX and record.message == reason:
            report.still_held.append(row.code)
            return
        if reason:
            report.outcomes.append(Outcome(row.code, Action.HOLD.value, Status.NEEDS_FIX.value, reason))
            return
    report.outcomes.append(Outcome(row.code, decision.action.value, "", "akan dijalankan"))


BLOG = "blogger"
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
    paused = app.ledger.get_meta(BLOGGER_PAUSE_META)
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


# --- write back -----------------------------------------------------------------------------------------
def write_back(
    app: App,
    layout: ReviewLayout,
    found: sheet_repair.Survey,
    appends: Sequence[SubmissionRecord],
    report: CycleReport,
    values: Sequence[Sequence[Any]] = (),
    work: complaints.ComplaintWork | None = None,
) -> None:
    """Recompute every row's pipeline columns from the ledger; write the cells that differ and the new rows.

    Cells are placed by code where the rows are now, not where they were when the cycle read the sheet:
    officers keep working while the cycle posts. The ledger holds the truth, so whatever cannot be written
    now (a failure, a row deleted meanwhile) is recomputed and written by the next cycle.
    """
    rows = [*found.active]
    records = app.ledger.records([*(row.code for row in rows), *found.from_past])
    changes: dict[str, dict[str, Any]] = {}
    wanted_by_code: dict[str, dict[str, str]] = {}
    for row in rows:
        record = records.get(row.code)
        if record is None:
            continue
        wanted = wanted_by_code[row.code] = pipeline_cells(app, record)
        for role in PIPELINE_OWNED:
            if row.pipeline_cells.get(role, "") != wanted[role]:
                changes.setdefault(row.code, {})[role] = wanted[role]
        if record.mode_override and row.mode_text.strip() != record.mode_override:
            changes.setdefault(row.code, {})["mode"] = record.mode_override
    for code in found.from_past:  # set right: the ledger's pipeline cells and the officer's last cells
        wanted_by_code[code] = pipeline_cells(app, records[code])
        changes[code] = {**found.cells.get(code, {}), **wanted_by_code[code]}
    for fix in found.code_fixes:
        changes.setdefault(fix.code, {})["code"] = fix.code
    finished = _finished(app, rows, records, changes, report.settled)
    try:
        tanggapan = comments.pending_rows(app)
        operators = registrations.pending_rows(app)
    except GoogleApiError as exc:
        report.errors.append(f"comments and registrations wait for the next cycle: {exc}")
        tanggapan = operators = None
    pengaduan = work.appends if work is not None else None
    complaint_cells = work is not None and bool(work.changes or work.finished)
    if (
        not changes
        and not appends
        and not finished
        and not complaint_cells
        and not found.keeper
        and not any((tanggapan, operators, pengaduan))
    ):
        _remember_shown(app, rows, records, wanted_by_code, None)
        return
    try:
        column = layout.columns["code"]
        for _ in range(2):  # columns moved meanwhile: one more look, rarely needed
            look = [column, layout.columns["title"]] if found.code_fixes else [column]
            places: list[tuple[str, Sequence[int]]] = [(app.review.worksheet, look)]
            if work is not None and complaint_cells:
                title = title_of(app, complaints.TAB_KIND, app.settings.complaints.tab)
                places.append((title, [complaints.code_column(work)]))
            located = app.review.where_now_in(places)
            header, columns_now = located[0]
            now = ReviewLayout.from_header(header, app.settings.review.headers)
            if now.columns["code"] == column and (
                not found.code_fixes or now.columns["title"] == layout.columns["title"]
            ):
                break
            layout = now
            column = now.columns["code"]
        else:
            report.errors.append("the review sheet's columns keep moving; write-back deferred to the next cycle")
            return
        codes = columns_now[0]
        where = _rows_by_code(codes)
        if found.code_fixes:
            for code, number in sheet_repair.place_code_fixes(found.code_fixes, codes, columns_now[1]).items():
                where[code] = [number]
        writes: list[CellWrite] = []
        for code, (kept, count) in found.keeper.items():
            numbers = where.get(code, [])
            if len(numbers) != count:  # rows added or deleted meanwhile: which is which is looked at next cycle
                continue
            where[code] = [numbers[kept]]
            copy_note = sheet_repair.COPY_MESSAGE.format(code=code)
            for number in numbers[:kept] + numbers[kept + 1 :]:
                writes += [
                    CellWrite(number, now.columns["code"], ""),
                    CellWrite(number, now.columns["message"], copy_note),
                ]
        writes += [
            CellWrite(number, now.columns[role], value, code=code)
            for code, cells in changes.items()
            for number in where.get(code, [])
            for role, value in cells.items()
            if role in now.columns
        ]
        complaint_archive = None
        if work is not None and len(located) > 1:
            complaint_header, [complaint_codes] = located[1]
            complaint_writes, complaint_archive = _complaint_writes(
                app, work, complaint_header, complaint_codes, report
            )
            writes += complaint_writes
        new_rows = [now.lay_out(_row_cells(app, r, now)) for r in appends]
        archive = _archive(app, finished, where, values, records)
        detail = {
            "cells": len(writes),
            "rows": [r.code for r in appends],
            "archived": len(archive.codes) if archive else 0,
        }
        extra = [t.as_append() for t in (tanggapan, operators, pengaduan) if t is not None]
        comments.mark(app, tanggapan, "sending")
        registrations.mark(app, operators, "sending")
        complaints.mark(app, pengaduan, "sending")
        with app.ledger.intended(WRITE_BACK, "write_back", detail):
            archives = [a for a in (archive, complaint_archive) if a is not None]
            review_id = _review_sheet_id(app)
            refused = app.review.commit(
                review_id, writes, new_rows, row_validations(now.columns), archives, extra, [r.code for r in appends]
            )
        comments.mark(app, tanggapan, "written")
        registrations.mark(app, operators, "written")
        complaints.mark(app, pengaduan, "written")
        if refused:
            _refused(app, refused, (tanggapan, operators, pengaduan), report)
    except ReviewLayoutError as exc:
        report.errors.append(f"write-back deferred to the next cycle: {exc}")
        return
    except GoogleApiError as exc:
        if not exc.outcome_unknown:  # refused outright: nothing landed
            comments.mark(app, tanggapan, "new")
            registrations.mark(app, operators, "new")
            complaints.mark(app, pengaduan, "new")
        if exc.status == 400 and "grid" in exc.message.lower():
            tabs.verify_all(app)  # a tab was deleted meanwhile: look the ids up again
        report.errors.append(f"write-back deferred to the next cycle: {exc}")
        return
    landed = [r for r in appends if r.code not in refused]
    queued = [r.code for r in landed if not r.queued]
    if queued:
        app.ledger.mark_queued(queued)
    placed = {code: numbers for code, numbers in where.items() if code not in refused}
    for code, cells in changes.items():
        if "mode" in cells and code in placed:
            app.ledger.clear_mode_override(code)  # the sheet says it now; the officer's word counts again
    _remember_shown(app, rows, records, wanted_by_code, placed)
    _remember_appended(app, landed, now)
    report.rows_added = len(landed)
    report.cells_written = sum(1 for w in writes if w.code not in refused)
    if complaint_archive is not None and "archive:" + ",".join(complaint_archive.codes) not in refused:
        report.archived += complaints.archived(app, complaint_archive)
    if archive is not None and "archive:" + ",".join(archive.codes) not in refused:
        app.ledger.mark_archived(archive.codes, app.settings.review.archive_worksheet)
        report.archived += len(archive.codes)


def _refused(app: App, refused: dict[str, str], side: Sequence[TabRows | None], report: CycleReport) -> None:
    """Parts of the write-back Google would not take (the rest landed): each story says so in `Pesan`, a line
    names it in the log, and side-tab rows go again next cycle."""
    for label, reason in refused.items():
        line = f"{label}: Google refused this part of the write-back ({reason}); the other rows landed"
        log.warning("%s", line)
        report.errors.append(line)
        if label.startswith("tab:"):
            row_id = label.removeprefix("tab:")
            for rows, module in zip(side, (comments, registrations, complaints), strict=True):
                if rows is not None and row_id in rows.ids:
                    module.mark(app, TabRows(rows.sheet_id, [], [row_id]), "new")
        elif app.ledger.get(label) is not None:
            app.ledger.note(label, f"Google menolak menulis baris ini ke sheet ({reason[:200]}).", kind="write_refused")


def _remember_shown(
    app: App,
    rows: Sequence[ReviewRow],
    records: dict[str, SubmissionRecord],
    wanted_by_code: dict[str, dict[str, str]],
    where: dict[str, list[int]] | None,
) -> None:
    """After a write-back landed (or nothing needed writing): what each row on the sheet shows now."""
    shown: dict[str, dict[str, str]] = {}
    for code, wanted in wanted_by_code.items():
        record = records.get(code)
        if record is None or record.shown == wanted:
            continue
        if where is None:  # nothing was written: only rows that already showed it
            row = next((r for r in rows if r.code == code), None)
            if row is None or any(row.pipeline_cells.get(role, "") != wanted[role] for role in PIPELINE_OWNED):
                continue
        elif code not in where:
            continue
        shown[code] = wanted
    app.ledger.remember_shown(shown)


def _remember_appended(app: App, appends: Sequence[SubmissionRecord], layout: ReviewLayout) -> None:
    """Rows just appended show the ledger's cells and the officer cells they were written with."""
    if not appends:
        return
    app.ledger.remember_shown({r.code: pipeline_cells(app, r) for r in appends})
    app.ledger.remember_seen({r.code: {role: v for role, v in _officer_cells(app, r, layout).items()} for r in appends})


def _rows_by_code(codes: Sequence[str]) -> dict[str, list[int]]:
    """Code -> the sheet rows (1-based, below the header) that carry it now."""
    where: dict[str, list[int]] = {}
    for number, code in enumerate(codes, start=1):
        if number > 1 and code:
            where.setdefault(code, []).append(number)
    return where


def _complaint_writes(
    app: App, work: complaints.ComplaintWork, header: list[Any], codes: list[str], report: CycleReport
) -> tuple[list[CellWrite], Archive | None]:
    """The Pengaduan tab's changed cells and finished rows, placed where its codes are now; none when its
    columns moved meanwhile."""
    try:
        moved = ComplaintLayout.from_header(header).columns != work.layout.columns
    except ComplaintTabError:
        moved = True
    if moved:
        report.errors.append("the complaints tab's columns moved meanwhile; its cells are written next cycle")
        return [], None
    where = _rows_by_code(codes)
    return work.writes(where), complaints.archive_for(app, work, where)


def _finished(
    app: App,
    rows: Sequence[ReviewRow],
    records: dict[str, SubmissionRecord],
    changes: dict[str, dict[str, str]],
    settled: set[str],
) -> set[str]:
    """Rows done with long enough ago, up to date on the sheet, that nobody touched this cycle."""
    days = app.settings.review.archive_after_days
    if not days:
        return set()
    cutoff = app.clock() - timedelta(days=days)
    done = {Status.PUBLISHED, Status.REJECTED, Status.RETRACTED}
    return {
        row.code
        for row in rows
        if (record := records.get(row.code)) is not None
        and record.status in done
        and record.processed_at is not None
        and record.processed_at <= cutoff
        and row.code in settled
        and row.code not in changes
    }


def _archive(
    app: App,
    finished: set[str],
    where: dict[str, list[int]],
    values: Sequence[Sequence[Any]],
    records: dict[str, SubmissionRecord],
) -> Archive | None:
    """The finished rows as they read at the cycle's start, and where each is now (only codes found once). A
    row already in the archive (pasted back from it) only leaves the live tab: the archive keeps one copy."""
    if not finished or not values:
        return None
    by_code: dict[str, Sequence[Any]] = {}
    layout = ReviewLayout.from_header(values[0], app.settings.review.headers)
    for raw in values[1:]:
        by_code.setdefault(layout.text(raw, "code").strip(), raw)
    codes = sorted(c for c in finished if len(where.get(c, [])) == 1 and c in by_code)
    if not codes:
        return None
    sheet_id = tab_id(app, app.settings.review.archive_worksheet, values[0], ARCHIVE_KIND)
    rows = [list(by_code[c]) for c in codes if (r := records.get(c)) is None or r.archived_at is None]
    return Archive(sheet_id, rows, [where[c][0] for c in codes], codes)


def _review_sheet_id(app: App) -> int:
    return tab_id(app, app.settings.review.worksheet, (), REVIEW_KIND)


__all__ = ["CycleReport", "Mode", "Outcome", "run_cycle"]
