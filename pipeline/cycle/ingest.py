"""New form responses into the ledger, each with its reference code; the responses sheet read from a bookmark."""

from __future__ import annotations

import logging
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
        _bookmark(app).set(bookmark.dumps())
    return added


def _near_duplicate(app: App, submission: Submission) -> str | None:
    window = app.settings.duplicates.window_days
    if window <= 0 or not submission.is_valid:
        return None
    earlier = app.ledger.recent_from(submission, submission.received_at - timedelta(days=window))
    return near_duplicate_of(submission.title, submission.body, earlier, app.settings.duplicates.similarity)


def _bookmark(app: App) -> MetaValue:
    return app.ledger.meta.responses_bookmark(app.settings.form.spreadsheet_id)


def _read_responses(app: App, tab: ResponsesTab) -> tuple[list[list[Any]], FormLayout | None, Bookmark | None]:
    """The header and the rows that may hold new responses; the whole sheet only when the bookmark fails.

    Returns the rows (header first), their layout, and the bookmark to keep once they are ingested.
    """
    mark = Bookmark.loads(_bookmark(app).get())
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
