"""Pages of the demo week's bulletin: the demo's world (seeded sandbox, an officer approving the demo stories),
two cycles, then `make_bulletin` for the week the stories were published in.

    .venv/bin/python scripts/bench_bulletin.py [--dir /tmp/bench-bulletin]

Prints the week, stories, pages and the PDF's path (and the placeholders drawn for characters no font has).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from pipeline.app import build_app, officer_sheets_client
from pipeline.config import load_settings
from pipeline.cycle import run_cycle
from pipeline.ops.demo import officer_reviews, prepare_world
from pipeline.outputs.bulletin import make_bulletin
from pipeline.sandbox.server import Sandbox


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="bench-bulletin-"))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    with Sandbox(state_dir=folder / "sandbox") as sandbox:
        now = datetime.now(UTC)
        world, config = prepare_world(folder, sandbox.url, now)
        settings = load_settings(config)
        app = build_app(settings)
        try:
            run_cycle(app)
            officer_reviews(officer_sheets_client(settings), world.review_spreadsheet_id)
            run_cycle(app)
            year, number, _ = now.astimezone(settings.tz).isocalendar()
            week = f"{year}-W{number:02d}"
            made = make_bulletin(app, week)
        finally:
            app.close()
    missing = getattr(made, "missing_glyphs", "n/a")
    print(f"week {week}: {made.stories} stories, {made.pages} pages, placeholders: {missing}; {made.path}")


if __name__ == "__main__":
    main()
