"""The read gate through the sandbox: a quiet cycle asks Drive two small questions and reads no sheet; any
edit, by an officer or by the pipeline itself, is read; a delayed Drive signal is bounded by the full read."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import gspread
import pytest
import requests
from requests.adapters import BaseAdapter

from pipeline.app import App, build_app, officer_sheets_client
from pipeline.config import load_settings
from pipeline.cycle import CycleReport, run_cycle
from pipeline.google.retry import RetryPolicy
from pipeline.google.transport import AdapterWrap
from pipeline.sandbox.server import Sandbox

from .world import World, append_responses, blog_posts, make_world, reset_stats, response_row, stats

NO_SLEEP = RetryPolicy(sleep=lambda _: None)
GATE = {"drive.files.get": 2}  # one version check per watched spreadsheet (form, review)
START = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def world(fresh_sandbox: Sandbox, tmp_path: Path) -> World:
    return make_world(fresh_sandbox.url, tmp_path, [response_row(n) for n in range(1, 6)])


@pytest.fixture
def clock() -> Clock:
    return Clock()


def open_app(world: World, clock: Clock, adapter: AdapterWrap | None = None) -> App:
    return build_app(load_settings(world.config), adapter, policy=NO_SLEEP, clock=clock)


@pytest.fixture
def app(world: World, clock: Clock) -> Iterator[App]:
    built = open_app(world, clock)
    yield built
    built.close()


def wire(endpoint: str) -> dict[str, Any]:
    snapshot: dict[str, Any] = requests.get(f"{endpoint}/_sandbox/stats", timeout=10).json()
    return snapshot


def review(world: World) -> gspread.Worksheet:
    return officer_sheets_client(load_settings(world.config)).open_by_key(world.review_id).worksheet("Berita")


def tick(sheet: gspread.Worksheet, code: str, column: str = "Setujui", value: Any = "TRUE") -> None:
    """An officer ticks a box in the row of `code`, through the Sheets API (as the browser's edit lands)."""
    header = sheet.row_values(1)
    found = sheet.find(code, in_column=header.index("Kode") + 1)
    assert found is not None
    sheet.update_cell(found.row, header.index(column) + 1, value)


def settle(app: App, clock: Clock) -> None:
    """Cycles until one is quiet (the first ingests, the next confirms the pipeline's own write-back)."""
    for _ in range(4):
        clock.advance(60)
        if run_cycle(app).quiet:
            return
    raise AssertionError("never quiet")


def settled_then_ticked(app: App, world: World, clock: Clock, code: str) -> CycleReport:
    """The cycle a minute after an officer ticked `code` on a settled desk."""
    settle(app, clock)
    tick(review(world), code)
    clock.advance(60)
    return run_cycle(app)


def delay_signal(endpoint: str, delayed: bool) -> None:
    requests.post(f"{endpoint}/_sandbox/drive/signal", json={"delayed": delayed}, timeout=10).raise_for_status()


def test_a_quiet_cycle_asks_drive_twice_reads_no_sheet_and_sends_under_two_kilobytes(
    app: App, world: World, clock: Clock
) -> None:
    settle(app, clock)
    for _ in range(3):
        clock.advance(60)
        reset_stats(world.endpoint)
        report = run_cycle(app)
        assert report.quiet and not report.errors
        snapshot = wire(world.endpoint)
        assert snapshot["calls"] == GATE
        assert snapshot["bytes_sent"] < 2_000, snapshot


def test_the_pipelines_own_write_back_costs_one_confirming_read_never_a_loop(
    app: App, world: World, clock: Clock
) -> None:
    busy = settled_then_ticked(app, world, clock, "MM-20261122-0001")
    assert not busy.quiet and busy.count("publish") == 1
    clock.advance(60)
    reset_stats(world.endpoint)
    confirming = run_cycle(app)  # its own write-back changed the review spreadsheet's version
    assert not confirming.quiet and not confirming.outcomes and confirming.cells_written == 0
    writes = [m for m in stats(world.endpoint) if m.split(".")[-1] in {"update", "append", "batchUpdate"}]
    assert writes == []
    for _ in range(3):
        clock.advance(60)
        assert run_cycle(app).quiet
    assert len(blog_posts(world.endpoint, world.blog_id)) == 1


def test_an_officers_tick_is_read_by_the_next_cycle_and_a_new_response_too(
    app: App, world: World, clock: Clock
) -> None:
    assert settled_then_ticked(app, world, clock, "MM-20261122-0002").count("publish") == 1
    settle(app, clock)
    append_responses(world.endpoint, world.form_id, [response_row(6)])
    clock.advance(60)
    assert run_cycle(app).ingested == 1


class EditBeforeWriteBack(BaseAdapter):
    """Lets `edit` run once, just before the cycle's write-back to the review spreadsheet leaves: an officer's
    edit landing between our read and our write (and so before any version we could look at afterwards)."""

    def __init__(self, inner: BaseAdapter, edit: list[Callable[[], None]]) -> None:
        super().__init__()
        self.inner = inner
        self.edit = edit

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        if self.edit and request.method == "POST" and "batchUpdate" in str(request.url):
            self.edit.pop()()
        return self.inner.send(request, **kwargs)

    def close(self) -> None:
        self.inner.close()


def test_an_officers_edit_between_our_read_and_our_write_back_is_not_missed(world: World, clock: Clock) -> None:
    settle_app = open_app(world, clock)
    try:
        settle(settle_app, clock)
        tick(review(world), "MM-20261122-0001")
    finally:
        settle_app.close()
    sheet = review(world)
    pending: list[Callable[[], None]] = [lambda: tick(sheet, "MM-20261122-0003")]
    app = open_app(world, clock, lambda inner: EditBeforeWriteBack(inner, pending))
    try:
        clock.advance(60)
        first = run_cycle(app)
        assert pending == [] and first.count("publish") == 1  # 0003's tick came after the read
        clock.advance(60)  # far from the full read: only the version can tell
        second = run_cycle(app)
        assert not second.quiet and [o.code for o in second.outcomes if o.action == "publish"] == ["MM-20261122-0003"]
    finally:
        app.close()


def test_a_delayed_drive_signal_holds_a_tick_back_only_until_the_full_read(
    app: App, world: World, clock: Clock
) -> None:
    settle(app, clock)
    delay_signal(world.endpoint, True)
    try:
        tick(review(world), "MM-20261122-0004")
        clock.advance(60)
        reset_stats(world.endpoint)
        report = run_cycle(app)  # Drive still shows the old version: nothing is read, nothing is lost
        assert report.quiet and stats(world.endpoint) == GATE
        clock.advance(240)  # five minutes since the last full read (schedule.full_read_seconds: 300)
        reset_stats(world.endpoint)
        report = run_cycle(app)
        assert not report.quiet and report.count("publish") == 1
        assert stats(world.endpoint)["sheets.spreadsheets.values.batchGet"] >= 1
    finally:
        delay_signal(world.endpoint, False)
    clock.advance(60)
    assert not run_cycle(app).outcomes  # the late versions read once more, nothing new to do
    clock.advance(60)
    assert run_cycle(app).quiet


def test_a_story_that_could_not_be_posted_is_retried_by_the_next_cycle_although_no_sheet_changed(
    app: App, world: World, clock: Clock
) -> None:
    settle(app, clock)
    tick(review(world), "MM-20261122-0005")
    faults = {"rules": [{"match": "blogger.posts.insert", "times": 4, "status": 503}]}
    requests.post(f"{world.endpoint}/_sandbox/faults", json=faults, timeout=10).raise_for_status()
    try:
        clock.advance(60)
        failed = run_cycle(app)
        assert failed.errors and blog_posts(world.endpoint, world.blog_id) == []
    finally:
        requests.delete(f"{world.endpoint}/_sandbox/faults", timeout=10).raise_for_status()
    clock.advance(60)
    assert run_cycle(app).count("publish") == 1
    assert len(blog_posts(world.endpoint, world.blog_id)) == 1


def test_full_read_seconds_zero_reads_every_cycle_without_asking_drive(world: World, clock: Clock) -> None:
    config = world.config.read_text(encoding="utf-8") + "schedule:\n  full_read_seconds: 0\n"
    world.config.write_text(config, encoding="utf-8")
    app = open_app(world, clock)
    try:
        run_cycle(app)  # the first ingest
        for _ in range(3):
            clock.advance(60)
            reset_stats(world.endpoint)
            assert not run_cycle(app).quiet
            calls = stats(world.endpoint)
            assert "drive.files.get" not in calls and calls.get("sheets.spreadsheets.values.batchGet") == 1
    finally:
        app.close()
