"""Benchmark: MyMeIn's cycle against a gspread-tutorial baseline, through the sandbox with network latency.

    python scripts/bench.py --quick          # 1,000 responses
    python scripts/bench.py                  # 1,000, 10,000 and 100,000
    python scripts/bench.py --sizes 500 --latency-ms 0 --json

The sandbox runs in a child process, so the CPU time and memory measured are the pipeline's alone. For each
size, the form holds that many responses and each pipeline runs, from an empty review sheet:

  first    the cycle that copies every response to the review sheet
  idle     nothing new: every response is still an undecided row of the review sheet
  busy     10 new responses, and 10 rows approved by an officer (10 posts created, links written back)

Ours takes in at most `schedule.rows_per_cycle` (5000) new responses and archives as many rows per cycle: its
`first` and `archive` are the cycles until that work is done, measured as one (calls and bytes summed, the
peak memory of any of them).

Ours then runs three more cycles, which the baseline has no counterpart for (it never archives):

  reject   the officer ticked `Tolak` on every row but the newest ones (one write-back for all of them)
  archive  a month later: the finished rows move to the `Arsip` tab
  steady   nothing new, with the live tab holding only the undecided rows: what a quiet cycle costs after
           years of use; compare it with the baseline's idle cycle, which still reads all of history

`idle` and `steady` each follow a cycle that wrote to the sheets, so the read gate lets them read (they confirm
the pipeline's own write-back). Two gated cycles follow them, nothing having changed:

  quiet    after idle: every row still live; Drive says nothing changed, no sheet is read
  settled  after steady: the same once history is archived

Bytes are counted twice: on the wire (after gzip, which the pipeline asks for and the baseline, like a
tutorial's client, does not) and decoded.

The baseline's first cycle appends one row per call (at 80 ms a call, 100,000 responses take over two hours),
so it appends at most --baseline-appends rows for real, after the rest were seeded in bulk; its figures are
then extrapolated from the measured appends and marked `~` (calls are exact: one per row).
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import multiprocessing
import os
import platform
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from types import TracebackType
from typing import Any

import requests
from gspread.utils import ValueInputOption

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.app import build_app, officer_sheets_client
from pipeline.config import load_settings
from pipeline.core.review import column_letter
from pipeline.cycle import run_cycle
from scripts.bench_baseline import REVIEW_TAB, TutorialPipeline
from tests.integration.world import append_responses, create_spreadsheet, make_world, response_row

CHUNK = 5000  # responses per seeding call: big enough to seed 100,000 in 20 calls
NEW = 10  # new responses and approvals in the busy cycle
LIVE = 100  # rows left undecided before the steady cycle: a realistic month of a regency's news
BASELINE_APPENDS = 100
RSS_FLOOR_MB = 2.0  # below it RSS growth is allocator noise: no ratio is printed
SIZES = [1000, 10_000, 100_000]
APPEND_METHOD = "sheets.spreadsheets.values.append"
PIPELINES = ("ours", "baseline")


def _serve(latency_ms: int, pipe: Connection) -> None:
    from pipeline.sandbox.server import Sandbox

    with Sandbox(latency_ms=latency_ms) as sandbox:
        pipe.send(sandbox.url)
        pipe.recv()  # until the parent says stop


@contextmanager
def sandbox_process(latency_ms: int) -> Iterator[str]:
    """A sandbox in its own process (its CPU and memory are not the pipeline's); yields its URL."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    server = context.Process(target=_serve, args=(latency_ms, child), daemon=True)
    server.start()
    try:
        yield str(parent.recv())
    finally:
        parent.send("stop")
        server.join(timeout=30)
        if server.is_alive():
            server.terminate()


@dataclass
class Measure:
    pipeline: str
    size: int
    scenario: str
    sheets_calls: int
    calls: dict[str, int]
    kilobytes: float  # body bytes the sandbox sent on the wire, after gzip (the pipeline's download)
    wall_s: float
    cpu_s: float
    rss_mb: float  # peak resident memory above the level at the cycle's start
    decoded_kb: float = 0.0  # the same bodies before gzip
    extrapolated: str = ""  # why and how, when the figures are not all measured

    @property
    def all_calls(self) -> int:
        return sum(self.calls.values())


def _stats(endpoint: str) -> dict[str, Any]:
    answer: dict[str, Any] = requests.get(f"{endpoint}/_sandbox/stats", timeout=60).json()
    return answer


def _rss_bytes() -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # not Linux: the high-water mark, which only grows (peaks of earlier cycles hide later ones)
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _release_free_memory() -> None:
    """Hand freed memory back to the OS, so a cycle's growth shows in RSS even after a bigger cycle."""
    gc.collect()
    with suppress(OSError, AttributeError):  # not glibc: RSS keeps what earlier cycles freed
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class PeakRss:
    """Peak RSS above the starting level while the block runs, sampled every 5 ms by a thread.

    Not tracemalloc: tracing every allocation tripled the cycle's CPU time and would distort the timings.
    """

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self.start = self.peak = 0

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, _rss_bytes())

    def __enter__(self) -> PeakRss:
        _release_free_memory()
        self.start = self.peak = _rss_bytes()
        self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_bytes())

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.start) / 2**20


