"""The ledger: codes per day, exactly-once bookkeeping, intents and events survive a reopen."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from pipeline.core.decide import PostState
from pipeline.core.model import Status, Submission
from pipeline.ledger import MIGRATIONS, Ledger

NOW = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)


def submission(title: str = "Judul", problems: tuple[str, ...] = ()) -> Submission:
    return Submission(NOW, "a@example.com", "Juai", "Juai", "Siti", title, "Isi berita.", (), problems)


def test_codes_count_per_local_day(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "l.sqlite3", clock=lambda: NOW)
    a = ledger.add_submission("k1", submission(), date(2026, 11, 22))
    b = ledger.add_submission("k2", submission(), date(2026, 11, 22))
    c = ledger.add_submission("k3", submission(), date(2026, 11, 23))
    assert (a.code, b.code, c.code) == ("MM-20261122-0001", "MM-20261122-0002", "MM-20261123-0001")
    assert ledger.known_response_keys() == {"k1", "k2", "k3"}
    assert ledger.known_response_keys(["k3", "k9", "k1"]) == {"k1", "k3"}
    assert ledger.known_response_keys([]) == set()


def test_records_of_some_codes_only(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "l.sqlite3", clock=lambda: NOW)
    codes = [ledger.add_submission(f"k{i}", submission(f"Judul {i}"), date(2026, 11, 22)).code for i in range(5)]
    assert list(ledger.records(iter([codes[3], "MM-20991231-0001", codes[1]]))) == [codes[1], codes[3]]
    assert list(ledger.records()) == codes


def test_invalid_submission_is_kept_with_its_reason(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "l.sqlite3", clock=lambda: NOW)
    record = ledger.add_submission("k1", submission("", ("Judul berita kosong.",)), date(2026, 11, 22))
    assert record.status is Status.NEEDS_FIX and record.message == "Judul berita kosong."


def test_state_survives_reopening_and_migrations_run_once(tmp_path: Path) -> None:
    path = tmp_path / "l.sqlite3"
    ledger = Ledger(path, clock=lambda: NOW)
    record = ledger.add_submission("k1", submission(), date(2026, 11, 22))
    ledger.mark_queued([record.code])
    intent = ledger.open_intent(record.code, "insert", {"hash": "h"})
    ledger.set_outcome(
        record.code,
        Status.PUBLISHED,
        "Terbit di blog.",
        kind="posted",
        post_id="9",
        post_url="u",
        post_state=PostState.LIVE,
    )
    ledger.close()
    again = Ledger(path, clock=lambda: NOW)
    assert again.schema_version == len(MIGRATIONS)
    stored = again.get(record.code)
    assert stored is not None
    assert (stored.status, stored.post_id, stored.post_state, stored.queued) == (
        Status.PUBLISHED,
        "9",
        PostState.LIVE,
        True,
    )
    assert [i.id for i in again.open_intents("insert")] == [intent]
    again.close_intent(intent)
    assert again.open_intents() == []
    assert [e.kind for e in again.events(record.code)] == ["received", "queued", "posted"]


def test_the_same_story_sent_twice_is_marked_duplicate_of_the_first(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "l.sqlite3", clock=lambda: NOW)
    first = ledger.add_submission("k1", submission("Gotong royong"), date(2026, 11, 22))
    again = ledger.add_submission("k2", submission("gotong  ROYONG\u200b"), date(2026, 11, 22))
    other = ledger.add_submission("k3", submission("Lain"), date(2026, 11, 22))
    assert first.status is Status.WAITING and other.status is Status.WAITING
    assert again.status is Status.DUPLICATE and first.code in again.message
