"""`mymein doctor`: everything a cycle needs, checked one by one, each failure with the way to fix it.

Without `--write` it only reads. With it, each path the pipeline writes by is tried once on the real services,
leaving nothing behind, so a permission that is read-only (a Viewer where an Editor is needed, a blog author
token without the right) shows on the first day rather than at the first approved story (`doctor_write.py`).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..app import GMAIL_SEND_SCOPE, App, build_app
from ..config import ConfigError, Settings, load_settings
from ..core.complaints import DEPARTMENT_HEADER, ComplaintLayout, ComplaintTabError, read_complaints, read_departments
from ..core.form import FormLayout, FormLayoutError
from ..core.registration import read_applications
from ..core.review import ReviewLayout, ReviewLayoutError
from ..core.tabs import TabMove, locate
from ..core.text import counted
from ..cycle import gate
from ..google.drive import FOLDER_MIME
from ..google.errors import GoogleApiError
from ..google.responses import ResponsesTabNotFound
from ..google.retry import RetryPolicy
from ..google.sheets_values import SheetValues, quote_sheet
from ..google.trace import FieldTrace
from ..i18n import N_, _, localized
from ..infra import tabs
from ..infra.mail import MailUnavailable, SmtpMailer
from ..infra.private import private_dir
from .doctor_social import channel_checks, token_files
from .doctor_write import Check, WriteOptions, google_said, readable_by_others, service_account, share_fix, write_checks
from .forms import form_checks, photo_column_check

__all__ = ["Check", "WriteOptions", "run_checks"]

# The forms whose sheets `_form_sheet` checks, named in fixes (for the catalog).
FORM_WORDS = (N_("complaint form"), N_("registration form"))
# Refresh tokens of an OAuth app still in "Testing" stop working 7 days after they were issued.
TESTING_TOKEN_DAYS = 7


def run_checks(
    config: Path,
    *,
    channel: str | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    write: WriteOptions | None = None,
    trace: FieldTrace | None = None,
) -> list[Check]:
    """Every check, in the order an administrator would fix them; later ones need the earlier to pass. With
    `write`, the write paths are tried after the reading checks."""
    try:
        settings = load_settings(config).channel(channel)
    except ConfigError as exc:
        return [
            Check(
                _("config file"),
                False,
                localized(exc),
                _("correct the key named above; config.yaml documents each one"),
            )
        ]
    checks = [Check(_("config file"), True, str(config))]
    checks += [*_credential_files(settings, clock), *_password_file(settings), *token_files(settings)]
    checks.append(_state_dir(settings))
    now = clock().astimezone(settings.tz)
    checks.append(
        Check(
            _("time zone"),
            True,
            _("{zone}: now {time}").format(zone=settings.timezone, time=f"{now:%Y-%m-%d %H:%M %Z}"),
        )
    )
    if not all(c.ok for c in checks):
        return checks
    try:
        # One attempt per call: a doctor reports what is wrong now, it does not wait it out.
        app = build_app(settings, clock=clock, policy=RetryPolicy(attempts=1), trace=trace)
    except ConfigError as exc:
        return [*checks, Check(_("Google clients"), False, localized(exc), _("see the credential checks above"))]
    try:
        checks += [_form(app), *photo_column_check(app), *form_checks(app)]
        checks += [*_review(app), _blog(app), _drive(app), *_read_gate(app), _upload_folders(app)]
        if app.settings.notices.enabled:
            checks.append(_mail(app))
        if app.settings.complaints.enabled:
            checks += [_complaint_form(app), *_complaint_tabs(app)]
        if app.settings.registration.enabled:
            checks.append(_registration_form(app))
        checks += channel_checks(app)
        if write is not None:
            checks += write_checks(app, write)
    finally:
        app.close()
    return checks


def _credential_files(settings: Settings, clock: Callable[[], datetime]) -> Iterator[Check]:
    google = settings.google
    for key, path, how in (
        ("google.service_account_file", google.service_account_file, _("download the key from Google Cloud (IAM)")),
        ("google.oauth_token_file", google.oauth_token_file, _("run `mymein auth` as the blog's owner")),
    ):
        name = _("credentials {key}").format(key=key)
        if path is None:
            if google.endpoint:
                yield Check(
                    name, True, _("not needed: google.endpoint is the sandbox {url}").format(url=google.endpoint)
                )
            else:
                yield Check(name, False, _("not set; Google cannot be reached without it"), f"set {key}; {how}")
            continue
        if not path.exists():
            yield Check(name, False, _("{path} does not exist").format(path=path), how)
            continue
        try:
            content = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            yield Check(name, False, f"{path} is not readable JSON ({exc})", how)
            continue
        loose = readable_by_others(name, path)
        if loose is not None:
            yield loose
            continue
        if key == "google.oauth_token_file":
            yield _token(name, path, content, clock)
        elif content.get("type") != "service_account" or not content.get("private_key"):
            # An OAuth token or client secret here would only fail at the first call, with Google's words.
            kind = (
                _("{path} is an OAuth token")
                if "refresh_token" in content
                else _("{path} is not a service-account key ({type})")
            )
            fix = _("download a JSON key of the service account; {how}").format(how=how)
            yield Check(name, False, kind.format(path=path, type=content.get("type")), fix)
        else:
            yield Check(name, True, f"{path} ({content.get('client_email', 'no client_email')})")


def _token(name: str, path: Path, content: dict[str, object], clock: Callable[[], datetime]) -> Check:
    if not content.get("refresh_token"):
        return Check(name, False, _("{path} has no refresh token").format(path=path), _("run `mymein auth` again"))
    age = (clock() - datetime.fromtimestamp(path.stat().st_mtime, UTC)).days
    detail = f"{path}: refresh token issued {age} days ago"
    if age >= TESTING_TOKEN_DAYS:
        detail += (
            f"; if the OAuth app is still in 'Testing' status it has expired (they last {TESTING_TOKEN_DAYS} days):"
            " publish the app in the Google Cloud console, then run `mymein auth`"
        )
    return Check(name, True, detail)


def _password_file(settings: Settings) -> Iterator[Check]:
    path = settings.notices.password_file if settings.notices.enabled else None
    if path is None:
        return
    name = _("credentials {key}").format(key="notices.password_file")
    if not path.exists():
        yield Check(
            name, False, _("{path} does not exist").format(path=path), _("write the SMTP password to it, one line")
        )
        return
    loose = readable_by_others(name, path)
    if loose is not None:
        yield loose
        return
    yield Check(name, True, str(path))


def _state_dir(settings: Settings) -> Check:
    folder = settings.state_dir
    try:
        private_dir(folder)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-") as probe:
            probe.write(b"ok")
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        return Check(
            _("state_dir"),
            False,
            f"{folder}: {exc}",
            _("create {folder} and make it writable by this user").format(folder=folder),
        )
    return Check(_("state_dir"), True, _("{folder} is writable").format(folder=folder.resolve()))


def _form(app: App) -> Check:
    form = app.settings.form
    name = _("form responses sheet")
    try:
        tab = app.responses.locate()
        values = app.responses.read_tail(tab, 2, 1)[0]
        FormLayout.from_header(values, form.columns)
    except ResponsesTabNotFound as exc:
        return Check(name, False, localized(exc), _("set form.worksheet to the tab the form writes to"))
    except FormLayoutError as exc:
        return Check(name, False, localized(exc), _("map the form's questions in form.columns"))
    except GoogleApiError as exc:
        return Check(name, False, google_said(exc), share_fix(app, form.spreadsheet_id))
    return Check(
        name, True, _("{id}, tab {tab} ({zone})").format(id=form.spreadsheet_id, tab=repr(tab.title), zone=tab.timezone)
    )


def _review(app: App) -> Iterator[Check]:
    review = app.settings.review
    try:
        listed = app.review.tabs()
    except GoogleApiError as exc:
        yield Check(_("review spreadsheet"), False, google_said(exc), share_fix(app, review.spreadsheet_id, "Editor"))
        return
    yield Check(_("review spreadsheet"), True, review.spreadsheet_id)
    name = _("review tab {name}").format(name=repr(review.worksheet))
    # The tab the cycle would use: known by its id, so a rename is followed and a stranger is not taken for it.
    finding = locate(tabs.known(app, tabs.REVIEW_KIND, review.worksheet), review.worksheet, listed, "review tab")
    if finding.move is TabMove.CONFLICT:
        yield Check(name, False, _("not the tab MyMeIn has used"), finding.note)
        return
    if finding.tab is None:
        yield Check(name, False, _("missing"), _("run `mymein init` (the next cycle also makes it again)"))
        return
    title = finding.tab.title
    if title != review.worksheet:
        name = _("review tab {name} (now named {title}, followed)").format(
            name=repr(review.worksheet), title=repr(title)
        )
    try:
        header = app.review.values.get(f"{quote_sheet(title)}!1:1")
        if not header or not any(str(c).strip() for c in header[0]):
            yield Check(name, False, _("no header row yet"), _("run `mymein init`"))
            return
        ReviewLayout.from_header(header[0], review.headers)
    except ReviewLayoutError as exc:
        yield Check(name, False, localized(exc), _("run `mymein init` to add the columns"))
        return
    except GoogleApiError as exc:
        yield Check(name, False, google_said(exc), "")
        return
    yield Check(name, True, _("header row has every column"))
    if app.settings.registry.enforce and app.review.tab("properties(title)", review.operator_worksheet) is None:
        name = _("operator tab {name}").format(name=repr(review.operator_worksheet))
        yield Check(name, False, _("missing (registry.enforce)"), _("run `mymein init`"))


def _complaint_form(app: App) -> Check:
    """The complaint form's responses tab can be read and has the questions complaints are made of."""
    complaints = app.settings.complaints
    return _form_sheet(
        app,
        app.complaints,
        N_("complaint form sheet"),
        "complaints",
        complaints.spreadsheet_id,
        complaints.worksheet,
        lambda header: read_complaints(header, app.settings.tz),
    )


