"""Spreadsheet date serials (days since 1899-12-30, in the spreadsheet's time zone) to aware datetimes."""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

EPOCH = datetime(1899, 12, 30)
_TEXT_FORMATS = (
    "%m/%d/%Y %H:%M:%S",  # English Forms export
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H.%M.%S",  # Indonesian locale writes dots in times
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H.%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
)


def from_serial(serial: float, tz: tzinfo) -> datetime:
    naive = EPOCH + timedelta(days=serial)
    # Forms stores whole seconds; rounding hides float noise such as 08:14:59.9999.
    naive = (naive + timedelta(microseconds=500_000)).replace(microsecond=0)
    return naive.replace(tzinfo=tz)


def to_serial(moment: datetime, tz: tzinfo) -> float:
    local = moment.astimezone(tz).replace(tzinfo=None)
    return (local - EPOCH) / timedelta(days=1)


def parse_timestamp(value: object, tz: tzinfo) -> datetime | None:
    """A timestamp cell read unformatted (a serial) or, from hand-typed rows, as text."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return from_serial(float(value), tz)
    text = str(value).strip()
    if not text:
        return None
    try:
        return from_serial(float(text), tz)
    except ValueError:
        pass
    for fmt in _TEXT_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=tz)
        except ValueError:
            continue
    return None


def format_local(moment: datetime, tz: tzinfo) -> str:
    """How the review sheet shows a time: `2026-11-22 08:15` in the office's zone."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")
