"""The pure parts of walking a big review tab: the index's codes, rows kept aside, each code once per cycle."""

from __future__ import annotations

from pipeline.core.review import DEFAULT_HEADERS, ReviewLayout
from pipeline.cycle.windows import EMPTY, Index, Window

HEADER = list(DEFAULT_HEADERS.values())
LAYOUT = ReviewLayout.from_header(HEADER, DEFAULT_HEADERS)


def row(code: str, title: str = "Judul") -> list[str]:
    cells = [""] * len(HEADER)
    cells[LAYOUT.columns["code"]] = code
    cells[LAYOUT.columns["title"]] = title
    return cells


def code(n: int) -> str:
    return f"MM-20261122-{n:04d}"


def index(codes: list[str]) -> Index:
    blank = [""] * (len(codes) + 1)
    return Index(["Kode", *codes], blank, blank, blank, LAYOUT)


def test_the_index_knows_every_code_and_those_on_several_rows() -> None:
    walk = index([code(1), code(2), "", "not a code", code(2), code(3), code(2)]).walk()
    assert walk.on_tab == {code(1), code(2), code(3)}
    assert walk.doubled == {code(2)}


def test_a_code_is_handled_once_and_doubled_codes_wait_for_the_final_step_at_their_places() -> None:
    walk = index([code(1), code(2), code(3), code(2)]).walk()
    first = Window([HEADER, row(code(1)), row(code(2))], 2, final=False)
    taken = walk.take(LAYOUT.parse(first.values, first.first_row), first)
    assert [r.code for r in taken] == [code(1)]
    # An officer inserted a row above: the next window starts with a row already handled.
    second = Window([HEADER, row(code(1)), row(code(3)), row(code(2), "Salinan")], 3, final=False)
    taken = walk.take(LAYOUT.parse(second.values, second.first_row), second)
    assert [(r.code, r.row_number) for r in taken] == [(code(3), 4)]
    last = walk.last(HEADER)
    assert last.final and last.first_row == 3
    rows = LAYOUT.parse(last.values, last.first_row)
    assert [(r.code, r.row_number, r.title) for r in rows] == [(code(2), 3, "Judul"), (code(2), 5, "Salinan")]
    assert last.values[2] is EMPTY  # rows between are not held


def test_without_doubled_codes_the_final_step_holds_only_the_header() -> None:
    walk = index([code(1)]).walk()
    last = walk.last(HEADER)
    assert last.values == [HEADER] and LAYOUT.parse(last.values, last.first_row) == []
