"""`mymein doctor --write`: each path the pipeline writes by, tried once on the real services and undone at once
(a scratch tab, a draft post, a photo's link sharing, an e-mail); and what both halves of the doctor share, the
`Check` each step returns and the words of its fixes. The reading checks are in `doctor.py`.
"""

from __future__ import annotations

import contextlib
import itertools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..app import App
from ..core.photos import drive_file_id
from ..features import photo_access
from ..google.errors import GoogleApiError
from ..google.sheets_values import quote_sheet
from ..i18n import _, localized
from ..infra.mail import MailRefused, MailUnavailable, MailUncertain
from ..infra.private import loose_mode

# What `--write` makes and takes back again; named so that anything a crash leaves behind explains itself.
SCRATCH_TAB = "MyMeIn doctor"
DRAFT_TITLE = "MyMeIn doctor: uji tulis (hapus bila masih ada)"
MAIL_SUBJECT = "MyMeIn: uji kirim e-mail (mymein doctor)"
MAIL_BODY = (
    "Pesan ini dikirim oleh `mymein doctor --write` pada {stamp} untuk menguji pengiriman pemberitahuan e-mail "
    "MyMeIn. Tidak perlu dibalas."
)
# The photos looked at, at most, to find one that is not shared yet (each look is one Drive call).
PHOTO_CANDIDATES = 5


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str = ""
    fix: str = ""
    warning: bool = False  # passes, but an administrator should know (and the fix says what to do)


def readable_by_others(name: str, path: Path) -> Check | None:
    """A failing check when other users may read `path` (a credential), else None."""
    mode = loose_mode(path)
    if mode is None:
        return None
    detail = _("{path} can be read by other users (mode {mode})").format(path=path, mode=f"{mode:o}")
    return Check(name, False, detail, f"chmod 600 {path}")


@dataclass(frozen=True)
class WriteOptions:
    """`mymein doctor --write`: the photo to share and take back (a file id or a Drive link; None: one is looked
    for in `photos.upload_folders`), and who gets the test e-mail (None: the first of `notices.officers`, else
    `notices.sender`)."""

    photo: str | None = None
    mail_to: str | None = None


def write_checks(app: App, options: WriteOptions) -> list[Check]:
    """Each write path once, each undone at once: a scratch tab, a draft post, a photo's link sharing, an e-mail.
    One failing does not stop the next: the administrator sees every problem at once."""
    stamp = app.clock().astimezone(app.settings.tz).strftime("%Y-%m-%d %H:%M %Z")
    steps: list[tuple[str, Callable[[], Check]]] = [
        ("write: review spreadsheet", lambda: _write_sheet(app, stamp)),
        ("write: blog", lambda: _write_blog(app, stamp)),
        ("write: Drive (photo sharing)", lambda: _write_photo(app, options.photo)),
    ]
    notices = app.settings.notices
    if app.mailer is not None:
        to = options.mail_to or (notices.officers[0] if notices.officers else notices.sender)
        steps.append((f"write: e-mail to {to}", lambda: _write_mail(app, to, stamp)))
    elif options.mail_to:
        note = Check(
            "write: e-mail",
            True,
            "notices.enabled is off: nothing sent",
            "turn notices on in config.yaml (notices.enabled and the mail server) to send notices",
            warning=True,
        )
        steps.append(("write: e-mail", lambda: note))
    checks: list[Check] = []
    for name, step in steps:
        try:
            checks.append(step())
        except Exception as exc:  # a step that breaks unexpectedly is its own failure, not the end of the list
            checks.append(Check(name, False, f"unexpected error: {exc!r}", "report this with the output above"))
    return checks


