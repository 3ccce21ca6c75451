"""gzip on the wire: the pipeline asks as Google requires, the sandbox compresses only then, and its stats count
the bytes on the wire beside the decoded ones."""

from __future__ import annotations

from pathlib import Path

import requests

from pipeline.app import build_app
from pipeline.config import load_settings
from pipeline.cycle import run_cycle
from pipeline.google.retry import RetryPolicy
from pipeline.sandbox.server import Sandbox

from .world import make_world, reset_stats, response_row

NO_SLEEP = RetryPolicy(sleep=lambda _: None)


def test_the_sandbox_compresses_only_when_asked_with_both_the_header_and_the_agent(fresh_sandbox: Sandbox) -> None:
    url = f"{fresh_sandbox.url}/v4/spreadsheets/nope"  # a 404 in Google's JSON shape is a body like any other
    both = {"Accept-Encoding": "gzip", "User-Agent": "tester (gzip)"}
    header_only = {"Accept-Encoding": "gzip", "User-Agent": "tester"}
    agent_only = {"Accept-Encoding": "identity", "User-Agent": "tester (gzip)"}
    answered = requests.get(url, headers=both, timeout=10)
    assert answered.headers.get("Content-Encoding") == "gzip" and answered.json()["error"]["code"] == 404
    for headers in (header_only, agent_only):
        assert "Content-Encoding" not in requests.get(url, headers=headers, timeout=10).headers


def test_a_full_read_goes_compressed_and_stats_count_wire_and_decoded_bytes(
    fresh_sandbox: Sandbox, tmp_path: Path
) -> None:
    world = make_world(fresh_sandbox.url, tmp_path, [response_row(n) for n in range(1, 201)])
    settings = load_settings(world.config)
    app = build_app(settings, policy=NO_SLEEP)
    try:
        run_cycle(app)
        reset_stats(world.endpoint)
        assert not run_cycle(app).quiet  # confirms its own write-back: reads the 200 rows again
    finally:
        app.close()
    stats = requests.get(f"{world.endpoint}/_sandbox/stats", timeout=10).json()
    assert stats["bytes_decoded"] > 50_000
    assert stats["bytes_sent"] * 5 < stats["bytes_decoded"], stats
