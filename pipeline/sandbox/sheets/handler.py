"""What every spreadsheets.batchUpdate request handler shares: its signature, the refusal worded as Google words it,
and the grid range a request names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..errors import ApiError
from .a1 import Box
from .grid import Sheet
from .store import Book, grid_box, require_sheet_id

Handler = Callable[[Book, dict[str, Any], str], dict[str, Any]]


class Invalid(Exception):
    """A request Google would refuse; becomes `Invalid requests[i].<kind>: <message>`."""


def box_in(book: Book, grid_range: dict[str, Any] | None, where: str) -> tuple[Sheet, Box]:
    grid_range = grid_range or {}
    sheet = require_sheet_id(book, grid_range.get("sheetId", 0), where)
    try:
        return sheet, grid_box(sheet, grid_range)
    except ApiError as exc:
        raise Invalid(exc.message) from None
