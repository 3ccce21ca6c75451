"""The officers' review sheet: read it whole, create its header when empty, then write changes and new rows at once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..core.cells import fit_cell
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
    code: str = ""  # the story or complaint the cell belongs to: a refused batch is sent again by code


@dataclass(frozen=True)
class TabAppend:
    """Rows for another tab (Tanggapan, Operator, Pengaduan), appended in the write-back's call."""

    sheet_id: int
    rows: Sequence[Sequence[Any]]
    validations: Mapping[int, dict[str, Any]] | None = None  # column index -> rule each new row carries
    ids: Sequence[str] = ()  # each row's id (a comment's, a registration's, a complaint's code)


class ReviewSheet:
    def __init__(self, values: SheetValues, worksheet: str) -> None:
        self.values = values
        self.worksheet = worksheet

    def read(self) -> list[list[Any]]:
        """The review tab; empty when it has no rows or does not exist (nothing is created here)."""
        found = self.read_tabs([self.worksheet])
        return found[0] if found is not None else []

    def read_with(self, others: Sequence[str]) -> tuple[list[list[Any]], list[list[list[Any]]] | None]:
        """The review tab and other tabs of the same spreadsheet in one call; None for the others when one
        of them does not exist (the review tab alone is then read)."""
        found = self.read_tabs([self.worksheet, *others])
        if found is None:
            return self.read(), None
        review, *extra = found
        return review, extra

    def read_tabs(
        self, titles: Sequence[str], *, first_row_only: bool = False, first_rows: int = 0
    ) -> list[list[list[Any]]] | None:
        """Whole tabs (or their first rows) in one call; None when one of them does not exist (renamed or
        deleted). `first_rows` (when not 0) reads only that many rows of the first tab: a huge review tab is
        then read on in windows (`read_rows`)."""
        ranges = [quote_sheet(t) + ("!1:1" if first_row_only else "") for t in titles]
        if first_rows and ranges and not first_row_only:
            ranges[0] += f"!1:{first_rows}"
        try:
            if len(ranges) == 1:
                return [self.values.get(ranges[0])]
            return self.values.batch_get(ranges)
        except GoogleApiError as exc:
            if exc.status == 400 and "parse range" in exc.message:
                return None
            raise

    def read_rows(self, start: int, count: int) -> tuple[list[Any], list[list[Any]]]:
        """The header row and rows start..start+count-1 of the review tab (1-based), in one call: empty rows
        inside kept as [], trailing ones left out, so fewer than `count` rows means the tab ends here."""
        tab = quote_sheet(self.worksheet)
        try:
            header, rows = self.values.batch_get([f"{tab}!1:1", f"{tab}!{start}:{start + count - 1}"])
        except GoogleApiError as exc:
            # The grid ends where the last window did (a grid grown by appends holds no spare row): Google
            # refuses a range that starts past it; there is nothing more to read.
            if exc.status == 400 and "exceeds grid limits" in exc.message:
                return [], []
            raise
        return (list(header[0]) if header else []), rows

    def read_columns(self, columns: Sequence[int]) -> list[list[Any]]:
        """Whole columns of the review tab (0-based indexes), row 1 first, in one call; each column as one list
        (trailing empty cells left out)."""
        tab = quote_sheet(self.worksheet)
        ranges = [f"{tab}!{column_letter(c)}:{column_letter(c)}" for c in columns]
        found = self.values.batch_get(ranges, by_columns=True)
        return [(column[0] if column else []) for column in found]

    def tabs(self) -> list[tuple[int, str]]:
        """Every tab of the spreadsheet as (sheet id, title), in one call."""
        meta = self.values.metadata("sheets.properties(sheetId,title)")
        return [(int(s["properties"]["sheetId"]), str(s["properties"]["title"])) for s in meta.get("sheets", [])]

    def add_tab(self, title: str, header: Sequence[Any] = ()) -> int:
        """A new tab, with `header` as its first row when given; returns its id."""
        reply = self.values.structure([{"addSheet": {"properties": {"title": title}}}])
        sheet_id = int(reply["replies"][0]["addSheet"]["properties"]["sheetId"])
        if header:
            self.values.update(f"{quote_sheet(title)}!A1", [list(header)])
        return sheet_id

    def delete_tab(self, sheet_id: int) -> None:
        """Delete a tab by its id (the doctor's scratch tab; the cycle never deletes one)."""
        self.values.structure([{"deleteSheet": {"sheetId": sheet_id}}])

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

    def where_now(self, code_column: int) -> tuple[list[Any], list[str]]:
        """The header row and the code column as they are at this moment, in one call.

        Officers sort, insert and delete rows and move columns while a cycle posts to the blog; the
        write-back places its cells by what this says, not by the positions read at the cycle's start.
        """
        [(header, [codes])] = self.where_now_in([(self.worksheet, [code_column])])
        return header, codes

    def where_now_in(self, tabs: Sequence[tuple[str, Sequence[int]]]) -> list[tuple[list[Any], list[list[str]]]]:
        """`where_now` for several tabs (title, columns: the code column first) in one call: each tab's header
        and the text of each column, row 1 first."""
        ranges: list[str] = []
        for title, columns in tabs:
            tab = quote_sheet(title)
            ranges.append(f"{tab}!1:1")
            ranges += [f"{tab}!{column_letter(c)}:{column_letter(c)}" for c in columns]
        found = iter(self.values.batch_get(ranges))
        result: list[tuple[list[Any], list[list[str]]]] = []
        for _, columns in tabs:
            header = next(found)
            texts = [[str(row[0]).strip() if row else "" for row in next(found)] for _ in columns]
            result.append(((list(header[0]) if header else []), texts))
        return result

    def insert_header(self, sheet_id: int, header: Sequence[Any]) -> None:
        """A header row put back above the data rows, in one call (not resent: a second row would be inserted)."""
        span = {"sheetId": sheet_id, "dimension": "ROWS", "startIndex": 0, "endIndex": 1}
        cells = {
            "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
            "rows": [{"values": [_cell_data(v) for v in header]}],
            "fields": "userEnteredValue",
        }
        self.values.structure(
            [{"insertDimension": {"range": span, "inheritFromBefore": False}}, {"updateCells": cells}], idempotent=False
        )

    def ensure_tab(self, title: str, header: Sequence[Any]) -> int:
        """A tab's id by title (Rekap), created with `header` as its first row when missing."""
        for sheet_id, found in self.tabs():
            if found == title:
                return sheet_id
        return self.add_tab(title, header)

    def commit(
        self,
        sheet_id: int,
        cells: Sequence[CellWrite],
        new_rows: Sequence[Sequence[Any]],
        validations: Mapping[int, dict[str, Any]],
        archives: Sequence[Archive] = (),
        appended: Sequence[TabAppend] = (),
        new_codes: Sequence[str] = (),
    ) -> dict[str, str]:
        """Changed cells and new rows in one spreadsheets.batchUpdate: all of it lands, or none of it.

        Not idempotent (a resent append doubles rows), so a lost answer is never resent: the next cycle
        reads the sheet and finds out what landed. When Google refuses the batch outright (a 400: nothing
        landed), it is sent again in parts, one story (or archive, or side-tab row) each, in the same order,
        so one row Google will not take does not hold back the others. Returns the parts refused (their code,
        or `archive`, or a side-tab row's id) with Google's reason.
        """
        parts = _parts(sheet_id, cells, new_rows, validations, archives, appended, new_codes)
        requests = [r for _, part in parts for r in part]
        if not requests:
            return {}
        try:
            self.values.structure(requests, idempotent=False)
            return {}
        except GoogleApiError as exc:
            # A tab deleted meanwhile ("no grid with id") is not one row's fault: the next cycle looks again.
            if exc.outcome_unknown or exc.status != 400 or len(parts) < 2 or "grid" in exc.message.lower():
                raise
        refused: dict[str, str] = {}
        for label, part in parts:
            try:
                self.values.structure(part, idempotent=False)
            except GoogleApiError as exc:
                if exc.outcome_unknown or exc.status != 400:
                    raise  # what landed is read back by the next cycle
                refused[label] = exc.message
        return refused


