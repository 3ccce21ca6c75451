"""build_app(settings): the one place that picks real Google or the sandbox and wires every client."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gspread
import requests
from google.auth.credentials import Credentials
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account
from googleapiclient.discovery import build

from .config import ConfigError, Settings
from .core.regions import RegionDirectory
from .google.blogger import BloggerPublisher
from .google.drive import DrivePhotos
from .google.errors import Resource
from .google.forms import FormsClient
from .google.responses import ResponsesSource
from .google.retry import RetryPolicy
from .google.review_sheet import ReviewSheet
from .google.sheets_values import SheetValues
from .google.trace import FieldTrace
from .google.transport import AdapterWrap, RequestsHttp, authorized_session, chain, mount_wrapped
from .i18n import Text
from .infra.mail import GmailMailer, SmtpMailer
from .infra.private import loose_mode, private_dir
from .infra.regions_file import load_regions
from .infra.social import Channels, FacebookPage, TelegramChannel
from .ledger import LEDGER_FILE, Ledger
from .outputs.render import Renderer

SHEETS_SCOPES = ["https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive"]
BLOGGER_SCOPES = ["https://www.googleapis.com/auth/blogger"]
GMAIL_SEND_SCOPE = "https://www.googleapis.com/auth/gmail.send"
# `mymein init --form` builds the forms as the blog's owner, so that they are in the owner's Drive, to click in.
FORMS_SCOPE = "https://www.googleapis.com/auth/forms.body"


def owner_scopes(settings: Settings) -> list[str]:
    """What the blog owner's token must allow: Blogger, and sending mail when notices go through Gmail."""
    gmail = settings.notices.enabled and settings.notices.transport == "gmail"
    return [*BLOGGER_SCOPES, *([GMAIL_SEND_SCOPE] if gmail else [])]


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class App:
    settings: Settings
    ledger: Ledger
    responses: ResponsesSource
    review: ReviewSheet
    publisher: BloggerPublisher
    photos: DrivePhotos
    renderer: Renderer
    regions: RegionDirectory
    clock: Callable[[], datetime] = _utc_now
    policy: RetryPolicy = field(default_factory=RetryPolicy)
    closers: list[Callable[[], None]] = field(default_factory=list)
    mailer: SmtpMailer | GmailMailer | None = None  # notices.enabled
    registrations: SheetValues | None = None  # the registration form's responses, with registration.enabled
    complaints: SheetValues | None = None  # the complaint form's responses, with complaints.enabled
    social: Channels | None = None  # social.facebook / social.telegram, when either is configured
    forms: FormsClient | None = None  # Google Forms as the blog's owner (`mymein init --form`, doctor)

    def close(self) -> None:
        for close in self.closers:
            close()
        self.ledger.close()


def _refuse_if_readable(key: str, path: Path) -> None:
    """Like ssh with a private key: a secret other users can read is not used, however it got that way."""
    mode = loose_mode(path)
    if mode is not None:
        raise ConfigError(
            Text(
                "{key}: {path} can be read by other users (mode {mode}); refused until you run: chmod 600 {path}",
                key=key,
                path=path,
                mode=format(mode, "o"),
            )
        )


def _service_credentials(settings: Settings) -> Credentials:
    path = settings.google.service_account_file
    if path is not None:
        if not path.exists():
            raise ConfigError(
                Text(
                    "google.service_account_file: {path} does not exist; download the key from Google Cloud", path=path
                )
            )
        _refuse_if_readable("google.service_account_file", path)
        try:
            creds: Credentials = service_account.Credentials.from_service_account_file(str(path), scopes=SHEETS_SCOPES)
        except (ValueError, KeyError) as exc:
            raise ConfigError(f"google.service_account_file: {path} is not a service-account key ({exc})") from exc
        return creds
    if settings.google.endpoint:
        return user_credentials.Credentials(token="sandbox")  # the sandbox accepts any bearer token
    raise ConfigError(
        Text("google.service_account_file is required to reach Google (or set google.endpoint to a sandbox)")
    )


