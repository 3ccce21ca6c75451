"""The life of a row the write-back appends to a side tab (Tanggapan, Operator, Pengaduan), kept in the table
the row comes from: `new`, then `sending` just before the batchUpdate that appends it, then `written` when the
call returned (or `new` again when Google refused it). A row found `sending` later (the answer was lost) is
looked for on the tab, never blindly appended again: `settle` makes it `written` or `new`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from .store import Store

NEW, SENDING, WRITTEN = "new", "sending", "written"
UNWRITTEN = (NEW, SENDING)
_STATES = (NEW, SENDING, WRITTEN)


class SideRows:
    """The new -> sending -> written cycle of one table's rows: `key` names each row (as the write-back's
    `TabRows.ids` do), `state` is the column that holds where it stands."""

    def __init__(self, store: Store, table: str, key: str, state: str = "state") -> None:
        self._store = store
        self._table = table
        self._key = key
        self._state = state

    def any(self, states: Collection[str] = UNWRITTEN) -> bool:
        """Whether a row is in one of `states` (by default: not yet known to be on the tab)."""
        marks = ", ".join("?" for _ in states)
        row = self._store.db.execute(
            f"SELECT 1 FROM {self._table} WHERE {self._state} IN ({marks}) LIMIT 1", tuple(states)
        ).fetchone()
        return row is not None

    def settle(self, on_tab: Collection[str], states: Collection[str] = UNWRITTEN, by: str | None = None) -> None:
        """Rows in `states`: `written` when the tab shows them (their `by` column's value is in `on_tab`; their
        key by default), else `new`, to go in this cycle's write-back."""
        marks = ", ".join("?" for _ in states)
        with self._store.transaction() as db:
            rows = db.execute(
                f"SELECT {self._key}, {by or self._key} FROM {self._table} WHERE {self._state} IN ({marks})",
                tuple(states),
            ).fetchall()
            db.executemany(
                f"UPDATE {self._table} SET {self._state} = ? WHERE {self._key} = ?",
                [(WRITTEN if shown is not None and str(shown) in on_tab else NEW, key) for key, shown in rows],
            )

    def mark(self, keys: Iterable[str], state: str) -> None:
        """`sending` just before the write-back; `written` when it returned; `new` when Google refused it."""
        if state not in _STATES:
            raise ValueError(f"not a side-tab row state: {state}")
        with self._store.transaction() as db:
            db.executemany(
                f"UPDATE {self._table} SET {self._state} = ? WHERE {self._key} = ?", [(state, key) for key in keys]
            )
