"""The benchmark's own code runs, and ours beats the tutorial baseline where it claims to (counts, not times)."""

from __future__ import annotations

from pathlib import Path

from pipeline.sandbox.server import Sandbox
from scripts.bench import APPEND_METHOD, NEW, bench_baseline, bench_ours, table


def test_bench_at_a_tiny_size_counts_calls_for_both_pipelines(fresh_sandbox: Sandbox, tmp_path: Path) -> None:
    size = 30
    results = [
        *bench_ours(fresh_sandbox.url, size, tmp_path / "ours"),
        *bench_baseline(fresh_sandbox.url, size, tmp_path / "base"),
    ]
    by = {(m.pipeline, m.scenario): m for m in results}
    assert list(by) == [
        ("ours", "first"),
        ("ours", "idle"),
        ("ours", "quiet"),
        ("ours", "busy"),
        ("ours", "reject"),
        ("ours", "archive"),
        ("ours", "steady"),
        ("ours", "settled"),
        ("baseline", "first"),
        ("baseline", "idle"),
        ("baseline", "busy"),
    ]
    assert by[("ours", "idle")].sheets_calls <= 2
    assert by[("ours", "steady")].sheets_calls <= 2
    for scenario in ("busy", "reject"):
        assert by[("ours", scenario)].sheets_calls <= 4, by[("ours", scenario)].calls
    # The first archiving also creates the Arsip tab: look for it, add it, write its header.
    assert by[("ours", "archive")].sheets_calls <= 4 + 3, by[("ours", "archive")].calls
    assert not any(m.startswith("blogger.") for m in by[("ours", "steady")].calls)
    # Nothing changed since the cycle before: the read gate's two version checks, and no sheet read.
    for scenario in ("quiet", "settled"):
        assert by[("ours", scenario)].calls == {"drive.files.get": 2}, by[("ours", scenario)].calls
        assert by[("ours", scenario)].kilobytes < 2
    # gzip: ours reads compressed, the baseline (a tutorial's client) does not ask for it.
    assert by[("ours", "idle")].kilobytes * 3 < by[("ours", "idle")].decoded_kb
    assert by[("baseline", "idle")].kilobytes == by[("baseline", "idle")].decoded_kb
    # Archiving leaves the undecided tenth of the rows live: the quiet cycle reads much less than before it.
    assert by[("ours", "steady")].decoded_kb < by[("ours", "idle")].decoded_kb / 2
    assert by[("baseline", "first")].calls[APPEND_METHOD] == size and not by[("baseline", "first")].extrapolated
    assert by[("baseline", "busy")].sheets_calls == 2 + NEW + 2 * NEW  # reads, one append and two cells per row
    assert by[("ours", "busy")].sheets_calls < by[("baseline", "busy")].sheets_calls
    assert by[("ours", "busy")].calls["blogger.posts.insert"] == by[("baseline", "busy")].calls["blogger.posts.insert"]
    assert "ratio baseline / ours" in table(results)


def test_the_baselines_first_cycle_beyond_the_cap_is_extrapolated_and_says_so(
    fresh_sandbox: Sandbox, tmp_path: Path
) -> None:
    first = bench_baseline(fresh_sandbox.url, 25, tmp_path, appends=5)[0]
    assert first.scenario == "first"
    assert first.calls[APPEND_METHOD] == 25 and first.sheets_calls == 2 + 25
    assert "5 of 25" in first.extrapolated
    assert "~" in table([first])