def _registration_form(app: App) -> Check:
    """The KIM registration form's responses tab can be read and has the questions an application needs."""
    registration = app.settings.registration
    return _form_sheet(
        app,
        app.registrations,
        N_("registration form sheet"),
        "registration",
        registration.spreadsheet_id,
        registration.worksheet,
        lambda header: read_applications(header, app.settings.tz),
    )


def _form_sheet(
    app: App,
    client: SheetValues | None,
    name: str,
    section: str,
    spreadsheet_id: str,
    worksheet: str,
    read: Callable[[list[list[Any]]], object],
) -> Check:
    """A form's responses tab (complaints, registration) read as the cycle reads it: its header row must name
    the questions, the columns Forms fills itself under any of the names it gives them (core.form_roles)."""
    what = _(name.removesuffix(" sheet"))  # one of FORM_WORDS
    name = _(name)
    if client is None:  # built with the section enabled; kept for the type checker
        return Check(name, False, f"no client for the {what}'s sheet", f"set {section}.spreadsheet_id")
    try:
        header = client.get(f"{quote_sheet(worksheet)}!1:1")
    except GoogleApiError as exc:
        if exc.status == 400 and "parse range" in exc.message:
            detail = _("no tab {tab} in spreadsheet {id}").format(tab=repr(worksheet), id=spreadsheet_id)
            fix = _("set {key} to the tab the {what} writes to").format(key=f"{section}.worksheet", what=what)
            return Check(name, False, detail + _tabs_of(client), fix)
        return Check(name, False, google_said(exc), share_fix(app, spreadsheet_id))
    if not header or not any(str(c).strip() for c in header[0]):
        detail = _("tab {tab} has no header row").format(tab=repr(worksheet))
        fix = _("link the {what} to this spreadsheet (Responses > Link to Sheets)").format(what=what)
        return Check(name, False, detail, fix)
    try:
        read(header)
    except ValueError as exc:
        fix = _("give the {what} these questions, named as shown (or check {key})")
        return Check(name, False, localized(exc), fix.format(what=what, key=f"{section}.worksheet"))
    return Check(name, True, _("{id}, tab {tab}").format(id=spreadsheet_id, tab=repr(worksheet)))


