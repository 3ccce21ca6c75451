"""Where reading the responses sheet resumes: the last rows seen, checked again on every read.

Google Forms only ever appends. The cycle reads the header and the rows from a little above the last row
it saw; when those overlap rows are not exactly the ones it remembers (a sort, a deleted or inserted row,
an edit near the end, a changed header), it falls back to reading the whole sheet.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

OVERLAP = 20

KeyOf = Callable[[Sequence[object]], str]


@dataclass(frozen=True)
class Bookmark:
    tab: str
    last_row: int  # 1-based sheet row of the last row read
    keys: tuple[str, ...]  # response keys of the rows ending at `last_row`, top to bottom
    header: tuple[str, ...]

    @property
    def start_row(self) -> int:
        """Where the next read begins: the first remembered row."""
        return self.last_row - len(self.keys) + 1

    def holds(self, header: Sequence[object], tail: Sequence[Sequence[object]], key_of: KeyOf) -> bool:
        """The rows read from `start_row` begin with exactly the remembered ones, under the same header."""
        if tuple(str(h) for h in header) != self.header or len(tail) < len(self.keys):
            return False
        return tuple(key_of(row) for row in tail[: len(self.keys)]) == self.keys

    def dumps(self) -> str:
        return json.dumps({"tab": self.tab, "last_row": self.last_row, "keys": self.keys, "header": self.header})

    @classmethod
    def loads(cls, text: str | None) -> Bookmark | None:
        if not text:
            return None
        try:
            raw: dict[str, Any] = json.loads(text)
            return cls(str(raw["tab"]), int(raw["last_row"]), tuple(raw["keys"]), tuple(raw["header"]))
        except (ValueError, KeyError, TypeError):
            return None  # unreadable: a full read makes a new one


def bookmark_after(
    tab: str, header: Sequence[object], first_row: int, rows: Sequence[Sequence[object]], key_of: KeyOf
) -> Bookmark | None:
    """The bookmark after reading `rows`, the first of which is sheet row `first_row`."""
    if not rows:
        return None
    kept = rows[-OVERLAP:]
    return Bookmark(
        tab=tab,
        last_row=first_row + len(rows) - 1,
        keys=tuple(key_of(row) for row in kept),
        header=tuple(str(h) for h in header),
    )
