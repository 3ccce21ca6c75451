"""The `intents` and `events` tables: every side effect recorded before it runs, and what happened, in order.

An intent is opened before a remote call and closed (done or failed) after it returned, so a crash leaves it
open for the next cycle to reconcile. Events are the audit trail that notices and reports are read from.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..core.decide import PostState
from ..core.model import Status
from .store import Store, json_list, utc_text


@dataclass(frozen=True)
class Intent:
    id: int
    code: str
    action: str
    payload: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True)
class Event:
    code: str | None
    at: datetime
    kind: str
    detail: dict[str, Any]


def jsonable(detail: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.value if isinstance(v, PostState | Status) else v) for k, v in detail.items()}


def insert_event(db: sqlite3.Connection, at: str, code: str | None, kind: str, detail: dict[str, Any]) -> None:
    """An event, inside the caller's transaction when there is one."""
    db.execute(
        "INSERT INTO events (code, at, kind, detail) VALUES (?, ?, ?, ?)",
        (code, at, kind, json.dumps(jsonable(detail), ensure_ascii=False)),
    )


def _event(row: sqlite3.Row) -> Event:
    return Event(row["code"], datetime.fromisoformat(row["at"]), row["kind"], json.loads(row["detail"]))


class Events:
    def __init__(self, store: Store) -> None:
        self._store = store

    def record(self, code: str | None, kind: str, detail: dict[str, Any]) -> None:
        insert_event(self._store.db, self._store.now(), code, kind, detail)

    def after(self, event_id: int, kinds: Sequence[str]) -> list[tuple[int, Event]]:
        """Events of `kinds` newer than `event_id`, with their ids, oldest first."""
        rows = self._store.db.execute(
            "SELECT * FROM events WHERE id > ? AND kind IN (SELECT value FROM json_each(?)) ORDER BY id",
            (event_id, json_list(kinds)),
        )
        return [(int(r["id"]), _event(r)) for r in rows]

    def of(self, code: str | None = None) -> list[Event]:
        """Every event, or those about `code`, oldest first."""
        if code is None:
            rows = self._store.db.execute("SELECT * FROM events ORDER BY id")
        else:
            rows = self._store.db.execute("SELECT * FROM events WHERE code = ? ORDER BY id", (code,))
        return [_event(r) for r in rows]

    def last_id(self) -> int:
        return int(self._store.db.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0])

    def count_since(self, kind: str, since: datetime) -> int:
        row = self._store.db.execute(
            "SELECT COUNT(*) FROM events WHERE kind = ? AND at >= ?", (kind, utc_text(since))
        ).fetchone()
        return int(row[0])


class Intents:
    def __init__(self, store: Store) -> None:
        self._store = store

    def open(self, code: str, action: str, payload: dict[str, Any]) -> int:
        with self._store.transaction() as db:
            cur = db.execute(
                "INSERT INTO intents (code, action, payload, state, created_at) VALUES (?, ?, ?, 'open', ?)",
                (code, action, json.dumps(payload), self._store.now()),
            )
            return int(cur.lastrowid or 0)

    def close(self, intent_id: int, *, error: str | None = None) -> None:
        state = "failed" if error else "done"
        self._store.db.execute(
            "UPDATE intents SET state = ?, error = ?, finished_at = ? WHERE id = ?",
            (state, error, self._store.now(), intent_id),
        )

    @contextmanager
    def intended(self, code: str, action: str, payload: dict[str, Any] | None = None) -> Iterator[None]:
        """Record a side effect before it runs and as done or failed after; a crash leaves it open."""
        intent = self.open(code, action, payload or {})
        try:
            yield
        except Exception as exc:
            self.close(intent, error=str(exc) or type(exc).__name__)
            raise
        self.close(intent)

    def still_open(self, action: str | None = None) -> list[Intent]:
        query = "SELECT * FROM intents WHERE state = 'open'"
        params: tuple[str, ...] = ()
        if action:
            query += " AND action = ?"
            params = (action,)
        return [
            Intent(
                id=row["id"],
                code=row["code"],
                action=row["action"],
                payload=json.loads(row["payload"]),
                created_at=datetime.fromisoformat(row["created_at"]),
            )
            for row in self._store.db.execute(query + " ORDER BY id", params)
        ]

    def shared_files(self, code: str) -> list[str]:
        """Drive files this submission's photos may still be shared as: shared (or maybe, if a crash cut the
        call short) and not unshared since."""
        rows = self._store.db.execute(
            "SELECT action, payload, state FROM intents WHERE code = ? AND action IN ('share', 'unshare') ORDER BY id",
            (code,),
        )
        shared: dict[str, None] = {}
        for row in rows:
            file_id = str(json.loads(row["payload"]).get("file_id", ""))
            if row["action"] == "share":
                shared[file_id] = None
            elif row["state"] == "done":
                shared.pop(file_id, None)
        return [f for f in shared if f]

    def sharers(self, file_id: str) -> set[str]:
        """The submissions this Drive file may still be shared for (see `shared_files`): a photo two stories
        use stays public while either still shows it."""
        rows = self._store.db.execute(
            """SELECT code, action, state FROM intents
               WHERE action IN ('share', 'unshare') AND json_extract(payload, '$.file_id') = ? ORDER BY id""",
            (file_id,),
        )
        codes: set[str] = set()
        for row in rows:
            if row["action"] == "share":
                codes.add(str(row["code"]))
            elif row["state"] == "done":
                codes.discard(str(row["code"]))
        return codes
