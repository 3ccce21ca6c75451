"""What spreading the news costs: social-media calls (and wall time) per cycle, through the sandbox.

    python scripts/bench_social.py              # 20 stories
    python scripts/bench_social.py --stories 50 --latency-ms 80

A form of N stories, all approved; then the cycles an office lives through: the one that publishes and shares
them all, a quiet one, one after an officer edited every title, one after every story was withdrawn, and one
after every story was approved again. Calls are counted by the sandbox (`GET /_sandbox/stats`, zeroed before
each cycle). The sandbox's per-minute limits (Telegram 20 messages per channel, Graph 30 posts per page) are
lifted unless --per-minute is given: with them, what a cycle cannot post waits for the next one.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import gspread
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.app import build_app, officer_sheets_client
from pipeline.config import load_settings
from pipeline.cycle import run_cycle
from pipeline.google.retry import RetryPolicy
from pipeline.sandbox.server import Sandbox
from tests.integration.test_social import fb_posts, social_yaml, tg_messages
from tests.integration.world import make_world, response_row


def _tick_all(sheet: gspread.Worksheet, column: str, value: object) -> None:
    header = sheet.row_values(1)
    rows = len(sheet.col_values(header.index("Kode") + 1))
    col = header.index(column) + 1
    cells = [{"range": gspread.utils.rowcol_to_a1(r, col), "values": [[value]]} for r in range(2, rows + 1)]
    sheet.batch_update(cells, value_input_option="USER_ENTERED")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stories", type=int, default=20)
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--per-minute", type=int, default=1000, help="posts per minute each service takes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, Sandbox(latency_ms=args.latency_ms) as sandbox:
        base = Path(folder)
        url = sandbox.url
        world = make_world(url, base, [response_row(n) for n in range(1, args.stories + 1)])
        world.config.write_text(world.config.read_text(encoding="utf-8") + social_yaml(base, url), encoding="utf-8")
        limit = {"chat_per_minute": args.per_minute}
        requests.post(f"{url}/_sandbox/telegram/limits", json=limit, timeout=10).raise_for_status()
        limit = {"posts_per_minute": args.per_minute}
        requests.post(f"{url}/_sandbox/facebook/limits", json=limit, timeout=10).raise_for_status()
        app = build_app(load_settings(world.config), policy=RetryPolicy(sleep=lambda _: None))
        sheet = officer_sheets_client(app.settings).open_by_key(world.review_id).worksheet("Berita")
        print(f"{args.stories} stories, sandbox latency {args.latency_ms} ms")
        print(
            f"{'cycle':<28} {'facebook calls':>14} {'telegram calls':>14} {'FB alive':>9} {'TG alive':>9} {'wall s':>7}"
        )
        try:
            run_cycle(app)
            steps = [
                ("publish and share all", lambda: _tick_all(sheet, "Setujui", True)),
                ("quiet", lambda: None),
                ("every title edited", lambda: _tick_all(sheet, "Judul", "Judul diperbarui oleh petugas")),
                ("every story withdrawn", lambda: _tick_all(sheet, "Setujui", False)),
                ("every story approved again", lambda: _tick_all(sheet, "Setujui", True)),
            ]
            for label, officer in steps:
                officer()
                requests.post(f"{url}/_sandbox/stats/reset", timeout=10).raise_for_status()
                started = time.perf_counter()
                run_cycle(app)
                wall = time.perf_counter() - started
                calls = requests.get(f"{url}/_sandbox/stats", timeout=10).json()["calls"]
                fb = sum(n for k, n in calls.items() if k.startswith("facebook."))
                tg = sum(n for k, n in calls.items() if k.startswith("telegram."))
                alive = (len(fb_posts(url)), len(tg_messages(url)))
                print(f"{label:<28} {fb:>14} {tg:>14} {alive[0]:>9} {alive[1]:>9} {wall:>7.2f}")
        finally:
            app.close()


if __name__ == "__main__":
    main()
