"""What to do with one review row: a pure function of the officer's row and what the ledger says was done."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum

from .model import Mode, ReviewRow, Status
from .officer_input import SCHEDULE_PROBLEM, mode_problem, operator_reason, stale_schedule_problem
from .photos import photo_link_problems
from .regions import RegionDirectory
from .registry import Registry
from .sheettime import from_serial
from .text import clean_line
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
    message: str = ""  # the `Pesan` last recorded: a hold for the same reasons is not made again


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
# A first publication whose `Jadwal` passed longer ago than this is a typo (a year off) more likely than a late
# cycle: it is held rather than published at once.
STALE_SCHEDULE = timedelta(days=1)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("januari", "january", "jan"),
            ("februari", "february", "feb", "pebruari"),
            ("maret", "march", "mar"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "june", "jun"),
            ("juli", "july", "jul"),
            ("agustus", "august", "agu", "agt", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "october", "okt", "oct"),
            ("november", "nov", "nop", "nopember"),
            ("desember", "december", "des", "dec"),
        ),
        start=1,
    )
    for name in names
}
# Day first, as Indonesia writes dates; a time is required (a date alone does not say when to publish).
_SCHEDULE = re.compile(
    r"(?:(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"|(?P<d2>\d{1,2})(?P<sep>[/.-])(?P<m2>\d{1,2})(?P=sep)(?P<y2>\d{4})"
    r"|(?P<d3>\d{1,2}) (?P<month>[a-z]+)\.? (?P<y3>\d{4}))"
    r"(?:T| |, ?)(?:(?:pukul|pkl\.?|jam) )?(?P<hh>\d{1,2})[:.](?P<mm>\d{2})(?:[:.](?P<ss>\d{2}))?",
    re.IGNORECASE,
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
    cycle reads unformatted; typed as text (or read formatted) it is one of the usual layouts, day first:
    `2026-12-01 08:00`, `2026-12-01T08:00`, `01/12/2026 08:00`, `1-12-2026 8.00`, `01.12.2026 08.00`,
    `1 Desember 2026 08.00`, `1 Des 2026 pukul 08.00`, `1 December 2026, 08:00` (seconds optional). A date without
    a time, or a date that does not exist, is not read: the row is held and the officer asked."""
    cleaned = clean_line(text)
    try:
        serial = float(cleaned)
    except ValueError:
        serial = None
    if serial is not None:
        # Days since 1899-12-30 in the spreadsheet's zone: 1 = 1899-12-31, 2958465 = 9999-12-31.
        return from_serial(serial, tz) if 1 <= serial <= 2_958_465 else None
    found = _SCHEDULE.fullmatch(cleaned)
    if found is None:
        return None
    parts = found.groupdict()
    month = parts["m"] or parts["m2"] or str(_MONTHS.get((parts["month"] or "").casefold(), 0))
    try:
        return datetime(
            int(parts["y"] or parts["y2"] or parts["y3"]),
            int(month),
            int(parts["d"] or parts["d2"] or parts["d3"]),
            int(parts["hh"]),
            int(parts["mm"]),
            int(parts["ss"] or 0),
            tzinfo=tz,
        )
    except ValueError:  # 31/02, 25:00, an unknown month name
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

    # In the order ingest finds them, so that a row held since ingest reads the same and is not held again.
    problems = check_fields(row.title.strip(), row.body.strip(), row.kecamatan, row.desa, regions, limits)
    problems = (*problems, *photo_link_problems(row.photos))
    if registry is not None:
        problems = (*problems, *registry.problems(row.email, row.kecamatan, row.desa))
    if row.unreadable:
        # A box that is neither ticked nor unticked is not taken for either: nothing is published, rejected or
        # taken off the blog on a guess.
        return _hold(record, (*problems, *row.unreadable))
    if not row.approve:
        if posted:
            return Decision(Action.RETRACT)  # approval withdrawn: off the blog; ticking again republishes it
        if record.status in AWAITING or record.status is Status.REJECTED:
            return Decision(Action.REOPEN)
        if record.status is Status.NEEDS_FIX and not problems:
            return Decision(Action.REOPEN)
        if record.status is Status.NEEDS_FIX and operator_reason(record.message) != record.message:
            return _hold(record, problems)  # the officer's slip no longer matters: only the operator's problems stay
        return NOTHING

    slips: list[str] = []
    mode = Mode.parse(row.mode_text, default_mode)
    publish_at = None
    if mode is None:
        slips.append(mode_problem(row.mode_text))
    elif mode is Mode.SCHEDULED:
        publish_at = parse_schedule(row.schedule_text, tz)
        if publish_at is None:
            slips.append(SCHEDULE_PROBLEM)
        elif now is not None and publish_at <= now:
            if record.post_id is None and now - publish_at > STALE_SCHEDULE:
                slips.append(stale_schedule_problem(publish_at, tz))
            else:
                # The time has come (or was typed a little in the past): the post belongs on the blog now, and a
                # scheduled post that Blogger has put live meanwhile is exactly what the officer asked for.
                mode, publish_at = Mode.LIVE, None
    if problems or slips:
        return _hold(record, (*problems, *slips))
    assert mode is not None

    digest = content_hash(row)
    if record.post_id is None:
        missing = _missing_checks(row, require_fact_check, approvals)
        if missing is not None:
            return NOTHING if record.status is missing else Decision(Action.AWAIT, waiting_for=missing)
        return Decision(Action.PUBLISH, mode=mode, publish_at=publish_at, content_hash=digest)
    wanted_state = MODE_TO_STATE[mode]
    # A held post was left as it was: once the row is fixed, the update also gives it its status back.
    restore = record.status in (Status.RETRACTED, Status.NEEDS_FIX)
    if restore or digest != record.published_hash or wanted_state != record.post_state:
        # A scheduled post keeps its date unless the officer changed the mode.
        return Decision(Action.UPDATE, mode=mode, publish_at=publish_at, content_hash=digest)
    return NOTHING


def _hold(record: Record, problems: tuple[str, ...]) -> Decision:
    """Hold the row; a row already held for the same reasons stays as it is (no new event, no new notice)."""
    if record.status is Status.NEEDS_FIX and record.message == " ".join(problems):
        return NOTHING
    return Decision(Action.HOLD, problems=problems)
