"""The pure part of the write-back: which cells of which rows differ from what the ledger says, which rows are
finished and may move to the archive, and where each code's rows are now. No I/O: the cycle reads the sheet and
the ledger, these decide, and the cycle writes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from .model import ReviewRow, Status
from .review import PIPELINE_OWNED

# A story in one of these, processed long enough ago and untouched, leaves the live tab for the archive.
FINISHED = frozenset({Status.PUBLISHED, Status.REJECTED, Status.RETRACTED})


@dataclass(frozen=True)
class Standing:
    """What the ledger says of a row's story, as far as the write-back needs it."""

    wanted: Mapping[str, str]  # the pipeline's cells as they should read
    mode_override: str | None  # a Mode the pipeline must write (a draft published by hand)
    status: Status
    processed_at: datetime | None


def cell_changes(rows: Iterable[ReviewRow], standing: Mapping[str, Standing]) -> dict[str, dict[str, object]]:
    """Code -> the cells (by role) of its row that differ from what the ledger says they should read."""
    changes: dict[str, dict[str, object]] = {}
    for row in rows:
        story = standing.get(row.code)
        if story is None:
            continue
        for role in PIPELINE_OWNED:
            if row.pipeline_cells.get(role, "") != story.wanted[role]:
                changes.setdefault(row.code, {})[role] = story.wanted[role]
        if story.mode_override and row.mode_text.strip() != story.mode_override:
            changes.setdefault(row.code, {})["mode"] = story.mode_override
    return changes


def finished(
    rows: Iterable[ReviewRow],
    standing: Mapping[str, Standing],
    *,
    cutoff: datetime,
    settled: set[str],
    changed: Iterable[str],
) -> set[str]:
    """Rows done with before `cutoff`, up to date on the sheet, that nobody touched this cycle."""
    touched = set(changed)
    return {
        row.code
        for row in rows
        if (story := standing.get(row.code)) is not None
        and story.status in FINISHED
        and story.processed_at is not None
        and story.processed_at <= cutoff
        and row.code in settled
        and row.code not in touched
    }


def rows_by_code(codes: Sequence[str]) -> dict[str, list[int]]:
    """Code -> the sheet rows (1-based, below the header) that carry it now, from the code column as read."""
    where: dict[str, list[int]] = {}
    for number, code in enumerate(codes, start=1):
        if number > 1 and code:
            where.setdefault(code, []).append(number)
    return where
