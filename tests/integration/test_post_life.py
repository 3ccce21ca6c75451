"""A post's life after the first tick: withdrawn and republished, scheduled, published by hand in Blogger."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests

from pipeline.app import App, build_app
from pipeline.config import load_settings
from pipeline.cycle import run_cycle
from pipeline.google.retry import RetryPolicy
from pipeline.sandbox.server import Sandbox

from .test_pipeline import officer_sets, records_by_code, review_sheet
from .world import (
    World,
    append_responses,
    blog_posts,
    blogger_service,
    delete_post,
    make_world,
    reset_stats,
    response_row,
    stats,
)

CODE = "MM-20261122-0001"


class Clock:
    """One clock for the sandbox (Blogger's scheduler) and the pipeline, moved by the test."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def world(clock: Clock, tmp_path: Path) -> Iterator[World]:
    with Sandbox(state_dir=tmp_path / "sandbox", clock=clock) as sandbox:
        made = make_world(sandbox.url, tmp_path, [response_row(1)])
        # Look for posts that went live at every cycle, not every five minutes.
        made.config.write_text(made.config.read_text() + "  state_check_seconds: 0\n", encoding="utf-8")
        yield made


@pytest.fixture
def app(world: World, clock: Clock) -> Iterator[App]:
    built = build_app(load_settings(world.config), clock=clock, policy=RetryPolicy(sleep=lambda _: None))
    yield built
    built.close()


def test_unticking_withdraws_the_post_and_ticking_again_republishes_the_same_post(app: App, world: World) -> None:
    run_cycle(app)
    sheet = review_sheet(app)
    officer_sets(sheet, CODE, Setujui="TRUE")
    run_cycle(app)
    [first] = blog_posts(world.endpoint, world.blog_id)
    officer_sets(sheet, CODE, Setujui="FALSE")
    report = run_cycle(app)
    assert report.count("retract") == 1
    [post] = blog_posts(world.endpoint, world.blog_id)
    assert (post["id"], post["status"]) == (first["id"], "DRAFT")
    row = records_by_code(sheet)[CODE]
    assert (row["Status"], row["Tautan"]) == ("Ditarik", "")
    officer_sets(sheet, CODE, Setujui="TRUE")
    report = run_cycle(app)
    assert report.count("update") == 1 and report.count("publish") == 0
    [post] = blog_posts(world.endpoint, world.blog_id)
    assert (post["id"], post["status"]) == (first["id"], "LIVE")
    row = records_by_code(sheet)[CODE]
    assert (row["Status"], row["Tautan"]) == ("Terbit", post["url"])


def test_a_scheduled_post_becomes_terbit_when_its_time_comes(app: App, world: World, clock: Clock) -> None:
    run_cycle(app)
    sheet = review_sheet(app)
    when = (clock.now + timedelta(hours=2)).astimezone(ZoneInfo("Asia/Makassar"))
    officer_sets(
        sheet, CODE, Setujui="TRUE", Mode="Jadwal", Jadwal=when.strftime("%Y-%m-%d %H:%M")
    )  # a date-time, as typed
    run_cycle(app)
    [post] = blog_posts(world.endpoint, world.blog_id)
    assert post["status"] == "SCHEDULED"
    row = records_by_code(sheet)[CODE]
    assert row["Status"] == "Terjadwal" and when.strftime("%H:%M") in row["Pesan"]
    clock.now += timedelta(hours=1)
    run_cycle(app)
    assert records_by_code(sheet)[CODE]["Status"] == "Terjadwal"
    clock.now += timedelta(hours=1, minutes=1)
    report = run_cycle(app)
    assert [o.action for o in report.outcomes] == ["went_live"]
    [post] = blog_posts(world.endpoint, world.blog_id)
    row = records_by_code(sheet)[CODE]
    assert (post["status"], row["Status"], row["Tautan"]) == ("LIVE", "Terbit", post["url"])
    assert row["Mode"] == "Jadwal"  # the officer's choice was kept; it is simply done
    reset_stats(world.endpoint)
    report = run_cycle(app)
    assert report.outcomes == [] and not any(k.startswith("blogger.") for k in stats(world.endpoint))


def test_a_draft_published_by_hand_in_blogger_becomes_terbit_and_stays_live(
    app: App, world: World, clock: Clock
) -> None:
    run_cycle(app)
    sheet = review_sheet(app)
    officer_sets(sheet, CODE, Setujui="TRUE", Mode="Draf")
    run_cycle(app)
    [draft] = blog_posts(world.endpoint, world.blog_id)
    assert records_by_code(sheet)[CODE]["Status"] == "Draf"
    clock.now += timedelta(hours=3)
    service = blogger_service(world.endpoint)
    try:
        service.posts().publish(blogId=world.blog_id, postId=draft["id"]).execute()
    finally:
        service.close()
    report = run_cycle(app)
    assert [o.action for o in report.outcomes] == ["went_live"]
    [post] = blog_posts(world.endpoint, world.blog_id)
    row = records_by_code(sheet)[CODE]
    assert (post["status"], row["Status"], row["Tautan"], row["Mode"]) == ("LIVE", "Terbit", post["url"], "Terbit")
    assert "langsung di Blogger" in row["Pesan"]
    report = run_cycle(app)
    assert report.outcomes == []
    assert blog_posts(world.endpoint, world.blog_id)[0]["status"] == "LIVE"
    # From now on the officer's Mode counts again: Draf takes the post off the blog.
    officer_sets(sheet, CODE, Mode="Draf")
    report = run_cycle(app)
    assert blog_posts(world.endpoint, world.blog_id)[0]["status"] == "DRAFT"
    assert records_by_code(sheet)[CODE]["Status"] == "Draf"


def _publish_by_hand(world: World, post_id: str, *, keep_date: bool) -> dict[str, Any]:
    """The blog's owner presses Publish in Blogger's editor (the sandbox's switch for what the editor does)."""
    answer = requests.post(
        f"{world.endpoint}/_sandbox/blogs/{world.blog_id}/posts/{post_id}/publish_by_hand",
        json={"keep_date": keep_date},
        timeout=10,
    )
    answer.raise_for_status()
    post: dict[str, Any] = answer.json()
    return post


def _blogger_calls(world: World) -> dict[str, int]:
    return {k: n for k, n in stats(world.endpoint).items() if k.startswith("blogger.")}


def test_a_draft_published_by_hand_keeping_its_old_date_becomes_terbit(app: App, world: World, clock: Clock) -> None:
    run_cycle(app)
    sheet = review_sheet(app)
    officer_sets(sheet, CODE, Setujui="TRUE", Mode="Draf")
    run_cycle(app)
    [draft] = blog_posts(world.endpoint, world.blog_id)
    clock.now += timedelta(days=3)
    assert run_cycle(app).outcomes == [] and records_by_code(sheet)[CODE]["Status"] == "Draf"  # looked: a draft
    clock.now += timedelta(hours=1)
    live = _publish_by_hand(world, draft["id"], keep_date=True)
    assert (live["status"], live["published"]) == ("LIVE", draft["published"])  # three days before the last look
    report = run_cycle(app)
    assert [(o.action, o.link) for o in report.outcomes] == [("went_live", live["url"])]
    row = records_by_code(sheet)[CODE]
    assert (row["Status"], row["Tautan"], row["Mode"]) == ("Terbit", live["url"], "Terbit")
    assert "langsung di Blogger" in row["Pesan"]
    assert run_cycle(app).outcomes == []


def test_waiting_drafts_cost_one_blogger_call_per_state_check_and_none_between(clock: Clock, tmp_path: Path) -> None:
    codes = [f"MM-20261122-000{n}" for n in (1, 2, 3)]
    with Sandbox(state_dir=tmp_path / "sandbox", clock=clock) as sandbox:
        world = make_world(sandbox.url, tmp_path, [response_row(n) for n in (1, 2, 3)], default_mode="Draf")
        app = build_app(load_settings(world.config), clock=clock, policy=RetryPolicy(sleep=lambda _: None))
        try:
            run_cycle(app)
            sheet = review_sheet(app)
            for code in codes:
                officer_sets(sheet, code, Setujui="TRUE")
            run_cycle(app)
            drafts = {p["title"]: p["id"] for p in blog_posts(world.endpoint, world.blog_id)}
            assert len(drafts) == 3
            reset_stats(world.endpoint)
            run_cycle(app)  # the first look: one listing of the blog's posts that are not live, whatever waits
            assert _blogger_calls(world) == {"blogger.posts.list": 1}
            reset_stats(world.endpoint)
            clock.now += timedelta(seconds=299)
            run_cycle(app)
            assert _blogger_calls(world) == {}  # blogger.state_check_seconds (300) not yet passed
            _publish_by_hand(world, drafts["Berita nomor 1"], keep_date=True)
            _publish_by_hand(world, drafts["Berita nomor 2"], keep_date=False)
            clock.now += timedelta(seconds=1)
            report = run_cycle(app)
            # The listing, then each post that left it, asked for by id: live, both.
            assert _blogger_calls(world) == {"blogger.posts.list": 1, "blogger.posts.get": 2}
            assert sorted(o.code for o in report.outcomes if o.action == "went_live") == codes[:2]
            rows = records_by_code(sheet)
            assert [rows[c]["Status"] for c in codes] == ["Terbit", "Terbit", "Draf"]
            reset_stats(world.endpoint)
            clock.now += timedelta(seconds=300)
            run_cycle(app)
            assert _blogger_calls(world) == {"blogger.posts.list": 1}
        finally:
            app.close()


def test_a_watched_draft_deleted_in_blogger_is_said_once_and_then_costs_nothing(
    app: App, world: World, clock: Clock
) -> None:
    run_cycle(app)
    sheet = review_sheet(app)
    officer_sets(sheet, CODE, Setujui="TRUE", Mode="Draf")
    run_cycle(app)
    [draft] = blog_posts(world.endpoint, world.blog_id)
    delete_post(world.endpoint, world.blog_id, draft["id"])
    report = run_cycle(app)
    assert any("no longer on the blog" in e for e in report.errors)
    row = records_by_code(sheet)[CODE]
    assert row["Status"] == "Draf" and "tidak ada lagi di Blogger" in row["Pesan"]
    reset_stats(world.endpoint)
    clock.now += timedelta(hours=1)
    assert run_cycle(app).errors == []
    assert _blogger_calls(world) == {}


def test_nothing_waits_as_draft_or_scheduled_so_no_blogger_call_is_made(app: App, world: World) -> None:
    run_cycle(app)
    officer_sets(review_sheet(app), CODE, Setujui="TRUE")
    run_cycle(app)
    reset_stats(world.endpoint)
    run_cycle(app)
    assert not any(k.startswith("blogger.") for k in stats(world.endpoint))


def _anyone_can_read(endpoint: str, file_id: str) -> bool:
    listed = requests.get(f"{endpoint}/drive/v3/files/{file_id}/permissions", timeout=10).json()
    return any(p.get("type") == "anyone" for p in listed["permissions"])


def _upload_photos(endpoint: str, count: int) -> list[str]:
    from pipeline.sandbox.demo_data import DEMO_PHOTOS, png_bytes
    from pipeline.sandbox.seed import upload_file

    pictures = list(DEMO_PHOTOS.values())
    with requests.Session() as http:
        return [upload_file(http, endpoint, f"{n}.png", png_bytes(pictures[n]), "image/png") for n in range(count)]


def test_photos_go_private_again_on_reject_after_a_failed_post_and_on_retract_after_an_edit(
    clock: Clock, tmp_path: Path
) -> None:
    with Sandbox(state_dir=tmp_path / "sandbox", clock=clock) as sandbox:
        first, second, third = _upload_photos(sandbox.url, 3)
        rows = [
            response_row(1, photos=f"https://drive.google.com/open?id={first}"),
            response_row(2, photos=f"https://drive.google.com/open?id={second}"),
        ]
        world = make_world(sandbox.url, tmp_path, rows)
        app = build_app(load_settings(world.config), clock=clock, policy=RetryPolicy(sleep=lambda _: None))
        try:
            run_cycle(app)
            sheet = review_sheet(app)
            # Blogger refuses the first post outright after its photo was shared.
            rule = {"match": "blogger.posts.insert", "status": 400, "times": 1}
            requests.post(f"{sandbox.url}/_sandbox/faults", json={"rules": [rule]}, timeout=10).raise_for_status()
            officer_sets(sheet, CODE, Setujui="TRUE")
            run_cycle(app)
            assert records_by_code(sheet)[CODE]["Status"] == "Gagal" and _anyone_can_read(sandbox.url, first)
            officer_sets(sheet, CODE, Setujui="FALSE", Tolak="TRUE", Catatan="Bukan berita desa.")
            run_cycle(app)
            assert records_by_code(sheet)[CODE]["Status"] == "Ditolak"
            assert not _anyone_can_read(sandbox.url, first)

            # Published with one photo, edited to another, then withdrawn: neither stays public.
            other = "MM-20261122-0002"
            officer_sets(sheet, other, Setujui="TRUE")
            run_cycle(app)
            officer_sets(sheet, other, Foto=f"https://drive.google.com/open?id={third}")
            run_cycle(app)
            # The replaced photo goes private with the update (#16), the new one is public.
            assert not _anyone_can_read(sandbox.url, second) and _anyone_can_read(sandbox.url, third)
            officer_sets(sheet, other, Tolak="TRUE")
            run_cycle(app)
            assert records_by_code(sheet)[other]["Status"] == "Ditarik"
            assert not _anyone_can_read(sandbox.url, second) and not _anyone_can_read(sandbox.url, third)
        finally:
            app.close()


def test_labels_an_officer_types_past_blogger_limit_are_cut_and_the_post_still_goes_out(app: App, world: World) -> None:
    run_cycle(app)
    sheet = review_sheet(app)
    many = ", ".join(f"Topik panjang nomor {n:02d}" for n in range(12))  # 12 x 22 characters
    officer_sets(sheet, CODE, Setujui="TRUE", Label=many)
    report = run_cycle(app)
    assert [o.action for o in report.outcomes] == ["publish"] and report.errors == []
    [post] = blog_posts(world.endpoint, world.blog_id)
    assert post["labels"][:3] == ["Kecamatan Juai", "Desa Juai", "Topik panjang nomor 00"]
    assert len(", ".join(post["labels"])) <= 200 < len(", ".join(["Kecamatan Juai", "Desa Juai", many]))
    assert records_by_code(sheet)[CODE]["Status"] == "Terbit"


def test_a_refused_blog_token_while_a_draft_waits_is_one_line_and_the_watch_resumes_after_sign_in(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    from .test_setup_failures import _approve, _cli, _credentials, _revoke

    world = make_world(sandbox.url, tmp_path, [response_row(1)], default_mode="Draf")
    _, token = _credentials(sandbox, world, tmp_path)
    world.config.write_text(world.config.read_text() + "  state_check_seconds: 0\n", encoding="utf-8")
    assert _cli(world.config, "sync").exit_code == 0
    _approve(world, CODE)
    assert _cli(world.config, "sync").exit_code == 0
    [draft] = blog_posts(world.endpoint, world.blog_id)
    _revoke(sandbox, refresh_token=token["refresh_token"])
    _publish_by_hand(world, draft["id"], keep_date=True)
    append_responses(world.endpoint, world.form_id, [response_row(2)])
    refused = _cli(world.config, "sync")
    assert refused.exit_code == 1 and refused.output.count("error:") == 1 and "mymein auth" in refused.output
    assert "ingest 1, queue 1" in refused.output  # only the blog's work waits
    token["refresh_token"] += "-new"  # the owner signs in again
    (tmp_path / "token.json").write_text(json.dumps(token), encoding="utf-8")
    (tmp_path / "token.json").chmod(0o600)
    assert _cli(world.config, "sync").exit_code == 0
    app = build_app(load_settings(world.config), policy=RetryPolicy(sleep=lambda _: None))
    try:
        row = records_by_code(review_sheet(app))[CODE]
    finally:
        app.close()
    [post] = blog_posts(world.endpoint, world.blog_id)
    assert (row["Status"], row["Tautan"], row["Mode"]) == ("Terbit", post["url"], "Terbit")
