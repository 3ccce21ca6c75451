"""KIM registration: applications from the registration form become numbered KIMs in the Operator tab.

The form's sheet is read at most every `registration.check_seconds` (one call); each new application is
checked (the village exists; no second KIM for a village unless allowed), numbered in the ledger, and its
row goes to the Operator tab in the cycle's write-back. The operator hears of it by e-mail (notices).
"""

from __future__ import annotations

import json

from .app import App
from .core.registration import check, operator_row, read_applications, registration_number
from .core.registry import OPERATOR_HEADER
from .google.errors import GoogleApiError
from .google.sheets_values import quote_sheet
from .tabs import OPERATOR_KIND, TabRows, column_values, tab_id, title_of

CHECKED_META = "registrations_checked_at"
NUMBER_COLUMN = "K"  # `Nomor registrasi`, the 11th column of OPERATOR_HEADER


def collect(app: App, errors: list[str]) -> int:
    """New applications into the ledger, numbered or refused; returns how many were numbered."""
    settings = app.settings.registration
    if app.registrations is None:
        return 0
    now = app.clock()
    if not app.ledger.due(CHECKED_META, now, settings.check_seconds):
        return 0
    try:
        rows = app.registrations.get(quote_sheet(settings.worksheet))
        applications = read_applications(rows, app.settings.tz)
    except (GoogleApiError, ValueError) as exc:
        errors.append(f"KIM registrations could not be read: {exc}")
        return 0
    db = app.ledger.db
    known = {r[0] for r in db.execute("SELECT response_key FROM registrations")}
    registered = [(r[0], r[1]) for r in db.execute("SELECT kecamatan, desa FROM registrations WHERE seq IS NOT NULL")]
    numbered = 0
    for a in sorted(applications, key=lambda item: item.received_at):
        if a.key in known:
            continue
        place, reason = check(a, app.regions, registered, allow_second=settings.allow_second_kim)
        with app.ledger.transaction() as tx:
            if place is None:
                tx.execute(
                    """INSERT INTO registrations (response_key, email, kecamatan, desa, message, row, state, created_at)
                       VALUES (?, ?, ?, ?, ?, '[]', 'refused', ?)""",
                    (
                        a.key,
                        a.email,
                        a.kecamatan,
                        a.desa,
                        reason,
                        now.isoformat(),
                    ),
                )
                detail = {
                    "email": a.email,
                    "name": a.name,
                    "kim": a.kim,
                    "reason": reason,
                }
                app.ledger.record_event(tx, None, "registration_refused", {**detail, "key": a.key})
                continue
            seq = int(tx.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM registrations").fetchone()[0])
            number = registration_number(settings.number_pattern, settings.region_code, seq)
            row = operator_row(a, place, number)
            tx.execute(
                """INSERT INTO registrations (response_key, email, kecamatan, desa, seq, number, row, state, created_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, 'new', ?)""",
                (a.key, a.email, place[0], place[1], seq, number, json.dumps(row), now.isoformat()),
            )
            detail = {"email": a.email, "name": a.name, "kim": a.kim, "number": number}
            app.ledger.record_event(tx, None, "registered", {**detail, "kecamatan": place[0], "desa": place[1]})
        registered.append(place)
        numbered += 1
    app.ledger.set_meta(CHECKED_META, now.isoformat())
    return numbered


def pending_rows(app: App) -> TabRows | None:
    """Numbered KIMs not yet in the Operator tab; a row whose write-back answer was lost is looked for first."""
    if app.registrations is None:
        return None
    db = app.ledger.db
    if db.execute("SELECT 1 FROM registrations WHERE state IN ('new', 'sending') LIMIT 1").fetchone() is None:
        return None
    sheet_id = _tab(app)
    if db.execute("SELECT 1 FROM registrations WHERE state = 'sending' LIMIT 1").fetchone() is not None:
        on_tab = column_values(app, title_of(app, OPERATOR_KIND, app.settings.review.operator_worksheet), NUMBER_COLUMN)
        for key, number in db.execute(
            "SELECT response_key, number FROM registrations WHERE state = 'sending'"
        ).fetchall():
            db.execute(
                "UPDATE registrations SET state = ? WHERE response_key = ?",
                ("written" if number in on_tab else "new", key),
            )
    chosen = db.execute("SELECT response_key, row FROM registrations WHERE state = 'new' ORDER BY seq").fetchall()
    if not chosen:
        return None
    return TabRows(sheet_id, [json.loads(r[1]) for r in chosen], [str(r[0]) for r in chosen])


def mark(app: App, rows: TabRows | None, state: str) -> None:
    if rows is not None:
        app.ledger.db.executemany(
            "UPDATE registrations SET state = ? WHERE response_key = ?", [(state, key) for key in rows.ids]
        )


def _tab(app: App) -> int:
    return tab_id(app, app.settings.review.operator_worksheet, OPERATOR_HEADER, OPERATOR_KIND)
