"""`mymein run`'s worker: cycles on a schedule, survives a failing cycle, stops when told, keeps a heartbeat."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import requests
from click.testing import CliRunner

from pipeline.app import build_app, open_ledger
from pipeline.cli import main
from pipeline.config import load_settings
from pipeline.core.model import Status
from pipeline.cycle import CycleReport
from pipeline.google.retry import RetryPolicy
from pipeline.infra.lock import daemon_lock
from pipeline.ops.daemon import heartbeat_path, run_daemon
from pipeline.sandbox.server import Sandbox

from .test_pipeline import officer_sets, review_sheet
from .world import blog_posts, blogger_service, make_world, response_row


def test_daemon_cycles_until_stopped_and_outlives_a_failing_cycle(fresh_sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(fresh_sandbox.url, tmp_path, [response_row(1)])
    world.config.write_text(world.config.read_text() + "schedule:\n  interval_seconds: 0.2\n", encoding="utf-8")
    app = build_app(load_settings(world.config), policy=RetryPolicy(attempts=1, sleep=lambda _: None))
    # The first cycle's responses read fails outright; the daemon must go on to the next cycle.
    rule = {"match": "sheets.spreadsheets.values.get", "status": 500, "times": 1}
    requests.post(f"{world.endpoint}/_sandbox/faults", json={"rules": [rule]}, timeout=10).raise_for_status()
    stop = threading.Event()
    reports: list[CycleReport] = []

    def on_cycle(report: CycleReport) -> None:
        reports.append(report)
        if len(reports) >= 2:
            stop.set()

    runner = threading.Thread(target=run_daemon, args=(app, stop, on_cycle))
    runner.start()
    deadline = time.monotonic() + 60
    while runner.is_alive() and time.monotonic() < deadline:
        runner.join(timeout=0.5)
    stop.set()
    runner.join(timeout=30)
    try:
        assert not runner.is_alive()
        assert sum(r.queued for r in reports) == 1
        beat = json.loads(heartbeat_path(app).read_text(encoding="utf-8"))
        assert beat["outcome"] == "ok" and beat["cycles"] >= 3  # the failed one counts too
    finally:
        app.close()


def test_the_worker_makes_last_months_report_and_last_weeks_bulletin_once(sandbox: Sandbox, tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from pipeline.ops.daemon import Worker

    world = make_world(sandbox.url, tmp_path, [response_row(1)])
    extra = f"schedule:\n  weekly_bulletin: true\n  reports_at: '06:00'\nreport:\n  directory: {tmp_path / 'out'}\n"
    world.config.write_text(world.config.read_text(encoding="utf-8") + extra, encoding="utf-8")
    moments = iter([datetime(2026, 11, 30, 21, 0, tzinfo=UTC), datetime(2026, 11, 30, 23, 0, tzinfo=UTC)])
    now = {"t": next(moments)}  # 05:00 then 07:00 on Tuesday 1 December, Balangan time
    app = build_app(load_settings(world.config), clock=lambda: now["t"], policy=RetryPolicy(sleep=lambda _: None))
    try:
        worker = Worker(app)
        worker.cycle()
        officer_sets(review_sheet(app), "MM-20261122-0001", Setujui="TRUE")
        worker.cycle()
        assert not (tmp_path / "out").exists()  # before reports_at
        [post] = blog_posts(world.endpoint, world.blog_id)
        service = blogger_service(world.endpoint)
        try:  # the blog's owner dates it back into week 48, the bulletin's week
            service.posts().publish(
                blogId=world.blog_id, postId=post["id"], publishDate="2026-11-25T10:00:00+08:00"
            ).execute()
        finally:
            service.close()
        now["t"] = next(moments)
        worker.cycle()
        worker.cycle()
        made = sorted(p.name for p in (tmp_path / "out").iterdir())
        assert made == [
            "buletin-2026-W48.pdf",
            "monev-2026-11-halaman-1.png",
            "monev-2026-11.html",
            "monev-2026-11.pdf",
        ]
        done = [k for k in ("job_done:monev 2026-11", "job_done:bulletin 2026-W48") if app.ledger.get_meta(k)]
        assert len(done) == 2
        rekap = requests.get(
            f"{world.endpoint}/v4/spreadsheets/{world.review_id}/values/Rekap!A1:D30", timeout=10
        ).json()["values"]
        assert rekap[0][:2] == ["Bulan", "Kecamatan"] and ["2026-11", "Juai", "", "1"] in [r[:4] for r in rekap]
    finally:
        app.close()


def test_a_failing_monthly_job_is_retried_an_hour_later_not_every_cycle(sandbox: Sandbox, tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from pipeline.ops.daemon import Worker

    world = make_world(sandbox.url, tmp_path, [response_row(1)])
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the reports folder should be", encoding="utf-8")
    world.config.write_text(
        world.config.read_text(encoding="utf-8") + f"report:\n  directory: {blocked}\n", encoding="utf-8"
    )
    now = {"t": datetime(2026, 11, 30, 23, 0, tzinfo=UTC)}
    app = build_app(load_settings(world.config), clock=lambda: now["t"], policy=RetryPolicy(sleep=lambda _: None))
    try:
        worker = Worker(app)
        worker.cycle()
        first_failure = app.ledger.get_meta("job_failed:monev 2026-11")
        assert first_failure is not None and app.ledger.get_meta("job_done:monev 2026-11") is None
        now["t"] += timedelta(minutes=30)
        worker.cycle()
        assert app.ledger.get_meta("job_failed:monev 2026-11") == first_failure  # not tried again yet
        blocked.unlink()
        now["t"] += timedelta(minutes=31)
        worker.cycle()
        assert app.ledger.get_meta("job_done:monev 2026-11") is not None
        assert json.loads(heartbeat_path(app).read_text(encoding="utf-8"))["outcome"] == "ok"
    finally:
        app.close()


# --- one daemon per config ----------------------------------------------------------------------------------
ROOT = Path(__file__).resolve().parents[2]


def _start_run(config: Path, log: Path) -> subprocess.Popen[bytes]:
    """`mymein run` as the administrator (or systemd) starts it, its output in `log`."""
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "pipeline", "--config", str(config), "run"],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )


def _cycles(heartbeat: Path) -> int:
    try:
        return int(json.loads(heartbeat.read_text(encoding="utf-8"))["cycles"])
    except (OSError, ValueError, KeyError):
        return 0


def _wait_until(what: str, check: Callable[[], bool], child: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert child.poll() is None, f"the daemon exited ({child.returncode}) while waiting for {what}"
        if check():
            return
        time.sleep(0.1)  # polling a child process's file, with a deadline
    raise AssertionError(f"gave up waiting for {what}")


def _stop(child: subprocess.Popen[bytes]) -> int:
    child.send_signal(signal.SIGTERM)
    try:
        return child.wait(timeout=60)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
        raise


def test_a_second_run_exits_at_once_naming_the_first_which_goes_on(sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(sandbox.url, tmp_path, [response_row(1)])
    world.config.write_text(world.config.read_text() + "schedule:\n  interval_seconds: 0.5\n", encoding="utf-8")
    heartbeat = load_settings(world.config).heartbeat_path
    first = _start_run(world.config, tmp_path / "first.log")
    try:
        _wait_until("the first cycle", lambda: _cycles(heartbeat) >= 1, first)
        started = time.monotonic()
        second = subprocess.run(
            [sys.executable, "-m", "pipeline", "--config", str(world.config), "run"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert second.returncode == 1
        assert time.monotonic() - started < 30  # at once: no cycle, no Google client
        [line] = second.stderr.strip().splitlines()
        assert f"another `mymein run` (PID {first.pid}) already serves this config" in line
        assert "a cycle every" not in second.stdout  # it never started
        seen = _cycles(heartbeat)
        _wait_until("the first to go on cycling", lambda: _cycles(heartbeat) > seen, first)
    finally:
        code = _stop(first)
    assert code == 0 and "stopped after" in (tmp_path / "first.log").read_text(encoding="utf-8")
    assert not (heartbeat.parent / "mymein-run.pid").exists()
    heartbeat.unlink()
    third = _start_run(world.config, tmp_path / "third.log")
    try:
        _wait_until("a cycle of the new daemon", lambda: _cycles(heartbeat) >= 1, third)
    finally:
        assert _stop(third) == 0


def test_one_daemon_serves_every_channel_and_cron_syncs_still_run_beside_it(sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(sandbox.url, tmp_path, [response_row(1)])
    other = (
        "channels:\n  - name: tabalong\n    form: {spreadsheet_id: F}\n"
        '    review: {spreadsheet_id: R, worksheet: Berita}\n    blogger: {blog_id: "1"}\n'
    )
    world.config.write_text(world.config.read_text(encoding="utf-8") + other, encoding="utf-8")
    runner = CliRunner()
    with daemon_lock(load_settings(world.config).state_dir):  # a daemon of this config runs: this process
        for args in (["run"], ["--channel", "tabalong", "run"]):
            result = runner.invoke(main, ["--config", str(world.config), *args])
            assert result.exit_code == 1
            assert f"another `mymein run` (PID {os.getpid()}) already serves this config" in result.output
        synced = runner.invoke(main, ["--config", str(world.config), "--channel", "default", "sync"])
        assert synced.exit_code == 0 and "done: ingest 1" in synced.output


# --- Ctrl-C ---------------------------------------------------------------------------------------------------
STOP_LINE = "stopping after the running cycle (Ctrl-C again to stop now)"


def _hold_the_next_call(endpoint: str) -> None:
    """The cycle's next Google call waits (up to a minute, or until the faults are cleared) before answering."""
    rule = {"match": "*", "times": 1, "delay_ms": 60_000}
    requests.post(f"{endpoint}/_sandbox/faults", json={"rules": [rule]}, timeout=10).raise_for_status()


