"""The officers' review sheet: read it whole, create its header when empty, then write changes and new rows at once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..core.review import CHECKBOX_ROLES, column_letter
from .errors import GoogleApiError
from .sheet_setup import MODE_RULE, review_tab_requests
from .sheets_values import SheetValues, quote_sheet

TAB_FIELDS = "properties(sheetId,title,gridProperties),protectedRanges,conditionalFormats"


@dataclass(frozen=True)
class Archive:
    """Finished rows to copy to an archive tab, and where they are in their live tab now."""

    sheet_id: int  # the archive tab
    rows: list[list[Any]]
    row_numbers: list[int]
    codes: list[str]
    source_sheet_id: int | None = None  # the live tab; None: the review tab


@dataclass(frozen=True)
class CellWrite:
    row: int  # 1-based sheet row, from this cycle's read
    column: int  # 0-based column index
    value: Any
    sheet_id: int | None = None  # another tab than the review tab (Pengaduan)


@dataclass(frozen=True)
class TabAppend:
    """Rows for another tab (Tanggapan, Operator, Pengaduan), appended in the write-back's call."""

    sheet_id: int
    rows: Sequence[Sequence[Any]]
    validations: Mapping[int, dict[str, Any]] | None = None  # column index -> rule each new row carries


class ReviewSheet:
    def __init__(self, values: SheetValues, worksheet: str) -> None:
        self.values = values
        self.worksheet = worksheet

    def read(self) -> list[list[Any]]:
        try:
            return self.values.get(quote_sheet(self.worksheet))
        except GoogleApiError as exc:
            if exc.status == 400 and "parse range" in exc.message:
                self._add_tab()
                return []
            raise

    def read_with(self, others: Sequence[str]) -> tuple[list[list[Any]], list[list[list[Any]]] | None]:
        """The review tab and other tabs of the same spreadsheet in one call; None for the others when one
        of them does not exist (the review tab alone is then read, and created if it was the missing one)."""
        try:
            review, *extra = self.values.batch_get([quote_sheet(t) for t in (self.worksheet, *others)])
        except GoogleApiError as exc:
            if exc.status == 400 and "parse range" in exc.message:
                return self.read(), None
            raise
        return review, extra

    def _add_tab(self) -> None:
        self.values.structure([{"addSheet": {"properties": {"title": self.worksheet}}}])

    def create_header(self, headers: Mapping[str, str]) -> list[str]:
        """Write the header row of an empty sheet and set up checkboxes, the mode dropdown and protections."""
        header = list(headers.values())
        self.values.update(f"{quote_sheet(self.worksheet)}!A1", [header])
        sheet = self.tab(TAB_FIELDS)
        if sheet is None:
            raise GoogleApiError("sheets.spreadsheets.get", 404, f"the review sheet has no tab {self.worksheet!r}")
        columns = {role: index for index, role in enumerate(headers)}
        self.values.structure(review_tab_requests(sheet, columns, headers, full=False))
        return header

    def tab(self, fields: str, title: str | None = None) -> dict[str, Any] | None:
        """One tab as `spreadsheets.get` describes it (`fields` inside `sheets(...)`), or None."""
        wanted = self.worksheet if title is None else title
        meta = self.values.metadata(f"sheets({fields})")
        for sheet in meta.get("sheets", []):
            if sheet["properties"]["title"] == wanted:
                found: dict[str, Any] = sheet
                return found
        return None

    def sheet_id(self) -> int:
        meta = self.values.metadata("sheets.properties(sheetId,title)")
        for sheet in meta.get("sheets", []):
            if sheet["properties"]["title"] == self.worksheet:
                return int(sheet["properties"]["sheetId"])
        raise GoogleApiError("sheets.spreadsheets.get", 404, f"the review sheet has no tab {self.worksheet!r}")

    def where_now(self, code_column: int) -> tuple[list[Any], list[str]]:
        """The header row and the code column as they are at this moment, in one call.

        Officers sort, insert and delete rows and move columns while a cycle posts to the blog; the
        write-back places its cells by what this says, not by the positions read at the cycle's start.
        """
        [(header, codes)] = self.where_now_in([(self.worksheet, code_column)])
        return header, codes

    def where_now_in(self, tabs: Sequence[tuple[str, int]]) -> list[tuple[list[Any], list[str]]]:
        """`where_now` for several tabs (title, code column) in one call."""
        ranges: list[str] = []
        for title, code_column in tabs:
            tab, letter = quote_sheet(title), column_letter(code_column)
            ranges += [f"{tab}!1:1", f"{tab}!{letter}:{letter}"]
        found = self.values.batch_get(ranges)
        result: list[tuple[list[Any], list[str]]] = []
        for header, column in zip(found[::2], found[1::2], strict=True):
            codes = [str(row[0]).strip() if row else "" for row in column]
            result.append(((list(header[0]) if header else []), codes))
        return result

    def ensure_tab(self, title: str, header: Sequence[Any]) -> int:
        """A tab's id (Arsip, Tanggapan); created with `header` as its first row when missing."""
        meta = self.values.metadata("sheets.properties(sheetId,title)")
        for sheet in meta.get("sheets", []):
            if sheet["properties"]["title"] == title:
                return int(sheet["properties"]["sheetId"])
        reply = self.values.structure([{"addSheet": {"properties": {"title": title}}}])
        sheet_id = int(reply["replies"][0]["addSheet"]["properties"]["sheetId"])
        self.values.update(f"{quote_sheet(title)}!A1", [list(header)])
        return sheet_id

    def commit(
        self,
        sheet_id: int,
        cells: Sequence[CellWrite],
        new_rows: Sequence[Sequence[Any]],
        validations: Mapping[int, dict[str, Any]],
        archives: Sequence[Archive] = (),
        appended: Sequence[TabAppend] = (),
    ) -> None:
        """Changed cells and new rows in one spreadsheets.batchUpdate: all of it lands, or none of it.

        Not idempotent (a resent append doubles rows), so a lost answer is never resent: the next cycle
        reads the sheet and finds out what landed.
        """
        requests: list[dict[str, Any]] = [
            {
                "updateCells": {
                    "start": {
                        "sheetId": sheet_id if c.sheet_id is None else c.sheet_id,
                        "rowIndex": c.row - 1,
                        "columnIndex": c.column,
                    },
                    "rows": [{"values": [_cell_data(c.value)]}],
                    "fields": "userEnteredValue",
                }
            }
            for c in sorted(cells, key=lambda c: (c.sheet_id or -1, c.row, c.column))
        ]
        if new_rows:
            rows = [{"values": [_cell_data(v, validations.get(i)) for i, v in enumerate(row)]} for row in new_rows]
            requests.append(
                {"appendCells": {"sheetId": sheet_id, "rows": rows, "fields": "userEnteredValue,dataValidation"}}
            )
        for archive in archives:
            if not archive.rows:
                continue
            moved = [{"values": [_cell_data(v) for v in row]} for row in archive.rows]
            requests.append({"appendCells": {"sheetId": archive.sheet_id, "rows": moved, "fields": "userEnteredValue"}})
            source = sheet_id if archive.source_sheet_id is None else archive.source_sheet_id
            # Bottom up, so each deletion leaves the rows above it where they were.
            for number in sorted(archive.row_numbers, reverse=True):
                span = {"sheetId": source, "dimension": "ROWS", "startIndex": number - 1, "endIndex": number}
                requests.append({"deleteDimension": {"range": span}})
        for other in appended:  # rows for other tabs (Tanggapan, Operator, Pengaduan), in the same call
            if other.rows:
                rules = other.validations or {}
                values = [{"values": [_cell_data(v, rules.get(i)) for i, v in enumerate(row)]} for row in other.rows]
                fields = "userEnteredValue,dataValidation" if rules else "userEnteredValue"
                requests.append({"appendCells": {"sheetId": other.sheet_id, "rows": values, "fields": fields}})
        if requests:
            self.values.structure(requests, idempotent=False)


def _cell_data(value: Any, validation: dict[str, Any] | None = None) -> dict[str, Any]:
    """A typed cell value: strings stay strings (never parsed into formulas), empty means cleared."""
    cell: dict[str, Any] = {}
    if isinstance(value, bool):
        cell["userEnteredValue"] = {"boolValue": value}
    elif isinstance(value, int | float):
        cell["userEnteredValue"] = {"numberValue": value}
    elif value is not None and str(value) != "":
        cell["userEnteredValue"] = {"stringValue": str(value)}
    if validation is not None:
        cell["dataValidation"] = validation
    return cell


def row_validations(columns: Mapping[str, int]) -> dict[int, dict[str, Any]]:
    """Checkboxes and the mode dropdown, carried by each new row so they hold however far the sheet grows."""
    rules = {columns[role]: {"condition": {"type": "BOOLEAN"}} for role in CHECKBOX_ROLES if role in columns}
    rules[columns["mode"]] = MODE_RULE
    return rules
