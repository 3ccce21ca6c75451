"""spreadsheets.batchUpdate: the structural and formatting requests, applied in order, all or nothing.

Here the sheets' and the cells' requests; rows and columns in `dimensions.py`, protections, conditional formats and
filters in `protection.py`; what every handler shares in `handler.py`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from ..errors import ApiError, bad_request
from .a1 import Box
from .dimensions import (
    append_dimension,
    auto_resize_dimensions,
    delete_dimension,
    insert_dimension,
    move_dimension,
    update_dimension_properties,
)
from .fields import Tree, merge_masked, require_fields
from .grid import (
    Sheet,
    cell_for_write,
    col_count,
    compact,
    get_cell,
    row_count,
    row_has_value,
    rows_of,
    set_size,
)
from .handler import Handler, Invalid, box_in
from .protection import (
    add_conditional_format_rule,
    add_protected_range,
    clear_basic_filter,
    delete_conditional_format_rule,
    delete_protected_range,
    set_basic_filter,
    update_protected_range,
)
from .resource import sheet_properties
from .store import (
    Book,
    fresh_sheet_id,
    new_sheet,
    require_sheet_id,
    sheet_by_id,
    sheet_by_title,
    sheets_of,
)
from .typing_rules import effective, from_extended_value, set_value

ROLLBACK_LIMIT = 20_000  # rows; bigger books are not snapshotted (a failing request may leave earlier ones applied)


def apply_requests(
    book: Book, requests: list[Any], check: Callable[[Book], None] | None = None
) -> list[dict[str, Any]]:
    """Apply every request or none; `check` looks at the result and may refuse it (Google's size limits)."""
    if not isinstance(requests, list) or not requests:
        raise bad_request("Must specify at least one request.")
    size = sum(len(rows_of(s)) for s in sheets_of(book))
    snapshot = copy.deepcopy(book) if size <= ROLLBACK_LIMIT else None
    replies: list[dict[str, Any]] = []
    try:
        for i, request in enumerate(requests):
            if not isinstance(request, dict) or len(request) != 1:
                raise bad_request(f"Invalid requests[{i}]: exactly one kind of request must be set.")
            kind, body = next(iter(request.items()))
            handler = HANDLERS.get(kind)
            if handler is None:
                raise bad_request(
                    f"Invalid JSON payload received. Unknown name \"{kind}\" at 'requests[{i}]': Cannot find field."
                )
            where = f"requests[{i}].{kind}"
            try:
                replies.append(handler(book, body or {}, where))
            except Invalid as exc:
                raise bad_request(f"Invalid {where}: {exc}") from None
        if check is not None:
            check(book)
    except ApiError:
        if snapshot is not None:
            book.clear()
            book.update(snapshot)
        raise
    return replies


# ---- sheets ------------------------------------------------------------------------------------------


def _reindex(book: Book) -> None:
    for i, sheet in enumerate(sorted(sheets_of(book), key=lambda s: s["properties"]["index"])):
        sheet["properties"]["index"] = i
    book["sheets"] = sorted(sheets_of(book), key=lambda s: s["properties"]["index"])


def _check_title(book: Book, title: str, sheet: Sheet | None = None) -> None:
    if not title.strip():
        raise Invalid("Sheet names must be non-empty.")
    other = sheet_by_title(book, title)
    if other is not None and other is not sheet:
        raise Invalid(f'A sheet with the name "{title}" already exists. Please enter another name.')


def add_sheet(book: Book, body: dict[str, Any], where: str) -> dict[str, Any]:
    props = dict(body.get("properties") or {})
    sheet_id = props.get("sheetId")
    if sheet_id is None:
        sheet_id = fresh_sheet_id(book)
    elif sheet_by_id(book, sheet_id) is not None:
        raise Invalid(f"Sheet with id {sheet_id} already exists.")
    if not props.get("title"):
        n = len(sheets_of(book)) + 1
        while sheet_by_title(book, f"Sheet{n}") is not None:
            n += 1
        props["title"] = f"Sheet{n}"
    _check_title(book, str(props["title"]))
    count = len(sheets_of(book))
    index = min(int(props.get("index", count)), count)
    for other in sheets_of(book):
        if other["properties"]["index"] >= index:
            other["properties"]["index"] += 1
    sheet = new_sheet(props, int(sheet_id), index)
    sheets_of(book).append(sheet)
    _reindex(book)
    return {"addSheet": {"properties": sheet_properties(sheet)}}


def delete_sheet(book: Book, body: dict[str, Any], where: str) -> dict[str, Any]:
    sheet = require_sheet_id(book, body.get("sheetId"), where)
    if len(sheets_of(book)) == 1:
        raise Invalid("You can't remove all the sheets in a document.")
    if not any(not s["properties"].get("hidden") for s in sheets_of(book) if s is not sheet):
        raise Invalid("You can't remove all the visible sheets in a document.")
    sheets_of(book).remove(sheet)
    _reindex(book)
    return {}


def update_sheet_properties(book: Book, body: dict[str, Any], where: str) -> dict[str, Any]:
    props = body.get("properties") or {}
    sheet = require_sheet_id(book, props.get("sheetId"), where)
    mask = require_fields(body, where)
    mask.pop("sheetId", None)
    current = sheet["properties"]
    new = copy.deepcopy(current)
    merge_masked(new, props, mask)
    grid = new.setdefault("gridProperties", {})
    if new.get("title") != current["title"]:
        _check_title(book, str(new.get("title") or ""), sheet)
    hiding = new.get("hidden") and not current.get("hidden")
    if hiding and all(s is sheet or s["properties"].get("hidden") for s in sheets_of(book)):
        raise Invalid("You can't hide all the sheets in a document.")
    rows = int(grid.get("rowCount", current["gridProperties"]["rowCount"]))
    cols = int(grid.get("columnCount", current["gridProperties"]["columnCount"]))
    if rows < 1 or cols < 1:
        raise Invalid("A sheet must have at least one row and one column.")
    if int(grid.get("frozenRowCount", 0)) >= rows and grid.get("frozenRowCount"):
        raise Invalid("You can't freeze all visible rows on the sheet.")
    new["sheetId"] = current["sheetId"]
    new["sheetType"] = current.get("sheetType", "GRID")
    index = new.get("index", current["index"])
    new["index"] = current["index"]
    sheet["properties"] = new
    grid["rowCount"], grid["columnCount"] = (
        current["gridProperties"]["rowCount"],
        current["gridProperties"]["columnCount"],
    )
    set_size(sheet, rows, cols)
    if index != current["index"]:
        _move_sheet(book, sheet, int(index))
    return {}


def _move_sheet(book: Book, sheet: Sheet, index: int) -> None:
    ordered = sorted(sheets_of(book), key=lambda s: s["properties"]["index"])
    ordered.remove(sheet)
    # Google reads the index as a position in the list before the move.
    at = index if index <= sheet["properties"]["index"] else index - 1
    ordered.insert(max(0, min(at, len(ordered))), sheet)
    for i, item in enumerate(ordered):
        item["properties"]["index"] = i
    book["sheets"] = ordered


def update_spreadsheet_properties(book: Book, body: dict[str, Any], where: str) -> dict[str, Any]:
    mask = require_fields(body, where)
    merge_masked(book["properties"], body.get("properties") or {}, mask)
    if not book["properties"].get("title"):
        book["properties"]["title"] = "Untitled spreadsheet"
    return {}


# ---- cells -------------------------------------------------------------------------------------------


def _mirror_styles(fmt: dict[str, Any]) -> None:
    """Google answers every colour also as a `...Style`; keep both in step."""
    if "backgroundColor" in fmt:
        fmt["backgroundColorStyle"] = {"rgbColor": copy.deepcopy(fmt["backgroundColor"])}
    text = fmt.get("textFormat")
    if isinstance(text, dict) and "foregroundColor" in text:
        text["foregroundColorStyle"] = {"rgbColor": copy.deepcopy(text["foregroundColor"])}


CELL_FIELDS = ("userEnteredValue", "userEnteredFormat", "dataValidation", "note", "textFormatRuns", "hyperlink")


def apply_cell_data(cell: dict[str, Any], data: dict[str, Any], mask: Tree) -> None:
    whole = "*" in mask
    for name in CELL_FIELDS:
        if not whole and name not in mask:
            continue
        sub = {"*": {}} if whole else mask[name]
        if name == "userEnteredValue":
            set_value(cell, from_extended_value(data.get(name) or {}))
        elif name == "userEnteredFormat":
            fmt = cell.get("fmt") or {}
            merge_masked(fmt, data.get(name) or {}, sub)
            _mirror_styles(fmt)
            if fmt:
                cell["fmt"] = fmt
            else:
                cell.pop("fmt", None)
        elif name == "dataValidation":
            _store(cell, "dv", data.get(name))
        elif name == "note":
            _store(cell, "note", data.get(name))
        else:
            _store(cell, name, data.get(name))


def _store(cell: dict[str, Any], key: str, value: Any) -> None:
    if value:
        cell[key] = _json_copy(value)
    else:
        cell.pop(key, None)


def _json_copy(value: Any) -> Any:
    """A deep copy of parsed JSON; copy.deepcopy's memo bookkeeping made appending 100,000 rows take seconds."""
    if isinstance(value, dict):
        return {k: _json_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_copy(v) for v in value]
    if value is None or isinstance(value, str | int | float):
        return value
    return copy.deepcopy(value)


def repeat_cell(book: Book, body: dict[str, Any], where: str) -> dict[str, Any]:
    sheet, box = box_in(book, body.get("range"), where)
    mask = require_fields(body, where)
    data = body.get("cell") or {}
    for r in range(box.start_row, box.end_row):
        for c in range(box.start_col, box.end_col):
            apply_cell_data(cell_for_write(sheet, r, c), data, mask)
    compact(sheet, box.start_row, box.end_row)
    return {}


def update_cells(book: Book, body: dict[str, Any], where: str) -> dict[str, Any]:
    mask = require_fields(body, where)
    rows = body.get("rows") or []
    if "start" in body:
        start = body["start"] or {}
        sheet = require_sheet_id(book, start.get("sheetId", 0), where)
        r0, c0 = int(start.get("rowIndex", 0)), int(start.get("columnIndex", 0))
        height = len(rows)
        width = max((len(row.get("values") or []) for row in rows), default=0)
        box = Box(r0, r0 + height, c0, c0 + width)
        if height and width and (box.end_row > row_count(sheet) or box.end_col > col_count(sheet)):
            raise Invalid(
                f"Attempting to write row: {box.end_row - 1}, beyond the last requested row of: {row_count(sheet) - 1}"
            )
        clear_rest = False
    else:
        sheet, box = box_in(book, body.get("range"), where)
        clear_rest = True
    for i in range(box.height):
        values = (rows[i].get("values") or []) if i < len(rows) else []
        if i >= len(rows) and not clear_rest:
            break
        for j in range(box.width):
            if j < len(values):
                apply_cell_data(cell_for_write(sheet, box.start_row + i, box.start_col + j), values[j] or {}, mask)
            elif clear_rest and get_cell(sheet, box.start_row + i, box.start_col + j):
                apply_cell_data(cell_for_write(sheet, box.start_row + i, box.start_col + j), {}, mask)
    compact(sheet, box.start_row, box.end_row)
    return {}


def set_data_validation(book: Book, body: dict[str, Any], where: str) -> dict[str, Any]:
    sheet, box = box_in(book, body.get("range"), where)
    rule = body.get("rule")
    if rule:
        condition = rule.get("condition") or {}
        if not condition.get("type"):
            raise Invalid("Data validation rule must have a condition type.")
        if condition["type"] in ("ONE_OF_LIST",) and not condition.get("values"):
            raise Invalid("One of list condition must have at least one value.")
    for r in range(box.start_row, box.end_row):
        for c in range(box.start_col, box.end_col):
            if rule:
                cell_for_write(sheet, r, c)["dv"] = copy.deepcopy(rule)
            else:
                cell = get_cell(sheet, r, c)
                if cell:
                    cell.pop("dv", None)
    compact(sheet, box.start_row, box.end_row)
    return {}


def _typed_key(cell: dict[str, Any] | None) -> tuple[int, Any] | None:
    """Numbers before text before booleans, as Sheets orders them; None for a blank."""
    value = effective(cell)
    if "n" in value:
        return (0, float(value["n"]))
    if "s" in value:
        return (1, str(value["s"]).casefold())
    if "b" in value:
        return (2, bool(value["b"]))
    return None


def sort_range(book: Book, body: dict[str, Any], where: str) -> dict[str, Any]:
    sheet, box = box_in(book, body.get("range"), where)
    specs = body.get("sortSpecs") or [{"dimensionIndex": box.start_col, "sortOrder": "ASCENDING"}]
    for spec in specs:
        index = int(spec.get("dimensionIndex", 0))
        if not box.start_col <= index < box.end_col:
            raise Invalid(f"Sort column {index} is outside the range being sorted.")
    rows = rows_of(sheet)
    block = []
    for r in range(box.start_row, min(box.end_row, len(rows))):
        cells = rows[r]
        block.append([cells[c] if c < len(cells) else None for c in range(box.start_col, box.end_col)])
    # Stable sorts from the least significant key up; blanks go last whatever the order.
    for spec in reversed(specs):
        col = int(spec.get("dimensionIndex", 0)) - box.start_col
        keyed = [(_typed_key(line[col]), line) for line in block]
        filled = [(key, line) for key, line in keyed if key is not None]
        blank = [line for key, line in keyed if key is None]
        filled.sort(key=lambda item: item[0], reverse=spec.get("sortOrder") == "DESCENDING")
        block = [line for _key, line in filled] + blank
    for i, line in enumerate(block):
        for j, cell in enumerate(line):
            r, c = box.start_row + i, box.start_col + j
            if cell is None:
                if get_cell(sheet, r, c) is not None:
                    rows[r][c] = None
            else:
                cell_for_write(sheet, r, c)
                rows[r][c] = cell
    compact(sheet, box.start_row, box.end_row)
    return {}


def append_cells(book: Book, body: dict[str, Any], where: str) -> dict[str, Any]:
    """Rows after the last row holding a value anywhere in the sheet; the grid grows to fit them."""
    mask = require_fields(body, where)
    sheet = require_sheet_id(book, body.get("sheetId"), where)
    rows = body.get("rows") or []
    stored = rows_of(sheet)
    # From the bottom: the last row with a value is usually the last stored one.
    last = next((r for r in range(len(stored) - 1, -1, -1) if row_has_value(sheet, r, 0, col_count(sheet))), -1)
    start = last + 1
    width = max((len(row.get("values") or []) for row in rows), default=0)
    if start + len(rows) > row_count(sheet):
        sheet["properties"]["gridProperties"]["rowCount"] = start + len(rows)
    if width > col_count(sheet):
        set_size(sheet, cols=width)
    for i, row in enumerate(rows):
        for j, value in enumerate(row.get("values") or []):
            apply_cell_data(cell_for_write(sheet, start + i, j), value or {}, mask)
    compact(sheet, start, start + len(rows))
    return {}


def _accepted(book: Book, body: dict[str, Any], where: str) -> dict[str, Any]:
    """Requests that only change how cells look (borders, merges): accepted, not modelled."""
    return {}


HANDLERS: dict[str, Handler] = {
    "addSheet": add_sheet,
    "deleteSheet": delete_sheet,
    "updateSheetProperties": update_sheet_properties,
    "updateSpreadsheetProperties": update_spreadsheet_properties,
    "repeatCell": repeat_cell,
    "updateCells": update_cells,
    "setDataValidation": set_data_validation,
    "sortRange": sort_range,
    "insertDimension": insert_dimension,
    "deleteDimension": delete_dimension,
    "moveDimension": move_dimension,
    "appendCells": append_cells,
    "appendDimension": append_dimension,
    "updateDimensionProperties": update_dimension_properties,
    "autoResizeDimensions": auto_resize_dimensions,
    "addProtectedRange": add_protected_range,
    "deleteProtectedRange": delete_protected_range,
    "updateProtectedRange": update_protected_range,
    "addConditionalFormatRule": add_conditional_format_rule,
    "deleteConditionalFormatRule": delete_conditional_format_rule,
    "setBasicFilter": set_basic_filter,
    "clearBasicFilter": clear_basic_filter,
    "updateBorders": _accepted,
    "mergeCells": _accepted,
    "unmergeCells": _accepted,
}
