"""Complaints (pengaduan): from the complaint form to the Pengaduan tab, to a department (SKPD) and back.

The complaint form's sheet is read at most every `complaints.check_seconds` (one call); each new complaint
gets its code in the ledger and its row on the Pengaduan tab in the cycle's write-back. The Pengaduan and
SKPD tabs are read in the same batchGet as the review tab, so officers' entries cost no call of their own:
picking an SKPD forwards the complaint by e-mail, writing the answer sends it to the complainant, ticking
Selesai closes it. The e-mails are queued from ledger events by `notices`, once each.

Personal data (the complainant's name and contact) stays on the tab and in the ledger: the department gets
the complaint's place, category, text and photos, and answers through the office.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..app import App
from ..core.complaints import (
    DEPARTMENT_HEADER,
    TAB_HEADERS,
    Complaint,
    ComplaintLayout,
    ComplaintRow,
    ComplaintState,
    ComplaintStatus,
    ComplaintStep,
    ComplaintTabError,
    Department,
    decide_complaint,
    mailboxes,
    read_complaints,
    read_departments,
    received_as,
    reply_address,
    reply_problem,
)
from ..core.message import Text
from ..core.photos import file_ids
from ..core.sheettime import format_local
from ..core.text import counted
from ..google.errors import GoogleApiError
from ..google.review_sheet import Archive, CellWrite
from ..google.sheet_setup import department_rule
from ..google.sheets_values import quote_sheet
from ..infra.tabs import COMPLAINTS_ARCHIVE_KIND, COMPLAINTS_KIND, TabRows, tab_id
from ..ledger import ComplaintRecord
from . import photo_access

log = logging.getLogger("mymein.complaints")

TAB_KIND = COMPLAINTS_KIND
ARCHIVE_KIND = COMPLAINTS_ARCHIVE_KIND
DEPARTMENTS_KIND = "departments_sheet_id"


@dataclass
class ComplaintWork:
    """This cycle's Pengaduan tab: where its columns are, and what the write-back should put there."""

    layout: ComplaintLayout
    sheet_id: int
    changes: dict[str, dict[str, str]] = field(default_factory=dict)  # code -> role -> value
    appends: TabRows | None = None
    finished: dict[str, list[Any]] = field(default_factory=dict)  # code -> its row as read: to archive
    header: list[Any] = field(default_factory=list)

    def writes(self, where: dict[str, list[int]]) -> list[CellWrite]:
        """The changed cells placed where each code is now (`where`: code -> row numbers)."""
        return [
            CellWrite(number, self.layout.columns[role], value, self.sheet_id, code)
            for code, cells in self.changes.items()
            for number in where.get(code, [])
            for role, value in cells.items()
        ]


# The tabs read with the review tab, in this order, with the header each is made with.
TAB_KINDS: dict[str, list[str]] = {TAB_KIND: list(TAB_HEADERS.values()), DEPARTMENTS_KIND: list(DEPARTMENT_HEADER)}


def tab_kinds(app: App) -> dict[str, str]:
    """The tabs to read with the review tab (kind -> configured title), made first when missing (remembered,
    so no call after)."""
    settings = app.settings.complaints
    if not settings.enabled:
        return {}
    titles = {TAB_KIND: settings.tab, DEPARTMENTS_KIND: settings.departments_tab}
    for kind, title in titles.items():
        tab_id(app, title, TAB_KINDS[kind], kind, LOOKS_LIKE.get(kind))
    return titles


def _looks_like_pengaduan(header: list[Any]) -> bool:
    try:
        ComplaintLayout.from_header(header)
    except ComplaintTabError:
        return False
    return True


def _looks_like_departments(header: list[Any]) -> bool:
    return [str(c).strip() for c in header[: len(DEPARTMENT_HEADER)]] == list(DEPARTMENT_HEADER)


# How a renamed tab is recognised by a ledger that has no memory of it (new or lost): by its header row.
LOOKS_LIKE = {TAB_KIND: _looks_like_pengaduan, DEPARTMENTS_KIND: _looks_like_departments}


# --- from the form --------------------------------------------------------------------------------------
def collect(app: App, errors: list[str]) -> int:
    """New complaints from the form into the ledger, each with its code; returns how many."""
    settings = app.settings.complaints
    if app.complaints is None:
        return 0
    now = app.clock()
    checked = app.ledger.meta.complaints_checked_at
    if not checked.due(now, settings.check_seconds):
        return 0
    try:
        found = read_complaints(app.complaints.get(quote_sheet(settings.worksheet)), app.settings.tz)
    except (GoogleApiError, ValueError) as exc:
        errors.append(Text("complaints could not be read: {error}", error=exc))
        return 0
    known = app.ledger.complaints.known_keys()
    added = 0
    for complaint in sorted(found, key=lambda c: c.received_at):
        if complaint.key not in known:
            _add(app, complaint, now)
            added += 1
    checked.set(now.isoformat())
    return added


