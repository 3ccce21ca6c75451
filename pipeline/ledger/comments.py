"""The `comments` table: readers' comments on our posts, each copied once to the Tanggapan tab."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..core.model import ReaderComment
from .side_rows import NEW, SideRows
from .store import Store, utc_text


@dataclass(frozen=True)
class CommentRecord:
    """A comment as the Tanggapan tab shows it: with the place and link of the story it is about."""

    id: str
    code: str
    post_id: str
    published: datetime
    author: str
    content: str
    state: str  # new -> sending -> written (see side_rows)
    seen_at: datetime
    desa: str
    kecamatan: str
    post_url: str | None


class Comments:
    def __init__(self, store: Store) -> None:
        self._store = store
        self.rows = SideRows(store, "comments", "id")

    def add(self, comment: ReaderComment, code: str, seen_at: datetime) -> bool:
        """Keep a comment on the post of the story `code`, once; True when it is new."""
        cur = self._store.db.execute(
            """INSERT OR IGNORE INTO comments (id, code, post_id, published, author, content, seen_at)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            (
                comment.comment_id,
                code,
                comment.post_id,
                comment.published.isoformat(),
                comment.author,
                comment.content,
                seen_at.isoformat(),
            ),
        )
        return cur.rowcount == 1

    def new(self) -> list[CommentRecord]:
        """The comments to append to the Tanggapan tab, oldest first."""
        rows = self._store.db.execute(
            """SELECT c.*, s.desa, s.kecamatan, s.post_url FROM comments c JOIN submissions s ON s.code = c.code
               WHERE c.state = ? ORDER BY c.published, c.id""",
            (NEW,),
        )
        return [
            CommentRecord(
                id=r["id"],
                code=r["code"],
                post_id=r["post_id"],
                published=datetime.fromisoformat(r["published"]),
                author=r["author"],
                content=r["content"],
                state=r["state"],
                seen_at=datetime.fromisoformat(r["seen_at"]),
                desa=r["desa"],
                kecamatan=r["kecamatan"],
                post_url=r["post_url"],
            )
            for r in rows
        ]

    def between(self, start: datetime, end: datetime) -> int:
        """Readers' comments published in [start, end) that the cycle has collected."""
        row = self._store.db.execute(
            "SELECT COUNT(*) FROM comments WHERE published >= ? AND published < ?", (utc_text(start), utc_text(end))
        ).fetchone()
        return int(row[0])
