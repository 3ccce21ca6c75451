"""The `mymein` command: thin commands that load settings, build the app, call one function, map errors."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import sys
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .config import ConfigError, Settings, config_path, load_settings
from .core.errors import ConfigurationError, MyMeInError, StopCycle
from .core.form import FormLayoutError
from .core.review import ReviewLayoutError
from .core.text import counted
from .google.errors import GoogleApiError
from .google.responses import ResponsesTabNotFound
from .outputs.render import TemplateFailed

if TYPE_CHECKING:
    from datetime import tzinfo

    from .app import App
    from .google.trace import FieldTrace
    from .ledger import Ledger
    from .ledger.outbox import Notice

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2
PRIVATE_UMASK = 0o077


class ConfigProblem(click.ClickException):
    """Invalid configuration: exit code 2, the message names the key or file and the fix."""

    exit_code = EXIT_CONFIG


@dataclass
class CliState:
    config: str | None
    channel: str | None = None
    trace: FieldTrace | None = None  # --trace DIR: every app this command builds records into it

    def settings(self) -> Settings:
        """The chosen channel's settings (`--channel`), the default channel's without it."""
        try:
            return load_settings(config_path(self.config)).channel(self.channel)
        except ConfigError as exc:
            raise ConfigProblem(str(exc)) from exc

    def root(self) -> Settings:
        """The whole config's settings: the top-level state_dir holds what belongs to the config, not a channel."""
        try:
            return load_settings(config_path(self.config))
        except ConfigError as exc:
            raise ConfigProblem(str(exc)) from exc

    def every_channel(self) -> list[tuple[str, Settings]]:
        """With `--channel`, that one; without it, every channel of the config, the default first."""
        try:
            settings = load_settings(config_path(self.config))
            names = [self.channel] if self.channel else settings.channel_names
            return [(name, settings.channel(name)) for name in names]
        except ConfigError as exc:
            raise ConfigProblem(str(exc)) from exc