def _write_sheet(app: App, stamp: str) -> Check:
    """A tab of its own, one cell written, read back and cleared, the tab deleted: the service account can edit."""
    review = app.review
    name = _("write: review spreadsheet (tab {tab})").format(tab=repr(SCRATCH_TAB))
    sheet_id: int | None = None
    written = f"MyMeIn doctor {stamp}"
    cell = f"{quote_sheet(SCRATCH_TAB)}!A1"
    try:
        # One left by an interrupted earlier run is ours by its name: used, and deleted with this one.
        sheet_id = next((sid for sid, title in review.tabs() if title == SCRATCH_TAB), None)
        if sheet_id is None:
            sheet_id = review.add_tab(SCRATCH_TAB)
        review.values.update(cell, [[written]])
        read = review.values.get(cell)
        review.values.update(cell, [[""]])
        review.delete_tab(sheet_id)
        sheet_id = None
    except GoogleApiError as exc:
        fix = share_fix(app, app.settings.review.spreadsheet_id, "Editor")
        if sheet_id is not None:
            fix += _cleanup(lambda: review.delete_tab(sheet_id), f"; then delete the tab {SCRATCH_TAB!r} by hand")
        return Check(name, False, google_said(exc), fix)
    if read != [[written]]:
        return Check(name, False, f"the cell read back {read!r}, not {written!r}", "run `mymein doctor --write` again")
    return Check(name, True, _("a tab made, a cell written, read back and cleared, the tab deleted"))


def _write_blog(app: App, stamp: str) -> Check:
    """A draft made and deleted: the token may post to the blog. A draft is never seen by readers."""
    name = _("write: blog (a draft made and deleted)")
    html = f"<p>Uji tulis oleh <code>mymein doctor --write</code>, {stamp}. Draf ini dihapus seketika.</p>"
    post_id: str | None = None
    try:
        post_id = app.publisher.insert(DRAFT_TITLE, html, [], draft=True).post_id
        app.publisher.delete(post_id)
    except GoogleApiError as exc:
        blog = app.settings.blogger.blog_id
        fix = f"sign in with `mymein auth` as an owner or admin of blog {blog} (check blogger.blog_id)"
        if post_id is not None:
            fix = f"delete the draft {DRAFT_TITLE!r} (post {post_id}) in Blogger, then run the doctor again"
        elif exc.outcome_unknown:
            fix = f"look in Blogger's drafts for {DRAFT_TITLE!r} and delete it; then " + fix
        return Check(name, False, google_said(exc), fix)
    return Check(name, True, _("draft {id} made and deleted; nothing was published").format(id=post_id))


def _write_photo(app: App, photo: str | None) -> Check:
    """A photo the form uploaded, shared with anyone who has the link and made private again: the service
    account may share what the cycle will share. Only a photo the cycle itself would share is used, and never
    one shared already (a published story's photo stays as it is)."""
    name = _("write: Drive (a photo shared and made private again)")
    try:
        found = _photo_to_try(app, photo)
    except ValueError as exc:
        return Check(
            name, False, localized(exc), "pass --photo with a Drive file id or link (drive.google.com/open?id=...)"
        )
    except GoogleApiError as exc:
        return Check(name, False, google_said(exc), "enable the Drive API for the project")
    if isinstance(found, Check):
        return found
    file_id, label = found
    shared = False
    try:
        app.photos.share(file_id)
        shared = True
        app.photos.unshare(file_id)
        shared = app.photos.is_public(file_id)
    except GoogleApiError as exc:
        fix = (
            f"share the form's upload folder with {service_account(app)} as Editor: sharing a photo needs it "
            "(a Viewer can only read)"
        )
        if shared:
            undo = _cleanup(lambda: app.photos.unshare(file_id), "")
            fix += undo or f"; {label} is still shared with anyone who has the link: set it to Restricted in Drive"
        return Check(name, False, google_said(exc), fix)
    if shared:
        return Check(name, False, f"{label} is still shared after unsharing", "set it to Restricted in Drive")
    return Check(
        name, True, _("{photo} shared with anyone who has the link and made private again").format(photo=label)
    )