def _a_call_is_held(endpoint: str) -> bool:
    return int(requests.get(f"{endpoint}/_sandbox/faults", timeout=10).json()["holding"]) > 0


def _release(endpoint: str) -> None:
    requests.delete(f"{endpoint}/_sandbox/faults", timeout=10).raise_for_status()


def _said(log: Path, text: str) -> Callable[[], bool]:
    return lambda: text in log.read_text(encoding="utf-8")


def test_ctrl_c_says_at_once_that_the_running_cycle_finishes_first(fresh_sandbox: Sandbox, tmp_path: Path) -> None:
    world = make_world(fresh_sandbox.url, tmp_path, [response_row(1)])
    log = tmp_path / "run.log"
    _hold_the_next_call(world.endpoint)
    child = _start_run(world.config, log)
    try:
        _wait_until("a cycle waiting for Google", lambda: _a_call_is_held(world.endpoint), child)
        child.send_signal(signal.SIGINT)
        _wait_until("the line saying what Ctrl-C does", _said(log, STOP_LINE), child)
        assert child.poll() is None  # the cycle goes on
        _release(world.endpoint)
        code = child.wait(timeout=60)
    finally:
        _release(world.endpoint)
        if child.poll() is None:
            child.kill()
            child.wait()
    output = log.read_text(encoding="utf-8")
    assert code == 0, output
    assert output.count(STOP_LINE) == 1 and "stopped after 1 cycle\n" in output
    assert "1 row added" in output  # the running cycle finished its work
    ledger = open_ledger(load_settings(world.config))
    try:
        assert ledger.status_counts() == {Status.WAITING: 1}
    finally:
        ledger.close()


