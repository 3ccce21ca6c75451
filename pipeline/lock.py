"""A cross-process lock so two cycles never run at once; the OS releases it if the holder dies."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import filelock

from .private import FILE_MODE, private_dir

LOCK_FILE = "mymein.lock"


@contextmanager
def cycle_lock(state_dir: Path) -> Iterator[bool]:
    """Yields True when this process holds the lock, False when another cycle is running."""
    private_dir(state_dir)
    # filelock uses flock(): a crashed holder's lock disappears with its process, so it is never stale.
    lock = filelock.FileLock(str(state_dir / LOCK_FILE), timeout=0, mode=FILE_MODE)
    try:
        lock.acquire()
    except filelock.Timeout:
        yield False
        return
    try:
        yield True
    finally:
        lock.release()
