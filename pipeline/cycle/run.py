"""One cycle: read the tabs, survey them, recover a lost ledger, ingest, act, write back. Compute first, write
second; one bad row never stops the rest. When Drive says nothing changed (`gate.py`), a quiet cycle reads no
sheet and does only what is due regardless: intents, posts that went live, notices."""

from __future__ import annotations

import json
import logging
from typing import Any

from ..app import App
from ..core.message import Text
from ..core.registry import Registry
from ..core.review import ReviewLayout, ReviewLayoutError
from ..features import complaints, directory, notices, social
from ..features.complaint_recovery import adopt_complaints
from ..infra import tabs
from ..infra.tabs import REVIEW_KIND
from . import gate, recovery, windows
from . import survey as sheet_repair
from .act import act_on_row
from .ingest import ingest
from .outcome import BLOG, CycleReport
from .read import read_review
from .reconcile import notice_went_live, reconcile_intents
from .rows import queue_new_rows
from .side_tabs import COMMENTS, COMPLAINTS, REGISTRATIONS, SIDE_TABS
from .write_back import write_back

log = logging.getLogger("mymein.sync")


def run_cycle(app: App, *, dry_run: bool = False) -> CycleReport:
    report = CycleReport(dry_run=dry_run)
    app.policy.new_cycle()
    if dry_run:
        _read_and_act(app, report, dry_run=True)
        return _said_down(report)
    notices.start(app)
    reconcile_intents(app, report)
    notice_went_live(app, report)
    look = gate.look(app, report)
    if look.quiet:
        report.quiet = True
        report.still_held = list(look.memory.held) if look.memory else []  # as the last full read found them
        _notify(app, report)
        gate.remember_quiet(app, look)
    else:
        _read_and_act(app, report, dry_run=False)
        gate.remember(app, look, report)
    return _said_down(report)


def _read_and_act(app: App, report: CycleReport, *, dry_run: bool) -> None:
    size = app.settings.schedule.rows_per_cycle
    values, registry, complaint_tabs = read_review(app, report, dry_run=dry_run, first_rows=size)
    big = windows.is_big(app, values)
    values = sheet_repair.header_back(app, values, dry_run=dry_run)
    headers = app.settings.review.headers
    index = _index(app, values) if big else None
    walk = index.walk() if index is not None else None
    if not dry_run:  # before ingest: a lost or older ledger adopts what the sheet and the blog prove
        report.adopted = _recover(app, values, index, walk)
        if complaint_tabs:
            report.adopted += adopt_complaints(app, complaint_tabs[0])
    del index  # the walk keeps the codes; the status columns go
    ingest(app, report, dry_run=dry_run, registry=registry)
    if not values:
        if not dry_run and app.ledger.live_codes():
            # Stories belong on this tab and it is empty: make sure it is ours before writing to it (raises).
            tabs.find(app, REVIEW_KIND, app.settings.review.worksheet)
        values = [list(headers.values())] if dry_run else [app.review.create_header(headers)]
    layout = ReviewLayout.from_header(values[0], headers)
    steps = windows.windows(app, values, walk)
    del values  # a big tab's first window goes when the next is read
    window = next(steps)
    while True:
        archived = report.archived
        _act_on_window(app, report, layout, window, walk, registry, complaint_tabs, dry_run=dry_run)
        if window.final:
            break
        window = steps.send(report.archived - archived)  # archived rows left the tab above the next window
    if not dry_run:
        if BLOG not in report.down:  # after the write-back: a KIM registered in this cycle is on the tab now
            said: list[str] = []
            directory.refresh(app, said)
            report.warn_all(said)
        _notify(app, report)


