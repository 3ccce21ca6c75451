"""A review tab too big to hold at once is read and acted on in windows of `schedule.rows_per_cycle` rows.

A tab of 100,000 undecided rows read whole is about 40 MB of JSON and several hundred MB of Python objects, and
every full read re-read it. So a cycle reads the tab's first window with the other tabs, as always; when that
window comes back full, the tab may hold more: the cycle reads the Kode column and three pipeline columns whole
(one small call, by columns), then surveys, acts on and writes back one window at a time, and lets it go.

What needs the whole tab comes from that index, read once before any window: the codes on the tab (a story
missing from it is put back only when it is on no row; a row without Kode never gets a code another row has),
the codes on several rows (their rows are kept aside and surveyed together in the last, `final` step, so one of
them is kept), and whether a lost or older ledger must adopt rows before anything is ingested (recovery).

Officers keep editing while the windows are read. A row inserted above a window moves a row already handled
into the next window: each code is handled once per cycle. A row deleted above moves one out of reach: it is
handled by the next cycle, and never counted missing (the index says it is there). The pipeline's own archiving
deletes rows above the next window; the next window starts that many rows higher.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Generator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..app import App
from ..core.codes import is_code
from ..core.model import ReviewRow
from ..core.review import ReviewLayout, sheet_is_ahead
from ..core.sheettime import format_local

log = logging.getLogger("mymein.sync")

EMPTY: Sequence[Any] = ()
LEDGER_CHUNK = 2000  # codes looked up in the ledger at once while checking the index


@dataclass(frozen=True)
class Window:
    """Rows of the review tab: `values[0]` is the header and `values[1]` is sheet row `first_row`."""

    values: list[Sequence[Any]]
    first_row: int
    final: bool  # the cycle's last step: new and missing rows, codes on several rows, the side tabs


@dataclass
class Walk:
    """What a cycle knows of the whole tab while it walks a big one window by window."""

    on_tab: frozenset[str]  # every code in the Kode column when the walk began
    doubled: frozenset[str]  # codes on more than one row then
    handled: set[str] = field(default_factory=set)  # codes a window has handled in this cycle
    aside: dict[int, Sequence[Any]] = field(default_factory=dict)  # row number -> cells, for doubled codes

    def take(self, rows: Sequence[ReviewRow], window: Window) -> list[ReviewRow]:
        """The window's rows to handle now: not a code handled already, and not a doubled code (kept aside)."""
        taken: list[ReviewRow] = []
        for row in rows:
            if row.code in self.doubled:
                self.aside[row.row_number] = window.values[row.row_number - window.first_row + 1]
            elif row.code not in self.handled:
                self.handled.add(row.code)
                taken.append(row)
        return taken

    def elsewhere(self) -> frozenset[str] | set[str]:
        """The codes that are on the tab beyond the window being handled."""
        return self.on_tab | self.handled

    def last(self, header: Sequence[Any]) -> Window:
        """The final step: the rows of doubled codes, at their places."""
        if not self.aside:
            return Window([list(header)], 2, final=True)
        first, end = min(self.aside), max(self.aside)
        values: list[Sequence[Any]] = [list(header), *[EMPTY] * (end - first + 1)]
        for number, cells in self.aside.items():
            values[number - first + 1] = cells
        return Window(values, first, final=True)


@dataclass(frozen=True)
class Index:
    """The Kode column and the pipeline's status columns of the whole tab, as text, row 1 first."""

    codes: list[str]
    status: list[str]
    post_id: list[str]
    processed: list[str]
    layout: ReviewLayout  # the first window's, which the columns were found by

    def walk(self) -> Walk:
        on_tab: set[str] = set()
        doubled: set[str] = set()
        for code in self.codes[1:]:
            if is_code(code):
                (doubled if code in on_tab else on_tab).add(code)
        return Walk(frozenset(on_tab), frozenset(doubled))


