"""The `mymein` group: global options, the state every command shares, and how every command ends.

A command opens what it needs (`CliState.settings`, `open_app`), calls one function of the library and turns
its errors into a line on stderr and an exit code (`_Main.invoke`).
"""

from __future__ import annotations

import json
import logging
import os
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..config import ConfigError, Settings, config_path, load_settings
from ..core.errors import MyMeInError
from ..i18n import Text, _, localize, localized
from .translated import TranslatedGroup

if TYPE_CHECKING:
    from ..app import App
    from ..google.trace import FieldTrace

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2
PRIVATE_UMASK = 0o077


class ConfigProblem(click.ClickException):
    """Invalid configuration: exit code 2, the message names the key or file and the fix."""

    exit_code = EXIT_CONFIG

    def show(self, file: Any = None) -> None:
        # Click's own frame ("Error: ...") in the administrator's language; the message names keys and files.
        click.echo(_("Error: {message}").format(message=self.format_message()), file=file or sys.stderr)


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
            raise ConfigProblem(localized(exc)) from exc

    def root(self) -> Settings:
        """The whole config's settings: the top-level state_dir holds what belongs to the config, not a channel."""
        try:
            return load_settings(config_path(self.config))
        except ConfigError as exc:
            raise ConfigProblem(localized(exc)) from exc

    def every_channel(self) -> list[tuple[str, Settings]]:
        """With `--channel`, that one; without it, every channel of the config, the default first."""
        try:
            settings = load_settings(config_path(self.config))
            names = [self.channel] if self.channel else settings.channel_names
            return [(name, settings.channel(name)) for name in names]
        except ConfigError as exc:
            raise ConfigProblem(localized(exc)) from exc


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


def open_app(settings: Settings) -> App:
    """The clients for `settings`; a credential problem is a configuration error (exit code 2)."""
    from ..app import build_app

    state = click.get_current_context().find_object(CliState)
    try:
        return build_app(settings, trace=state.trace if state else None)
    except ConfigError as exc:
        raise ConfigProblem(localized(exc)) from exc


class _Main(TranslatedGroup):
    """Every command ends the same way: a MyMeIn error is one line on stderr and its exit code; anything
    unforeseen is one line too, with its traceback only under `-v` (log it with --log-json for a collector)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MyMeInError as exc:
            _fail(ctx, exc, localized(exc), exc.exit_code)
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt, SystemExit):
            raise
        except Exception as exc:  # a bug, or a library failing in a way we did not foresee
            line = Text(
                "unexpected {kind}: {error} (run again with -v to see where; please report it)",
                kind=type(exc).__name__,
                error=exc,
            )
            _fail(ctx, exc, localize(line), EXIT_FAILED, logged=line)


def _fail(ctx: click.Context, exc: BaseException, line: str, code: int, logged: str | None = None) -> None:
    """`line` on stderr, in the administrator's language; under -v the log gets it in English, with the trace."""
    verbose = bool(ctx.params.get("verbose"))
    if verbose:
        logging.getLogger("mymein").error("%s", logged if logged is not None else str(exc), exc_info=exc)
    first = line.splitlines()[0] if line else type(exc).__name__
    click.echo(_("error: {message}").format(message=first), err=True)
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
    from ..google.trace import FieldTrace
    from ..ops.trace_vocabulary import words_to_keep

    trace = FieldTrace(folder, ctx.invoked_subcommand or "", vocabulary=words_to_keep)

    def close() -> None:
        try:
            path = trace.close()
        except Exception as exc:  # the command's own outcome stands; the trace only failed to be written
            click.echo(
                _("warning: the trace could not be written to {folder}: {message}").format(folder=folder, message=exc),
                err=True,
            )
            return
        if path is None:
            click.echo(_("trace: this command made no Google calls; nothing recorded"), err=True)
        else:
            full = (
                _(" ({count} more left out: the trace is full)").format(count=trace.left_out) if trace.left_out else ""
            )
            line = _("trace: {count} Google exchanges recorded in {path}{full}")
            click.echo(line.format(count=trace.exchanges, path=path, full=full), err=True)

    ctx.call_on_close(close)
    return trace


def log_to_stdout() -> None:
    """`mymein run`: the daemon's log is its output (journald, docker logs)."""
    if _HANDLER is not None:
        _HANDLER.setStream(sys.stdout)
