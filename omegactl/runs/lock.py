"""One writer per run folder: an exclusive ``flock`` on ``<run>/.omegactl.lock``.

``eval``, ``score`` and anything else that rewrites files in a run folder hold the lock for as long as they
write there; a second process does not wait, it stops with exit 2 and one line naming the holder's PID.
Readers (``report``, ``gate``) take no lock: the samples log is append-only and a torn last line is ignored.

The lock file holds the holder's PID and is removed on release. Because a file can be unlinked between a
process opening it and locking it, the holder checks after locking that the path still names the file it
locked, and starts over if not; a crash (even ``kill -9``) releases the lock with the process.
"""
from __future__ import annotations

import errno
import fcntl
import os
import time
from pathlib import Path

from omegactl.common.errors import UserError

LOCK_NAME = ".omegactl.lock"


class RunLock:
    """Context manager: ``with RunLock(folder, "eval"): ...`` (the folder must exist)."""

    def __init__(self, folder: Path, action: str = "write"):
        self.folder = Path(folder)
        self.path = self.folder / LOCK_NAME
        self.action = action
        self.fd: int | None = None

    def acquire(self) -> "RunLock":
        for _ in range(50):
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            except OSError as exc:
                raise UserError(f"cannot lock run folder {str(self.folder)!r}: {exc.strerror or exc}") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                os.close(fd)
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                    raise UserError(f"cannot lock run folder {str(self.folder)!r}: {exc.strerror or exc}") from None
                raise UserError(f"{self.folder} is in use by another omegactl process (PID {self._holder()}); "
                                f"wait for it to finish or stop it, then run `{self.action}` again") from None
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if not same:  # the previous holder removed the file after we opened it: lock the current one
                os.close(fd)
                continue
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            self.fd = fd
            return self
        raise UserError(f"cannot lock run folder {str(self.folder)!r}: the lock file keeps changing")

    def _holder(self) -> str:
        """The PID written by the holder (it writes it right after locking, so wait a moment for it)."""
        for _ in range(20):
            try:
                text = self.path.read_text(encoding="ascii", errors="replace").strip()
            except OSError:
                text = ""
            if text.isdigit():
                return text
            time.sleep(0.01)
        return "unknown"

    def release(self) -> None:
        if self.fd is None:
            return
        try:
            os.unlink(self.path)  # still locked: nobody else can be holding this file
        except FileNotFoundError:
            pass
        os.close(self.fd)
        self.fd = None

    def __enter__(self) -> "RunLock":
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
