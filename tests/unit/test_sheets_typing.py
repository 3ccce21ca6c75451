"""How the Sheets emulator types input and renders values, without a server."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.sandbox.sheets.typing_rules import (
    evaluate_formula,
    format_datetime,
    formatted,
    general_number,
    render,
    set_value,
    typed_from_json,
)


def cell_from(value: Any, user_entered: bool, locale: str = "en_US") -> dict[str, Any]:
    tags, number_format = typed_from_json(value, user_entered, locale)
    cell: dict[str, Any] = {"fmt": {"numberFormat": number_format}} if number_format else {}
    set_value(cell, tags)
    return cell


@pytest.mark.parametrize("text", ["=SUM(1)", "0042", "TRUE", "2020-01-01", '=IMPORTXML("a","b")'])
def test_raw_keeps_text(text: str) -> None:
    assert cell_from(text, user_entered=False) == {"s": text}


@pytest.mark.parametrize(
    ("text", "formula", "unformatted", "shown"),
    [
        ("0042", 42, 42, "42"),
        ("TRUE", True, True, "TRUE"),
        ("false", False, False, "FALSE"),
        ("2020-01-01", 43831, 43831, "2020-01-01"),
        ("1/2/2020", 43832, 43832, "1/2/2020"),
        ("2,000,000.01", 2000000.01, 2000000.01, "2,000,000.01"),
        ("10%", 0.1, 0.1, "10%"),
        ("=3/2", "=3/2", 1.5, "1.5"),
        ("'0042", "0042", "0042", "0042"),
        ("plain text", "plain text", "plain text", "plain text"),
    ],
)
def test_user_entered(text: str, formula: Any, unformatted: Any, shown: str) -> None:
    cell = cell_from(text, user_entered=True)
    assert render(cell, "FORMULA", "SERIAL_NUMBER") == formula
    assert render(cell, "UNFORMATTED_VALUE", "SERIAL_NUMBER") == unformatted
    assert render(cell, "FORMATTED_VALUE", "SERIAL_NUMBER") == shown


def test_slash_dates_follow_the_locale() -> None:
    assert render(cell_from("1/2/2020", True, "id_ID"), "UNFORMATTED_VALUE", "SERIAL_NUMBER") == 43862  # 1 February
    assert formatted(cell_from("1/2/2020", True, "id_ID")) == "1/2/2020"


def test_dates_as_formatted_strings() -> None:
    cell = cell_from("2026-11-22 10:15", True)
    assert render(cell, "UNFORMATTED_VALUE", "FORMATTED_STRING") == "2026-11-22 10:15:00"
    assert isinstance(render(cell, "UNFORMATTED_VALUE", "SERIAL_NUMBER"), float)


def test_json_numbers_and_booleans_are_typed_either_way() -> None:
    assert cell_from(7, False) == {"n": 7}
    assert cell_from(2.0, False) == {"n": 2}
    assert cell_from(True, False) == {"b": True}
    assert cell_from("", True) == {}


def test_unknown_formulas_keep_no_value() -> None:
    cell = cell_from('=IMPORTXML("http://x","//a")', True)
    assert "x" not in cell
    assert render(cell, "FORMATTED_VALUE", "SERIAL_NUMBER") == ""
    assert render(cell, "FORMULA", "SERIAL_NUMBER") == '=IMPORTXML("http://x","//a")'


@pytest.mark.parametrize(
    ("formula", "expected"),
    [("=1+2*3", {"n": 7}), ("=(1+2)*3", {"n": 9}), ("=-2^2", {"n": 4}), ('="a"&"b"', {"s": "ab"}), ("=A1+1", None)],
)
def test_evaluate_formula(formula: str, expected: dict[str, Any] | None) -> None:
    assert evaluate_formula(formula) == expected


def test_division_by_zero_is_an_error_value() -> None:
    cell = cell_from("=1/0", True)
    assert formatted(cell) == "#DIV/0!"


@pytest.mark.parametrize(
    ("value", "text"),
    [(2.0, "2"), (0.0009765625, "0.0009765625"), (1 / 3, "0.3333333333"), (1e20, "1E+20"), (-1.5, "-1.5")],
)
def test_general_number(value: float, text: str) -> None:
    assert general_number(value) == text


def test_format_datetime_patterns() -> None:
    serial = 43831.5  # 2020-01-01 12:00
    assert format_datetime(serial, "M/d/yyyy H:mm:ss") == "1/1/2020 12:00:00"
    assert format_datetime(serial, "dd mmm yyyy h:mm am/pm") == "01 Jan 2020 12:00 PM"
