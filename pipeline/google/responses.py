"""The Google Form's responses sheet: find its tab by header row, read every answer unformatted."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..core.errors import LayoutError
from ..core.form import FormLayout
from ..core.message import Text
from ..core.review import column_letter
from .sheets_values import SheetValues, quote_sheet


class ResponsesTabNotFound(LayoutError):
    """No tab of the responses spreadsheet has the form's header row."""


@dataclass(frozen=True)
class ResponsesTab:
    title: str
    timezone: str


class ResponsesSource:
    def __init__(self, values: SheetValues, worksheet: str | None, aliases: Mapping[str, Sequence[str]]) -> None:
        self.values = values
        self.worksheet = worksheet
        self.aliases = aliases

    def locate(self) -> ResponsesTab:
        """Which tab holds the responses (configured, or found by its header row) and the sheet's time zone."""
        meta = self.values.metadata("properties.timeZone,sheets.properties.title")
        timezone = str(meta.get("properties", {}).get("timeZone", "Etc/GMT"))
        titles = [str(s["properties"]["title"]) for s in meta.get("sheets", [])]
        if self.worksheet:
            if self.worksheet not in titles:
                raise ResponsesTabNotFound(
                    Text(
                        "form.worksheet {tab} is not a tab of the responses spreadsheet (tabs: {tabs}); fix "
                        "form.worksheet or leave it out to find the tab by header",
                        tab=repr(self.worksheet),
                        tabs=", ".join(titles),
                    )
                )
            return ResponsesTab(self.worksheet, timezone)
        headers = self.values.batch_get([f"{quote_sheet(t)}!1:1" for t in titles])
        for title, header in zip(titles, headers, strict=False):
            if header and FormLayout.matches(header[0], self.aliases):
                return ResponsesTab(title, timezone)
        raise ResponsesTabNotFound(
            Text(
                "no tab of the responses spreadsheet has the form's questions in its first row (tabs: {tabs}); "
                "check form.spreadsheet_id, or map the headers in form.columns",
                tabs=", ".join(titles),
            )
        )

    def read(self, tab: ResponsesTab) -> list[list[Any]]:
        return self.values.get(quote_sheet(tab.title))

    def read_head(self, tab: ResponsesTab, rows: int) -> list[list[Any]]:
        """The header and the first `rows - 1` rows below it. From row 1, which every tab has: Google refuses a
        range that starts below the tab's last row ("exceeds grid limits")."""
        return self.values.get(f"{quote_sheet(tab.title)}!1:{rows}")

    def read_tail(
        self, tab: ResponsesTab, start_row: int, width: int, end_row: int | None = None
    ) -> tuple[list[Any], list[list[Any]]]:
        """The header row and every row from `start_row` (1-based) down, or down to `end_row`, in one call. With
        `end_row`, a `width` of 0 reads whole rows (the header, read in the same call, is not known yet)."""
        tab_ref = quote_sheet(tab.title)
        last = column_letter(max(width, 1) - 1)
        if end_row is None:
            rows = f"{tab_ref}!A{start_row}:{last}"
        else:
            rows = f"{tab_ref}!A{start_row}:{last}{end_row}" if width > 0 else f"{tab_ref}!{start_row}:{end_row}"
        header, tail = self.values.batch_get([f"{tab_ref}!1:1", rows])
        return (list(header[0]) if header else []), tail
