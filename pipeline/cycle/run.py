"""One cycle: read the tabs, survey them, recover a lost ledger, ingest, act, write back. Compute first, write
second; one bad row never stops the rest. When Drive says nothing changed (`gate.py`), a quiet cycle reads no
sheet and does only what is due regardless: intents, posts that went live, notices."""

from __future__ import annotations

import json
import logging

from ..app import App
from ..core.message import Text
from ..core.review import ReviewLayout
from ..features import complaints, directory, notices, social
from ..features.complaint_recovery import adopt_complaints
from ..infra import tabs
from ..infra.tabs import REVIEW_KIND
from . import gate, recovery
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
    values, registry, complaint_tabs = read_review(app, report, dry_run=dry_run)
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
    if not dry_run and app.social is not None:
        spread_said: list[str] = []
        report.shared = social.spread(app, found.active, spread_said)  # after the posts, before the write-back
        report.warn_all(spread_said)
    if not dry_run:
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
        write_back(app, layout, found, appends, report, values, work)
        if BLOG not in report.down:  # after the write-back: a KIM registered in this cycle is on the tab now
            said = []
            directory.refresh(app, said)
            report.warn_all(said)
        _notify(app, report)


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