class JsonLines(logging.Formatter):
    """One JSON object per log record, for log collectors (journald, Loki, ELK)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


_HANDLER: logging.StreamHandler[Any] | None = None  # ours, when no host (pytest) configured logging first


def _setup_logging(verbose: int, as_json: bool = False) -> None:
    global _HANDLER
    level = logging.WARNING - 10 * min(verbose, 2)
    handler = logging.StreamHandler(sys.stderr)
    if not logging.getLogger().handlers:
        _HANDLER = handler
    handler.setFormatter(
        JsonLines() if as_json else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    logging.basicConfig(level=level, handlers=[handler])  # no-op when a host (pytest) already set handlers


def _build_app(settings: Settings) -> App:
    """The clients for `settings`; a credential problem is a configuration error (exit code 2)."""
    from .app import build_app

    state = click.get_current_context().find_object(CliState)
    try:
        return build_app(settings, trace=state.trace if state else None)
    except ConfigError as exc:
        raise ConfigProblem(str(exc)) from exc


class _Main(click.Group):
    """Every command ends the same way: a MyMeIn error is one line on stderr and its exit code; anything
    unforeseen is one line too, with its traceback only under `-v` (log it with --log-json for a collector)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MyMeInError as exc:
            _fail(ctx, exc, str(exc), exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:  # a bug, or a library failing in a way we did not foresee
            what = f"unexpected {type(exc).__name__}: {exc}"
            _fail(ctx, exc, f"{what} (run again with -v to see where; please report it)", EXIT_FAILED)


def _fail(ctx: click.Context, exc: BaseException, line: str, code: int) -> None:
    verbose = bool(ctx.params.get("verbose"))
    if verbose:
        logging.getLogger("mymein").error("%s", line, exc_info=exc)
    click.echo(f"error: {line.splitlines()[0] if line else type(exc).__name__}", err=True)
    for extra in line.splitlines()[1:]:  # a config error lists each bad key on its own line
        click.echo(extra, err=True)
    ctx.exit(code)


@click.group(cls=_Main)
@click.option(
    "--config",
    "config",
    metavar="PATH",
    help="Config file (default: $MYMEIN_CONFIG, else ./config.yaml).",
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option("--log-json", is_flag=True, envvar="MYMEIN_LOG_JSON", help="Log as JSON lines (one object per line).")
@click.option(
    "--channel",
    metavar="NAME",
    help="One channel of `channels:` in the config (default: `sync` and `run` serve all; others the default).",
)
@click.option(
    "--trace",
    "trace_dir",
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="Record this run's Google exchanges, scrubbed of tokens and personal data, into DIR (docs/deploy.md).",
)
@click.version_option(package_name="mymein")
@click.pass_context
def main(
    ctx: click.Context, config: str | None, verbose: int, log_json: bool, channel: str | None, trace_dir: Path | None
) -> None:
    """MyMeIn: village KIM news from a Google Form, through a review sheet, to the Blogger portal."""
    # Everything the pipeline writes (ledger, heartbeat, reports, tokens) holds operators' and complainants'
    # data: readable by the service's user only, whatever umask cron or a shell gave us. Restored after the
    # command for whoever called us in-process (tests).
    before = os.umask(PRIVATE_UMASK)
    ctx.call_on_close(lambda: os.umask(before))
    _setup_logging(verbose, log_json)
    ctx.obj = CliState(config, channel, _field_trace(ctx, trace_dir))


def _field_trace(ctx: click.Context, folder: Path | None) -> FieldTrace | None:
    """`--trace DIR`: written as the command's apps close, and once more when the command ends, however it ends."""
    if folder is None:
        return None
    from .google.trace import FieldTrace

    trace = FieldTrace(folder, ctx.invoked_subcommand or "")

    def close() -> None:
        try:
            path = trace.close()
        except Exception as exc:  # the command's own outcome stands; the trace only failed to be written
            click.echo(f"warning: the trace could not be written to {folder}: {exc}", err=True)
            return
        if path is None:
            click.echo("trace: this command made no Google calls; nothing recorded", err=True)
        else:
            full = f" ({trace.left_out} more left out: the trace is full)" if trace.left_out else ""
            click.echo(f"trace: {trace.exchanges} Google exchanges recorded in {path}{full}", err=True)

    ctx.call_on_close(close)
    return trace


@main.command()
@click.option(
    "--client-secret",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="The OAuth client JSON (type 'Desktop app') downloaded from Google Cloud.",
)
@click.option(
    "--token",
    "token_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write the token (default: google.oauth_token_file of the config).",
)
@click.option("--port", default=8765, show_default=True, help="Loopback port that receives Google's redirect.")
@click.option("--no-browser", is_flag=True, help="Print the sign-in address instead of opening a browser.")
@click.pass_obj
def auth(state: CliState, client_secret: Path, token_path: Path | None, port: int, no_browser: bool) -> None:
    """Sign in as the blog's owner and store the Blogger OAuth token, readable by this user only.

    Blogger accepts no service accounts. On a server without a browser: `ssh -L 8765:127.0.0.1:8765 SERVER`,
    run `mymein auth --no-browser` there and open the printed address on your computer.
    """
    from .app import BLOGGER_SCOPES, owner_scopes
    from .ops.auth import TESTING_NOTE, AuthError, authorize

    scopes = BLOGGER_SCOPES
    if token_path is None or config_path(state.config).exists():
        settings = state.settings()
        scopes = owner_scopes(settings)
        token_path = token_path or settings.google.oauth_token_file
        if token_path is None:
            raise ConfigProblem("google.oauth_token_file is not set: set it in config.yaml or pass --token PATH")
    try:
        written = authorize(client_secret, token_path, port=port, open_browser=not no_browser, scopes=scopes)
    except AuthError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_FAILED)
    click.echo(f"token written to {written} (mode 600)")
    click.echo(TESTING_NOTE)


@main.command()
@click.option(
    "--write",
    is_flag=True,
    help="Also try each write path once, leaving nothing behind: a scratch tab 'MyMeIn doctor' made and deleted, "
    "a draft post made and deleted, a photo shared and made private again, and with notices on one e-mail sent.",
)
@click.option(
    "--photo",
    metavar="FILE_ID|LINK",
    help="With --write: the photo to share and take back (default: one in photos.upload_folders not shared yet; "
    "a photo already shared is never touched).",
)
@click.option(
    "--mail-to",
    metavar="ADDRESS",
    help="With --write: who gets the test e-mail (default: the first of notices.officers, else notices.sender).",
)
@click.pass_obj
def doctor(state: CliState, write: bool, photo: str | None, mail_to: str | None) -> None:
    """Check config, credentials, spreadsheets, blog, Drive, time zone and state_dir; print each fix.

    Without --write nothing is changed anywhere. Exit code 0 only when every check passes.
    """
    from .ops.doctor import WriteOptions, run_checks

    if (photo or mail_to) and not write:
        raise click.UsageError("--photo and --mail-to go with --write")
    options = WriteOptions(photo, mail_to) if write else None
    checks = run_checks(config_path(state.config), channel=state.channel, write=options, trace=state.trace)
    for check in checks:
        mark = ("warn" if check.warning else "ok  ") if check.ok else "FAIL"
        click.echo(f"[{mark}] {check.name}: {check.detail}".rstrip(": "))
        if (check.warning or not check.ok) and check.fix:
            click.echo(f"       fix: {check.fix}")
    failed = sum(1 for c in checks if not c.ok)
    click.echo(f"{len(checks) - failed} of {len(checks)} checks passed")
    if failed:
        sys.exit(EXIT_FAILED)


@main.command()
@click.pass_obj
def init(state: CliState) -> None:
    """Prepare the review spreadsheet: header, checkboxes, dropdown, protections, colours, Rekap and Operator.

    Safe to run again: it adds only what is missing and never writes a data row.
    """
    from .ops.prepare import prepare_review_spreadsheet

    settings = state.settings()
    app = _build_app(settings)
    try:
        done = prepare_review_spreadsheet(app)
    except GoogleApiError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_FAILED)
    finally:
        app.close()
    review = settings.review
    click.echo(f"review spreadsheet {review.spreadsheet_id} ready (tab {review.worksheet!r})")
    if done.created_tabs:
        click.echo(f"  created tabs: {', '.join(done.created_tabs)}")
    if done.headers_written:
        click.echo(f"  wrote the header row of: {', '.join(done.headers_written)}")
    if done.columns_added:
        click.echo(f"  added missing columns at the end: {', '.join(done.columns_added)}")
    if not done.changed_structure:
        click.echo("  nothing was missing; formats, checkboxes and rules confirmed")


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
            click.echo(f"{label}error: {exc}", err=True)
            failed += 1
    if failed:
        sys.exit(EXIT_FAILED)