def _parts(
    sheet_id: int,
    cells: Sequence[CellWrite],
    new_rows: Sequence[Sequence[Any]],
    validations: Mapping[int, dict[str, Any]],
    archives: Sequence[Archive],
    appended: Sequence[TabAppend],
    new_codes: Sequence[str],
) -> list[tuple[str, list[dict[str, Any]]]]:
    """The write-back's requests by what they are about, in the one safe order: cells first (placed by the rows
    as they are now), then new rows, then archives (their deletions last, bottom up), then other tabs."""
    parts: dict[str, list[dict[str, Any]]] = {}
    for c in sorted(cells, key=lambda c: (c.sheet_id or -1, c.row, c.column)):
        start = {
            "sheetId": sheet_id if c.sheet_id is None else c.sheet_id,
            "rowIndex": c.row - 1,
            "columnIndex": c.column,
        }
        cell = {"start": start, "rows": [{"values": [_cell_data(c.value)]}], "fields": "userEnteredValue"}
        parts.setdefault(c.code or f"cell:{c.sheet_id}:{c.row}", []).append({"updateCells": cell})
    fields = "userEnteredValue,dataValidation"
    codes = [*new_codes, *(f"row:{n}" for n in range(len(new_codes), len(new_rows)))]
    for code, row in zip(codes, new_rows, strict=False):
        values = [{"values": [_cell_data(v, validations.get(i)) for i, v in enumerate(row)]}]
        parts.setdefault(code, []).append({"appendCells": {"sheetId": sheet_id, "rows": values, "fields": fields}})
    for archive in archives:
        label = "archive:" + ",".join(archive.codes)
        if archive.rows:
            moved = [{"values": [_cell_data(v) for v in row]} for row in archive.rows]
            append = {"sheetId": archive.sheet_id, "rows": moved, "fields": "userEnteredValue"}
            parts.setdefault(label, []).append({"appendCells": append})
        source = sheet_id if archive.source_sheet_id is None else archive.source_sheet_id
        # Bottom up, so each deletion leaves the rows above it where they were.
        for number in sorted(archive.row_numbers, reverse=True):
            span = {"sheetId": source, "dimension": "ROWS", "startIndex": number - 1, "endIndex": number}
            parts.setdefault(label, []).append({"deleteDimension": {"range": span}})
    for other in appended:  # rows for other tabs (Tanggapan, Operator, Pengaduan), in the same call
        rules = other.validations or {}
        kind = "userEnteredValue,dataValidation" if rules else "userEnteredValue"
        ids = [*other.ids, *(f"{other.sheet_id}:{n}" for n in range(len(other.ids), len(other.rows)))]
        for row_id, row in zip(ids, other.rows, strict=False):
            values = [{"values": [_cell_data(v, rules.get(i)) for i, v in enumerate(row)]}]
            parts.setdefault(f"tab:{row_id}", []).append(
                {"appendCells": {"sheetId": other.sheet_id, "rows": values, "fields": kind}}
            )
    return list(parts.items())


def _cell_data(value: Any, validation: dict[str, Any] | None = None) -> dict[str, Any]:
    """A typed cell value: strings stay strings (never parsed into formulas), empty means cleared."""
    cell: dict[str, Any] = {}
    if isinstance(value, bool):
        cell["userEnteredValue"] = {"boolValue": value}
    elif isinstance(value, int | float):
        cell["userEnteredValue"] = {"numberValue": value}
    elif value is not None and str(value) != "":
        cell["userEnteredValue"] = {"stringValue": fit_cell(str(value))}
    if validation is not None:
        cell["dataValidation"] = validation
    return cell


def row_validations(columns: Mapping[str, int]) -> dict[int, dict[str, Any]]:
    """Checkboxes and the mode dropdown, carried by each new row so they hold however far the sheet grows."""
    rules = {columns[role]: {"condition": {"type": "BOOLEAN"}} for role in CHECKBOX_ROLES if role in columns}
    rules[columns["mode"]] = MODE_RULE
    return rules
