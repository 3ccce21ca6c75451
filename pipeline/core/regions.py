"""The official kecamatan and desa of a regency, matched case- and space-insensitively."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from .text import fold


@dataclass(frozen=True)
class Village:
    code: str
    kecamatan: str
    desa: str
    kind: str  # "desa" or "kelurahan"


class RegionDirectory:
    """Looks up canonical spellings; built from rows of (kode, kecamatan, desa, jenis)."""

    def __init__(self, villages: Iterable[Village]) -> None:
        self.villages = tuple(villages)
        self._kecamatan: dict[str, str] = {}
        self._desa: dict[tuple[str, str], Village] = {}
        for village in self.villages:
            self._kecamatan.setdefault(fold(village.kecamatan), village.kecamatan)
            self._desa[(fold(village.kecamatan), fold(village.desa))] = village

    def __len__(self) -> int:
        return len(self.villages)

    @property
    def kecamatan_names(self) -> list[str]:
        return sorted(set(self._kecamatan.values()))

    def kecamatan(self, name: str) -> str | None:
        return self._kecamatan.get(fold(name))

    def find_kecamatan(self, name: str) -> str | None:
        """The kecamatan an officer typed, however spaced or cased (`batu  mandi`, `BATUMANDI`), when it names
        exactly one of the list."""
        found = self.kecamatan(name)
        if found is not None:
            return found
        squeezed = fold(name).replace(" ", "")
        matches = [k for k in self.kecamatan_names if fold(k).replace(" ", "") == squeezed]
        return matches[0] if len(matches) == 1 else None

    def close_kecamatan(self, name: str, desa: str = "") -> list[str]:
        """The official kecamatan nearest to a name that matched none, best first (at most three): the one whose
        list holds the typed desa leads, then the closest spellings (`Batumandi` -> `Batu Mandi`)."""
        found: list[str] = []
        if desa:
            found.extend(sorted({v.kecamatan for v in self.villages if _squeeze(v.desa) == _squeeze(desa)}))
        found.extend(_closest(name, self.kecamatan_names))
        return _unique(found)[:_SUGGESTIONS]

    def close_desa(self, kecamatan: str, name: str) -> list[str]:
        """The desa of `kecamatan` nearest to a name that is not on its list (`Muara Ninan` -> `Muara Ninian`)."""
        return _closest(name, [v.desa for v in self.villages_in(kecamatan)])

    def kecamatan_of_desa(self, name: str) -> list[str]:
        """The kecamatan whose list holds a desa of that name (however spaced or cased)."""
        return sorted({v.kecamatan for v in self.villages if _squeeze(v.desa) == _squeeze(name)})

    def village(self, kecamatan: str, desa: str) -> Village | None:
        return self._desa.get((fold(kecamatan), fold(desa)))

    def villages_in(self, kecamatan: str) -> list[Village]:
        key = fold(kecamatan)
        return [v for (k, _), v in self._desa.items() if k == key]


_SUGGESTIONS = 3
# How alike two names must be (difflib's ratio, on lower case without spaces) to be offered: high enough that
# `Paringin` is not offered for `Halong`, low enough for a letter dropped, doubled or swapped on a phone.
_CUTOFF = 0.75


def _squeeze(name: str) -> str:
    return fold(name).replace(" ", "")


def _closest(name: str, official: Iterable[str]) -> list[str]:
    by_key: dict[str, str] = {}
    for candidate in official:
        by_key.setdefault(_squeeze(candidate), candidate)
    keys = difflib.get_close_matches(_squeeze(name), list(by_key), n=_SUGGESTIONS, cutoff=_CUTOFF)
    return [by_key[key] for key in keys]


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


def did_you_mean(names: list[str]) -> str:
    """` Mungkin maksudnya: A atau B?` for a message, or '' when there is nothing close to offer."""
    if not names:
        return ""
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " atau " + names[-1]
    return f" Mungkin maksudnya: {listed}?"


def place_hint(regions: RegionDirectory, kecamatan: str, desa: str) -> str:
    """What to offer after a place that is not on the list, starting with a space ('' when nothing is close): the
    nearest kecamatan, else the nearest desa of the kecamatan, else the kecamatan where that desa is."""
    if not kecamatan.strip() or regions.kecamatan(kecamatan) is None:
        return did_you_mean(regions.close_kecamatan(kecamatan, desa)) if kecamatan.strip() or desa.strip() else ""
    if not desa.strip():
        return ""
    close = regions.close_desa(kecamatan, desa)
    if close:
        return did_you_mean(close)
    elsewhere = regions.kecamatan_of_desa(desa)
    if elsewhere:
        return f" Desa {desa} ada di Kecamatan {' atau '.join(elsewhere)}."
    return ""


def parse_region_rows(rows: Iterable[dict[str, str]]) -> RegionDirectory:
    """Rows as read from a CSV with columns `kode,kecamatan,desa,jenis` (jenis optional)."""
    return RegionDirectory(
        Village(
            code=row.get("kode", "").strip(),
            kecamatan=row["kecamatan"].strip(),
            desa=row["desa"].strip(),
            kind=(row.get("jenis") or "desa").strip(),
        )
        for row in rows
        if row.get("kecamatan") and row.get("desa")
    )