def _blogger_credentials(settings: Settings) -> Credentials:
    path = settings.google.oauth_token_file
    if path is not None:
        if not path.exists():
            raise ConfigError(
                Text("google.oauth_token_file: {path} does not exist; run `mymein auth` to create it", path=path)
            )
        _refuse_if_readable("google.oauth_token_file", path)
        try:
            creds = user_credentials.Credentials.from_authorized_user_file(str(path), owner_scopes(settings))
        except (ValueError, KeyError) as exc:
            raise ConfigError(f"google.oauth_token_file: {path} is not an OAuth token file ({exc})") from exc
        result: Credentials = creds
        return result
    if settings.google.endpoint:
        return user_credentials.Credentials(token="sandbox")
    raise ConfigError(
        Text("google.oauth_token_file is required for Blogger (run `mymein auth`), or set google.endpoint")
    )


def _forms_credentials(settings: Settings) -> Credentials:
    """The owner's token with every scope it was granted (a refresh asking for fewer would narrow it)."""
    path = settings.google.oauth_token_file
    if path is None or not path.exists():
        return _blogger_credentials(settings)
    try:
        creds: Credentials = user_credentials.Credentials.from_authorized_user_file(str(path))
    except (ValueError, KeyError) as exc:
        raise ConfigError(f"google.oauth_token_file: {path} is not an OAuth token file ({exc})") from exc
    return creds


def _discovery_service(name: str, version: str, http: RequestsHttp, settings: Settings, path: str) -> Any:
    options = {"api_endpoint": settings.google.endpoint + path} if settings.google.endpoint else None
    # static_discovery: the documents ship inside googleapiclient, so building a client needs no network.
    return build(name, version, http=http, client_options=options, static_discovery=True, cache_discovery=False)


def build_app(
    settings: Settings,
    adapter: AdapterWrap | None = None,
    *,
    clock: Callable[[], datetime] = _utc_now,
    policy: RetryPolicy | None = None,
    trace: FieldTrace | None = None,
) -> App:
    """The app for `settings`: real Google, or the sandbox at `google.endpoint`.

    The transport seam: `adapter`, given the requests adapter a Google session would use, returns the one to
    mount instead (usually wrapping it); it is mounted on every session the app's Google clients send through
    (gspread's, Blogger's, Drive's, Gmail's, and google-auth's token refreshes). The chaos tests crash there;
    `trace` (`mymein --trace`) records there, inside `adapter`, next to the wire.
    """
    policy = policy or RetryPolicy(cycle_budget=settings.google.retry_budget_seconds)
    wrap = chain(trace.wrap if trace is not None else None, adapter)
    sheets_creds = _service_credentials(settings)
    session = authorized_session(sheets_creds, settings.google.endpoint, wrap)
    gclient = gspread.Client(auth=sheets_creds, session=session)
    gclient.set_timeout(settings.google.request_timeout_seconds)
    timeout = settings.google.request_timeout_seconds
    blogger_creds = _blogger_credentials(settings)
    blogger_http = RequestsHttp(authorized_session(blogger_creds, settings.google.endpoint, wrap), timeout)
    drive_http = RequestsHttp(authorized_session(sheets_creds, settings.google.endpoint, wrap), timeout)
    blogger = _discovery_service("blogger", "v3", blogger_http, settings, "/")
    drive = _discovery_service("drive", "v3", drive_http, settings, "/drive/v3/")
    forms_http = RequestsHttp(authorized_session(_forms_credentials(settings), settings.google.endpoint, wrap), timeout)
    forms = _discovery_service("forms", "v1", forms_http, settings, "/")
    regions = load_regions(settings.regions.file)
    state_dir = private_dir(settings.state_dir)
    account = str(getattr(sheets_creds, "service_account_email", "") or "the service account")

    def sheet(section: str, role: str) -> Resource:
        """A spreadsheet named by its config key, and the sharing it needs, for error lines."""
        names = {
            "form": Text("form responses spreadsheet"),
            "complaints": Text("complaint form spreadsheet"),
            "review": Text("review spreadsheet"),
            "registration": Text("registration spreadsheet"),
        }
        spreadsheet_id = getattr(settings, section).spreadsheet_id
        access = Text("share it with {account} as {role}", account=account, role=role)
        return Resource(names[section], f"{section}.spreadsheet_id", spreadsheet_id, access)

    app = App(
        settings=settings,
        ledger=Ledger(state_dir / LEDGER_FILE, clock=clock),
        responses=ResponsesSource(
            SheetValues(gclient, settings.form.spreadsheet_id, policy, sheet("form", "Viewer")),
            settings.form.worksheet,
            settings.form.columns,
        ),
        review=ReviewSheet(
            SheetValues(gclient, settings.review.spreadsheet_id, policy, sheet("review", "Editor")),
            settings.review.worksheet,
        ),
        publisher=BloggerPublisher(blogger, settings.blogger.blog_id, policy),
        photos=DrivePhotos(drive, policy),
        renderer=Renderer(settings.templates_dir),
        regions=regions,
        clock=clock,
        policy=policy,
        closers=[session.close, blogger.close, drive.close, forms.close],
        mailer=_mailer(settings, blogger_http),
        registrations=(
            SheetValues(gclient, settings.registration.spreadsheet_id, policy, sheet("registration", "Viewer"))
            if settings.registration.enabled
            else None
        ),
        complaints=(
            SheetValues(gclient, settings.complaints.spreadsheet_id, policy, sheet("complaints", "Viewer"))
            if settings.complaints.enabled
            else None
        ),
        forms=FormsClient(forms, policy),
    )
    app.social = _social(settings, adapter, app.closers)
    if trace is not None:
        _trace(app, trace)
    return app