def _tabs_of(client: SheetValues) -> str:
    """The spreadsheet's tabs, for a message: an Indonesian account names the form's `Jawaban Formulir 1`."""
    try:
        meta = client.metadata("sheets(properties(title))")
    except GoogleApiError:
        return ""
    titles = [str(s["properties"]["title"]) for s in meta.get("sheets", [])]
    return f" (tabs: {', '.join(titles)})" if titles else ""


def _complaint_tabs(app: App) -> Iterator[Check]:
    """The Pengaduan tab with the columns the cycle needs, and the SKPD tab with a department to forward to."""
    complaints = app.settings.complaints
    tab, departments = complaints.tab, complaints.departments_tab
    tab_name = _("complaints tab {name}").format(name=repr(tab))
    departments_name = _("departments tab {name}").format(name=repr(departments))
    try:
        meta = app.review.values.metadata("sheets(properties(title))")
        present = {str(s["properties"]["title"]) for s in meta.get("sheets", [])}
        missing = [t for t in (tab, departments) if t not in present]
        ranges = {tab: f"{quote_sheet(tab)}!1:1", departments: quote_sheet(departments)}
        wanted = [t for t in ranges if t not in missing]
        read = dict(
            zip(wanted, app.review.values.batch_get([ranges[t] for t in wanted]) if wanted else [], strict=True)
        )
        header, rows = read.get(tab, []), read.get(departments, [])
    except GoogleApiError as exc:
        yield Check(tab_name, False, google_said(exc), share_fix(app, app.settings.review.spreadsheet_id, "Editor"))
        return
    if tab in missing:
        yield Check(tab_name, False, _("missing"), _("run `mymein init`"))
    elif not header or not any(str(c).strip() for c in header[0]):
        yield Check(tab_name, False, _("no header row yet"), _("run `mymein init`"))
    else:
        try:
            ComplaintLayout.from_header(header[0])
        except ComplaintTabError as exc:
            yield Check(tab_name, False, localized(exc), _("run `mymein init` to add the columns"))
        else:
            yield Check(tab_name, True, _("header row has every column"))
    if departments in missing:
        yield Check(departments_name, False, _("missing"), _("run `mymein init`, then list the departments on it"))
        return
    found = read_departments(rows).values()
    reachable = [d for d in found if d.email]
    name_column, email_column = DEPARTMENT_HEADER[:2]
    fix = _("list the departments on the {tab} tab: name under {name}, e-mail under {email}").format(
        tab=repr(departments), name=name_column, email=email_column
    )
    if not reachable:
        detail = _("no department yet") if not found else _("no department has an e-mail address")
        yield Check(departments_name, False, detail, fix)
        return
    detail = f"{counted(len(reachable), 'department')} with an e-mail address"
    unreachable = sorted(d.name for d in found if not d.email)
    if unreachable:
        detail += f"; without one (complaints cannot be forwarded to them): {', '.join(unreachable)}"
    if not app.settings.notices.reply_to:
        # Departments answer by replying; without Reply-To their answers go to the sender's mailbox.
        sender = app.settings.notices.sender
        detail += f"; their replies go to notices.sender ({sender}): set notices.reply_to if no one reads it"
    yield Check(departments_name, True, detail)


