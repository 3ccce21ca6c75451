"""Complaints rebuilt from what the Pengaduan tab (and its archive) and the complaint form show: by
`mymein rebuild` for a lost ledger, and by a cycle for the complaints a lost or older ledger lacks
(`adopt_complaints`). What the tab shows as forwarded, answered or closed counts as done, so nothing is mailed
twice; the one event each is `complaint_rebuilt`, which no notice is queued from."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ..app import App
from ..core.complaints import (
    CODE_PREFIX,
    Complaint,
    ComplaintLayout,
    ComplaintRow,
    ComplaintStatus,
    ComplaintTabError,
    answer_digest,
    read_complaints,
    read_departments,
    received_as,
    reply_address,
)
from ..core.errors import StateError
from ..core.message import Text
from ..core.photos import split_links
from ..core.sheettime import format_local, parse_timestamp
from ..core.text import clean_body, clean_line, counted, fold
from ..google.errors import GoogleApiError
from ..google.sheets_values import quote_sheet
from ..infra.tabs import COMPLAINTS_ARCHIVE_KIND, COMPLAINTS_KIND, title_of
from ..ledger import ComplaintRecord

log = logging.getLogger("mymein.recovery")

_COMPLAINT_CODE = re.compile(rf"^{CODE_PREFIX}-(\d{{8}})-(\d{{4,}})$")
# Stands for an answer that was recorded (the tab shows when) but has since been erased from the Jawaban cell:
# a new answer there is then an edit, as it would have been, and is not mailed as a first answer.
_ERASED_ANSWER = "rebuilt"

log = logging.getLogger("mymein.recovery")

_COMPLAINT_CODE = re.compile(rf"^{CODE_PREFIX}-(\d{{8}})-(\d{{4,}})$")
# Stands for an answer that was recorded (the tab shows when) but has since been erased from the Jawaban cell:
# a new answer there is then an edit, as it would have been, and is not mailed as a first answer.
_ERASED_ANSWER = "rebuilt"


class ComplaintsNotRebuilt(StateError):
    """The complaint form or the Pengaduan tab cannot be read as complaints: rebuilding them would guess."""


@dataclass
class ComplaintTally:
    """What rebuilding complaints found, for the administrator."""

    complaints: int = 0  # restored from the Pengaduan tab (with complaints.enabled)
    complaints_matched: int = 0  # of them, matched to their complaint form response
    complaints_unmatched: list[str] = field(default_factory=list)  # kept with the response key `rebuilt:<code>`
    complaints_forwarded: int = 0
    complaints_answered: int = 0
    complaints_closed: int = 0
    complaints_not_on_tab: int = 0  # form complaints without a row: the next sync numbers them as new
    complaint_codes_ignored: list[str] = field(default_factory=list)  # rows whose code is not PG-YYYYMMDD-NNNN


@dataclass(frozen=True)
class _TabComplaint:
    """A complaint's row on the Pengaduan tab: the officers' and the pipeline's columns, and the cells the
    pipeline copied from the form when it wrote the row."""

    row: ComplaintRow
    day: date
    seq: int
    received: datetime | None  # Diterima, local time to the minute
    name: str
    contact: str
    desa: str
    kecamatan: str
    category: str
    text: str
    photos: tuple[str, ...]
    archived: bool  # found on the archive tab

    @property
    def identity(self) -> tuple[str, str, str]:
        return fold(self.name), fold(self.contact), fold(self.text)


def rebuild_complaints(app: App, report: ComplaintTally, only: set[str] | None = None) -> list[ComplaintRecord]:
    """The complaints table's rows as the Pengaduan tab and the complaint form say they were; with `only`,
    just those codes, matched to form complaints the ledger does not know yet (a cycle adopting what a lost or
    older ledger lacks)."""
    settings = app.settings.complaints
    if not settings.enabled or app.complaints is None:
        return []
    tz = app.settings.tz
    try:
        found = read_complaints(app.complaints.get(quote_sheet(settings.worksheet)), tz)
    except ValueError as exc:
        raise ComplaintsNotRebuilt(Text("complaints cannot be rebuilt: {error}", error=exc)) from exc
    if only is not None:
        known = app.ledger.complaints.known_keys()
        found = [c for c in found if c.key not in known]
    entries: list[_TabComplaint] = []
    # The live tab first: a code also found in the archive (moved by hand and back) is the live row's.
    tabs = ((COMPLAINTS_KIND, settings.tab, False), (COMPLAINTS_ARCHIVE_KIND, settings.archive_tab, True))
    for kind, configured, archived in tabs:
        title = title_of(app, kind, configured)
        tab = _read_tab(app, title)
        if not tab:
            continue
        try:
            layout = ComplaintLayout.from_header(tab[0])
        except ComplaintTabError as exc:
            # Rebuilt without its rows, the next sync would number the form's complaints from 0001 again.
            raise ComplaintsNotRebuilt(
                Text(
                    "complaints cannot be rebuilt: {title}: {error}; run `mymein init`, then rebuild",
                    title=repr(title),
                    error=exc,
                )
            ) from exc
        seen = {e.row.code for e in entries}
        entries += [
            e
            for e in _tab_complaints(layout, tab, tz, report, archived)
            if e.row.code not in seen and (only is None or e.row.code in only)
        ]
    matched = _match_complaints(entries, found, tz)
    report.complaints_not_on_tab = len({c.key for c in found} - {c.key for c in matched.values()})
    if not entries:
        return []
    departments = read_departments(_read_tab(app, settings.departments_tab))
    now = app.clock()
    restored: list[ComplaintRecord] = []
    for index, entry in enumerate(entries):
        complaint = matched.get(index)
        row = entry.row
        source = complaint or Complaint(
            key=f"rebuilt:{row.code}",
            received_at=entry.received or now,
            email="",
            name=entry.name,
            contact=entry.contact,
            desa=entry.desa,
            kecamatan=entry.kecamatan,
            category=entry.category or "Lainnya",
            text=entry.text,
            photos=entry.photos,
        )
        if complaint is None:
            report.complaints_unmatched.append(row.code)
        else:
            report.complaints_matched += 1
        # The place as the tab shows it (an officer may have corrected it there), spelt as the list spells it.
        placed = replace(source, desa=entry.desa or source.desa, kecamatan=entry.kecamatan or source.kecamatan)
        kecamatan, desa, place_note = received_as(placed, app.regions)
        # What the tab shows as done was done: forwarded when Diteruskan has a time, answered when Ditanggapi
        # has one, closed when Selesai is ticked. Only an SKPD picked or an answer written since then is new.
        forwarded_at = _sheet_time(row.shown.get("forwarded", ""), tz, now)
        department = email = ""
        if forwarded_at is not None:
            picked = departments.get(fold(row.department))
            department = picked.name if picked is not None else row.department
            email = picked.email if picked is not None else ""
            report.complaints_forwarded += 1
        answered_at = _sheet_time(row.shown.get("answered", ""), tz, now)
        answer = row.answer if answered_at is not None else ""
        digest = ""
        if answered_at is not None:
            digest = answer_digest(answer) if answer else _ERASED_ANSWER
            report.complaints_answered += 1
        report.complaints_closed += row.done
        shown = row.shown.get("status", "")
        if shown in {s.value for s in ComplaintStatus}:
            status = ComplaintStatus(shown)
        elif row.done:
            status = ComplaintStatus.CLOSED
        elif answered_at is not None:
            status = ComplaintStatus.ANSWERED
        elif forwarded_at is not None:
            status = ComplaintStatus.FORWARDED
        else:
            status = ComplaintStatus.RECEIVED
        restored.append(
            ComplaintRecord(
                code=row.code,
                response_key=source.key,
                day=entry.day,
                seq=entry.seq,
                received_at=source.received_at,  # the ledger keeps it in UTC, as for every complaint
                name=source.name,
                contact=source.contact,
                reply_to=reply_address(source),  # without the form's row: the contact, when it is an e-mail
                kecamatan=kecamatan,
                desa=desa,
                place_note=place_note,
                category=source.category,
                text=source.text,
                photos=tuple(source.photos),
                status=status,
                message=row.shown.get("message", ""),
                department=department,
                department_email=email,
                forwarded_at=forwarded_at,
                answer=answer,
                answer_digest=digest,
                answered_at=answered_at,
                closed_at=now if row.done else None,  # when is not on the tab; found closed now
                row_state="archived" if entry.archived else "written",
                created_at=now,
            )
        )
    report.complaints = len(restored)
    return restored


def _tab_complaints(
    layout: ComplaintLayout, tab: list[list[Any]], tz: ZoneInfo, report: ComplaintTally, archived: bool
) -> list[_TabComplaint]:
    def cell(raw: Sequence[object], role: str) -> object:
        index = layout.columns.get(role)
        return raw[index] if index is not None and index < len(raw) else ""

    entries: list[_TabComplaint] = []
    codes: set[str] = set()
    numbers: set[tuple[date, int]] = set()
    for number, row in layout.parse(tab):
        if row.code in codes:
            continue  # a row an officer copied: the first one is the complaint
        issued = _split_complaint_code(row.code)
        if issued is None or issued in numbers:
            report.complaint_codes_ignored.append(row.code)
            continue
        codes.add(row.code)
        numbers.add(issued)
        raw = tab[number - 1]
        received = parse_timestamp(cell(raw, "received"), tz)
        entries.append(
            _TabComplaint(
                row=row,
                day=issued[0],
                seq=issued[1],
                received=received.replace(second=0) if received else None,
                name=clean_line(cell(raw, "name")),
                contact=clean_line(cell(raw, "contact")),
                desa=clean_line(cell(raw, "desa")),
                kecamatan=clean_line(cell(raw, "kecamatan")),
                category=clean_line(cell(raw, "category")),
                text=clean_body(cell(raw, "text")),
                photos=tuple(split_links(str(cell(raw, "photos") or ""))),
                archived=archived,
            )
        )
    return entries


def _match_complaints(entries: list[_TabComplaint], found: list[Complaint], tz: ZoneInfo) -> dict[int, Complaint]:
    """Each tab row's form complaint (by the row's index): received the same minute, with the most of name,
    contact and text still equal (officers may have corrected one); a row whose Diterima cannot be read
    needs all three. Each form complaint goes to one row at most, the best agreeing first."""
    by_minute: dict[str, list[Complaint]] = {}
    by_identity: dict[tuple[str, str, str], list[Complaint]] = {}
    for complaint in found:
        by_minute.setdefault(format_local(complaint.received_at, tz), []).append(complaint)
        identity = (fold(complaint.name), fold(complaint.contact), fold(complaint.text))
        by_identity.setdefault(identity, []).append(complaint)
    candidates: list[tuple[int, int, int, Complaint]] = []
    for index, entry in enumerate(entries):
        if entry.received is None:
            candidates += [(-3, index, n, c) for n, c in enumerate(by_identity.get(entry.identity, []))]
            continue
        for n, complaint in enumerate(by_minute.get(format_local(entry.received, tz), [])):
            score = sum(
                (
                    bool(entry.name) and fold(entry.name) == fold(complaint.name),
                    bool(entry.contact) and fold(entry.contact) == fold(complaint.contact),
                    bool(entry.text) and fold(entry.text) == fold(complaint.text),
                )
            )
            if score:
                candidates.append((-score, index, n, complaint))
    matched: dict[int, Complaint] = {}
    taken: set[str] = set()
    for _, index, _, complaint in sorted(candidates, key=lambda c: c[:3]):
        if index not in matched and complaint.key not in taken:
            matched[index] = complaint
            taken.add(complaint.key)
    return matched


def restore_complaints(app: App, items: list[ComplaintRecord]) -> None:
    """Insert the complaints in one go (a code already known takes what the tab shows as done). The one event
    each is `complaint_rebuilt`, which no notice is queued from: the receipts, forwardings and answers the tab
    shows were mailed before the ledger was lost."""
    if items:
        app.ledger.complaints.restore(items)


def adopt_complaints(app: App, tab: list[list[Any]]) -> int:
    """A cycle's look at the Pengaduan tab as read: complaints the ledger lacks (a code it does not know, or
    forwarded or answered there while the ledger says not) are adopted as `mymein rebuild` would rebuild
    them, so nothing is numbered, forwarded or answered twice. Returns how many."""
    if not tab or app.complaints is None:
        return 0
    try:
        layout = ComplaintLayout.from_header(tab[0])
    except ComplaintTabError:
        return 0
    rows = layout.parse(tab)
    records = app.ledger.complaints.records(row.code for _, row in rows)
    wanted = {
        row.code
        for _, row in rows
        if (record := records.get(row.code)) is None
        or (row.shown.get("forwarded", "").strip() and record.forwarded_at is None)
        or (row.shown.get("answered", "").strip() and record.answered_at is None)
    }
    if not wanted:
        return 0
    items = rebuild_complaints(app, ComplaintTally(), only=wanted)
    restore_complaints(app, items)
    if items:
        log.warning(
            "the ledger lacked %s that the Pengaduan tab shows (it was lost or restored from an older "
            "backup): adopted them; nothing is forwarded or answered again",
            counted(len(items), "complaint"),
        )
    return len(items)


def _read_tab(app: App, title: str) -> list[list[Any]]:
    """A tab of the review spreadsheet; empty when it does not exist (nothing is created)."""
    try:
        return app.review.values.get(quote_sheet(title))
    except GoogleApiError as exc:
        if exc.status == 400 and "parse range" in exc.message:
            return []
        raise


def _split_complaint_code(code: str) -> tuple[date, int] | None:
    found = _COMPLAINT_CODE.match(code)
    if found is None:
        return None
    try:
        return datetime.strptime(found[1], "%Y%m%d").date(), int(found[2])
    except ValueError:
        return None


def _sheet_time(text: str, tz: ZoneInfo, fallback: datetime) -> datetime | None:
    """A time the pipeline wrote (`YYYY-MM-DD HH:MM`, local); `fallback` when the cell says something else."""
    if not text.strip():
        return None
    return parse_timestamp(text, tz) or fallback
