"""spreadsheets.values.*: get, batchGet, update, batchUpdate, append, clear, batchClear."""

from __future__ import annotations

from typing import Any

from ..errors import ApiError, bad_request
from .a1 import Box, column_letter, format_range
from .grid import Sheet, cell_for_write, compact, find_table, get_cell, insert_rows, iter_cells, rows_of, set_size
from .store import Book, check_in_grid, clip, resolve
from .typing_rules import VALUE_KEYS, is_rendered_empty, render, set_value, typed_from_json

VALUE_RENDER = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
DATETIME_RENDER = ("SERIAL_NUMBER", "FORMATTED_STRING")
INPUT_OPTIONS = ("RAW", "USER_ENTERED")


def _enum(value: str | None, allowed: tuple[str, ...], default: str, name: str) -> str:
    if value is None or value == "":
        return default
    if value not in allowed:
        raise bad_request(f"Invalid value at '{name}' (type.googleapis.com/google.apps.sheets.v4.{name}), \"{value}\"")
    return value


class ReadOptions:
    """How values are rendered on the way out."""

    def __init__(self, major: str | None, value_render: str | None, datetime_render: str | None) -> None:
        self.major = _enum(major, ("ROWS", "COLUMNS"), "ROWS", "major_dimension")
        self.value_render = _enum(value_render, VALUE_RENDER, "FORMATTED_VALUE", "value_render_option")
        self.datetime_render = _enum(datetime_render, DATETIME_RENDER, "SERIAL_NUMBER", "date_time_render_option")


def title_of(sheet: Sheet) -> str:
    return str(sheet["properties"]["title"])


def read_matrix(sheet: Sheet, box: Box, options: ReadOptions) -> list[list[Any]]:
    """Values in `box`, trailing empty cells and rows trimmed, empty rows in the middle kept as []."""
    rows = rows_of(sheet)
    stored_end = min(box.end_row, len(rows))
    if options.major == "ROWS":
        out: list[list[Any]] = []
        for r in range(box.start_row, stored_end):
            cells = rows[r]
            line = [
                render(cells[c] if c < len(cells) else None, options.value_render, options.datetime_render)
                for c in range(box.start_col, min(box.end_col, len(cells)))
            ]
            out.append(_trim(line))
        while out and not out[-1]:
            out.pop()
        return out
    columns: list[list[tuple[int, Any]]] = [[] for _ in range(box.width)]
    for r in range(box.start_row, stored_end):
        cells = rows[r]
        for c in range(box.start_col, min(box.end_col, len(cells))):
            columns[c - box.start_col].append((r, cells[c]))
    out = []
    for entries in columns:
        column: list[Any] = [""] * (stored_end - box.start_row) if entries else []
        for r, cell in entries:
            column[r - box.start_row] = render(cell, options.value_render, options.datetime_render)
        out.append(_trim(column))
    while out and not out[-1]:
        out.pop()
    return out


def _trim(line: list[Any]) -> list[Any]:
    end = len(line)
    while end and is_rendered_empty(line[end - 1]):
        end -= 1
    return line[:end]


def value_range(sheet: Sheet, box: Box, options: ReadOptions) -> dict[str, Any]:
    result: dict[str, Any] = {"range": format_range(title_of(sheet), box), "majorDimension": options.major}
    values = read_matrix(sheet, box, options)
    if values:
        result["values"] = values
    return result


def get(book: Book, range_text: str, options: ReadOptions) -> dict[str, Any]:
    sheet, box = resolve(book, range_text)
    return value_range(sheet, clip(sheet, box), options)


def batch_get(book: Book, ranges: list[str], options: ReadOptions) -> dict[str, Any]:
    result: dict[str, Any] = {"spreadsheetId": book["spreadsheetId"]}
    if ranges:
        result["valueRanges"] = [get(book, text, options) for text in ranges]
    return result


# ---- writing -----------------------------------------------------------------------------------------


