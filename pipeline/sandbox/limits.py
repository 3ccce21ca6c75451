"""Google's limits on Sheets, switchable: requests per minute, cells per spreadsheet, characters per cell.

Per-minute quotas are off unless asked for (`POST /_sandbox/limits`): most tests are about other things and
would only wait. The size limits are on: they are facts of every spreadsheet, and cost nothing to check.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any

from .errors import ApiError, bad_request

WINDOW_SECONDS = 60.0
# Methods that only read; every other Sheets method counts against the write quota, as Google counts them.
GOOGLE_QUOTAS = {"sheets_per_minute_user": 60, "sheets_per_minute_project": 300}
READS = {"sheets.spreadsheets.get", "sheets.spreadsheets.values.get", "sheets.spreadsheets.values.batchGet"}


@dataclass
class Limits:
    """None turns a limit off. Google's numbers: 60 per minute per user, 300 per project, for reads and
    writes separately; 10 million cells per spreadsheet; 50,000 characters per cell."""

    sheets_per_minute_user: int | None = None
    sheets_per_minute_project: int | None = None
    cells_per_spreadsheet: int | None = 10_000_000
    chars_per_cell: int | None = 50_000

    def update(self, body: Any) -> None:
        if not isinstance(body, dict):
            raise bad_request('expected {"sheets_per_minute_user": 60, ...} or {"google": true}')
        known = {f.name for f in fields(self)}
        given: dict[str, Any] = dict(GOOGLE_QUOTAS) if body.pop("google", False) else {}
        given.update(body)
        unknown = set(given) - known
        if unknown:
            raise bad_request(f"unknown limits: {sorted(unknown)}; known: {sorted(known)}")
        for name, value in given.items():
            if value is not None and (not isinstance(value, int) or value < 1):
                raise bad_request(f"{name} must be a positive integer or null")
            setattr(self, name, value)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


class RateCounter:
    """Requests in the last minute, per (kind, user) and per kind for the whole project."""

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock
        self._seen: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def admit(self, limits: Limits, method_id: str, user: str) -> None:
        """Count one Sheets call, or refuse it with Google's 429 when a per-minute quota is spent."""
        if not method_id.startswith("sheets.") or (
            limits.sheets_per_minute_user is None and limits.sheets_per_minute_project is None
        ):
            return
        kind = "read" if method_id in READS else "write"
        now = self.clock().timestamp()
        with self._lock:
            mine = self._recent((kind, user), now)
            everyone = self._recent((kind, "*"), now)
            if limits.sheets_per_minute_user is not None and len(mine) >= limits.sheets_per_minute_user:
                raise _exhausted(kind, "user", limits.sheets_per_minute_user)
            if limits.sheets_per_minute_project is not None and len(everyone) >= limits.sheets_per_minute_project:
                raise _exhausted(kind, "project", limits.sheets_per_minute_project)
            mine.append(now)
            everyone.append(now)

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        seen = self._seen.setdefault(key, deque())
        while seen and seen[0] <= now - WINDOW_SECONDS:
            seen.popleft()
        return seen


def _exhausted(kind: str, scope: str, limit: int) -> ApiError:
    metric = "Read requests" if kind == "read" else "Write requests"
    limit_name = f"{metric} per minute per {scope}"
    message = (
        f"Quota exceeded for quota metric '{metric}' and limit '{limit_name}' of service "
        "'sheets.googleapis.com' for consumer 'project_number:000000000000'."
    )
    detail = {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        "reason": "RATE_LIMIT_EXCEEDED",
        "domain": "googleapis.com",
        "metadata": {
            "quota_metric": f"sheets.googleapis.com/{kind}_requests",
            "quota_limit": f"{kind.capitalize()}RequestsPerMinutePer{scope.capitalize()}",
            "quota_limit_value": str(limit),
            "service": "sheets.googleapis.com",
            "consumer": "projects/000000000000",
        },
    }
    return ApiError(429, message, "RESOURCE_EXHAUSTED", details=[detail])


def check_cell_text(limits: Limits, payload: Any) -> None:
    """400 when any text a request would put in one cell is longer than Google allows."""
    limit = limits.chars_per_cell
    if limit is None:
        return
    for text in _texts(payload):
        if len(text) > limit:
            raise bad_request(f"Your input contains more than the maximum of {limit} characters in a single cell.")


def _texts(payload: Any) -> Any:
    stack = [payload]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def check_cells(limits: Limits, total: int) -> None:
    if limits.cells_per_spreadsheet is not None and total > limits.cells_per_spreadsheet:
        raise bad_request(
            "This action would increase the number of cells in the workbook above the limit of "
            f"{limits.cells_per_spreadsheet} cells."
        )
