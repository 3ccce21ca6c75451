"""`registry.enforce`: stories from unregistered operators or other villages wait until the Operator tab agrees."""

from __future__ import annotations

from pathlib import Path

import requests
from click.testing import CliRunner

from pipeline.app import build_app
from pipeline.cli import main
from pipeline.config import load_settings
from pipeline.cycle import run_cycle
from pipeline.google.retry import RetryPolicy
from pipeline.sandbox.server import Sandbox

from .test_pipeline import officer_sets, records_by_code, review_sheet
from .world import make_world, reset_stats, response_row, stats


def test_unregistered_or_misplaced_operators_are_held_until_the_registry_says_otherwise(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    rows = [response_row(1), response_row(2), response_row(3, kecamatan="Batu Mandi", desa="Lok Batu")]
    world = make_world(sandbox.url, tmp_path, rows)
    world.config.write_text(world.config.read_text(encoding="utf-8") + "registry:\n  enforce: true\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["--config", str(world.config), "init"]).exit_code == 0
    operators = [
        ["operator1@example.com", "Operator 1", "KIM Juai", "Juai", "Juai"],
        ["OPERATOR3@example.com", "Operator 3", "KIM Juai", "Juai", "Juai"],  # registered for another village
    ]
    requests.post(
        f"{world.endpoint}/v4/spreadsheets/{world.review_id}/values/Operator!A2:append",
        params={"valueInputOption": "RAW"},
        json={"values": operators},
        timeout=10,
    ).raise_for_status()
    app = build_app(load_settings(world.config), policy=RetryPolicy(sleep=lambda _: None))
    try:
        run_cycle(app)
        sheet = review_sheet(app)
        rows_now = records_by_code(sheet)
        assert rows_now["MM-20261122-0001"]["Status"] == "Menunggu"
        assert rows_now["MM-20261122-0002"]["Status"] == "Perlu perbaikan"
        assert "operator2@example.com belum terdaftar" in rows_now["MM-20261122-0002"]["Pesan"]
        assert "terdaftar untuk Desa Juai" in rows_now["MM-20261122-0003"]["Pesan"]
        # Approving does not get round it.
        officer_sets(sheet, "MM-20261122-0002", Setujui="TRUE")
        run_cycle(app)
        assert records_by_code(sheet)["MM-20261122-0002"]["Status"] == "Perlu perbaikan"
        # The officer registers operator 2: the row is published with the next cycle.
        requests.post(
            f"{world.endpoint}/v4/spreadsheets/{world.review_id}/values/Operator!A2:append",
            params={"valueInputOption": "RAW"},
            json={"values": [["operator2@example.com", "Operator 2", "KIM Juai", "Juai", "Juai"]]},
            timeout=10,
        ).raise_for_status()
        run_cycle(app)
        assert records_by_code(sheet)["MM-20261122-0002"]["Status"] == "Terbit"
        # Reading the registry costs no extra call: it comes with the review sheet.
        reset_stats(world.endpoint)
        run_cycle(app)
        assert sum(n for k, n in stats(world.endpoint).items() if k.startswith("sheets.")) <= 2
    finally:
        app.close()
