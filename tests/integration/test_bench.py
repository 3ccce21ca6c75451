"""The benchmark's own code runs, and ours beats the tutorial baseline where it claims to (counts, not times)."""

from __future__ import annotations

from pathlib import Path

from pipeline.sandbox.server import Sandbox
from scripts.bench import bench_size, table


def test_bench_at_a_tiny_size_counts_calls_for_both_pipelines(fresh_sandbox: Sandbox, tmp_path: Path) -> None:
    results = bench_size(fresh_sandbox.url, 30, tmp_path)
    by = {(m.pipeline, m.scenario): m for m in results}
    assert set(by) == {
        ("ours", "first"),
        ("ours", "idle"),
        ("ours", "busy"),
        ("baseline", "idle"),
        ("baseline", "busy"),
    }
    assert by[("ours", "idle")].sheets_calls <= 2
    assert by[("ours", "busy")].sheets_calls <= 4
    assert by[("baseline", "busy")].sheets_calls == 2 + 10 + 2 * 10  # reads, one append and two cells per row
    assert by[("ours", "busy")].calls["blogger.posts.insert"] == by[("baseline", "busy")].calls["blogger.posts.insert"]
    assert "ratio baseline / ours" in table(results)
