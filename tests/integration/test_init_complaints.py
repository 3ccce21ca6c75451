"""`mymein init` with complaints on: the Pengaduan and SKPD tabs made ready once, identical after a second run,
data rows untouched; checked through the sandbox's own grid data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests

from pipeline.core.complaints import DEPARTMENT_HEADER, PIPELINE_ROLES, TAB_HEADERS, ComplaintStatus
from pipeline.sandbox.server import Sandbox

from .conftest import Inbox
from .test_init import _grid, _init, _row, _tab
from .test_notices import _notices_yaml
from .world import World, append_responses, create_spreadsheet, make_world

COMPLAINT_FORM_HEADER = ["Timestamp", "Email Address", "Nama Pelapor", "Kontak", "Desa", "Kecamatan", "Kategori"]
COMPLAINT_FORM_HEADER += ["Isi Pengaduan", "Foto"]


def complaints_world(
    sandbox: Sandbox, folder: Path, port: int, *, form_header: list[str] | None = None, extra: str = ""
) -> World:
    """A world whose config turns complaints on (with notices, which they need) and names a complaint form."""
    form = create_spreadsheet(sandbox.url, "Pengaduan KIM", "Form Responses 1")
    append_responses(sandbox.url, form, [COMPLAINT_FORM_HEADER if form_header is None else form_header])
    world = make_world(sandbox.url, folder, [])
    complaints = f"complaints:\n  enabled: true\n  spreadsheet_id: {form}\n{extra}"
    config = world.config.read_text(encoding="utf-8") + complaints + _notices_yaml(port)
    world.config.write_text(config, encoding="utf-8")
    return world


def _texts(cells: list[dict[str, Any]]) -> list[str]:
    """The header's text; the bold format reaches past the last header cell, so trailing blanks are dropped."""
    texts = [c.get("userEnteredValue", {}).get("stringValue", "") for c in cells]
    while texts and not texts[-1]:
        texts.pop()
    return texts


def _put(world: World, a1: str, rows: list[list[Any]]) -> None:
    requests.put(
        f"{world.endpoint}/v4/spreadsheets/{world.review_id}/values/{a1}",
        params={"valueInputOption": "RAW"},
        json={"values": rows},
        timeout=10,
    ).raise_for_status()


def _values(world: World, tab: str) -> list[list[Any]]:
    answer = requests.get(f"{world.endpoint}/v4/spreadsheets/{world.review_id}/values/'{tab}'", timeout=10)
    answer.raise_for_status()
    rows: list[list[Any]] = answer.json().get("values", [])
    return rows


