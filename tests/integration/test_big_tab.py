"""A review tab bigger than `schedule.rows_per_cycle` is read, acted on and written back window by window, never
whole (`cycle/windows.py`). Through the sandbox with windows of 4 rows over 14 stories: approvals in every
window, a code copied into another window, a Kode deleted, a row deleted, rows inserted or deleted by an officer
while the windows are read, and a lost ledger. Each ends with the chaos verdict: nothing doubled, lost or
wrongly published."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import gspread
import pytest
import requests
from requests.adapters import BaseAdapter

from pipeline.app import App, build_app
from pipeline.config import load_settings
from pipeline.cycle import CycleReport, run_cycle
from pipeline.cycle.survey import COPY_MESSAGE
from pipeline.ledger import LEDGER_FILE
from pipeline.sandbox.server import Sandbox

from .chaos import NO_SLEEP, judge, review_worksheet
from .world import World, append_responses, blog_posts, chunked_world, reset_stats, response_row, stats

WINDOW = 4
STORIES = 14  # 13 data rows past the first window's 3: windows of rows 1-4, 5-8, 9-12, 13-16
ROW_RANGE = re.compile(r"/values/(?:'?Berita'?)!(\d+):(\d+)")


@pytest.fixture
def world(fresh_sandbox: Sandbox, tmp_path: Path) -> World:
    return chunked_world(fresh_sandbox.url, tmp_path, STORIES, WINDOW)


class Recorder(BaseAdapter):
    """Every URL the pipeline asks for, and an officer's edit run just before a chosen request leaves."""

    def __init__(self, inner: BaseAdapter, seen: list[str], edits: list[tuple[str, Callable[[], None]]]) -> None:
        super().__init__()
        self.inner, self.seen, self.edits = inner, seen, edits

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        url = unquote(str(request.url))
        for index, (marker, edit) in enumerate(self.edits):
            if marker in url:
                del self.edits[index]
                edit()
                break
        self.seen.append(url)
        return self.inner.send(request, **kwargs)

    def close(self) -> None:
        self.inner.close()


def open_app(
    world: World, seen: list[str] | None = None, edits: list[tuple[str, Callable[[], None]]] | None = None
) -> App:
    wrap = None
    if seen is not None:
        log, pending = seen, edits if edits is not None else []

        def wrap(inner: BaseAdapter) -> BaseAdapter:
            return Recorder(inner, log, pending)

    return build_app(load_settings(world.config), wrap, policy=NO_SLEEP)


def cycle(world: World, **kwargs: Any) -> CycleReport:
    app = open_app(world, **kwargs)
    try:
        return run_cycle(app)
    finally:
        app.close()


def until_done(world: World) -> None:
    for _ in range(10):
        if not cycle(world).more:
            return
    raise AssertionError("work never ended")


def sheet(world: World) -> gspread.Worksheet:
    return review_worksheet(world)


def codes_on_sheet(world: World) -> Counter[str]:
    return Counter(str(r["Kode"]) for r in sheet(world).get_all_records() if r["Kode"])


def code(n: int) -> str:
    return f"MM-20261122-{n:04d}"


def tick(world: World, numbers: list[int], column: str = "Setujui") -> None:
    """An officer ticks `column` on the rows of stories `numbers`, in one call."""
    tab = sheet(world)
    header = tab.row_values(1)
    kode = tab.col_values(header.index("Kode") + 1)
    letter = gspread.utils.rowcol_to_a1(1, header.index(column) + 1).rstrip("1")
    updates = [{"range": f"{letter}{kode.index(code(n)) + 1}", "values": [[True]]} for n in numbers]
    tab.batch_update(updates, value_input_option=gspread.utils.ValueInputOption.user_entered)


def posts_of(world: World) -> Counter[str]:
    found: Counter[str] = Counter()
    for post in blog_posts(world.endpoint, world.blog_id):
        match = re.search(r"Kode berita: (MM-\d{8}-\d{4})", str(post.get("content", "")))
        found[match.group(1) if match else "?"] += 1
    return found


@pytest.fixture
def desk(world: World) -> Iterator[World]:
    """Every story on the sheet (ingested 4 a cycle), and the cycle after confirmed."""
    until_done(world)
    cycle(world)
    assert sum(codes_on_sheet(world).values()) == STORIES
    yield world


def review_reads(seen: list[str]) -> list[tuple[int, int]]:
    """The row ranges of the review tab read (`values.get` and `batchGet`)."""
    spans: list[tuple[int, int]] = []
    for url in seen:
        spans += [(int(a), int(b)) for a, b in ROW_RANGE.findall(url.replace("ranges=", "/values/"))]
    return spans


