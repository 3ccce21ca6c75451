"""The cycle: `mymein sync` (one, every channel in turn) and `mymein run` (the daemon)."""

from __future__ import annotations

import logging
import os
import sys
import threading

import click

from ..config import Settings
from ..core.errors import StopCycle
from ..core.form import FormLayoutError
from ..core.review import ReviewLayoutError
from ..core.text import counted
from ..google.errors import GoogleApiError
from ..google.responses import ResponsesTabNotFound
from ..i18n import _, localize, localized
from ..outputs.render import TemplateFailed
from .base import EXIT_FAILED, CliState, log_to_stdout, main, open_app


@main.command()
@click.option("--dry-run", is_flag=True, help="Show what a cycle would do; change nothing anywhere.")
@click.pass_obj
def sync(state: CliState, dry_run: bool) -> None:
    """Run one cycle: ingest new responses, act on the review sheet, write back (every channel in turn).

    A channel that fails is reported and the others are still served; the exit code is then 1.
    """
    channels = state.every_channel()
    failed = 0
    for name, settings in channels:
        label = f"[{name}] " if len(channels) > 1 else ""
        try:
            _sync_one(settings, dry_run, label)
        except click.ClickException:
            raise
        except _CycleFailed as exc:
            click.echo(label + _("error: {message}").format(message=localized(exc)), err=True)
            failed += 1
    if failed:
        sys.exit(EXIT_FAILED)


class _CycleFailed(Exception):
    """One channel's cycle could not run."""


def _sync_one(settings: Settings, dry_run: bool, label: str) -> None:
    from ..cycle import run_cycle
    from ..infra.lock import cycle_lock

    with cycle_lock(settings.state_dir) as held:
        if not held:
            click.echo(label + _("another mymein cycle is running; nothing to do"))
            return
        app = open_app(settings)
        try:
            report = run_cycle(app, dry_run=dry_run)
        except (
            GoogleApiError,
            ResponsesTabNotFound,
            FormLayoutError,
            ReviewLayoutError,
            TemplateFailed,
            StopCycle,
        ) as exc:
            raise _CycleFailed(localized(exc)) from exc
        finally:
            app.close()
    prefix = _("dry run: would") if dry_run else _("done:")
    restored = _(", restore {count}").format(count=report.restored) if report.restored else ""
    written = (
        _("nothing written")
        if dry_run
        else _("{rows} added, {cells} written").format(
            rows=counted(report.rows_added, _("row"), _("rows")),
            cells=counted(report.cells_written, _("cell"), _("cells")),
        )
    )
    summary = _(
        "{prefix} ingest {ingested}, queue {queued}{restored}, publish {publish}, update {update}, "
        "reject {reject}, retract {retract}, hold {hold}; {written}"
    )
    click.echo(
        label
        + summary.format(
            prefix=prefix,
            ingested=report.ingested,
            queued=report.queued,
            restored=restored,
            publish=report.count("publish"),
            update=report.count("update"),
            reject=report.count("reject"),
            retract=report.count("retract"),
            hold=report.count("hold"),
            written=written,
        )
    )
    if report.quiet:
        click.echo(f"{label}  " + _("quiet: Drive says the sheets did not change since the last read; not read"))
    if report.extras():
        click.echo(f"{label}  " + _("also: {extras}").format(extras=", ".join(localize(e) for e in report.extras())))
    for outcome in report.outcomes:
        said = (outcome.status, outcome.message, outcome.link)
        click.echo(f"  {outcome.code} {outcome.action}: {' '.join(part for part in said if part)}".rstrip())
    if report.held_line():
        click.echo(f"{label}  {localize(report.held_line())}")
    down = [localize(w.text) for w in report.warnings if w.service_down]
    for warning in report.warnings:
        if not warning.service_down:
            click.echo(f"  {label}" + _("warning: {message}").format(message=localize(warning.text)), err=True)
    if down:  # the cycle ran, but a service refused us: the administrator must act, and cron must notice
        raise _CycleFailed("; ".join(down))


@main.command()
@click.pass_obj
def run(state: CliState) -> None:
    """Run cycles every schedule.interval_seconds until SIGTERM or Ctrl-C (every channel in turn).

    The running cycle finishes first; a second Ctrl-C stops at once (exit code 130), which is safe: the next
    cycle takes up what was left.

    One daemon per config: a second `mymein run` exits at once (code 1) naming the first one's PID.
    """
    from ..infra.lock import DaemonRunning, daemon_lock

    channels = state.every_channel()
    try:
        # In the config's own state_dir, whichever channels this one serves: one daemon serves them all.
        with daemon_lock(state.root().state_dir):
            _run_daemon(channels)
    except DaemonRunning as exc:
        click.echo(_("error: {message}").format(message=localized(exc)), err=True)
        sys.exit(EXIT_FAILED)


def _run_daemon(channels: list[tuple[str, Settings]]) -> None:
    from ..ops.daemon import StopSignals, heartbeat_path, run_daemon

    settings = channels[0][1]
    logging.getLogger("mymein").setLevel(logging.INFO)
    log_to_stdout()
    apps = [open_app(s) for _name, s in channels]
    stop = threading.Event()
    StopSignals(stop, click.echo).install()
    served = f" for channels {', '.join(name for name, _settings in channels)}" if len(channels) > 1 else ""
    click.echo(
        f"mymein run (PID {os.getpid()}): a cycle every {settings.schedule.interval_seconds:g} s{served}; "
        f"heartbeat {heartbeat_path(apps[0])}; stop with SIGTERM or Ctrl-C"
    )
    try:
        worker = run_daemon(apps[0], stop, more=apps[1:])
    finally:
        for app in apps:
            app.close()
    click.echo(_("stopped after {cycles}").format(cycles=counted(worker.cycles, _("cycle"), _("cycles"))))