class _CycleFailed(Exception):
    """One channel's cycle could not run."""


def _sync_one(settings: Settings, dry_run: bool, label: str) -> None:
    from .cycle.stages import run_cycle
    from .infra.lock import cycle_lock

    with cycle_lock(settings.state_dir) as held:
        if not held:
            click.echo(f"{label}another mymein cycle is running; nothing to do")
            return
        app = _build_app(settings)
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
            raise _CycleFailed(str(exc)) from exc
        finally:
            app.close()
    prefix = "dry run: would" if dry_run else "done:"
    restored = f", restore {report.restored}" if report.restored else ""
    written = (
        "nothing written"
        if dry_run
        else f"{counted(report.rows_added, 'row')} added, {counted(report.cells_written, 'cell')} written"
    )
    click.echo(
        f"{label}{prefix} ingest {report.ingested}, queue {report.queued}{restored}, "
        f"publish {report.count('publish')}, update {report.count('update')}, reject {report.count('reject')}, "
        f"retract {report.count('retract')}, hold {report.count('hold')}; {written}"
    )
    if report.extras():
        click.echo(f"{label}  also: {', '.join(report.extras())}")
    for outcome in report.outcomes:
        said = (outcome.status, outcome.message, outcome.link)
        click.echo(f"  {outcome.code} {outcome.action}: {' '.join(part for part in said if part)}".rstrip())
    if report.held_line():
        click.echo(f"{label}  {report.held_line()}")
    down = [e for e in report.errors if any(e.startswith(line) for line in report.down.values())]
    for error in report.errors:
        if error not in down:
            click.echo(f"  {label}warning: {error}", err=True)
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
    from .infra.lock import DaemonRunning, daemon_lock

    channels = state.every_channel()
    try:
        # In the config's own state_dir, whichever channels this one serves: one daemon serves them all.
        with daemon_lock(state.root().state_dir):
            _run_daemon(channels)
    except DaemonRunning as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_FAILED)


