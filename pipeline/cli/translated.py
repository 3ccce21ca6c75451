"""Click commands whose help is shown in the administrator's language (`pipeline.i18n`), looked up when the help
is printed: the docstrings and `help=` texts stay English in the code, and the catalog holds their Indonesian.

Click builds the help from `help` attributes fixed at import; these classes swap in the translation just while
a help page or a command list is written, and translate the few words of click's own frame (Usage, Options,
Commands) the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from ..i18n import N_, _, help_text

# Click's own words in the help frame, for the catalog (click looks them up in its own gettext domain, which
# ships no Indonesian): shown through `_` here instead.
CLICK_WORDS = (
    N_("Usage: "),
    N_("Options"),
    N_("Commands"),
    N_("Show this message and exit."),
    N_("Show the version and exit."),
)


@contextmanager
def _in_language(command: click.Command) -> Iterator[None]:
    kept = (command.help, command.short_help, command.epilog)
    command.help = help_text(command.help)
    command.short_help = help_text(command.short_help)
    command.epilog = help_text(command.epilog)
    try:
        yield
    finally:
        command.help, command.short_help, command.epilog = kept


def _param_record(param: click.Parameter, ctx: click.Context) -> tuple[str, str] | None:
    kept = getattr(param, "help", None)
    if kept is not None:
        param.help = help_text(kept)
    try:
        return param.get_help_record(ctx)
    finally:
        if kept is not None:
            param.help = kept


class TranslatedCommand(click.Command):
    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _in_language(self):
            super().format_help(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        with _in_language(self):
            return super().get_short_help_str(limit)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix=_("Usage: "))

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        records = [
            record
            for param in self.get_params(ctx)
            if not isinstance(param, click.Argument) and (record := _param_record(param, ctx)) is not None
        ]
        if records:
            with formatter.section(_("Options")):
                formatter.write_dl(records)


class TranslatedGroup(TranslatedCommand, click.Group):
    command_class = TranslatedCommand
    group_class = type  # groups made by a group are of its own class

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        TranslatedCommand.format_options(self, ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        commands: list[tuple[str, click.Command]] = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                commands.append((name, command))
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _command in commands)
            with formatter.section(_("Commands")):
                formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in commands])
