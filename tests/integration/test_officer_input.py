"""Officers' slips through the sandbox: a Mode or a checkbox the pipeline cannot read holds the row with a reason,
publishes nothing, and the fixed row is published once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.app import App, build_app
from pipeline.config import load_settings
from pipeline.google.retry import RetryPolicy
from pipeline.sandbox.server import Sandbox
from pipeline.sync import run_cycle

from .test_pipeline import officer_sets, records_by_code, review_sheet
from .world import World, blog_posts, make_world, response_row

NO_SLEEP = RetryPolicy(sleep=lambda _: None)
FIRST, SECOND = "MM-20261122-0001", "MM-20261122-0002"


@pytest.fixture
def world(sandbox: Sandbox, tmp_path: Path) -> World:
    return make_world(sandbox.url, tmp_path, [response_row(1), response_row(2)])


@pytest.fixture
def app(world: World) -> Iterator[App]:
    built = build_app(load_settings(world.config), policy=NO_SLEEP)
    yield built
    built.close()


def test_draft_in_english_makes_a_draft_an_unknown_mode_holds_and_the_fixed_row_is_published_once(
    app: App, world: World
) -> None:
    run_cycle(app)
    sheet = review_sheet(app)
    officer_sets(sheet, FIRST, Setujui="TRUE", Mode="Draft")
    officer_sets(sheet, SECOND, Setujui="TRUE", Mode="Publikasi")
    run_cycle(app)
    [draft] = blog_posts(world.endpoint, world.blog_id)
    assert draft["status"] == "DRAFT" and FIRST in draft["content"]
    rows = records_by_code(sheet)
    assert rows[FIRST]["Status"] == "Draf"
    assert (rows[SECOND]["Status"], rows[SECOND]["Pesan"]) == (
        "Perlu perbaikan",
        'Mode "Publikasi" tidak dikenal; pilih Terbit, Draf atau Jadwal.',
    )
    assert rows[SECOND]["Mode"] == "Publikasi"  # the officer's word stays for them to see and fix
    # Told once: the next cycle does nothing at all.
    assert run_cycle(app).outcomes == []

    officer_sets(sheet, SECOND, Mode="terbit ")
    report = run_cycle(app)
    assert report.count("publish") == 1
    live = [p for p in blog_posts(world.endpoint, world.blog_id) if SECOND in p["content"]]
    assert [p["status"] for p in live] == ["LIVE"]
    row = records_by_code(sheet)[SECOND]
    assert (row["Status"], row["Tautan"], row["Pesan"]) == ("Terbit", live[0]["url"], "Terbit di blog.")
    assert run_cycle(app).outcomes == []
    assert len(blog_posts(world.endpoint, world.blog_id)) == 2


def test_a_mistyped_mode_on_a_published_row_leaves_the_post_live_until_fixed(app: App, world: World) -> None:
    run_cycle(app)
    sheet = review_sheet(app)
    officer_sets(sheet, FIRST, Setujui="TRUE")
    run_cycle(app)
    [post] = blog_posts(world.endpoint, world.blog_id)
    officer_sets(sheet, FIRST, Mode="Publikasi")
    run_cycle(app)
    [still] = blog_posts(world.endpoint, world.blog_id)
    assert (still["id"], still["status"], still["updated"]) == (post["id"], "LIVE", post["updated"])
    row = records_by_code(sheet)[FIRST]
    assert (row["Status"], row["Tautan"]) == ("Perlu perbaikan", post["url"]) and "Publikasi" in row["Pesan"]
    assert run_cycle(app).outcomes == []
    officer_sets(sheet, FIRST, Mode="Terbit")
    run_cycle(app)
    [after] = blog_posts(world.endpoint, world.blog_id)
    assert (after["id"], after["status"]) == (post["id"], "LIVE")
    row = records_by_code(sheet)[FIRST]
    assert (row["Status"], row["Tautan"]) == ("Terbit", post["url"])


def test_an_unreadable_checkbox_is_not_a_tick_and_a_clear_one_publishes(app: App, world: World) -> None:
    run_cycle(app)
    sheet = review_sheet(app)
    officer_sets(sheet, FIRST, Setujui="mungkin")
    officer_sets(sheet, SECOND, Setujui="TRUE", Tolak="?")
    run_cycle(app)
    assert blog_posts(world.endpoint, world.blog_id) == []
    rows = records_by_code(sheet)
    assert rows[FIRST]["Status"] == rows[SECOND]["Status"] == "Perlu perbaikan"
    assert '"mungkin"' in rows[FIRST]["Pesan"] and "Setujui" in rows[FIRST]["Pesan"]
    assert '"?"' in rows[SECOND]["Pesan"] and "Tolak" in rows[SECOND]["Pesan"]
    officer_sets(sheet, FIRST, Setujui="ya")
    officer_sets(sheet, SECOND, Tolak="")
    run_cycle(app)
    posts = blog_posts(world.endpoint, world.blog_id)
    assert sorted(p["status"] for p in posts) == ["LIVE", "LIVE"]
    assert {r["Status"] for r in records_by_code(sheet).values()} == {"Terbit"}
