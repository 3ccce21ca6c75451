"""Tick-to-post latency: an officer ticks `Setujui`; how long until the post is live on the blog?

    python scripts/latency.py                       # 50 ticks, 10 s interval, 80 ms per API call
    python scripts/latency.py --ticks 5 --interval 2 --json

The real daemon runs as a child process (`python -m pipeline run`, the command an administrator starts),
against a sandbox in another child process that adds a fixed latency to every API call. The form holds
`--background` responses plus one per tick; once the daemon has put them all on the review sheet, an
officer ticks `Setujui` on one row at a time, each after a random pause (uniform up to one interval, seeded),
so the ticks fall at every phase of the schedule as they would in an office. A watcher lists the blog's
posts every `--poll` seconds and notes when each tick's post first appears live. Latency = that moment minus
the moment the officer's write returned; the poll period bounds its error.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import gspread
from gspread.utils import ValueInputOption

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.app import officer_sheets_client
from pipeline.config import load_settings
from pipeline.core.codes import code_in_post
from pipeline.core.review import column_letter
from scripts.bench import sandbox_process
from tests.integration.world import append_responses, blog_posts, make_world, response_row

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Result:
    ticks: int
    interval_s: float
    latency_ms: int
    background: int
    poll_s: float
    seconds: list[float]
    missing: list[str]

    @property
    def p50(self) -> float:
        return statistics.median(self.seconds)

    @property
    def p95(self) -> float:
        # Nearest rank: with 50 ticks the 48th smallest, a tick that really happened, not an interpolation.
        ordered = sorted(self.seconds)
        return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


class Watcher(threading.Thread):
    """Lists the blog's posts every `poll` seconds; remembers when each code's post was first seen live."""

    def __init__(self, endpoint: str, blog_id: str, poll: float) -> None:
        super().__init__(daemon=True)
        self.endpoint, self.blog_id, self.poll = endpoint, blog_id, poll
        self.seen: dict[str, float] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            posts = blog_posts(self.endpoint, self.blog_id)
            # The post went live during this listing or the pause before it: counting from the listing's end
            # overstates the latency by at most one poll and one listing, never understates it.
            listed = time.time()
            for post in posts:
                code = code_in_post(post.get("content", ""))
                if code and post.get("status") == "LIVE":
                    self.seen.setdefault(code, listed)
            self.stop.wait(self.poll)


@contextmanager
def daemon(config: Path, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`python -m pipeline run` in a child process, stopped with SIGTERM as systemd would."""
    with log.open("wb") as out:
        child = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "--config", str(config), "run"],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            yield child
        finally:
            child.terminate()
            try:
                child.wait(timeout=60)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def _wait_for(what: str, check: Any, deadline_s: float, child: subprocess.Popen[bytes]) -> Any:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise RuntimeError(f"the daemon exited (code {child.returncode}) while waiting for {what}")
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise TimeoutError(f"gave up after {deadline_s:g} s waiting for {what}")


def measure(
    endpoint: str, folder: Path, *, ticks: int, interval: float, background: int, poll: float, seed: int
) -> Result:
    world = make_world(endpoint, folder, [])
    world.config.write_text(
        world.config.read_text(encoding="utf-8") + f"schedule:\n  interval_seconds: {interval}\n", encoding="utf-8"
    )
    total = background + ticks
    for start in range(1, total + 1, 5000):
        append_responses(endpoint, world.form_id, [response_row(n) for n in range(start, min(total, start + 4999) + 1)])
    sheet = officer_sheets_client(load_settings(world.config)).open_by_key(world.review_id).worksheet("Berita")
    watcher = Watcher(endpoint, world.blog_id, poll)
    rng = random.Random(seed)
    ticked: dict[str, float] = {}
    with daemon(world.config, folder / "daemon.log") as child:

        def all_queued() -> list[list[str]] | None:
            try:
                values = sheet.get_values()
            except gspread.exceptions.APIError:
                return None
            return values if len(values) == total + 1 else None

        values = _wait_for(f"{total} rows on the review sheet", all_queued, 120 + total / 50, child)
        header = values[0]
        code_col, approve = header.index("Kode"), column_letter(header.index("Setujui"))
        watcher.start()
        # The newest rows are ticked: the background stays undecided, as a month of waiting news would.
        for number in range(background + 2, total + 2):
            time.sleep(rng.uniform(0, interval))
            sheet.update([[True]], f"{approve}{number}", value_input_option=ValueInputOption.user_entered)
            ticked[values[number - 1][code_col]] = time.time()
        _wait_for("every ticked row's post", lambda: set(ticked) <= set(watcher.seen), 6 * interval + 60, child)
    watcher.stop.set()
    watcher.join(timeout=30)
    seconds = [watcher.seen[code] - at for code, at in ticked.items() if code in watcher.seen]
    missing = sorted(set(ticked) - set(watcher.seen))
    return Result(ticks, interval, 0, background, poll, seconds, missing)


def report(result: Result) -> str:
    ordered = sorted(result.seconds)
    return "\n".join(
        [
            f"ticks {result.ticks}, interval {result.interval_s:g} s, sandbox latency {result.latency_ms} ms per call, "
            f"{result.background} undecided rows besides, blog polled every {result.poll_s:g} s",
            f"tick to live post: p50 {result.p50:.2f} s, p95 {result.p95:.2f} s, "
            f"min {ordered[0]:.2f} s, max {ordered[-1]:.2f} s, mean {statistics.fmean(ordered):.2f} s",
            f"target p95 <= interval + 2 s = {result.interval_s + 2:g} s: "
            + ("met" if result.p95 <= result.interval_s + 2 else "NOT met"),
        ]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ticks", type=int, default=50, help="approvals to time")
    parser.add_argument("--interval", type=float, default=10.0, help="schedule.interval_seconds of the daemon")
    parser.add_argument("--latency-ms", type=int, default=80, help="added by the sandbox to every API call")
    parser.add_argument("--background", type=int, default=100, help="undecided rows on the sheet besides")
    parser.add_argument("--poll", type=float, default=0.25, help="seconds between looks at the blog")
    parser.add_argument("--seed", type=int, default=1, help="seed of the pauses between ticks")
    parser.add_argument("--json", action="store_true", help="print the measures as JSON")
    args = parser.parse_args(argv)
    with sandbox_process(args.latency_ms) as endpoint, tempfile.TemporaryDirectory() as tmp:
        result = measure(
            endpoint,
            Path(tmp),
            ticks=args.ticks,
            interval=args.interval,
            background=args.background,
            poll=args.poll,
            seed=args.seed,
        )
    result.latency_ms = args.latency_ms
    if result.missing:
        print(f"posts never seen for: {', '.join(result.missing)}", file=sys.stderr)
    if args.json:
        print(json.dumps({**asdict(result), "p50": result.p50, "p95": result.p95}, indent=2))
    else:
        print(report(result))
    if result.missing:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