def _blog(app: App) -> Check:
    try:
        blog = app.publisher.blog()
    except GoogleApiError as exc:
        fix = _("check blogger.blog_id, and that `mymein auth` was run by an owner or admin of that blog")
        return Check(_("blog"), False, google_said(exc), fix)
    return Check(_("blog"), True, f"{blog.get('name', '')} {blog.get('url', '')}".strip())


def _read_gate(app: App) -> list[Check]:
    """The versions a cycle asks Drive for before reading the sheets; without them every cycle reads in full."""
    if app.settings.schedule.full_read_seconds <= 0:
        return []
    name = _("read gate (Drive versions of the sheets)")
    fix = _("share the spreadsheet with the service account and enable the Drive API; until then every cycle reads it")
    for spreadsheet in gate.watched(app):
        try:
            version = app.photos.version(spreadsheet)
        except GoogleApiError as exc:
            return [Check(name, False, google_said(exc), fix)]
        if version is None:
            return [Check(name, False, _("Drive cannot see {id}").format(id=spreadsheet), fix)]
    return [Check(name, True, _("Drive answers for the form's and the review spreadsheets"))]


def _drive(app: App) -> Check:
    try:
        app.photos.reachable()
    except GoogleApiError as exc:
        return Check(_("Drive (photos)"), False, google_said(exc), _("enable the Drive API for the project"))
    return Check(_("Drive (photos)"), True, _("reachable"))


