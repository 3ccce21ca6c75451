"""Jobs of `mymein run` besides the sync: last month's monev report on the 1st, last week's bulletin on
Monday (e-mailed to every KIM of the Operator tab), each once (the ledger remembers which were made), in the
same thread and lock as the cycles."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from ..app import App
from ..features.bulletin_mail import queue_bulletin
from ..outputs.bulletin import make_bulletin
from ..outputs.report import make_monthly_report

log = logging.getLogger("mymein.run")
RETRY_AFTER = timedelta(hours=1)


def run_due_jobs(app: App, now: datetime) -> list[str]:
    """Make what is due and not made yet; returns what was made (e.g. `monev 2026-11`)."""
    schedule = app.settings.schedule
    local = now.astimezone(app.settings.tz)
    hour, minute = (int(p) for p in schedule.reports_at.split(":"))
    if (local.hour, local.minute) < (hour, minute):
        return []
    made: list[str] = []
    if schedule.monthly_report:
        month = (local.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
        made += _once(app, f"monev {month}", lambda: _monthly(app, month, now))
    if schedule.weekly_bulletin:
        year, number, _ = (local - timedelta(days=7)).isocalendar()
        week = f"{year}-W{number:02d}"
        made += _once(app, f"bulletin {week}", lambda: _weekly(app, week))
    return made


def _once(app: App, name: str, job: Callable[[], None]) -> list[str]:
    done = app.ledger.meta.job_done(name)
    if done.get():
        return []
    failed = app.ledger.meta.job_failed(name).get()
    if failed and app.clock() - datetime.fromisoformat(failed) < RETRY_AFTER:
        return []
    try:
        job()
    except Exception:  # a failed job is logged and tried again an hour later; the sync goes on
        log.exception("%s could not be made; trying again in an hour", name)
        app.ledger.meta.job_failed(name).set(app.clock().isoformat())
        return []
    done.set(app.clock().isoformat())
    log.info("%s made", name)
    return [name]


def _monthly(app: App, month: str, now: datetime) -> None:
    make_monthly_report(app.ledger, app.settings, app.regions, app.renderer, month, now).to_sheet(app.review)


def _weekly(app: App, week: str) -> None:
    made = make_bulletin(app, week)
    if made.path is None:
        log.info("bulletin %s: no story was published that week; no PDF written", week)
    elif app.settings.schedule.mail_bulletin:
        queue_bulletin(app, week, made)  # sent by the cycles' notices, once each
