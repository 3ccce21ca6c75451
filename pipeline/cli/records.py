"""The ledger, read and rebuilt: `mymein status`, `mymein log` and `mymein rebuild`."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import click

from ..core.form import FormLayoutError
from ..core.review import ReviewLayoutError
from ..core.text import counted
from ..google.errors import GoogleApiError
from ..google.responses import ResponsesTabNotFound
from ..i18n import _, localized
from .base import EXIT_FAILED, CliState, main, open_app

if TYPE_CHECKING:
    from datetime import tzinfo

    from ..ledger import Ledger


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_obj
def status(state: CliState, as_json: bool) -> None:
    """Submissions per status, the oldest waiting one, posts today and the last cycle (no Google calls)."""
    import json

    from ..app import open_ledger
    from ..ops.status import collect_status, format_status

    settings = state.settings()
    ledger = open_ledger(settings)
    try:
        report = collect_status(settings, ledger, settings.heartbeat_path, datetime.now(UTC))
    finally:
        ledger.close()
    click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) if as_json else format_status(report))


@main.command(name="log")
@click.argument("code")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per event.")
@click.pass_obj
def log_command(state: CliState, code: str, as_json: bool) -> None:
    """Show one submission's history from the ledger (received, queued, posted, ...), or a complaint's (PG-...)."""
    import json

    from ..app import open_ledger
    from ..core.sheettime import format_local

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
            raise click.ClickException(
                _("no submission with code {code} in {path}").format(code=code, path=ledger.path)
            )
        events = ledger.events(record.code)
    finally:
        ledger.close()
    if as_json:
        for event in events:
            line = {"code": event.code, "at": event.at.isoformat(), "kind": event.kind, **event.detail}
            click.echo(json.dumps(line, ensure_ascii=False))
        return
    click.echo(f"{record.code}  {record.title}  ({record.desa}, {record.kecamatan})")
    post = record.post_url or record.post_id or "-"
    click.echo(_("status: {status}  post: {post}").format(status=record.status.value, post=post))
    for event in events:
        detail = ", ".join(f"{k}={v}" for k, v in event.detail.items() if v not in ("", None, []))
        click.echo(f"  {format_local(event.at, settings.tz)}  {event.kind:<10} {detail}")


def _complaint_log(ledger: Ledger, code: str, tz: tzinfo, as_json: bool) -> None:
    """A complaint's history: what was done, never who complained (that stays on the tab)."""
    from ..core.sheettime import format_local

    complaint = ledger.complaints.get(code)
    if complaint is None:
        raise click.ClickException(_("no complaint with code {code} in {path}").format(code=code, path=ledger.path))
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
    from ..infra.lock import cycle_lock
    from ..ops.rebuild import RebuildRefused
    from ..ops.rebuild import rebuild as run_rebuild

    settings = state.settings()
    with cycle_lock(settings.state_dir) as held:
        if not held:
            raise click.ClickException(_("a mymein cycle is running; stop it (and the daemon) before rebuilding"))
        app = open_app(settings)
        try:
            report = run_rebuild(app)
        except RebuildRefused as exc:
            raise click.ClickException(localized(exc)) from exc
        except (GoogleApiError, ResponsesTabNotFound, FormLayoutError, ReviewLayoutError) as exc:
            click.echo(_("error: {message}").format(message=localized(exc)), err=True)
            sys.exit(EXIT_FAILED)
        finally:
            app.close()
    rebuilt = _(
        "rebuilt {submissions} ({posts} with a post); {responses} matched to their rows, {unmatched} not matched "
        "(the next sync ingests them; repeated texts become Duplikat)"
    )
    click.echo(
        rebuilt.format(
            submissions=counted(report.submissions, _("submission"), _("submissions")),
            posts=report.with_post,
            responses=counted(report.responses_matched, _("form response"), _("form responses")),
            unmatched=report.responses_unmatched,
        )
    )
    if report.published_without_post:
        click.echo(
            _(
                "warning: marked published on the sheet but no post carries their code (they will be posted again "
                "when approved; check the blog first): {codes}"
            ).format(codes=", ".join(report.published_without_post)),
            err=True,
        )
    if report.posts_without_row:
        click.echo(
            _("note: posts whose row is gone from the sheet: {ids}").format(ids=", ".join(report.posts_without_row))
        )
    for code, ids in report.posts_claimed_twice.items():
        click.echo(
            _(
                "warning: {code} is carried by posts {ids}; the one in its row's Post ID was taken, the others are "
                "copies to check in Blogger"
            ).format(code=code, ids=", ".join(ids)),
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
        click.echo(
            _("warning: Pengaduan rows without a form response (kept): {codes}").format(codes=unmatched), err=True
        )
    if report.complaint_codes_ignored:
        ignored = ", ".join(report.complaint_codes_ignored)
        click.echo(_("note: Pengaduan rows with an unusable code were skipped: {codes}").format(codes=ignored))
