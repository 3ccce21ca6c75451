"""Tabs of the review spreadsheet beside the review tab (Arsip, Tanggapan, Operator): their sheet ids, looked
up or created once and then remembered in the ledger, so a cycle does not ask Sheets again."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .app import App

TAB_META = "{}:{}\t{}"


def tab_id(app: App, title: str, header: Sequence[Any], kind: str) -> int:
    """The id of tab `title` (created with `header` when missing); `kind` names the ledger key."""
    meta = TAB_META.format(kind, app.settings.review.spreadsheet_id, title)
    cached = app.ledger.get_meta(meta)
    if cached:
        return int(cached)
    sheet_id = app.review.ensure_tab(title, header)
    app.ledger.set_meta(meta, str(sheet_id))
    return sheet_id