def _act_on_window(
    app: App,
    report: CycleReport,
    layout: ReviewLayout,
    window: windows.Window,
    walk: windows.Walk | None,
    registry: Registry | None,
    complaint_tabs: list[list[list[Any]]] | None,
    *,
    dry_run: bool,
) -> None:
    """Survey, act on and write back one window of the review tab (the whole tab, when it is small); the final
    one also appends new and missing rows and carries the side tabs and complaints."""
    rows = layout.parse(window.values, window.first_row)
    if walk is not None and not window.final:
        rows = walk.take(rows, window)
    elsewhere = walk.elsewhere() if walk is not None else frozenset()
    records = app.ledger.records(row.code for row in rows)
    found = sheet_repair.survey(
        app,
        layout,
        window.values,
        rows,
        records,
        dry_run=dry_run,
        first_row=window.first_row,
        elsewhere=elsewhere,
        final=window.final,
    )
    if walk is not None:
        walk.handled.update(fix.code for fix in found.code_fixes)
    appends = queue_new_rows(app, found, report, dry_run=dry_run, elsewhere=elsewhere) if window.final else []
    # By code, which is the order of arrival: when Blogger's daily cap stops the posting, the earliest go first.
    # One read of the ledger for the rows on the sheet, not all history.
    for row in sorted(found.active, key=lambda r: r.code):
        if act_on_row(app, row, report, dry_run=dry_run, record=records.get(row.code), registry=registry):
            records[row.code] = app.ledger.get(row.code) or records[row.code]
    if dry_run:
        return
    if app.social is not None:
        spread_said: list[str] = []
        handled = walk.handled if walk is not None else ()
        # after the posts, before the write-back
        report.shared += social.spread(app, found.active, spread_said, others=window.final, handled=handled)
        report.warn_all(spread_said)
    work = None
    if window.final:
        collected: dict[str, int] = {}
        for tab in SIDE_TABS:
            if tab is COMMENTS and BLOG in report.down:  # comments are read from the blog
                continue
            said: list[str] = []
            collected[tab.name] = tab.collect(app, said)
            report.warn_all(said)
        report.comments = collected.get(COMMENTS.name, 0)
        report.registered = collected[REGISTRATIONS.name]
        report.complaints = collected[COMPLAINTS.name]
        said = []
        work = complaints.review(app, complaint_tabs[0], complaint_tabs[1], said) if complaint_tabs else None
        report.warn_all(said)
    write_back(app, layout, found, appends, report, window.values, work, final=window.final)


def _index(app: App, values: list[list[Any]]) -> windows.Index | None:
    """The index of a big tab; None when its header cannot be read (the cycle stops on it with its own line)."""
    try:
        layout = ReviewLayout.from_header(values[0], app.settings.review.headers)
    except ReviewLayoutError:
        return None
    return windows.read_index(app, layout)


def _recover(app: App, values: list[list[Any]], index: windows.Index | None, walk: windows.Walk | None) -> int:
    """Recovery (`recovery.py`) over the whole tab; over a big one, only the rows the index says need it."""
    if index is None or walk is None:
        return recovery.recover(app, values).count
    wanted = windows.to_adopt(app, index)
    if not wanted and app.ledger.meta.recovery_looked_at_blog.get():
        return 0
    rows = windows.collect(app, index.layout, values, wanted) if wanted else [values[0]]
    return recovery.recover(app, rows, elsewhere=walk.on_tab).count


def _notify(app: App, report: CycleReport) -> None:
    """The cycle's notices (and the outbox's retries), then today's tally of Google calls."""
    said: list[str] = []
    notices.notify(app, report.notices, said)
    report.warn_all(said)
    _count_calls(app)


def _said_down(report: CycleReport) -> CycleReport:
    for service, line in report.down.items():  # one line per service, however many stories it held back
        if report.waiting:
            line = (
                Text("{line}; {count} story waits", line=line, count=1)
                if report.waiting == 1
                else Text("{line}; {count} stories wait", line=line, count=report.waiting)
            )
        report.warn(line, service, service_down=True)
    return report


def _count_calls(app: App) -> None:
    """Add this cycle's Google requests to today's tally (local day), for `mymein status`."""
    if not app.policy.calls:
        return
    kept = app.ledger.meta.api_calls(app.clock().astimezone(app.settings.tz).date())
    tally: dict[str, int] = json.loads(kept.get() or "{}")
    for api, n in app.policy.calls.items():
        tally[api] = tally.get(api, 0) + n
    kept.set(json.dumps(tally, sort_keys=True))
