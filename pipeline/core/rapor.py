"""The month's rapor: KIMs and kecamatan ranked by the stories they got published, as the KIM forums' website
competitions judge them (activity in public). Pure: it takes the month's tallies per desa and kecamatan and the
KIMs that exist, and gives the standings; a KIM or kecamatan that published nothing is ranked too, last."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from .text import fold


class Counts(Protocol):
    """What a standing is computed from (`core.monev.Tally`)."""

    @property
    def submissions(self) -> int: ...

    @property
    def published(self) -> int: ...


@dataclass(frozen=True)
class Standing:
    rank: int  # 1 for the best; equals share a rank, and the next rank skips (1, 2, 2, 4)
    name: str  # the desa (a KIM) or the kecamatan
    kecamatan: str  # the KIM's kecamatan; "" for a kecamatan's row
    published: int
    submissions: int
    kims: int = 1  # a kecamatan's KIMs
    kims_publishing: int = 0  # of them, those with a story published

    @property
    def published_share(self) -> int | None:
        """Of the month's submissions, the percentage published; None without a submission."""
        return round(100 * self.published / self.submissions) if self.submissions else None


def rank_kims(by_desa: Mapping[tuple[str, str], Counts], villages: Sequence[tuple[str, str]]) -> list[Standing]:
    """Every KIM (`villages`, and any other village with a story published) by published stories, then
    submissions, then name; a village is matched however it is spelled."""
    rows: dict[tuple[str, str], tuple[str, str, int, int]] = {}
    for kecamatan, desa in villages:
        rows.setdefault((fold(kecamatan), fold(desa)), (kecamatan, desa, 0, 0))
    for (kecamatan, desa), tally in by_desa.items():
        key = (fold(kecamatan), fold(desa))
        if key not in rows and not tally.published:
            continue  # a village that is no KIM and published nothing (a mistyped place): not ranked
        known = rows.get(key, (kecamatan, desa, 0, 0))
        rows[key] = (known[0], known[1], known[2] + tally.published, known[3] + tally.submissions)
    standings = [Standing(0, desa, kecamatan, published, sent) for kecamatan, desa, published, sent in rows.values()]
    return _ranked(standings, lambda s: (fold(s.kecamatan), fold(s.name)))


def rank_kecamatan(kims: Sequence[Standing]) -> list[Standing]:
    """Each kecamatan by its KIMs' published stories together, then submissions; with how many of its KIMs
    published anything (a kecamatan of many KIMs is not judged by its total alone)."""
    totals: dict[str, Standing] = {}
    for kim in kims:
        earlier = totals.get(fold(kim.kecamatan), Standing(0, kim.kecamatan, "", 0, 0, kims=0))
        totals[fold(kim.kecamatan)] = Standing(
            0,
            earlier.name,
            "",
            earlier.published + kim.published,
            earlier.submissions + kim.submissions,
            kims=earlier.kims + 1,
            kims_publishing=earlier.kims_publishing + (kim.published > 0),
        )
    return _ranked(list(totals.values()), lambda s: (fold(s.name), ""))


def _ranked(standings: list[Standing], name: Callable[[Standing], tuple[str, str]]) -> list[Standing]:
    ordered = sorted(standings, key=lambda s: (-s.published, -s.submissions, name(s)))
    ranked: list[Standing] = []
    for position, standing in enumerate(ordered, start=1):
        previous = ranked[-1] if ranked else None
        tied = previous is not None and (previous.published, previous.submissions) == (
            standing.published,
            standing.submissions,
        )
        ranked.append(
            Standing(
                previous.rank if tied and previous is not None else position,
                standing.name,
                standing.kecamatan,
                standing.published,
                standing.submissions,
                standing.kims,
                standing.kims_publishing,
            )
        )
    return ranked
