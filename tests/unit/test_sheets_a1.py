"""A1 notation helpers of the Sheets emulator."""

from __future__ import annotations

import pytest

from pipeline.sandbox.sheets.a1 import A1Error, Bounds, Box, column_index, column_letter, parse_range, quote_title


@pytest.mark.parametrize(("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (51, "AZ"), (702, "AAA")])
def test_columns_round_trip(index: int, letters: str) -> None:
    assert column_letter(index) == letters
    assert column_index(letters) == index


@pytest.mark.parametrize(
    ("text", "sheet", "bounds"),
    [
        ("A1", None, Bounds(0, 1, 0, 1)),
        ("D4:A1", None, Bounds(0, 4, 0, 4)),
        ("A1:C", None, Bounds(0, None, 0, 3)),
        ("A:C", None, Bounds(None, None, 0, 3)),
        ("2:5", None, Bounds(1, 5, None, None)),
        ("A1:1", None, Bounds(0, 1, 0, None)),
        ("Sheet1!B2", "Sheet1", Bounds(1, 2, 1, 2)),
        ("'Form Responses 1'!A2:C", "Form Responses 1", Bounds(1, None, 0, 3)),
        ("Form Responses 1!1:1", "Form Responses 1", Bounds(0, 1, None, None)),
        ("'It''s'!A1", "It's", Bounds(0, 1, 0, 1)),
        ("'Sheet1'", "Sheet1", None),
    ],
)
def test_parse_range(text: str, sheet: str | None, bounds: Bounds | None) -> None:
    parsed = parse_range(text, ["Sheet1"])
    assert (parsed.sheet, parsed.bounds) == (sheet, bounds)


def test_bare_sheet_title_wins_over_a1_lookalike() -> None:
    assert parse_range("D3", ["D3"]).sheet == "D3"
    assert parse_range("D3", ["Sheet1"]).bounds == Bounds(2, 3, 3, 4)


@pytest.mark.parametrize("text", ["", "A0", "1A", "A1:B2:C3", "'unterminated", "'x'A1"])
def test_bad_ranges(text: str) -> None:
    with pytest.raises(A1Error):
        parse_range(text, [])


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("Sheet1", "Sheet1"),
        ("Berita", "Berita"),
        ("D3", "'D3'"),
        ("Form Responses 1", "'Form Responses 1'"),
        ("It's", "'It''s'"),
    ],
)
def test_quote_only_when_needed(title: str, shown: str) -> None:
    assert quote_title(title) == shown


def test_box_a1() -> None:
    assert Box(0, 1, 0, 1).a1() == "A1"
    assert Box(0, 1000, 0, 26).a1() == "A1:Z1000"
    assert Bounds(None, None, 1, 2).resolve(10, 5) == Box(0, 10, 1, 2)
