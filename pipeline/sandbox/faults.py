"""Injected failures (`POST /_sandbox/faults`): status codes, dropped connections and delays per API method."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Any

from .errors import bad_request

ALLOWED_STATUS = {400, 429, 500, 502, 503, 504}  # 400: a definite refusal, nothing done


@dataclass
class FaultRule:
    match: str  # "<api>.<method>" (discovery id) or "*"
    after: int = 0  # matching calls that pass untouched before the rule fires
    times: int = 1  # how many calls it then affects
    status: int | None = 503
    drop: bool = False
    delay_ms: int = 0
    after_effect: bool = False  # run the call, then fail or drop its answer (a lost response)
    probability: float = 1.0  # chance that an eligible call is hit: storms of random failures
    body_contains: str | None = None  # only calls whose request body holds this text (one row of a batch)
    seen: int = 0
    fired: int = 0
    rng: random.Random = field(default_factory=random.Random, repr=False)

    @classmethod
    def parse(cls, raw: dict[str, Any]) -> FaultRule:
        if not isinstance(raw, dict) or not isinstance(raw.get("match"), str):
            raise bad_request("each fault rule needs a string 'match'")
        status = raw.get("status")
        drop = bool(raw.get("drop", False))
        delay = int(raw.get("delay_ms", 0))
        if status is None and not drop and not delay:
            status = 503
        if status is not None and int(status) not in ALLOWED_STATUS:
            raise bad_request(f"status must be one of {sorted(ALLOWED_STATUS)}")
        probability = float(raw.get("probability", 1.0))
        if not 0.0 <= probability <= 1.0:
            raise bad_request("probability must be between 0 and 1")
        return cls(
            match=raw["match"],
            after=int(raw.get("after", 0)),
            times=int(raw.get("times", 1)),
            status=int(status) if status is not None else None,
            drop=drop,
            delay_ms=delay,
            after_effect=bool(raw.get("after_effect", False)),
            probability=probability,
            body_contains=str(raw["body_contains"]) if raw.get("body_contains") is not None else None,
            # A seed makes a storm repeatable: the same rules hit the same calls in the same order.
            rng=random.Random(raw.get("seed")),
        )

    def applies_to(self, method_id: str, body: bytes = b"") -> bool:
        if self.body_contains is not None and self.body_contains.encode("utf-8") not in body:
            return False
        return self.match in ("*", method_id)


@dataclass
class Fault:
    status: int | None
    drop: bool
    delay_ms: int
    after_effect: bool


class FaultTable:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._generation = 0
        self.holding = 0  # requests waiting out a delay right now
        self._rules: list[FaultRule] = []

    def set(self, rules: list[dict[str, Any]]) -> None:
        parsed = [FaultRule.parse(r) for r in rules]
        with self._lock:
            self._rules = parsed
            self._bump()

    def clear(self) -> None:
        with self._lock:
            self._rules = []
            self._bump()

    def _bump(self) -> None:
        self._generation += 1
        self._changed.notify_all()

    def hold(self, delay_ms: int) -> bool:
        """Wait out an injected delay; False when the rules changed meanwhile, which ends every wait.

        Tests that kill a client in the middle of a held call clear the rules afterwards, so no server
        thread outlives them sleeping.
        """
        with self._lock:
            generation = self._generation
            self.holding += 1
            try:
                return self._changed.wait_for(lambda: self._generation != generation, delay_ms / 1000) is False
            finally:
                self.holding -= 1

    def describe(self) -> dict[str, Any]:
        with self._lock:
            rules = [{k: v for k, v in vars(r).items() if k != "rng"} for r in self._rules]
            return {"rules": rules, "holding": self.holding}

    def next_fault(self, method_id: str, body: bytes = b"") -> Fault | None:
        """Advance every matching rule's counter; return the first rule that fires for this call."""
        chosen: Fault | None = None
        with self._lock:
            for rule in self._rules:
                if not rule.applies_to(method_id, body):
                    continue
                rule.seen += 1
                if chosen is None and rule.seen > rule.after and rule.fired < rule.times and self._hits(rule):
                    rule.fired += 1
                    chosen = Fault(rule.status, rule.drop, rule.delay_ms, rule.after_effect)
        return chosen

    @staticmethod
    def _hits(rule: FaultRule) -> bool:
        return rule.probability >= 1.0 or rule.rng.random() < rule.probability
