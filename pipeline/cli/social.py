"""`mymein social`: list the stories' shares to Facebook and Telegram, and settle the uncertain ones."""

from __future__ import annotations

import json
import sys

import click

from ..i18n import _
from .base import EXIT_FAILED, CliState, main

STATES = ("sending", "live", "uncertain", "dismissed", "deleted", "failed", "manual")


@main.group()
def social() -> None:
    """Social-media shares: list them, and settle the uncertain ones (share again, or not at all)."""


@social.command(name="list")
@click.option("--state", "states", multiple=True, type=click.Choice(STATES), help="Only shares in this state.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per share.")
@click.pass_obj
def social_list(state: CliState, states: tuple[str, ...], as_json: bool) -> None:
    """Every share, oldest first: number, state, channel, code, link and last error."""
    from ..app import open_ledger

    ledger = open_ledger(state.settings())
    try:
        listed = ledger.shares.listing(states)
    finally:
        ledger.close()
    for s in listed:
        if as_json:
            fields = ("id", "code", "channel", "state", "link", "remote_id", "url", "error", "created_at", "sent_at")
            click.echo(json.dumps({name: getattr(s, name) for name in fields}, ensure_ascii=False))
            continue
        line = f"#{s.id:<4} {s.state:<9} {s.channel:<8} {s.code}  {s.url or s.link}"
        click.echo(line + (f"  {s.error}" if s.error and s.state != "live" else ""))
    if not listed and not as_json:
        click.echo(_("no shares in state {states}").format(states=", ".join(states)) if states else _("no shares"))


@social.command(name="resend")
@click.argument("numbers", nargs=-1, required=True, type=int, metavar="NUMBER...")
@click.pass_obj
def social_resend(state: CliState, numbers: tuple[int, ...]) -> None:
    """Share again stories whose share is uncertain or dismissed, knowing they may then be there twice.

    The next cycle makes the share (NUMBER as `mymein social list` shows it). Exit code 1 unless all were taken.
    """
    _settle(state, numbers, "resend")


@social.command(name="dismiss")
@click.argument("numbers", nargs=-1, required=True, type=int, metavar="NUMBER...")
@click.pass_obj
def social_dismiss(state: CliState, numbers: tuple[int, ...]) -> None:
    """Mark uncertain shares as not to be made again (they are there, or not wanted)."""
    _settle(state, numbers, "dismiss")


def _settle(state: CliState, numbers: tuple[int, ...], verb: str) -> None:
    from ..app import open_ledger
    from ..features.social import WrongState, dismiss, resend

    ledger = open_ledger(state.settings())
    ok = True
    try:
        for number in numbers:
            share = ledger.shares.by_id(number)
            if share is None:
                click.echo(
                    _("error: no share #{number}; `mymein social list` shows them").format(number=number), err=True
                )
                ok = False
                continue
            try:
                (resend if verb == "resend" else dismiss)(ledger, share)
            except WrongState as exc:
                refused = (
                    _("error: #{number}: not queued again, it is {state}")
                    if verb == "resend"
                    else _("error: #{number}: not dismissed, it is {state}")
                )
                click.echo(refused.format(number=number, state=exc.share.state), err=True)
                ok = False
                continue
            done = _("queued; the next cycle shares it") if verb == "resend" else _("dismissed; it will not be shared")
            click.echo(f"#{number} {share.code} ({share.channel}): {done}")
    finally:
        ledger.close()
    if not ok:
        sys.exit(EXIT_FAILED)