def _social(settings: Settings, adapter: AdapterWrap | None, closers: list[Callable[[], None]]) -> Channels | None:
    """The Facebook Page and the Telegram channel of `social:`, through one requests session of their own (the
    transport seam is mounted on it too, so the chaos tests crash there as well)."""
    social = settings.social
    if not social.enabled:
        return None
    session = requests.Session()
    if adapter is not None:
        mount_wrapped(session, adapter)
    closers.append(session.close)
    timeout = settings.google.request_timeout_seconds
    channels = Channels()
    if social.facebook is not None:
        token = _secret("social.facebook.token_file", social.facebook.token_file, "a Facebook page access token")
        channels.facebook = FacebookPage(
            session,
            social.facebook.page_id,
            token,
            endpoint=social.endpoint,
            version=social.facebook.graph_version,
            timeout=timeout,
        )
    if social.telegram is not None:
        token = _secret("social.telegram.token_file", social.telegram.token_file, "a Telegram bot token")
        channels.telegram = TelegramChannel(
            session, token, social.telegram.chat, endpoint=social.endpoint, timeout=timeout
        )
    return channels


def _secret(key: str, path: Path, what: str) -> str:
    """A token kept in a file readable by the service's user only, like every other credential."""
    if not path.exists():
        raise ConfigError(f"{key}: {path} does not exist; put {what} in it (see docs/deploy.md) and chmod 600 it")
    _refuse_if_readable(key, path)
    try:
        token = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"{key}: cannot read {path} ({exc})") from exc
    if not token or any(c.isspace() for c in token):
        raise ConfigError(f"{key}: {path} must hold {what} alone, on one line")
    return token


def _trace(app: App, trace: FieldTrace) -> None:
    """`mymein --trace DIR`: the sessions record into the trace (the seam, above); each app writes it when closed."""
    if trace.vocabulary is not None:
        trace.keep(trace.vocabulary(app.settings, app.regions))
    trace.attached = True
    app.closers.append(trace.flush)


def _mailer(settings: Settings, owner_http: RequestsHttp) -> SmtpMailer | GmailMailer | None:
    notices = settings.notices
    if not notices.enabled:
        return None
    if notices.transport == "gmail":
        return GmailMailer(_discovery_service("gmail", "v1", owner_http, settings, "/"), notices)
    password = None
    if notices.password_file is not None:
        if notices.password_file.exists():
            _refuse_if_readable("notices.password_file", notices.password_file)
        try:
            password = notices.password_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"notices.password_file: cannot read {notices.password_file} ({exc})") from exc
    return SmtpMailer(notices, password)


def open_ledger(settings: Settings) -> Ledger:
    """The ledger alone, for commands that read history without talking to Google."""
    return Ledger(settings.state_dir / LEDGER_FILE)


def officer_sheets_client(settings: Settings) -> gspread.Client:
    """A gspread client acting as an officer at the review sheet (used by the demo and tests)."""
    creds = _service_credentials(settings)
    return gspread.Client(auth=creds, session=authorized_session(creds, settings.google.endpoint))
