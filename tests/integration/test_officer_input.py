"""Officers' slips through the sandbox: a Mode, a checkbox or a photo link the pipeline cannot read holds the row
with a reason, publishes nothing, and the fixed row is published once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.app import App, build_app
from pipeline.config import load_settings
from pipeline.cycle import run_cycle
from pipeline.google.retry import RetryPolicy
from pipeline.sandbox.server import Sandbox

from .conftest import Inbox
from .test_notices import Clock, _body, _world
from .test_pipeline import officer_sets, records_by_code, review_sheet
from .world import World, blog_posts, make_world, response_row

NO_SLEEP = RetryPolicy(sleep=lambda _: None)
FIRST, SECOND = "MM-20261122-0001", "MM-20261122-0002"
NOT_ON_DRIVE = "https://example.com/foto.jpg"


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


def test_a_photo_not_on_drive_holds_the_row_and_removing_it_publishes_once_without_photo(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    world = make_world(sandbox.url, tmp_path, [response_row(1, photos=NOT_ON_DRIVE), response_row(2)])
    app = build_app(load_settings(world.config), policy=NO_SLEEP)
    try:
        run_cycle(app)
        sheet = review_sheet(app)
        row = records_by_code(sheet)[FIRST]
        # From the form: queued to be fixed, the link kept where the officer can see it.
        assert (row["Status"], row["Foto"]) == ("Perlu perbaikan", NOT_ON_DRIVE)
        assert NOT_ON_DRIVE in row["Pesan"] and "formulir" in row["Pesan"]
        officer_sets(sheet, FIRST, Setujui="TRUE")
        # Pasted by an officer into a row that was fine: held all the same.
        officer_sets(sheet, SECOND, Setujui="TRUE", Foto="https://example.com/lain.jpg")
        run_cycle(app)
        assert blog_posts(world.endpoint, world.blog_id) == []
        rows = records_by_code(sheet)
        assert rows[FIRST]["Status"] == rows[SECOND]["Status"] == "Perlu perbaikan"
        assert "https://example.com/lain.jpg" in rows[SECOND]["Pesan"]

        officer_sets(sheet, FIRST, Foto="")
        officer_sets(sheet, SECOND, Foto="")
        report = run_cycle(app)
        assert report.count("publish") == 2
        posts = blog_posts(world.endpoint, world.blog_id)
        assert len(posts) == 2 and all("<img" not in p["content"] for p in posts)
        assert {r["Status"] for r in records_by_code(sheet).values()} == {"Terbit"}
        run_cycle(app)
        assert len(blog_posts(world.endpoint, world.blog_id)) == 2
    finally:
        app.close()


def test_the_operator_hears_of_a_photo_to_fix_but_not_of_the_officers_slip(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    mail, port = inbox
    world = _world(sandbox, tmp_path, port, [response_row(1), response_row(2, photos=NOT_ON_DRIVE)])
    app = build_app(load_settings(world.config), clock=Clock(), policy=NO_SLEEP)
    try:
        run_cycle(app)
        [photo] = mail.to("operator2@example.com")
        assert photo["Subject"].startswith("Berita Anda perlu diperbaiki") and NOT_ON_DRIVE in _body(photo)
        sheet = review_sheet(app)
        officer_sets(sheet, FIRST, Setujui="TRUE", Mode="Publikasi")
        report = run_cycle(app)
        assert report.notices == [] and mail.to("operator1@example.com") == []
        officer_sets(sheet, FIRST, Mode="Terbit")
        report = run_cycle(app)
        assert report.notices == [f"published:{FIRST}"]
    finally:
        app.close()
