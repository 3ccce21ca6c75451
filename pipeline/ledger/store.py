"""The ledger's open database, shared by its table modules: the connection, the clock and transactions.

Only modules of this package hold it; everything else speaks to the ledger through `Ledger` and its tables.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime


class Store:
    def __init__(self, db: sqlite3.Connection, clock: Callable[[], datetime]) -> None:
        self.db = db
        self.clock = clock

    def now(self) -> str:
        """The clock's time as the ledger writes most times: ISO 8601 in UTC."""
        return self.clock().astimezone(UTC).isoformat()

    def clock_text(self) -> str:
        """The clock's time as it is (the notices table has always kept it so)."""
        return self.clock().isoformat()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")


def json_list(values: Iterable[object]) -> str:
    """A list as one SQL parameter, read back with `json_each(?)`."""
    return json.dumps(list(values))


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def utc_text_or_none(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment is not None else None


def when(value: str | None) -> datetime | None:
    """A stored time, None when there is none."""
    return datetime.fromisoformat(value) if value else None
