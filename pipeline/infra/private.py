"""Files only the service's own user may read: state, reports, secrets. Written so that nothing planted in the
folder beforehand (a link, a leftover) is ever followed or reused."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from ..core.errors import StateError
from ..core.message import Text

FILE_MODE = 0o600
DIR_MODE = 0o700
# Permission bits that let another user read, write or run a file.
OTHERS = stat.S_IRWXG | stat.S_IRWXO


def private_dir(path: Path) -> Path:
    """Make `path` (and missing parents) readable by this user only; an existing folder is left as it is,
    since an administrator may have shared it on purpose (a systemd StateDirectory, a reports share)."""
    try:
        path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    except OSError as exc:  # a file in the way, a read-only disk, no permission
        raise StateError(
            Text(
                "state_dir {path} cannot be used ({reason}); make it a folder this user can write, or point "
                "state_dir in config.yaml elsewhere",
                path=path,
                reason=exc.strerror or exc,
            )
        ) from exc
    return path


def tighten(path: Path) -> None:
    """A file that an older version (or a loose umask) left readable by others becomes 0600; one that
    belongs to another user is left alone, since only its owner may change it."""
    with contextlib.suppress(FileNotFoundError, PermissionError):
        if stat.S_IMODE(path.lstat().st_mode) & OTHERS and not path.is_symlink():
            path.chmod(FILE_MODE)


def loose_mode(path: Path) -> int | None:
    """The file's mode when other users may read or change it (as ssh judges a private key), else None."""
    mode = stat.S_IMODE(path.stat().st_mode)
    return mode if mode & OTHERS else None


def write_private(path: Path, data: str | bytes) -> None:
    """Replace `path` with `data`, mode 0600, atomically, through `PATH.tmp`.

    The temporary file is created with O_EXCL|O_NOFOLLOW: a link planted at its name is never written
    through (it is removed and the creation tried once more); the final rename replaces a link at `path`
    itself rather than following it.
    """
    private_dir(path.parent)
    tmp = path.with_name(path.name + ".tmp")
    content = data.encode("utf-8") if isinstance(data, str) else data
    fd = _create_new(tmp)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _create_new(tmp: Path) -> int:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
    try:
        return os.open(tmp, flags, FILE_MODE)
    except FileExistsError:
        # A crash's leftover, or something planted: unlink removes a link itself, never its target.
        tmp.unlink()
    try:
        return os.open(tmp, flags, FILE_MODE)
    except FileExistsError as exc:
        raise OSError(f"{tmp} keeps reappearing while it is written; another process writes there") from exc
