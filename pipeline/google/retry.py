"""Bounded retries with exponential backoff and full jitter, honouring Retry-After; the sleep is injectable.

gspread's own BackOffHTTPClient never gives up, and googleapiclient's num_retries cannot be told to stop
within a cycle's budget, so every Google call goes through this one policy instead.
"""

from __future__ import annotations

import logging
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from .errors import GoogleApiError, translate

T = TypeVar("T")
log = logging.getLogger("mymein.retry")


@dataclass
class RetryPolicy:
    attempts: int = 4
    base_delay: float = 1.0
    max_delay: float = 30.0
    # Waiting for retries in one cycle stops here; what is left fails fast and waits for the next cycle.
    cycle_budget: float = 90.0
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[float], float] = field(default=lambda upper: random.uniform(0, upper))
    waited: float = 0.0
    # Requests sent (retries included) per API method since the cycle began: `mymein status` shows the day's.
    calls: Counter[str] = field(default_factory=Counter)

    def new_cycle(self) -> None:
        self.waited = 0.0
        self.calls.clear()

    def delay(self, attempt: int, error: GoogleApiError) -> float:
        if error.retry_after is not None:
            return min(error.retry_after, self.max_delay)
        return self.jitter(min(self.max_delay, self.base_delay * 2**attempt))

    def call(self, api: str, fn: Callable[[], T], *, idempotent: bool = True) -> T:
        """Run `fn`; retry what Google says is temporary; raise `GoogleApiError` when it is not, or at the end.

        A call that is not idempotent (creating a post) is never resent when its outcome is unknown: the
        caller's intent stays open and reconciliation finds out whether it happened.
        """
        attempt = 0
        while True:
            self.calls[api] += 1
            try:
                return fn()
            except Exception as exc:
                error = translate(api, exc)
                if error is None:
                    raise
                if not error.retryable or attempt + 1 >= self.attempts or (not idempotent and error.outcome_unknown):
                    raise error from exc
                wait = self.delay(attempt, error)
                if self.waited + wait > self.cycle_budget:
                    log.warning("%s failed (%s); the cycle's retry budget is spent, next cycle", api, error)
                    raise error from exc
                self.waited += wait
                log.warning("%s failed (%s); retry %d/%d in %.1fs", api, error, attempt + 1, self.attempts - 1, wait)
                self.sleep(wait)
                attempt += 1
