"""Complaints (pengaduan): citizens' complaints sent through the KIM, routed by officers to a department (SKPD)
and answered.

Pure: reading the complaint form's rows, the `Pengaduan` and `SKPD` tabs by header name, numbering a
complaint, and deciding what an officer's entries on its row call for. The status is never typed by anyone:
it follows from what happened (forwarded, answer recorded, closed).
"""

from __future__ import annotations

import enum
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from .addresses import one_address
from .errors import LayoutError
from .form_build import FormPlan, Question
from .form_roles import EMAIL_HEADERS, TIMESTAMP_HEADERS, locate
from .form_roles import cell as role_cell
from .message import Text
from .officer_input import checkbox_problem, read_checkbox
from .photos import split_links
from .regions import RegionDirectory, place_hint
from .sheettime import parse_timestamp
from .text import clean_body, clean_line, fold

# role -> header names the complaint form may use (Indonesian and English Google accounts); the columns Forms
# fills itself come from the table every form shares, then an e-mail question for a form that asks.
FORM_COLUMNS: dict[str, tuple[str, ...]] = {
    "received": TIMESTAMP_HEADERS,
    "email": (*EMAIL_HEADERS, "Email", "E-mail"),
    "name": ("Nama Pelapor", "Nama", "Nama Lengkap"),
    "contact": ("Kontak", "Nomor HP", "No. HP", "Telepon"),
    "desa": ("Desa",),
    "kecamatan": ("Kecamatan",),
    "category": ("Kategori", "Kategori Pengaduan"),
    "text": ("Isi Pengaduan", "Pengaduan", "Uraian"),
    "photo": ("Foto", "Foto Pendukung"),
}
FORM_REQUIRED = ("received", "name", "desa", "kecamatan", "text")
# The choices of the complaint form's Kategori dropdown (`mymein init --form`); any other text is read too.
CATEGORIES = (
    "Infrastruktur",
    "Kesehatan",
    "Pendidikan",
    "Layanan Administrasi",
    "Lingkungan",
    "Keamanan dan Ketertiban",
    "Sosial",
    "Lainnya",
)

# The Pengaduan tab: role -> header, in the order `mymein init` and the pipeline write them. Officers fill
# SKPD (a dropdown fed by the SKPD tab), Jawaban and Selesai; the pipeline owns Status and the times.
TAB_HEADERS: dict[str, str] = {
    "code": "Kode",
    "received": "Diterima",
    "name": "Nama Pelapor",
    "contact": "Kontak",
    "desa": "Desa",
    "kecamatan": "Kecamatan",
    "category": "Kategori",
    "text": "Isi Pengaduan",
    "photos": "Foto",
    "department": "SKPD",
    "answer": "Jawaban",
    "done": "Selesai",
    "note": "Catatan",
    "status": "Status",
    "forwarded": "Diteruskan",
    "answered": "Ditanggapi",
    "message": "Pesan",
}
PIPELINE_ROLES = ("status", "forwarded", "answered", "message")
DEPARTMENT_HEADER = ["Nama SKPD", "Email", "Kontak"]
CODE_PREFIX = "PG"
# Kept with the complaint's place note (`ComplaintState.place_note`) so the officer reads it on every cycle.
UNUSABLE_ADDRESS = (
    "Alamat e-mail pelapor tidak dapat dipakai (harus satu alamat yang sah): tanda terima dan jawaban tidak "
    "dikirim lewat e-mail; hubungi pelapor lewat kontaknya."
)


class ComplaintStatus(enum.Enum):
    RECEIVED = "Diterima"
    FORWARDED = "Diteruskan"
    ANSWERED = "Ditanggapi"
    CLOSED = "Selesai"


@dataclass(frozen=True)
class Complaint:
    key: str  # the response's identity: its time, the complainant's name and contact
    received_at: datetime
    email: str
    name: str
    contact: str
    desa: str
    kecamatan: str
    category: str
    text: str
    photos: tuple[str, ...]


def read_complaints(rows: Sequence[Sequence[object]], tz: tzinfo) -> list[Complaint]:
    """The form's rows (header first) as complaints; rows without a time or without text are skipped."""
    if not rows:
        return []
    where = locate(rows[0], FORM_COLUMNS, FORM_REQUIRED, "the complaint form's sheet")
    found: list[Complaint] = []
    for row in rows[1:]:

        def cell(role: str, row: Sequence[object] = row) -> object:
            return role_cell(row, where, role, rows[0])

        received = parse_timestamp(cell("received"), tz)
        text = clean_body(cell("text"))
        if received is None or not text:
            continue
        name, contact = clean_line(cell("name")), clean_line(cell("contact"))
        found.append(
            Complaint(
                key=f"{received.isoformat()}|{fold(name)}|{fold(contact)}",
                received_at=received,
                email=clean_line(cell("email")),
                name=name,
                contact=contact,
                desa=clean_line(cell("desa")),
                kecamatan=clean_line(cell("kecamatan")),
                category=clean_line(cell("category")) or "Lainnya",
                text=text,
                photos=tuple(split_links(str(cell("photo") or ""))),
            )
        )
    return found


