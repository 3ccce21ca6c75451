"""Reading the review spreadsheet's tabs at the start of a cycle: by the titles they last had, in one call;
a missing tab is looked for once (renamed, deleted) before anything is made."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from ..app import App
from ..core.message import Text
from ..core.registry import Registry
from ..core.review import ReviewLayout, ReviewLayoutError
from ..features import complaints
from ..google.errors import GoogleApiError
from ..infra import tabs
from ..infra.tabs import OPERATOR_KIND, REVIEW_KIND, title_of
from .outcome import CycleReport

log = logging.getLogger("mymein.sync")


def read_review(
    app: App, report: CycleReport, *, dry_run: bool, first_rows: int = 0
) -> tuple[list[list[Any]], Registry | None, list[list[list[Any]]] | None]:
    """The review tab (its first `first_rows` rows, when not 0: `cycle/windows.py` reads on); in the same call
    the Operator tab (with `registry.enforce`) and the Pengaduan and SKPD tabs (with `complaints.enabled`).
    Tabs are read by the title they last had; when one is missing, one look at the spreadsheet's tabs follows a
    rename or makes the tab again (`tabs.find`)."""
    review = app.settings.review
    wanted: dict[str, str] = {REVIEW_KIND: review.worksheet}
    if app.settings.registry.enforce:
        wanted[OPERATOR_KIND] = review.operator_worksheet
    if not dry_run:
        try:
            wanted.update(complaints.tab_kinds(app))
        except GoogleApiError as exc:
            report.warn(Text("complaints wait for the next cycle: {error}", error=exc))
    found = _read_tabs(app, wanted, first_rows)
    if found is None:
        if dry_run:
            return app.review.read(), None, None
        found = _find_tabs_again(app, wanted, first_rows)
    app.review.worksheet = title_of(app, REVIEW_KIND, review.worksheet)
    registry = None
    if OPERATOR_KIND in wanted:
        if OPERATOR_KIND in found:
            registry = Registry.from_rows(found[OPERATOR_KIND])
        else:
            report.warn(
                f"registry.enforce is on but the review spreadsheet has no {review.operator_worksheet!r} tab; "
                "run `mymein init`"
            )
    complaint_tabs = [found[kind] for kind in complaints.TAB_KINDS if kind in found]
    return found[REVIEW_KIND], registry, (complaint_tabs if len(complaint_tabs) == 2 else None)


def _looks_like_review(app: App) -> Callable[[list[Any]], bool]:
    """A header row with every column of the review tab (the archive tab has them too: it is excluded by name)."""

    def test(header: list[Any]) -> bool:
        try:
            ReviewLayout.from_header(header, app.settings.review.headers)
        except ReviewLayoutError:
            return False
        return True

    return test


def _read_tabs(app: App, wanted: dict[str, str], first_rows: int) -> dict[str, list[list[Any]]] | None:
    """The tabs (kind -> configured title) in one call, by the titles they last had; None when one is gone.
    The review tab is first in `wanted`: `first_rows` cuts it."""
    titles = [title_of(app, kind, title) for kind, title in wanted.items()]
    found = app.review.read_tabs(titles, first_rows=first_rows)
    return None if found is None else dict(zip(wanted, found, strict=True))


def _find_tabs_again(app: App, wanted: dict[str, str], first_rows: int) -> dict[str, list[list[Any]]]:
    """A tab could not be read by its title: look at the spreadsheet's tabs once, follow renamed ones, make
    the review and complaint tabs again when deleted (an Operator tab is made only by `mymein init`), and
    read what there is. A configured name that now points at another tab than ours stops the cycle."""
    sheets = app.review.tabs()
    readable: dict[str, str] = {}
    for kind, title in wanted.items():
        if kind == OPERATOR_KIND:
            if tabs.find(app, kind, title, sheets).tab is None:
                continue
        else:
            looks_like = _looks_like_review(app) if kind == REVIEW_KIND else complaints.LOOKS_LIKE.get(kind)
            tabs.ensure(app, kind, title, complaints.TAB_KINDS.get(kind, ()), sheets, looks_like)
        readable[kind] = title
    found = _read_tabs(app, readable, first_rows)
    if found is None:  # renamed again meanwhile
        raise GoogleApiError("sheets.spreadsheets.values.batchGet", 400, "a tab was renamed during the cycle")
    return found