def is_big(app: App, first: Sequence[Sequence[Any]]) -> bool:
    """The first window came back full: the tab may hold more rows than one window."""
    size = app.settings.schedule.rows_per_cycle
    return bool(size) and len(first) >= size


def read_index(app: App, layout: ReviewLayout) -> Index:
    roles = ("code", "status", "post_id", "processed")
    columns = app.review.read_columns([layout.columns[role] for role in roles])
    texts = [[("" if v is None else str(v)).strip() for v in column] for column in columns]
    longest = max(map(len, texts), default=0)
    codes, status, post_id, processed = (t + [""] * (longest - len(t)) for t in texts)
    log.info("the review tab holds %d rows: read in windows of %d", longest, app.settings.schedule.rows_per_cycle)
    return Index(codes, status, post_id, processed, layout)


def to_adopt(app: App, index: Index) -> set[str]:
    """Codes on the tab a lost or older ledger lacks, or shows an earlier state of (what `recovery.recover` looks
    for in the rows), checked a chunk of the ledger at a time."""
    wanted: set[str] = set()
    numbers = [n for n, code in enumerate(index.codes) if n and is_code(code)]
    for start in range(0, len(numbers), LEDGER_CHUNK):
        chunk = numbers[start : start + LEDGER_CHUNK]
        standings = app.ledger.standings(index.codes[n] for n in chunk)
        for n in chunk:
            code = index.codes[n]
            known = standings.get(code)
            if known is None:
                wanted.add(code)
                continue
            now = {"status": index.status[n], "post_id": index.post_id[n], "processed": index.processed[n]}
            held = {
                "status": known.status.value,
                "post_id": known.post_id or "",
                "processed": format_local(known.processed_at, app.settings.tz) if known.processed_at else "",
            }
            if sheet_is_ahead(now, held):
                wanted.add(code)
    return wanted


def windows(app: App, first: list[list[Any]], walk: Walk | None) -> Generator[Window, int, None]:
    """The windows of the tab, the first already read; a small tab is one window, and final. The caller says
    after each window how many rows its write-back deleted above the next (`Walk`'s rows archived)."""
    if walk is None:
        yield Window(list(first), 2, final=True)
        return
    size = app.settings.schedule.rows_per_cycle
    header = first[0]
    window = Window(list(first), 2, final=False)
    read = len(first)
    del first  # the window holds its rows; they go with it
    while True:
        deleted = yield window
        if read < size:  # the tab ends in this window
            break
        start = window.first_row + len(window.values) - 1 - (deleted or 0)
        now, rows = app.review.read_rows(start, size)
        if rows and now != list(header):
            # Columns moved or renamed since the first window: its layout would misread these rows. The rest
            # of the tab waits for the next cycle (never counted missing: the index says it is there).
            log.warning(
                "the review tab's header changed while it was read; rows from %d on wait for the next cycle", start
            )
            break
        read = len(rows)
        window = Window([header, *rows], start, final=False)
    yield walk.last(header)


def collect(app: App, layout: ReviewLayout, first: list[list[Any]], wanted: Collection[str]) -> list[Sequence[Any]]:
    """The rows carrying `wanted` codes, read window by window, at their places (for recovery): a header and
    rows from row 2 on, the others empty."""
    size = app.settings.schedule.rows_per_cycle
    found: dict[int, Sequence[Any]] = {}

    def keep(rows: Sequence[Sequence[Any]], start: int) -> None:
        for offset, cells in enumerate(rows):
            if layout.text(cells, "code").strip() in wanted:
                found[start + offset] = cells

    keep(first[1:], 2)
    start, read = len(first) + 1, len(first)
    while read >= size:
        _, rows = app.review.read_rows(start, size)
        keep(rows, start)
        start, read = start + size, len(rows)
    values: list[Sequence[Any]] = [list(first[0]), *[EMPTY] * (max(found, default=1) - 1)]
    for number, cells in found.items():
        values[number - 1] = cells
    return values
