"""`mymein init` prepares the review spreadsheet once; a second run changes nothing; data rows stay as they are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests
from click.testing import CliRunner

from pipeline.app import build_app
from pipeline.cli import main
from pipeline.config import load_settings
from pipeline.cycle import run_cycle
from pipeline.sandbox.server import Sandbox

from .world import World, make_world, response_row


def _grid(world: World) -> dict[str, Any]:
    answer = requests.get(
        f"{world.endpoint}/v4/spreadsheets/{world.review_id}", params={"includeGridData": "true"}, timeout=10
    )
    answer.raise_for_status()
    grid: dict[str, Any] = answer.json()
    return grid


def _init(world: World) -> str:
    result = CliRunner().invoke(main, ["--config", str(world.config), "init"])
    assert result.exit_code == 0, result.output
    return result.output


def _tab(grid: dict[str, Any], title: str) -> dict[str, Any]:
    return next(s for s in grid["sheets"] if s["properties"]["title"] == title)


def _row(tab: dict[str, Any], index: int) -> list[dict[str, Any]]:
    rows = tab["data"][0].get("rowData", [])
    values: list[dict[str, Any]] = rows[index].get("values", []) if index < len(rows) else []
    return values


def test_init_twice_on_an_empty_spreadsheet_leaves_identical_grid_data(sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(sandbox.url, tmp_path, [])
    first = _init(world)
    assert "created tabs: Rekap, Operator" in first and "wrote the header row of: Berita, Rekap, Operator" in first
    before = _grid(world)
    second = _init(world)
    assert "nothing was missing" in second
    assert _grid(world) == before

    review = _tab(before, "Berita")
    header = [c.get("userEnteredValue", {}).get("stringValue", "") for c in _row(review, 0)]
    assert header[:3] == ["Kode", "Diterima", "Kecamatan"]
    assert review["properties"]["gridProperties"]["frozenRowCount"] == 1
    # The checkbox rule sits on the cells below the header, visible in the grid data.
    approve = header.index("Setujui")
    assert _row(review, 1)[approve]["dataValidation"]["condition"]["type"] == "BOOLEAN"
    assert _row(review, 1)[header.index("Mode")]["dataValidation"]["condition"]["type"] == "ONE_OF_LIST"
    colours = {r["booleanRule"]["condition"]["values"][0]["userEnteredValue"] for r in review["conditionalFormats"]}
    assert {"Terbit", "Ditolak", "Perlu perbaikan", "Gagal"} <= colours and len(review["conditionalFormats"]) == 8
    assert len(review["protectedRanges"]) == 5 and all(p["warningOnly"] for p in review["protectedRanges"])
    operator = [c.get("userEnteredValue", {}).get("stringValue", "") for c in _row(_tab(before, "Operator"), 0)]
    assert operator[:3] == ["Email", "Nama", "KIM"]


def test_init_after_cycles_keeps_every_data_row_and_restores_a_removed_column(sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(sandbox.url, tmp_path, [response_row(n) for n in range(1, 4)])
    app = build_app(load_settings(world.config))
    try:
        run_cycle(app)
    finally:
        app.close()
    values_url = f"{world.endpoint}/v4/spreadsheets/{world.review_id}/values/Berita"
    rows_before = requests.get(values_url, timeout=10).json()["values"]
    # An officer deleted the `Catatan` column's header.
    note = rows_before[0].index("Catatan")
    requests.put(
        f"{world.endpoint}/v4/spreadsheets/{world.review_id}/values/Berita!{chr(65 + note)}1",
        params={"valueInputOption": "RAW"},
        json={"values": [["Keterangan"]]},
        timeout=10,
    ).raise_for_status()
    output = _init(world)
    assert "added missing columns at the end: Catatan" in output
    rows_after = requests.get(values_url, timeout=10).json()["values"]
    assert rows_after[1:] == rows_before[1:]
    assert rows_after[0][-1] == "Catatan" and rows_after[0][note] == "Keterangan"
    protections = _tab(_grid(world), "Berita")["protectedRanges"]
    assert len(protections) == 5  # the first cycle's protections were found, not added again
