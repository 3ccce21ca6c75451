"""The Spreadsheet resource as spreadsheets.get returns it: properties, sheets, grid data when asked, masks."""

from __future__ import annotations

import copy
from typing import Any

from .a1 import Box
from .defaults import DEFAULT_COLUMN_PIXELS, DEFAULT_ROW_PIXELS
from .fields import Tree, apply_mask, mentions, parse_mask, subtree
from .grid import Sheet, get_cell, rows_of
from .store import Book, clip, resolve, sheets_of
from .typing_rules import Cell, effective, extended_value, formatted, user_entered_value

URL_PREFIX = "https://docs.google.com/spreadsheets/d/"


def sheet_properties(sheet: Sheet) -> dict[str, Any]:
    props: dict[str, Any] = copy.deepcopy(sheet["properties"])
    grid = props.get("gridProperties", {})
    for key in ("frozenRowCount", "frozenColumnCount"):
        if not grid.get(key):
            grid.pop(key, None)
    for key in ("hideGridlines", "rowGroupControlAfter", "columnGroupControlAfter"):
        if grid.get(key) is False:
            grid.pop(key)
    for key in ("hidden", "rightToLeft"):
        if props.get(key) is False:
            props.pop(key)
    return props


def grid_range_out(grid_range: dict[str, Any]) -> dict[str, Any]:
    """GridRange as Google echoes it: sheetId 0 is left out like any proto default."""
    out = dict(grid_range)
    if not out.get("sheetId"):
        out.pop("sheetId", None)
    return out


def protected_range_out(protected: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(protected)
    if "range" in out:
        out["range"] = grid_range_out(out["range"])
    return out


def cell_out(cell: Cell | None, tree: Tree | None) -> dict[str, Any]:
    """CellData for includeGridData; fields Google leaves out when empty are left out."""
    if not cell:
        return {}
    out: dict[str, Any] = {}
    entered = user_entered_value(cell)
    if entered:
        out["userEnteredValue"] = entered
        value = effective(cell)
        if value:
            out["effectiveValue"] = extended_value(value)
        shown = formatted(cell)
        if shown or value:
            out["formattedValue"] = shown
    if cell.get("fmt"):
        out["userEnteredFormat"] = copy.deepcopy(cell["fmt"])
    if cell.get("dv"):
        out["dataValidation"] = copy.deepcopy(cell["dv"])
    if cell.get("note"):
        out["note"] = cell["note"]
    return apply_mask(out, tree) if tree is not None else out


def grid_data(sheet: Sheet, box: Box, tree: Tree | None) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if box.start_row:
        data["startRow"] = box.start_row
    if box.start_col:
        data["startColumn"] = box.start_col
    if mentions(tree, "rowData"):
        cell_tree = subtree(tree, "rowData", "values")
        row_data: list[dict[str, Any]] = []
        for r in range(box.start_row, min(box.end_row, len(rows_of(sheet)))):
            values = [cell_out(get_cell(sheet, r, c), cell_tree) for c in range(box.start_col, box.end_col)]
            while values and not values[-1]:
                values.pop()
            row_data.append({"values": values} if values else {})
        while row_data and not row_data[-1]:
            row_data.pop()
        if row_data:
            data["rowData"] = row_data
    dims = sheet.get("dims", {})
    if mentions(tree, "rowMetadata"):
        data["rowMetadata"] = [
            _dimension_out(dims.get("ROWS", {}).get(str(r)), DEFAULT_ROW_PIXELS)
            for r in range(box.start_row, box.end_row)
        ]
    if mentions(tree, "columnMetadata"):
        data["columnMetadata"] = [
            _dimension_out(dims.get("COLUMNS", {}).get(str(c)), DEFAULT_COLUMN_PIXELS)
            for c in range(box.start_col, box.end_col)
        ]
    return data


def _dimension_out(stored: dict[str, Any] | None, default_pixels: int) -> dict[str, Any]:
    out: dict[str, Any] = {"pixelSize": default_pixels}
    if stored:
        out.update(copy.deepcopy(stored))
    for key in ("hiddenByUser", "hiddenByFilter"):
        if out.get(key) is False:
            out.pop(key)
    return out


def spreadsheet_resource(
    book: Book, *, ranges: list[str], include_grid: bool, fields: str | None, base_url: str = ""
) -> dict[str, Any]:
    tree = parse_mask(fields) if fields else None
    want_grid = include_grid or (tree is not None and ("*" not in tree) and mentions(tree, "sheets", "data"))
    data_tree = subtree(tree, "sheets", "data") if tree is not None else None
    selected: dict[int, list[Box]] = {}
    order: list[int] = []
    for text in ranges:
        sheet, box = resolve(book, text)
        sheet_id = int(sheet["properties"]["sheetId"])
        if sheet_id not in selected:
            selected[sheet_id] = []
            order.append(sheet_id)
        selected[sheet_id].append(clip(sheet, box))
    sheets_out = []
    by_id = {int(s["properties"]["sheetId"]): s for s in sheets_of(book)}
    chosen = [by_id[i] for i in order] if ranges else sorted(sheets_of(book), key=lambda s: s["properties"]["index"])
    for sheet in chosen:
        entry: dict[str, Any] = {"properties": sheet_properties(sheet)}
        if want_grid:
            sheet_id = int(sheet["properties"]["sheetId"])
            boxes = selected.get(sheet_id) or [Box(0, _rows(sheet), 0, _cols(sheet))]
            entry["data"] = [grid_data(sheet, box, data_tree) for box in boxes]
        for key in ("protectedRanges",):
            if sheet.get(key):
                entry[key] = [protected_range_out(p) for p in sheet[key]]
        if sheet.get("conditionalFormats"):
            entry["conditionalFormats"] = copy.deepcopy(sheet["conditionalFormats"])
        if sheet.get("basicFilter"):
            entry["basicFilter"] = copy.deepcopy(sheet["basicFilter"])
        sheets_out.append(entry)
    resource: dict[str, Any] = {
        "spreadsheetId": book["spreadsheetId"],
        "properties": copy.deepcopy(book["properties"]),
        "sheets": sheets_out,
        "spreadsheetUrl": f"{URL_PREFIX}{book['spreadsheetId']}/edit",
    }
    if book.get("namedRanges"):
        resource["namedRanges"] = copy.deepcopy(book["namedRanges"])
    if tree is not None:
        resource = apply_mask(resource, tree)
    return resource


def _rows(sheet: Sheet) -> int:
    return int(sheet["properties"]["gridProperties"]["rowCount"])


def _cols(sheet: Sheet) -> int:
    return int(sheet["properties"]["gridProperties"]["columnCount"])
