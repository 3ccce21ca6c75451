"""Chaos: crashes at every remote call, storms of faults, officers reshaping the sheet, concurrent syncs.

Every scenario ends with the same verdict: every response once on the review sheet, every approved row
exactly one post, every `Tautan` its own row's post url.
"""

from __future__ import annotations

import random
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import requests
from gspread.utils import ValueRenderOption

from pipeline.cycle import run_cycle
from pipeline.google.errors import GoogleApiError
from pipeline.sandbox.server import Sandbox

from .chaos import (
    FIRST_BATCH,
    CrashPlan,
    SimulatedCrash,
    judge,
    open_app,
    quiet,
    review_worksheet,
    run_until_quiet,
    set_scene,
)
from .world import World, append_responses, make_world, response_row


def calls_of_the_cycle(sandbox: Sandbox, folder: Path) -> int:
    scene = set_scene(sandbox.url, folder)
    plan = CrashPlan()
    app = open_app(scene.world, plan)
    try:
        report = run_cycle(app)
    finally:
        app.close()
    assert (report.ingested, report.queued, report.count("publish"), report.errors) == (5, 5, 20, [])
    return plan.calls


def test_a_crash_before_or_after_any_remote_call_loses_and_doubles_nothing(
    sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory
) -> None:
    total = calls_of_the_cycle(sandbox, tmp_path_factory.mktemp("count"))
    assert total >= 20 + 3 + 3 + 3  # 20 inserts, 3 photos checked and shared, the Sheets reads and writes
    failures = []
    tried = 0
    for at in range(1, total + 1):
        for before in (True, False):
            scene = set_scene(sandbox.url, tmp_path_factory.mktemp(f"crash{at}{'b' if before else 'a'}"))
            app = open_app(scene.world, CrashPlan(at=at, before=before))
            try:
                with pytest.raises(SimulatedCrash):
                    run_cycle(app)
            finally:
                app.close()
            tried += 1
            run_until_quiet(scene.world)
            verdict = judge(scene.world, scene.approved, scene.responses)
            if not verdict.clean:
                failures.append((at, "before" if before else "after", verdict.details))
    assert tried == 2 * total
    assert failures == []


