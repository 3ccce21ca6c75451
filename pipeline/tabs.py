"""Tabs of the review spreadsheet beside the review tab (Arsip, Tanggapan, Operator): their sheet ids, looked
up or created once and then remembered in the ledger, so a cycle does not ask Sheets again."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .app import App
from .google.review_sheet import TabAppend
from .google.sheets_values import quote_sheet

TAB_META = "{}:{}\t{}"


@dataclass(frozen=True)
class TabRows:
    """Rows to append to another tab of the review spreadsheet in the write-back, and the ids they carry."""

    sheet_id: int
    rows: list[list[Any]]
    ids: list[str]
    validations: Mapping[int, dict[str, Any]] | None = None

    def as_append(self) -> TabAppend:
        return TabAppend(self.sheet_id, self.rows, self.validations)


def tab_id(app: App, title: str, header: Sequence[Any], kind: str) -> int:
    """The id of tab `title` (created with `header` when missing); `kind` names the ledger key."""
    meta = TAB_META.format(kind, app.settings.review.spreadsheet_id, title)
    cached = app.ledger.get_meta(meta)
    if cached:
        return int(cached)
    sheet_id = app.review.ensure_tab(title, header)
    app.ledger.set_meta(meta, str(sheet_id))
    return sheet_id


def column_values(app: App, title: str, letter: str) -> set[str]:
    """The values of one column of a side tab below its header: what a lost write-back answer may have landed."""
    tab = quote_sheet(title)
    return {str(row[0]) for row in app.review.values.get(f"{tab}!{letter}:{letter}")[1:] if row}
