"""One sheet's cells, stored sparsely (rows of cells, trimmed), and the edits that reshape the grid."""

from __future__ import annotations

from collections.abc import Iterator
from operator import itemgetter
from typing import Any

from .a1 import Box
from .typing_rules import VALUE_KEYS, Cell, has_value

Sheet = dict[str, Any]
Row = list[Cell | None]


def rows_of(sheet: Sheet) -> list[Row]:
    rows: list[Row] = sheet.setdefault("rows", [])
    return rows


def row_count(sheet: Sheet) -> int:
    return int(sheet["properties"]["gridProperties"]["rowCount"])


def col_count(sheet: Sheet) -> int:
    return int(sheet["properties"]["gridProperties"]["columnCount"])


def set_size(sheet: Sheet, rows: int | None = None, cols: int | None = None) -> None:
    grid = sheet["properties"]["gridProperties"]
    if rows is not None:
        grid["rowCount"] = rows
        del rows_of(sheet)[rows:]
    if cols is not None:
        grid["columnCount"] = cols
        for row in rows_of(sheet):
            del row[cols:]
        compact(sheet)
    else:  # rows were only cut or added: no cell changed, only empty rows may now be last (values.append
        # grows the grid one row at a time; compacting every row of a 100,000-row sheet each time was slow)
        compact(sheet, 0, 0)


def whole(sheet: Sheet) -> Box:
    return Box(0, row_count(sheet), 0, col_count(sheet))


def get_cell(sheet: Sheet, row: int, col: int) -> Cell | None:
    rows = rows_of(sheet)
    if row >= len(rows):
        return None
    cells = rows[row]
    if col >= len(cells):
        return None
    return cells[col]


def cell_for_write(sheet: Sheet, row: int, col: int) -> Cell:
    rows = rows_of(sheet)
    if row >= len(rows):
        rows.extend([] for _ in range(row + 1 - len(rows)))
    cells = rows[row]
    if col >= len(cells):
        cells.extend([None] * (col + 1 - len(cells)))
    cell = cells[col]
    if cell is None:
        cell = {}
        cells[col] = cell
    return cell


def compact(sheet: Sheet, start: int = 0, end: int | None = None) -> None:
    """Drop empty cells at the end of rows `start:end` and empty rows at the end, so storage stays sparse."""
    rows = rows_of(sheet)
    for cells in rows[start:end]:
        for i, cell in enumerate(cells):
            if cell is not None and not cell:
                cells[i] = None
        while cells and cells[-1] is None:
            cells.pop()
    while rows and not rows[-1]:
        rows.pop()


def iter_cells(sheet: Sheet, box: Box) -> Iterator[tuple[int, int, Cell]]:
    """Non-empty stored cells inside `box`."""
    rows = rows_of(sheet)
    for r in range(box.start_row, min(box.end_row, len(rows))):
        cells = rows[r]
        for c in range(box.start_col, min(box.end_col, len(cells))):
            cell = cells[c]
            if cell:
                yield r, c, cell


def row_has_value(sheet: Sheet, row: int, start_col: int, end_col: int) -> bool:
    rows = rows_of(sheet)
    if row < 0 or row >= len(rows):
        return False
    cells = rows[row]
    return any(has_value(cells[c]) for c in range(max(start_col, 0), min(end_col, len(cells))))


def value_at(sheet: Sheet, row: int, col: int) -> bool:
    return has_value(get_cell(sheet, row, col))


# ---- reshaping ---------------------------------------------------------------------------------------


def insert_rows(sheet: Sheet, at: int, count: int, inherit_from: int | None = None) -> None:
    """Insert empty rows; with `inherit_from`, they take that row's formats and validation, as the UI does."""
    rows = rows_of(sheet)
    source = rows[inherit_from] if inherit_from is not None and 0 <= inherit_from < len(rows) else []
    template = _format_only(source)
    if at < len(rows) or any(template):
        if at > len(rows):
            rows.extend([] for _ in range(at - len(rows)))
        rows[at:at] = [[dict(c) if c else None for c in template] for _ in range(count)]
    sheet["properties"]["gridProperties"]["rowCount"] = row_count(sheet) + count
    _shift_dims(sheet, "ROWS", at, count)
    _shift_ranges(sheet, "ROWS", at, count)
    compact(sheet, at, at + count)


