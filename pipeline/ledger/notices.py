"""The `notices` table: e-mails queued once by what they are about (`key`), and their delivery state.

The states and what moves a notice between them are the outbox's (`ledger.outbox`); here is how they are kept.
Every change of state is a compare-and-set on the state it leaves, so a command run while a cycle sends never
makes a notice go out twice.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from .store import Store, json_list


@dataclass(frozen=True)
class Notice:
    id: int
    key: str
    code: str | None
    kind: str
    recipient: str
    subject: str
    body: str
    attempts: int
    state: str = "pending"
    error: str | None = None
    created_at: str = ""
    sent_at: str | None = None
    retry_at: str | None = None
    attachment: str | None = None  # a file sent with it (the week's bulletin)

    @classmethod
    def from_row(cls, r: sqlite3.Row) -> Notice:
        return cls(
            r["id"],
            r["key"],
            r["code"],
            r["kind"],
            r["recipient"],
            r["subject"],
            r["body"],
            r["attempts"],
            r["state"],
            r["error"],
            r["created_at"],
            r["sent_at"],
            r["retry_at"],
            r["attachment"],
        )


# Columns a move may set besides `state`.
_MOVABLE = {"attempts", "error", "retry_at", "sent_at"}


class Notices:
    def __init__(self, store: Store) -> None:
        self._store = store

    def add(
        self,
        key: str,
        code: str | None,
        kind: str,
        recipient: str,
        subject: str,
        body: str,
        attachment: str | None = None,
    ) -> bool:
        """Queue a notice (`pending`) unless one with this key was ever queued; True when it is new."""
        cur = self._store.db.execute(
            """INSERT OR IGNORE INTO notices (key, code, kind, recipient, subject, body, created_at, attachment)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            (key, code, kind, recipient, subject, body, self._store.clock_text(), attachment),
        )
        return cur.rowcount == 1

    def add_failed(self, key: str, code: str | None, kind: str, recipient: str, reason: str) -> bool:
        """Record, once, a notice that is not to be sent, as `failed` with `reason`; True when it is new."""
        cur = self._store.db.execute(
            """INSERT OR IGNORE INTO notices (key, code, kind, recipient, subject, body, state, error, created_at)
               VALUES (?, ?, ?, ?, '', '', 'failed', ?, ?)""",
            (key, code, kind, recipient, reason, self._store.clock_text()),
        )
        return cur.rowcount == 1

    def latest_failed(self, limit: int) -> list[Notice]:
        """The latest notices that failed, newest first."""
        rows = self._store.db.execute("SELECT * FROM notices WHERE state = 'failed' ORDER BY id DESC LIMIT ?", (limit,))
        return [Notice.from_row(r) for r in rows]

    def due(self, at: str) -> list[Notice]:
        """Pending notices whose `retry_at`, if any, is not after `at`, oldest first."""
        rows = self._store.db.execute(
            "SELECT * FROM notices WHERE state = 'pending' AND (retry_at IS NULL OR retry_at <= ?) ORDER BY id", (at,)
        )
        return [Notice.from_row(r) for r in rows]

    def by_key(self, key: str) -> Notice | None:
        row = self._store.db.execute("SELECT * FROM notices WHERE key = ?", (key,)).fetchone()
        return None if row is None else Notice.from_row(row)

    def by_id(self, notice_id: int) -> Notice | None:
        row = self._store.db.execute("SELECT * FROM notices WHERE id = ?", (notice_id,)).fetchone()
        return None if row is None else Notice.from_row(row)

    def listing(self, states: Sequence[str] = ()) -> list[Notice]:
        """Every notice, oldest first; with `states`, only those in them."""
        query = "SELECT * FROM notices WHERE ? = '[]' OR state IN (SELECT value FROM json_each(?)) ORDER BY id"
        wanted = json_list(states)
        return [Notice.from_row(r) for r in self._store.db.execute(query, (wanted, wanted))]

    def counts(self) -> dict[str, int]:
        rows = self._store.db.execute("SELECT state, COUNT(*) FROM notices GROUP BY state")
        return {str(state): int(count) for state, count in rows}

    def move(self, notice: Notice, sources: Sequence[str], state: str, **columns: object) -> bool:
        """`state` (and `columns`) for the notice if it is still in one of `sources`; False when it was not."""
        unknown = set(columns) - _MOVABLE
        if unknown:
            raise ValueError(f"not a notice column to move with: {sorted(unknown)}")
        assignments = ", ".join(["state = ?", *(f"{name} = ?" for name in columns)])
        marks = ", ".join("?" for _ in sources)
        cur = self._store.db.execute(
            f"UPDATE notices SET {assignments} WHERE id = ? AND state IN ({marks})",
            (state, *columns.values(), notice.id, *sources),
        )
        return cur.rowcount == 1

    def doubt_interrupted(self, error: str) -> list[str]:
        """Notices left `sending` by a crash become `uncertain` with `error`; returns their keys."""
        keys = [r[0] for r in self._store.db.execute("SELECT key FROM notices WHERE state = 'sending'")]
        if keys:
            self._store.db.execute(
                "UPDATE notices SET state = 'uncertain', error = ? WHERE state = 'sending'", (error,)
            )
        return keys

    def doubt(self, codes: Sequence[str], reason: str) -> int:
        """Notices about `codes` not yet sent become `uncertain` with `reason`; returns how many."""
        with self._store.transaction() as db:
            cur = db.execute(
                "UPDATE notices SET state = 'uncertain', error = ? WHERE state IN ('pending', 'sending')"
                " AND code IN (SELECT value FROM json_each(?))",
                (reason, json_list(codes)),
            )
            return int(cur.rowcount)
