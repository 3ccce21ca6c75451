"""The ledger's `notices` table: e-mails queued once by what they are about, and their delivery state.

States: `pending` (to send), `sending` (the mail server is being asked), `sent`, `failed` (refused for
good, or too many attempts), `uncertain` (a crash came while sending: never resent, so never twice).
"""

from __future__ import annotations

from dataclasses import dataclass

from .ledger import Ledger

MAX_ATTEMPTS = 10


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


class Outbox:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def enqueue(self, key: str, code: str | None, kind: str, recipient: str, subject: str, body: str) -> bool:
        """Queue a notice unless one with this key was ever queued; True when it is new."""
        cur = self.ledger.db.execute(
            """INSERT OR IGNORE INTO notices (key, code, kind, recipient, subject, body, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            (key, code, kind, recipient, subject, body, self.ledger.clock().isoformat()),
        )
        return cur.rowcount == 1

    def refuse(self, key: str, code: str | None, kind: str, recipient: str, reason: str) -> bool:
        """Record, once, a notice that cannot be sent (e.g. to an unusable address), as failed with `reason`:
        nothing is sent, and `mymein status` shows it."""
        cur = self.ledger.db.execute(
            """INSERT OR IGNORE INTO notices (key, code, kind, recipient, subject, body, state, error, created_at)
               VALUES (?, ?, ?, ?, '', '', 'failed', ?, ?)""",
            (key, code, kind, recipient, reason, self.ledger.clock().isoformat()),
        )
        return cur.rowcount == 1

    def failures(self, limit: int = 10) -> list[tuple[str, str, str]]:
        """The latest notices that failed: (code or key, kind, error)."""
        rows = self.ledger.db.execute(
            "SELECT key, code, kind, error FROM notices WHERE state = 'failed' ORDER BY id DESC LIMIT ?", (limit,)
        )
        return [(str(r["code"] or r["key"]), str(r["kind"]), str(r["error"] or "")) for r in rows]

    def pending(self) -> list[Notice]:
        rows = self.ledger.db.execute("SELECT * FROM notices WHERE state = 'pending' ORDER BY id")
        return [
            Notice(r["id"], r["key"], r["code"], r["kind"], r["recipient"], r["subject"], r["body"], r["attempts"])
            for r in rows
        ]

    def begin(self, notice: Notice) -> None:
        self._set(notice.id, "sending", attempts=notice.attempts + 1)

    def sent(self, notice: Notice) -> None:
        self._set(notice.id, "sent", sent_at=self.ledger.clock().isoformat())

    def retry_later(self, notice: Notice, error: str) -> None:
        state = "failed" if notice.attempts + 1 >= MAX_ATTEMPTS else "pending"
        self._set(notice.id, state, error=error)

    def failed(self, notice: Notice, error: str) -> None:
        self._set(notice.id, "failed", error=error)

    def settle_interrupted(self) -> list[str]:
        """Notices a crash caught while sending: marked uncertain, never resent. Returns their keys."""
        keys = [r[0] for r in self.ledger.db.execute("SELECT key FROM notices WHERE state = 'sending'")]
        if keys:
            self.ledger.db.execute("UPDATE notices SET state = 'uncertain' WHERE state = 'sending'")
        return keys

    def counts(self) -> dict[str, int]:
        rows = self.ledger.db.execute("SELECT state, COUNT(*) FROM notices GROUP BY state")
        return {str(state): int(count) for state, count in rows}

    def _set(self, notice_id: int, state: str, **columns: object) -> None:
        assignments = ", ".join(["state = ?", *(f"{name} = ?" for name in columns)])
        self.ledger.db.execute(f"UPDATE notices SET {assignments} WHERE id = ?", (state, *columns.values(), notice_id))
