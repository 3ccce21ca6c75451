"""Reading the responses sheet: which column is which question, and each row as a `FormResponse`."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import tzinfo

from .errors import LayoutError
from .form_roles import EMAIL_HEADERS, TIMESTAMP_HEADERS, with_form_headers
from .model import FormResponse
from .photos import split_links
from .sheettime import parse_timestamp
from .text import fold

FIELDS = ("timestamp", "email", "kecamatan", "desa", "operator", "title", "body", "photos")
REQUIRED_FIELDS = ("timestamp", "kecamatan", "desa", "title", "body")
# The columns Forms fills itself are found under the names every form accepts, besides any configured ones.
FORMS_OWN = {"timestamp": TIMESTAMP_HEADERS, "email": EMAIL_HEADERS}


class FormLayoutError(LayoutError, ValueError):
    """The responses sheet's header row lacks a question the config maps."""


@dataclass(frozen=True)
class FormLayout:
    """Column index of each field, found by header text; extra columns (new questions) are ignored."""

    columns: Mapping[str, int]

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
                f"the form responses sheet's header row lacks the questions for {', '.join(missing)} (looked for "
                f"{wanted}); if a question was renamed in the form, name it again, or add its new title under "
                f'form.columns in config.yaml (e.g. form.columns.{missing[0]}: ["New title"])'
            )
        return cls(columns)

    @staticmethod
    def matches(header: Sequence[object], aliases: Mapping[str, Sequence[str]]) -> bool:
        try:
            FormLayout.from_header(header, aliases)
        except FormLayoutError:
            return False
        return True

    def cell(self, row: Sequence[object], name: str) -> object:
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
