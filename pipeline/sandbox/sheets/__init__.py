"""Sheets v4 emulator: the spreadsheets and spreadsheets.values methods gspread and the pipeline use."""

from __future__ import annotations

import copy
import secrets
from collections.abc import Callable
from typing import Any

from ..errors import bad_request, not_found
from ..limits import check_cell_text, check_cells
from ..routing import Request, Response, Router
from ..state import SandboxState
from . import batch_update, values
from .defaults import spreadsheet_properties
from .grid import col_count, row_count, rows_of
from .resource import spreadsheet_resource
from .store import Book, books, get_book, new_sheet, sheet_by_title, sheets_of
from .typing_rules import formatted

__all__ = ["SheetsApi"]

_ID = r"(?P<id>[^/:%]+)"
_COLON = r"(?::|%3[Aa])"
_BASE = "/v4/spreadsheets"


def total_cells(book: Book) -> int:
    return sum(row_count(s) * col_count(s) for s in sheets_of(book))


class SheetsApi:
    """Spreadsheets kept in `state.ns("sheets")`; every handler runs under the sandbox's global lock."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.on_created: Callable[[str, str], None] | None = None
        # Told of every successful write to a spreadsheet, by anyone: Drive bumps the file's version.
        self.on_changed: Callable[[str], None] | None = None

    @property
    def ns(self) -> dict[str, Any]:
        return self.state.ns("sheets")

    # ---- routes ------------------------------------------------------------------------------------

    def register(self, router: Router) -> None:
        values_base = f"^{_BASE}/{_ID}/values"
        router.add("POST", f"^{_BASE}/?$", "sheets.spreadsheets.create", self._create)
        book = _Touching(router, self)  # its writes tell Drive, which bumps the version
        book.add("GET", f"^{_BASE}/{_ID}/?$", "sheets.spreadsheets.get", self._get)
        book.add("POST", f"^{_BASE}/{_ID}{_COLON}batchUpdate$", "sheets.spreadsheets.batchUpdate", self._batch_update)
        book.add(
            "GET", f"{values_base}{_COLON}batchGet$", "sheets.spreadsheets.values.batchGet", self._values_batch_get
        )
        book.add(
            "POST",
            f"{values_base}{_COLON}batchUpdate$",
            "sheets.spreadsheets.values.batchUpdate",
            self._values_batch_update,
        )
        book.add(
            "POST",
            f"{values_base}{_COLON}batchClear$",
            "sheets.spreadsheets.values.batchClear",
            self._values_batch_clear,
        )
        book.add(
            "POST", f"{values_base}/(?P<range>.+){_COLON}append$", "sheets.spreadsheets.values.append", self._append
        )
        book.add("POST", f"{values_base}/(?P<range>.+){_COLON}clear$", "sheets.spreadsheets.values.clear", self._clear)
        book.add("GET", f"{values_base}/(?P<range>.+)$", "sheets.spreadsheets.values.get", self._values_get)
        book.add("PUT", f"{values_base}/(?P<range>.+)$", "sheets.spreadsheets.values.update", self._values_update)

    def changed(self, spreadsheet_id: str) -> None:
        if self.on_changed is not None:
            self.on_changed(spreadsheet_id)

    def _book(self, req: Request) -> Book:
        return get_book(self.ns, req.params["id"])

    def _create(self, req: Request) -> Response:
        body = req.json()
        if not isinstance(body, dict):
            raise bad_request("Invalid JSON payload received. Expected an object.")
        book = self._new_book(body)
        return Response(json=spreadsheet_resource(book, ranges=[], include_grid=False, fields=req.arg("fields")))

    def _get(self, req: Request) -> Response:
        book = self._book(req)
        resource = spreadsheet_resource(
            book, ranges=req.args("ranges"), include_grid=req.flag("includeGridData"), fields=req.arg("fields")
        )
        return Response(json=resource)

    def _batch_update(self, req: Request) -> Response:
        book = self._book(req)
        body = req.json()
        requests: Any = body.get("requests") if isinstance(body, dict) else None
        limits = self.state.limits
        check_cell_text(limits, requests)
        replies = batch_update.apply_requests(book, requests, lambda b: check_cells(limits, total_cells(b)))
        result: dict[str, Any] = {"spreadsheetId": book["spreadsheetId"], "replies": replies}
        if isinstance(body, dict) and body.get("includeSpreadsheetInResponse"):
            result["updatedSpreadsheet"] = spreadsheet_resource(
                book,
                ranges=list(body.get("responseRanges") or []),
                include_grid=bool(body.get("responseIncludeGridData")),
                fields=None,
            )
        return Response(json=result)

    def _read_options(self, req: Request) -> values.ReadOptions:
        return values.ReadOptions(
            req.arg("majorDimension"), req.arg("valueRenderOption"), req.arg("dateTimeRenderOption")
        )

    def _write_options(self, req: Request) -> values.WriteOptions:
        return values.WriteOptions(
            req.arg("valueInputOption"),
            req.flag("includeValuesInResponse"),
            req.arg("responseValueRenderOption"),
            req.arg("responseDateTimeRenderOption"),
        )

    def _values_get(self, req: Request) -> Response:
        return Response(json=values.get(self._book(req), req.params["range"], self._read_options(req)))

    def _values_batch_get(self, req: Request) -> Response:
        return Response(json=values.batch_get(self._book(req), req.args("ranges"), self._read_options(req)))

    def _values_update(self, req: Request) -> Response:
        book = self._book(req)
        body = req.json()
        check_cell_text(self.state.limits, body)
        return Response(json=values.update(book, req.params["range"], body, self._write_options(req)))

    def _values_batch_update(self, req: Request) -> Response:
        body = req.json()
        check_cell_text(self.state.limits, body)
        if not isinstance(body, dict):
            raise bad_request("Invalid JSON payload received. Expected an object.")
        return Response(json=values.batch_update(self._book(req), body))

    def _append(self, req: Request) -> Response:
        book = self._book(req)
        body = req.json()
        check_cell_text(self.state.limits, body)
        rows = body.get("values") if isinstance(body, dict) else None
        if isinstance(rows, list) and rows:
            # As if every row were new and as wide as the sheet: near the limit, stricter than Google.
            width = max([len(r) for r in rows if isinstance(r, list)] + [col_count(s) for s in sheets_of(book)])
            check_cells(self.state.limits, total_cells(book) + len(rows) * width)
        result = values.append(book, req.params["range"], body, self._write_options(req), req.arg("insertDataOption"))
        return Response(json=result)

    def _clear(self, req: Request) -> Response:
        book = self._book(req)
        cleared = values.clear(book, req.params["range"])
        return Response(json={"spreadsheetId": book["spreadsheetId"], "clearedRange": cleared})

    def _values_batch_clear(self, req: Request) -> Response:
        book = self._book(req)
        body = req.json()
        ranges = body.get("ranges") if isinstance(body, dict) else None
        result: dict[str, Any] = {"spreadsheetId": book["spreadsheetId"]}
        if ranges:
            result["clearedRanges"] = [values.clear(book, str(text)) for text in ranges]
        return Response(json=result)

    # ---- creating --------------------------------------------------------------------------------

    def _new_book(self, body: dict[str, Any], spreadsheet_id: str | None = None) -> Book:
        given = body.get("properties") or {}
        spreadsheet_id = spreadsheet_id or self.state.new_token_id(44)
        props = spreadsheet_properties(
            str(given.get("title") or "Untitled spreadsheet"),
            str(given.get("locale") or "en_US"),
            str(given.get("timeZone") or "Etc/GMT"),
        )
        for key in ("autoRecalc", "defaultFormat", "iterativeCalculationSettings", "spreadsheetTheme"):
            if key in given:
                props[key] = given[key]
        book: Book = {"spreadsheetId": spreadsheet_id, "properties": props, "sheets": []}
        sheet_specs = body.get("sheets") or [{}]
        used_ids: set[int] = set()
        for index, spec in enumerate(sheet_specs):
            sheet_props = dict((spec or {}).get("properties") or {})
            sheet_id = sheet_props.get("sheetId")
            if sheet_id is None:
                sheet_id = 0 if index == 0 else _free_id(used_ids)
            if sheet_id in used_ids:
                raise bad_request(f"Invalid sheets[{index}]: duplicate sheetId {sheet_id}")
            used_ids.add(int(sheet_id))
            title = str(sheet_props.get("title") or f"Sheet{index + 1}")
            if sheet_by_title(book, title) is not None:
                raise bad_request(f'Invalid sheets[{index}]: A sheet with the name "{title}" already exists.')
            sheet_props["title"] = title
            sheet = new_sheet(sheet_props, int(sheet_id), index)
            sheets_of(book).append(sheet)
            for data in (spec or {}).get("data") or []:
                request = {
                    "start": {
                        "sheetId": sheet_id,
                        "rowIndex": data.get("startRow", 0),
                        "columnIndex": data.get("startColumn", 0),
                    },
                    "rows": data.get("rowData") or [],
                    "fields": "*",
                }
                batch_update.update_cells(book, request, f"sheets[{index}].data")
        books(self.ns)[spreadsheet_id] = book
        self.state.dirty = True
        if self.on_created is not None:
            self.on_created(spreadsheet_id, str(props["title"]))
        return book

    # ---- used by the other emulators and the HTML views -----------------------------------------

    def create_spreadsheet(self, title: str) -> dict[str, Any]:
        with self.state.lock:
            book = self._new_book({"properties": {"title": title}})
            return spreadsheet_resource(book, ranges=[], include_grid=False, fields=None)

    def seed_spreadsheet(self, spreadsheet_id: str, body: dict[str, Any]) -> Book:
        """A spreadsheet under a given id, as `spreadsheets.create` would make it from `body` (the replay of a
        field trace rebuilds the spreadsheets it read under their recorded ids)."""
        with self.state.lock:
            return self._new_book(body, spreadsheet_id)

    def copy_spreadsheet(self, spreadsheet_id: str, title: str) -> str | None:
        """A copy with a new id and title (Drive's files.copy); None when there is no such spreadsheet."""
        with self.state.lock:
            book = books(self.ns).get(spreadsheet_id)
            if book is None:
                return None
            copied: Book = copy.deepcopy(book)
            copied["spreadsheetId"] = self.state.new_token_id(44)
            copied["properties"]["title"] = title
            books(self.ns)[copied["spreadsheetId"]] = copied
            self.state.dirty = True
            if self.on_created is not None:
                self.on_created(copied["spreadsheetId"], title)
            return str(copied["spreadsheetId"])

    def delete_spreadsheet(self, spreadsheet_id: str) -> bool:
        with self.state.lock:
            removed = books(self.ns).pop(spreadsheet_id, None) is not None
            if removed:
                self.state.dirty = True
            return removed

    def rename_spreadsheet(self, spreadsheet_id: str, title: str) -> bool:
        with self.state.lock:
            book = books(self.ns).get(spreadsheet_id)
            if book is None:
                return False
            book["properties"]["title"] = title
            self.state.dirty = True
            return True

    def spreadsheet_title(self, spreadsheet_id: str) -> str | None:
        book = books(self.ns).get(spreadsheet_id)
        return None if book is None else str(book["properties"]["title"])

    def list_spreadsheets(self) -> list[dict[str, Any]]:
        with self.state.lock:
            return [
                {
                    "id": spreadsheet_id,
                    "title": book["properties"]["title"],
                    "sheets": [
                        s["properties"]["title"]
                        for s in sorted(sheets_of(book), key=lambda s: s["properties"]["index"])
                    ],
                }
                for spreadsheet_id, book in books(self.ns).items()
            ]

    def snapshot(self, spreadsheet_id: str, max_rows: int | None = None) -> Book | None:
        """A copy of the stored spreadsheet (cells, validations, rules, protections), for the HTML views; with
        `max_rows`, each sheet's first rows only (a sheet holding more gets `storedRows`, its stored row count),
        so a page of a 100,000-row sheet does not hold the lock while all of it is copied."""
        with self.state.lock:
            book = books(self.ns).get(spreadsheet_id)
            if book is None:
                return None
            copied: Book = {k: copy.deepcopy(v) for k, v in book.items() if k != "sheets"}
            copied["sheets"] = []
            for sheet in sheets_of(book):
                rows = rows_of(sheet)
                kept = {k: copy.deepcopy(v) for k, v in sheet.items() if k != "rows"}
                kept["rows"] = copy.deepcopy(rows if max_rows is None else rows[:max_rows])
                if max_rows is not None and len(rows) > max_rows:
                    kept["storedRows"] = len(rows)
                copied["sheets"].append(kept)
            return copied

    def formatted_grid(self, spreadsheet_id: str, sheet_title: str) -> list[list[str]]:
        """The sheet as a person would read it (formulas we cannot compute show their text), trimmed."""
        with self.state.lock:
            book = books(self.ns).get(spreadsheet_id)
            if book is None:
                raise not_found()
            sheet = sheet_by_title(book, sheet_title)
            if sheet is None:
                raise not_found(f"No sheet named {sheet_title!r}.")
            grid: list[list[str]] = []
            for cells in rows_of(sheet):
                line = [(formatted(cell) or str((cell or {}).get("f", ""))) for cell in cells]
                while line and not line[-1]:
                    line.pop()
                grid.append(line)
            while grid and not grid[-1]:
                grid.pop()
            return grid


def _free_id(used: set[int]) -> int:
    while True:
        candidate = secrets.randbelow(2**31 - 2) + 1
        if candidate not in used:
            return candidate


class _Touching:
    """Registers a spreadsheet's routes so that every write that succeeded tells `SheetsApi.changed`, as Drive
    sees any edit of the file (values, formats, tabs) as a new version."""

    def __init__(self, router: Router, api: SheetsApi) -> None:
        self.router = router
        self.api = api

    def add(self, method: str, pattern: str, method_id: str, handler: Callable[[Request], Response]) -> None:
        if method == "GET":
            self.router.add(method, pattern, method_id, handler)
            return

        def touching(req: Request) -> Response:
            response = handler(req)
            if response.status < 400:
                self.api.changed(req.params["id"])
            return response

        self.router.add(method, pattern, method_id, touching)
