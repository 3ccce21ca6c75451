"""Getting a deployment ready: `mymein auth`, `doctor` and `init` (docs/deploy.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..config import config_path
from ..google.errors import GoogleApiError
from ..i18n import _, localized
from .base import EXIT_FAILED, CliState, ConfigProblem, main, open_app

if TYPE_CHECKING:
    from ..app import App
    from ..ops.forms import BuiltForm


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
@click.option("--forms", is_flag=True, help="Also allow building the Google Forms (`mymein init --form`).")
@click.pass_obj
def auth(
    state: CliState, client_secret: Path, token_path: Path | None, port: int, no_browser: bool, forms: bool
) -> None:
    """Sign in as the blog's owner and store the Blogger OAuth token, readable by this user only.

    Blogger accepts no service accounts. On a server without a browser: `ssh -L 8765:127.0.0.1:8765 SERVER`,
    run `mymein auth --no-browser` there and open the printed address on your computer.
    """
    from ..app import BLOGGER_SCOPES, owner_scopes
    from ..ops.auth import TESTING_NOTE, AuthError, authorize

    scopes = BLOGGER_SCOPES
    if token_path is None or config_path(state.config).exists():
        settings = state.settings()
        scopes = owner_scopes(settings)
        token_path = token_path or settings.google.oauth_token_file
        if token_path is None:
            raise ConfigProblem(_("google.oauth_token_file is not set: set it in config.yaml or pass --token PATH"))
    if forms:
        from ..app import FORMS_SCOPE

        scopes = [*scopes, FORMS_SCOPE]
    try:
        written = authorize(client_secret, token_path, port=port, open_browser=not no_browser, scopes=scopes)
    except AuthError as exc:
        click.echo(_("error: {message}").format(message=localized(exc)), err=True)
        sys.exit(EXIT_FAILED)
    click.echo(_("token written to {path} (mode 600)").format(path=written))
    click.echo(_(TESTING_NOTE))


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
    from ..ops.doctor import WriteOptions, run_checks

    if (photo or mail_to) and not write:
        raise click.UsageError("--photo and --mail-to go with --write")
    options = WriteOptions(photo, mail_to) if write else None
    checks = run_checks(config_path(state.config), channel=state.channel, write=options, trace=state.trace)
    for check in checks:
        mark = ("warn" if check.warning else "ok  ") if check.ok else "FAIL"
        click.echo(f"[{mark}] {check.name}: {check.detail}".rstrip(": "))
        if (check.warning or not check.ok) and check.fix:
            click.echo("       " + _("fix: {fix}").format(fix=check.fix))
    failed = sum(1 for c in checks if not c.ok)
    click.echo(_("{passed} of {total} checks passed").format(passed=len(checks) - failed, total=len(checks)))
    if failed:
        sys.exit(EXIT_FAILED)


@main.command()
@click.option(
    "--form",
    "build_form",
    is_flag=True,
    help="Also build the news form (and the complaint and registration forms when enabled) with the Forms API.",
)
@click.option("--retry-form", is_flag=True, help="With --form: go on after a run that died creating a form.")
@click.pass_obj
def init(state: CliState, build_form: bool, retry_form: bool) -> None:
    """Prepare the review spreadsheet: header, checkboxes, dropdown, protections, colours, Rekap and Operator.

    Safe to run again: it adds only what is missing and never writes a data row. With --form, the forms too:
    made once, published, and the clicks the API cannot make printed.
    """
    from ..ops.prepare import prepare_review_spreadsheet

    settings = state.settings()
    app = open_app(settings)
    try:
        done = prepare_review_spreadsheet(app)
        forms = _build_forms(app, retry_form) if build_form or retry_form else []
    except GoogleApiError as exc:
        click.echo(_("error: {message}").format(message=localized(exc)), err=True)
        sys.exit(EXIT_FAILED)
    finally:
        app.close()
    review = settings.review
    ready = _("review spreadsheet {id} ready (tab {tab})")
    click.echo(ready.format(id=review.spreadsheet_id, tab=repr(review.worksheet)))
    if done.created_tabs:
        click.echo("  " + _("created tabs: {tabs}").format(tabs=", ".join(done.created_tabs)))
    if done.headers_written:
        click.echo("  " + _("wrote the header row of: {tabs}").format(tabs=", ".join(done.headers_written)))
    if done.columns_added:
        click.echo(
            "  " + _("added missing columns at the end: {columns}").format(columns=", ".join(done.columns_added))
        )
    if not done.changed_structure:
        click.echo("  " + _("nothing was missing; formats, checkboxes and rules confirmed"))
    for built in forms:
        _echo_form(built)


def _build_forms(app: App, retry: bool) -> list[BuiltForm]:
    from ..ops.forms import build_forms

    return build_forms(app, retry=retry)


def _echo_form(built: BuiltForm) -> None:
    made = _("{kind} form created: {url}") if built.created else _("{kind} form found: {url}")
    click.echo(made.format(kind=built.plan.kind, url=built.edit_url))
    if built.filled:
        click.echo("  " + _("questions added: {titles}").format(titles=", ".join(dict.fromkeys(built.plan.titles))))
    if built.published_now:
        click.echo("  " + _("published (forms made through the API start unpublished)"))
    if built.responder_uri:
        click.echo("  " + _("link for operators: {url}").format(url=built.responder_uri))
    for problem in built.problems:
        click.echo(f"  ! {problem}")
    if built.steps:
        click.echo("  " + _("still to do by hand (then `mymein doctor` checks it):"))
        for number, step in enumerate(built.steps, start=1):
            click.echo(f"    {number}. {step}")
