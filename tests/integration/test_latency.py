"""scripts/latency.py: the real daemon in a child process posts what an officer ticks, every tick is timed, and
SIGTERM stops it cleanly."""

from __future__ import annotations

from pathlib import Path

from pipeline.infra.lock import cycle_lock
from pipeline.sandbox.server import Sandbox
from scripts.latency import measure, report


def test_every_tick_is_seen_live_on_the_blog(fresh_sandbox: Sandbox, tmp_path: Path) -> None:
    result = measure(fresh_sandbox.url, tmp_path, ticks=3, interval=0.5, background=2, poll=0.1, seed=3)
    assert result.missing == []
    assert len(result.seconds) == 3 and all(s > 0 for s in result.seconds)
    assert "stopped after" in (tmp_path / "daemon.log").read_text(encoding="utf-8")  # SIGTERM ended it cleanly
    with cycle_lock(tmp_path / "state") as held:
        assert held  # and it left no lock behind
    assert "p95" in report(result)
