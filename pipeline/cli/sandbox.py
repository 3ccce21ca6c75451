"""The Google emulator: `mymein sandbox` (serve it) and `mymein demo` (the pipeline against it)."""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import click

from ..i18n import _
from .base import main


@main.command()
@click.option("--port", type=int, default=8765, show_default=True, help="Port on 127.0.0.1 (0 picks a free one).")
@click.option(
    "--state",
    "state_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder that keeps the sandbox's data across restarts.",
)
@click.option("--seed", type=click.Choice(["demo"]), help="Create the demo world (once) and a config for it.")
def sandbox(port: int, state_dir: Path, seed: str | None) -> None:
    """Serve the local Google emulator until SIGTERM or Ctrl-C."""
    from ..ops.demo import prepare_world
    from ..sandbox.seed import load_world
    from ..sandbox.server import Sandbox

    state_dir = state_dir.resolve()
    server = Sandbox(port=port, state_dir=state_dir / "data").start()
    try:
        if seed == "demo" and load_world(state_dir) is None:
            _world, config = prepare_world(state_dir, server.url, datetime.now(UTC))
            click.echo(_("demo world created; config: {path}").format(path=config))
        click.echo(f"sandbox ready: {server.url}")
        sys.stdout.flush()
        stopped = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stopped.set())
        with contextlib.suppress(KeyboardInterrupt):
            stopped.wait()
    finally:
        server.stop()


@main.command()
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-state"),
    show_default=True,
    help="Working folder of the demo; recreated on every run.",
)
@click.option("--keep-running", is_flag=True, help="Leave the sandbox up afterwards, to look at it in a browser.")
def demo(folder: Path, keep_running: bool) -> None:
    """Run the real pipeline against a seeded sandbox and show what happened."""
    from ..ops.demo import run_demo

    sys.exit(run_demo(folder, keep_running=keep_running, echo=click.echo))
