"""The columns of the Google Forms the pipeline reads (news, complaints, KIM registration), found by header name,
since Google names them after the questions and officers may reorder them.

The two columns Forms fills by itself are named after the form owner's account language, not after a question:
every form accepts the same names for them, from the table below.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .text import fold

# The submission time, always the first column. `Timestamp` in English accounts; `Cap waktu` in Indonesian ones
# (seen in real exports), and `Stempel waktu` in others (also seen). Compared case-insensitively, as all headers.
TIMESTAMP_HEADERS: tuple[str, ...] = ("Timestamp", "Cap waktu", "Stempel waktu")
# The respondent's e-mail, when the form collects it: `Email Address` / `Alamat email`, or `Username` / `Nama
# pengguna`, depending on the form's e-mail collection setting (both seen in real exports).
EMAIL_HEADERS: tuple[str, ...] = ("Email Address", "Alamat email", "Nama pengguna", "Username")


def with_form_headers(own: Sequence[str], forms: Sequence[str]) -> tuple[str, ...]:
    """The names to look for: a form's (or the config's) own first, then those Forms uses, each once."""
    names: list[str] = []
    seen: set[str] = set()
    for name in (*own, *forms):
        if fold(name) not in seen:
            seen.add(fold(name))
            names.append(name)
    return tuple(names)


def locate(
    header: Sequence[object], columns: Mapping[str, tuple[str, ...]], required: Sequence[str], what: str
) -> dict[str, int | None]:
    """Role -> column index (None when absent) from the header row; a ValueError names the missing ones."""
    folded = [fold(str(cell)) for cell in header]
    where = {
        role: next((folded.index(fold(n)) for n in names if fold(n) in folded), None) for role, names in columns.items()
    }
    missing = [columns[role][0] for role in required if where[role] is None]
    if missing:
        raise ValueError(f"{what} lacks the columns: {', '.join(missing)}")
    return where


def cell(row: Sequence[object], where: Mapping[str, int | None], role: str, header: Sequence[object] = ()) -> object:
    """The row's value for `role`; empty when the form has no such column or the row is short. Given the
    header, a question asked in several sections under one title (Desa, once per kecamatan: `mymein init
    --form`) gives the one answer a response has among its columns."""
    index = where[role]
    if index is None:
        return ""
    if header:
        title = fold(str(header[index]))
        same = [i for i, name in enumerate(header) if fold(str(name)) == title]
        if len(same) > 1:
            return next((row[i] for i in same if i < len(row) and str(row[i]).strip()), "")
    return row[index] if index < len(row) else ""
