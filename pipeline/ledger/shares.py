"""The `social_shares` table: each share of a story to a social channel, from the intent to its deletion.

States: `sending` (the intent, written before the request leaves), `live` (the service answered with the
post or message id), `uncertain` (the request left and its answer was lost: it may exist; never resent by
itself), `dismissed` (an administrator decided an uncertain share is not to be sent again), `deleted`,
`failed` (certainly not made: the next cycle may share again), `manual` (withdrawn from the blog, but Telegram
no longer lets the bot delete it: the officer deletes it by hand). At most one share per story and channel is
current (`sending`, `live`, `uncertain`, `dismissed`): a unique index keeps a second from ever being begun.
Every change of state is a compare-and-set on the state it leaves.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from .store import Store, json_list, utc_text

CURRENT = ("sending", "live", "uncertain", "dismissed")
_MOVABLE = {"remote_id", "url", "photo", "digest", "error", "sent_at"}


@dataclass(frozen=True)
class Share:
    id: int
    code: str
    channel: str
    state: str
    link: str
    remote_id: str | None
    url: str | None
    photo: bool
    digest: str
    error: str | None
    created_at: str
    sent_at: str | None

    @classmethod
    def from_row(cls, r: sqlite3.Row) -> Share:
        return cls(
            r["id"], r["code"], r["channel"], r["state"], r["link"], r["remote_id"], r["url"], bool(r["photo"]),
            r["digest"], r["error"], r["created_at"], r["sent_at"],
        )  # fmt: skip


class Shares:
    def __init__(self, store: Store) -> None:
        self._store = store

    def begin(self, code: str, channel: str, link: str, digest: str) -> Share | None:
        """The intent of a new share (`sending`), or None when the story already has a current one there."""
        now = self._store.now()
        try:
            cur = self._store.db.execute(
                """INSERT INTO social_shares (code, channel, state, link, digest, created_at, updated_at)
                   VALUES (?, ?, 'sending', ?, ?, ?, ?)""",
                (code, channel, link, digest, now, now),
            )
        except sqlite3.IntegrityError:
            return None
        return self.by_id(int(cur.lastrowid or 0))

    def move(self, share: Share, sources: Sequence[str], state: str, **columns: object) -> bool:
        """`state` (and `columns`) for the share if it is still in one of `sources`; False when it was not."""
        unknown = set(columns) - _MOVABLE
        if unknown:
            raise ValueError(f"not a share column to move with: {sorted(unknown)}")
        assignments = ", ".join(["state = ?", "updated_at = ?", *(f"{name} = ?" for name in columns)])
        marks = ", ".join("?" for _ in sources)
        cur = self._store.db.execute(
            f"UPDATE social_shares SET {assignments} WHERE id = ? AND state IN ({marks})",
            (state, self._store.now(), *columns.values(), share.id, *sources),
        )
        return cur.rowcount == 1

    def by_id(self, share_id: int) -> Share | None:
        row = self._store.db.execute("SELECT * FROM social_shares WHERE id = ?", (share_id,)).fetchone()
        return None if row is None else Share.from_row(row)

    def current(self) -> dict[tuple[str, str], Share]:
        """(code, channel) -> the story's current share there."""
        marks = ", ".join("?" for _ in CURRENT)
        rows = self._store.db.execute(f"SELECT * FROM social_shares WHERE state IN ({marks})", CURRENT)
        return {(r["code"], r["channel"]): Share.from_row(r) for r in rows}

    def of(self, code: str) -> list[Share]:
        rows = self._store.db.execute("SELECT * FROM social_shares WHERE code = ? ORDER BY id", (code,))
        return [Share.from_row(r) for r in rows]

    def listing(self, states: Sequence[str] = ()) -> list[Share]:
        """Every share, oldest first; with `states`, only those in them."""
        query = "SELECT * FROM social_shares WHERE ? = '[]' OR state IN (SELECT value FROM json_each(?)) ORDER BY id"
        wanted = json_list(states)
        return [Share.from_row(r) for r in self._store.db.execute(query, (wanted, wanted))]

    def counts(self) -> dict[str, int]:
        rows = self._store.db.execute("SELECT state, COUNT(*) FROM social_shares GROUP BY state")
        return {str(state): int(count) for state, count in rows}

    def made_between(self, start: datetime, end: datetime) -> list[tuple[str, str, int]]:
        """(channel, kecamatan, number of stories shared there) for shares made in [start, end)."""
        rows = self._store.db.execute(
            """SELECT s.channel, COALESCE(m.kecamatan, ''), COUNT(DISTINCT s.code)
               FROM social_shares s LEFT JOIN submissions m ON m.code = s.code
               WHERE s.sent_at >= ? AND s.sent_at < ? AND s.remote_id IS NOT NULL
               GROUP BY s.channel, m.kecamatan ORDER BY s.channel, m.kecamatan""",
            (utc_text(start), utc_text(end)),
        )
        return [(str(c), str(k), int(n)) for c, k, n in rows]