@dataclass
class Mark:
    """The counters at one moment inside a measured cycle."""

    wall: float
    cpu: float
    bytes_sent: int


def _mark(endpoint: str) -> Mark:
    return Mark(time.perf_counter(), time.process_time(), int(_stats(endpoint)["bytes_sent"]))


@dataclass
class Run:
    """One measured action, with the marks it asked for along the way."""

    measure: Measure
    marks: list[Mark] = field(default_factory=list)


def measure(
    endpoint: str, pipeline: str, size: int, scenario: str, action: Callable[[Callable[[], None]], object]
) -> Run:
    """Run `action` with the sandbox's counters zeroed; `action` gets a function to mark points inside it."""
    requests.post(f"{endpoint}/_sandbox/stats/reset", timeout=60).raise_for_status()
    marks: list[Mark] = []
    with PeakRss() as rss:
        wall, cpu = time.perf_counter(), time.process_time()
        action(lambda: marks.append(_mark(endpoint)))
        end = Mark(time.perf_counter(), time.process_time(), 0)
    stats = _stats(endpoint)
    end.bytes_sent = int(stats["bytes_sent"])
    calls = dict(sorted(stats["calls"].items()))
    sheets = sum(v for k, v in calls.items() if k.startswith("sheets."))
    result = Measure(
        pipeline,
        size,
        scenario,
        sheets,
        calls,
        end.bytes_sent / 1024,
        end.wall - wall,
        end.cpu - cpu,
        rss.growth_mb,
        int(stats.get("bytes_decoded", end.bytes_sent)) / 1024,
    )
    return Run(result, [*marks, end])


def _responses(endpoint: str, form_id: str, first: int, count: int) -> None:
    for start in range(first, first + count, CHUNK):
        rows = [response_row(n) for n in range(start, min(first + count, start + CHUNK))]
        append_responses(endpoint, form_id, rows)


def _tick(config: Path, spreadsheet_id: str, tab: str, column: str, first: int, last: int) -> None:
    """An officer ticks one checkbox column on rows first..last, in one call."""
    if last < first:
        return
    sheet = officer_sheets_client(load_settings(config)).open_by_key(spreadsheet_id).worksheet(tab)
    letter = column_letter(sheet.row_values(1).index(column))
    sheet.update(
        [[True]] * (last - first + 1),
        f"{letter}{first}:{letter}{last}",
        value_input_option=ValueInputOption.user_entered,
    )


class Clock:
    """The pipeline's clock, which the benchmark moves a month ahead to let finished rows age."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset


def _google_quotas(endpoint: str, on: bool) -> None:
    """Google's per-minute Sheets quotas in the sandbox (60 per user, 300 per project), or none."""
    limits = {"google": True} if on else {"sheets_per_minute_user": None, "sheets_per_minute_project": None}
    requests.post(f"{endpoint}/_sandbox/limits", json=limits, timeout=60).raise_for_status()