def _run_daemon(channels: list[tuple[str, Settings]]) -> None:
    from .ops.daemon import StopSignals, heartbeat_path, run_daemon

    settings = channels[0][1]
    logging.getLogger("mymein").setLevel(logging.INFO)
    if _HANDLER is not None:
        _HANDLER.setStream(sys.stdout)  # the daemon's log is its output (journald, docker logs)
    apps = [_build_app(s) for _, s in channels]
    stop = threading.Event()
    StopSignals(stop, click.echo).install()
    served = f" for channels {', '.join(name for name, _ in channels)}" if len(channels) > 1 else ""
    click.echo(
        f"mymein run (PID {os.getpid()}): a cycle every {settings.schedule.interval_seconds:g} s{served}; "
        f"heartbeat {heartbeat_path(apps[0])}; stop with SIGTERM or Ctrl-C"
    )
    try:
        worker = run_daemon(apps[0], stop, more=apps[1:])
    finally:
        for app in apps:
            app.close()
    click.echo(f"stopped after {counted(worker.cycles, 'cycle')}")


@main.command()
@click.option(
    "--month",
    metavar="YYYY-MM",
    help="The month to report on, not a future one (default: the current one, local time).",
)
@click.option("--no-sheet", is_flag=True, help="Write the HTML and PDF only; leave the Rekap tab alone.")
@click.pass_obj
def report(state: CliState, month: str | None, no_sheet: bool) -> None:
    """Monitoring and evaluation of a month, from the ledger: the Rekap tab, and an HTML and a PDF report.

    Counts per kecamatan and desa (submissions, published, rejected, needing fixes, duplicates), median and
    90th-percentile hours to a decision and to publication, active and inactive KIMs, the most active
    operators; charts per kecamatan, by week and of review times; complaints per kecamatan, category and
    department with median hours to forwarding and to the answer. Files go to report.directory.
    """
    import re

    from .app import open_ledger
    from .infra.regions_file import load_regions
    from .outputs.render import Renderer
    from .outputs.report import all_summary_rows, build_report, remember_month, write_files, write_summary

    if month is not None and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise click.BadParameter(f"{month!r} is not a month such as 2026-11", param_hint="--month")
    settings = state.settings()
    now = datetime.now(UTC)
    current = now.astimezone(settings.tz).strftime("%Y-%m")
    if month is not None and month > current:
        raise click.BadParameter(f"{month} has not begun (it is {current} now)", param_hint="--month")
    month = month or current
    regions = load_regions(settings.regions.file)
    ledger = open_ledger(settings)
    try:
        built = build_report(ledger, settings, regions, month, now)
        written = write_files(built, Renderer(settings.templates_dir), settings.reports_dir, settings.report.title)
        remember_month(ledger, month)
        rows = all_summary_rows(ledger, settings, regions, now)
    finally:
        ledger.close()
    click.echo(f"monev {month}: {counted(built.total.submissions, 'submission')}, {built.total.published} published")
    click.echo(f"  {written.html}\n  {written.pdf} ({counted(written.pages, 'page')})\n  {written.png}")
    if no_sheet:
        return
    app = _build_app(settings)
    try:
        write_summary(app.review, settings.review.summary_worksheet, rows)
    except GoogleApiError as exc:
        click.echo(f"error: the {settings.review.summary_worksheet!r} tab was not written: {exc}", err=True)
        sys.exit(EXIT_FAILED)
    finally:
        app.close()
    click.echo(f"  {counted(len(rows), 'row')} written to the {settings.review.summary_worksheet!r} tab")


