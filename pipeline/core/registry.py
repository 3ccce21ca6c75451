"""The operator registry (the review spreadsheet's `Operator` tab): who may send news, for which village."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .text import clean_line, fold

# The tab's header, as `mymein init` writes it; columns are found by name, so officers may reorder them.
OPERATOR_HEADER = [
    "Email",
    "Nama",
    "KIM",
    "Desa",
    "Kecamatan",
    "Telepon",
    "Facebook",
    "Instagram",
    "YouTube",
    "TikTok",
    "Nomor registrasi",
]


@dataclass(frozen=True)
class Operator:
    email: str
    name: str
    kim: str
    desa: str
    kecamatan: str


@dataclass(frozen=True)
class Registry:
    operators: Mapping[str, Operator]  # by folded e-mail

    @classmethod
    def from_rows(cls, rows: Sequence[Sequence[object]]) -> Registry:
        """The tab's values, header first; rows without an e-mail are skipped."""
        if not rows:
            return cls({})
        header = [fold(str(cell)) for cell in rows[0]]

        def column(name: str) -> int | None:
            return header.index(fold(name)) if fold(name) in header else None

        where = {key: column(name) for key, name in (("email", "Email"), ("name", "Nama"), ("kim", "KIM"))}
        where |= {"desa": column("Desa"), "kecamatan": column("Kecamatan")}
        found: dict[str, Operator] = {}
        for row in rows[1:]:

            def cell(key: str, row: Sequence[object] = row) -> str:
                index = where[key]
                return clean_line(row[index]) if index is not None and index < len(row) else ""

            email = cell("email")
            if email:
                found[fold(email)] = Operator(email, cell("name"), cell("kim"), cell("desa"), cell("kecamatan"))
        return cls(found)

    def problems(self, email: str, kecamatan: str, desa: str) -> tuple[str, ...]:
        """Why a story from `email` about `desa` cannot go out as it is, in Indonesian; empty when it can."""
        operator = self.operators.get(fold(email))
        if operator is None:
            return (
                f"Email {email or '(kosong)'} belum terdaftar sebagai operator KIM. Tambahkan di tab Operator "
                "bila operator ini sah; baris ini diperiksa lagi otomatis.",
            )
        if operator.desa and fold(operator.desa) != fold(desa):
            return (
                f"Operator {email} terdaftar untuk Desa {operator.desa}, Kecamatan {operator.kecamatan}, "
                f"tetapi kiriman ini dari Desa {desa}.",
            )
        if operator.kecamatan and fold(operator.kecamatan) != fold(kecamatan):
            return (f"Operator {email} terdaftar di Kecamatan {operator.kecamatan}, bukan {kecamatan}.",)
        return ()
