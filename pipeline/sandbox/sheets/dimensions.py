"""spreadsheets.batchUpdate requests on rows and columns: insert, delete, move, append, size and hide them."""

from __future__ import annotations

from typing import Any

from .a1 import Box
from .fields import merge_masked, require_fields
from .grid import (
    Sheet,
    col_count,
    delete_cols,
    delete_rows,
    insert_cols,
    insert_rows,
    iter_cells,
    move_cols,
    move_rows,
    row_count,
    set_size,
)
from .handler import Invalid
from .store import (
    Book,
    require_sheet_id,
)
from .typing_rules import formatted


def _dimension_range(book: Book, body: dict[str, Any] | None, where: str) -> tuple[Sheet, str, int, int]:
    body = body or {}
    sheet = require_sheet_id(book, body.get("sheetId", 0), where)
    dimension = body.get("dimension")
    if dimension not in ("ROWS", "COLUMNS"):
        raise Invalid("dimension must be ROWS or COLUMNS.")
    limit = row_count(sheet) if dimension == "ROWS" else col_count(sheet)
    start = int(body.get("startIndex", 0))
    end = int(body.get("endIndex", limit))
    if start < 0 or end <= start:
        raise Invalid("The start index must be less than the end index.")
    return sheet, dimension, start, end


def insert_dimension(book: Book, body: dict[str, Any], where: str) -> dict[str, Any]:
    sheet, dimension, start, end = _dimension_range(book, body.get("range"), where)
    limit = row_count(sheet) if dimension == "ROWS" else col_count(sheet)
    if start > limit:
        raise Invalid(f"Cannot insert {dimension.lower()} at index {start}; the sheet has only {limit}.")
    if body.get("inheritFromBefore") and start == 0:
        raise Invalid("Cannot inherit from before when inserting at the start.")
    if dimension == "ROWS":
        inherit = start - 1 if body.get("inheritFromBefore") else start
        insert_rows(
            sheet, start, end - start, inherit_from=inherit if start < row_count(sheet) or inherit < start else None
        )
    else:
        insert_cols(sheet, start, end - start)
    return {}


def delete_dimension(book: Book, body: dict[str, Any], where: str) -> dict[str, Any]:
    sheet, dimension, start, end = _dimension_range(book, body.get("range"), where)
    limit = row_count(sheet) if dimension == "ROWS" else col_count(sheet)
    end = min(end, limit)
    if end - start >= limit:
        raise Invalid(f"You can't delete all the {dimension.lower()} on the sheet.")
    if dimension == "ROWS":
        delete_rows(sheet, start, end)
    else:
        delete_cols(sheet, start, end)
    return {}


def move_dimension(book: Book, body: dict[str, Any], where: str) -> dict[str, Any]:
    sheet, dimension, start, end = _dimension_range(book, body.get("source"), where)
    destination = int(body.get("destinationIndex", 0))
    limit = row_count(sheet) if dimension == "ROWS" else col_count(sheet)
    if destination < 0 or destination > limit or end > limit:
        raise Invalid("destinationIndex is outside the sheet.")
    if start <= destination <= end:
        return {}
    if dimension == "ROWS":
        move_rows(sheet, start, end, destination)
    else:
        move_cols(sheet, start, end, destination)
    return {}


def append_dimension(book: Book, body: dict[str, Any], where: str) -> dict[str, Any]:
    sheet = require_sheet_id(book, body.get("sheetId", 0), where)
    length = int(body.get("length", 0))
    if length < 1:
        raise Invalid("length must be positive.")
    if body.get("dimension") == "COLUMNS":
        set_size(sheet, cols=col_count(sheet) + length)
    elif body.get("dimension") == "ROWS":
        sheet["properties"]["gridProperties"]["rowCount"] = row_count(sheet) + length
    else:
        raise Invalid("dimension must be ROWS or COLUMNS.")
    return {}


def update_dimension_properties(book: Book, body: dict[str, Any], where: str) -> dict[str, Any]:
    sheet, dimension, start, end = _dimension_range(book, body.get("range"), where)
    mask = require_fields(body, where)
    dims = sheet.setdefault("dims", {}).setdefault(dimension, {})
    props = body.get("properties") or {}
    for i in range(start, end):
        current = dims.get(str(i), {})
        merge_masked(current, props, mask)
        if current:
            dims[str(i)] = current
        else:
            dims.pop(str(i), None)
    return {}


def auto_resize_dimensions(book: Book, body: dict[str, Any], where: str) -> dict[str, Any]:
    sheet, dimension, start, end = _dimension_range(book, body.get("dimensions"), where)
    if dimension != "COLUMNS":
        return {}
    dims = sheet.setdefault("dims", {}).setdefault("COLUMNS", {})
    widths: dict[int, int] = {}
    for _r, c, cell in iter_cells(sheet, Box(0, row_count(sheet), start, end)):
        widths[c] = max(widths.get(c, 0), _text_pixels(formatted(cell)))
    for c in range(start, end):
        pixels = max(widths[c], 21) if c in widths else 100
        dims.setdefault(str(c), {})["pixelSize"] = pixels
    return {}


def _text_pixels(text: str) -> int:
    """Roughly the column width Google picks for Arial 10 (8.48 px for a capital, measured on a recording)."""
    width = sum(8.478 if ch.isupper() else 7.0 if ch.isdigit() else 6.2 for ch in text)
    return int(width + 10)
