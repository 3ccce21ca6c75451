"""The sheet view's own reading of Sheets rules: colours rebuilt from numbers, conditions as Sheets tests them."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.sandbox.sheet_view import condition_holds, hex_colour, parse_columns


def _text(value: str) -> dict[str, Any]:
    return {"s": value}


@pytest.mark.parametrize(
    ("colour", "expected"),
    [
        ({"red": 0.85, "green": 0.94, "blue": 0.82}, "#d9f0d1"),
        ({}, "#000000"),
        ({"red": 2, "green": -1, "blue": 0.5}, "#ff0080"),
        ({"red": "1;background:url(x)"}, None),
        ({"red": True}, None),
        ("#fff", None),
    ],
)
def test_colours_are_numbers_or_nothing(colour: Any, expected: str | None) -> None:
    assert hex_colour(colour) == expected


def _condition(kind: str, *values: str) -> dict[str, Any]:
    return {"type": kind, "values": [{"userEnteredValue": v} for v in values]}


def test_text_conditions_ignore_case_and_blank_cells() -> None:
    assert condition_holds(_condition("TEXT_EQ", "Terbit"), _text("terbit"))
    assert not condition_holds(_condition("TEXT_EQ", "Terbit"), _text("Terbit lagi"))
    assert not condition_holds(_condition("TEXT_EQ", "Terbit"), None)
    assert condition_holds(_condition("TEXT_CONTAINS", "gagal"), _text("Gagal terbit"))
    assert condition_holds(_condition("TEXT_NOT_CONTAINS", "x"), None)
    assert condition_holds(_condition("TEXT_STARTS_WITH", "per"), _text("Perlu perbaikan"))
    assert condition_holds(_condition("TEXT_ENDS_WITH", "AN"), _text("Perlu perbaikan"))
    assert condition_holds(_condition("BLANK"), None) and condition_holds(_condition("NOT_BLANK"), _text("a"))
    assert not condition_holds(_condition("TEXT_EQ", "=A1"), _text("=A1"))  # formulas are not evaluated
    assert not condition_holds(_condition("CUSTOM_FORMULA", "=TRUE"), _text("x"))


def test_number_conditions_need_a_number_and_literal_values() -> None:
    assert condition_holds(_condition("NUMBER_GREATER", "3"), {"n": 4})
    assert not condition_holds(_condition("NUMBER_GREATER", "3"), _text("4"))
    assert condition_holds(_condition("NUMBER_BETWEEN", "1", "5"), {"n": 5})
    assert not condition_holds(_condition("NUMBER_BETWEEN", "1"), {"n": 1})
    assert not condition_holds(_condition("NUMBER_EQ", "=B2"), {"n": 1})


def test_columns_as_a_trainer_writes_them() -> None:
    assert parse_columns("A,g,K-M") == {0, 6, 10, 11, 12}
    assert parse_columns("T:P") == {15, 16, 17, 18, 19}
    assert parse_columns("A,<b>") is None and parse_columns("") is None and parse_columns(None) is None
