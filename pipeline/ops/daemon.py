"""`mymein run`: the cycle on an APScheduler interval, never overlapping, stopping cleanly on SIGTERM or Ctrl-C
after the running cycle, or at once on a second Ctrl-C."""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

from apscheduler.events import EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from ..app import App
from ..core.errors import MyMeInError
from ..core.text import counted
from ..cycle import CycleReport, run_cycle
from ..infra.lock import cycle_lock
from ..infra.private import write_private
from .periodic import run_due_jobs

log = logging.getLogger("mymein.run")
STOP_AFTER_CYCLE = "stopping after the running cycle (Ctrl-C again to stop now)"
STOP_NOW = "stopping now; the next cycle takes up what this one left"
EXIT_INTERRUPTED = 130  # 128 + SIGINT: what shells and systemd report for a command stopped by Ctrl-C


def heartbeat_path(app: App) -> Path:
    return app.settings.heartbeat_path


class Worker:
    """Runs one cycle at a time; a failing cycle is logged and the next one runs as planned."""

    def __init__(self, app: App, on_cycle: Callable[[CycleReport], None] | None = None) -> None:
        self.app = app
        self.on_cycle = on_cycle
        self.cycles = 0

    def cycle(self) -> None:
        started = datetime.now(UTC)
        outcome = "ok"
        try:
            with cycle_lock(self.app.settings.state_dir) as held:
                if not held:
                    log.info("another mymein cycle is running; skipped")
                    return
                report = run_cycle(self.app)
                made = run_due_jobs(self.app, self.app.clock())
            counts = (
                counted(report.ingested, "response") + " ingested",
                counted(report.queued, "row") + " queued",
                counted(report.rows_added, "row") + " added",
                counted(report.cells_written, "cell") + " written",
                counted(len(report.outcomes), "action"),
                counted(len(report.errors), "warning"),
            )
            log.info(
                "cycle%s: %s",
                " (quiet: the sheets did not change, not read)" if report.quiet else "",
                ", ".join(counts),
            )
            if report.extras():
                log.info("cycle also: %s", ", ".join(report.extras()))
            if made:
                log.info("periodic: %s", ", ".join(made))
            for warning in report.warnings:
                if warning.service_down:
                    log.warning("%s", warning)  # a service refused us: once per cycle, with what to do
            if report.errors:
                outcome = "warnings"
            if self.on_cycle:
                self.on_cycle(report)
        except MyMeInError as exc:  # a known trouble: one line, whose fix it names; no traceback to wade through
            log.error("cycle failed: %s; the next one runs as scheduled", exc, exc_info=log.isEnabledFor(logging.DEBUG))
            outcome = "failed"
        except Exception:  # the daemon must outlive any one bad cycle, even one we did not foresee
            log.exception("cycle failed unexpectedly; the next one runs as scheduled")
            outcome = "failed"
        self.cycles += 1
        self._beat(started, outcome)

    def _beat(self, started: datetime, outcome: str) -> None:
        finished = datetime.now(UTC)
        payload = {
            "finished": finished.isoformat(),
            "seconds": round((finished - started).total_seconds(), 3),
            "outcome": outcome,
            "cycles": self.cycles,
        }
        write_private(heartbeat_path(self.app), json.dumps(payload))


def run_daemon(
    app: App,
    stop: threading.Event,
    on_cycle: Callable[[CycleReport], None] | None = None,
    *,
    more: Sequence[App] = (),
) -> Worker:
    """Cycle every `schedule.interval_seconds` until `stop` is set; the running cycle is allowed to finish.

    `more` are the other channels' apps: each tick serves them in turn after `app`, each in its own lock,
    and one failing channel does not stop the others (a Worker outlives any cycle).
    """
    worker = Worker(app, on_cycle)
    others = [Worker(other) for other in more]

    def tick() -> None:
        for each in (worker, *others):
            each.cycle()

    interval = app.settings.schedule.interval_seconds
    scheduler = BackgroundScheduler(timezone=app.settings.tz)

    def missed(event: JobExecutionEvent) -> None:
        log.warning("a cycle was due at %s but the previous one was still running; skipped", event.scheduled_run_time)

    scheduler.add_listener(missed, EVENT_JOB_MISSED)
    scheduler.add_job(
        tick,
        IntervalTrigger(seconds=interval, timezone=app.settings.tz),
        id="sync",
        max_instances=1,  # never two cycles at once, even within one process
        coalesce=True,  # after a long pause, one catch-up cycle, not a burst
        misfire_grace_time=max(1, int(interval)),
        next_run_time=datetime.now(app.settings.tz),
    )
    scheduler.start()
    try:
        stop.wait()
    finally:
        scheduler.shutdown(wait=True)
    return worker


class StopSignals:
    """SIGTERM (systemd, docker) and a first Ctrl-C stop the daemon once the running cycle is over; the first
    Ctrl-C says so, since a cycle waiting on Google may take a while. A second Ctrl-C stops the process at once.

    That is safe: every ledger change is one SQLite transaction (WAL, synchronous FULL), so what was not
    committed is rolled back when the ledger is next opened; a Google call cut short left an open intent, which
    the next cycle reconciles (a post is found by its code, never made twice); the OS releases the locks.
    `os._exit` is needed: the cycle runs in the scheduler's worker thread, which the interpreter would
    otherwise wait for before exiting.
    """

    def __init__(
        self,
        stop: threading.Event,
        say: Callable[[str], None],
        exit_now: Callable[[int], object] = os._exit,
    ) -> None:
        self.stop = stop
        self.say = say
        self.exit_now = exit_now
        self.interrupts = 0

    def install(self) -> None:
        signal.signal(signal.SIGTERM, self.terminate)
        signal.signal(signal.SIGINT, self.interrupt)

    def terminate(self, signum: int = signal.SIGTERM, frame: FrameType | None = None) -> None:
        self.stop.set()

    def interrupt(self, signum: int = signal.SIGINT, frame: FrameType | None = None) -> None:
        self.interrupts += 1
        if self.interrupts == 1:
            self.say(STOP_AFTER_CYCLE)
            self.stop.set()
            return
        self.say(STOP_NOW)
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        self.exit_now(EXIT_INTERRUPTED)
