"""Readers' comments on our posts reach the Tanggapan tab once each, within the write-back."""

from __future__ import annotations

from pathlib import Path

import requests

from pipeline.app import build_app
from pipeline.config import load_settings
from pipeline.cycle import run_cycle
from pipeline.google.retry import RetryPolicy
from pipeline.ledger import LEDGER_FILE
from pipeline.sandbox.server import Sandbox

from .test_pipeline import officer_sets, review_sheet
from .world import blog_posts, make_world, reset_stats, response_row, stats


def _comment(sandbox: Sandbox, blog_id: str, post_id: str, author: str, content: str) -> None:
    answer = requests.post(
        f"{sandbox.url}/_sandbox/blogs/{blog_id}/posts/{post_id}/comments",
        json={"author": author, "content": content},
        timeout=10,
    )
    answer.raise_for_status()


def test_a_comment_appears_once_in_tanggapan_after_two_cycles(sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(sandbox.url, tmp_path, [response_row(1), response_row(2)])
    config = world.config.read_text(encoding="utf-8") + "comments:\n  enabled: true\n  check_seconds: 0\n"
    world.config.write_text(config, encoding="utf-8")
    app = build_app(load_settings(world.config), policy=RetryPolicy(sleep=lambda _: None))
    try:
        run_cycle(app)
        sheet = review_sheet(app)
        officer_sets(sheet, "MM-20261122-0001", Setujui="TRUE")
        run_cycle(app)
        [post] = blog_posts(world.endpoint, world.blog_id)
        _comment(
            sandbox, world.blog_id, post["id"], "Warga Juai", "Terima kasih, <b>sangat bermanfaat</b> &amp; jelas!"
        )
        first = run_cycle(app)
        second = run_cycle(app)
        assert (first.comments, second.comments) == (1, 0)
        tab = sheet.spreadsheet.worksheet("Tanggapan").get_all_values()
        assert tab[0][:6] == ["Kode", "Desa", "Kecamatan", "Waktu", "Nama", "Tanggapan"]
        assert len(tab) == 2
        kode, desa, _, _, nama, teks, tautan, _ = tab[1]
        assert (kode, desa, nama, teks) == (
            "MM-20261122-0001",
            "Juai",
            "Warga Juai",
            "Terima kasih, sangat bermanfaat & jelas!",
        )
        assert tautan == post["url"]
        # A quiet cycle: one look at Blogger's comments, and still two Sheets reads.
        reset_stats(world.endpoint)
        run_cycle(app)
        calls = stats(world.endpoint)
        assert calls.get("blogger.comments.listByBlog") == 1
        assert sum(n for k, n in calls.items() if k.startswith("sheets.")) == 2
    finally:
        app.close()


def test_a_lost_answer_to_the_write_back_does_not_write_a_comment_twice(sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(sandbox.url, tmp_path, [response_row(1)])
    config = world.config.read_text(encoding="utf-8") + "comments:\n  enabled: true\n  check_seconds: 0\n"
    world.config.write_text(config, encoding="utf-8")
    app = build_app(load_settings(world.config), policy=RetryPolicy(attempts=1, sleep=lambda _: None))
    try:
        run_cycle(app)
        officer_sets(review_sheet(app), "MM-20261122-0001", Setujui="TRUE")
        run_cycle(app)
        [post] = blog_posts(world.endpoint, world.blog_id)
        _comment(sandbox, world.blog_id, post["id"], "Orang pertama", "Bagus.")
        run_cycle(app)  # creates the Tanggapan tab and writes the first comment
        _comment(sandbox, world.blog_id, post["id"], "Pembaca", "Mantap.")
        # The batchUpdate lands, but its answer is lost.
        rule = {"match": "sheets.spreadsheets.batchUpdate", "drop": True, "after_effect": True, "times": 1}
        requests.post(f"{sandbox.url}/_sandbox/faults", json={"rules": [rule]}, timeout=10).raise_for_status()
        run_cycle(app)
        requests.delete(f"{sandbox.url}/_sandbox/faults", timeout=10).raise_for_status()
        run_cycle(app)
        run_cycle(app)
        tab = review_sheet(app).spreadsheet.worksheet("Tanggapan").get_all_values()
        assert [r[5] for r in tab[1:]] == ["Bagus.", "Mantap."]
    finally:
        app.close()


def test_a_lost_ledger_copies_no_comment_twice(sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(sandbox.url, tmp_path, [response_row(1)])
    config = world.config.read_text(encoding="utf-8") + "comments:\n  enabled: true\n  check_seconds: 0\n"
    world.config.write_text(config, encoding="utf-8")
    settings = load_settings(world.config)
    app = build_app(settings, policy=RetryPolicy(sleep=lambda _: None))
    try:
        run_cycle(app)
        officer_sets(review_sheet(app), "MM-20261122-0001", Setujui="TRUE")
        run_cycle(app)
        [post] = blog_posts(world.endpoint, world.blog_id)
        _comment(sandbox, world.blog_id, post["id"], "Orang pertama", "Bagus.")
        run_cycle(app)
    finally:
        app.close()
    for suffix in ("", "-wal", "-shm"):
        (settings.state_dir / (LEDGER_FILE + suffix)).unlink(missing_ok=True)
    _comment(sandbox, world.blog_id, post["id"], "Pembaca", "Mantap.")
    app = build_app(settings, policy=RetryPolicy(sleep=lambda _: None))
    try:
        run_cycle(app)
        run_cycle(app)
        tab = review_sheet(app).spreadsheet.worksheet("Tanggapan").get_all_values()
    finally:
        app.close()
    assert [r[5] for r in tab[1:]] == ["Bagus.", "Mantap."]