def _upload_folders(app: App) -> Check:
    """The form's upload folders exist and are readable folders; without any, say what sharing then means."""
    name = _("photo upload folders")
    folders = app.settings.photos.upload_folders
    if not folders:
        detail = _(
            "photos.upload_folders is empty: any image the service account can read is shared with anyone "
            "who has the link once its link is typed into Foto"
        )
        fix = _("list the form's upload folder (its Drive folder id) under photos.upload_folders in config.yaml")
        return Check(name, True, detail, fix, warning=True)
    problems: list[str] = []
    found: list[str] = []
    try:
        for folder_id in folders:
            meta = app.photos.folder(folder_id)
            if meta is None:
                problems.append(f"{folder_id}: not found or not shared with {service_account(app)}")
            elif meta.get("mimeType") != FOLDER_MIME:
                problems.append(f"{folder_id}: {str(meta.get('name', ''))!r} is a file, not a folder")
            else:
                found.append(f"{str(meta.get('name', ''))!r} ({folder_id})")
    except GoogleApiError as exc:
        return Check(name, False, google_said(exc), _("enable the Drive API for the project"))
    if problems:
        fix = (
            f"share each folder with {service_account(app)} (Viewer is enough), or correct photos.upload_folders "
            "(the id in the folder's address, drive.google.com/drive/folders/<ID>)"
        )
        return Check(name, False, "; ".join(problems), fix)
    return Check(name, True, ", ".join(found))


def _mail(app: App) -> Check:
    """Notices: the SMTP server takes a session (nothing is sent), or the owner's token may send Gmail."""
    notices = app.settings.notices
    if notices.transport == "gmail":
        path = app.settings.google.oauth_token_file
        granted = json.loads(path.read_text(encoding="utf-8")).get("scopes", []) if path else [GMAIL_SEND_SCOPE]
        if GMAIL_SEND_SCOPE not in granted:
            return Check(
                _("mail (Gmail)"),
                False,
                _("the Blogger token does not allow sending mail"),
                _("run `mymein auth` again"),
            )
        return Check(
            _("mail (Gmail)"), True, _("as the account of `mymein auth`, From {sender}").format(sender=notices.sender)
        )
    try:
        with SmtpMailer(notices, _password(notices.password_file), timeout=10).connection():
            pass
    except (MailUnavailable, OSError) as exc:
        fix = _("check notices.smtp_host, smtp_port, starttls, username and password_file")
        return Check(_("mail (SMTP)"), False, localized(exc), fix)
    return Check(
        _("mail (SMTP)"),
        True,
        _("{host}:{port} accepts a session").format(host=notices.smtp_host, port=notices.smtp_port),
    )


def _password(path: Path | None) -> str | None:
    return path.read_text(encoding="utf-8").strip() if path is not None and path.exists() else None
