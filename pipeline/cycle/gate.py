"""The read gate: before reading the form and review spreadsheets, one small Drive call per spreadsheet asks
whether either changed since the last full read. When nothing changed and nothing else is due, the cycle skips
the read (a quiet cycle: a few hundred bytes instead of the whole review tab); the rule is
`core.read_gate.reason_to_read`.

Why `files.get?fields=version,modifiedTime` per spreadsheet rather than Drive's changes feed: two watched
files cost two tiny calls with no state to keep but the versions; the feed needs a page token kept in step
with the ledger, lists every file the service account can see (the form's photo uploads included: a busy day
is pages of changes to skip), and answers no sooner (see docs/architecture.md, "Quiet cycle").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from ..app import App
from ..core.read_gate import GateMemory, reason_to_read
from ..google.errors import GoogleApiError
from .outcome import CycleReport

log = logging.getLogger("mymein.sync")


@dataclass(frozen=True)
class Look:
    """What the gate found before the read: Drive's versions now (None: Drive could not say), when, and why
    the cycle must read (None: it may skip the read)."""

    seen: dict[str, str] | None
    memory: GateMemory | None
    at: datetime
    reason: str | None

    @property
    def quiet(self) -> bool:
        return self.reason is None


def watched(app: App) -> list[str]:
    """The spreadsheets a quiet cycle would otherwise read: the review spreadsheet and the form's (one when
    they are the same). The registration and complaint forms are read on their own timers (`check_seconds`)."""
    return list(dict.fromkeys((app.settings.review.spreadsheet_id, app.settings.form.spreadsheet_id)))


def look(app: App, report: CycleReport) -> Look:
    """Ask Drive, after the cycle settled intents and posts that went live (`report` holds what they did)."""
    now = app.clock()
    seconds = app.settings.schedule.full_read_seconds
    memory = GateMemory.loads(app.ledger.meta.read_gate.get())
    seen = _versions(app) if seconds > 0 else None
    reason = reason_to_read(memory, seen, now=now, full_read_seconds=seconds, ledger_mark=app.ledger.last_event_id())
    if reason is None:
        reason = _due_anyway(app, report, now)
    if reason is not None:
        log.debug("reading the sheets: %s", reason)
    return Look(seen, memory, now, reason)


def _versions(app: App) -> dict[str, str] | None:
    seen: dict[str, str] = {}
    for spreadsheet in watched(app):
        try:
            version = app.photos.version(spreadsheet)
        except GoogleApiError as exc:  # the read that follows tells the administrator what is wrong, if anything
            log.info("Drive could not say whether %s changed (%s); reading it", spreadsheet, exc)
            return None
        if version is None:
            return None
        seen[spreadsheet] = version
    return seen


def _due_anyway(app: App, report: CycleReport, now: datetime) -> str | None:
    """Work the sheets are needed for although they did not change: what settling the cycle found (a post that
    went live, an adopted insert: their rows must be written), a side feature whose own timer is due."""
    if report.outcomes or report.down or report.warnings:
        return "the start of the cycle found work for the sheets"
    meta = app.ledger.meta
    settings = app.settings
    if settings.comments.enabled and meta.comments_checked_at.due(now, settings.comments.check_seconds):
        return "readers' comments are due"
    if app.registrations is not None and meta.registrations_checked_at.due(now, settings.registration.check_seconds):
        return "KIM registrations are due"
    if app.complaints is not None and meta.complaints_checked_at.due(now, settings.complaints.check_seconds):
        return "complaints are due"
    return None


def remember(app: App, seen: Look, report: CycleReport) -> None:
    """After a full cycle that ran to its end: the versions seen before its read, and whether it left work."""
    if app.settings.schedule.full_read_seconds <= 0:
        return
    settled = seen.seen is not None and not (report.down or report.waiting or report.warnings or report.more)
    held = tuple(sorted(report.still_held))
    memory = GateMemory(seen.seen or {}, seen.at, app.ledger.last_event_id(), settled, held)
    app.ledger.meta.read_gate.set(memory.dumps())


def remember_quiet(app: App, seen: Look) -> None:
    """After a quiet cycle: only the ledger's mark moves (its notices wrote events of their own)."""
    if seen.memory is not None:
        app.ledger.meta.read_gate.set(seen.memory.after_quiet_cycle(app.ledger.last_event_id()).dumps())