def place_of(complaint: Complaint, regions: RegionDirectory) -> tuple[str, str, str]:
    """(kecamatan, desa) as the official list spells them, and a note for the officer when not found."""
    village = regions.village(complaint.kecamatan, complaint.desa)
    if village is not None:
        return village.kecamatan, village.desa, ""
    desa, kecamatan = complaint.desa or "(kosong)", complaint.kecamatan or "(kosong)"
    hint = place_hint(regions, complaint.kecamatan, complaint.desa)
    note = f"Desa {desa} di Kecamatan {kecamatan} tidak ada di daftar desa.{hint}"
    return complaint.kecamatan, complaint.desa, note


def received_as(complaint: Complaint, regions: RegionDirectory) -> tuple[str, str, str]:
    """(kecamatan, desa) as the official list spells them, and what the officer must keep in mind, shown in
    Pesan on every cycle: a place not on the list, an address that cannot be mailed to."""
    kecamatan, desa, note = place_of(complaint, regions)
    return kecamatan, desa, " ".join(part for part in (note, reply_problem(complaint)) if part)


def complaint_code(day: date, sequence: int) -> str:
    """`PG-YYYYMMDD-NNNN`: the local day of receipt and the complaint's number within that day."""
    return f"{CODE_PREFIX}-{day:%Y%m%d}-{sequence:04d}"


def reply_address(complaint: Complaint) -> str:
    """Where the complainant hears back by e-mail: the form's collected address, else a contact that is one;
    '' when neither is exactly one usable address (a receipt must not reach a stranger)."""
    for candidate in (complaint.email, complaint.contact):
        address = one_address(candidate)
        if address is not None:
            return address
    return ""


def reply_problem(complaint: Complaint) -> str:
    """For the officer (`Pesan`), when the complainant left an address that cannot be used; '' otherwise (an
    address that works, or none at all: then the officer answers through the contact anyway)."""
    if reply_address(complaint) or not (complaint.email.strip() or "@" in complaint.contact):
        return ""
    return UNUSABLE_ADDRESS


def answer_digest(answer: str) -> str:
    return hashlib.sha256(fold(answer).encode("utf-8")).hexdigest()[:16]


# --- the SKPD tab ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Department:
    name: str
    email: str  # its usable addresses, ", "-separated ('' when none)

    @property
    def addresses(self) -> tuple[str, ...]:
        return mailboxes(self.email)


def mailboxes(text: str) -> tuple[str, ...]:
    """The usable addresses in a cell that may hold several (`kadis@..., sekretariat@...`)."""
    return tuple(address for part in re.split(r"[,;\s]+", text) if (address := one_address(part)) is not None)


def read_departments(rows: Sequence[Sequence[object]]) -> dict[str, Department]:
    """The SKPD tab (header first) by folded name; a name without a usable e-mail keeps an empty one, and a
    department may give several addresses in its cell (each gets the complaint)."""
    if not rows:
        return {}
    header = [fold(str(cell)) for cell in rows[0]]
    name_at = next((header.index(h) for h in ("nama skpd", "skpd", "nama") if h in header), 0)
    email_at = next((header.index(h) for h in ("email", "e-mail", "alamat email") if h in header), 1)
    found: dict[str, Department] = {}
    for row in rows[1:]:
        name = clean_line(row[name_at]) if name_at < len(row) else ""
        email = clean_line(row[email_at]) if email_at < len(row) else ""
        if name:
            found[fold(name)] = Department(name, ", ".join(mailboxes(email)))
    return found


# --- the Pengaduan tab ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ComplaintRow:
    """What the officers' columns of one complaint's row say now, and what the pipeline's columns show."""

    code: str
    department: str
    answer: str
    done: bool
    shown: Mapping[str, str]  # pipeline-owned cells as read
    unreadable: str = ""  # why `Selesai` could not be read ('' when it could): then it changes nothing


class ComplaintTabError(LayoutError, ValueError):
    """The Pengaduan tab's header lacks a column the pipeline needs."""