@main.command()
@click.option("--week", metavar="YYYY-Www", help="ISO week, e.g. 2026-W48 (default: the current one, local time).")
@click.option("--kecamatan", metavar="NAME", help="Only the stories of this kecamatan (of the region list).")
@click.pass_obj
def bulletin(state: CliState, week: str | None, kecamatan: str | None) -> None:
    """An A4 PDF of a week's published news to print: photos, a QR code per story, contents per kecamatan.

    A week without published news (of that kecamatan) writes no PDF: the command says so and exits 0. An
    unknown kecamatan exits 2 naming the known ones.
    """
    import re

    from .infra.regions_file import load_regions
    from .outputs.bulletin import make_bulletin

    if week is not None and not re.fullmatch(r"\d{4}-W(0[1-9]|[1-4]\d|5[0-3])", week):
        raise click.BadParameter(f"{week!r} is not an ISO week such as 2026-W48", param_hint="--week")
    settings = state.settings()
    if kecamatan is not None:
        regions = load_regions(settings.regions.file)
        found = regions.find_kecamatan(kecamatan)
        if found is None:  # a typo would otherwise print an empty bulletin; exit 2, as for a bad option
            known = ", ".join(regions.kecamatan_names)
            raise ConfigurationError(f"no kecamatan {kecamatan.strip()!r} in the region list; known: {known}")
        kecamatan = found
    if week is None:
        year, number, _ = datetime.now(UTC).astimezone(settings.tz).isocalendar()
        week = f"{year}-W{number:02d}"
    app = _build_app(settings)
    try:
        made = make_bulletin(app, week, kecamatan)
    except GoogleApiError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_FAILED)
    finally:
        app.close()
    if made.path is None:
        which = "no story" if kecamatan is None else f"no story of Kecamatan {kecamatan}"
        click.echo(f"bulletin {week}: {which} was published that week; no PDF written")
        return
    stories = counted(made.stories, "story", "stories")
    click.echo(f"bulletin {week}: {stories}, {counted(made.pages, 'page')}\n  {made.path}")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_obj
def status(state: CliState, as_json: bool) -> None:
    """Submissions per status, the oldest waiting one, posts today and the last cycle (no Google calls)."""
    import json

    from .app import open_ledger
    from .ops.status import collect_status, format_status

    settings = state.settings()
    ledger = open_ledger(settings)
    try:
        report = collect_status(settings, ledger, settings.heartbeat_path, datetime.now(UTC))
    finally:
        ledger.close()
    click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) if as_json else format_status(report))


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
    from .app import open_ledger
    from .core.sheettime import format_local
    from .core.text import mask_addresses
    from .ledger.outbox import Outbox

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
        line = f"#{n.id:<4} {n.state:<9} {n.kind:<20} {mask_addresses(n.key)}  to {mask_addresses(n.recipient)}"
        line += f"  queued {queued}, {n.attempts} attempt{'s' * (n.attempts != 1)}"
        if n.state == "pending" and n.retry_at:
            line += f", next {format_local(datetime.fromisoformat(n.retry_at), settings.tz)}"
        click.echo(line + (f"  {mask_addresses(n.error)}" if n.error and n.state != "sent" else ""))
    if not listed and not as_json:
        click.echo("no notices" + (f" in state {', '.join(states)}" if states else ""))


