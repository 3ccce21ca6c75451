"""Tabs beside the review tab that the cycle fills with rows of their own (Tanggapan, Operator, Pengaduan): each
feature collects what is new into the ledger, says which rows are still to be written, and follows them through
new -> sending -> written. The write-back loops over them instead of naming each."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..app import App
from ..features import comments, complaints, registrations
from ..infra.tabs import TabRows


@dataclass(frozen=True)
class SideTab:
    """One feature's rows on a side tab: `collect` new ones into the ledger (how many), `pending` rows to write
    now, `mark` them `sending` / `written` / `new` (refused: again next cycle)."""

    name: str
    collect: Callable[[App, list[str]], int]
    pending: Callable[[App], TabRows | None]
    mark: Callable[[App, TabRows | None, str], None]


COMMENTS = SideTab("comments", comments.collect, comments.pending_rows, comments.mark)
REGISTRATIONS = SideTab("registrations", registrations.collect, registrations.pending_rows, registrations.mark)
# Complaints' pending rows come out of the Pengaduan tab's review (`complaints.review`), not from a query of their
# own: the cycle hands them over with the review's work.
COMPLAINTS = SideTab("complaints", complaints.collect, lambda _: None, complaints.mark)
SIDE_TABS = (COMMENTS, REGISTRATIONS, COMPLAINTS)


@dataclass(frozen=True)
class SideRows:
    """This write-back's rows for one side tab."""

    tab: SideTab
    rows: TabRows


def mark_all(app: App, side: Sequence[SideRows], state: str) -> None:
    for item in side:
        item.tab.mark(app, item.rows, state)
