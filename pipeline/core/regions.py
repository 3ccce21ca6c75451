"""The official kecamatan and desa of a regency, matched case- and space-insensitively."""

from __future__ import annotations

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

    def village(self, kecamatan: str, desa: str) -> Village | None:
        return self._desa.get((fold(kecamatan), fold(desa)))

    def villages_in(self, kecamatan: str) -> list[Village]:
        key = fold(kecamatan)
        return [v for (k, _), v in self._desa.items() if k == key]


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
