"""Worst case of the near-duplicate check for one new story, before and after its bounded method (#16).

The worst case: a new story with the longest body validation accepts (20,000 characters) from a village whose
20 most recent stories (what the ledger offers) are as long, over the same vocabulary (so a character matcher
cannot rule them out cheaply) and none a near-duplicate (so every one is compared).

    .venv/bin/python scripts/bench_duplicates.py [--before-candidates N] [--repeat N]

"Before" is the method as it was until this change (difflib.SequenceMatcher without autojunk on whole texts,
copied below): it runs for N candidates (default 1) and is scaled to 20, as one story would take many minutes.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Iterable
from difflib import SequenceMatcher

from pipeline.core.duplicates import MAX_CANDIDATES, MIN_BODY, Earlier, near_duplicate_of
from pipeline.core.text import fold
from pipeline.core.validate import DEFAULT_LIMITS

# Syllables of Indonesian-looking words: the texts share their letters, as two village stories do.
SYLLABLE_TEXT = (
    "ba be bi bo bu da de di do du ga gi gu ka ke ki ko ku la li lu ma me mi mo mu na ne ni no nu pa pe pi po pu "
    "ra re ri ro ru sa se si so su ta te ti to tu ja ju wa ya ng an in un ar er ir"
)
THRESHOLD = 0.9  # duplicates.similarity's default


def _vocabulary(seed: int, size: int = 800) -> list[str]:
    rng = random.Random(seed)
    syllables = SYLLABLE_TEXT.split(" ")
    return ["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(size)]


def _text(seed: int, words: list[str], length: int) -> str:
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < length:
        word = rng.choice(words)
        parts.append(word)
        size += len(word) + 1
    return " ".join(parts)[:length]


# --- the method before this change, for comparison ------------------------------------------------------
def old_similarity(a: str, b: str) -> float:
    a, b = fold(a), fold(b)
    if a == b:
        return 1.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < 0.5 or matcher.quick_ratio() < 0.5:
        return 0.0
    return matcher.ratio()


def old_near_duplicate_of(title: str, body: str, earlier: Iterable[Earlier], threshold: float) -> str | None:
    for other in earlier:
        if title and other.title and old_similarity(title, other.title) >= threshold:
            return other.code
        if min(len(body), len(other.body)) >= MIN_BODY and old_similarity(body, other.body) >= threshold:
            return other.code
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before-candidates", type=int, default=1, help="candidates the old method is timed on")
    parser.add_argument("--repeat", type=int, default=5, help="runs of the new method")
    args = parser.parse_args()
    length = DEFAULT_LIMITS.body_max
    words = _vocabulary(1)
    body = _text(0, words, length)
    candidates = [
        Earlier(f"MM-20261120-{n:04d}", f"Kegiatan warga nomor {n}", _text(n, words, length))
        for n in range(1, MAX_CANDIDATES + 1)
    ]
    title = "Kegiatan warga hari ini"

    runs: list[float] = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        found = near_duplicate_of(title, body, candidates, THRESHOLD)
        runs.append(time.perf_counter() - start)
        assert found is None, "not the worst case: a candidate matched and the rest were not compared"

    some = candidates[: args.before_candidates]
    start = time.perf_counter()
    found = old_near_duplicate_of(title, body, some, THRESHOLD)
    before = time.perf_counter() - start
    assert found is None
    per_comparison = before / len(some)

    print(f"worst case for one new story: body {length} characters, {len(candidates)} candidates as long")
    print(f"  before (SequenceMatcher): {per_comparison:8.2f} s per candidate, measured on {len(some)};")
    print(f"                            {per_comparison * len(candidates):8.1f} s per story (x{len(candidates)})")
    print(
        f"  after (trigram Dice):     {max(runs):8.3f} s per story, worst of {args.repeat} runs "
        f"(median {statistics.median(runs):.3f} s)"
    )
    print(f"  speed-up: x{per_comparison * len(candidates) / max(runs):,.0f}")


if __name__ == "__main__":
    main()
