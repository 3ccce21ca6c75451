"""Several channels (regencies) in one worker: each its own form, review sheet, blog and ledger; a failing
channel does not stop the others."""

from __future__ import annotations

from pathlib import Path

import requests
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.sandbox.server import Sandbox

from .world import FORM_HEADER, World, append_responses, blog_posts, create_spreadsheet, make_world, response_row


def _second_channel(sandbox: Sandbox, world: World, *, review_id: str | None = None) -> tuple[str, str, str]:
    form = create_spreadsheet(sandbox.url, "Form Tabalong", "Form Responses 1")
    append_responses(sandbox.url, form, [FORM_HEADER, response_row(1, title="Berita Tabalong")])
    review = review_id or create_spreadsheet(sandbox.url, "Review Tabalong", "Berita")
    blog = requests.post(f"{sandbox.url}/_sandbox/blogs", json={"name": "Portal Tabalong"}, timeout=10).json()["id"]
    channel = (
        "channels:\n  - name: tabalong\n    report_title: Portal KIM Tabalong\n"
        f"    form: {{spreadsheet_id: {form}}}\n    review: {{spreadsheet_id: {review}, worksheet: Berita}}\n"
        f'    blogger: {{blog_id: "{blog}"}}\n'
    )
    world.config.write_text(world.config.read_text(encoding="utf-8") + channel, encoding="utf-8")
    return form, review, str(blog)


def test_sync_serves_every_channel_with_its_own_codes_and_sheets(sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(sandbox.url, tmp_path, [response_row(1), response_row(2)])
    _, review, _ = _second_channel(sandbox, world)
    result = CliRunner().invoke(main, ["--config", str(world.config), "sync"])
    assert result.exit_code == 0, result.output
    assert (
        "[default] done: ingest 2, queue 2" in result.output and "[tabalong] done: ingest 1, queue 1" in result.output
    )
    rows = requests.get(f"{sandbox.url}/v4/spreadsheets/{review}/values/Berita", timeout=10).json()["values"]
    assert [r[0] for r in rows[1:]] == ["MM-20261122-0001"]  # its own ledger: its own numbering
    assert (tmp_path / "state" / "channels" / "tabalong").is_dir()
    status = CliRunner().invoke(main, ["--config", str(world.config), "--channel", "tabalong", "status"])
    assert "Menunggu" in status.output and "1" in status.output


def test_a_failing_channel_does_not_stop_the_others(sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(sandbox.url, tmp_path, [response_row(1)])
    _second_channel(sandbox, world, review_id="1NoSuchReviewSheetAnywhere")
    result = CliRunner().invoke(main, ["--config", str(world.config), "sync"])
    assert result.exit_code == 1
    assert "[default] done: ingest 1, queue 1" in result.output and "[tabalong] error:" in result.output
    unknown = CliRunner().invoke(main, ["--config", str(world.config), "--channel", "hulu", "status"])
    assert unknown.exit_code == 2 and "no channel 'hulu'" in unknown.output
    assert blog_posts(world.endpoint, world.blog_id) == []
