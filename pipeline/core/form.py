"""Reading the responses sheet: which column is which question, and each row as a `FormResponse`."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo

from .errors import LayoutError
from .form_build import FormPlan, Question
from .form_roles import EMAIL_HEADERS, TIMESTAMP_HEADERS, with_form_headers
from .message import Text
from .model import FormResponse
from .photos import split_links
from .sheettime import parse_timestamp
from .text import fold
from .validate import DEFAULT_LIMITS, Limits

FIELDS = ("timestamp", "email", "kecamatan", "desa", "operator", "title", "body", "photos")
REQUIRED_FIELDS = ("timestamp", "kecamatan", "desa", "title", "body")
# The columns Forms fills itself are found under the names every form accepts, besides any configured ones.
FORMS_OWN = {"timestamp": TIMESTAMP_HEADERS, "email": EMAIL_HEADERS}
# The questions' titles the news form is built with when `form.columns` names none (config.py's defaults).
DEFAULT_TITLES: dict[str, tuple[str, ...]] = {
    "kecamatan": ("Kecamatan",),
    "desa": ("Desa",),
    "operator": ("Nama Operator KIM",),
    "title": ("Judul Berita",),
    "body": ("Isi Berita",),
    "photos": ("Foto Berita",),
}


class FormLayoutError(LayoutError, ValueError):
    """The responses sheet's header row lacks a question the config maps."""


@dataclass(frozen=True)
class FormLayout:
    """Column index of each field, found by header text; extra columns (new questions) are ignored."""

    columns: Mapping[str, int]
    # Every column of a field asked more than once: the form `mymein init --form` builds asks Desa once per
    # kecamatan (section navigation), under one title; a response fills only the one of its kecamatan.
    repeated: Mapping[str, tuple[int, ...]] = field(default_factory=dict)

    @classmethod
    def from_header(cls, header: Sequence[object], aliases: Mapping[str, Sequence[str]]) -> FormLayout:
        """Configured names first (`form.columns`), then, for the timestamp and e-mail, the shared table."""
        names = {name: with_form_headers(aliases.get(name, ()), FORMS_OWN.get(name, ())) for name in FIELDS}
        folded = [fold(str(cell)) for cell in header]
        columns: dict[str, int] = {}
        for name in FIELDS:
            for alias in names[name]:
                if fold(alias) in folded:
                    columns[name] = folded.index(fold(alias))
                    break
        missing = [name for name in REQUIRED_FIELDS if name not in columns]
        if missing:
            wanted = "; ".join(f"{name}: {', '.join(names[name])}" for name in missing)
            raise FormLayoutError(
                Text(
                    "the form responses sheet's header row lacks the questions for {roles} (looked for {wanted}); "
                    "if a question was renamed in the form, name it again, or add its new title under form.columns "
                    'in config.yaml (e.g. form.columns.{first}: ["New title"])',
                    roles=", ".join(missing),
                    wanted=wanted,
                    first=missing[0],
                )
            )
        repeated: dict[str, tuple[int, ...]] = {}
        for name, index in columns.items():
            same = tuple(i for i, cell in enumerate(folded) if cell == folded[index])
            if len(same) > 1:
                repeated[name] = same
        return cls(columns, repeated)

    @staticmethod
    def matches(header: Sequence[object], aliases: Mapping[str, Sequence[str]]) -> bool:
        try:
            FormLayout.from_header(header, aliases)
        except FormLayoutError:
            return False
        return True

    def cell(self, row: Sequence[object], name: str) -> object:
        if name in self.repeated:
            filled = (row[i] for i in self.repeated[name] if i < len(row) and str(row[i]).strip())
            return next(filled, "")
        index = self.columns.get(name)
        if index is None or index >= len(row):
            return ""
        return row[index]

    def response_key(self, row: Sequence[object]) -> str:
        """Identity of a response: its mapped answers, not its row number (sorting or deleting rows is safe)."""
        values = [self.cell(row, name) for name in FIELDS]
        digest = hashlib.sha256(json.dumps(values, ensure_ascii=False, default=str).encode("utf-8"))
        return digest.hexdigest()[:32]

    def parse(self, row: Sequence[object], tz: tzinfo) -> FormResponse | None:
        """None for a row with no timestamp: a blank or hand-typed separator row, not a response."""
        received = parse_timestamp(self.cell(row, "timestamp"), tz)
        if received is None:
            return None
        return FormResponse(
            received_at=received,
            email=str(self.cell(row, "email")),
            kecamatan=str(self.cell(row, "kecamatan")),
            desa=str(self.cell(row, "desa")),
            operator=str(self.cell(row, "operator")),
            title=str(self.cell(row, "title")),
            body=str(self.cell(row, "body")),
            photos=split_links(self.cell(row, "photos")),
        )


def news_form_plan(columns: Mapping[str, Sequence[str]], limits: Limits = DEFAULT_LIMITS) -> FormPlan:
    """The news form `mymein init --form` builds, its questions titled as `form.columns` first names them (so
    the linked sheet matches the config), with the lengths `core.validate` accepts as hints."""

    def first(name: str) -> str:
        return str((columns.get(name) or DEFAULT_TITLES[name])[0])

    return FormPlan(
        kind="news",
        title="Berita KIM",
        description=(
            "Kirim berita desa untuk portal kabupaten. Petugas memeriksa setiap berita sebelum terbit; "
            "kabarnya dikirim ke e-mail Anda."
        ),
        before=(Question(first("operator"), required=True, hint=f"Paling banyak {limits.name_max} karakter."),),
        after=(
            Question(first("title"), required=True, hint=f"Paling banyak {limits.title_max} karakter."),
            Question(
                first("body"),
                kind="paragraph",
                required=True,
                hint=f"Paling sedikit {limits.body_min} dan paling banyak {limits.body_max} karakter.",
            ),
        ),
        kecamatan=first("kecamatan"),
        desa=first("desa"),
        email="VERIFIED",
        upload=first("photos"),
        last_section="Berita",
    )
