"""Blogger's daily cap on new posts: when the quota day started and when it turns."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


def quota_day(now: datetime, quota_tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Start and end of the quota day holding `now`, as aware datetimes."""
    local = now.astimezone(quota_tz)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    # Adding a day to the local date (not 24 hours) keeps the turn at midnight across DST changes.
    end = datetime.combine(start.date() + timedelta(days=1), start.timetz().replace(tzinfo=None), quota_tz)
    return start, end
