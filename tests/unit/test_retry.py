"""Retries end: per call after `attempts`, per cycle when the waiting budget is spent; Retry-After is honoured."""

from __future__ import annotations

import pytest

from pipeline.google.errors import GoogleApiError
from pipeline.google.retry import RetryPolicy


def unavailable(calls: list[int], retry_after: float | None = None) -> GoogleApiError:
    calls.append(1)
    return GoogleApiError("sheets.spreadsheets.values.get", 503, "unavailable", retry_after=retry_after)


def test_the_cycle_budget_stops_retrying_and_a_new_cycle_starts_afresh() -> None:
    slept: list[float] = []
    policy = RetryPolicy(attempts=10, base_delay=1, cycle_budget=3, sleep=slept.append, jitter=lambda upper: upper)
    calls: list[int] = []

    def failing() -> None:
        raise unavailable(calls)

    with pytest.raises(GoogleApiError):
        policy.call("sheets.spreadsheets.values.get", failing)
    assert slept == [1, 2] and len(calls) == 3  # a third wait of 4 s would pass the 3 s budget
    with pytest.raises(GoogleApiError):
        policy.call("sheets.spreadsheets.values.get", failing)
    assert slept == [1, 2] and len(calls) == 4  # spent: fails at once until the next cycle
    policy.new_cycle()
    with pytest.raises(GoogleApiError):
        policy.call("sheets.spreadsheets.values.get", failing)
    assert slept == [1, 2, 1, 2]


def test_retry_after_is_honoured_up_to_the_cap() -> None:
    slept: list[float] = []
    policy = RetryPolicy(attempts=3, max_delay=30, sleep=slept.append)
    calls: list[int] = []

    def once_then_ok() -> str:
        if len(calls) < 2:
            raise unavailable(calls, retry_after=7 if not calls else 120)
        return "ok"

    assert policy.call("sheets.spreadsheets.values.get", once_then_ok) == "ok"
    assert slept == [7, 30]
