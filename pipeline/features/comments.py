"""Readers' comments on our posts, copied once each to the review spreadsheet's `Tanggapan` tab.

Blogger is asked for new comments at most every `comments.check_seconds`; the rows go out in the cycle's
write-back batchUpdate, at the cost of one read of the tab's id column: a comment already there (a write-back
whose answer was lost, or a lost ledger that collected it again) is not written twice.
"""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta

from ..app import App
from ..core.sheettime import format_local
from ..google.errors import GoogleApiError
from ..infra.tabs import TabRows, column_values, tab_id, title_of

COMMENTS_KIND = "comments_sheet_id"

CHECKED_META = "comments_checked_at"
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
    last_text = app.ledger.get_meta(CHECKED_META)
    last = datetime.fromisoformat(last_text) if last_text else None
    if last is not None and (now - last).total_seconds() < settings.check_seconds:
        return 0
    since = (last or _first_post(app) or now) - MARGIN
    try:
        found = app.publisher.comments_since(since)
    except GoogleApiError as exc:
        errors.append(f"could not read the blog's comments: {exc}")
        return 0
    added = 0
    db = app.ledger.db
    for comment in found:
        row = db.execute("SELECT code FROM submissions WHERE post_id = ?", (comment.post_id,)).fetchone()
        if row is None:
            continue  # a post the pipeline did not make
        cur = db.execute(
            """INSERT OR IGNORE INTO comments (id, code, post_id, published, author, content, seen_at)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            (
                comment.comment_id,
                row[0],
                comment.post_id,
                comment.published.isoformat(),
                comment.author,
                comment.content,
                now.isoformat(),
            ),
        )
        added += cur.rowcount
    app.ledger.set_meta(CHECKED_META, now.isoformat())
    return added


def pending_rows(app: App) -> TabRows | None:
    """The comments to append in this cycle's write-back; None when there are none."""
    settings = app.settings.comments
    if not settings.enabled:
        return None
    db = app.ledger.db
    if db.execute("SELECT 1 FROM comments WHERE state != 'written' LIMIT 1").fetchone() is None:
        return None
    sheet_id = _tab(app)
    _settle(app)
    chosen = db.execute(
        """SELECT c.*, s.desa, s.kecamatan, s.post_url FROM comments c JOIN submissions s ON s.code = c.code
           WHERE c.state = 'new' ORDER BY c.published, c.id"""
    ).fetchall()
    if not chosen:
        return None
    tz = app.settings.tz
    rows = [
        [
            r["code"],
            r["desa"],
            r["kecamatan"],
            format_local(datetime.fromisoformat(r["published"]), tz),
            r["author"],
            _text(r["content"]),
            r["post_url"] or "",
            r["id"],
        ]
        for r in chosen
    ]
    return TabRows(sheet_id, rows, [str(r["id"]) for r in chosen])


def mark(app: App, rows: TabRows | None, state: str) -> None:
    """`sending` just before the write-back; `written` when it returned; `new` when Google refused it."""
    if rows is not None:
        app.ledger.db.executemany("UPDATE comments SET state = ? WHERE id = ?", [(state, i) for i in rows.ids])


def _settle(app: App) -> None:
    """Comments not known to be on the tab: those on it are written (a write-back answer lost, or a lost or
    older ledger collecting them again), the others go in this write-back. One read of the id column, only in
    a cycle that has comments to write."""
    on_tab = column_values(app, title_of(app, COMMENTS_KIND, app.settings.comments.worksheet), ID_COLUMN)
    db = app.ledger.db
    for (comment_id,) in db.execute("SELECT id FROM comments WHERE state != 'written'").fetchall():
        state = "written" if str(comment_id) in on_tab else "new"
        db.execute("UPDATE comments SET state = ? WHERE id = ?", (state, comment_id))


def _tab(app: App) -> int:
    return tab_id(app, app.settings.comments.worksheet, HEADER, COMMENTS_KIND)


def _first_post(app: App) -> datetime | None:
    row = app.ledger.db.execute("SELECT MIN(processed_at) FROM submissions WHERE post_id IS NOT NULL").fetchone()
    return datetime.fromisoformat(row[0]) if row and row[0] else None


def _text(content: str) -> str:
    """Blogger gives a comment as HTML; the sheet shows its words."""
    return " ".join(html.unescape(_TAGS.sub(" ", content)).split())
