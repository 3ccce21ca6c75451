"""Readers' comments on our posts, copied once each to the review spreadsheet's `Tanggapan` tab.

Blogger is asked for new comments at most every `comments.check_seconds`; the rows go out in the cycle's
write-back batchUpdate, at the cost of one read of the tab's id column: a comment already there (a write-back
whose answer was lost, or a lost ledger that collected it again) is not written twice.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta

from ..app import App
from ..core.message import Text
from ..core.sheettime import format_local
from ..google.errors import GoogleApiError
from ..infra.tabs import TabRows, column_values, tab_id, title_of

COMMENTS_KIND = "comments_sheet_id"

MARGIN = timedelta(minutes=10)
ID_COLUMN = "H"  # `ID tanggapan`, the 8th column of HEADER
HEADER = ["Kode", "Desa", "Kecamatan", "Waktu", "Nama", "Tanggapan", "Tautan", "ID tanggapan"]
_TAGS = re.compile(r"<[^>]+>")


def collect(app: App, errors: list[str]) -> int:
    """New comments on our posts into the ledger; returns how many. One Blogger call when due, else none."""
    settings = app.settings.comments
    if not settings.enabled:
        return 0
    now = app.clock()
    checked = app.ledger.meta.comments_checked_at
    last = checked.time()
    if last is not None and (now - last).total_seconds() < settings.check_seconds:
        return 0
    since = (last or app.ledger.first_post_at() or now) - MARGIN
    try:
        found = app.publisher.comments_since(since)
    except GoogleApiError as exc:
        errors.append(Text("could not read the blog's comments: {error}", error=exc))
        return 0
    added = 0
    for comment in found:
        code = app.ledger.code_of_post(comment.post_id)
        if code is None:
            continue  # a post the pipeline did not make
        added += app.ledger.comments.add(comment, code, now)
    checked.set(now.isoformat())
    return added


def pending_rows(app: App) -> TabRows | None:
    """The comments to append in this cycle's write-back; None when there are none."""
    settings = app.settings.comments
    if not settings.enabled:
        return None
    if not app.ledger.comments.rows.any():
        return None
    sheet_id = _tab(app)
    _settle(app)
    chosen = app.ledger.comments.new()
    if not chosen:
        return None
    tz = app.settings.tz
    rows = [
        [
            c.code,
            c.desa,
            c.kecamatan,
            format_local(c.published, tz),
            c.author,
            _text(c.content),
            c.post_url or "",
            c.id,
        ]
        for c in chosen
    ]
    return TabRows(sheet_id, rows, [str(c.id) for c in chosen])


def mark(app: App, rows: TabRows | None, state: str) -> None:
    """`sending` just before the write-back; `written` when it returned; `new` when Google refused it."""
    if rows is not None:
        app.ledger.comments.rows.mark(rows.ids, state)


def _settle(app: App) -> None:
    """Comments not known to be on the tab: those on it are written (a write-back answer lost, or a lost or
    older ledger collecting them again), the others go in this write-back. One read of the id column, only in
    a cycle that has comments to write."""
    on_tab = column_values(app, title_of(app, COMMENTS_KIND, app.settings.comments.worksheet), ID_COLUMN)
    app.ledger.comments.rows.settle(on_tab)


def _tab(app: App) -> int:
    return tab_id(app, app.settings.comments.worksheet, HEADER, COMMENTS_KIND)


def _text(content: str) -> str:
    """Blogger gives a comment as HTML; the sheet shows its words."""
    return " ".join(html.unescape(_TAGS.sub(" ", content)).split())