def test_a_second_ctrl_c_stops_at_once_with_code_130_and_the_next_sync_runs_whole(
    fresh_sandbox: Sandbox, tmp_path: Path
) -> None:
    world = make_world(fresh_sandbox.url, tmp_path, [response_row(1)])
    log = tmp_path / "run.log"
    _hold_the_next_call(world.endpoint)
    child = _start_run(world.config, log)
    try:
        _wait_until("a cycle waiting for Google", lambda: _a_call_is_held(world.endpoint), child)
        child.send_signal(signal.SIGINT)
        _wait_until("the line saying what Ctrl-C does", _said(log, STOP_LINE), child)
        child.send_signal(signal.SIGINT)
        code = child.wait(timeout=30)
        assert _a_call_is_held(world.endpoint)  # it did not wait for the cycle
    finally:
        _release(world.endpoint)
        if child.poll() is None:
            child.kill()
            child.wait()
    output = log.read_text(encoding="utf-8")
    assert code == 130, output
    assert "stopping now" in output and "Traceback" not in output
    # Nothing half-done is left behind: the locks went with the process and the next cycle does the whole work.
    synced = CliRunner().invoke(main, ["--config", str(world.config), "sync"])
    assert synced.exit_code == 0, synced.output
    assert "done: ingest 1, queue 1" in synced.output and "1 row added" in synced.output