def test_a_big_tab_is_read_in_windows_never_whole_and_each_approval_posts_once(desk: World) -> None:
    approved = [1, 5, 9, 13, 14]  # one in every window
    tick(desk, approved)
    seen: list[str] = []
    report = cycle(desk, seen=seen)
    assert sorted(o.code for o in report.outcomes if o.action == "publish") == [code(n) for n in approved]
    spans = [span for span in review_reads(seen) if span != (1, 1)]  # not the write-backs' header rows
    assert spans == [(1, 4), (5, 8), (9, 12), (13, 16)]  # each window once, in order, none wider
    index = [u for u in seen if "majorDimension=COLUMNS" in u]
    assert len(index) == 1 and index[0].count("ranges=") == 4  # Kode, Status, Post ID, Diproses: one call
    whole = [u for u in seen if re.search(r"(ranges=|/values/)'?Berita'?(&|\?|$)", u)]
    assert whole == []  # never the whole tab
    statuses = {str(r["Kode"]): str(r["Status"]) for r in sheet(desk).get_all_records()}
    assert {statuses[code(n)] for n in approved} == {"Terbit"}
    again = cycle(desk)
    assert not again.outcomes and again.cells_written == 0
    assert posts_of(desk) == Counter({code(n): 1 for n in approved})
    verdict = judge(desk, {code(n) for n in approved}, STORIES)
    assert verdict.clean, verdict.details


def test_a_row_copied_into_another_window_loses_its_kode_once_and_the_story_posts_once(desk: World) -> None:
    tab = sheet(desk)
    row = tab.row_values(3)  # story 2, first window
    tab.append_row(row, value_input_option="RAW")  # the copy lands in the last window
    tick(desk, [2])
    reports = [cycle(desk) for _ in range(2)]
    assert sum(r.count("publish") for r in reports) == 1
    rows = sheet(desk).get_all_records()
    copies = [r for r in rows if r["Pesan"] == COPY_MESSAGE.format(code=code(2))]
    assert len(copies) == 1 and copies[0]["Kode"] == ""
    assert codes_on_sheet(desk)[code(2)] == 1
    assert posts_of(desk) == Counter({code(2): 1})
    verdict = judge(desk, {code(2)}, STORIES)
    assert verdict.clean, verdict.details


def test_a_kode_deleted_in_a_later_window_comes_back_and_nothing_is_put_back_twice(desk: World) -> None:
    tab = sheet(desk)
    kode = tab.col_values(1)
    number = kode.index(code(12)) + 1
    tab.update_cell(number, 1, "")
    report = cycle(desk)
    assert report.restored == 0 and report.rows_added == 0
    assert tab.cell(number, 1).value == code(12)
    assert codes_on_sheet(desk) == Counter({code(n): 1 for n in range(1, STORIES + 1)})


def test_a_row_deleted_in_a_middle_window_is_put_back_once(desk: World) -> None:
    tab = sheet(desk)
    tab.delete_rows(tab.col_values(1).index(code(7)) + 1)
    report = cycle(desk)
    assert report.restored == 1 and report.rows_added == 1
    cycle(desk)
    assert codes_on_sheet(desk) == Counter({code(n): 1 for n in range(1, STORIES + 1)})


@pytest.mark.parametrize("shift", ["insert", "delete"])
def test_rows_moved_above_while_the_windows_are_read_are_never_acted_twice_nor_put_back(
    desk: World, shift: str
) -> None:
    """Just before the second window is read an officer inserts two rows near the top (rows already handled come
    again) or deletes two undecided rows (two rows move out of reach until the next cycle)."""
    approved = [3, 4, 5, 6, 7]  # around the first window's end
    tick(desk, approved)
    tab = sheet(desk)

    def edit() -> None:
        if shift == "insert":
            tab.insert_rows([[""], [""]], row=2)
        else:
            tab.delete_rows(tab.col_values(1).index(code(11)) + 1)
            tab.delete_rows(tab.col_values(1).index(code(12)) + 1)

    seen: list[str] = []
    edits = [(f"'Berita'!{WINDOW + 1}:", edit)]
    first = cycle(desk, seen=seen, edits=edits)
    assert edits == []  # the officer's edit landed between two windows
    assert first.restored == 0 and first.rows_added == 0
    assert max(Counter(o.code for o in first.outcomes if o.action == "publish").values()) == 1
    for _ in range(3):
        cycle(desk)
    assert posts_of(desk) == Counter({code(n): 1 for n in approved})
    gone = frozenset({"Berita nomor 11", "Berita nomor 12"}) if shift == "delete" else frozenset()
    expected = {code(n): 1 for n in range(1, STORIES + 1)}
    if shift == "delete":  # undecided rows deleted by an officer come back: only `Tolak` takes a row off
        assert codes_on_sheet(desk) == Counter(expected)
    else:
        assert codes_on_sheet(desk) == Counter(expected)
    verdict = judge(desk, {code(n) for n in approved}, STORIES, gone=gone)
    assert verdict.clean, verdict.details


