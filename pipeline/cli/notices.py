"""`mymein notices`: list the e-mail notices, and settle the uncertain ones (send again, or not at all)."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import TYPE_CHECKING

import click

from ..i18n import _
from .base import EXIT_FAILED, CliState, main, open_app

if TYPE_CHECKING:
    from ..ledger.outbox import Notice, Outbox


@main.group()
def notices() -> None:
    """E-mail notices: list them, and settle the uncertain ones (send again, or not at all)."""


@notices.command(name="list")
@click.option(
    "--state",
    "states",
    multiple=True,
    type=click.Choice(["pending", "sending", "sent", "failed", "uncertain", "dismissed"]),
    help="Only notices in this state (repeatable).",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per notice, with its recipient's address.")
@click.pass_obj
def notices_list(state: CliState, states: tuple[str, ...], as_json: bool) -> None:
    """The queued notices, oldest first: number, state, kind, key, masked recipient, attempts and last error."""
    from ..app import open_ledger
    from ..core.sheettime import format_local
    from ..core.text import mask_addresses
    from ..ledger.outbox import Outbox

    settings = state.settings()
    ledger = open_ledger(settings)
    try:
        listed = Outbox(ledger).listing(states)
    finally:
        ledger.close()
    for n in listed:
        if as_json:
            fields = ("key", "kind", "code", "recipient", "subject", "state", "attempts", "error")
            entry = {"number": n.id, **{name: getattr(n, name) for name in fields}}
            entry |= {"created_at": n.created_at, "sent_at": n.sent_at, "retry_at": n.retry_at}
            click.echo(json.dumps(entry, ensure_ascii=False))
            continue
        queued = format_local(datetime.fromisoformat(n.created_at), settings.tz)
        line = f"#{n.id:<4} {n.state:<9} {n.kind:<20} {mask_addresses(n.key)}  "
        line += _("to {recipient}").format(recipient=mask_addresses(n.recipient))
        tries = _("queued {time}, {count} attempt") if n.attempts == 1 else _("queued {time}, {count} attempts")
        line += "  " + tries.format(time=queued, count=n.attempts)
        if n.state == "pending" and n.retry_at:
            line += _(", next {time}").format(time=format_local(datetime.fromisoformat(n.retry_at), settings.tz))
        click.echo(line + (f"  {mask_addresses(n.error)}" if n.error and n.state != "sent" else ""))
    if not listed and not as_json:
        click.echo(_("no notices in state {states}").format(states=", ".join(states)) if states else _("no notices"))


@notices.command(name="resend")
@click.argument("keys", nargs=-1, required=True, metavar="KEY...")
@click.pass_obj
def notices_resend(state: CliState, keys: tuple[str, ...]) -> None:
    """Send uncertain, failed or dismissed notices again, once each, knowing they may arrive twice.

    KEY is a notice's key or its number (7 or #7) as `mymein notices list` shows it. Sent at once when no
    cycle is running; otherwise the running cycle or the next one sends them. Exit code 1 unless all went.
    """
    from ..app import open_ledger
    from ..features.notices import WrongState, requeue, send_now
    from ..infra.lock import cycle_lock
    from ..ledger.outbox import Outbox

    settings = state.settings()
    ok = True
    with cycle_lock(settings.state_dir) as held:
        app = open_app(settings) if held else None  # only the holder of the cycle lock may send
        ledger = app.ledger if app is not None else open_ledger(settings)
        try:
            outbox = Outbox(ledger)
            for handle in keys:
                notice = _find(outbox, handle)
                if notice is None:
                    ok = False
                    continue
                try:
                    requeue(outbox, notice)
                except WrongState as exc:
                    click.echo(f"error: {_notice_label(notice)}: not resent, {_state_words(exc.notice)}", err=True)
                    ok = False
                    continue
                if app is None:
                    queued = _("{notice}: queued; a cycle is running, it or the next one sends it")
                    click.echo(queued.format(notice=_notice_label(notice)))
                    continue
                after, problem = send_now(app, outbox, notice)
                ok = ok and after.state == "sent"
                click.echo(
                    f"{_notice_label(notice)}: {_resend_words(after.state)}" + (f" ({problem})" if problem else "")
                )
        finally:
            (app.close if app is not None else ledger.close)()
    if not ok:
        sys.exit(EXIT_FAILED)


@notices.command(name="dismiss")
@click.argument("keys", nargs=-1, required=True, metavar="KEY...")
@click.pass_obj
def notices_dismiss(state: CliState, keys: tuple[str, ...]) -> None:
    """Mark pending, uncertain or failed notices as not to be sent (KEY: a key or a number, as listed)."""
    from ..app import open_ledger
    from ..features.notices import WrongState, dismiss
    from ..ledger.outbox import Outbox

    ledger = open_ledger(state.settings())
    ok = True
    try:
        outbox = Outbox(ledger)
        for handle in keys:
            notice = _find(outbox, handle)
            if notice is None:
                ok = False
                continue
            try:
                dismiss(outbox, notice)
            except WrongState as exc:
                click.echo(f"error: {_notice_label(notice)}: not dismissed, {_state_words(exc.notice)}", err=True)
                ok = False
                continue
            click.echo(_("{notice}: dismissed; it will not be sent").format(notice=_notice_label(notice)))
    finally:
        ledger.close()
    if not ok:
        sys.exit(EXIT_FAILED)


def _notice_label(notice: Notice) -> str:
    from ..core.text import mask_addresses

    return f"#{notice.id} {mask_addresses(notice.key)}"


def _state_words(notice: Notice) -> str:
    return {
        "sent": f"it was sent at {notice.sent_at}",
        "sending": "it is being sent right now",
        "pending": "it waits to be sent already",
        "dismissed": "it is dismissed already",
    }.get(notice.state, f"it is {notice.state}")


def _resend_words(state: str) -> str:
    return {
        "sent": "sent",
        "pending": "not sent now; the next cycles try again",
        "failed": "refused",
        "uncertain": "the answer was lost again; still uncertain",
    }.get(state, state)


def _find(outbox: Outbox, handle: str) -> Notice | None:
    """The notice a key or a listed number names; None, said on stderr, when there is none."""
    notice = outbox.find(handle)
    if notice is None:
        click.echo(_("error: no notice {key}; `mymein notices list` shows them").format(key=repr(handle)), err=True)
    return notice