def _add(app: App, complaint: Complaint, now: datetime) -> None:
    day = complaint.received_at.astimezone(app.settings.tz).date()
    kecamatan, desa, place_note = received_as(complaint, app.regions)
    reply_to = reply_address(complaint)
    message = place_note or "Pilih SKPD yang menangani pengaduan ini."
    code = app.ledger.complaints.add(complaint, day, (kecamatan, desa, place_note), reply_to, message, now)
    log.info("complaint %s received (%s, %s)", code, kecamatan, complaint.category)
    if reply_problem(complaint):
        log.warning("complaint %s: the complainant's e-mail is not one usable address; nothing is mailed to it", code)


# --- the officers' entries ------------------------------------------------------------------------------
def review(app: App, tab: list[list[Any]], departments_tab: list[list[Any]], errors: list[str]) -> ComplaintWork | None:
    """Act on what officers entered on the Pengaduan tab; returns what the write-back should write there."""
    if not tab:
        errors.append(
            Text(
                "the {tab} tab is empty; run `mymein init` to give it its header", tab=repr(app.settings.complaints.tab)
            )
        )
        return None
    try:
        layout = ComplaintLayout.from_header(tab[0])
    except ComplaintTabError as exc:
        errors.append(Text("complaints wait: {error}; run `mymein init`", error=exc))
        return None
    rows = layout.parse(tab)
    present = {row.code for _, row in rows}
    _settle_rows(app, present)
    departments = read_departments(departments_tab)
    records = app.ledger.complaints.records()
    decided: set[str] = set()
    decided_now: set[str] = set()
    for _, row in rows:
        record = records.get(row.code)
        if record is None or row.code in decided:
            continue  # a code typed by hand; a copy of a row (its first row decides, or copies would take turns)
        decided.add(row.code)
        state = record.as_state()
        step = decide_complaint(row, state, departments)
        message = _message(step, state)
        if not step.changes and (record.status, record.message) == (step.status, message):
            continue
        decided_now.add(row.code)
        try:
            _apply(app, row.code, state, step, message)
        except GoogleApiError as exc:
            errors.append(Text("{code}: {error}", code=row.code, error=exc))
    work = ComplaintWork(layout, tab_id(app, app.settings.complaints.tab, list(TAB_HEADERS.values()), TAB_KIND))
    if decided_now:  # the ledger changed: what the tab should show is read again
        records = app.ledger.complaints.records()
    for _, row in rows:
        record = records.get(row.code)
        if record is None:
            continue
        wanted = _pipeline_cells(app, record)
        changed = {role: value for role, value in wanted.items() if row.shown.get(role, "") != value}
        if changed:
            work.changes[row.code] = changed
    work.appends = _new_rows(app, layout, records, present)
    work.header = list(tab[0])
    work.finished = _finished(app, tab, rows, records, work, decided_now)
    return work


def _finished(
    app: App,
    tab: list[list[Any]],
    rows: list[tuple[int, ComplaintRow]],
    records: dict[str, ComplaintRecord],
    work: ComplaintWork,
    decided_now: set[str],
) -> dict[str, list[Any]]:
    """Complaints closed more than `complaints.archive_after_days` ago, on one row, that nothing changed
    this cycle: their rows as read, to move to the archive tab."""
    days = app.settings.complaints.archive_after_days
    if not days:
        return {}
    cutoff = app.clock() - timedelta(days=days)
    count = Counter(row.code for _, row in rows)
    finished: dict[str, list[Any]] = {}
    for number, row in rows:
        record = records.get(row.code)
        if (
            record is not None
            and record.closed_at is not None
            and record.closed_at <= cutoff
            and count[row.code] == 1
            and row.code not in work.changes
            and row.code not in decided_now
        ):
            finished[row.code] = list(tab[number - 1])
    return finished


def archive_for(app: App, work: ComplaintWork, where: dict[str, list[int]]) -> Archive | None:
    """The finished complaints found on exactly one row now, to move in the write-back's call."""
    codes = sorted(code for code in work.finished if len(where.get(code, [])) == 1)
    if not codes:
        return None
    settings = app.settings.complaints
    archive_id = tab_id(app, settings.archive_tab, work.header, ARCHIVE_KIND)
    rows = [work.finished[code] for code in codes]
    return Archive(archive_id, rows, [where[code][0] for code in codes], codes, work.sheet_id)


def archived(app: App, archive: Archive | None) -> int:
    """After the write-back: the moved complaints are the archive tab's now, never put back on Pengaduan."""
    if archive is None:
        return 0
    app.ledger.complaints.archive(archive.codes, app.settings.complaints.archive_tab)
    return len(archive.codes)


def _settle_rows(app: App, present: set[str]) -> None:
    """Rows not known to be on the tab (a write-back answer lost, or an earlier cycle's row): those on it now
    are written; the others go (again) in this cycle's write-back."""
    app.ledger.complaints.rows.settle(present)


def _apply(app: App, code: str, state: ComplaintState, step: ComplaintStep, message: str) -> None:
    now = app.clock()
    shared = _share_photos(app, code, step.forward_to) if step.forward_to is not None else True
    app.ledger.complaints.apply(state, step, message, photos_shared=shared, at=now)
    if step.changes:
        log.info("complaint %s: %s", code, step.status.value)


