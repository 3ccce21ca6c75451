"""The Operator tab: found by column names, e-mails compared case-insensitively, the village checked."""

from __future__ import annotations

from pipeline.core.registry import OPERATOR_HEADER, Registry

ROWS: list[list[object]] = [
    ["Nama", "Email", "Desa", "Kecamatan", "KIM"],  # reordered by an officer
    ["Siti", " Siti@Example.com ", "Muara Ninian", "Juai", "KIM Ninian Maju"],
    ["Tanpa email", "", "Juai", "Juai", ""],
    ["Budi", "budi@example.com"],  # desa not filled in yet: any village
]


def test_rows_are_read_by_header_name_and_blank_emails_skipped() -> None:
    registry = Registry.from_rows(ROWS)
    assert set(registry.operators) == {"siti@example.com", "budi@example.com"}
    assert registry.operators["siti@example.com"].kim == "KIM Ninian Maju"
    assert Registry.from_rows([]).operators == {} and "Email" in OPERATOR_HEADER


def test_problems_name_the_unregistered_email_and_the_wrong_village() -> None:
    registry = Registry.from_rows(ROWS)
    assert registry.problems("SITI@example.com", "Juai", "muara  ninian") == ()
    assert registry.problems("budi@example.com", "Paringin", "Lok Batu") == ()
    [unknown] = registry.problems("orang@example.com", "Juai", "Juai")
    assert "orang@example.com belum terdaftar" in unknown and "tab Operator" in unknown
    [elsewhere] = registry.problems("siti@example.com", "Juai", "Juai")
    assert "terdaftar untuk Desa Muara Ninian" in elsewhere and "dari Desa Juai" in elsewhere