def test_a_lost_ledger_over_a_big_tab_adopts_every_row_and_posts_nothing_again(desk: World) -> None:
    approved = [2, 10]
    tick(desk, approved)
    cycle(desk)
    (load_settings(desk.config).state_dir / LEDGER_FILE).unlink()
    report = cycle(desk)
    assert report.adopted == STORIES and report.rows_added == 0 and not report.count("publish")
    cycle(desk)
    assert posts_of(desk) == Counter({code(n): 1 for n in approved})
    assert codes_on_sheet(desk) == Counter({code(n): 1 for n in range(1, STORIES + 1)})
    verdict = judge(desk, {code(n) for n in approved}, STORIES)
    assert verdict.clean, verdict.details


def test_a_tab_whose_grid_ends_with_a_full_window_is_read_to_its_end(desk: World) -> None:
    """Google refuses a read that starts past the grid: a tab filled to its last row, a whole number of windows,
    ends the walk there instead of failing every cycle."""
    append_responses(desk.endpoint, desk.form_id, [response_row(STORIES + 1)])
    cycle(desk)
    tab = sheet(desk)
    assert len(tab.col_values(1)) == STORIES + 2 == 4 * WINDOW
    tab.resize(rows=4 * WINDOW)
    tick(desk, [STORIES + 1])
    seen: list[str] = []
    report = cycle(desk, seen=seen)
    assert not report.errors and report.count("publish") == 1
    assert (4 * WINDOW + 1, 5 * WINDOW) in review_reads(seen)  # asked, refused by the grid, and the walk ended
    assert posts_of(desk) == Counter({code(STORIES + 1): 1})


def test_a_deleted_header_row_over_a_big_tab_is_put_back_and_every_window_is_read_once(desk: World) -> None:
    before = codes_on_sheet(desk)
    sheet(desk).delete_rows(1)
    seen: list[str] = []
    report = cycle(desk, seen=seen)
    assert (report.outcomes, report.restored, report.queued, report.errors) == ([], 0, 0, [])
    assert codes_on_sheet(desk) == before
    # The header went back above the first window's rows: the next window starts one row lower.
    spans = [span for span in review_reads(seen) if span != (1, 1)]
    assert spans == [(1, 4), (6, 9), (10, 13), (14, 17)]
    tick(desk, [14])
    assert cycle(desk).count("publish") == 1
    verdict = judge(desk, {code(14)}, STORIES)
    assert verdict.clean, verdict.details


def test_columns_swapped_between_two_windows_are_never_misread_the_rest_waits_a_cycle(desk: World) -> None:
    """An officer drags `Tolak` before `Setujui` while the windows are read: read with the first window's
    layout, a later row ticked `Tolak` would be published and one ticked `Setujui` rejected."""
    tick(desk, [2, 12])
    tick(desk, [11], "Tolak")
    tab = sheet(desk)

    def swap() -> None:
        header = tab.row_values(1)
        source = {"sheetId": tab.id, "dimension": "COLUMNS"}
        source |= {"startIndex": header.index("Tolak"), "endIndex": header.index("Tolak") + 1}
        move = {"moveDimension": {"source": source, "destinationIndex": header.index("Setujui")}}
        tab.spreadsheet.batch_update({"requests": [move]})

    edits = [(f"'Berita'!{WINDOW + 1}:", swap)]
    first = cycle(desk, seen=[], edits=edits)
    assert edits == []
    assert [(o.code, o.action) for o in first.outcomes] == [(code(2), "publish")]  # window 1 only
    assert first.restored == 0 and first.rows_added == 0
    second = cycle(desk)
    assert sorted((o.code, o.action) for o in second.outcomes) == [(code(11), "reject"), (code(12), "publish")]
    assert posts_of(desk) == Counter({code(2): 1, code(12): 1})
    assert codes_on_sheet(desk) == Counter({code(n): 1 for n in range(1, STORIES + 1)})
    verdict = judge(desk, {code(2), code(12)}, STORIES)
    assert verdict.clean, verdict.details


def test_a_dry_run_over_a_big_tab_walks_every_window_and_writes_nothing(desk: World) -> None:
    tick(desk, [1, 13])
    reset_stats(desk.endpoint)
    app = open_app(desk)
    try:
        report = run_cycle(app, dry_run=True)
    finally:
        app.close()
    assert sorted(o.code for o in report.outcomes if o.action == "publish") == [code(1), code(13)]
    calls = stats(desk.endpoint)
    assert not [m for m in calls if m.split(".")[-1] in {"update", "append", "batchUpdate", "insert"}], calls
    assert posts_of(desk) == Counter()
