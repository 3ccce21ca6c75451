"""What the ledger and the blog make for people to read: `mymein report` (monev) and `mymein bulletin`."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click

from ..core.errors import ConfigurationError
from ..core.glyphs import PLACEHOLDER
from ..core.text import counted
from ..google.errors import GoogleApiError
from ..i18n import Text, _, localized
from .base import EXIT_FAILED, CliState, main, open_app


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

    from ..app import open_ledger
    from ..infra.regions_file import load_regions
    from ..outputs.render import Renderer
    from ..outputs.report import make_monthly_report

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
        made = make_monthly_report(ledger, settings, regions, Renderer(settings.templates_dir), month, now)
    finally:
        ledger.close()
    built, written = made.report, made.files
    monev = _("monev {month}: {submissions}, {published} published")
    submissions = counted(built.total.submissions, _("submission"), _("submissions"))
    click.echo(monev.format(month=month, submissions=submissions, published=built.total.published))
    click.echo(f"  {written.html}\n  {written.pdf} ({counted(written.pages, _('page'), _('pages'))})\n  {written.png}")
    if no_sheet:
        return
    app = open_app(settings)
    try:
        made.to_sheet(app.review)
    except GoogleApiError as exc:
        line = _("error: the {tab} tab was not written: {message}")
        click.echo(line.format(tab=repr(settings.review.summary_worksheet), message=localized(exc)), err=True)
        sys.exit(EXIT_FAILED)
    finally:
        app.close()
    rows = counted(len(made.summary), _("row"), _("rows"))
    click.echo(
        "  " + _("{rows} written to the {tab} tab").format(rows=rows, tab=repr(settings.review.summary_worksheet))
    )


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

    from ..infra.regions_file import load_regions
    from ..outputs.bulletin import make_bulletin

    if week is not None and not re.fullmatch(r"\d{4}-W(0[1-9]|[1-4]\d|5[0-3])", week):
        raise click.BadParameter(
            _("{week} is not an ISO week such as 2026-W48").format(week=repr(week)), param_hint="--week"
        )
    settings = state.settings()
    if kecamatan is not None:
        regions = load_regions(settings.regions.file)
        found = regions.find_kecamatan(kecamatan)
        if found is None:  # a typo would otherwise print an empty bulletin; exit 2, as for a bad option
            known = ", ".join(regions.kecamatan_names)
            raise ConfigurationError(
                Text(
                    "no kecamatan {name} in the region list; known: {known}", name=repr(kecamatan.strip()), known=known
                )
            )
        kecamatan = found
    if week is None:
        year, number, _weekday = datetime.now(UTC).astimezone(settings.tz).isocalendar()
        week = f"{year}-W{number:02d}"
    app = open_app(settings)
    try:
        made = make_bulletin(app, week, kecamatan)
    except GoogleApiError as exc:
        click.echo(_("error: {message}").format(message=localized(exc)), err=True)
        sys.exit(EXIT_FAILED)
    finally:
        app.close()
    if made.path is None:
        which = _("no story") if kecamatan is None else _("no story of Kecamatan {name}").format(name=kecamatan)
        click.echo(_("bulletin {week}: {which} was published that week; no PDF written").format(week=week, which=which))
        return
    stories = counted(made.stories, _("story"), _("stories"))
    pages = counted(made.pages, _("page"), _("pages"))
    # Characters no font has are printed as a visible placeholder, never dropped: say how many.
    glyphs = counted(made.missing_glyphs, _("character"), _("characters"))
    click.echo(
        _("bulletin {week}: {stories}, {pages}, {glyphs} printed as {placeholder} (no font has them)").format(
            week=week, stories=stories, pages=pages, glyphs=glyphs, placeholder=PLACEHOLDER
        )
        + f"\n  {made.path}"
    )
