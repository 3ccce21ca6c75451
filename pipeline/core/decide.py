"""What to do with one review row: a pure function of the officer's row and what the ledger says was done."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from enum import StrEnum

from .model import Mode, ReviewRow, Status
from .regions import RegionDirectory
from .registry import Registry
from .sheettime import from_serial
from .validate import DEFAULT_LIMITS, Limits, check_fields


class PostState(StrEnum):
    """Blogger's own post statuses."""

    LIVE = "LIVE"
    DRAFT = "DRAFT"
    SCHEDULED = "SCHEDULED"


MODE_TO_STATE = {Mode.LIVE: PostState.LIVE, Mode.DRAFT: PostState.DRAFT, Mode.SCHEDULED: PostState.SCHEDULED}
STATE_TO_STATUS = {
    PostState.LIVE: Status.PUBLISHED,
    PostState.DRAFT: Status.DRAFT,
    PostState.SCHEDULED: Status.SCHEDULED,
}


@dataclass(frozen=True)
class Record:
    """The part of a ledger entry a decision needs."""

    code: str
    status: Status
    post_id: str | None = None
    post_state: PostState | None = None
    published_hash: str | None = None


class Action(StrEnum):
    NOTHING = "nothing"
    PUBLISH = "publish"  # create the post
    UPDATE = "update"  # change an existing post's content or state
    RETRACT = "retract"  # take a post off the blog (back to draft)
    REJECT = "reject"  # never published; close it
    HOLD = "hold"  # approved, but it cannot go out as it is
    AWAIT = "await"  # approved, but the fact check or the head of division's approval is still missing
    REOPEN = "reopen"  # back to waiting (box unticked, or the officer fixed the text)


@dataclass(frozen=True)
class Decision:
    action: Action
    mode: Mode | None = None
    publish_at: datetime | None = None
    content_hash: str | None = None
    problems: tuple[str, ...] = ()
    waiting_for: Status | None = None  # with AWAIT


NOTHING = Decision(Action.NOTHING)
# The officer's own slip, not the operator's: no notice goes out about it.
SCHEDULE_PROBLEM = "Mode Jadwal dipilih tetapi kolom Jadwal kosong atau tidak terbaca (contoh: 2026-12-01 08:00)."
_SCHEDULE_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H.%M",
    "%Y-%m-%dT%H:%M",
)


def content_hash(row: ReviewRow) -> str:
    """What the public would see changes exactly when this hash does."""
    return text_hash(row.title, row.body, row.kecamatan, row.desa, row.operator, row.photos, row.labels)


def text_hash(
    title: str,
    body: str,
    kecamatan: str,
    desa: str,
    operator: str,
    photos: Sequence[str],
    labels: Sequence[str],
) -> str:
    parts = [title, body, kecamatan, desa, operator, list(photos), list(labels)]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode("utf-8")).hexdigest()[:32]


AWAITING = (Status.WAITING_FACT_CHECK, Status.WAITING_HEAD)


def _missing_checks(row: ReviewRow, require_fact_check: bool, approvals: int) -> Status | None:
    """What a first publication still waits for, in the order it is done: facts first, then the head."""
    if require_fact_check and not row.fact_checked:
        return Status.WAITING_FACT_CHECK
    if approvals >= 2 and not row.head_approved:
        return Status.WAITING_HEAD
    return None


def parse_schedule(text: str, tz: tzinfo) -> datetime | None:
    """The officer's `Jadwal`: typed in the browser, Sheets stores a date-time as a serial number, which the
    cycle reads unformatted; typed as text (or read formatted) it is one of the usual layouts."""
    cleaned = text.strip()
    try:
        serial = float(cleaned)
    except ValueError:
        serial = None
    if serial is not None:
        # Days since 1899-12-30 in the spreadsheet's zone: 1 = 1899-12-31, 2958465 = 9999-12-31.
        return from_serial(serial, tz) if 1 <= serial <= 2_958_465 else None
    for fmt in _SCHEDULE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).replace(tzinfo=tz)
        except ValueError:
            continue
    return None


def decide(
    row: ReviewRow,
    record: Record,
    *,
    regions: RegionDirectory,
    default_mode: Mode,
    tz: tzinfo,
    limits: Limits = DEFAULT_LIMITS,
    now: datetime | None = None,
    registry: Registry | None = None,
    require_fact_check: bool = False,
    approvals: int = 1,
) -> Decision:
    posted = record.post_id is not None and record.status is not Status.RETRACTED
    if row.reject:
        if posted:
            return Decision(Action.RETRACT)
        if record.status in (Status.REJECTED, Status.RETRACTED):
            return NOTHING
        return Decision(Action.REJECT)

    problems = check_fields(row.title.strip(), row.body.strip(), row.kecamatan, row.desa, regions, limits)
    if registry is not None:
        problems = (*problems, *registry.problems(row.email, row.kecamatan, row.desa))
    if not row.approve:
        if posted:
            return Decision(Action.RETRACT)  # approval withdrawn: off the blog; ticking again republishes it
        if record.status in AWAITING or record.status is Status.REJECTED:
            return Decision(Action.REOPEN)
        if record.status is Status.NEEDS_FIX and not problems:
            return Decision(Action.REOPEN)
        return NOTHING

    if problems:
        if record.status is Status.NEEDS_FIX and not posted:
            return NOTHING
        return Decision(Action.HOLD, problems=problems)
    mode = Mode.parse(row.mode_text, default_mode) if row.mode_text.strip() else default_mode
    publish_at = None
    if mode is Mode.SCHEDULED:
        publish_at = parse_schedule(row.schedule_text, tz)
        if publish_at is None:
            problem = SCHEDULE_PROBLEM
            if record.status is Status.NEEDS_FIX:
                return NOTHING
            return Decision(Action.HOLD, problems=(problem,))
        if now is not None and publish_at <= now:
            # The time has come (or was typed in the past): the post belongs on the blog now, and a scheduled
            # post that Blogger has put live meanwhile is exactly what the officer asked for.
            mode, publish_at = Mode.LIVE, None

    digest = content_hash(row)
    if record.post_id is None:
        missing = _missing_checks(row, require_fact_check, approvals)
        if missing is not None:
            return NOTHING if record.status is missing else Decision(Action.AWAIT, waiting_for=missing)
        return Decision(Action.PUBLISH, mode=mode, publish_at=publish_at, content_hash=digest)
    wanted_state = MODE_TO_STATE[mode]
    if record.status is Status.RETRACTED or digest != record.published_hash or wanted_state != record.post_state:
        # A scheduled post keeps its date unless the officer changed the mode.
        return Decision(Action.UPDATE, mode=mode, publish_at=publish_at, content_hash=digest)
    return NOTHING
