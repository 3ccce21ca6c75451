"""The read gate's rule (core/read_gate.py): plain values in, a reason (or None) out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pipeline.core.read_gate import GateMemory, reason_to_read

NOW = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
SEEN = {"REVIEW": "7@2026-11-22T00:59:00.000Z", "FORM": "3@2026-11-22T00:10:00.000Z"}
MEMORY = GateMemory(dict(SEEN), NOW - timedelta(seconds=60), ledger_mark=41, settled=True, held=("MM-1",))


def why(memory: GateMemory | None = MEMORY, seen: dict[str, str] | None = SEEN, **kw: object) -> str | None:
    args: dict[str, object] = {"now": NOW, "full_read_seconds": 300.0, "ledger_mark": 41, **kw}
    return reason_to_read(memory, seen, **args)  # type: ignore[arg-type]


def test_nothing_changed_and_no_full_read_due_skips_the_read() -> None:
    assert why() is None


def test_a_changed_version_of_either_spreadsheet_reads() -> None:
    assert "REVIEW" in (why(seen={**SEEN, "REVIEW": "8@2026-11-22T01:00:00.000Z"}) or "")
    assert "FORM" in (why(seen={**SEEN, "FORM": "3@2026-11-22T01:00:00.000Z"}) or "")  # the time alone moved


def test_a_spreadsheet_not_seen_at_the_last_read_reads() -> None:
    assert why(seen={**SEEN, "OTHER": "1@x"}) is not None


def test_the_full_read_comes_whatever_drive_says() -> None:
    assert why(now=NOW + timedelta(seconds=239)) is None
    assert "full read due" in (why(now=NOW + timedelta(seconds=240)) or "")


def test_a_clock_set_back_reads_rather_than_trusting_a_future_read() -> None:
    assert why(now=NOW - timedelta(hours=1)) is not None


def test_unsettled_cycle_no_memory_no_signal_or_a_ledger_changed_elsewhere_read() -> None:
    assert why(memory=GateMemory(dict(SEEN), NOW, 41, settled=False)) is not None  # a retry waits
    assert why(memory=None) is not None
    assert why(memory=GateMemory()) is not None
    assert why(seen=None) is not None  # Drive could not say
    assert "ledger" in (why(ledger_mark=42) or "")  # `mymein rebuild`, a notice requeued...


def test_zero_turns_the_gate_off() -> None:
    assert "off" in (why(full_read_seconds=0) or "")


def test_memory_round_trips_and_a_damaged_one_is_no_memory() -> None:
    assert GateMemory.loads(MEMORY.dumps()) == MEMORY
    assert GateMemory.loads(MEMORY.after_quiet_cycle(50).dumps()) == GateMemory(
        MEMORY.versions, MEMORY.full_read_at, 50, True, ("MM-1",)
    )
    for damaged in ("", None, "{", "[]", '{"full_read_at": "yesterday"}', '{"versions": 3}'):
        assert GateMemory.loads(damaged) is None or GateMemory.loads(damaged) == GateMemory(), damaged
