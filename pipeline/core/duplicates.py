"""Whether a new submission repeats a recent one: the same story sent twice, perhaps retyped a little."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

from .text import fold

MIN_BODY = 40  # shorter bodies say too little to call two stories the same


@dataclass(frozen=True)
class Earlier:
    """A recent submission from the same operator or village."""

    code: str
    title: str
    body: str


def similarity(a: str, b: str) -> float:
    """0..1, on case- and space-folded text; cheap upper bounds first, as most pairs are far apart."""
    a, b = fold(a), fold(b)
    if a == b:
        return 1.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < 0.5 or matcher.quick_ratio() < 0.5:
        return 0.0
    return matcher.ratio()


def near_duplicate_of(title: str, body: str, earlier: Iterable[Earlier], threshold: float) -> str | None:
    """The code of the first earlier submission whose title or body is near-identical, else None."""
    for other in earlier:
        if title and other.title and similarity(title, other.title) >= threshold:
            return other.code
        if min(len(body), len(other.body)) >= MIN_BODY and similarity(body, other.body) >= threshold:
            return other.code
    return None
