"""Google's Sheets limits in the sandbox: per-minute quotas when switched on, cell and size limits always."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from requests.adapters import BaseAdapter

from pipeline.app import build_app
from pipeline.config import load_settings
from pipeline.cycle import run_cycle
from pipeline.google.retry import RetryPolicy
from pipeline.sandbox.server import Sandbox

from .world import create_spreadsheet, make_world, response_row


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sandbox(clock: Clock, tmp_path: Path) -> Iterator[Sandbox]:
    with Sandbox(state_dir=tmp_path / "sandbox", clock=clock) as running:
        yield running


class _NoteTokens(BaseAdapter):
    """Through the app's transport seam: notes the bearer tokens the pipeline's requests carry."""

    def __init__(self, inner: BaseAdapter, tokens: set[str]) -> None:
        super().__init__()
        self.inner, self.tokens = inner, tokens

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        self.tokens.add(str(request.headers.get("Authorization", "")).removeprefix("Bearer "))
        return self.inner.send(request, **kwargs)

    def close(self) -> None:
        self.inner.close()


def _limits(sandbox: Sandbox, **limits: object) -> dict[str, object]:
    answer = requests.post(f"{sandbox.url}/_sandbox/limits", json=limits, timeout=10)
    answer.raise_for_status()
    result: dict[str, object] = answer.json()
    return result


def test_per_minute_quotas_are_off_until_switched_on_and_then_answer_429_like_google(
    sandbox: Sandbox, clock: Clock
) -> None:
    book = create_spreadsheet(sandbox.url, "Kuota", "Sheet1")
    values = f"{sandbox.url}/v4/spreadsheets/{book}/values/Sheet1!A1"
    officer = {"Authorization": "Bearer officer"}
    worker = {"Authorization": "Bearer worker"}
    with requests.Session() as http:
        assert all(http.get(values, headers=officer).status_code == 200 for _ in range(70))
        assert _limits(sandbox, sheets_per_minute_user=3, sheets_per_minute_project=5)["sheets_per_minute_user"] == 3
        assert [http.get(values, headers=officer).status_code for _ in range(4)] == [200, 200, 200, 429]
        refused = http.get(values, headers=officer).json()["error"]
        assert refused["status"] == "RESOURCE_EXHAUSTED" and "per minute per user" in refused["message"]
        assert refused["details"][0]["reason"] == "RATE_LIMIT_EXCEEDED"
        # Writes have their own quota; another user has their own, until the project's is spent.
        put = http.put(values, params={"valueInputOption": "RAW"}, json={"values": [["x"]]}, headers=officer)
        assert put.status_code == 200
        assert [http.get(values, headers=worker).status_code for _ in range(3)] == [200, 200, 429]
        assert "per minute per project" in http.get(values, headers=worker).json()["error"]["message"]
        clock.sleep(61)
        assert http.get(values, headers=officer).status_code == 200
        _limits(sandbox, sheets_per_minute_user=None, sheets_per_minute_project=None)
        assert all(http.get(values, headers=officer).status_code == 200 for _ in range(10))


def test_text_longer_than_a_cell_holds_and_grids_beyond_the_cell_limit_are_refused(sandbox: Sandbox) -> None:
    book = create_spreadsheet(sandbox.url, "Batas", "Sheet1")
    base = f"{sandbox.url}/v4/spreadsheets/{book}"
    with requests.Session() as http:
        fits = http.put(
            f"{base}/values/Sheet1!A1", params={"valueInputOption": "RAW"}, json={"values": [["a" * 50_000]]}
        )
        assert fits.status_code == 200
        too_long = http.put(
            f"{base}/values/Sheet1!A2", params={"valueInputOption": "RAW"}, json={"values": [["a" * 50_001]]}
        )
        assert too_long.status_code == 400
        assert "maximum of 50000 characters in a single cell" in too_long.json()["error"]["message"]

        # A new spreadsheet holds 1000 x 26 cells; allow barely more and grow past it.
        _limits(sandbox, cells_per_spreadsheet=30_000)
        grow = {"requests": [{"appendDimension": {"sheetId": 0, "dimension": "ROWS", "length": 200}}]}
        refused = http.post(f"{base}:batchUpdate", json=grow)
        assert refused.status_code == 400 and "above the limit of 30000 cells" in refused.json()["error"]["message"]
        sheet = http.get(base).json()["sheets"][0]["properties"]["gridProperties"]
        assert sheet["rowCount"] == 1000  # nothing of the refused batch was applied
        rows = {"values": [["baris"]] * 200}
        appended = http.post(f"{base}/values/Sheet1!A1:append", params={"valueInputOption": "RAW"}, json=rows)
        assert appended.status_code == 400
        assert http.post(f"{sandbox.url}/_sandbox/limits", json={"cells": 1}).status_code == 400


def test_a_cycle_stays_inside_googles_quotas_and_waits_out_a_spent_minute(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    world = make_world(sandbox.url, tmp_path, [response_row(n) for n in range(1, 31)])
    _limits(sandbox, google=True)
    # Retries wait on the sandbox's clock: a spent minute passes without the test waiting for it.
    policy = RetryPolicy(sleep=clock.sleep, base_delay=20.0, max_delay=40.0, jitter=lambda upper: upper)
    tokens: set[str] = set()
    app = build_app(load_settings(world.config), lambda inner: _NoteTokens(inner, tokens), clock=clock, policy=policy)
    try:
        before = clock.now
        report = run_cycle(app)
        assert report.queued == 30 and report.errors == []
        assert clock.now == before  # no retry was needed: a first cycle's 10 calls are far inside 60 a minute
        # Spend the pipeline's own read quota for this minute, as another job on the same account might.
        [token] = tokens  # the one the pipeline's calls carried
        values = f"{sandbox.url}/v4/spreadsheets/{world.review_id}/values/Berita!A1"
        with requests.Session() as http:
            while http.get(values, headers={"Authorization": f"Bearer {token}"}).status_code == 200:
                pass
        started = clock.now
        report = run_cycle(app)
        assert report.errors == [] and clock.now - started >= timedelta(seconds=20)
    finally:
        app.close()
