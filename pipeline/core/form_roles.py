"""Forms other than the news form (KIM registration, complaints): their columns found by header name, since
Google names them after the questions and officers may reorder them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .text import fold


def locate(
    header: Sequence[object], columns: Mapping[str, tuple[str, ...]], required: Sequence[str], what: str
) -> dict[str, int | None]:
    """Role -> column index (None when absent) from the header row; a ValueError names the missing ones."""
    folded = [fold(str(cell)) for cell in header]
    where = {
        role: next((folded.index(fold(n)) for n in names if fold(n) in folded), None) for role, names in columns.items()
    }
    missing = [columns[role][0] for role in required if where[role] is None]
    if missing:
        raise ValueError(f"{what} lacks the columns: {', '.join(missing)}")
    return where


def cell(row: Sequence[object], where: Mapping[str, int | None], role: str) -> object:
    """The row's value for `role`; empty when the form has no such column or the row is short."""
    index = where[role]
    return row[index] if index is not None and index < len(row) else ""
