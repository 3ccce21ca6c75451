"""`mymein report`: the month's figures from the ledger into the Rekap tab, an HTML and a PDF."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner
from matplotlib import pyplot as plt
from matplotlib.axes import Axes

from pipeline.app import build_app
from pipeline.cli import main
from pipeline.config import load_settings
from pipeline.core.model import Status
from pipeline.core.monev import History, month_report
from pipeline.cycle import run_cycle
from pipeline.google.retry import RetryPolicy
from pipeline.infra.regions_file import load_regions
from pipeline.outputs.report import NO_DATA, cover_chart, trend_charts
from pipeline.sandbox.server import Sandbox

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
    assert pages == 4 and f"({pages} pages)" in result.output  # cover, trends, the rapor, one page of villages
    # The rapor: Juai published 2 of its 4, Batu Mandi 1 of 1; without registration every village is a KIM.
    rapor = html[html.index("Peringkat kecamatan") : html.index("<h2>Per kecamatan</h2>")]
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>.*?</td>", rapor)]
    assert cells[:12] == ["1", "Juai", "2", "4", "50", "1 / 21", "2", "Batu Mandi", "1", "1", "100", "1 / 18"]
    kims = rapor[rapor.index("Peringkat KIM") :]
    assert re.search(r"<td class=\"n\">1</td><td>Juai</td><td>Juai</td><td class=\"n\">2</td>", kims)
    assert re.search(r"<td class=\"n\">2</td><td>Lok Batu</td><td>Batu Mandi</td><td class=\"n\">1</td>", kims)
    assert (tmp_path / "reports" / "monev-2026-11-halaman-1.png").read_bytes().startswith(b"\x89PNG")

    rekap = sheet.spreadsheet.worksheet("Rekap").get_all_values()
    assert rekap[0][:5] == ["Bulan", "Kecamatan", "Desa", "Kiriman", "Terbit"]
    by_place = {(r[1], r[2]): r for r in rekap[1:]}
    assert by_place[("Juai", "")][3:7] == ["4", "2", "1", "0"]
    assert by_place[("Batu Mandi", "Lok Batu")][3:5] == ["1", "1"]


def test_a_malformed_month_is_refused() -> None:
    result = CliRunner().invoke(main, ["report", "--month", "2026-13"])
    assert result.exit_code == 2 and "not a month" in result.output


def test_a_chosen_month_is_the_one_written_to_rekap_and_the_files_even_when_empty(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    world = make_world(
        sandbox.url, tmp_path, [response_row(1), response_row(2, kecamatan="Batu Mandi", desa="Lok Batu")]
    )
    world.config.write_text(
        world.config.read_text(encoding="utf-8") + f"report:\n  directory: {tmp_path / 'reports'}\n", encoding="utf-8"
    )
    runner = CliRunner()
    assert runner.invoke(main, ["--config", str(world.config), "sync"]).exit_code == 0

    result = runner.invoke(main, ["--config", str(world.config), "report", "--month", "2025-01"])
    assert result.exit_code == 0, result.output
    assert "monev 2025-01: 0 submissions, 0 published" in result.output
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == [
        "monev-2025-01-halaman-1.png",
        "monev-2025-01.html",
        "monev-2025-01.pdf",
    ]
    html = (tmp_path / "reports" / "monev-2025-01.html").read_text(encoding="utf-8")
    assert "bulan <strong>2025-01</strong>" in html and "Operator 1" not in html and "Operator 2" not in html

    app = build_app(load_settings(world.config), policy=RetryPolicy(sleep=lambda _: None))
    try:
        rekap = review_sheet(app).spreadsheet.worksheet("Rekap").get_all_values()
    finally:
        app.close()
    months = [row[0] for row in rekap[1:]]
    assert months[0] == "2026-11" and "2025-01" in months  # newest first
    january = [row for row in rekap[1:] if row[0] == "2025-01"]
    # Every kecamatan has its row, with nothing counted: a silent month is a finding of the monev too.
    assert [row[1] for row in january] == sorted(load_regions(None).kecamatan_names)
    assert all(row[2] == "" and row[3:8] == ["0"] * 5 for row in january)
    november = {(row[1], row[2]): row for row in rekap[1:] if row[0] == "2026-11"}
    assert november[("Juai", "")][3] == "1" and november[("Batu Mandi", "Lok Batu")][3] == "1"
    assert november[("Awayan", "")][3] == "0"

    # A later report (the daemon's monthly one, say) keeps the month asked for.
    assert runner.invoke(main, ["--config", str(world.config), "report", "--month", "2026-11"]).exit_code == 0
    app = build_app(load_settings(world.config), policy=RetryPolicy(sleep=lambda _: None))
    try:
        again = review_sheet(app).spreadsheet.worksheet("Rekap").get_all_values()
    finally:
        app.close()
    assert again == rekap


def test_a_month_that_has_not_begun_is_refused(sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(sandbox.url, tmp_path, [])
    result = CliRunner().invoke(main, ["--config", str(world.config), "report", "--month", "2099-01"])
    assert result.exit_code == 2 and "2099-01 has not begun" in result.output


def _count_ticks(axes: Axes, horizontal: bool) -> tuple[tuple[float, float], list[float]]:
    low, high = axes.get_xlim() if horizontal else axes.get_ylim()
    ticks = (axes.xaxis if horizontal else axes.yaxis).get_ticklocs()
    return (low, high), [float(t) for t in ticks if low <= t <= high]


def test_an_empty_months_charts_count_whole_stories_from_zero_and_say_there_is_no_data() -> None:
    empty = month_report("2025-01", [], load_regions(), until=datetime(2025, 2, 1, tzinfo=UTC))
    cover, trends = cover_chart(empty, "Portal Uji"), trend_charts(empty)
    try:
        charts = [(cover.axes[0], True), *((axes, False) for axes in trends.axes)]
        for axes, horizontal in charts:
            (low, high), ticks = _count_ticks(axes, horizontal)
            assert low == 0 and high >= 1, axes.get_title()
            assert ticks == [0.0, 1.0], (axes.get_title(), ticks)
            assert NO_DATA in [text.get_text() for text in axes.texts], axes.get_title()
        kecamatan = [label.get_text() for label in cover.axes[0].get_yticklabels()]
        assert kecamatan == load_regions().kecamatan_names  # each kecamatan named, with nothing counted
    finally:
        plt.close(cover)
        plt.close(trends)


def test_a_busy_months_charts_keep_whole_ticks_and_no_note() -> None:
    items = [
        History(f"MM-{n}", "Juai", "Juai", "op", "op@x", Status.WAITING, datetime(2026, 11, 2 + n, tzinfo=UTC))
        for n in range(7)
    ]
    busy = month_report("2026-11", items, load_regions(), until=datetime(2026, 12, 1, tzinfo=UTC))
    cover = cover_chart(busy, "Portal Uji")
    try:
        (low, high), ticks = _count_ticks(cover.axes[0], True)
        assert low == 0 and high >= 7 and all(t == int(t) for t in ticks)
        assert NO_DATA not in [text.get_text() for text in cover.axes[0].texts]
    finally:
        plt.close(cover)
