"""New form responses into the ledger, each with its reference code; the responses sheet read from a bookmark."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ..app import App
from ..core.bookmark import Bookmark, bookmark_after
from ..core.duplicates import near_duplicate_of
from ..core.form import FormLayout, FormLayoutError
from ..core.model import Submission
from ..core.registry import Registry
from ..core.validate import normalise
from ..google.responses import ResponsesTab
from ..ledger import SubmissionRecord
from ..ledger.meta import MetaValue
from .outcome import CycleReport, Outcome

log = logging.getLogger("mymein.sync")


def _responses_tab(app: App) -> ResponsesTab:
    kept = app.ledger.meta.responses_tab(app.settings.form.spreadsheet_id)
    cached = kept.get()
    if cached and "\t" in cached:
        title, tz = cached.split("\t", 1)
        return ResponsesTab(title, tz)
    tab = app.responses.locate()
    kept.set(f"{tab.title}\t{tab.timezone}")
    return tab


def ingest(app: App, report: CycleReport, *, dry_run: bool, registry: Registry | None = None) -> list[SubmissionRecord]:
    """New responses become ledger entries with a reference code; invalid ones too, marked to be fixed.

    The responses sheet is read in chunks of `schedule.rows_per_cycle` rows, each ingested and let go before
    the next is read, so memory stays bounded at any size; once a cycle has taken that many new responses it
    stops after the chunk and the next cycle goes on from the bookmark (`report.more`)."""
    tab = _responses_tab(app)
    limit = app.settings.schedule.rows_per_cycle
    sheet_tz = ZoneInfo(tab.timezone)
    added: list[SubmissionRecord] = []
    for values, layout, bookmark in _read_responses(app, tab, limit):
        before = report.ingested
        added += _ingest_rows(app, report, values, layout, sheet_tz, dry_run=dry_run, registry=registry)
        if bookmark is not None and not dry_run:  # only once every row read is in the ledger
            _bookmark(app).set(bookmark.dumps())
        if limit and report.ingested >= limit and bookmark is not None:
            log.info(
                "ingested %d new responses up to row %d of the responses sheet; the rest in the next cycles",
                report.ingested,
                bookmark.last_row,
            )
            report.more = True
            break
        if report.ingested > before:
            log.debug("responses ingested up to row %s", bookmark.last_row if bookmark else "?")
    return added


def _ingest_rows(
    app: App,
    report: CycleReport,
    values: list[list[Any]],
    layout: FormLayout,
    sheet_tz: ZoneInfo,
    *,
    dry_run: bool,
    registry: Registry | None,
) -> list[SubmissionRecord]:
    known = app.ledger.known_response_keys(layout.response_key(row) for row in values[1:])
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
    return added


def _near_duplicate(app: App, submission: Submission) -> str | None:
    window = app.settings.duplicates.window_days
    if window <= 0 or not submission.is_valid:
        return None
    earlier = app.ledger.recent_from(submission, submission.received_at - timedelta(days=window))
    return near_duplicate_of(submission.title, submission.body, earlier, app.settings.duplicates.similarity)


def _bookmark(app: App) -> MetaValue:
    return app.ledger.meta.responses_bookmark(app.settings.form.spreadsheet_id)


Chunk = tuple[list[list[Any]], FormLayout, Bookmark | None]


def _read_responses(app: App, tab: ResponsesTab, limit: int) -> Iterator[Chunk]:
    """The header and the rows that may hold new responses, chunk by chunk (`limit` rows; 0: all at once); the
    whole sheet, from the top, only when the bookmark fails.

    Yields the rows (header first), their layout, and the bookmark to keep once they are ingested.
    """
    mark = Bookmark.loads(_bookmark(app).get())
    if mark is not None and mark.tab == tab.title:
        asked = len(mark.keys) + limit
        end = mark.start_row + asked - 1 if limit else None
        header, tail = app.responses.read_tail(tab, mark.start_row, len(mark.header), end)
        try:
            layout = FormLayout.from_header(header, app.settings.form.columns)
        except FormLayoutError:
            layout = None
        if layout is not None and mark.holds(header, tail, layout.response_key):
            yield from _following(app, tab, header, layout, mark.start_row, tail, asked if limit else 0)
            return
        log.info("responses sheet changed above the bookmark (sorted, edited or rows deleted); reading it whole")
    if not limit:
        values = app.responses.read(tab)
        if not values:
            return
        layout = FormLayout.from_header(values[0], app.settings.form.columns)
        yield values, layout, bookmark_after(tab.title, values[0], 2, values[1:], layout.response_key)
        return
    values = app.responses.read_head(tab, 1 + limit)
    if not values:
        return
    header, rows = values[0], values[1:]
    layout = FormLayout.from_header(header, app.settings.form.columns)
    yield from _following(app, tab, header, layout, 2, rows, limit)


def _following(
    app: App,
    tab: ResponsesTab,
    header: list[Any],
    layout: FormLayout,
    first_row: int,
    rows: list[list[Any]],
    asked: int,
) -> Iterator[Chunk]:
    """This chunk, then the next ones for as long as each came back full (`asked` rows; 0: one chunk)."""
    limit = app.settings.schedule.rows_per_cycle
    while True:
        yield [header, *rows], layout, bookmark_after(tab.title, header, first_row, rows, layout.response_key)
        if not asked or len(rows) < asked:
            return
        # From the last row read, which is inside the tab: a range starting below the tab's last row is refused.
        last = first_row + len(rows) - 1
        again, rows = app.responses.read_tail(tab, last, len(header), last + limit)
        if [str(h) for h in again] != [str(h) for h in header]:
            return  # the header changed meanwhile: the next cycle starts again from the bookmark
        first_row, rows, asked = last + 1, rows[1:], limit