def delete_rows(sheet: Sheet, start: int, end: int) -> None:
    del rows_of(sheet)[start:end]
    sheet["properties"]["gridProperties"]["rowCount"] = row_count(sheet) - (end - start)
    _drop_dims(sheet, "ROWS", start, end)
    _shrink_ranges(sheet, "ROWS", start, end)
    compact(sheet, start, start)


def insert_cols(sheet: Sheet, at: int, count: int) -> None:
    for cells in rows_of(sheet):
        if at < len(cells):
            cells[at:at] = [None] * count
    sheet["properties"]["gridProperties"]["columnCount"] = col_count(sheet) + count
    _shift_dims(sheet, "COLUMNS", at, count)
    _shift_ranges(sheet, "COLUMNS", at, count)
    compact(sheet)


def delete_cols(sheet: Sheet, start: int, end: int) -> None:
    for cells in rows_of(sheet):
        del cells[start:end]
    sheet["properties"]["gridProperties"]["columnCount"] = col_count(sheet) - (end - start)
    _drop_dims(sheet, "COLUMNS", start, end)
    _shrink_ranges(sheet, "COLUMNS", start, end)
    compact(sheet)


def move_rows(sheet: Sheet, start: int, end: int, destination: int) -> None:
    rows = rows_of(sheet)
    total = row_count(sheet)
    full: list[Row] = rows + [[] for _ in range(max(0, min(max(end, destination), total) - len(rows)))]
    full[:] = _moved(full, start, end, destination)
    rows[:] = full
    compact(sheet)


def move_cols(sheet: Sheet, start: int, end: int, destination: int) -> None:
    width = max(end, destination)
    for cells in rows_of(sheet):
        padded: Row = cells + [None] * max(0, width - len(cells))
        cells[:] = _moved(padded, start, end, destination)
    compact(sheet)


def _moved(items: list[Any], start: int, end: int, destination: int) -> list[Any]:
    """Google's moveDimension: `destination` is an index in the grid before the move."""
    block = items[start:end]
    rest = items[:start] + items[end:]
    at = destination if destination <= start else destination - (end - start)
    return rest[:at] + block + rest[at:]


def _format_only(cells: Row) -> Row:
    out: Row = []
    for cell in cells:
        kept = {k: v for k, v in (cell or {}).items() if k in ("fmt", "dv")}
        out.append(kept or None)
    return out


def _shift_dims(sheet: Sheet, dimension: str, at: int, count: int) -> None:
    dims: dict[str, Any] = sheet.get("dims", {}).get(dimension, {})
    if dims:
        sheet["dims"][dimension] = {str(int(k) + count if int(k) >= at else int(k)): v for k, v in dims.items()}


def _drop_dims(sheet: Sheet, dimension: str, start: int, end: int) -> None:
    dims: dict[str, Any] = sheet.get("dims", {}).get(dimension, {})
    if dims:
        kept: dict[str, Any] = {}
        for k, v in dims.items():
            i = int(k)
            if i < start:
                kept[k] = v
            elif i >= end:
                kept[str(i - (end - start))] = v
        sheet["dims"][dimension] = kept


def _range_holders(sheet: Sheet) -> Iterator[dict[str, Any]]:
    for protected in sheet.get("protectedRanges", []):
        if "range" in protected:
            yield protected["range"]
    for rule in sheet.get("conditionalFormats", []):
        yield from rule.get("ranges", [])


def _keys(dimension: str) -> tuple[str, str]:
    return ("startRowIndex", "endRowIndex") if dimension == "ROWS" else ("startColumnIndex", "endColumnIndex")


def _shift_ranges(sheet: Sheet, dimension: str, at: int, count: int) -> None:
    lo, hi = _keys(dimension)
    for grid_range in _range_holders(sheet):
        if lo in grid_range and grid_range[lo] >= at:
            grid_range[lo] += count
        if hi in grid_range and grid_range[hi] > at:
            grid_range[hi] += count