def _photo_to_try(app: App, photo: str | None) -> tuple[str, str] | Check:
    """(file id, how to name it) of the photo to share and take back, or the Check saying why there is none."""
    name = _("write: Drive (a photo shared and made private again)")
    later = (
        "pass --photo with a photo from the form's upload folder that is not shared yet, or send a test story "
        "with a photo through the form"
    )
    if photo is not None:
        file_id = drive_file_id(photo)
        if file_id is None:
            raise ValueError(f"--photo {photo!r} is neither a Drive file id nor a Drive link")
        candidates: Iterable[tuple[str, str]] = [(file_id, "")]
    elif app.settings.photos.upload_folders:
        candidates = itertools.islice(app.photos.images_in(app.settings.photos.upload_folders), PHOTO_CANDIDATES)
    else:
        detail = "no photo to try: photos.upload_folders is empty"
        return Check(name, True, detail, "pass --photo FILE_ID, or list the form's upload folder", warning=True)
    shared_already = ""
    for file_id, file_name in candidates:
        label = f"{file_name!r} ({file_id})" if file_name else file_id
        refused = photo_access.refusal(app, file_id)
        if refused and photo is not None:
            return Check(name, False, f"{file_id}: {refused}", later)
        if refused:
            continue  # too large, say: the cycle would not share it either
        if app.ledger.sharers(file_id) or app.photos.is_public(file_id):
            shared_already = label
            continue
        return file_id, label
    if shared_already:
        detail = f"{shared_already} is already shared with anyone who has the link: left as it was, nothing tried"
        return Check(name, True, detail, later, warning=True)
    return Check(name, True, "no photo to try: none in photos.upload_folders yet", later, warning=True)


def _write_mail(app: App, to: str, stamp: str) -> Check:
    """One e-mail through the notices' transport: the server or Gmail takes a message from this sender."""
    notices = app.settings.notices
    name = _("write: e-mail to {address}").format(address=to)
    assert app.mailer is not None
    try:
        with app.mailer.connection() as connection:
            connection.send(to, MAIL_SUBJECT, MAIL_BODY.format(stamp=stamp), reference=f"doctor.{stamp}")
    except MailUncertain as exc:
        return Check(
            name, False, localized(exc), f"the server's answer was lost: look for {MAIL_SUBJECT!r} in {to}'s inbox"
        )
    except (MailRefused, MailUnavailable, OSError) as exc:
        if notices.transport == "gmail":
            fix = "run `mymein auth` again (the token needs the Gmail send permission); check notices.sender"
        else:
            fix = "check notices.sender, smtp_host, smtp_port, starttls, username and password_file"
        return Check(name, False, localized(exc), fix)
    via = "Gmail" if notices.transport == "gmail" else f"{notices.smtp_host}:{notices.smtp_port}"
    sent = _("sent through {via} from {sender}: look for {subject} there")
    return Check(name, True, sent.format(via=via, sender=notices.sender, subject=repr(MAIL_SUBJECT)))


def _cleanup(undo: Callable[[], None], otherwise: str) -> str:
    """Try to take back what a failed step left; '' when that worked, else `otherwise`."""
    try:
        undo()
    except GoogleApiError:
        return otherwise
    return ""


def google_said(exc: GoogleApiError) -> str:
    return _("Google answered {status}: {message}").format(status=exc.status, message=exc.message)


def share_fix(app: App, spreadsheet_id: str, role: str = "Viewer") -> str:
    """Spreadsheets the pipeline only reads (forms' responses) need Viewer; the review spreadsheet, Editor."""
    fix = _("check the id, and share spreadsheet {id} with {account} as {role}")
    return fix.format(id=spreadsheet_id, account=service_account(app), role=role)


def service_account(app: App) -> str:
    path = app.settings.google.service_account_file
    who = "the service account"
    if path is not None:
        with contextlib.suppress(OSError, ValueError):
            who = str(json.loads(path.read_text(encoding="utf-8")).get("client_email", who))
    return who
