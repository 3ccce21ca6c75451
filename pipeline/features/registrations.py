"""KIM registration: applications from the registration form become numbered KIMs in the Operator tab.

The form's sheet is read at most every `registration.check_seconds` (one call); each new application is
checked (the village exists; no second KIM for a village unless allowed), numbered in the ledger, and its
row goes to the Operator tab in the cycle's write-back. The operator hears of it by e-mail (notices).
"""

from __future__ import annotations

import logging
import re
from datetime import datetime

from ..app import App
from ..core.message import Text
from ..core.registration import Application, check, read_applications
from ..core.registry import OPERATOR_HEADER
from ..core.text import counted, fold
from ..google.errors import GoogleApiError
from ..google.sheets_values import quote_sheet
from ..infra.tabs import OPERATOR_KIND, TabRows, column_values, tab_id, title_of

log = logging.getLogger("mymein.recovery")

NUMBER_COLUMN = "K"  # `Nomor registrasi`, the 11th column of OPERATOR_HEADER


def collect(app: App, errors: list[str]) -> int:
    """New applications into the ledger, numbered or refused; returns how many were numbered."""
    settings = app.settings.registration
    if app.registrations is None:
        return 0
    now = app.clock()
    checked = app.ledger.meta.registrations_checked_at
    if not checked.due(now, settings.check_seconds):
        return 0
    try:
        rows = app.registrations.get(quote_sheet(settings.worksheet))
        applications = read_applications(rows, app.settings.tz)
    except (GoogleApiError, ValueError) as exc:
        errors.append(Text("KIM registrations could not be read: {error}", error=exc))
        return 0
    known = app.ledger.registrations.known_keys()
    fresh = [a for a in sorted(applications, key=lambda item: item.received_at) if a.key not in known]
    taken: set[str] = set()
    handled_until: datetime | None = None
    if fresh:
        try:
            on_tab = _numbered_on_tab(app)
        except GoogleApiError as exc:
            errors.append(Text("KIM registrations wait: the Operator tab could not be read: {error}", error=exc))
            return 0
        taken = {number for number, _ in on_tab.values()}
        fresh, handled_until = _adopt(app, fresh, on_tab, now)
    registered = app.ledger.registrations.registered_places()
    taken |= app.ledger.registrations.numbers()
    numbered = 0
    for a in fresh:
        place, reason = check(a, app.regions, registered, allow_second=settings.allow_second_kim)
        if place is None:
            # Refused before a later application the tab shows numbered: the lost ledger answered it already.
            answered = handled_until is not None and a.received_at <= handled_until
            kind = "registration_refused_before" if answered else "registration_refused"
            app.ledger.registrations.refuse(a, reason, kind=kind, at=now)
            continue
        number = app.ledger.registrations.register(
            a, place, pattern=settings.number_pattern, region_code=settings.region_code, taken=taken, at=now
        )
        taken.add(number)
        registered.append(place)
        numbered += 1
    checked.set(now.isoformat())
    return numbered


def _numbered_on_tab(app: App) -> dict[tuple[str, str], tuple[str, int]]:
    """The Operator tab's registered KIMs: (e-mail, desa) folded -> (number, row), for those with a number."""
    title = title_of(app, OPERATOR_KIND, app.settings.review.operator_worksheet)
    try:
        values = app.review.values.get(quote_sheet(title))
    except GoogleApiError as exc:
        if exc.status == 400 and "parse range" in exc.message:
            return {}
        raise
    found: dict[tuple[str, str], tuple[str, int]] = {}
    if not values:
        return found
    header = [fold(str(c)) for c in values[0]]
    columns = {name: header.index(fold(name)) for name in ("Email", "Desa", "Nomor registrasi") if fold(name) in header}
    if len(columns) < 3:
        return found
    for number, row in enumerate(values[1:], start=2):
        cells = {name: str(row[i]).strip() if i < len(row) else "" for name, i in columns.items()}
        if cells["Nomor registrasi"] and cells["Email"]:
            found[(fold(cells["Email"]), fold(cells["Desa"]))] = (cells["Nomor registrasi"], number)
    return found


def _adopt(
    app: App, fresh: list[Application], on_tab: dict[tuple[str, str], tuple[str, int]], now: datetime
) -> tuple[list[Application], datetime | None]:
    """Applications the Operator tab shows numbered while the ledger does not know them (the ledger was lost or
    restored from an older backup): recorded as written with their number, and no e-mail. Returns the rest,
    and the time of the latest adopted one: applications up to then were answered by the lost ledger."""
    rest: list[Application] = []
    adopted = 0
    latest: datetime | None = None
    for a in fresh:
        found = on_tab.get((fold(a.email), fold(a.desa)))
        if found is None:
            rest.append(a)
            continue
        number = found[0]
        digits = re.findall(r"\d+", number)
        app.ledger.registrations.adopt(a, number, int(digits[-1]) if digits else None, at=now)
        adopted += 1
        latest = a.received_at if latest is None else max(latest, a.received_at)
    if adopted:
        log.warning(
            "the ledger lacked %s that the Operator tab shows: adopted them; no number is given "
            "twice and nobody is mailed again",
            counted(adopted, "KIM registration"),
        )
    return rest, latest


def pending_rows(app: App) -> TabRows | None:
    """Numbered KIMs not yet in the Operator tab; a row whose write-back answer was lost is looked for first."""
    if app.registrations is None:
        return None
    side = app.ledger.registrations.rows
    if not side.any():
        return None
    sheet_id = _tab(app)
    if side.any(("sending",)):
        on_tab = column_values(app, title_of(app, OPERATOR_KIND, app.settings.review.operator_worksheet), NUMBER_COLUMN)
        side.settle(on_tab, ("sending",), by="number")
    chosen = app.ledger.registrations.new()
    if not chosen:
        return None
    return TabRows(sheet_id, [list(r.row) for r in chosen], [r.response_key for r in chosen])


def mark(app: App, rows: TabRows | None, state: str) -> None:
    if rows is not None:
        app.ledger.registrations.rows.mark(rows.ids, state)
        if state == "written" and rows.ids:
            app.ledger.meta.directory_stale.set("1")  # the KIM directory shows the new KIM in this cycle


def _tab(app: App) -> int:
    return tab_id(app, app.settings.review.operator_worksheet, OPERATOR_HEADER, OPERATOR_KIND)
