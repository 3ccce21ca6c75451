"""Crashes and faults around a post insert never give a second post: intents are reconciled by `Kode berita`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from pipeline.app import App, build_app, officer_sheets_client
from pipeline.config import load_settings
from pipeline.core.model import Status
from pipeline.cycle import run_cycle
from pipeline.google.retry import RetryPolicy
from pipeline.sandbox.server import Sandbox

from .world import World, blog_posts, make_world, reset_stats, response_row, stats

NO_SLEEP = RetryPolicy(sleep=lambda _: None)
CODE = "MM-20261122-0001"


@pytest.fixture
def world(fresh_sandbox: Sandbox, tmp_path: Path) -> World:
    return make_world(fresh_sandbox.url, tmp_path, [response_row(1)])


@pytest.fixture
def app(world: World) -> Iterator[App]:
    built = build_app(load_settings(world.config), policy=NO_SLEEP)
    yield built
    built.close()


def approve_first_row(app: App) -> None:
    sheet = officer_sheets_client(app.settings).open_by_key(app.settings.review.spreadsheet_id).worksheet("Berita")
    header = sheet.row_values(1)
    sheet.update_cell(2, header.index("Setujui") + 1, True)


def inject(world: World, *rules: dict[str, object]) -> None:
    requests.post(f"{world.endpoint}/_sandbox/faults", json={"rules": list(rules)}, timeout=10).raise_for_status()


def test_lost_answer_to_an_insert_is_adopted_not_repeated(app: App, world: World) -> None:
    run_cycle(app)
    approve_first_row(app)
    # The post is created, but every answer to the insert is lost on the way back (as a dropped connection).
    inject(world, {"match": "blogger.posts.insert", "drop": True, "after_effect": True, "times": 10})
    report = run_cycle(app)
    assert report.errors, report
    assert len(app.ledger.open_intents("insert")) == 1
    assert len(blog_posts(world.endpoint, world.blog_id)) == 1
    requests.delete(f"{world.endpoint}/_sandbox/faults", timeout=10).raise_for_status()
    run_cycle(app)
    run_cycle(app)
    [post] = blog_posts(world.endpoint, world.blog_id)
    record = app.ledger.get(CODE)
    assert record is not None
    assert (record.status, record.post_id, record.post_url) == (Status.PUBLISHED, post["id"], post["url"])
    assert app.ledger.open_intents() == []
    assert "adopted" in [e.kind for e in app.ledger.events(CODE)]


def test_every_side_effect_is_an_intent_closed_after_it_returns(app: App, world: World) -> None:
    run_cycle(app)
    approve_first_row(app)
    run_cycle(app)
    rows = app.ledger._db.execute("SELECT code, action, state FROM intents ORDER BY id").fetchall()
    assert [tuple(r) for r in rows] == [
        ("*", "write_back", "done"),
        (CODE, "insert", "done"),
        ("*", "write_back", "done"),
    ]


def test_temporary_errors_are_retried_within_the_cycle(app: App, world: World) -> None:
    run_cycle(app)
    approve_first_row(app)
    inject(world, {"match": "blogger.posts.insert", "status": 503, "times": 2})
    report = run_cycle(app)
    assert report.errors == []
    assert len(blog_posts(world.endpoint, world.blog_id)) == 1


def test_a_refused_insert_leaves_the_row_failed_and_retries_next_cycle(app: App, world: World) -> None:
    run_cycle(app)
    approve_first_row(app)
    # A 500 to an insert leaves its outcome unknown: no blind resend; the next cycle checks, then posts.
    inject(world, {"match": "blogger.posts.insert", "status": 500, "times": 1})
    report = run_cycle(app)
    assert report.count("publish") == 1 and report.errors
    record = app.ledger.get(CODE)
    assert record is not None and record.status is Status.FAILED
    assert "dicoba lagi" in record.message
    assert blog_posts(world.endpoint, world.blog_id) == []
    run_cycle(app)
    [post] = blog_posts(world.endpoint, world.blog_id)
    record = app.ledger.get(CODE)
    assert record is not None and record.post_id == post["id"]


def test_failed_write_back_heals_next_cycle(app: App, world: World) -> None:
    run_cycle(app)
    approve_first_row(app)
    inject(world, {"match": "sheets.spreadsheets.batchUpdate", "status": 503, "times": 4})
    report = run_cycle(app)
    assert any("write-back deferred" in e for e in report.errors)
    sheet = officer_sheets_client(app.settings).open_by_key(world.review_id).worksheet("Berita")
    assert sheet.get_all_records()[0]["Status"] == "Menunggu"
    run_cycle(app)
    [post] = blog_posts(world.endpoint, world.blog_id)
    assert sheet.get_all_records()[0]["Tautan"] == post["url"]


def test_blogger_daily_cap_defers_the_rest_in_order_to_the_next_quota_day(tmp_path: Path) -> None:
    now = [datetime(2026, 11, 22, 9, 0, tzinfo=UTC)]
    with Sandbox(clock=lambda: now[0]) as sandbox:
        world = make_world(sandbox.url, tmp_path, [response_row(n) for n in range(1, 7)])
        with world.config.open("a", encoding="utf-8") as config:
            config.write("  daily_post_limit: 50\n  quota_timezone: Asia/Makassar\n")
        requests.post(f"{sandbox.url}/_sandbox/blogs/{world.blog_id}/limits", json={"daily_posts": 3}, timeout=10)
        app = build_app(load_settings(world.config), policy=NO_SLEEP, clock=lambda: now[0])
        try:
            run_cycle(app)
            sheet = officer_sheets_client(app.settings).open_by_key(world.review_id).worksheet("Berita")
            header = sheet.row_values(1)
            # Approved in reverse order of arrival: the cap still lets the earliest arrivals go first.
            for row in range(7, 1, -1):
                sheet.update_cell(row, header.index("Setujui") + 1, True)
            first = run_cycle(app)
            assert first.count("publish") == 3 and first.count("defer") == 3, first
            titles = sorted(p["title"] for p in blog_posts(world.endpoint, world.blog_id))
            assert titles == ["Berita nomor 1", "Berita nomor 2", "Berita nomor 3"]
            waiting = {r["Kode"]: r for r in sheet.get_all_records() if r["Status"] == "Menunggu"}
            assert len(waiting) == 3
            messages = [r["Pesan"] for r in waiting.values()]
            assert all("Batas harian Blogger" in m and "2026-11-23 00:00" in m for m in messages), messages
            reset_stats(world.endpoint)
            again = run_cycle(app)
            assert again.outcomes == [] and "blogger.posts.insert" not in stats(world.endpoint)
            now[0] += timedelta(days=1)
            later = run_cycle(app)
            assert later.count("publish") == 3
            assert len(blog_posts(world.endpoint, world.blog_id)) == 6
        finally:
            app.close()
