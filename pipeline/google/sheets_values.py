"""Shared reading and writing of cell values through gspread's HTTP client, with bounded retries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import gspread

from ..core.cells import fit_cell
from .errors import GoogleApiError, Resource
from .retry import RetryPolicy

T = TypeVar("T")

# gspread's own annotation of query parameters.
Params = dict[str, str | int | bool | float | list[str] | None]


def quote_sheet(title: str) -> str:
    """A1 reference to a whole tab; quoting always is valid and survives spaces and apostrophes."""
    return "'" + title.replace("'", "''") + "'"


class SheetValues:
    """The few Sheets calls the pipeline makes, each one HTTP request, each retried by `policy`."""

    def __init__(
        self, client: gspread.Client, spreadsheet_id: str, policy: RetryPolicy, resource: Resource | None = None
    ) -> None:
        self.http = client.http_client
        self.spreadsheet_id = spreadsheet_id
        self.policy = policy
        self.resource = resource

    def _call(self, api: str, fn: Callable[[], T], *, idempotent: bool = True) -> T:
        """One call through the retry policy; its error names this spreadsheet."""
        try:
            return self.policy.call(api, fn, idempotent=idempotent)
        except GoogleApiError as exc:
            if exc.resource is None:
                exc.resource = self.resource
            raise

    def metadata(self, fields: str) -> dict[str, Any]:
        result: dict[str, Any] = self._call(
            "sheets.spreadsheets.get",
            lambda: self.http.spreadsheets_get(self.spreadsheet_id, params={"fields": fields}),
        )
        return result

    def get(self, a1: str, *, datetimes: str = "SERIAL_NUMBER") -> list[list[Any]]:
        params: Params = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": datetimes}
        result = self._call(
            "sheets.spreadsheets.values.get",
            lambda: self.http.values_get(self.spreadsheet_id, a1, params=params),
        )
        values: list[list[Any]] = result.get("values", [])
        return values

    def batch_get(self, ranges: list[str], *, by_columns: bool = False) -> list[list[list[Any]]]:
        """Several ranges in one call; by columns, each range is a list of columns (one list per column: far
        fewer objects than one list per row when a range is one column tall)."""
        params: dict[str, Any] = {
            "valueRenderOption": "UNFORMATTED_VALUE",
            "dateTimeRenderOption": "SERIAL_NUMBER",
        }
        if by_columns:
            params["majorDimension"] = "COLUMNS"
        result = self._call(
            "sheets.spreadsheets.values.batchGet",
            lambda: self.http.values_batch_get(self.spreadsheet_id, list(ranges), params=dict(params)),
        )
        return [vr.get("values", []) for vr in result.get("valueRanges", [])]

    def update(self, a1: str, rows: list[list[Any]]) -> None:
        # RAW: whatever an operator typed (`=IMPORTXML(...)`, `+62...`) stays text, never a formula.
        rows = [[fit_cell(v) if isinstance(v, str) else v for v in row] for row in rows]
        self._call(
            "sheets.spreadsheets.values.update",
            lambda: self.http.values_update(
                self.spreadsheet_id, a1, params={"valueInputOption": "RAW"}, body={"values": rows}
            ),
        )

    def structure(self, requests: list[dict[str, Any]], *, idempotent: bool = True) -> dict[str, Any]:
        result: dict[str, Any] = self._call(
            "sheets.spreadsheets.batchUpdate",
            lambda: self.http.batch_update(self.spreadsheet_id, {"requests": requests}),
            idempotent=idempotent,
        )
        return result