class WriteOptions:
    def __init__(
        self,
        input_option: str | None,
        include_values: bool = False,
        value_render: str | None = None,
        datetime_render: str | None = None,
    ) -> None:
        if not input_option:
            raise bad_request("'valueInputOption' is required but not specified")
        self.user_entered = _enum(input_option, INPUT_OPTIONS, "RAW", "value_input_option") == "USER_ENTERED"
        self.include_values = include_values
        self.response = ReadOptions("ROWS", value_render, datetime_render)


def _values_of(body: Any, field: str = "data.values") -> list[list[Any]]:
    values = body.get("values") if isinstance(body, dict) else None
    if values is None:
        return []
    if not isinstance(values, list) or not all(isinstance(row, list) for row in values):
        shown = values if isinstance(values, str) else str(values)
        message = f"Invalid value at '{field}' (type.googleapis.com/google.protobuf.ListValue), \"{shown}\""
        raise ApiError(
            400,
            message,
            "INVALID_ARGUMENT",
            details=[
                {
                    "@type": "type.googleapis.com/google.rpc.BadRequest",
                    "fieldViolations": [{"field": field, "description": message}],
                }
            ],
        )
    return values


def _row_major(values: list[list[Any]], major: str | None) -> list[list[Any]]:
    if major != "COLUMNS":
        return values
    height = max((len(col) for col in values), default=0)
    return [[col[r] if r < len(col) else None for col in values] for r in range(height)]


def write_block(
    book: Book, sheet: Sheet, start_row: int, start_col: int, rows: list[list[Any]], options: WriteOptions
) -> dict[str, Any]:
    """Write a row-major block at a corner (grid already big enough); returns an UpdateValuesResponse."""
    locale = str(book["properties"].get("locale", "en_US"))
    height = len(rows)
    width = max((len(r) for r in rows), default=0)
    touched_rows: set[int] = set()
    touched_cols: set[int] = set()
    count = 0
    for i, line in enumerate(rows):
        for j, value in enumerate(line):
            if value is None:
                continue  # null means "leave this cell alone"
            tags, number_format = typed_from_json(value, options.user_entered, locale)
            row, col = start_row + i, start_col + j
            if tags or get_cell(sheet, row, col):
                cell = cell_for_write(sheet, row, col)
                set_value(cell, tags)
                if number_format is not None:
                    cell.setdefault("fmt", {})["numberFormat"] = number_format
            touched_rows.add(i)
            touched_cols.add(j)
            count += 1
    compact(sheet, start_row, start_row + height)
    box = Box(start_row, start_row + max(height, 1), start_col, start_col + max(width, 1))
    result: dict[str, Any] = {
        "spreadsheetId": book["spreadsheetId"],
        "updatedRange": format_range(title_of(sheet), box),
    }
    if count:
        result.update(updatedRows=len(touched_rows), updatedColumns=len(touched_cols), updatedCells=count)
    if options.include_values:
        data: dict[str, Any] = {"range": result["updatedRange"], "majorDimension": "ROWS"}
        values = read_matrix(sheet, box, options.response)
        if values:
            data["values"] = values
        result["updatedData"] = data
    return result


def update(book: Book, range_text: str, body: Any, options: WriteOptions, field: str = "data.values") -> dict[str, Any]:
    if isinstance(body, dict) and body.get("range") and field == "data.values":
        _same_range(book, range_text, str(body["range"]))
    sheet, box = resolve(book, range_text)
    rows = _row_major(_values_of(body, field), body.get("majorDimension") if isinstance(body, dict) else None)
    height = len(rows)
    width = max((len(r) for r in rows), default=0)
    if box.height == 1 and box.width == 1:
        box = Box(box.start_row, box.start_row + max(height, 1), box.start_col, box.start_col + max(width, 1))
    if height > box.height:
        raise bad_request(
            f"Requested writing within range [{format_range(title_of(sheet), box)}], "
            f"but tried writing to row [{box.start_row + height}]"
        )
    if width > box.width:
        raise bad_request(
            f"Requested writing within range [{format_range(title_of(sheet), box)}], "
            f"but tried writing to column [{column_letter(box.start_col + width - 1)}]"
        )
    check_in_grid(
        sheet, Box(box.start_row, box.start_row + max(height, 1), box.start_col, box.start_col + max(width, 1))
    )
    return write_block(book, sheet, box.start_row, box.start_col, rows, options)


