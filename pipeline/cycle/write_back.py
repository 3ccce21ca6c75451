"""The write-back: every row's pipeline cells recomputed from the ledger, the cells that differ, new rows,
archived rows and the side tabs' rows, in one batchUpdate placed by where the rows are now."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from ..app import App
from ..core.complaints import ComplaintLayout, ComplaintTabError
from ..core.message import Text
from ..core.model import ReviewRow
from ..core.review import PIPELINE_OWNED, ReviewLayout, ReviewLayoutError
from ..core.write_back import Standing, cell_changes, rows_by_code
from ..core.write_back import finished as core_finished
from ..features import complaints
from ..google.errors import GoogleApiError
from ..google.review_sheet import Archive, CellWrite, row_validations
from ..infra import tabs
from ..infra.tabs import ARCHIVE_KIND, REVIEW_KIND, TabRows, tab_id, title_of
from ..ledger import SubmissionRecord
from . import survey as sheet_repair
from .outcome import CycleReport
from .rows import officer_cells, row_cells
from .side_tabs import COMMENTS, COMPLAINTS, REGISTRATIONS, SideRows, mark_all
from .survey import pipeline_cells

log = logging.getLogger("mymein.sync")

WRITE_BACK = "*"  # the code of intents that concern the whole review sheet


def write_back(
    app: App,
    layout: ReviewLayout,
    found: sheet_repair.Survey,
    appends: Sequence[SubmissionRecord],
    report: CycleReport,
    values: Sequence[Sequence[Any]] = (),
    work: complaints.ComplaintWork | None = None,
    *,
    final: bool = True,
) -> None:
    """Recompute every row's pipeline columns from the ledger; write the cells that differ and the new rows.
    A big tab is written window by window (`cycle/windows.py`): only the `final` write-back of a cycle carries
    the side tabs' rows.

    Cells are placed by code where the rows are now, not where they were when the cycle read the sheet:
    officers keep working while the cycle posts. The ledger holds the truth, so whatever cannot be written
    now (a failure, a row deleted meanwhile) is recomputed and written by the next cycle.
    """
    rows = [*found.active]
    records = app.ledger.records([*(row.code for row in rows), *found.from_past])
    standing = {
        code: Standing(pipeline_cells(app, r), r.mode_override, r.status, r.processed_at) for code, r in records.items()
    }
    changes: dict[str, dict[str, Any]] = cell_changes(rows, standing)
    wanted_by_code: dict[str, dict[str, str]] = {
        row.code: dict(standing[row.code].wanted) for row in rows if row.code in standing
    }
    for code in found.from_past:  # set right: the ledger's pipeline cells and the officer's last cells
        wanted_by_code[code] = pipeline_cells(app, records[code])
        changes[code] = {**found.cells.get(code, {}), **wanted_by_code[code]}
    for fix in found.code_fixes:
        changes.setdefault(fix.code, {})["code"] = fix.code
    days = app.settings.review.archive_after_days
    cutoff = app.clock() - timedelta(days=days)
    finished = core_finished(rows, standing, cutoff=cutoff, settled=report.settled, changed=changes) if days else set()
    limit = app.settings.schedule.rows_per_cycle
    if finished and limit and report.archived >= limit:  # earlier windows of a big tab used this cycle's share
        finished, report.more = set(), True
    side: list[SideRows] = []
    for tab in (COMMENTS, REGISTRATIONS) if final else ():
        try:
            rows_for_tab = tab.pending(app)
        except GoogleApiError as exc:
            report.warn(Text("{tab} wait for the next cycle: {error}", tab=tab.name, error=exc))
            continue
        if rows_for_tab is not None:
            side.append(SideRows(tab, rows_for_tab))
    if work is not None and work.appends is not None:
        side.append(SideRows(COMPLAINTS, work.appends))
    complaint_cells = work is not None and bool(work.changes or work.finished)
    if not changes and not appends and not finished and not complaint_cells and not found.keeper and not side:
        _remember_shown(app, rows, records, wanted_by_code, None)
        return
    try:
        column = layout.columns["code"]
        for _ in range(2):  # columns moved meanwhile: one more look, rarely needed
            # Where the rows are now, when a cell is placed or a row moved; new rows alone need only the header.
            placing = bool(changes or finished or found.keeper or found.code_fixes)
            look = ([column, layout.columns["title"]] if found.code_fixes else [column]) if placing else []
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
            report.warn("the review sheet's columns keep moving; write-back deferred to the next cycle")
            return
        codes = columns_now[0] if placing else []
        where = rows_by_code(codes)
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
        new_rows = [now.lay_out(row_cells(app, r, now)) for r in appends]
        archive = _archive(app, finished, where, values, records, report)
        detail = {
            "cells": len(writes),
            "rows": [r.code for r in appends],
            "archived": len(archive.codes) if archive else 0,
        }
        extra = [item.rows.as_append() for item in side]
        mark_all(app, side, "sending")
        with app.ledger.intended(WRITE_BACK, "write_back", detail):
            archives = [a for a in (archive, complaint_archive) if a is not None]
            review_id = _review_sheet_id(app)
            refused = app.review.commit(
                review_id, writes, new_rows, row_validations(now.columns), archives, extra, [r.code for r in appends]
            )
        mark_all(app, side, "written")
        if refused:
            _refused(app, refused, side, report)
    except ReviewLayoutError as exc:
        report.warn(Text("write-back deferred to the next cycle: {error}", error=exc))
        return
    except GoogleApiError as exc:
        if not exc.outcome_unknown:  # refused outright: nothing landed
            mark_all(app, side, "new")
        if exc.status == 400 and "grid" in exc.message.lower():
            tabs.verify_all(app)  # a tab was deleted meanwhile: look the ids up again
        report.warn(Text("write-back deferred to the next cycle: {error}", error=exc))
        return
    landed = [r for r in appends if r.code not in refused]
    queued = [r.code for r in landed if not r.queued]
    if queued:
        app.ledger.mark_queued(queued)
    placed = {code: numbers for code, numbers in where.items() if code not in refused}
    for code, cells in changes.items():
        if "mode" in cells and code in placed:
            app.ledger.clear_mode_override(code)  # the sheet says it now; the officer's word counts again
    _remember_shown(app, rows, records, wanted_by_code, placed if placing else None)
    _remember_appended(app, landed, now)
    report.rows_added += len(landed)
    report.cells_written += sum(1 for w in writes if w.code not in refused)
    if complaint_archive is not None and "archive:" + ",".join(complaint_archive.codes) not in refused:
        report.archived += complaints.archived(app, complaint_archive)
    if archive is not None and "archive:" + ",".join(archive.codes) not in refused:
        app.ledger.mark_archived(archive.codes, app.settings.review.archive_worksheet)
        report.archived += len(archive.codes)


def _refused(app: App, refused: dict[str, str], side: Sequence[SideRows], report: CycleReport) -> None:
    """Parts of the write-back Google would not take (the rest landed): each story says so in `Pesan`, a line
    names it in the log, and side-tab rows go again next cycle."""
    for label, reason in refused.items():
        line = f"{label}: Google refused this part of the write-back ({reason}); the other rows landed"
        log.warning("%s", line)
        report.warn(line)
        if label.startswith("tab:"):
            row_id = label.removeprefix("tab:")
            for item in side:
                if row_id in item.rows.ids:
                    item.tab.mark(app, TabRows(item.rows.sheet_id, [], [row_id]), "new")
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
    app.ledger.remember_seen({r.code: {role: v for role, v in officer_cells(app, r, layout).items()} for r in appends})


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
        report.warn("the complaints tab's columns moved meanwhile; its cells are written next cycle")
        return [], None
    where = rows_by_code(codes)
    return work.writes(where), complaints.archive_for(app, work, where)


def _archive(
    app: App,
    finished: set[str],
    where: dict[str, list[int]],
    values: Sequence[Sequence[Any]],
    records: dict[str, SubmissionRecord],
    report: CycleReport,
) -> Archive | None:
    """The finished rows as they read at the cycle's start, and where each is now (only codes found once). A
    row already in the archive (pasted back from it) only leaves the live tab: the archive keeps one copy.
    The oldest `schedule.rows_per_cycle` go in this cycle, the rest in the next ones (`report.more`): the first
    archiving of years of rows stays bounded in memory and in the size of one write."""
    if not finished or not values:
        return None
    by_code: dict[str, Sequence[Any]] = {}
    layout = ReviewLayout.from_header(values[0], app.settings.review.headers)
    for raw in values[1:]:
        by_code.setdefault(layout.text(raw, "code").strip(), raw)
    codes = sorted(c for c in finished if len(where.get(c, [])) == 1 and c in by_code)
    limit = app.settings.schedule.rows_per_cycle
    if limit and len(codes) > limit - report.archived:  # earlier windows of a big tab archived some already
        left = max(0, limit - report.archived)
        log.info("archiving %d of %d finished rows; the rest in the next cycles", left, len(codes))
        codes, report.more = codes[:left], True
    if not codes:
        return None
    sheet_id = tab_id(app, app.settings.review.archive_worksheet, values[0], ARCHIVE_KIND)
    rows = [list(by_code[c]) for c in codes if (r := records.get(c)) is None or r.archived_at is None]
    return Archive(sheet_id, rows, [where[c][0] for c in codes], codes)


def _review_sheet_id(app: App) -> int:
    return tab_id(app, app.settings.review.worksheet, (), REVIEW_KIND)
