"""The rows the write-back appends: new submissions, and stories that went missing from the live tab, laid out
with the officer's cells as last seen."""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import Any

from ..app import App
from ..core.decide import PostState, text_hash
from ..core.model import Mode, Status
from ..core.review import OPTIONAL_HEADERS, ReviewLayout
from ..core.sheettime import format_local
from ..core.text import counted
from ..ledger import SubmissionRecord
from . import survey as sheet_repair
from .outcome import CycleReport
from .survey import pipeline_cells

log = logging.getLogger("mymein.sync")


def officer_defaults(app: App, record: SubmissionRecord) -> dict[str, Any]:
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
        **({"share": app.settings.social.default_share} if "share" in app.settings.review.headers else {}),
    }


def officer_cells(app: App, record: SubmissionRecord, layout: ReviewLayout) -> dict[str, Any]:
    """The officer's cells of a row written by the pipeline: as the officer last left them, when the row is
    put back, else the defaults; only the columns the tab has now."""
    cells = {**officer_defaults(app, record), **(record.seen or {})}
    return {role: value for role, value in cells.items() if role in layout.columns}


def row_cells(app: App, record: SubmissionRecord, layout: ReviewLayout) -> dict[str, Any]:
    return {
        "code": record.code,
        "received": format_local(record.received_at, app.settings.tz),
        **officer_cells(app, record, layout),
        **pipeline_cells(app, record),
    }


def _remember_legacy(app: App, record: SubmissionRecord) -> None:
    """A story with a post, missing from the tab, whose officer cells the ledger never saw (kept before the
    ledger remembered them): it comes back approved in its post's mode, and its post is taken to show the row
    as it comes back, so nothing is changed on the blog by the restoring."""
    state = record.post_state or PostState.LIVE
    mode = {PostState.LIVE: Mode.LIVE, PostState.DRAFT: Mode.DRAFT, PostState.SCHEDULED: Mode.SCHEDULED}[state]
    cells = {**officer_defaults(app, record), "approve": record.status is not Status.RETRACTED, "mode": mode.value}
    app.ledger.remember_seen({record.code: cells})
    app.ledger.set_published_hash(
        record.code,
        text_hash(record.title, record.body, record.kecamatan, record.desa, record.operator, record.photos, labels=()),
    )


def queue_new_rows(
    app: App, found: sheet_repair.Survey, report: CycleReport, *, dry_run: bool, elsewhere: Collection[str] = ()
) -> list[SubmissionRecord]:
    """Every submission not yet on the sheet, once, to be appended by the write-back (a code already there is
    only marked as queued), and every story that belongs on the live tab and went missing, as it was.

    Rows are never taken off the live tab but by archiving: a row deleted, a tab cleared, comes back with its
    status, link and the officer's last decision, saying so; rejecting is done with `Tolak`.
    """
    present = {row.code for row in found.active} | set(found.cells) | set(found.keeper)
    present |= {code for code in found.from_past}
    present |= set(elsewhere)  # a big tab: the codes on its other windows
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
