"""config.yaml -> validated settings. The only module that reads the file; errors name the key and the fix."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .core.errors import ConfigurationError
from .core.form_roles import EMAIL_HEADERS, TIMESTAMP_HEADERS
from .core.model import Mode
from .core.review import DEFAULT_HEADERS, OPTIONAL_HEADERS

CONFIG_ENV = "MYMEIN_CONFIG"
DEFAULT_CONFIG = Path("config.yaml")

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


class ConfigError(ConfigurationError):
    """The configuration cannot be used; the message says which key or file, and how to fix it."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GoogleSettings(_Section):
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


class FormSettings(_Section):
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


class ReviewSettings(_Section):
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
        known = {**DEFAULT_HEADERS, **OPTIONAL_HEADERS}
        unknown = set(value) - set(known)
        if unknown:
            raise ValueError(f"unknown columns {sorted(unknown)}; known: {sorted(known)}")
        return {**DEFAULT_HEADERS, **{k: v for k, v in value.items() if k in DEFAULT_HEADERS}} | {
            k: v for k, v in value.items() if k in OPTIONAL_HEADERS
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


def _time_zone(value: str, example: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"is not an IANA time zone name such as {example}") from exc
    return value


class BloggerSettings(_Section):
    blog_id: str = Field(min_length=1)
    image_url: str = "https://lh3.googleusercontent.com/d/{file_id}=w1600"
    daily_post_limit: int = Field(default=50, ge=1)
    quota_timezone: str = "America/Los_Angeles"
    # While drafts or scheduled posts wait, how often to ask the blog which posts are not live (went_live.py).
    state_check_seconds: float = Field(default=300.0, ge=0)

    @field_validator("quota_timezone")
    @classmethod
    def _quota_timezone(cls, value: str) -> str:
        return _time_zone(value, "America/Los_Angeles")

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


class PhotoSettings(_Section):
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


class ScheduleSettings(_Section):
    interval_seconds: float = Field(default=60.0, gt=0)
    heartbeat_file: Path | None = None
    # `mymein run` also makes last month's monev report on the 1st and last week's bulletin on Monday, with
    # the first cycle after reports_at (local time).
    monthly_report: bool = True
    weekly_bulletin: bool = False
    reports_at: str = "06:00"

    @field_validator("reports_at")
    @classmethod
    def _reports_at(cls, value: str) -> str:
        hour, _, minute = value.partition(":")
        if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
            raise ValueError("must be a local time such as 06:00")
        return f"{int(hour):02d}:{int(minute):02d}"


class DuplicateSettings(_Section):
    # A submission whose title or body is near-identical to one from the same operator or village within
    # this many days is queued as `Duplikat` (0: only exact repeats, at any distance in time).
    window_days: float = Field(default=7.0, ge=0)
    similarity: float = Field(default=0.9, ge=0.5, le=1.0)


class NoticeSettings(_Section):
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


class RegistrySettings(_Section):
    # With enforce, a story from an e-mail not in the review spreadsheet's Operator tab, or about another
    # village than the one its operator is registered for, is held as `Perlu perbaikan` until it is.
    enforce: bool = False


class ReportSettings(_Section):
    # `mymein report`: where the HTML and PDF go, the title on them, and after how many days without a
    # submission a KIM counts as inactive.
    directory: Path | None = None  # default: STATE_DIR/reports, which the service may write
    title: str = "Portal Berita KIM"
    inactive_days: int = Field(default=30, ge=1)


class CommentSettings(_Section):
    # Readers' comments on our posts land in the review spreadsheet's Tanggapan tab, once each; Blogger is
    # asked at most every check_seconds (one call).
    enabled: bool = False
    worksheet: str = Field(default="Tanggapan", min_length=1)
    check_seconds: float = Field(default=600.0, ge=0)


class RegistrationSettings(_Section):
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


class ComplaintSettings(_Section):
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


class RegionSettings(_Section):
    file: Path | None = None


DEFAULT_CHANNEL = "default"


class ChannelSettings(_Section):
    """Another regency served by the same worker: its own form, review sheet and blog (and ledger)."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    form: FormSettings
    review: ReviewSettings
    blogger: BloggerSettings
    report_title: str | None = None


class Settings(_Section):
    timezone: str = "Asia/Makassar"
    state_dir: Path = Path("state")
    templates_dir: Path | None = None
    google: GoogleSettings = Field(default_factory=GoogleSettings)
    form: FormSettings
    review: ReviewSettings
    blogger: BloggerSettings
    regions: RegionSettings = Field(default_factory=RegionSettings)
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)
    photos: PhotoSettings = Field(default_factory=PhotoSettings)
    duplicates: DuplicateSettings = Field(default_factory=DuplicateSettings)
    notices: NoticeSettings = Field(default_factory=NoticeSettings)
    registry: RegistrySettings = Field(default_factory=RegistrySettings)
    report: ReportSettings = Field(default_factory=ReportSettings)
    comments: CommentSettings = Field(default_factory=CommentSettings)
    registration: RegistrationSettings = Field(default_factory=RegistrationSettings)
    complaints: ComplaintSettings = Field(default_factory=ComplaintSettings)
    channels: list[ChannelSettings] = Field(default_factory=list)

    @field_validator("channels")
    @classmethod
    def _channel_names(cls, value: list[ChannelSettings]) -> list[ChannelSettings]:
        names = [c.name for c in value]
        if DEFAULT_CHANNEL in names or len(set(names)) != len(names):
            raise ValueError(f"channel names must be unique and not {DEFAULT_CHANNEL!r}")
        return value

    def channel(self, name: str | None) -> Settings:
        """The settings of one channel: the top-level keys for `default`, else the channel's form, review
        sheet and blog with everything else shared, and its own state under STATE_DIR/channels/NAME."""
        if name in (None, DEFAULT_CHANNEL):
            return self
        found = next((c for c in self.channels if c.name == name), None)
        if found is None:
            known = ", ".join([DEFAULT_CHANNEL, *(c.name for c in self.channels)])
            raise ConfigError(f"no channel {name!r} in the config (channels: {known})")
        return self.model_copy(
            update={
                "form": found.form,
                "review": found.review,
                "blogger": found.blogger,
                "state_dir": self.state_dir / "channels" / found.name,
                "schedule": self.schedule.model_copy(update={"heartbeat_file": None}),
                "report": self.report.model_copy(
                    update={"title": found.report_title or self.report.title, "directory": None}
                ),
                # KIM registration numbers and complaints belong to one regency's forms: the default channel's.
                "registration": RegistrationSettings(),
                "complaints": ComplaintSettings(),
            }
        )

    @model_validator(mode="after")
    def _complaints_need_mail(self) -> Settings:
        if self.complaints.enabled and not self.notices.enabled:
            raise ValueError(
                "complaints.enabled needs notices.enabled: complaints are forwarded to departments by e-mail"
            )
        return self

    @property
    def channel_names(self) -> list[str]:
        return [DEFAULT_CHANNEL, *(c.name for c in self.channels)]

    @model_validator(mode="before")
    @classmethod
    def _empty_sections(cls, data: Any) -> Any:
        # A section holding only comments reads as null: treat it as "all defaults".
        if isinstance(data, dict):
            return {
                k: ({} if v is None and k in ("google", "regions", "schedule", "photos") else v)
                for k, v in data.items()
            }
        return data

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        return _time_zone(value, "Asia/Makassar")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def reports_dir(self) -> Path:
        """Where reports and bulletins go: `report.directory`, else STATE_DIR/reports (writable by the service)."""
        return self.report.directory or self.state_dir / "reports"

    @property
    def heartbeat_path(self) -> Path:
        return self.schedule.heartbeat_file or self.state_dir / "heartbeat"


def config_path(explicit: str | os.PathLike[str] | None) -> Path:
    if explicit:
        return Path(explicit)
    env = os.environ.get(CONFIG_ENV)
    return Path(env) if env else DEFAULT_CONFIG


def load_settings(path: Path) -> Settings:
    """Read and validate `path`; relative paths inside it are taken from the file's own folder."""
    if not path.exists():
        raise ConfigError(f"config file {path} not found: copy the example config.yaml and fill in the ids")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path} must hold a mapping of keys (google:, form:, review:, blogger:, ...)")
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as exc:
        problems = _describe(exc)
        if len(problems) == 1:
            raise ConfigError(f"{path}: {problems[0]}") from exc
        raise ConfigError(f"{path} has invalid settings:\n" + "\n".join(f"  - {p}" for p in problems)) from exc
    return _resolve_paths(settings, path.parent)


