"""Cross-process locks that the OS releases if the holder dies: one cycle at a time, one daemon per config."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import filelock

from ..core.errors import StateError
from ..core.message import Text
from .private import FILE_MODE, private_dir

LOCK_FILE = "mymein.lock"
RUN_LOCK_FILE = "mymein-run.lock"
# The daemon's PID lives beside its lock, not in it: filelock owns the lock file's content (its soft fallback,
# on file systems without flock, keeps its own marker there).
RUN_PID_FILE = "mymein-run.pid"


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


class DaemonRunning(StateError):
    """Another `mymein run` holds the daemon lock of this state_dir."""

    def __init__(self, lock_path: Path, pid: int | None) -> None:
        who = f"PID {pid}" if pid is not None else Text("PID unknown")
        super().__init__(
            Text(
                "another `mymein run` ({who}) already serves this config (lock {lock}); this one exits, stop that "
                "one first to replace it",
                who=who,
                lock=lock_path,
            )
        )
        self.pid = pid


@contextmanager
def daemon_lock(state_dir: Path) -> Iterator[None]:
    """Held for the whole life of `mymein run`, so there is one daemon per state_dir; raises DaemonRunning,
    naming the holder's PID, when another has it. Cycles keep their own `cycle_lock`, so a `mymein sync` from
    cron still runs between the daemon's cycles."""
    private_dir(state_dir)
    lock_path, pid_path = state_dir / RUN_LOCK_FILE, state_dir / RUN_PID_FILE
    lock = filelock.FileLock(str(lock_path), timeout=0)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise DaemonRunning(lock_path, _read_pid(pid_path)) from None
    try:
        tmp = pid_path.with_suffix(".tmp")
        tmp.write_text(f"{os.getpid()}\n", encoding="utf-8")
        tmp.replace(pid_path)
        yield
    finally:
        # A killed daemon leaves its PID file behind: harmless, it is read only while the lock is held.
        with suppress(OSError):
            if _read_pid(pid_path) == os.getpid():
                pid_path.unlink()
        lock.release()


def _read_pid(path: Path) -> int | None:
    """The PID in `path` if that process lives: a new holder may not have replaced a killed one's file yet."""
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    if not text.isdigit():
        return None
    try:
        os.kill(int(text), 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass  # alive, under another user
    return int(text)
