"""config.yaml -> validated settings. The only module that reads the file; errors name the key and the fix.

The sections (`google:`, `form:`, `review:`, ...) are in `config_sections.py`; here they are put together, with
the channels, and read from the file.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from .config_sections import (
    DEFAULT_FORM_COLUMNS,
    BloggerSettings,
    CommentSettings,
    ComplaintSettings,
    DuplicateSettings,
    FormSettings,
    GoogleSettings,
    KimDirectorySettings,
    NoticeSettings,
    PhotoSettings,
    RegionSettings,
    RegistrationSettings,
    RegistrySettings,
    ReportSettings,
    ReviewSettings,
    ScheduleSettings,
    Section,
    SocialSettings,
    time_zone,
    with_share_column,
)
from .core.errors import ConfigurationError
from .i18n import Text

__all__ = [
    "CONFIG_ENV",
    "DEFAULT_CHANNEL",
    "DEFAULT_CONFIG",
    "DEFAULT_FORM_COLUMNS",
    "BloggerSettings",
    "ChannelSettings",
    "CommentSettings",
    "ComplaintSettings",
    "ConfigError",
    "DuplicateSettings",
    "FormSettings",
    "GoogleSettings",
    "KimDirectorySettings",
    "NoticeSettings",
    "PhotoSettings",
    "RegionSettings",
    "RegistrationSettings",
    "RegistrySettings",
    "ReportSettings",
    "ReviewSettings",
    "ScheduleSettings",
    "Settings",
    "SocialSettings",
    "config_path",
    "load_settings",
]

CONFIG_ENV = "MYMEIN_CONFIG"
DEFAULT_CONFIG = Path("config.yaml")


class ConfigError(ConfigurationError):
    """The configuration cannot be used; the message says which key or file, and how to fix it."""


DEFAULT_CHANNEL = "default"


class ChannelSettings(Section):
    """Another regency served by the same worker: its own form, review sheet and blog (and ledger)."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    form: FormSettings
    review: ReviewSettings
    blogger: BloggerSettings
    report_title: str | None = None


class Settings(Section):
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
    kim_directory: KimDirectorySettings = Field(default_factory=KimDirectorySettings)
    social: SocialSettings = Field(default_factory=SocialSettings)
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
            raise ConfigError(Text("no channel {name} in the config (channels: {known})", name=repr(name), known=known))
        return self.model_copy(
            update={
                "form": found.form,
                "review": found.review.model_copy(
                    update={"headers": with_share_column(found.review.headers, self.social.enabled)}
                ),
                "blogger": found.blogger,
                "state_dir": self.state_dir / "channels" / found.name,
                "schedule": self.schedule.model_copy(update={"heartbeat_file": None}),
                "report": self.report.model_copy(
                    update={"title": found.report_title or self.report.title, "directory": None}
                ),
                # KIM registration numbers and complaints belong to one regency's forms: the default channel's.
                "registration": RegistrationSettings(),
                "complaints": ComplaintSettings(),
                "kim_directory": KimDirectorySettings(),
            }
        )

    @model_validator(mode="after")
    def _share_column(self) -> Settings:
        self.review.headers = with_share_column(self.review.headers, self.social.enabled)
        return self

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
        return time_zone(value, "Asia/Makassar")

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
        raise ConfigError(
            Text("config file {path} not found: copy the example config.yaml and fill in the ids", path=path)
        )
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(Text("{path} is not valid YAML: {error}", path=path, error=exc)) from exc
    if not isinstance(raw, dict):
        raise ConfigError(
            Text("{path} must hold a mapping of keys (google:, form:, review:, blogger:, ...)", path=path)
        )
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as exc:
        problems = _describe(exc)
        if len(problems) == 1:
            raise ConfigError(f"{path}: {problems[0]}") from exc
        listed = "\n".join(f"  - {p}" for p in problems)
        raise ConfigError(Text("{path} has invalid settings:\n{problems}", path=path, problems=listed)) from exc
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
            "social": _social_paths(settings, absolute),
        }
    )


def _social_paths(settings: Settings, absolute: Callable[[Path | None], Path | None]) -> SocialSettings:
    social = settings.social
    update: dict[str, Any] = {}
    for name in ("facebook", "telegram"):
        channel = getattr(social, name)
        if channel is not None:
            update[name] = channel.model_copy(update={"token_file": absolute(channel.token_file)})
    return social.model_copy(update=update)