def _same_range(book: Book, url_range: str, body_range: str) -> None:
    if resolve(book, url_range) != resolve(book, body_range):
        raise bad_request(
            f"Requested range [{body_range}] must match the range in the URL [{url_range}], "
            "or the body range must be empty."
        )


def batch_update(book: Book, body: dict[str, Any]) -> dict[str, Any]:
    options = WriteOptions(
        body.get("valueInputOption"),
        bool(body.get("includeValuesInResponse", False)),
        body.get("responseValueRenderOption"),
        body.get("responseDateTimeRenderOption"),
    )
    data = body.get("data") or []
    responses = []
    rows: set[tuple[int, int]] = set()
    cols: set[tuple[int, int]] = set()
    sheets: set[int] = set()
    cells = 0
    for i, item in enumerate(data):
        if not item.get("range"):
            raise bad_request(f"Invalid data[{i}]: range is required")
        response = update(book, str(item["range"]), item, options, field=f"data[{i}].values")
        responses.append(response)
        sheet, box = resolve(book, str(item["range"]))
        sheet_id = int(sheet["properties"]["sheetId"])
        matrix = _row_major(_values_of(item, f"data[{i}].values"), item.get("majorDimension"))
        for r, line in enumerate(matrix):
            for c, value in enumerate(line):
                if value is not None:
                    rows.add((sheet_id, box.start_row + r))
                    cols.add((sheet_id, box.start_col + c))
                    sheets.add(sheet_id)
                    cells += 1
    result: dict[str, Any] = {"spreadsheetId": book["spreadsheetId"]}
    if cells:
        result.update(
            totalUpdatedRows=len(rows),
            totalUpdatedColumns=len(cols),
            totalUpdatedCells=cells,
            totalUpdatedSheets=len(sheets),
        )
    if responses:
        result["responses"] = responses
    return result


def append(book: Book, range_text: str, body: Any, options: WriteOptions, insert_option: str | None) -> dict[str, Any]:
    insert = _enum(insert_option, ("OVERWRITE", "INSERT_ROWS"), "OVERWRITE", "insert_data_option")
    if isinstance(body, dict) and body.get("range"):
        _same_range(book, range_text, str(body["range"]))
    sheet, box = resolve(book, range_text)
    box = clip(sheet, box)
    rows = _row_major(_values_of(body), body.get("majorDimension") if isinstance(body, dict) else None)
    anchor_only = box.height == 1 and box.width == 1
    table = find_table(sheet, box, anchor_only)
    if table is None:
        start_row, start_col = box.start_row, box.start_col
    else:
        start_row, start_col = table.end_row, table.start_col
    height = len(rows)
    width = max((len(r) for r in rows), default=0)
    if insert == "INSERT_ROWS" and height:
        insert_rows(sheet, start_row, height, inherit_from=start_row - 1 if start_row > 0 else None)
    grid = sheet["properties"]["gridProperties"]
    # OVERWRITE still grows the grid when the data runs past its end (documented for InsertDataOption).
    if start_row + height > grid["rowCount"]:
        set_size(sheet, rows=start_row + height)
    if start_col + width > grid["columnCount"]:
        set_size(sheet, cols=start_col + width)
    result: dict[str, Any] = {"spreadsheetId": book["spreadsheetId"]}
    if table is not None:
        result["tableRange"] = format_range(title_of(sheet), table)
    result["updates"] = write_block(book, sheet, start_row, start_col, rows, options)
    return result


def clear(book: Book, range_text: str) -> str:
    sheet, box = resolve(book, range_text)
    box = clip(sheet, box)
    for _r, _c, cell in list(iter_cells(sheet, box)):
        for key in (*VALUE_KEYS, "x"):
            cell.pop(key, None)
    compact(sheet, box.start_row, box.end_row)
    return format_range(title_of(sheet), box)