def _message(step: ComplaintStep, state: ComplaintState) -> str:
    """What the Pesan column tells the officer: the problem if any, else where the complaint stands."""
    if step.message:
        return step.message
    department = step.forward_to.name if step.forward_to is not None else state.department
    if step.status is ComplaintStatus.FORWARDED:
        return f"Diteruskan ke {department}; menunggu jawaban."
    if step.status is ComplaintStatus.ANSWERED:
        return "Jawaban dikirim ke e-mail pelapor. Centang Selesai bila tuntas."
    if step.status is ComplaintStatus.CLOSED:
        return "Selesai."
    return ""


def _share_photos(app: App, code: str, department: Department) -> bool:
    """Let the department open the complaint's photos (only they, not anyone with the link); False when Drive
    refused (e.g. an address without a Google account) or a photo is not a form upload (`photos.upload_folders`):
    the complaint is forwarded all the same, and the e-mail tells them to ask the office for the photos.

    A complaint re-routed to another department is first taken back from the one it went to before; should
    Drive fail at that, the re-routing waits for the next cycle (raises), so no department keeps a complaint
    that is no longer theirs."""
    record = app.ledger.complaints.get(code)
    assert record is not None
    photos = file_ids(list(record.photos))
    now = {address.casefold() for address in department.addresses}
    before = [address for address in mailboxes(record.department_email) if address.casefold() not in now]
    for file_id in photos if before else ():
        app.photos.unshare_with(file_id, before)
    try:
        shareable = [file_id for file_id in photos if photo_access.uploaded(app, file_id)]
        for file_id in shareable:
            for address in department.addresses:
                app.photos.share_with(file_id, address)
    except GoogleApiError as exc:
        # Drive's message may quote the address: the log keeps the code and Google's reason only.
        log.warning(
            "complaint %s: photos not shared with %s: HTTP %s %s", code, department.name, exc.status, exc.reason
        )
        return False
    if len(shareable) < len(photos):
        outside = len(photos) - len(shareable)
        log.warning("complaint %s: %s not from a form's upload folder, not shared", code, counted(outside, "photo"))
        return False
    return True


# --- the write-back -------------------------------------------------------------------------------------
def _pipeline_cells(app: App, record: ComplaintRecord) -> dict[str, str]:
    tz = app.settings.tz

    def when(value: datetime | None) -> str:
        return format_local(value, tz) if value is not None else ""

    return {
        "status": record.status.value,
        "forwarded": when(record.forwarded_at),
        "answered": when(record.answered_at),
        "message": record.message,
    }


def _new_rows(
    app: App, layout: ComplaintLayout, records: dict[str, ComplaintRecord], present: set[str]
) -> TabRows | None:
    # New complaints (settled against the tab first), and any not archived whose row was deleted by hand.
    chosen = [r for code, r in records.items() if code not in present and r.row_state in ("new", "written")]
    if not chosen:
        return None
    tz = app.settings.tz
    rows = [
        layout.lay_out(
            {
                "code": r.code,
                "received": format_local(r.received_at, tz),
                "name": r.name,
                "contact": r.contact,
                "desa": r.desa,
                "kecamatan": r.kecamatan,
                "category": r.category,
                "text": r.text,
                "photos": ", ".join(r.photos),
                "department": r.department,
                "answer": r.answer,
                "done": r.closed_at is not None,
                "note": "",
                **_pipeline_cells(app, r),
            }
        )
        for r in chosen
    ]
    sheet_id = tab_id(app, app.settings.complaints.tab, list(TAB_HEADERS.values()), TAB_KIND)
    return TabRows(sheet_id, rows, [r.code for r in chosen], _validations(app, layout))


def _validations(app: App, layout: ComplaintLayout) -> dict[int, dict[str, Any]]:
    """The SKPD dropdown and the Selesai checkbox, carried by each new row."""
    return {
        layout.columns["department"]: department_rule(app.settings.complaints.departments_tab),
        layout.columns["done"]: {"condition": {"type": "BOOLEAN"}},
    }


def mark(app: App, rows: TabRows | None, state: str) -> None:
    """`sending` just before the write-back; `written` when it returned; `new` when Google refused it."""
    if rows is not None:
        app.ledger.complaints.rows.mark(rows.ids, state)


def code_column(work: ComplaintWork) -> int:
    return work.layout.columns["code"]


def open_for_department(app: App, before: datetime) -> dict[str, list[ComplaintRecord]]:
    """Complaints forwarded before `before` and still unanswered, by the department's e-mail addresses (as
    the ledger keeps them: ", "-separated)."""
    found: dict[str, list[ComplaintRecord]] = {}
    for r in app.ledger.complaints.forwarded_unanswered():
        if r.forwarded_at is not None and r.forwarded_at <= before and r.department_email:
            found.setdefault(r.department_email, []).append(r)
    return found


def waiting_for_department(app: App, before: datetime) -> list[ComplaintRecord]:
    """Complaints received before `before` that no officer has routed to a department yet."""
    return [r for r in app.ledger.complaints.with_status(ComplaintStatus.RECEIVED) if r.received_at <= before]
