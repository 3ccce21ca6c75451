"""Where spreadsheets live in the sandbox state, and how a client's range text finds a sheet and its cells."""

from __future__ import annotations

import secrets
from typing import Any

from ..errors import ApiError, bad_request, not_found
from .a1 import A1Error, Box, parse_range
from .defaults import DEFAULT_COLUMNS, DEFAULT_ROWS
from .grid import Sheet, col_count, row_count

Book = dict[str, Any]


def books(ns: dict[str, Any]) -> dict[str, Book]:
    found: dict[str, Book] = ns.setdefault("spreadsheets", {})
    return found


def get_book(ns: dict[str, Any], spreadsheet_id: str) -> Book:
    book = books(ns).get(spreadsheet_id)
    if book is None:
        raise not_found()
    return book


def sheets_of(book: Book) -> list[Sheet]:
    found: list[Sheet] = book["sheets"]
    return found


def titles(book: Book) -> list[str]:
    return [str(s["properties"]["title"]) for s in sheets_of(book)]


def sheet_by_title(book: Book, title: str) -> Sheet | None:
    for sheet in sheets_of(book):
        if sheet["properties"]["title"] == title:
            return sheet
    folded = title.casefold()
    for sheet in sheets_of(book):
        if str(sheet["properties"]["title"]).casefold() == folded:
            return sheet
    return None


def sheet_by_id(book: Book, sheet_id: Any) -> Sheet | None:
    for sheet in sheets_of(book):
        if sheet["properties"]["sheetId"] == sheet_id:
            return sheet
    return None


def require_sheet_id(book: Book, sheet_id: Any, where: str) -> Sheet:
    sheet = sheet_by_id(book, int(sheet_id or 0))
    if sheet is None:
        raise bad_request(f"Invalid {where}: No grid with id: {sheet_id}")
    return sheet


def new_sheet(properties: dict[str, Any], sheet_id: int, index: int) -> Sheet:
    grid = dict(properties.get("gridProperties") or {})
    grid.setdefault("rowCount", DEFAULT_ROWS)
    grid.setdefault("columnCount", DEFAULT_COLUMNS)
    props: dict[str, Any] = {
        "sheetId": sheet_id,
        "title": properties.get("title") or f"Sheet{index + 1}",
        "index": index,
        "sheetType": properties.get("sheetType", "GRID"),
        "gridProperties": grid,
    }
    for key in ("hidden", "tabColor", "tabColorStyle", "rightToLeft"):
        if key in properties:
            props[key] = properties[key]
    return {"properties": props, "rows": []}


def fresh_sheet_id(book: Book) -> int:
    used = {s["properties"]["sheetId"] for s in sheets_of(book)}
    while True:
        candidate = secrets.randbelow(2**31 - 2) + 1
        if candidate not in used:
            return candidate


def fresh_object_id(book: Book) -> int:
    """Ids for protected ranges and the like: random positive int32, unique in the spreadsheet."""
    used = {p.get("protectedRangeId") for s in sheets_of(book) for p in s.get("protectedRanges", [])}
    while True:
        candidate = secrets.randbelow(2**31 - 2) + 1
        if candidate not in used:
            return candidate


def resolve(book: Book, text: str) -> tuple[Sheet, Box]:
    """A client's A1 range -> (sheet, cells). Open ends run to the edge of the grid."""
    try:
        parsed = parse_range(text, titles(book))
    except A1Error:
        raise bad_request(f"Unable to parse range: {text}") from None
    if parsed.sheet is None:
        sheet = sheets_of(book)[0]
    else:
        found = sheet_by_title(book, parsed.sheet)
        if found is None:
            raise bad_request(f"Unable to parse range: {text}")
        sheet = found
    rows, cols = row_count(sheet), col_count(sheet)
    if parsed.bounds is None:
        return sheet, Box(0, rows, 0, cols)
    return sheet, parsed.bounds.resolve(rows, cols)


def check_in_grid(sheet: Sheet, box: Box) -> None:
    rows, cols = row_count(sheet), col_count(sheet)
    if box.end_row > rows or box.end_col > cols or box.start_row >= rows or box.start_col >= cols:
        title = str(sheet["properties"]["title"]).replace("'", "''")
        raise ApiError(
            400,
            f"Range ('{title}'!{box.a1()}) exceeds grid limits. Max rows: {rows}, max columns: {cols}",
            "INVALID_ARGUMENT",
            reason="badRequest",
        )


def clip(sheet: Sheet, box: Box) -> Box:
    """Reads past the grid are cut to it; a read that starts outside the grid is an error."""
    check_in_grid(sheet, Box(box.start_row, box.start_row + 1, box.start_col, box.start_col + 1))
    return Box(box.start_row, min(box.end_row, row_count(sheet)), box.start_col, min(box.end_col, col_count(sheet)))


def grid_box(sheet: Sheet, grid_range: dict[str, Any]) -> Box:
    """A GridRange (missing indexes = unbounded) -> Box on `sheet`, validated against the grid."""
    box = Box(
        int(grid_range.get("startRowIndex", 0)),
        int(grid_range.get("endRowIndex", row_count(sheet))),
        int(grid_range.get("startColumnIndex", 0)),
        int(grid_range.get("endColumnIndex", col_count(sheet))),
    )
    if box.start_row < 0 or box.start_col < 0 or box.end_row < box.start_row or box.end_col < box.start_col:
        raise bad_request("Invalid range: start index must be less than or equal to end index.")
    if box.height and box.width:
        check_in_grid(sheet, box)
    return box
