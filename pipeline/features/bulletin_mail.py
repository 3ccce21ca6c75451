"""The weekly bulletin by e-mail: on Monday, the PDF goes to every KIM of the review spreadsheet's Operator tab,
once each, through the notices' outbox (keyed by week and address: a job run again queues nothing new)."""

from __future__ import annotations

import logging

from ..app import App
from ..core.addresses import INVALID_ADDRESS, one_address
from ..core.registry import Registry
from ..google.errors import GoogleApiError
from ..google.sheets_values import quote_sheet
from ..infra.tabs import OPERATOR_KIND, title_of
from ..ledger.outbox import Outbox
from ..outputs.bulletin import Bulletin

log = logging.getLogger("mymein.notices")
TEMPLATE = "bulletin.txt.j2"


def queue_bulletin(app: App, week: str, made: Bulletin) -> int:
    """Queue the week's bulletin to every e-mail address of the Operator tab; returns how many were queued now.
    Nothing without notices, without a PDF (a week with no story) or without an Operator tab."""
    if app.mailer is None or made.path is None:
        return 0
    title = title_of(app, OPERATOR_KIND, app.settings.review.operator_worksheet)
    try:
        rows = app.review.values.get(quote_sheet(title))
    except GoogleApiError as exc:
        if exc.status == 400 and "parse range" in exc.message:
            log.warning("bulletin %s is not mailed: the review spreadsheet has no %r tab", week, title)
            return 0
        raise
    outbox = Outbox(app.ledger)
    queued = 0
    for operator in Registry.from_rows(rows).operators.values():
        address = one_address(operator.email)
        key = f"bulletin:{week}:{(address or operator.email).casefold()}"
        if address is None:
            # Never mailed to what a cell names unless it is exactly one mailbox; `mymein status` lists it.
            outbox.refuse(key, None, "bulletin", operator.email, INVALID_ADDRESS)
            continue
        subject, body = app.renderer.text(
            TEMPLATE,
            title=app.settings.report.title,
            week=week,
            name=operator.name,
            kim=operator.kim,
            file=made.path.name,
            stories=made.stories,
            pages=made.pages,
        )
        queued += outbox.enqueue(key, None, "bulletin", address, subject, body, str(made.path))
    if queued:
        log.info("bulletin %s queued to %d KIM addresses", week, queued)
    return queued
