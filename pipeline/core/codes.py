"""Reference codes (`MM-20261122-0007`): one per response, printed on the post, the key of every row."""

from __future__ import annotations

import re
from datetime import date

PREFIX = "MM"
_PATTERN = re.compile(r"^([A-Z]{2})-(\d{8})-(\d{4,})$")


def format_code(day: date, sequence: int, prefix: str = PREFIX) -> str:
    return f"{prefix}-{day:%Y%m%d}-{sequence:04d}"


def is_code(text: str) -> bool:
    return bool(_PATTERN.match(text.strip()))
