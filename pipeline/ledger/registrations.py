"""The `registrations` table: KIM registrations from the registration form, numbered once each (`seq` is
unique) or refused with a reason, and their rows copied to the Operator tab (new -> sending -> written)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..core.registration import Application, operator_row, registration_number
from .events import insert_event
from .side_rows import NEW, WRITTEN, SideRows
from .store import Store

REFUSED = "refused"  # the `state` of a refused application: it has no row for the Operator tab


@dataclass(frozen=True)
class RegistrationRecord:
    response_key: str
    email: str
    kecamatan: str
    desa: str
    seq: int | None  # None when refused
    number: str | None
    message: str  # why it was refused
    row: tuple[Any, ...]  # its Operator tab row (empty when refused or adopted from the tab)
    state: str  # refused, or new -> sending -> written (see side_rows)
    created_at: datetime


class Registrations:
    def __init__(self, store: Store) -> None:
        self._store = store
        self.rows = SideRows(store, "registrations", "response_key")

    # --- reading ----------------------------------------------------------------------------------------
    def known_keys(self) -> set[str]:
        """The registration form responses already handled (numbered, refused or adopted)."""
        return {r[0] for r in self._store.db.execute("SELECT response_key FROM registrations")}

    def registered_places(self) -> list[tuple[str, str]]:
        """(kecamatan, desa) of every numbered KIM, in the order they were recorded."""
        rows = self._store.db.execute("SELECT kecamatan, desa FROM registrations WHERE seq IS NOT NULL")
        return [(r[0], r[1]) for r in rows]

    def villages(self) -> list[tuple[str, str]]:
        """The villages with a numbered KIM, each once."""
        rows = self._store.db.execute("SELECT DISTINCT kecamatan, desa FROM registrations WHERE seq IS NOT NULL")
        return [(str(r[0]), str(r[1])) for r in rows]

    def numbers(self) -> set[str]:
        """Every registration number given."""
        return {r[0] for r in self._store.db.execute("SELECT number FROM registrations WHERE number IS NOT NULL")}

    def new(self) -> list[RegistrationRecord]:
        """Numbered KIMs whose rows go to the Operator tab in this write-back, in number order."""
        rows = self._store.db.execute("SELECT * FROM registrations WHERE state = ? ORDER BY seq", (NEW,))
        return [_to_record(r) for r in rows]

    # --- writing ----------------------------------------------------------------------------------------
    def refuse(self, application: Application, reason: str, *, kind: str, at: datetime) -> None:
        """A refused application, with its event (`kind`: registration_refused, or registration_refused_before
        when a lost ledger answered it already), in one transaction."""
        a = application
        with self._store.transaction() as db:
            db.execute(
                """INSERT INTO registrations (response_key, email, kecamatan, desa, message, row, state, created_at)
                   VALUES (?, ?, ?, ?, ?, '[]', ?, ?)""",
                (a.key, a.email, a.kecamatan, a.desa, reason, REFUSED, at.isoformat()),
            )
            detail = {"email": a.email, "name": a.name, "kim": a.kim, "reason": reason, "key": a.key}
            insert_event(db, self._store.now(), None, kind, detail)

    def register(
        self,
        application: Application,
        place: tuple[str, str],
        *,
        pattern: str,
        region_code: str,
        taken: Collection[str],
        at: datetime,
    ) -> str:
        """Number an application (the next sequence whose number is not in `taken`: a number already on the tab
        is never given again) and record it with its Operator tab row and its `registered` event, in one
        transaction. Returns the number."""
        a = application
        with self._store.transaction() as db:
            seq = int(db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM registrations").fetchone()[0])
            number = registration_number(pattern, region_code, seq)
            while number in taken:
                seq += 1
                number = registration_number(pattern, region_code, seq)
            row = operator_row(a, place, number)
            db.execute(
                """INSERT INTO registrations (response_key, email, kecamatan, desa, seq, number, row, state,
                   created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (a.key, a.email, place[0], place[1], seq, number, json.dumps(row), NEW, at.isoformat()),
            )
            detail = {"email": a.email, "name": a.name, "kim": a.kim, "number": number}
            insert_event(db, self._store.now(), None, "registered", {**detail, "kecamatan": place[0], "desa": place[1]})
        return number

    def adopt(self, application: Application, number: str, seq: int | None, *, at: datetime) -> None:
        """An application the Operator tab shows numbered while the ledger did not know it: recorded as written
        with its number (and `seq`, unless taken or unknown: then the next one), and no e-mail."""
        a = application
        with self._store.transaction() as db:
            if seq is None or db.execute("SELECT 1 FROM registrations WHERE seq = ?", (seq,)).fetchone():
                seq = int(db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM registrations").fetchone()[0])
            db.execute(
                """INSERT INTO registrations (response_key, email, kecamatan, desa, seq, number, row, state,
                   created_at) VALUES (?, ?, ?, ?, ?, ?, '[]', ?, ?)""",
                (a.key, a.email, a.kecamatan, a.desa, seq, number, WRITTEN, at.isoformat()),
            )
            insert_event(db, self._store.now(), None, "registration_adopted", {"key": a.key, "number": number})


def _to_record(r: sqlite3.Row) -> RegistrationRecord:
    return RegistrationRecord(
        response_key=r["response_key"],
        email=r["email"],
        kecamatan=r["kecamatan"],
        desa=r["desa"],
        seq=r["seq"],
        number=r["number"],
        message=r["message"],
        row=tuple(json.loads(r["row"])),
        state=r["state"],
        created_at=datetime.fromisoformat(r["created_at"]),
    )
