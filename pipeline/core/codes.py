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


_IN_POST = re.compile(r"Kode berita:\s*(?:<[^>]*>\s*)*([A-Z]{2}-\d{8}-\d{4,})")


def code_in_post(html: str) -> str | None:
    """The reference code printed in a post's footer, if the post still carries it."""
    match = _IN_POST.search(html)
    return match.group(1) if match else None


def split_code(code: str) -> tuple[date, int] | None:
    """The day and sequence number a code was issued with."""
    match = _PATTERN.match(code.strip())
    if not match:
        return None
    digits = match.group(2)
    return date(int(digits[:4]), int(digits[4:6]), int(digits[6:])), int(match.group(3))