def bench_ours(endpoint: str, size: int, folder: Path, *, live: int = LIVE) -> list[Measure]:
    """Our cycles, under Google's per-minute quotas: a cycle that broke them would wait and show it here."""
    folder.mkdir(parents=True, exist_ok=True)
    world = make_world(endpoint, folder, [])
    _responses(endpoint, world.form_id, 1, size)
    _google_quotas(endpoint, True)
    clock = Clock()
    settings = load_settings(world.config)
    app = build_app(settings, clock=clock)

    def cycle(_mark: Callable[[], None]) -> object:
        return run_cycle(app)

    def until_done(_mark: Callable[[], None]) -> object:
        """Cycles until none leaves work for the next (`schedule.rows_per_cycle`): measured as one."""
        cycles = 1
        while run_cycle(app).more:
            cycles += 1
        return cycles

    results: list[Measure] = []
    try:
        results.append(measure(endpoint, "ours", size, "first", until_done).measure)
        results.append(measure(endpoint, "ours", size, "idle", cycle).measure)
        results.append(measure(endpoint, "ours", size, "quiet", cycle).measure)
        _responses(endpoint, world.form_id, size + 1, NEW)
        _tick(world.config, world.review_id, "Berita", "Setujui", 2, 1 + NEW)
        results.append(measure(endpoint, "ours", size, "busy", cycle).measure)
        rows = size + NEW  # below the header, in order of arrival; the first NEW were just published
        keep = min(live, rows // 10)
        _tick(world.config, world.review_id, "Berita", "Tolak", 2 + NEW, 1 + rows - keep)
        results.append(measure(endpoint, "ours", size, "reject", cycle).measure)
        clock.offset = timedelta(days=settings.review.archive_after_days + 1)
        results.append(measure(endpoint, "ours", size, "archive", until_done).measure)
        results.append(measure(endpoint, "ours", size, "steady", cycle).measure)
        results.append(measure(endpoint, "ours", size, "settled", cycle).measure)
    finally:
        app.close()
        # The baseline's first cycle appends a row per call, far past 60 a minute: it would only fail.
        _google_quotas(endpoint, False)
    return results


def bench_baseline(endpoint: str, size: int, folder: Path, *, appends: int = BASELINE_APPENDS) -> list[Measure]:
    folder.mkdir(parents=True, exist_ok=True)
    world = make_world(endpoint, folder, [])
    _responses(endpoint, world.form_id, 1, size)
    review_id = create_spreadsheet(endpoint, "Review (tutorial)", REVIEW_TAB)
    tutorial = TutorialPipeline(load_settings(world.config), world.form_id, review_id)
    skipped = max(0, size - appends)
    tutorial.seed_review(skipped)  # earlier cycles' work, in bulk, untimed
    results: list[Measure] = []
    try:
        run = measure(endpoint, "baseline", size, "first", tutorial.cycle)
        results.append(_extrapolate(run, tutorial.appended, skipped))
        results.append(measure(endpoint, "baseline", size, "idle", lambda _mark: tutorial.cycle()).measure)
        _responses(endpoint, world.form_id, size + 1, NEW)
        _tick(world.config, review_id, REVIEW_TAB, "Setujui", 2, 1 + NEW)
        results.append(measure(endpoint, "baseline", size, "busy", lambda _mark: tutorial.cycle()).measure)
    finally:
        tutorial.close()
    return results


def _extrapolate(run: Run, appended: int, skipped: int) -> Measure:
    """The first cycle had it appended `skipped` more rows: add that many times the cost of one measured append."""
    m = run.measure
    if not skipped:
        return m
    if not appended:
        raise RuntimeError("the baseline appended nothing; nothing to extrapolate from")
    after_reads, end = run.marks[0], run.marks[-1]
    factor = skipped / appended
    m.calls[APPEND_METHOD] = m.calls.get(APPEND_METHOD, 0) + skipped
    m.sheets_calls += skipped
    m.kilobytes += (end.bytes_sent - after_reads.bytes_sent) / 1024 * factor
    m.decoded_kb += (end.bytes_sent - after_reads.bytes_sent) / 1024 * factor  # the baseline is not compressed
    m.wall_s += (end.wall - after_reads.wall) * factor
    m.cpu_s += (end.cpu - after_reads.cpu) * factor
    m.extrapolated = (
        f"{appended} of {appended + skipped} append_row calls measured, the other {skipped} extrapolated "
        "from them (calls exact, KB/wall/cpu scaled; memory as measured)"
    )
    return m


def bench_size(
    endpoint: str, size: int, folder: Path, *, appends: int = BASELINE_APPENDS, pipelines: tuple[str, ...] = PIPELINES
) -> list[Measure]:
    results: list[Measure] = []
    if "ours" in pipelines:
        results += bench_ours(endpoint, size, folder / "ours")
    if "baseline" in pipelines:
        results += bench_baseline(endpoint, size, folder / "baseline", appends=appends)
    return results


# What each baseline cycle is compared with: the same scenario, and the baseline's quiet cycle also with ours
# once history has been archived (the baseline never archives, so its quiet cycle stays the same).
PAIRS = [
    ("first", "first"),
    ("idle", "idle"),
    ("idle", "quiet"),
    ("busy", "busy"),
    ("idle", "steady"),
    ("idle", "settled"),
]


def _ratio(base: float, ours: float, *, floor: float = 0.0) -> str:
    if ours <= 0 or max(base, ours) < floor:
        return "-"
    value = base / ours
    return f"x{value:.1f}" if value >= 0.95 else f"x{value:.2f}"


def table(results: list[Measure]) -> str:
    lines = [
        f"{'size':>7} {'scenario':<8} {'pipeline':<9} {'sheets':>7} {'all calls':>9} {'KB wire':>10} "
        f"{'KB decoded':>10} {'wall s':>8} {'cpu s':>7} {'RSS+ MB':>7}"
    ]
    for m in results:
        mark = "~" if m.extrapolated else " "
        lines.append(
            f"{m.size:>7} {m.scenario:<8} {m.pipeline:<9}{mark}{m.sheets_calls:>7} {m.all_calls:>9} "
            f"{m.kilobytes:>10.1f} {m.decoded_kb:>10.1f} {m.wall_s:>8.2f} {m.cpu_s:>7.2f} {m.rss_mb:>7.1f}"
        )
    notes = [m for m in results if m.extrapolated]
    if notes:
        lines.append("")
        lines.extend(f"~ {m.size} {m.scenario} {m.pipeline}: {m.extrapolated}" for m in notes)
    lines.append("")
    lines.append("ratio baseline / ours (above 1: ours is cheaper):")
    by = {(m.pipeline, m.size, m.scenario): m for m in results}
    for size in dict.fromkeys(m.size for m in results):
        for base_scenario, ours_scenario in PAIRS:
            base, ours = by.get(("baseline", size, base_scenario)), by.get(("ours", size, ours_scenario))
            if base is None or ours is None:
                continue
            label = base_scenario if base_scenario == ours_scenario else f"{base_scenario}/{ours_scenario}"
            lines.append(
                f"{size:>7} {label:<12} sheets calls {_ratio(base.sheets_calls, ours.sheets_calls)}, "
                f"KB on the wire {_ratio(base.kilobytes, ours.kilobytes)}, wall {_ratio(base.wall_s, ours.wall_s)}, "
                f"cpu {_ratio(base.cpu_s, ours.cpu_s)}, RSS+ {_ratio(base.rss_mb, ours.rss_mb, floor=RSS_FLOOR_MB)}"
                + (" (baseline extrapolated)" if base.extrapolated else "")
            )
    lines.append("")
    lines.append("calls by method:")
    for m in results:
        lines.append(f"  {m.size} {m.scenario} {m.pipeline}: " + ", ".join(f"{k} {v}" for k, v in m.calls.items()))
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    return {"nproc": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="1,000 responses only")
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES, help="numbers of form responses")
    parser.add_argument("--latency-ms", type=int, default=80, help="added by the sandbox to every API call")
    parser.add_argument(
        "--baseline-appends",
        type=int,
        default=BASELINE_APPENDS,
        help="append_row calls the baseline's first cycle really makes; the rest are extrapolated",
    )
    parser.add_argument(
        "--only", choices=PIPELINES, help="run one pipeline (the baseline's figures do not change with ours)"
    )
    parser.add_argument("--json", action="store_true", help="print the measures as JSON")
    args = parser.parse_args(argv)
    sizes = [1000] if args.quick else args.sizes
    started = time.perf_counter()
    results: list[Measure] = []
    with sandbox_process(args.latency_ms) as endpoint, tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            pipelines = (args.only,) if args.only else PIPELINES
            results.extend(
                bench_size(endpoint, size, Path(folder) / str(size), appends=args.baseline_appends, pipelines=pipelines)
            )
            print(f"# {size} responses done after {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    meta = {
        **machine(),
        "latency_ms": args.latency_ms,
        "sizes": sizes,
        "baseline_appends": args.baseline_appends,
        "memory": "peak RSS above the cycle's starting RSS, sampled every 5 ms, after gc and malloc_trim",
        "total_s": round(time.perf_counter() - started, 1),
    }
    if args.json:
        print(json.dumps({"meta": meta, "measures": [asdict(m) for m in results]}, indent=2))
    else:
        print(table(results))
        print(
            f"\nlatency {args.latency_ms} ms per call; {meta['nproc']} CPUs, Python {meta['python']}; "
            f"RSS+ = {meta['memory']}; whole run {meta['total_s']} s"
        )


if __name__ == "__main__":
    main()
