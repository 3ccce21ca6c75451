"""The sandbox's whole world (spreadsheets, files, blogs) as JSON-able dicts, persisted atomically to `--state DIR`."""

from __future__ import annotations

import json
import os
import secrets
import string
import tempfile
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .limits import Limits

STATE_FILE = "state.json"
BLOB_DIR = "blobs"
_ALNUM = string.ascii_letters + string.digits


def utc_now() -> datetime:
    return datetime.now(UTC)


class SandboxState:
    """Namespaced state shared by the API emulators. Handlers run under `lock`, one at a time."""

    def __init__(self, state_dir: Path | None = None, clock: Callable[[], datetime] = utc_now) -> None:
        self.state_dir = state_dir
        self.clock = clock
        self.lock = threading.RLock()
        self.limits = Limits()
        self.data: dict[str, Any] = {}
        self._blobs: dict[str, bytes] = {}
        self.dirty = False
        if state_dir is not None:
            state_dir.mkdir(parents=True, exist_ok=True)
            path = state_dir / STATE_FILE
            if path.exists():
                self.data = json.loads(path.read_text(encoding="utf-8"))

    def ns(self, name: str) -> dict[str, Any]:
        """The dict one API keeps its data in; created on first use."""
        space: dict[str, Any] = self.data.setdefault(name, {})
        return space

    def now(self) -> datetime:
        return self.clock()

    # Ids shaped like Google's, so code that validates or logs them sees realistic values.
    @staticmethod
    def new_token_id(length: int = 44) -> str:
        alphabet = _ALNUM + "-_"
        return "".join(secrets.choice(alphabet) for _ in range(length))

    @staticmethod
    def new_numeric_id(digits: int = 19) -> str:
        return str(secrets.randbelow(9 * 10 ** (digits - 1)) + 10 ** (digits - 1))

    def put_blob(self, key: str, content: bytes) -> None:
        self._blobs[key] = content
        if self.state_dir is not None:
            folder = self.state_dir / BLOB_DIR
            folder.mkdir(exist_ok=True)
            _atomic_write(folder / key, content)

    def get_blob(self, key: str) -> bytes | None:
        if key in self._blobs:
            return self._blobs[key]
        if self.state_dir is not None:
            path = self.state_dir / BLOB_DIR / key
            if path.exists():
                return path.read_bytes()
        return None

    def delete_blob(self, key: str) -> None:
        self._blobs.pop(key, None)
        if self.state_dir is not None:
            (self.state_dir / BLOB_DIR / key).unlink(missing_ok=True)

    def save(self) -> None:
        if self.state_dir is None:
            self.dirty = False
            return
        payload = json.dumps(self.data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        _atomic_write(self.state_dir / STATE_FILE, payload)
        self.dirty = False


def _atomic_write(path: Path, content: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