@notices.command(name="resend")
@click.argument("keys", nargs=-1, required=True, metavar="KEY...")
@click.pass_obj
def notices_resend(state: CliState, keys: tuple[str, ...]) -> None:
    """Send uncertain, failed or dismissed notices again, once each, knowing they may arrive twice.

    KEY is a notice's key or its number (7 or #7) as `mymein notices list` shows it. Sent at once when no
    cycle is running; otherwise the running cycle or the next one sends them. Exit code 1 unless all went.
    """
    from .app import open_ledger
    from .features.notices import WrongState, requeue, send_now
    from .infra.lock import cycle_lock
    from .ledger.outbox import Outbox

    settings = state.settings()
    ok = True
    with cycle_lock(settings.state_dir) as held:
        app = _build_app(settings) if held else None  # only the holder of the cycle lock may send
        ledger = app.ledger if app is not None else open_ledger(settings)
        try:
            outbox = Outbox(ledger)
            for handle in keys:
                notice = outbox.find(handle)
                if notice is None:
                    click.echo(f"error: no notice {handle!r}; `mymein notices list` shows them", err=True)
                    ok = False
                    continue
                try:
                    requeue(outbox, notice)
                except WrongState as exc:
                    click.echo(f"error: {_notice_label(notice)}: not resent, {_state_words(exc.notice)}", err=True)
                    ok = False
                    continue
                if app is None:
                    click.echo(f"{_notice_label(notice)}: queued; a cycle is running, it or the next one sends it")
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
    from .app import open_ledger
    from .features.notices import WrongState, dismiss
    from .ledger.outbox import Outbox

    ledger = open_ledger(state.settings())
    ok = True
    try:
        outbox = Outbox(ledger)
        for handle in keys:
            notice = outbox.find(handle)
            if notice is None:
                click.echo(f"error: no notice {handle!r}; `mymein notices list` shows them", err=True)
                ok = False
                continue
            try:
                dismiss(outbox, notice)
            except WrongState as exc:
                click.echo(f"error: {_notice_label(notice)}: not dismissed, {_state_words(exc.notice)}", err=True)
                ok = False
                continue
            click.echo(f"{_notice_label(notice)}: dismissed; it will not be sent")
    finally:
        ledger.close()
    if not ok:
        sys.exit(EXIT_FAILED)


def _notice_label(notice: Notice) -> str:
    from .core.text import mask_addresses

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


@main.command(name="log")
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per event.")
@click.pass_obj
def log_command(state: CliState, code: str, as_json: bool) -> None:
    """Show one submission's history from the ledger (received, queued, posted, ...), or a complaint's (PG-...)."""
    import json

    from .app import open_ledger
    from .core.sheettime import format_local

    settings = state.settings()
    ledger = open_ledger(settings)
    if code.strip().upper().startswith("PG-"):
        try:
            _complaint_log(ledger, code.strip().upper(), settings.tz, as_json)
        finally:
            ledger.close()
        return
    try:
        record = ledger.get(code.strip().upper())
        if record is None:
            raise click.ClickException(f"no submission with code {code} in {ledger.path}")
        events = ledger.events(record.code)
    finally:
        ledger.close()
    if as_json:
        for event in events:
            line = {"code": event.code, "at": event.at.isoformat(), "kind": event.kind, **event.detail}
            click.echo(json.dumps(line, ensure_ascii=False))
        return
    click.echo(f"{record.code}  {record.title}  ({record.desa}, {record.kecamatan})")
    click.echo(f"status: {record.status.value}  post: {record.post_url or record.post_id or '-'}")
    for event in events:
        detail = ", ".join(f"{k}={v}" for k, v in event.detail.items() if v not in ("", None, []))
        click.echo(f"  {format_local(event.at, settings.tz)}  {event.kind:<10} {detail}")


def _complaint_log(ledger: Ledger, code: str, tz: tzinfo, as_json: bool) -> None:
    """A complaint's history: what was done, never who complained (that stays on the tab)."""
    from .core.sheettime import format_local

    complaint = ledger.complaints.get(code)
    if complaint is None:
        raise click.ClickException(f"no complaint with code {code} in {ledger.path}")
    events = ledger.events(code)
    if as_json:
        for event in events:
            click.echo(json.dumps({"code": code, "at": event.at.isoformat(), "kind": event.kind, **event.detail}))
        return
    click.echo(f"{code}  Pengaduan {complaint.category}  ({complaint.desa}, {complaint.kecamatan})")
    click.echo(f"status: {complaint.status.value}  SKPD: {complaint.department or '-'}")
    for event in events:
        detail = ", ".join(f"{k}={v}" for k, v in event.detail.items() if v not in ("", None, []))
        click.echo(f"  {format_local(event.at, tz)}  {event.kind:<20} {detail}")


