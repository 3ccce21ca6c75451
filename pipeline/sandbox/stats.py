"""Call counters per API method (`GET /_sandbox/stats`), so tests and benchmarks can count calls, not time."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any


class CallStats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: Counter[str] = Counter()
        self._bytes_sent = 0
        self._bytes_decoded = 0

    def record(self, method_id: str) -> None:
        with self._lock:
            self._calls[method_id] += 1

    def add_bytes(self, n: int, decoded: int | None = None) -> None:
        """`n` bytes of body on the wire (after gzip), `decoded` before it (the same when not compressed)."""
        with self._lock:
            self._bytes_sent += n
            self._bytes_decoded += n if decoded is None else decoded

    def reset(self) -> None:
        with self._lock:
            self._calls.clear()
            self._bytes_sent = 0
            self._bytes_decoded = 0

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "calls": dict(sorted(self._calls.items())),
                "bytes_sent": self._bytes_sent,
                "bytes_decoded": self._bytes_decoded,
            }