# A section left empty in YAML is None: say which keys belong under it, not pydantic's "valid dictionary".
_SECTION_KEYS = {
    "blogger": "blogger.blog_id",
    "form": "form.spreadsheet_id",
    "review": "review.spreadsheet_id",
    "google": "google.service_account_file and google.oauth_token_file",
}


def _describe(exc: ValidationError) -> list[str]:
    """Each problem as `key: what is wrong`, naming the key as config.yaml spells it."""
    lines = []
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"])
        message = "is required" if error["type"] == "missing" else error["msg"]
        if error["type"] == "extra_forbidden":
            message = "is not a known key (check its spelling and indentation)"
        if error["type"] in ("model_type", "dict_type") and error.get("input") is None:
            needed = _SECTION_KEYS.get(key, f"the keys of {key}")
            message = f"is empty: give {needed} under it (indented), as the example config.yaml does"
        if error["type"] == "missing" and "." in key:
            message = f"is required: set {key} in config.yaml"
        lines.append(f"{key}: {message}")
    return lines


def _resolve_paths(settings: Settings, base: Path) -> Settings:
    def absolute(p: Path | None) -> Path | None:
        return None if p is None else (p if p.is_absolute() else (base / p).resolve())

    google = settings.google.model_copy(
        update={
            "service_account_file": absolute(settings.google.service_account_file),
            "oauth_token_file": absolute(settings.google.oauth_token_file),
        }
    )
    return settings.model_copy(
        update={
            "state_dir": absolute(settings.state_dir),
            "templates_dir": absolute(settings.templates_dir),
            "google": google,
            "regions": RegionSettings(file=absolute(settings.regions.file)),
            "schedule": settings.schedule.model_copy(
                update={"heartbeat_file": absolute(settings.schedule.heartbeat_file)}
            ),
            "report": settings.report.model_copy(update={"directory": absolute(settings.report.directory)}),
            "notices": settings.notices.model_copy(update={"password_file": absolute(settings.notices.password_file)}),
        }
    )