# --- real processes, killed -----------------------------------------------------------------------------
def mymein(world: World, *args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "pipeline", "--config", str(world.config), *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def faults(endpoint: str) -> dict[str, Any]:
    answer: dict[str, Any] = requests.get(f"{endpoint}/_sandbox/faults", timeout=10).json()
    return answer


def hold(endpoint: str, method: str, *, after: int, after_effect: bool) -> None:
    """The matching call waits for a minute: before its effect, or done but with its answer withheld."""
    rule = {"match": method, "after": after, "times": 1, "delay_ms": 60_000, "after_effect": after_effect}
    requests.post(f"{endpoint}/_sandbox/faults", json={"rules": [rule]}, timeout=10).raise_for_status()


def wait_until_held(endpoint: str, process: subprocess.Popen[str] | None) -> None:
    deadline = time.monotonic() + 60
    while faults(endpoint)["holding"] == 0:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the sync ended before reaching the held call: {process.communicate()}")
        if time.monotonic() > deadline:
            raise AssertionError("the held call never arrived")
        time.sleep(0.02)  # polling the sandbox, with a deadline


KILL_POINTS = [
    ("drive.permissions.create", 1, False),
    ("blogger.posts.insert", 0, False),
    ("blogger.posts.insert", 0, True),
    ("blogger.posts.insert", 11, True),
    ("sheets.spreadsheets.values.batchGet", 0, True),
    ("sheets.spreadsheets.batchUpdate", 0, False),
    ("sheets.spreadsheets.batchUpdate", 0, True),
]


@pytest.mark.parametrize(("method", "after", "after_effect"), KILL_POINTS)
def test_a_killed_sync_process_is_recovered_by_the_next_one(
    fresh_sandbox: Sandbox, tmp_path: Path, method: str, after: int, after_effect: bool
) -> None:
    scene = set_scene(fresh_sandbox.url, tmp_path)
    hold(fresh_sandbox.url, method, after=after, after_effect=after_effect)
    process = mymein(scene.world, "sync")
    try:
        wait_until_held(fresh_sandbox.url, process)
    finally:
        process.kill()
        process.communicate()
    requests.delete(f"{fresh_sandbox.url}/_sandbox/faults", timeout=10).raise_for_status()
    # The next process takes the lock the dead one held and finishes the work.
    recovery = mymein(scene.world, "sync")
    out, err = recovery.communicate(timeout=120)
    assert recovery.returncode == 0, err
    assert "another mymein cycle is running" not in out
    run_until_quiet(scene.world)
    verdict = judge(scene.world, scene.approved, scene.responses)
    assert verdict.clean, verdict.details


def test_two_syncs_at_once_one_waits_its_turn(fresh_sandbox: Sandbox, tmp_path: Path) -> None:
    scene = set_scene(fresh_sandbox.url, tmp_path)
    hold(fresh_sandbox.url, "blogger.posts.insert", after=3, after_effect=False)
    first = mymein(scene.world, "sync")
    try:
        wait_until_held(fresh_sandbox.url, first)
        second = mymein(scene.world, "sync")
        out, _ = second.communicate(timeout=120)
        assert second.returncode == 0
        assert "another mymein cycle is running" in out
    finally:
        requests.delete(f"{fresh_sandbox.url}/_sandbox/faults", timeout=10).raise_for_status()
        first.communicate(timeout=120)
    run_until_quiet(scene.world)
    verdict = judge(scene.world, scene.approved, scene.responses)
    assert verdict.clean, verdict.details


# --- storms -----------------------------------------------------------------------------------------------
STORM = [
    {"match": "*", "status": 429, "probability": 0.08},
    {"match": "*", "status": 500, "probability": 0.06},
    {"match": "*", "status": 503, "probability": 0.06},
    {"match": "*", "drop": True, "probability": 0.06},
    {"match": "*", "drop": True, "after_effect": True, "probability": 0.06},
]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_storm_of_failures_ends_with_everything_published_once(
    fresh_sandbox: Sandbox, tmp_path: Path, seed: int
) -> None:
    scene = set_scene(fresh_sandbox.url, tmp_path)
    rules = [{**rule, "times": 1_000_000, "seed": seed * 10 + n} for n, rule in enumerate(STORM)]
    requests.post(f"{fresh_sandbox.url}/_sandbox/faults", json={"rules": rules}, timeout=10).raise_for_status()
    cycles = 0
    while True:
        cycles += 1
        assert cycles <= 60, "the storm never quietened"
        app = open_app(scene.world)
        try:
            if quiet(run_cycle(app)):
                break
        except GoogleApiError:
            pass  # the cycle gave up on a read; the next one starts over, as under cron
        finally:
            app.close()
    seen = faults(fresh_sandbox.url)["rules"]
    fired, calls = sum(r["fired"] for r in seen), max(r["seen"] for r in seen)
    assert calls > 40 and 0.15 < fired / calls < 0.45, (fired, calls)
    requests.delete(f"{fresh_sandbox.url}/_sandbox/faults", timeout=10).raise_for_status()
    assert run_until_quiet(scene.world) == 1
    verdict = judge(scene.world, scene.approved, scene.responses)
    assert verdict.clean, verdict.details


# --- officers reshaping the sheet ---------------------------------------------------------------------------
UNDECIDED = {"Menunggu", "Perlu perbaikan", "Gagal", "Duplikat"}


class Officer:
    """Does to the review sheet what people do in a browser, at random, between cycles."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world = world
        self.rng = rng
        self.sheet = review_worksheet(world)
        self.approved: set[str] = set()
        self.extra_columns = 0
        self.done: Counter[str] = Counter()

    def act(self) -> None:
        values = self.sheet.get_all_values()
        header = values[0]
        actions = ["sort", "blank", "delete", "move", "column", "approve", "approve", "reject"]
        action = self.rng.choice([*actions, "unkode", "copy", "rename"])
        self.done[action] += 1
        getattr(self, action)(values, header)

    def _batch(self, *requests_: dict[str, Any]) -> None:
        self.sheet.spreadsheet.batch_update({"requests": list(requests_)})

    def _rows(self, values: list[list[str]], header: list[str]) -> list[tuple[int, dict[str, str]]]:
        rows = [(n, dict(zip(header, row, strict=False))) for n, row in enumerate(values[1:], start=2)]
        return [(n, row) for n, row in rows if row.get("Kode")]

    def sort(self, values: list[list[str]], header: list[str]) -> None:
        column = self.rng.randrange(len(header))
        order = self.rng.choice(["ASCENDING", "DESCENDING"])
        grid = {"sheetId": self.sheet.id, "startRowIndex": 1, "endRowIndex": len(values), "startColumnIndex": 0}
        grid["endColumnIndex"] = len(header)
        self._batch({"sortRange": {"range": grid, "sortSpecs": [{"dimensionIndex": column, "sortOrder": order}]}})

    def blank(self, values: list[list[str]], header: list[str]) -> None:
        start = self.rng.randint(1, len(values))
        span = {"sheetId": self.sheet.id, "dimension": "ROWS", "startIndex": start, "endIndex": start + 2}
        self._batch({"insertDimension": {"range": span, "inheritFromBefore": False}})

    def delete(self, values: list[list[str]], header: list[str]) -> None:
        rows = self._rows(values, header)
        if not rows:
            return
        number, _ = self.rng.choice(rows)
        span = {"sheetId": self.sheet.id, "dimension": "ROWS", "startIndex": number - 1, "endIndex": number}
        self._batch({"deleteDimension": {"range": span}})

    def unkode(self, values: list[list[str]], header: list[str]) -> None:
        """A Kode cell deleted by mistake (a stray Delete key)."""
        rows = self._rows(values, header)
        if rows:
            number, _ = self.rng.choice(rows)
            self.sheet.update_cell(number, header.index("Kode") + 1, "")

    def copy(self, values: list[list[str]], header: list[str]) -> None:
        """A whole row copied below the others, its Kode with it."""
        rows = self._rows(values, header)
        if rows:
            number, _ = self.rng.choice(rows)
            [row] = self.sheet.get(f"{number}:{number}", value_render_option=ValueRenderOption.unformatted)
            self.sheet.append_row(row, value_input_option="RAW", table_range="A1")

    def rename(self, values: list[list[str]], header: list[str]) -> None:
        self.sheet.update_title(f"Berita {self.done['rename']}")

    def move(self, values: list[list[str]], header: list[str]) -> None:
        source = self.rng.randrange(len(header))
        target = self.rng.randrange(len(header) + 1)
        span = {"sheetId": self.sheet.id, "dimension": "COLUMNS", "startIndex": source, "endIndex": source + 1}
        self._batch({"moveDimension": {"source": span, "destinationIndex": target}})

    def column(self, values: list[list[str]], header: list[str]) -> None:
        at = self.rng.randrange(len(header) + 1)
        span = {"sheetId": self.sheet.id, "dimension": "COLUMNS", "startIndex": at, "endIndex": at + 1}
        self._batch({"insertDimension": {"range": span, "inheritFromBefore": False}})
        self.extra_columns += 1
        self.sheet.update_cell(1, at + 1, f"Catatan petugas {self.extra_columns}")

    def _tick(self, values: list[list[str]], header: list[str], column: str) -> str | None:
        waiting = [(n, r) for n, r in self._rows(values, header) if r.get("Status") == "Menunggu"]
        if not waiting:
            return None
        number, row = self.rng.choice(waiting)
        self.sheet.update_cell(number, header.index(column) + 1, True)
        return row["Kode"]

    def approve(self, values: list[list[str]], header: list[str]) -> None:
        code = self._tick(values, header, "Setujui")
        if code:
            self.approved.add(code)

    def reject(self, values: list[list[str]], header: list[str]) -> None:
        self._tick(values, header, "Tolak")


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_officers_reshaping_the_sheet_between_cycles_misplace_nothing(
    sandbox: Sandbox, tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    world = make_world(sandbox.url, tmp_path, [response_row(n) for n in range(1, 9)])
    officer = Officer(world, rng)
    responses = 8
    for _ in range(14):
        app = open_app(world)
        try:
            run_cycle(app)
        finally:
            app.close()
        for _ in range(rng.randint(1, 3)):
            officer.act()
        if rng.random() < 0.5:
            append_responses(world.endpoint, world.form_id, [response_row(responses + 1), response_row(responses + 2)])
            responses += 2
    run_until_quiet(world)
    verdict = judge(world, officer.approved, responses, tab=officer.sheet.title)
    assert verdict.clean, (verdict.details, officer.done)
    assert len(officer.done) >= 5, officer.done


def test_officers_reshaping_the_sheet_during_a_cycle_misplace_no_write(fresh_sandbox: Sandbox, tmp_path: Path) -> None:
    scene = set_scene(fresh_sandbox.url, tmp_path)
    officer = Officer(scene.world, random.Random(5))
    hold(fresh_sandbox.url, "blogger.posts.insert", after=4, after_effect=True)
    app = open_app(scene.world)
    cycle: list[Any] = []
    worker = threading.Thread(target=lambda: cycle.append(run_cycle(app)))
    worker.start()
    try:
        wait_until_held(fresh_sandbox.url, None)
        values = officer.sheet.get_all_values()
        officer.sort(values, values[0])
        officer.blank(values, values[0])
        officer.move(officer.sheet.get_all_values(), values[0])
        officer.column(officer.sheet.get_all_values(), values[0])
    finally:
        requests.delete(f"{fresh_sandbox.url}/_sandbox/faults", timeout=10).raise_for_status()
        worker.join(timeout=120)
        app.close()
    [report] = cycle
    assert report.count("publish") == 20 and report.cells_written > 0, report
    # Right after the cycle, before any healing cycle: every written cell is in its own row.
    verdict = judge(scene.world, scene.approved, FIRST_BATCH)
    assert verdict.misplaced == 0 and verdict.duplicates == 0, verdict.details
    run_until_quiet(scene.world)
    verdict = judge(scene.world, scene.approved, scene.responses)
    assert verdict.clean, verdict.details
