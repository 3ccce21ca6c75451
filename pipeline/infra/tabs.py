"""Tabs of the review spreadsheet (the review tab, Arsip, Tanggapan, Operator, Pengaduan, SKPD...), known by
their sheet id and remembered in the ledger: a cycle reads each by the title it last had, follows a rename,
makes a deleted tab again, and never makes a second one while the first exists (`core.tabs.locate`)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..app import App
from ..core.errors import StopCycle
from ..core.message import Text
from ..core.tabs import KnownTab, TabFinding, TabMove, locate
from ..google.review_sheet import TabAppend
from ..google.sheets_values import quote_sheet

log = logging.getLogger("mymein.tabs")

REVIEW_KIND = "review_sheet_id"
OPERATOR_KIND = "operator_sheet_id"
ARCHIVE_KIND = "archive_sheet_id"
COMPLAINTS_KIND = "complaints_sheet_id"
COMPLAINTS_ARCHIVE_KIND = "complaints_archive_sheet_id"
NAMES = {
    REVIEW_KIND: Text("review tab"),
    "archive_sheet_id": Text("archive tab"),
    "comments_sheet_id": Text("Tanggapan tab"),
    "operator_sheet_id": Text("Operator tab"),
    "complaints_sheet_id": Text("Pengaduan tab"),
    "complaints_archive_sheet_id": Text("Arsip Pengaduan tab"),
    "departments_sheet_id": Text("SKPD tab"),
}


class TabConflict(StopCycle):
    """The configured name of a tab points at another tab than the one the pipeline has been using."""


@dataclass(frozen=True)
class TabRows:
    """Rows to append to another tab of the review spreadsheet in the write-back, and the ids they carry."""

    sheet_id: int
    rows: list[list[Any]]
    ids: list[str]
    validations: Mapping[int, dict[str, Any]] | None = None

    def as_append(self) -> TabAppend:
        return TabAppend(self.sheet_id, self.rows, self.validations, self.ids)


def known(app: App, kind: str, configured: str) -> KnownTab | None:
    """The tab remembered for `kind`; a ledger from before tabs were followed knows only an id by title."""
    spreadsheet = app.settings.review.spreadsheet_id
    text = app.ledger.meta.tab(spreadsheet, kind).get()
    if text:
        found = json.loads(text)
        return KnownTab(int(found["id"]), str(found["title"]), str(found["configured"]))
    legacy = app.ledger.meta.legacy_tab(kind, spreadsheet, configured).get()
    return KnownTab(int(legacy), configured, configured) if legacy else None


def remember(app: App, kind: str, tab: KnownTab) -> None:
    value = json.dumps({"id": tab.id, "title": tab.title, "configured": tab.configured}, ensure_ascii=False)
    app.ledger.meta.tab(app.settings.review.spreadsheet_id, kind).set(value)


def forget(app: App, kind: str) -> None:
    app.ledger.meta.tab(app.settings.review.spreadsheet_id, kind).set("")


def title_of(app: App, kind: str, configured: str) -> str:
    """The title to read the tab by: the one it had when last seen (renamed tabs are followed)."""
    tab = known(app, kind, configured)
    return tab.title if tab is not None and tab.configured == configured else configured


def tab_id(
    app: App, title: str, header: Sequence[Any], kind: str, looks_like: Callable[[list[Any]], bool] | None = None
) -> int:
    """The id of the tab configured as `title`, found by id, followed or made (with `header`) as needed."""
    tab = known(app, kind, title)
    if tab is not None and tab.configured == title:
        return tab.id
    return ensure(app, kind, title, header, looks_like=looks_like).id


def ensure(
    app: App,
    kind: str,
    configured: str,
    header: Sequence[Any],
    sheets: Sequence[tuple[int, str]] | None = None,
    looks_like: Callable[[list[Any]], bool] | None = None,
) -> KnownTab:
    """Look the tab up (one `spreadsheets.get`, unless `sheets` is given), follow or adopt it, or make it.

    With `looks_like` (a test of a header row), a tab the ledger has no memory of (a new or lost ledger) and
    that is not under its configured name is looked for by its header before a new one is made: a renamed
    review tab is never left behind for an empty new one. Raises TabConflict when the configured name points
    at another tab while ours still exists, or when several tabs look like it.
    """
    listed = app.review.tabs() if sheets is None else sheets
    remembered = known(app, kind, configured)
    finding = find(app, kind, configured, listed)
    if finding.tab is not None:
        return finding.tab
    if remembered is None and looks_like is not None:
        found = _look_alike(app, kind, listed, looks_like)
        if found is not None:
            return found
    sheet_id = app.review.add_tab(configured, header)
    tab = KnownTab(sheet_id, configured, configured)
    remember(app, kind, tab)
    return tab


def _look_alike(
    app: App, kind: str, listed: Sequence[tuple[int, str]], looks_like: Callable[[list[Any]], bool]
) -> KnownTab | None:
    """The one tab, among those no other kind owns or is configured as, whose header row passes `looks_like`."""
    others = _claimed(app, kind)
    candidates = [(sheet_id, title) for sheet_id, title in listed if sheet_id not in others and title not in others]
    if not candidates:
        return None
    headers = app.review.read_tabs([f"{t}" for _, t in candidates], first_row_only=True) or []
    alike = [(i, t) for (i, t), rows in zip(candidates, headers, strict=False) if rows and looks_like(list(rows[0]))]
    if not alike:
        return None
    what = NAMES.get(kind, kind)
    if len(alike) > 1:
        titles = ", ".join(repr(t) for _, t in alike)
        raise TabConflict(
            Text(
                "{what}: not found by name, and several tabs look like it ({titles}); rename the right one",
                what=what,
                titles=titles,
            )
        )
    sheet_id, title = alike[0]
    configured = _configured(app, kind)
    log.warning("%s %r not found; using %r, which has its columns", what, configured, title)
    tab = KnownTab(sheet_id, title, configured)
    remember(app, kind, tab)
    return tab


def _claimed(app: App, kind: str) -> set[int | str]:
    """Ids remembered for the other kinds and the titles they are configured as."""
    review = app.settings.review
    claimed: set[int | str] = {
        review.worksheet,
        review.archive_worksheet,
        review.operator_worksheet,
        review.summary_worksheet,
        app.settings.comments.worksheet,
        app.settings.complaints.tab,
        app.settings.complaints.archive_tab,
        app.settings.complaints.departments_tab,
    }
    claimed.discard(_configured(app, kind))
    for other in NAMES:
        text = app.ledger.meta.tab(review.spreadsheet_id, other).get() if other != kind else None
        if text:
            claimed.add(int(json.loads(text)["id"]))
    return claimed


def _configured(app: App, kind: str) -> str:
    review, complaints = app.settings.review, app.settings.complaints
    return {
        REVIEW_KIND: review.worksheet,
        ARCHIVE_KIND: review.archive_worksheet,
        OPERATOR_KIND: review.operator_worksheet,
        COMPLAINTS_KIND: complaints.tab,
        COMPLAINTS_ARCHIVE_KIND: complaints.archive_tab,
        "departments_sheet_id": complaints.departments_tab,
        "comments_sheet_id": app.settings.comments.worksheet,
    }.get(kind, "")


def find(
    app: App, kind: str, configured: str, sheets: Sequence[tuple[int, str]] | None = None, *, adopt: bool = False
) -> TabFinding:
    """Where the tab is now, remembered when found; a conflict raises unless `adopt` (`mymein init`: the
    configured name is then taken on purpose)."""
    listed = app.review.tabs() if sheets is None else sheets
    what = NAMES.get(kind, kind)
    finding = locate(known(app, kind, configured), configured, listed, what)
    if finding.move is TabMove.CONFLICT:
        if not adopt:
            raise TabConflict(finding.note)
        by_title = {title: sheet_id for sheet_id, title in listed}
        if configured in by_title:
            log.warning("%s: now using %r on purpose (mymein init)", what, configured)
            finding = TabFinding(TabMove.ADOPTED, KnownTab(by_title[configured], configured, configured))
        else:
            finding = TabFinding(TabMove.MISSING, None)
    if finding.note:
        log.warning("%s", finding.note)
    if finding.tab is not None:
        remember(app, kind, finding.tab)
    return finding


def verify_all(app: App) -> None:
    """After Google said a grid is gone: one look at the tabs; follow the renamed ones and forget the deleted
    ones (looked up or made again when next needed)."""
    listed = dict(app.review.tabs())
    spreadsheet = app.settings.review.spreadsheet_id
    for kind in NAMES:
        text = app.ledger.meta.tab(spreadsheet, kind).get()
        if not text:
            continue
        tab = json.loads(text)
        if int(tab["id"]) not in listed:
            log.warning("%s %r was deleted", NAMES[kind], tab["title"])
            forget(app, kind)
        elif listed[int(tab["id"])] != tab["title"]:
            remember(app, kind, KnownTab(int(tab["id"]), listed[int(tab["id"])], str(tab["configured"])))


def column_values(app: App, title: str, letter: str) -> set[str]:
    """The values of one column of a side tab below its header: what a lost write-back answer may have landed."""
    tab = quote_sheet(title)
    return {str(row[0]) for row in app.review.values.get(f"{tab}!{letter}:{letter}")[1:] if row}
