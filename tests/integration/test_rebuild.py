"""`mymein rebuild`: a lost ledger comes back from the review sheet, the blog and the form responses."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from pipeline.app import build_app, officer_sheets_client
from pipeline.cli import main
from pipeline.config import load_settings
from pipeline.cycle import run_cycle
from pipeline.ledger import LEDGER_FILE
from pipeline.sandbox.server import Sandbox

from .test_exactly_once import NO_SLEEP
from .world import append_responses, blog_posts, make_world, reset_stats, response_row, stats


def test_a_lost_ledger_is_rebuilt_and_nothing_is_posted_or_ingested_again(sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(sandbox.url, tmp_path, [response_row(n) for n in range(1, 7)])
    settings = load_settings(world.config)
    app = build_app(settings, policy=NO_SLEEP)
    try:
        run_cycle(app)
        sheet = officer_sheets_client(settings).open_by_key(world.review_id).worksheet("Berita")
        header = sheet.row_values(1)

        def put(row: int, name: str, value: object) -> None:
            sheet.update_cell(row, header.index(name) + 1, value)

        for row in (2, 3, 4, 5):
            put(row, "Setujui", True)
        put(3, "Mode", "Draf")
        put(4, "Email", "dikoreksi@example.com")  # an officer's correction must not hide the row's response
        put(6, "Tolak", True)
        run_cycle(app)
        before = {code: (r.status, r.post_id, r.post_url) for code, r in app.ledger.records().items()}
    finally:
        app.close()
    assert sum(1 for v in before.values() if v[1]) == 4
    for suffix in ("", "-wal", "-shm"):
        (settings.state_dir / (LEDGER_FILE + suffix)).unlink(missing_ok=True)

    result = CliRunner().invoke(main, ["--config", str(world.config), "rebuild"])
    assert result.exit_code == 0, result.output
    assert "rebuilt 6 submissions (4 with a post); 6 form responses matched" in result.output

    app = build_app(settings, policy=NO_SLEEP)
    try:
        after = {code: (r.status, r.post_id, r.post_url) for code, r in app.ledger.records().items()}
        assert after == before
        assert [e.kind for e in app.ledger.events("MM-20261122-0001")] == ["rebuilt"]
        reset_stats(world.endpoint)
        report = run_cycle(app)
        assert (report.ingested, report.queued, report.outcomes, report.cells_written) == (0, 0, [], 0)
        # Only a look at which posts of the blog are not live, because a draft waits (published by hand?).
        assert [m for m in stats(world.endpoint) if m.startswith("blogger.")] == ["blogger.posts.list"]
        append_responses(world.endpoint, world.form_id, [response_row(7)])
        report = run_cycle(app)
        assert report.queued == 1 and "MM-20261122-0007" in app.ledger.records()
    finally:
        app.close()
    assert len(blog_posts(world.endpoint, world.blog_id)) == 4
    again = CliRunner().invoke(main, ["--config", str(world.config), "rebuild"])
    assert again.exit_code == 1 and "already holds 7 submissions" in again.output
