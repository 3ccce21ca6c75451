"""The `complaints` table: each complaint's code, the complainant's data (kept here and on the Pengaduan tab
only), and what was done: forwarded to whom and when, the answer, closed, and where its tab row stands."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from ..core.complaints import (
    Complaint,
    ComplaintState,
    ComplaintStatus,
    ComplaintStep,
    answer_digest,
    complaint_code,
)
from ..core.monev import ComplaintHistory
from .events import insert_event
from .side_rows import SideRows
from .store import Store, json_list, utc_text, when

ARCHIVED = "archived"  # `row_state` of a complaint moved to the archive tab: never put back on Pengaduan


@dataclass(frozen=True)
class ComplaintRecord:
    code: str
    response_key: str
    day: date
    seq: int
    received_at: datetime
    name: str
    contact: str
    reply_to: str  # the complainant's usable e-mail, '' when none
    kecamatan: str
    desa: str
    place_note: str
    category: str
    text: str
    photos: tuple[str, ...]
    status: ComplaintStatus
    message: str
    department: str  # '' until forwarded
    department_email: str  # its addresses, ", "-separated
    forwarded_at: datetime | None
    answer: str
    answer_digest: str
    answered_at: datetime | None
    closed_at: datetime | None
    row_state: str  # new -> sending -> written (see side_rows), or archived
    created_at: datetime

    def as_state(self) -> ComplaintState:
        """What `core.complaints.decide_complaint` needs to know of it."""
        return ComplaintState(
            self.code, self.department, self.answer_digest, self.closed_at is not None, self.reply_to, self.place_note
        )


# Kept as first written when `restore` meets a code the ledger knows: the form's answer and its numbering.
_RESTORE_KEEPS = {"code", "response_key", "day", "seq", "received_at", "created_at", "reply_to"}


class Complaints:
    def __init__(self, store: Store) -> None:
        self._store = store
        self.rows = SideRows(store, "complaints", "code", state="row_state")

    # --- reading ----------------------------------------------------------------------------------------
    def known_keys(self) -> set[str]:
        """The complaint form responses already numbered."""
        return {r[0] for r in self._store.db.execute("SELECT response_key FROM complaints")}

    def count(self) -> int:
        return int(self._store.db.execute("SELECT COUNT(*) FROM complaints").fetchone()[0])

    def get(self, code: str) -> ComplaintRecord | None:
        row = self._store.db.execute("SELECT * FROM complaints WHERE code = ?", (code,)).fetchone()
        return None if row is None else _to_record(row)

    def records(self, codes: Iterable[str] | None = None) -> dict[str, ComplaintRecord]:
        """Every complaint by code, in code order; with `codes`, only those."""
        if codes is None:
            rows = self._store.db.execute("SELECT * FROM complaints ORDER BY code")
        else:
            rows = self._store.db.execute(
                "SELECT * FROM complaints WHERE code IN (SELECT value FROM json_each(?)) ORDER BY code",
                (json_list(codes),),
            )
        return {r["code"]: _to_record(r) for r in rows}

    def with_status(self, status: ComplaintStatus) -> list[ComplaintRecord]:
        rows = self._store.db.execute("SELECT * FROM complaints WHERE status = ? ORDER BY code", (status.value,))
        return [_to_record(r) for r in rows]

    def forwarded_unanswered(self) -> list[ComplaintRecord]:
        """Complaints forwarded to a department that has not answered yet, in code order."""
        rows = self._store.db.execute(
            "SELECT * FROM complaints WHERE status = ? AND forwarded_at IS NOT NULL ORDER BY code",
            (ComplaintStatus.FORWARDED.value,),
        )
        return [_to_record(r) for r in rows]

    def status_counts(self) -> dict[str, int]:
        """Complaints per status, in status order."""
        rows = self._store.db.execute("SELECT status, COUNT(*) FROM complaints GROUP BY status ORDER BY status")
        return {str(status): int(n) for status, n in rows}

    def month(self, start: datetime, end: datetime) -> list[ComplaintHistory]:
        """Complaints received in [start, end), read without the complainant's name, contact, address or text."""
        # julianday() compares instants, whatever offset a time was written with (ledgers of this release's first
        # builds kept the form's offset for complaints).
        rows = self._store.db.execute(
            """SELECT code, kecamatan, desa, category, department, status, received_at, forwarded_at, answered_at,
                      closed_at
               FROM complaints WHERE julianday(received_at) >= julianday(?) AND julianday(received_at) < julianday(?)
               ORDER BY code""",
            (utc_text(start), utc_text(end)),
        )
        return [
            ComplaintHistory(
                code=r["code"],
                kecamatan=r["kecamatan"],
                desa=r["desa"],
                category=r["category"],
                department=r["department"],
                status=ComplaintStatus(r["status"]),
                received_at=datetime.fromisoformat(r["received_at"]),
                forwarded_at=when(r["forwarded_at"]),
                answered_at=when(r["answered_at"]),
                closed_at=when(r["closed_at"]),
            )
            for r in rows
        ]

    # --- writing ----------------------------------------------------------------------------------------
    def add(
        self, complaint: Complaint, day: date, place: tuple[str, str, str], reply_to: str, message: str, at: datetime
    ) -> str:
        """Number a new complaint within its local `day` and record it with its `complaint_received` event, in
        one transaction; `place` is (kecamatan, desa, place note). Returns its code."""
        kecamatan, desa, place_note = place
        with self._store.transaction() as db:
            seq = int(
                db.execute(
                    "SELECT COALESCE(MAX(seq), 0) + 1 FROM complaints WHERE day = ?", (day.isoformat(),)
                ).fetchone()[0]
            )
            code = complaint_code(day, seq)
            db.execute(
                """INSERT INTO complaints (code, response_key, day, seq, received_at, name, contact, reply_to,
                   kecamatan, desa, place_note, category, text, photos, status, message, created_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    code,
                    complaint.key,
                    day.isoformat(),
                    seq,
                    utc_text(complaint.received_at),  # UTC, like every time in the ledger
                    complaint.name,
                    complaint.contact,
                    reply_to,
                    kecamatan,
                    desa,
                    place_note,
                    complaint.category,
                    complaint.text,
                    json.dumps(list(complaint.photos)),
                    ComplaintStatus.RECEIVED.value,
                    message,
                    at.isoformat(),
                ),
            )
            insert_event(db, self._store.now(), code, "complaint_received", {"category": complaint.category})
        return code

    def apply(
        self, state: ComplaintState, step: ComplaintStep, message: str, *, photos_shared: bool, at: datetime
    ) -> None:
        """What an officer's entries did to a complaint (`core.complaints.decide_complaint`), with one event per
        change, in one transaction."""
        code, now = state.code, at.isoformat()
        with self._store.transaction() as db:
            if step.forward_to is not None:
                department = step.forward_to
                db.execute(
                    "UPDATE complaints SET department = ?, department_email = ?, forwarded_at = ? WHERE code = ?",
                    (department.name, department.email, now, code),
                )
                detail = {
                    "department": department.name,
                    "email": department.email,
                    "again": bool(state.department),
                    "photos_shared": photos_shared,
                }
                insert_event(db, self._store.now(), code, "complaint_forwarded", detail)
            if step.answer is not None:
                first = not state.answer_digest
                db.execute(
                    """UPDATE complaints SET answer = ?, answer_digest = ?, answered_at = COALESCE(answered_at, ?)
                       WHERE code = ?""",
                    (step.answer, answer_digest(step.answer), now, code),
                )
                kind = "complaint_answered" if first else "complaint_answer_edited"
                insert_event(db, self._store.now(), code, kind, {})
            if step.close:
                db.execute("UPDATE complaints SET closed_at = ? WHERE code = ?", (now, code))
                insert_event(db, self._store.now(), code, "complaint_closed", {})
            if step.reopen:
                db.execute("UPDATE complaints SET closed_at = NULL WHERE code = ?", (code,))
                insert_event(db, self._store.now(), code, "complaint_reopened", {})
            db.execute(
                "UPDATE complaints SET status = ?, message = ? WHERE code = ?", (step.status.value, message, code)
            )

    def archive(self, codes: Sequence[str], tab: str) -> None:
        """The complaints' rows moved to the archive `tab`: theirs now, never put back on Pengaduan."""
        with self._store.transaction() as db:
            for code in codes:
                db.execute("UPDATE complaints SET row_state = ? WHERE code = ?", (ARCHIVED, code))
                insert_event(db, self._store.now(), code, "complaint_archived", {"tab": tab})

    def restore(self, items: Sequence[ComplaintRecord]) -> None:
        """Put back complaints rebuilt from the Pengaduan tab and the complaint form, in one transaction; a code
        already known takes what the tab shows as done. The one event each is `complaint_rebuilt`, which no
        notice is queued from."""
        with self._store.transaction() as db:
            for item in items:
                values = _columns(item)
                columns = ", ".join(values)
                marks = ", ".join("?" for _ in values)
                updates = ", ".join(f"{c} = excluded.{c}" for c in values if c not in _RESTORE_KEEPS)
                db.execute(
                    f"INSERT INTO complaints ({columns}) VALUES ({marks}) ON CONFLICT(code) DO UPDATE SET {updates}",
                    tuple(values.values()),
                )
                detail = {
                    "status": item.status.value,
                    "department": item.department,
                    "matched": not item.response_key.startswith("rebuilt:"),
                }
                insert_event(db, self._store.now(), item.code, "complaint_rebuilt", detail)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _columns(item: ComplaintRecord) -> dict[str, object]:
    """A record as the table's columns, each time as it was given (received_at in UTC, as `add` writes it)."""
    return {
        "code": item.code,
        "response_key": item.response_key,
        "day": item.day.isoformat(),
        "seq": item.seq,
        "received_at": utc_text(item.received_at),
        "name": item.name,
        "contact": item.contact,
        "reply_to": item.reply_to,
        "kecamatan": item.kecamatan,
        "desa": item.desa,
        "place_note": item.place_note,
        "category": item.category,
        "text": item.text,
        "photos": json.dumps(list(item.photos)),
        "status": item.status.value,
        "message": item.message,
        "department": item.department,
        "department_email": item.department_email,
        "forwarded_at": _iso(item.forwarded_at),
        "answer": item.answer,
        "answer_digest": item.answer_digest,
        "answered_at": _iso(item.answered_at),
        "closed_at": _iso(item.closed_at),
        "row_state": item.row_state,
        "created_at": item.created_at.isoformat(),
    }


def _to_record(r: sqlite3.Row) -> ComplaintRecord:
    return ComplaintRecord(
        code=r["code"],
        response_key=r["response_key"],
        day=date.fromisoformat(r["day"]),
        seq=int(r["seq"]),
        received_at=datetime.fromisoformat(r["received_at"]),
        name=r["name"],
        contact=r["contact"],
        reply_to=r["reply_to"],
        kecamatan=r["kecamatan"],
        desa=r["desa"],
        place_note=r["place_note"],
        category=r["category"],
        text=r["text"],
        photos=tuple(json.loads(r["photos"])),
        status=ComplaintStatus(r["status"]),
        message=r["message"],
        department=r["department"],
        department_email=r["department_email"],
        forwarded_at=when(r["forwarded_at"]),
        answer=r["answer"],
        answer_digest=r["answer_digest"],
        answered_at=when(r["answered_at"]),
        closed_at=when(r["closed_at"]),
        row_state=r["row_state"],
        created_at=datetime.fromisoformat(r["created_at"]),
    )
