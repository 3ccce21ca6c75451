"""Click commands whose help is shown in the administrator's language (`pipeline.i18n`), looked up when the help
is printed: the docstrings and `help=` texts stay English in the code, and the catalog holds their Indonesian.

Click builds the help from `help` attributes fixed at import; these classes swap in the translation just while
a help page or a command list is written, and translate the few words of click's own frame (Usage, Options,
Commands) the same way.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager

import click
import click.core
import click.decorators
import click.exceptions
import click.parser
import click.types

from ..i18n import N_, _, help_text

# Click's own words in the help frame, for the catalog (click looks them up through Python's default gettext
# domain, which holds no Indonesian of click's): shown through `_` here instead.
CLICK_WORDS = (
    N_("Usage: "),
    N_("Options"),
    N_("Commands"),
    N_("Show this message and exit."),
    N_("Show the version and exit."),
)

# Click's own messages outside the help (usage errors, "Aborted!"): click looks each up through `gettext.gettext`
# and `gettext.ngettext`, Python's process-wide default domain, which follows LANG rather than MYMEIN_LANG and
# holds nothing of click's (click ships no catalog). These are the ones an administrator meets when mistyping a
# command; `_click_speaks_our_language` has click look them up in our catalog, which holds their Indonesian.
CLICK_MESSAGES = (
    N_("Error: {message}"),
    N_("Try '{command} {option}' for help."),
    N_("No such option {name!r}."),
    N_("No such command {name!r}."),
    N_("Did you mean {possibility}?"),
    N_("(Did you mean one of: {possibilities}?)"),
    N_("Missing argument"),
    N_("Missing option"),
    N_("Missing parameter"),
    N_("Missing command."),
    N_("Invalid value: {message}"),
    N_("Invalid value for {param_hint}: {message}"),
    N_("{value!r} is not {choice}."),
    N_("{value!r} is not one of {choices}."),
    N_("{value!r} is not a valid {number_type}."),
    N_("Got unexpected extra argument ({args})"),
    N_("Got unexpected extra arguments ({args})"),
    N_("Option {name!r} requires an argument."),
    N_("Option {name!r} requires {nargs} arguments."),
    N_("Option {name!r} does not take a value."),
    N_("Aborted!"),
)


def _click_gettext(message: str) -> str:
    return _(message)


def _click_ngettext(singular: str, plural: str, n: int) -> str:
    return _(singular if n == 1 else plural)  # Indonesian does not inflect: one msgid per English form


def _click_speaks_our_language() -> None:
    """Point click's modules' `_` and `ngettext` at our catalog. Only names still bound to the standard
    functions are replaced, so a click that changes how it translates is left as it is (English)."""
    ours = {"_": (gettext.gettext, _click_gettext), "ngettext": (gettext.ngettext, _click_ngettext)}
    for module in (click.core, click.decorators, click.exceptions, click.parser, click.types):
        for name, (standard, replacement) in ours.items():
            if getattr(module, name, None) is standard:
                setattr(module, name, replacement)


_click_speaks_our_language()


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
