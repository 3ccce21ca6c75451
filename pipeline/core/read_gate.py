"""The read gate's rule: whether a cycle must read the sheets, from what Drive says now and what the last full
read saw. Pure; `cycle/gate.py` asks Drive and keeps the memory.

Why the version kept is the one seen *before* the read (not after the cycle's own write-back): Drive's version
says that a file changed, not who changed it, and how much one write raises it is not documented. Kept from
before the read, every change after that moment (the cycle's own write-back, and an officer's edit that lands
between our read and our write) shows as a different version, so the next cycle reads once more. That read
changes nothing and writes nothing, and the version it keeps is then current: one confirming read after a
busy cycle, never an endless loop, and no edit is ever skipped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class GateMemory:
    """What the last full read saw: Drive's `version@modifiedTime` per watched spreadsheet (taken before
    reading), when it read, the ledger's last event id when the cycle ended, whether it left work, and the rows
    it found still held (a quiet cycle sums them up again, as a full one would)."""

    versions: Mapping[str, str] = field(default_factory=dict)
    full_read_at: datetime | None = None
    ledger_mark: int = 0
    settled: bool = False
    held: tuple[str, ...] = ()

    def dumps(self) -> str:
        return json.dumps(
            {
                "versions": dict(sorted(self.versions.items())),
                "full_read_at": self.full_read_at.isoformat() if self.full_read_at else None,
                "ledger_mark": self.ledger_mark,
                "settled": self.settled,
                "held": list(self.held),
            },
            sort_keys=True,
        )

    @classmethod
    def loads(cls, text: str | None) -> GateMemory | None:
        """The memory kept; None when none is kept or it cannot be read (then the cycle reads)."""
        if not text:
            return None
        try:
            data = json.loads(text)
            at = data.get("full_read_at")
            versions = data.get("versions") or {}
            return cls(
                versions={str(k): str(v) for k, v in versions.items()},
                full_read_at=datetime.fromisoformat(at) if at else None,
                ledger_mark=int(data.get("ledger_mark") or 0),
                settled=bool(data.get("settled")),
                held=tuple(str(code) for code in data.get("held") or ()),
            )
        except (ValueError, TypeError, AttributeError):
            return None

    def after_quiet_cycle(self, ledger_mark: int) -> GateMemory:
        """The same memory, with the ledger's mark moved past what a quiet cycle itself recorded (notices)."""
        return GateMemory(self.versions, self.full_read_at, ledger_mark, self.settled, self.held)


def reason_to_read(
    memory: GateMemory | None,
    seen: Mapping[str, str] | None,
    *,
    now: datetime,
    full_read_seconds: float,
    ledger_mark: int,
) -> str | None:
    """Why this cycle must read the sheets (for the log), or None when it may skip the read.

    `seen`: Drive's `version@modifiedTime` of each watched spreadsheet now; None when Drive could not say.
    """
    if full_read_seconds <= 0:
        return "the read gate is off (schedule.full_read_seconds: 0)"
    if memory is None or memory.full_read_at is None:
        return "no full read remembered"
    if not memory.settled:
        return "the last cycle left work (a service down, a story waiting, a warning)"
    if seen is None:
        return "Drive could not say whether the spreadsheets changed"
    changed = sorted(sheet for sheet, version in seen.items() if memory.versions.get(sheet) != version)
    if changed:
        return f"changed since the last read: {', '.join(changed)}"
    if ledger_mark != memory.ledger_mark:
        return "the ledger changed outside the cycle"
    elapsed = (now - memory.full_read_at).total_seconds()
    if elapsed >= full_read_seconds or elapsed < 0:
        return f"full read due (every {full_read_seconds:g} s)"
    return None
