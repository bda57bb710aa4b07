"""Never half-written files: write to a temporary file beside the target, fsync, then rename."""
from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Iterator

from omegactl.common.errors import UserError


def ensure_writable_dir(path: Path) -> None:
    """Create ``path`` (and parents) or fail with one line saying why."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create output folder {str(path)!r}: {exc.strerror or exc}") from None
    if not os.access(path, os.W_OK):
        raise UserError(f"output folder {str(path)!r} is not writable")


_UMASK: int | None = None


def current_umask() -> int:
    """The process umask (read once; from /proc on Linux, which unlike ``os.umask`` changes nothing)."""
    global _UMASK
    if _UMASK is None:
        try:
            with open("/proc/self/status", encoding="ascii") as fh:
                _UMASK = next(int(line.split()[1], 8) for line in fh if line.startswith("Umask:"))
        except (OSError, StopIteration, ValueError, IndexError):
            _UMASK = os.umask(0o022)
            os.umask(_UMASK)
    return _UMASK


def open_mode_as_umask(fd: int) -> None:
    """Give a ``mkstemp`` file (always 0600) the mode a plain ``open`` would have: 0666 minus the umask."""
    os.fchmod(fd, 0o666 & ~current_umask())


@contextmanager
def atomic_open(path: Path, mode: str = "w") -> Iterator[IO[Any]]:
    """Open a temp file next to ``path``; on clean exit it replaces ``path`` atomically."""
    path = Path(path)
    ensure_writable_dir(path.parent if str(path.parent) else Path("."))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        open_mode_as_umask(fd)
        with os.fdopen(fd, mode, encoding=None if "b" in mode else "utf-8") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_json(path: Path, obj: Any) -> None:
    with atomic_open(path) as fh:
        json.dump(obj, fh, indent=2, sort_keys=False, default=str)
        fh.write("\n")


def write_lines(path: Path, lines: Iterable[str]) -> int:
    n = 0
    with atomic_open(path) as fh:
        for line in lines:
            fh.write(line)
            fh.write("\n")
            n += 1
    return n
