"""`schedule.rows_per_cycle`: a huge first ingest and a huge first archiving go in bounded chunks across cycles,
each response and each row exactly once."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import gspread
import pytest

from pipeline.app import build_app, officer_sheets_client
from pipeline.config import load_settings
from pipeline.cycle import run_cycle
from pipeline.google.retry import RetryPolicy
from pipeline.sandbox.server import Sandbox

from .world import World, append_responses, chunked_world, response_row

NO_SLEEP = RetryPolicy(sleep=lambda _: None)
CHUNK = 10
RESPONSES = 23


@pytest.fixture
def world(sandbox: Sandbox, tmp_path: Path) -> World:
    return chunked_world(sandbox.url, tmp_path, RESPONSES, CHUNK)


def review_codes(world: World, tab: str = "Berita") -> list[str]:
    sheet = officer_sheets_client(load_settings(world.config)).open_by_key(world.review_id).worksheet(tab)
    return [str(r["Kode"]) for r in sheet.get_all_records()]


def test_a_big_first_ingest_goes_in_chunks_each_response_once(world: World) -> None:
    app = build_app(load_settings(world.config), policy=NO_SLEEP)
    try:
        reports = [run_cycle(app) for _ in range(4)]
        assert [r.ingested for r in reports] == [CHUNK, CHUNK, RESPONSES - 2 * CHUNK, 0]
        assert [r.more for r in reports] == [True, True, False, False]
        codes = review_codes(world)
        assert len(codes) == RESPONSES and len(set(codes)) == RESPONSES
        assert len(app.ledger.records()) == RESPONSES
    finally:
        app.close()


def test_a_sorted_form_is_scanned_whole_in_one_cycle_chunk_by_chunk_and_a_new_answer_is_found(world: World) -> None:
    app = build_app(load_settings(world.config), policy=NO_SLEEP)
    try:
        while run_cycle(app).more:
            pass
        form = officer_sheets_client(app.settings).open_by_key(world.form_id).worksheet("Form Responses 1")
        form.sort((2, "des"), range=f"A2:H{RESPONSES + 1}")  # the remembered rows moved: the bookmark fails
        append_responses(world.endpoint, world.form_id, [response_row(RESPONSES + 1)])
        report = run_cycle(app)
        assert report.ingested == 1 and not report.more
        assert len(review_codes(world)) == RESPONSES + 1
    finally:
        app.close()


def test_a_big_first_archiving_goes_in_chunks_each_row_once(world: World) -> None:
    now = [datetime(2026, 11, 22, 1, 0, tzinfo=UTC)]
    app = build_app(load_settings(world.config), policy=NO_SLEEP, clock=lambda: now[0])
    try:
        while run_cycle(app).more:
            pass
        sheet = officer_sheets_client(app.settings).open_by_key(world.review_id).worksheet("Berita")
        header = sheet.row_values(1)
        column = gspread.utils.rowcol_to_a1(1, header.index("Tolak") + 1).rstrip("1")
        sheet.update([[True]] * RESPONSES, f"{column}2:{column}{RESPONSES + 1}", value_input_option="USER_ENTERED")
        run_cycle(app)
        now[0] += timedelta(days=app.settings.review.archive_after_days + 1)
        archived = []
        for _ in range(5):
            report = run_cycle(app)
            archived.append(report.archived)
            if not report.more and not report.archived:
                break
        assert archived[:3] == [CHUNK, CHUNK, RESPONSES - 2 * CHUNK]
        assert review_codes(world) == []
        kept = Counter(review_codes(world, "Arsip"))
        assert len(kept) == RESPONSES and set(kept.values()) == {1}
    finally:
        app.close()