def test_init_twice_gives_the_complaint_tabs_everything_once(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    _, port = inbox
    world = complaints_world(sandbox, tmp_path, port)
    first = _init(world)
    assert "created tabs: Pengaduan, Rekap, Operator, SKPD" in first, first
    assert "wrote the header row of: Berita, Pengaduan, Rekap, Operator, SKPD" in first
    before = _grid(world)
    second = _init(world)
    assert "nothing was missing" in second
    assert _grid(world) == before

    tab = _tab(before, "Pengaduan")
    header = _texts(_row(tab, 0))
    assert header == list(TAB_HEADERS.values())
    assert tab["properties"]["gridProperties"]["frozenRowCount"] == 1
    assert all(c["userEnteredFormat"]["textFormat"]["bold"] for c in _row(tab, 0))
    below = _row(tab, 1)
    assert below[header.index("SKPD")]["dataValidation"] == {
        "condition": {"type": "ONE_OF_RANGE", "values": [{"userEnteredValue": "='SKPD'!A2:A"}]},
        "showCustomUi": True,
        "strict": False,
    }
    assert below[header.index("Selesai")]["dataValidation"]["condition"]["type"] == "BOOLEAN"
    # Only those two columns carry a rule; the rest of the row is plain.
    ruled = [header[i] for i, cell in enumerate(below) if "dataValidation" in cell]
    assert ruled == ["SKPD", "Selesai"]

    protected = tab["protectedRanges"]
    assert all(p["warningOnly"] for p in protected)
    assert sorted(p["range"]["startColumnIndex"] for p in protected) == sorted(
        header.index(TAB_HEADERS[role]) for role in PIPELINE_ROLES
    )
    assert {p["description"] for p in protected} == {
        "Kolom Status diisi otomatis oleh MyMeIn",
        "Kolom Diteruskan diisi otomatis oleh MyMeIn",
        "Kolom Ditanggapi diisi otomatis oleh MyMeIn",
        "Kolom Pesan diisi otomatis oleh MyMeIn",
    }
    rules = tab["conditionalFormats"]
    assert sorted(r["booleanRule"]["condition"]["values"][0]["userEnteredValue"] for r in rules) == sorted(
        s.value for s in ComplaintStatus
    )
    assert {r["ranges"][0]["startColumnIndex"] for r in rules} == {header.index("Status")}
    widths = [m["pixelSize"] for m in tab["data"][0]["columnMetadata"]]
    assert widths[header.index("Isi Pengaduan")] == 420 and widths[header.index("SKPD")] == 220

    departments = _tab(before, "SKPD")
    assert _texts(_row(departments, 0)) == DEPARTMENT_HEADER
    assert departments["properties"]["gridProperties"]["frozenRowCount"] == 1
    assert all(c["userEnteredFormat"]["textFormat"]["bold"] for c in _row(departments, 0))
    assert "protectedRanges" not in departments and len(_row(departments, 1)) == 0
    # The review tab is prepared as without complaints.
    assert len(_tab(before, "Berita")["protectedRanges"]) == 5


def test_init_restores_missing_complaint_columns_at_the_end_and_keeps_every_row(
    sandbox: Sandbox, tmp_path: Path, inbox: tuple[Inbox, int]
) -> None:
    _, port = inbox
    world = complaints_world(sandbox, tmp_path, port, extra="  departments_tab: Daftar SKPD\n")
    # A Pengaduan tab from before: officers removed `Catatan`, `Pesan` never existed; two complaints on it,
    # and departments already listed.
    requests.post(
        f"{world.endpoint}/v4/spreadsheets/{world.review_id}:batchUpdate",
        json={"requests": [{"addSheet": {"properties": {"title": t}}} for t in ("Pengaduan", "Daftar SKPD")]},
        timeout=10,
    ).raise_for_status()
    kept = [name for name in TAB_HEADERS.values() if name not in ("Catatan", "Pesan")]
    complaints = [
        {"Kode": "PG-20261122-0001", "Nama Pelapor": "Warga 1", "Isi Pengaduan": "Jalan rusak", "SKPD": "Dinas PUPR"}
        | {"Selesai": False, "Status": "Diteruskan", "Diteruskan": "2026-11-22 10:00"},
        {"Kode": "PG-20261122-0002", "Nama Pelapor": "Warga 2", "Isi Pengaduan": "Air keruh", "Selesai": False}
        | {"Status": "Diterima", "Desa": "Juai", "Kecamatan": "Juai"},
    ]
    rows = [[complaint.get(name, "") for name in kept] for complaint in complaints]
    _put(world, "'Pengaduan'!A1", [kept, *rows])
    departments = [DEPARTMENT_HEADER, ["Dinas PUPR", "pupr@balangankab.example", "0526-1"]]
    _put(world, "'Daftar SKPD'!A1", departments)
    before = _values(world, "Pengaduan")

    output = _init(world)
    assert "added missing columns at the end: Catatan (Pengaduan), Pesan (Pengaduan)" in output
    assert "wrote the header row of: Berita, Rekap, Operator\n" in output  # neither complaint tab rewritten
    after = _values(world, "Pengaduan")
    assert after[0] == [*kept, "Catatan", "Pesan"]
    assert after[1:] == before[1:] and len(after) == 3
    assert _values(world, "Daftar SKPD") == departments

    grid = _grid(world)
    tab = _tab(grid, "Pengaduan")
    header = _texts(_row(tab, 0))
    rule = _row(tab, 1)[header.index("SKPD")]["dataValidation"]
    assert rule["condition"]["values"] == [{"userEnteredValue": "='Daftar SKPD'!A2:A"}]
    assert _row(tab, 2)[header.index("Selesai")]["dataValidation"]["condition"]["type"] == "BOOLEAN"
    # The protection of `Pesan` covers the column where it now is, at the end.
    pesan = next(p for p in tab["protectedRanges"] if p["description"].startswith("Kolom Pesan"))
    assert pesan["range"]["startColumnIndex"] == len(header) - 1
    again = _init(world)
    assert "nothing was missing" in again and _grid(world) == grid
