"""`mymein report`: the month's figures from the ledger into the Rekap tab, an HTML and a PDF."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from pipeline.app import build_app
from pipeline.cli import main
from pipeline.config import load_settings
from pipeline.google.retry import RetryPolicy
from pipeline.sandbox.server import Sandbox
from pipeline.sync import run_cycle

from .test_pipeline import officer_sets, review_sheet
from .world import make_world, response_row


def test_report_writes_rekap_html_and_pdf_with_the_true_counts(sandbox: Sandbox, tmp_path: Path) -> None:
    rows = [response_row(n) for n in range(1, 5)] + [response_row(5, kecamatan="Batu Mandi", desa="Lok Batu")]
    world = make_world(sandbox.url, tmp_path, rows)
    world.config.write_text(
        world.config.read_text(encoding="utf-8")
        + f"report:\n  directory: {tmp_path / 'reports'}\n  title: Portal Uji\n",
        encoding="utf-8",
    )
    assert CliRunner().invoke(main, ["--config", str(world.config), "init"]).exit_code == 0
    app = build_app(load_settings(world.config), policy=RetryPolicy(sleep=lambda _: None))
    try:
        run_cycle(app)
        sheet = review_sheet(app)
        for code in ("MM-20261122-0001", "MM-20261122-0002", "MM-20261122-0005"):
            officer_sets(sheet, code, Setujui="TRUE")
        officer_sets(sheet, "MM-20261122-0003", Tolak="TRUE")
        run_cycle(app)
    finally:
        app.close()

    result = CliRunner().invoke(main, ["--config", str(world.config), "report", "--month", "2026-11"])
    assert result.exit_code == 0, result.output
    assert "monev 2026-11: 5 submissions, 3 published" in result.output
    html = (tmp_path / "reports" / "monev-2026-11.html").read_text(encoding="utf-8")
    assert "Portal Uji" in html and "<svg" in html and "Lok Batu" in html
    pdf = (tmp_path / "reports" / "monev-2026-11.pdf").read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert pages == 3 and f"({pages} pages)" in result.output  # cover, trends, one page of villages
    assert (tmp_path / "reports" / "monev-2026-11-halaman-1.png").read_bytes().startswith(b"\x89PNG")

    rekap = sheet.spreadsheet.worksheet("Rekap").get_all_values()
    assert rekap[0][:5] == ["Bulan", "Kecamatan", "Desa", "Kiriman", "Terbit"]
    by_place = {(r[1], r[2]): r for r in rekap[1:]}
    assert by_place[("Juai", "")][3:7] == ["4", "2", "1", "0"]
    assert by_place[("Batu Mandi", "Lok Batu")][3:5] == ["1", "1"]


def test_a_malformed_month_is_refused() -> None:
    result = CliRunner().invoke(main, ["report", "--month", "2026-13"])
    assert result.exit_code == 2 and "not a month" in result.output