def _shrink_ranges(sheet: Sheet, dimension: str, start: int, end: int) -> None:
    lo, hi = _keys(dimension)
    width = end - start

    def moved(index: int) -> int:
        if index <= start:
            return index
        if index >= end:
            return index - width
        return start

    for grid_range in _range_holders(sheet):
        if lo in grid_range:
            grid_range[lo] = moved(grid_range[lo])
        if hi in grid_range:
            grid_range[hi] = moved(grid_range[hi])


# ---- tables, for values.append ----------------------------------------------------------------------


def find_table(sheet: Sheet, box: Box, anchor_only: bool) -> Box | None:
    """The "table" values.append appends after, or None.

    As observed on the real API: for a one-cell range the table is the block of data around that cell, and
    there is none when the cell is empty (the append then writes at the cell itself). For a larger range it
    is the last block of data in the range's columns, searching down to the bottom of the grid (Google's own
    sample appends to `Sheet1!A1:E1`): the bottom-most block, and of several ending on that row the
    right-most. A block is the "current region": cells joined by their sides or corners.
    """
    if anchor_only:
        if not value_at(sheet, box.start_row, box.start_col):
            return None
        seed = Box(box.start_row, box.start_row + 1, box.start_col, box.start_col + 1)
        return _region(sheet, seed, Box(box.start_row, row_count(sheet), box.start_col, col_count(sheet)))
    rows = rows_of(sheet)
    last = -1
    for r in range(len(rows) - 1, box.start_row - 1, -1):
        if row_has_value(sheet, r, box.start_col, box.end_col):
            last = r
            break
    if last < 0:
        return None
    cells = rows[last]
    col = max(c for c in range(box.start_col, min(box.end_col, len(cells))) if has_value(cells[c]))
    seed = Box(last, last + 1, col, col + 1)
    return _region(sheet, seed, Box(box.start_row, row_count(sheet), box.start_col, box.end_col))


def _region(sheet: Sheet, seed: Box, limit: Box) -> Box:
    # Tight loops over the stored rows: values.append on a 100,000-row table walks every row of it, and with
    # a call per row the emulator took over a second per append, far more than the latency it adds on purpose.
    rows = rows_of(sheet)
    top, bottom, left, right = seed.start_row, seed.end_row, seed.start_col, seed.end_col
    changed = True
    while changed:
        changed = False
        lo, hi = max(left - 1, limit.start_col), min(right + 1, limit.end_col)
        grown = _rows_with_values(rows, top - 1, limit.start_row - 1, -1, lo, hi) + 1
        changed = changed or grown != top
        top = grown
        grown = _rows_with_values(rows, bottom, min(limit.end_row, len(rows)), 1, lo, hi)
        changed = changed or grown != bottom
        bottom = grown
        span = rows[max(top - 1, limit.start_row) : min(bottom + 1, limit.end_row, len(rows))]
        widest = max(map(len, span), default=0)  # rows are trimmed: most end before a column right of the table
        while left > limit.start_col and _col_has_value(span, widest, left - 1):
            left -= 1
            changed = True
        while right < limit.end_col and _col_has_value(span, widest, right):
            right += 1
            changed = True
    return Box(top, bottom, left, right)


_VALUE_KEYS = frozenset(VALUE_KEYS)
_BLOCK = 4096


def _rows_with_values(rows: list[Row], start: int, stop: int, step: int, lo: int, hi: int) -> int:
    """The first row from `start` towards `stop` (exclusive) without a value in columns lo:hi (`lo >= 0`).

    Blocks of rows whose cell in column `lo` holds a value pass at C speed; the others row by row.
    """
    row = start
    pick = itemgetter(lo)
    while row != stop and 0 <= row < len(rows):
        a, b = (row, min(stop, row + _BLOCK)) if step > 0 else (max(stop + 1, row - _BLOCK + 1), row + 1)
        block = rows[a:b]
        try:
            heads = list(map(pick, block))
        except IndexError:  # a row ends before column `lo`
            heads = [None]
        if None not in heads and not any(map(_VALUE_KEYS.isdisjoint, heads)):
            row = b if step > 0 else a - 1
            continue
        for cells in block if step > 0 else reversed(block):
            if not any(has_value(c) for c in cells[lo:hi]):
                return row
            row += step
    return row


def _col_has_value(span: list[Row], widest: int, col: int) -> bool:
    return col < widest and any(col < len(cells) and has_value(cells[col]) for cells in span)
