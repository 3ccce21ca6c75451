"""Benchmark: MyMeIn's cycle against a gspread-tutorial baseline, through the sandbox with network latency.

    python scripts/bench.py --quick          # 1,000 responses
    python scripts/bench.py                  # 1,000, 10,000 and 100,000
    python scripts/bench.py --sizes 500 --latency-ms 0 --json

The sandbox runs in a child process, so the CPU time and memory measured are the pipeline's alone. For each
size, both pipelines start from the same state (every response already on the review sheet) and run:
`idle` (nothing new) and `busy` (10 new responses and 10 rows approved by an officer). Ours also runs its
`first` cycle (ingesting every response), which the baseline is not timed for: it appends one row per call.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.app import build_app, officer_sheets_client
from pipeline.config import load_settings
from pipeline.sync import run_cycle
from scripts.bench_baseline import TutorialPipeline
from tests.integration.world import (
    append_responses,
    create_spreadsheet,
    make_world,
    response_row,
)

CHUNK = 5000
NEW = 10


def _serve(latency_ms: int, pipe: Any) -> None:
    from pipeline.sandbox.server import Sandbox

    with Sandbox(latency_ms=latency_ms) as sandbox:
        pipe.send(sandbox.url)
        pipe.recv()  # until the parent says stop


@dataclass
class Measure:
    pipeline: str
    size: int
    scenario: str
    sheets_calls: int
    calls: dict[str, int]
    kilobytes: float
    wall_s: float
    cpu_s: float
    peak_mb: float


def _stats(endpoint: str) -> dict[str, Any]:
    answer: dict[str, Any] = requests.get(f"{endpoint}/_sandbox/stats", timeout=60).json()
    return answer


def measure(endpoint: str, pipeline: str, size: int, scenario: str, action: Callable[[], object]) -> Measure:
    requests.post(f"{endpoint}/_sandbox/stats/reset", timeout=60).raise_for_status()
    tracemalloc.start()
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    stats = _stats(endpoint)
    calls = {k: v for k, v in stats["calls"].items()}
    sheets = sum(v for k, v in calls.items() if k.startswith("sheets."))
    return Measure(pipeline, size, scenario, sheets, calls, stats["bytes_sent"] / 1024, wall, cpu, peak / 2**20)


def _responses(endpoint: str, form_id: str, first: int, count: int) -> None:
    for start in range(first, first + count, CHUNK):
        rows = [response_row(n) for n in range(start, min(first + count, start + CHUNK))]
        append_responses(endpoint, form_id, rows)


def _approve(endpoint: str, config: Path, spreadsheet_id: str, tab: str, column: str, rows: range) -> None:
    sheet = officer_sheets_client(load_settings(config)).open_by_key(spreadsheet_id).worksheet(tab)
    col = sheet.row_values(1).index(column) + 1
    sheet.batch_update(
        [{"range": f"{_letter(col)}{r}", "values": [[True]]} for r in rows], value_input_option="USER_ENTERED"
    )


def _letter(col: int) -> str:
    from pipeline.core.review import column_letter

    return column_letter(col - 1)


def bench_size(endpoint: str, size: int, folder: Path) -> list[Measure]:
    results: list[Measure] = []
    (folder / "ours").mkdir(parents=True)
    (folder / "base").mkdir(parents=True)
    world = make_world(endpoint, folder / "ours", [])
    _responses(endpoint, world.form_id, 1, size)
    app = build_app(load_settings(world.config))
    try:
        results.append(measure(endpoint, "ours", size, "first", lambda: run_cycle(app)))
        results.append(measure(endpoint, "ours", size, "idle", lambda: run_cycle(app)))
        _responses(endpoint, world.form_id, size + 1, NEW)
        _approve(endpoint, world.config, world.review_id, "Berita", "Setujui", range(2, 2 + NEW))
        results.append(measure(endpoint, "ours", size, "busy", lambda: run_cycle(app)))
    finally:
        app.close()

    base = make_world(endpoint, folder / "base", [])
    _responses(endpoint, base.form_id, 1, size)
    review_id = create_spreadsheet(endpoint, "Review (tutorial)", "Review")
    tutorial = TutorialPipeline(load_settings(base.config), base.form_id, review_id)
    tutorial.seed_review(size)  # the state ours reached in its first cycle, written in bulk
    try:
        results.append(measure(endpoint, "baseline", size, "idle", tutorial.cycle))
        _responses(endpoint, base.form_id, size + 1, NEW)
        _approve(endpoint, base.config, review_id, "Review", "Setujui", range(2, 2 + NEW))
        results.append(measure(endpoint, "baseline", size, "busy", tutorial.cycle))
    finally:
        tutorial.close()
    return results


def table(results: list[Measure]) -> str:
    lines = [
        f"{'size':>7} {'scenario':<6} {'pipeline':<9} {'sheets':>6} {'all calls':>9} {'KB read':>10} "
        f"{'wall s':>7} {'cpu s':>6} {'peak MB':>7}"
    ]
    for m in results:
        lines.append(
            f"{m.size:>7} {m.scenario:<6} {m.pipeline:<9} {m.sheets_calls:>6} {sum(m.calls.values()):>9} "
            f"{m.kilobytes:>10.1f} {m.wall_s:>7.2f} {m.cpu_s:>6.2f} {m.peak_mb:>7.1f}"
        )
    lines.append("")
    lines.append("ratio baseline / ours:")
    by = {(m.pipeline, m.size, m.scenario): m for m in results}
    for (pipeline, size, scenario), base in by.items():
        ours = by.get(("ours", size, scenario))
        if pipeline != "baseline" or ours is None:
            continue
        lines.append(
            f"{size:>7} {scenario:<6} sheets calls x{base.sheets_calls / max(ours.sheets_calls, 1):.1f}, "
            f"KB x{base.kilobytes / max(ours.kilobytes, 0.001):.1f}, wall x{base.wall_s / max(ours.wall_s, 1e-6):.1f}, "
            f"cpu x{base.cpu_s / max(ours.cpu_s, 1e-6):.1f}, peak memory x{base.peak_mb / max(ours.peak_mb, 1e-6):.1f}"
        )
    lines.append("")
    lines.append("calls by method:")
    for m in results:
        lines.append(f"  {m.size} {m.scenario} {m.pipeline}: " + ", ".join(f"{k} {v}" for k, v in m.calls.items()))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1,000 responses only")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--latency-ms", type=int, default=80, help="added to every API call by the sandbox")
    parser.add_argument("--json", action="store_true", help="print the measures as JSON")
    args = parser.parse_args()
    sizes = [1000] if args.quick else args.sizes
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    server = context.Process(target=_serve, args=(args.latency_ms, child), daemon=True)
    server.start()
    endpoint = parent.recv()
    results: list[Measure] = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            for size in sizes:
                results.extend(bench_size(endpoint, size, Path(folder) / str(size)))
                print(f"# {size} responses done", file=sys.stderr, flush=True)
    finally:
        parent.send("stop")
        server.join(timeout=30)
    print(json.dumps([asdict(m) for m in results], indent=2) if args.json else table(results))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nlatency {args.latency_ms} ms per call; bench process max RSS {rss:.0f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
