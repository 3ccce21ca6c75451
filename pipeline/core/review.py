"""The review sheet contract: headers looked up by name, rows parsed by code, new rows laid out by header."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .codes import is_code
from .errors import LayoutError
from .message import Text
from .model import ReviewRow
from .officer_input import checkbox_problem, read_checkbox
from .photos import split_links
from .text import fold

# role -> default Indonesian header, in the order a new sheet gets them.
DEFAULT_HEADERS: dict[str, str] = {
    "code": "Kode",
    "received": "Diterima",
    "kecamatan": "Kecamatan",
    "desa": "Desa",
    "operator": "Operator",
    "email": "Email",
    "title": "Judul",
    "body": "Isi",
    "photos": "Foto",
    "labels": "Label",
    "approve": "Setujui",
    "reject": "Tolak",
    "mode": "Mode",
    "schedule": "Jadwal",
    "note": "Catatan",
    "status": "Status",
    "link": "Tautan",
    "post_id": "Post ID",
    "processed": "Diproses",
    "message": "Pesan",
}
# Columns added only when switched on in config.yaml (review.require_fact_check, review.approvals: 2); they
# go right after `Tolak` in a new sheet.
OPTIONAL_HEADERS: dict[str, str] = {"fact_check": "Cek fakta", "approve_head": "Setujui Kabid"}
# `Sebar` (spread to social media), in use while `social:` is configured: read when the tab has it, never
# required, so a sheet made before it keeps working (its stories follow `social.default_share`).
SOCIAL_HEADERS: dict[str, str] = {"share": "Sebar"}
PIPELINE_OWNED = ("status", "link", "post_id", "processed", "message")
# The pipeline's cells that change with every outcome: what tells an old copy of a row from the current one
# (`Pesan` is left out: officers type into it now and then, and it says nothing about time).
TIME_CELLS = ("status", "link", "post_id", "processed")
NOT_OFFICERS = ("code", "received", *PIPELINE_OWNED)
CHECKBOX_ROLES = ("approve", "reject", *OPTIONAL_HEADERS, *SOCIAL_HEADERS)


class ReviewLayoutError(LayoutError, ValueError):
    """The review sheet's header row lacks columns the pipeline needs."""