@main.command()
@click.pass_obj
def rebuild(state: CliState) -> None:
    """Reconstruct a lost ledger from the review sheet, the blog and the form responses.

    Refuses when the ledger still holds submissions. Changes nothing at Google; the next sync writes back.
    """
    from .infra.lock import cycle_lock
    from .ops.rebuild import RebuildRefused
    from .ops.rebuild import rebuild as run_rebuild

    settings = state.settings()
    with cycle_lock(settings.state_dir) as held:
        if not held:
            raise click.ClickException("a mymein cycle is running; stop it (and the daemon) before rebuilding")
        app = _build_app(settings)
        try:
            report = run_rebuild(app)
        except RebuildRefused as exc:
            raise click.ClickException(str(exc)) from exc
        except (GoogleApiError, ResponsesTabNotFound, FormLayoutError, ReviewLayoutError) as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_FAILED)
        finally:
            app.close()
    click.echo(
        f"rebuilt {counted(report.submissions, 'submission')} ({report.with_post} with a post); "
        f"{counted(report.responses_matched, 'form response')} matched to their rows, "
        f"{report.responses_unmatched} not matched (the next sync ingests them; repeated texts become Duplikat)"
    )
    if report.published_without_post:
        click.echo(
            "warning: marked published on the sheet but no post carries their code (they will be posted again "
            "when approved; check the blog first): " + ", ".join(report.published_without_post),
            err=True,
        )
    if report.posts_without_row:
        click.echo("note: posts whose row is gone from the sheet: " + ", ".join(report.posts_without_row))
    for code, ids in report.posts_claimed_twice.items():
        click.echo(
            f"warning: {code} is carried by posts {', '.join(ids)}; the one in its row's Post ID was taken, "
            "the others are copies to check in Blogger",
            err=True,
        )
    if report.complaints or report.complaints_not_on_tab:
        click.echo(
            f"rebuilt {counted(report.complaints, 'complaint')} ({report.complaints_matched} matched to the "
            f"complaint form; {report.complaints_forwarded} forwarded, {report.complaints_answered} answered, "
            f"{report.complaints_closed} closed); {counted(report.complaints_not_on_tab, 'form complaint')} "
            f"without a row {'is' if report.complaints_not_on_tab == 1 else 'are'} numbered as new by the next sync"
        )
    if report.complaints_unmatched:
        unmatched = ", ".join(report.complaints_unmatched)
        click.echo(f"warning: Pengaduan rows without a form response (kept): {unmatched}", err=True)
    if report.complaint_codes_ignored:
        ignored = ", ".join(report.complaint_codes_ignored)
        click.echo(f"note: Pengaduan rows with an unusable code were skipped: {ignored}")


@main.command()
@click.option("--port", type=int, default=8765, show_default=True, help="Port on 127.0.0.1 (0 picks a free one).")
@click.option(
    "--state",
    "state_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder that keeps the sandbox's data across restarts.",
)
@click.option("--seed", type=click.Choice(["demo"]), help="Create the demo world (once) and a config for it.")
def sandbox(port: int, state_dir: Path, seed: str | None) -> None:
    """Serve the local Google emulator until SIGTERM or Ctrl-C."""
    from .ops.demo import prepare_world
    from .sandbox.seed import load_world
    from .sandbox.server import Sandbox

    state_dir = state_dir.resolve()
    server = Sandbox(port=port, state_dir=state_dir / "data").start()
    try:
        if seed == "demo" and load_world(state_dir) is None:
            _, config = prepare_world(state_dir, server.url, datetime.now(UTC))
            click.echo(f"demo world created; config: {config}")
        click.echo(f"sandbox ready: {server.url}")
        sys.stdout.flush()
        stopped = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stopped.set())
        with contextlib.suppress(KeyboardInterrupt):
            stopped.wait()
    finally:
        server.stop()


@main.command()
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-state"),
    show_default=True,
    help="Working folder of the demo; recreated on every run.",
)
@click.option("--keep-running", is_flag=True, help="Leave the sandbox up afterwards, to look at it in a browser.")
def demo(folder: Path, keep_running: bool) -> None:
    """Run the real pipeline against a seeded sandbox and show what happened."""
    from .ops.demo import run_demo

    sys.exit(run_demo(folder, keep_running=keep_running, echo=click.echo))
