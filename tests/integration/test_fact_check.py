"""Fact check and the head of division's approval before a first publication, through the sandbox."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from pipeline.app import build_app
from pipeline.cli import main
from pipeline.config import load_settings
from pipeline.cycle import run_cycle
from pipeline.google.retry import RetryPolicy
from pipeline.sandbox.server import Sandbox

from .test_pipeline import officer_sets, records_by_code, review_sheet
from .world import append_responses, blog_posts, make_world, response_row


def test_a_row_publishes_only_when_facts_are_checked_and_the_head_approves(sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(sandbox.url, tmp_path, [response_row(1), response_row(2)])
    app = build_app(load_settings(world.config), policy=RetryPolicy(sleep=lambda _: None))
    try:
        run_cycle(app)  # a sheet in use before the office switched the checks on
    finally:
        app.close()
    config = world.config.read_text(encoding="utf-8")
    config = config.replace("review:\n", "review:\n  require_fact_check: true\n  approvals: 2\n", 1)
    world.config.write_text(config, encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(world.config), "init"])
    assert "added missing columns at the end: Cek fakta, Setujui Kabid" in result.output, result.output

    app = build_app(load_settings(world.config), policy=RetryPolicy(sleep=lambda _: None))
    try:
        sheet = review_sheet(app)
        code = "MM-20261122-0001"
        officer_sets(sheet, code, Setujui="TRUE", Catatan="Dikonfirmasi Polsek Juai.")
        run_cycle(app)
        row = records_by_code(sheet)[code]
        assert row["Status"] == "Menunggu cek fakta"
        assert row["Pesan"] == "Disetujui; terbit setelah kolom Cek fakta dicentang."
        officer_sets(sheet, code, **{"Cek fakta": "TRUE"})
        run_cycle(app)
        assert records_by_code(sheet)[code]["Status"] == "Menunggu Kabid"
        assert blog_posts(world.endpoint, world.blog_id) == []
        officer_sets(sheet, code, **{"Setujui Kabid": "TRUE"})
        run_cycle(app)
        assert len(blog_posts(world.endpoint, world.blog_id)) == 1
        assert records_by_code(sheet)[code]["Status"] == "Terbit"
        kinds = [e.kind for e in app.ledger.events(code)]
        assert kinds.count("fact_checked") == 1 and kinds.count("head_approved") == 1
        assert kinds.index("fact_checked") < kinds.index("head_approved") < kinds.index("posted")

        # A story arriving now gets the new checkboxes, unticked.
        append_responses(world.endpoint, world.form_id, [response_row(3)])
        run_cycle(app)
        values = sheet.get_all_values()
        header = values[0]
        assert header[-2:] == ["Cek fakta", "Setujui Kabid"]
        third = next(r for r in values if r[header.index("Kode")] == "MM-20261122-0003")
        assert (third[header.index("Cek fakta")], third[header.index("Status")]) == ("FALSE", "Menunggu")
    finally:
        app.close()