@dataclass(frozen=True)
class ReviewLayout:
    """Where each role's column is now; officers may reorder or add columns freely."""

    headers: Mapping[str, str]
    columns: Mapping[str, int]
    width: int = field(default=0)

    @classmethod
    def from_header(cls, header: Sequence[object], headers: Mapping[str, str]) -> ReviewLayout:
        folded = [fold(str(cell)) for cell in header]
        columns = {role: folded.index(fold(name)) for role, name in headers.items() if fold(name) in folded}
        missing = [headers[role] for role in headers if role not in columns and role not in SOCIAL_HEADERS]
        if missing:
            raise ReviewLayoutError(Text("review sheet header row lacks: {columns}", columns=", ".join(missing)))
        return cls(headers=headers, columns=columns, width=len(header))

    def cell(self, row: Sequence[object], role: str) -> object:
        index = self.columns[role]
        return row[index] if index < len(row) else ""

    def text(self, row: Sequence[object], role: str) -> str:
        value = self.cell(row, role)
        return "" if value is None else str(value)

    def parse(self, values: Sequence[Sequence[object]], first_row: int = 2) -> list[ReviewRow]:
        """Data rows (after the header) that carry a reference code; sheet row numbers are 1-based, and
        `values[1]` is row `first_row` (a window of a big tab)."""
        rows: list[ReviewRow] = []
        for offset, row in enumerate(values[1:], start=first_row):
            code = self.text(row, "code").strip()
            if not is_code(code):
                continue
            unreadable: list[str] = []
            ticked = {role: self._checkbox(row, role, unreadable) for role in CHECKBOX_ROLES if role != "share"}
            rows.append(
                ReviewRow(
                    row_number=offset,
                    code=code,
                    kecamatan=self.text(row, "kecamatan"),
                    desa=self.text(row, "desa"),
                    operator=self.text(row, "operator"),
                    email=self.text(row, "email"),
                    title=self.text(row, "title"),
                    body=self.text(row, "body"),
                    photos=split_links(self.cell(row, "photos")),
                    labels=tuple(p.strip() for p in self.text(row, "labels").split(",") if p.strip()),
                    approve=ticked["approve"],
                    reject=ticked["reject"],
                    fact_checked=ticked["fact_check"],
                    head_approved=ticked["approve_head"],
                    mode_text=self.text(row, "mode"),
                    schedule_text=self.text(row, "schedule"),
                    note=self.text(row, "note"),
                    pipeline_cells={role: self.text(row, role) for role in PIPELINE_OWNED},
                    received_text=self.text(row, "received"),
                    officer=self.officer_cells(row),
                    unreadable=tuple(unreadable),
                    share=self._share(row),
                )
            )
        return rows

    def officer_cells(self, row: Sequence[object]) -> dict[str, object]:
        """What officers may type or tick (role -> the raw value), for restoring the row as they left it."""
        return {role: _plain(self.cell(row, role)) for role in self.columns if role not in NOT_OFFICERS}

    def uncoded(self, values: Sequence[Sequence[object]], first_row: int = 2) -> list[UncodedRow]:
        """Data rows without a reference code that hold a story (a title or a body): a Kode deleted by mistake,
        or a row typed or pasted in by hand. `values[1]` is row `first_row`."""
        found: list[UncodedRow] = []
        for offset, row in enumerate(values[1:], start=first_row):
            if is_code(self.text(row, "code").strip()):
                continue
            title, body = self.text(row, "title"), self.text(row, "body")
            if title.strip() or body.strip():
                found.append(UncodedRow(offset, title, body, self.text(row, "post_id").strip()))
        return found

    def _checkbox(self, row: Sequence[object], role: str, unreadable: list[str]) -> bool:
        """A checkbox of the row (False when its column is not in use); what cannot be read is noted."""
        if role not in self.columns:
            return False
        value = self.cell(row, role)
        ticked = read_checkbox(value)
        if ticked is None:
            unreadable.append(checkbox_problem(self.headers[role], value))
        return bool(ticked)

    def _share(self, row: Sequence[object]) -> bool | None:
        """`Sebar` as ticked; None when the tab has no such column or the cell is empty or unreadable (the
        default then decides: a story is never held back from the blog for its social-media box)."""
        if "share" not in self.columns:
            return None
        value = self.cell(row, "share")
        return None if value in ("", None) else read_checkbox(value)

    def lay_out(self, cells: Mapping[str, object]) -> list[object]:
        """A new row in the sheet's current column order; columns the pipeline does not know stay empty."""
        row: list[object] = [""] * max(self.width, max(self.columns.values()) + 1)
        for role, value in cells.items():
            row[self.columns[role]] = value
        return row


@dataclass(frozen=True)
class UncodedRow:
    row_number: int
    title: str
    body: str
    post_id: str


def _plain(value: object) -> object:
    # JSON-safe, as the ledger keeps it: the API gives str, bool, int or float; anything else as text.
    return value if value is None or isinstance(value, str | bool | int | float) else str(value)


def sheet_is_behind(now: Mapping[str, str], wanted: Mapping[str, str], last_shown: Mapping[str, str] | None) -> bool:
    """The row came back from the past (a restored version of the spreadsheet, an old row pasted over it): its
    cells are neither what the ledger wants nor what the pipeline last wrote there, and its `Diproses` is not
    later than the last one written (minutes: two outcomes may share one). Its officer cells may be as old, so
    they are not a decision to act on: the row is set back to the last recorded state. Text typed over
    `Status` looks the same and is treated the same way, on the safe side."""
    if last_shown is None:
        return False
    shown = tuple(now.get(c, "") for c in TIME_CELLS)
    if shown in (tuple(wanted.get(c, "") for c in TIME_CELLS), tuple(last_shown.get(c, "") for c in TIME_CELLS)):
        return False
    processed, last = now.get("processed", "").strip(), last_shown.get("processed", "")
    return (processed == "" or is_minute(processed)) and processed <= last


def sheet_is_ahead(now: Mapping[str, str], wanted: Mapping[str, str]) -> bool:
    """The row shows a later state than the ledger (processed later, to another status or post): the ledger is
    older than the sheet (restored from an old backup)."""
    if tuple(now.get(c, "") for c in ("status", "post_id")) == tuple(wanted.get(c, "") for c in ("status", "post_id")):
        return False
    # `Diproses` is `YYYY-MM-DD HH:MM`, which orders as text; anything else typed there is not evidence.
    processed = now.get("processed", "").strip()
    return is_minute(processed) and processed > wanted.get("processed", "")


def is_minute(text: str) -> bool:
    return len(text) == 16 and text[4] == "-" and text[7] == "-" and text[10] == " " and text[13] == ":"


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
