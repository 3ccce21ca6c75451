"""The ledger's `notices` table: e-mails queued once by what they are about, and their delivery state.

States: `pending` (to send, from `retry_at` on), `sending` (the request is on its way), `sent`, `failed`
(refused for good, not sent after `MAX_ATTEMPTS` attempts, or never sendable as its address is not one mailbox),
`uncertain` (the request left and its answer was lost, or a crash came while sending: it may have arrived, so it
is never resent by itself), `dismissed` (an administrator decided it is not to be sent). Only an administrator
moves a notice out of `uncertain`, `failed` or `dismissed` (`mymein notices resend` / `dismiss`).

Every change of state is a compare-and-set on the state it leaves, so a command run while a cycle sends
never makes a notice go out twice.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from . import Ledger

STATES = ("pending", "sending", "sent", "failed", "uncertain", "dismissed")
RESENDABLE = ("uncertain", "failed", "dismissed")
DISMISSABLE = ("pending", "uncertain", "failed")
# Attempts that certainly did not send: the first waits 5 minutes, each next one twice as long, at most 8 hours;
# the 12th failure gives up, about 42 hours after the first (a mail server's weekend is its administrator's
# to fix, and `mymein notices resend` sends a failed notice again).
MAX_ATTEMPTS = 12
FIRST_RETRY = timedelta(minutes=5)
LONGEST_RETRY = timedelta(hours=8)


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
        )


def retry_delay(attempts: int) -> timedelta:
    """How long a notice waits after its `attempts`-th attempt that did not send it."""
    doubled: timedelta = FIRST_RETRY * 2 ** max(0, attempts - 1)
    return min(LONGEST_RETRY, doubled)


class Outbox:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def enqueue(self, key: str, code: str | None, kind: str, recipient: str, subject: str, body: str) -> bool:
        """Queue a notice unless one with this key was ever queued; True when it is new."""
        cur = self.ledger.db.execute(
            """INSERT OR IGNORE INTO notices (key, code, kind, recipient, subject, body, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            (key, code, kind, recipient, subject, body, self._now()),
        )
        return cur.rowcount == 1

    def refuse(self, key: str, code: str | None, kind: str, recipient: str, reason: str) -> bool:
        """Record, once, a notice that cannot be sent (e.g. to an unusable address), as `failed` with `reason`:
        nothing is sent, and `mymein status` shows it. True when it is new."""
        cur = self.ledger.db.execute(
            """INSERT OR IGNORE INTO notices (key, code, kind, recipient, subject, body, state, error, created_at)
               VALUES (?, ?, ?, ?, '', '', 'failed', ?, ?)""",
            (key, code, kind, recipient, reason, self._now()),
        )
        return cur.rowcount == 1

    def failures(self, limit: int = 10) -> list[Notice]:
        """The latest notices that failed, newest first."""
        rows = self.ledger.db.execute("SELECT * FROM notices WHERE state = 'failed' ORDER BY id DESC LIMIT ?", (limit,))
        return [Notice.from_row(r) for r in rows]

    def pending(self, now: datetime | None = None) -> list[Notice]:
        """Notices to send now: pending, and past their `retry_at` when an earlier attempt did not send them."""
        at = (now or self.ledger.clock()).isoformat()
        rows = self.ledger.db.execute(
            "SELECT * FROM notices WHERE state = 'pending' AND (retry_at IS NULL OR retry_at <= ?) ORDER BY id", (at,)
        )
        return [Notice.from_row(r) for r in rows]

    def find(self, handle: str) -> Notice | None:
        """A notice by its key, or by its number as `mymein notices list` shows it (`7` or `#7`)."""
        row = self.ledger.db.execute("SELECT * FROM notices WHERE key = ?", (handle,)).fetchone()
        number = handle.removeprefix("#")
        if row is None and number.isdigit():
            row = self.ledger.db.execute("SELECT * FROM notices WHERE id = ?", (int(number),)).fetchone()
        return None if row is None else Notice.from_row(row)

    def listing(self, states: tuple[str, ...] = ()) -> list[Notice]:
        """Every notice, oldest first; with `states`, only those in them."""
        query = "SELECT * FROM notices WHERE ? = '[]' OR state IN (SELECT value FROM json_each(?)) ORDER BY id"
        wanted = json.dumps(list(states))
        return [Notice.from_row(r) for r in self.ledger.db.execute(query, (wanted, wanted))]

    def begin(self, notice: Notice) -> bool:
        """Claim a pending notice for sending; False when it is no longer pending (dismissed meanwhile)."""
        return self._move(notice, ("pending",), "sending", attempts=notice.attempts + 1)

    def sent(self, notice: Notice) -> None:
        self._move(notice, ("sending",), "sent", sent_at=self._now(), error=None, retry_at=None)

    def not_sent(self, notice: Notice, error: str) -> str:
        """The attempt certainly did not send it: back to `pending` after a pause, or `failed` after the last
        attempt. Returns the new state."""
        attempts = notice.attempts + 1  # this attempt, counted by `begin`
        if attempts >= MAX_ATTEMPTS:
            self._move(notice, ("sending",), "failed", error=f"not sent after {attempts} attempts; last: {error}")
            return "failed"
        retry_at = (self.ledger.clock() + retry_delay(attempts)).isoformat()
        self._move(notice, ("sending",), "pending", error=error, retry_at=retry_at)
        return "pending"

    def failed(self, notice: Notice, error: str) -> None:
        self._move(notice, ("sending",), "failed", error=error)

    def uncertain(self, notice: Notice, error: str) -> None:
        self._move(notice, ("sending",), "uncertain", error=error)

    def settle_interrupted(self) -> list[str]:
        """Notices a crash caught while sending: marked uncertain, never resent by themselves. Returns their keys."""
        keys = [r[0] for r in self.ledger.db.execute("SELECT key FROM notices WHERE state = 'sending'")]
        if keys:
            self.ledger.db.execute(
                "UPDATE notices SET state = 'uncertain', error = ? WHERE state = 'sending'",
                ("the process stopped while sending, before the answer came",),
            )
        return keys

    def requeue(self, notice: Notice) -> bool:
        """An administrator's resend: back to `pending` with fresh attempts, whatever it may have done before."""
        return self._move(notice, RESENDABLE, "pending", attempts=0, retry_at=None)

    def dismiss(self, notice: Notice) -> bool:
        return self._move(notice, DISMISSABLE, "dismissed", retry_at=None)

    def counts(self) -> dict[str, int]:
        rows = self.ledger.db.execute("SELECT state, COUNT(*) FROM notices GROUP BY state")
        return {str(state): int(count) for state, count in rows}

    def _now(self) -> str:
        return self.ledger.clock().isoformat()

    def _move(self, notice: Notice, sources: tuple[str, ...], state: str, **columns: object) -> bool:
        assignments = ", ".join(["state = ?", *(f"{name} = ?" for name in columns)])
        marks = ", ".join("?" for _ in sources)
        cur = self.ledger.db.execute(
            f"UPDATE notices SET {assignments} WHERE id = ? AND state IN ({marks})",
            (state, *columns.values(), notice.id, *sources),
        )
        return cur.rowcount == 1
