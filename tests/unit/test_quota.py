"""The quota day turns at local midnight of the quota's zone, also on the days clocks change."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from pipeline.core.quota import quota_day

PACIFIC = ZoneInfo("America/Los_Angeles")


def test_the_day_holding_a_moment_starts_and_ends_at_pacific_midnight() -> None:
    start, end = quota_day(datetime(2026, 11, 22, 9, 0, tzinfo=UTC), PACIFIC)
    assert (start.isoformat(), end.isoformat()) == ("2026-11-22T00:00:00-08:00", "2026-11-23T00:00:00-08:00")


def test_a_day_when_clocks_go_back_lasts_twenty_five_hours() -> None:
    start, end = quota_day(datetime(2026, 11, 1, 12, 0, tzinfo=UTC), PACIFIC)
    assert (end.astimezone(UTC) - start.astimezone(UTC)).total_seconds() == 25 * 3600
    assert end.astimezone(PACIFIC).hour == 0
