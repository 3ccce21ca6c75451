"""Whether a new submission repeats a recent one: the same story sent twice, perhaps retyped a little.

Texts are compared by their character trigrams (Dice's coefficient over the multisets of three-letter pieces
of the case-, space- and punctuation-folded words), which follows a character-level edit ratio closely and
costs time linear in the text: at most `MAX_CHARS` characters of each text, against at most `MAX_CANDIDATES`
recent submissions. `difflib.SequenceMatcher`, used before, needed some 40 s for two 20,000-character bodies.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice

from .text import fold

MIN_BODY = 40  # shorter bodies say too little to call two stories the same
MAX_CHARS = 20_000  # the longest body validation accepts (`validate.Limits.body_max`); beyond it, not read
MAX_CANDIDATES = 20  # the ledger offers the 20 most recent; a longer list is cut here too
_GRAM = 3
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Earlier:
    """A recent submission from the same operator or village."""

    code: str
    title: str
    body: str


def _grams(text: str) -> Counter[str]:
    words = " ".join(_WORD.findall(fold(text[:MAX_CHARS])))
    if len(words) <= _GRAM:
        return Counter([words] if words else [])
    return Counter(words[i : i + _GRAM] for i in range(len(words) - _GRAM + 1))


def _dice(a: Counter[str], b: Counter[str]) -> float:
    total = a.total() + b.total()
    if not total:
        return 1.0  # two texts without a letter or digit: nothing tells them apart
    return 2 * (a & b).total() / total


def similarity(a: str, b: str) -> float:
    """0..1, on case-, space- and punctuation-folded text."""
    if fold(a[:MAX_CHARS]) == fold(b[:MAX_CHARS]):
        return 1.0
    return _dice(_grams(a), _grams(b))


def near_duplicate_of(title: str, body: str, earlier: Iterable[Earlier], threshold: float) -> str | None:
    """The code of the first earlier submission (most recent first, at most `MAX_CANDIDATES`) whose title or
    body is near-identical, else None."""
    title_grams = _grams(title) if title else None
    body_grams = _grams(body) if len(body) >= MIN_BODY else None
    for other in islice(earlier, MAX_CANDIDATES):
        if title_grams is not None and other.title and _similar(title, title_grams, other.title, threshold):
            return other.code
        if body_grams is not None and len(other.body) >= MIN_BODY and _similar(body, body_grams, other.body, threshold):
            return other.code
    return None


def _similar(text: str, grams: Counter[str], other: str, threshold: float) -> bool:
    if fold(text[:MAX_CHARS]) == fold(other[:MAX_CHARS]):
        return True
    return _dice(grams, _grams(other)) >= threshold
