"""The notices' outbox: retries spaced out and bounded, and every move a compare-and-set on the state it leaves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from pipeline.ledger import Ledger
from pipeline.ledger.outbox import MAX_ATTEMPTS, Outbox, retry_delay

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def test_retries_wait_longer_each_time_and_give_up_after_about_two_days() -> None:
    assert [retry_delay(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (5, 10, 20)]
    assert retry_delay(MAX_ATTEMPTS) == timedelta(hours=8)
    total = sum((retry_delay(n) for n in range(1, MAX_ATTEMPTS)), timedelta())
    assert timedelta(hours=36) < total < timedelta(hours=48)


def test_a_dismissed_notice_is_never_claimed_by_a_cycle_that_listed_it_before(tmp_path: Path) -> None:
    outbox = Outbox(Ledger(tmp_path / "l.sqlite3", clock=lambda: NOW))
    outbox.enqueue("published:MM-20261122-0001", "MM-20261122-0001", "published", "a@b.example", "s", "b")
    [listed] = outbox.pending()  # a cycle read the queue...
    assert outbox.dismiss(listed)  # ...the administrator dismissed it meanwhile...
    assert not outbox.begin(listed)  # ...so the cycle does not send it
    assert outbox.counts() == {"dismissed": 1}


def test_a_resent_notice_starts_its_attempts_afresh_and_a_sent_one_is_never_requeued(tmp_path: Path) -> None:
    now = {"t": NOW}
    outbox = Outbox(Ledger(tmp_path / "l.sqlite3", clock=lambda: now["t"]))
    outbox.enqueue("k", None, "reminder", "a@b.example", "s", "b")
    [notice] = outbox.pending()
    assert outbox.begin(notice)
    assert outbox.not_sent(notice, "451 try later") == "pending"
    assert outbox.pending() == []  # waits for its retry time
    now["t"] += timedelta(minutes=5)
    [notice] = outbox.pending()
    assert notice.attempts == 1 and notice.error == "451 try later"
    assert outbox.begin(notice)
    outbox.uncertain(notice, "no answer")
    uncertain = outbox.find("#1")
    assert uncertain is not None and outbox.dismiss(uncertain)  # dismissed, then the administrator thinks again
    dismissed = outbox.find("k")
    assert dismissed is not None and dismissed.state == "dismissed" and outbox.requeue(dismissed)
    again = outbox.find("1")
    assert again is not None and (again.state, again.attempts, again.retry_at) == ("pending", 0, None)
    assert outbox.begin(again)
    outbox.sent(again)
    assert not outbox.requeue(outbox.find("k") or again) and not outbox.dismiss(outbox.find("k") or again)
