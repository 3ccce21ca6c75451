"""The demo world as a trainer shows it: the review spreadsheet prepared by `mymein init`, then the demo's
cycles with an officer at work in between, so every status, colour, checkbox and dropdown is on the sheet.

Used by the guides' screenshots (scripts/screenshots.py) and the sheet view's tests; `mymein demo` itself
stays as the README describes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..app import build_app, officer_sheets_client
from ..config import load_settings
from ..cycle import run_cycle
from ..sandbox.seed import DemoWorld
from .demo import officer_handles_complaints, officer_reviews, prepare_world
from .prepare import prepare_review_spreadsheet


@dataclass(frozen=True)
class Showcase:
    world: DemoWorld
    config: Path
    complaints_tab: str
    cycles: int


def build_showcase(folder: Path, endpoint: str, now: datetime | None = None) -> Showcase:
    """Seed the sandbox at `endpoint`, run `init`, then the demo's first three cycles (news published,
    complaints forwarded and answered). `folder` receives the config, credentials and state."""
    folder.mkdir(parents=True, exist_ok=True)
    world, config = prepare_world(folder, endpoint, now or datetime.now(UTC))
    settings = load_settings(config)
    app = build_app(settings)
    officer = officer_sheets_client(settings)
    tab = settings.complaints.tab
    try:
        prepare_review_spreadsheet(app)
        run_cycle(app)
        officer_reviews(officer, world.review_spreadsheet_id)
        officer_handles_complaints(officer, world.review_spreadsheet_id, tab, answers=False)
        run_cycle(app)
        officer_handles_complaints(officer, world.review_spreadsheet_id, tab, answers=True)
        run_cycle(app)
    finally:
        app.close()
    return Showcase(world, config, tab, cycles=3)
