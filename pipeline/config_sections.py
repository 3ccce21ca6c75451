"""The sections of config.yaml (`google:`, `form:`, `review:`, ...), each a pydantic model whose validators name
the key and the fix. `pipeline/config.py` puts them together into `Settings` and reads the file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .core.addresses import one_address
from .core.form_roles import EMAIL_HEADERS, TIMESTAMP_HEADERS
from .core.model import Mode
from .core.review import DEFAULT_HEADERS, OPTIONAL_HEADERS, SOCIAL_HEADERS

# The timestamp and e-mail columns are always also found under the names Forms gives them (core.form_roles).
DEFAULT_FORM_COLUMNS: dict[str, list[str]] = {
    "timestamp": list(TIMESTAMP_HEADERS),
    "email": list(EMAIL_HEADERS),
    "kecamatan": ["Kecamatan"],
    "desa": ["Desa"],
    "operator": ["Nama Operator KIM"],
    "title": ["Judul Berita"],
    "body": ["Isi Berita"],
    "photos": ["Foto Berita"],
}


class Section(BaseModel):
    """A section of config.yaml: an unknown key is an error, so that a typo is never silently ignored."""

    model_config = ConfigDict(extra="forbid")


class GoogleSettings(Section):
    endpoint: str | None = None
    service_account_file: Path | None = None
    oauth_token_file: Path | None = None
    request_timeout_seconds: float = 60.0
    retry_budget_seconds: float = Field(default=90.0, ge=0)

    @field_validator("endpoint")
    @classmethod
    def _endpoint(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be a URL such as http://127.0.0.1:8765, or left out to reach Google")
        return value.rstrip("/")


class FormSettings(Section):
    spreadsheet_id: str = Field(min_length=1)
    worksheet: str | None = None
    columns: dict[str, list[str]] = Field(default_factory=lambda: {k: list(v) for k, v in DEFAULT_FORM_COLUMNS.items()})

    @field_validator("columns")
    @classmethod
    def _columns(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = set(value) - set(DEFAULT_FORM_COLUMNS)
        if unknown:
            raise ValueError(f"unknown fields {sorted(unknown)}; known: {sorted(DEFAULT_FORM_COLUMNS)}")
        return {**DEFAULT_FORM_COLUMNS, **value}


class ReviewSettings(Section):
    spreadsheet_id: str = Field(min_length=1)
    worksheet: str = "Berita"
    default_mode: Mode = Mode.LIVE
    headers: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_HEADERS))
    archive_after_days: int = Field(default=30, ge=0)
    archive_worksheet: str = Field(default="Arsip", min_length=1)
    # Before a row is published: the officer ticks `Cek fakta` once the facts are verified (Catatan may name
    # the source, e.g. the police), and with approvals: 2 the head of division ticks `Setujui Kabid`.
    require_fact_check: bool = False
    approvals: int = Field(default=1, ge=1, le=2)
    summary_worksheet: str = Field(default="Rekap", min_length=1)
    operator_worksheet: str = Field(default="Operator", min_length=1)

    @field_validator("default_mode", mode="before")
    @classmethod
    def _mode(cls, value: Any) -> Any:
        if isinstance(value, str):
            for mode in Mode:
                if mode.value.casefold() == value.strip().casefold():
                    return mode
            raise ValueError(f"must be one of {', '.join(m.value for m in Mode)}")
        return value

    @field_validator("headers")
    @classmethod
    def _headers(cls, value: dict[str, str]) -> dict[str, str]:
        known = {**DEFAULT_HEADERS, **OPTIONAL_HEADERS, **SOCIAL_HEADERS}
        unknown = set(value) - set(known)
        if unknown:
            raise ValueError(f"unknown columns {sorted(unknown)}; known: {sorted(known)}")
        return {**DEFAULT_HEADERS, **{k: v for k, v in value.items() if k in DEFAULT_HEADERS}} | {
            k: v for k, v in value.items() if k in OPTIONAL_HEADERS or k in SOCIAL_HEADERS
        }

    @model_validator(mode="after")
    def _optional_columns(self) -> ReviewSettings:
        """The columns in use: the optional checkboxes, when switched on, right after `Tolak`."""
        wanted = {"fact_check": self.require_fact_check, "approve_head": self.approvals == 2}
        names = {role: self.headers.get(role, default) for role, default in OPTIONAL_HEADERS.items()}
        columns: dict[str, str] = {}
        for role, name in self.headers.items():
            if role in OPTIONAL_HEADERS:
                continue
            columns[role] = name
            if role == "reject":
                columns.update({r: names[r] for r in OPTIONAL_HEADERS if wanted[r]})
        self.headers = columns
        return self


def time_zone(value: str, example: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"is not an IANA time zone name such as {example}") from exc
    return value


class BloggerSettings(Section):
    blog_id: str = Field(min_length=1)
    image_url: str = "https://lh3.googleusercontent.com/d/{file_id}=w1600"
    daily_post_limit: int = Field(default=50, ge=1)
    quota_timezone: str = "America/Los_Angeles"
    # While drafts or scheduled posts wait, how often to ask the blog which posts are not live (went_live.py).
    state_check_seconds: float = Field(default=300.0, ge=0)

    @field_validator("quota_timezone")
    @classmethod
    def _quota_timezone(cls, value: str) -> str:
        return time_zone(value, "America/Los_Angeles")

    @field_validator("blog_id", mode="before")
    @classmethod
    def _blog_id(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @field_validator("image_url")
    @classmethod
    def _image_url(cls, value: str) -> str:
        if "{file_id}" not in value:
            raise ValueError("must contain {file_id}, e.g. https://lh3.googleusercontent.com/d/{file_id}=w1600")
        return value


# A folder's id as it appears in its address: drive.google.com/drive/folders/<ID> (u/0/ after drive/ when
# several accounts are signed in).
_FOLDER_ID = re.compile(r"[A-Za-z0-9_-]{10,}")
_FOLDER_LINK = re.compile(r"https?://drive\.google\.com/drive/(?:u/\d+/)?folders/([A-Za-z0-9_-]{10,})(?:[?#].*)?")


class PhotoSettings(Section):
    max_megabytes: float = Field(default=10.0, gt=0)
    # The form's upload folders (Drive folder ids or links). Set, only files in one of them, or in a folder
    # right inside one, are ever shared; empty, any image the service account can read is (doctor warns).
    upload_folders: list[str] = Field(default_factory=list)

    @field_validator("upload_folders", mode="before")
    @classmethod
    def _upload_folders(cls, value: Any) -> Any:
        if value is None:
            return []
        if not isinstance(value, list):
            return value
        folders: list[str] = []
        for entry in value:
            text = str(entry).strip()
            link = _FOLDER_LINK.fullmatch(text)
            folder = link.group(1) if link else text
            if not _FOLDER_ID.fullmatch(folder):
                raise ValueError(
                    f"{text!r} is not a Drive folder id or folder link; photos.upload_folders takes the folder id "
                    "from the folder's address (drive.google.com/drive/folders/<ID>)"
                )
            folders.append(folder)
        return folders

    @property
    def max_bytes(self) -> int:
        return int(self.max_megabytes * 1_000_000)


class ScheduleSettings(Section):
    interval_seconds: float = Field(default=60.0, gt=0)
    # The read gate (cycle/gate.py): a cycle first asks Drive whether the form and review spreadsheets changed
    # and skips reading them when not; at least this often they are read whole anyway, which bounds Drive's
    # delay in showing an edit. 0: no gate, every cycle reads (as before).
    full_read_seconds: float = Field(default=300.0, ge=0)
    # At most about this many new form responses are ingested, and this many rows archived, in one cycle; the
    # rest follow in the next cycles, so a huge first ingest or first archiving keeps memory bounded; a review
    # tab longer than this is walked in windows of this many rows (`cycle/windows.py`). 0: all, read whole.
    rows_per_cycle: int = Field(default=5000, ge=0)
    heartbeat_file: Path | None = None
    # `mymein run` also makes last month's monev report on the 1st and last week's bulletin on Monday, with
    # the first cycle after reports_at (local time).
    monthly_report: bool = True
    weekly_bulletin: bool = False
    # The Monday bulletin is also e-mailed (PDF attached, once each, through the notices' outbox) to every
    # e-mail address of the review spreadsheet's Operator tab, when notices are on.
    mail_bulletin: bool = True
    reports_at: str = "06:00"

    @field_validator("reports_at")
    @classmethod
    def _reports_at(cls, value: str) -> str:
        hour, _, minute = value.partition(":")
        if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
            raise ValueError("must be a local time such as 06:00")
        return f"{int(hour):02d}:{int(minute):02d}"


class DuplicateSettings(Section):
    # A submission whose title or body is near-identical to one from the same operator or village within
    # this many days is queued as `Duplikat` (0: only exact repeats, at any distance in time).
    window_days: float = Field(default=7.0, ge=0)
    similarity: float = Field(default=0.9, ge=0.5, le=1.0)


class NoticeSettings(Section):
    # E-mails to operators (published with the link, rejected with the reason, needing a fix) and a daily
    # reminder to officers. Off until a mail server is configured.
    enabled: bool = False
    transport: Literal["smtp", "gmail"] = "smtp"  # gmail: the Gmail API, as the account of `mymein auth`
    sender: str = ""
    reply_to: str | None = None
    smtp_host: str = "localhost"
    smtp_port: int = Field(default=587, ge=1, le=65535)
    starttls: bool = True
    username: str | None = None
    password_file: Path | None = None
    officers: list[str] = Field(default_factory=list)
    remind_after_hours: float = Field(default=24.0, gt=0)
    reminder_time: str = "08:00"

    @field_validator("officers")
    @classmethod
    def _officers(cls, value: list[str]) -> list[str]:
        # Each entry gets its own reminder: a list typed as one string would send one e-mail to several people.
        wrong = [entry for entry in value if one_address(entry) is None]
        if wrong:
            raise ValueError(f"each entry must be one e-mail address (name@domain.tld); not: {', '.join(wrong)}")
        return [entry.strip() for entry in value]

    @field_validator("reminder_time")
    @classmethod
    def _reminder_time(cls, value: str) -> str:
        hour, _, minute = value.partition(":")
        if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
            raise ValueError("must be a local time such as 08:00")
        return f"{int(hour):02d}:{int(minute):02d}"

    @model_validator(mode="after")
    def _sender_when_enabled(self) -> NoticeSettings:
        if self.enabled and "@" not in self.sender:
            raise ValueError("notices.sender must be an e-mail address when notices.enabled is true")
        return self


class RegistrySettings(Section):
    # With enforce, a story from an e-mail not in the review spreadsheet's Operator tab, or about another
    # village than the one its operator is registered for, is held as `Perlu perbaikan` until it is.
    enforce: bool = False


class ReportSettings(Section):
    # `mymein report`: where the HTML and PDF go, the title on them, and after how many days without a
    # submission a KIM counts as inactive.
    directory: Path | None = None  # default: STATE_DIR/reports, which the service may write
    title: str = "Portal Berita KIM"
    inactive_days: int = Field(default=30, ge=1)


class CommentSettings(Section):
    # Readers' comments on our posts land in the review spreadsheet's Tanggapan tab, once each; Blogger is
    # asked at most every check_seconds (one call).
    enabled: bool = False
    worksheet: str = Field(default="Tanggapan", min_length=1)
    check_seconds: float = Field(default=600.0, ge=0)


class RegistrationSettings(Section):
    # KIM registration: the registration form's responses spreadsheet; each valid application gets a number
    # (`number_pattern` with {region} and {seq}), a row in the Operator tab and an e-mail (notices).
    enabled: bool = False
    spreadsheet_id: str = ""
    worksheet: str = "Form Responses 1"
    region_code: str = "6311"  # Kabupaten Balangan
    number_pattern: str = "KIM-{region}-{seq:04d}"
    allow_second_kim: bool = False
    check_seconds: float = Field(default=600.0, ge=0)

    @model_validator(mode="after")
    def _spreadsheet_when_enabled(self) -> RegistrationSettings:
        if self.enabled and not self.spreadsheet_id:
            raise ValueError("registration.spreadsheet_id is required when registration.enabled is true")
        try:
            self.number_pattern.format(region=self.region_code, seq=1)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"registration.number_pattern may use only {{region}} and {{seq}} ({exc})") from exc
        return self


class ComplaintSettings(Section):
    # Complaints (pengaduan) from citizens, sent through the KIM with the complaint form: each gets a code
    # (PG-YYYYMMDD-NNNN) and a row on the review spreadsheet's Pengaduan tab; an officer picks the department
    # (SKPD tab: name, e-mail), the pipeline forwards it by e-mail, reminds a department that has not answered
    # within remind_after_hours, and sends the complainant the answer the officer records. Never published.
    enabled: bool = False
    spreadsheet_id: str = ""
    worksheet: str = "Form Responses 1"
    tab: str = Field(default="Pengaduan", min_length=1)
    departments_tab: str = Field(default="SKPD", min_length=1)
    check_seconds: float = Field(default=300.0, ge=0)
    remind_after_hours: float = Field(default=72.0, gt=0)
    # Closed complaints move to archive_tab this many days later (0: never), so the tab each cycle reads
    # stays short.
    archive_after_days: int = Field(default=30, ge=0)
    archive_tab: str = Field(default="Arsip Pengaduan", min_length=1)

    @model_validator(mode="after")
    def _spreadsheet_when_enabled(self) -> ComplaintSettings:
        if self.enabled and not self.spreadsheet_id:
            raise ValueError("complaints.spreadsheet_id is required when complaints.enabled is true")
        return self


class KimDirectorySettings(Section):
    # The public KIM directory: a page on the blog listing every KIM of the review spreadsheet's Operator tab
    # per kecamatan (number, village, social media) with its stories of the last `recent_days` days. Looked at
    # every check_seconds and just after a KIM is added; the page is changed only when what it shows changed.
    enabled: bool = False
    title: str = Field(default="Direktori KIM", min_length=1, max_length=100)
    recent_days: int = Field(default=30, ge=1, le=365)
    check_seconds: float = Field(default=3600.0, ge=0)


class RegionSettings(Section):
    file: Path | None = None


class FacebookShareSettings(Section):
    # A Facebook Page the regency's stories are posted to, with a long-lived page access token in a file (0600).
    page_id: str = Field(pattern=r"^[0-9]+$")
    token_file: Path
    graph_version: str = Field(default="v21.0", pattern=r"^v[0-9]{1,2}\.0$")


class TelegramShareSettings(Section):
    # A Telegram channel (`@name` or its numeric id) and the token of a bot that is an admin of it, in a file.
    chat: str = Field(pattern=r"^(@[A-Za-z][A-Za-z0-9_]{3,31}|-?[0-9]+)$")
    token_file: Path


class SocialSettings(Section):
    # Each published story shared once to the Facebook Page and the Telegram channel; off until one is given.
    endpoint: str | None = None  # leave out for the real services; a sandbox URL to rehearse
    default_share: bool = True  # the `Sebar` box of a new row, and of rows on a sheet without that column
    facebook: FacebookShareSettings | None = None
    telegram: TelegramShareSettings | None = None

    @property
    def enabled(self) -> bool:
        return self.facebook is not None or self.telegram is not None


def with_share_column(headers: dict[str, str], enabled: bool) -> dict[str, str]:
    """The review columns with `Sebar` while social sharing is on (after the officer's other checkboxes), and
    without it while off."""
    name = headers.get("share", SOCIAL_HEADERS["share"])
    columns = {role: header for role, header in headers.items() if role != "share"}
    if not enabled:
        return columns
    placed: dict[str, str] = {}
    last_box = max(i for i, role in enumerate(columns) if role in ("reject", *OPTIONAL_HEADERS))
    for index, (role, header) in enumerate(columns.items()):
        placed[role] = header
        if index == last_box:
            placed["share"] = name
    return placed