@dataclass(frozen=True)
class ComplaintLayout:
    columns: Mapping[str, int]

    @classmethod
    def from_header(cls, header: Sequence[object]) -> ComplaintLayout:
        folded = [fold(str(cell)) for cell in header]
        columns = {role: folded.index(fold(name)) for role, name in TAB_HEADERS.items() if fold(name) in folded}
        missing = [
            TAB_HEADERS[r] for r in ("code", "department", "answer", "done", *PIPELINE_ROLES) if r not in columns
        ]
        if missing:
            raise ComplaintTabError(Text("the complaints tab lacks the columns: {columns}", columns=", ".join(missing)))
        return cls(columns)

    def parse(self, values: Sequence[Sequence[object]]) -> list[tuple[int, ComplaintRow]]:
        """(sheet row number, row) for every row below the header that carries a complaint code."""
        found: list[tuple[int, ComplaintRow]] = []
        for number, raw in enumerate(values[1:], start=2):
            code = self._text(raw, "code")
            if not code.startswith(f"{CODE_PREFIX}-"):
                continue
            shown = {role: self._text(raw, role) for role in PIPELINE_ROLES}
            cell = self._cell(raw, "done")
            done = read_checkbox(cell)
            unreadable = checkbox_problem(TAB_HEADERS["done"], cell) if done is None else ""
            row = ComplaintRow(code, self._text(raw, "department"), self._body(raw), bool(done), shown, unreadable)
            found.append((number, row))
        return found

    def lay_out(self, cells: Mapping[str, object]) -> list[object]:
        width = max(self.columns.values()) + 1
        row: list[object] = [""] * width
        for role, value in cells.items():
            if role in self.columns:
                row[self.columns[role]] = value
        return row

    def _cell(self, raw: Sequence[object], role: str) -> object:
        index = self.columns.get(role)
        return raw[index] if index is not None and index < len(raw) else ""

    def _text(self, raw: Sequence[object], role: str) -> str:
        return clean_line(self._cell(raw, role))

    def _body(self, raw: Sequence[object]) -> str:
        return clean_body(self._cell(raw, "answer"))


# --- deciding -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ComplaintState:
    """What the ledger knows of a complaint."""

    code: str
    department: str  # the department it was last forwarded to ('' when never)
    answer_digest: str  # of the answer last recorded ('' when none)
    closed: bool
    reply_to: str  # the complainant's e-mail, '' when they left none or none usable
    place_note: str  # problems with what the complainant gave (the place, an unusable address), for Pesan


@dataclass(frozen=True)
class ComplaintStep:
    forward_to: Department | None  # forward (again) to this department
    answer: str | None  # record this answer (new or changed)
    close: bool
    reopen: bool
    status: ComplaintStatus
    message: str  # for the officer, in Indonesian

    @property
    def changes(self) -> bool:
        return self.forward_to is not None or self.answer is not None or self.close or self.reopen


def decide_complaint(row: ComplaintRow, state: ComplaintState, departments: Mapping[str, Department]) -> ComplaintStep:
    """What the officer's SKPD, Jawaban and Selesai call for, given what was already done.

    A complaint is forwarded once to each department an officer picks (picking another one re-routes it);
    an answer is recorded when it is new or edited; Selesai closes it, unticking reopens it.
    """
    forward_to: Department | None = None
    problems: list[str] = [state.place_note] if state.place_note else []
    # An unreadable Selesai neither closes nor reopens: the complaint stays as it is until the officer says.
    done = state.closed if row.unreadable else row.done
    if row.unreadable:
        problems.append(row.unreadable)
    answered = bool(state.answer_digest) or bool(row.answer)
    picked = fold(row.department)
    if picked and picked != fold(state.department) and not answered and not done:
        department = departments.get(picked)
        if department is None:
            problems.append(f"SKPD {row.department} tidak ada di tab SKPD; pilih dari daftar.")
        elif not department.email:
            problems.append(
                f"SKPD {department.name} belum punya alamat e-mail di tab SKPD; pengaduan belum diteruskan."
            )
        else:
            forward_to = department
    answer = row.answer if row.answer and answer_digest(row.answer) != state.answer_digest else None
    close = done and not state.closed
    reopen = state.closed and not done
    forwarded = bool(state.department) or forward_to is not None
    if done:
        status = ComplaintStatus.CLOSED
    elif answered:
        status = ComplaintStatus.ANSWERED
    elif forwarded:
        status = ComplaintStatus.FORWARDED
    else:
        status = ComplaintStatus.RECEIVED
    if status is ComplaintStatus.RECEIVED and not picked and not problems:
        problems.append("Pilih SKPD yang menangani pengaduan ini.")
    if answered and not state.reply_to and UNUSABLE_ADDRESS not in state.place_note:
        problems.append("Pelapor tidak mencantumkan e-mail; sampaikan jawaban lewat kontaknya.")
    return ComplaintStep(forward_to, answer, close, reopen, status, " ".join(problems))


def complaint_form_plan() -> FormPlan:
    """The complaint form `mymein init --form` builds: its titles are the first names `FORM_COLUMNS` reads."""
    first = {role: names[0] for role, names in FORM_COLUMNS.items()}
    return FormPlan(
        kind="complaints",
        title="Pengaduan Masyarakat",
        description=(
            "Sampaikan keluhan atau laporan Anda. Petugas meneruskannya ke SKPD yang berwenang, dan jawabannya "
            "dikirim ke kontak Anda."
        ),
        before=(
            Question(first["name"], required=True),
            Question(first["contact"], required=True, hint="Nomor HP atau alamat e-mail yang bisa dihubungi."),
        ),
        after=(
            Question(first["category"], kind="choice", required=True, choices=CATEGORIES),
            Question(first["text"], kind="paragraph", required=True, hint="Ceritakan apa, di mana dan sejak kapan."),
        ),
        kecamatan=first["kecamatan"],
        desa=first["desa"],
        email="RESPONDER_INPUT",
        upload=FORM_COLUMNS["photo"][1],
        last_section="Pengaduan",
    )
