"""Which tab of a spreadsheet is ours: tabs are known by their sheet id, so a rename is followed, a deleted
tab is made again, and a second tab under the configured name is never taken for ours while ours exists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class KnownTab:
    """A tab the pipeline uses: its id, its title when last seen, and the configured name it stands for."""

    id: int
    title: str
    configured: str


class TabMove(StrEnum):
    SAME = "same"  # ours, under the title we knew
    RENAMED = "renamed"  # ours, under a new title: follow it
    ADOPTED = "adopted"  # first seen, or ours was deleted and a tab has the configured name: use it
    MISSING = "missing"  # no tab to use: make it
    CONFLICT = "conflict"  # ours exists, but the configured name points at another tab


@dataclass(frozen=True)
class TabFinding:
    move: TabMove
    tab: KnownTab | None
    note: str = ""  # one line for the administrator's log, or the error


def locate(known: KnownTab | None, configured: str, sheets: Sequence[tuple[int, str]], what: str) -> TabFinding:
    """Where the tab that stands for `configured` is now, given the spreadsheet's (id, title) pairs.

    `what` names the tab for the log ("review tab", "Pengaduan tab").
    """
    by_id = dict(sheets)
    by_title = {title: sheet_id for sheet_id, title in sheets}
    named = by_title.get(configured)
    if known is not None and known.id in by_id:
        current = by_id[known.id]
        if current == configured:
            move = TabMove.SAME if current == known.title and known.configured == configured else TabMove.RENAMED
            note = "" if move is TabMove.SAME else f"{what} {known.title!r} is named {current!r} again"
            return TabFinding(move, KnownTab(known.id, current, configured), note)
        if current == known.title and known.configured == configured:
            return TabFinding(TabMove.SAME, known)  # followed earlier
        if known.configured != configured:
            return TabFinding(
                TabMove.CONFLICT,
                None,
                f"{what}: the config now names {configured!r}, but the rows are on the tab {current!r}, the one "
                f"MyMeIn has used; rename that tab to {configured!r} in the spreadsheet, or set the config back to "
                f"{current!r}, or run `mymein init` to start using {configured!r} on purpose",
            )
        if named is not None:
            return TabFinding(
                TabMove.CONFLICT,
                None,
                f"{what}: {configured!r} is not the tab MyMeIn has used, which is now named {current!r}; rename "
                f"{current!r} back to {configured!r} (after renaming or deleting the other one), or run "
                f"`mymein init` to use the new {configured!r} on purpose",
            )
        note = f"{what} {known.title!r} was renamed to {current!r}; following it"
        return TabFinding(TabMove.RENAMED, KnownTab(known.id, current, configured), note)
    if named is not None:
        note = "" if known is None else f"{what} {known.title!r} was deleted; using the tab now named {configured!r}"
        return TabFinding(TabMove.ADOPTED, KnownTab(named, configured, configured), note)
    note = "" if known is None else f"{what} {known.title!r} was deleted; it is made again"
    return TabFinding(TabMove.MISSING, None, note)
