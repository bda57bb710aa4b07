"""A small persistent pool of sympy worker processes with a wall-clock limit per call.

Why processes and not SIGALRM: signals only work in the main thread, and a thread cannot be killed. Each
worker is ``python -m verifiers.worker`` talking JSON lines over pipes; a call that overruns its limit gets
its worker killed (SIGKILL) and a fresh one started in the background, and the caller receives a
"timeout" result and carries on. Worker start-up (importing sympy) is not charged to the call's limit.

Thread-safe (a condition variable hands out idle workers) and fork-safe (a forked child builds its own
pool instead of sharing the parent's pipes). Size: OMEGACTL_VERIFIER_WORKERS (default min(2, cpus)).
"""
from __future__ import annotations

import atexit
import json
import os
import re
import select
import subprocess
import sys
import threading
import time

STARTUP_TIMEOUT_S = 60.0
_PACKAGE_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class WorkerDied(RuntimeError):
    pass


# what a worker needs from the environment; nothing else is passed on (API keys and tokens stay behind)
_ENV_NAMES = frozenset({"PATH", "HOME", "USER", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TEMP", "TMP", "SYSTEMROOT",
                        "VIRTUAL_ENV", "CONDA_PREFIX", "LD_LIBRARY_PATH"})
_SECRET_NAME = re.compile(r"(?i)key|token|secret|passw|credential|auth")
_ENV_PREFIXES = ("LC_", "PYTHON", "OMEGACTL_VERIFIER_", "SYMPY_", "MPMATH_", "OMP_", "OPENBLAS_", "MKL_")


def worker_env() -> dict[str, str]:
    """The environment a worker starts with: an allow-list of the parent's variables, no credentials."""
    return {k: v for k, v in os.environ.items()
            if (k in _ENV_NAMES or k.startswith(_ENV_PREFIXES)) and not _SECRET_NAME.search(k)}


class _Worker:
    def __init__(self) -> None:
        env = worker_env()
        env["PYTHONPATH"] = _PACKAGE_PARENT + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "verifiers.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            close_fds=True,
        )
        self.fd = self.proc.stdout.fileno()
        self.buffer = b""
        self.ready = False
        self.next_id = 0

    def _readline(self, deadline: float) -> bytes | None:
        while b"\n" not in self.buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            readable, _, _ = select.select([self.fd], [], [], remaining)
            if not readable:
                return None
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                raise WorkerDied("worker exited")
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line

    def wait_ready(self, timeout_s: float) -> bool:
        if not self.ready:
            line = self._readline(time.monotonic() + timeout_s)
            self.ready = line is not None and json.loads(line).get("ready") is True
        return self.ready

    def call(self, request: dict, timeout_s: float) -> dict | None:
        """The worker's answer, or None when it did not answer within ``timeout_s``."""
        self.next_id += 1
        request = dict(request, id=self.next_id)
        try:
            self.proc.stdin.write((json.dumps(request) + "\n").encode("utf-8"))
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise WorkerDied("worker pipe closed") from exc
        deadline = time.monotonic() + timeout_s
        while True:
            line = self._readline(deadline)
            if line is None:
                return None
            answer = json.loads(line)
            if answer.get("id") == self.next_id:
                return answer

    def kill(self) -> None:
        try:
            self.proc.kill()
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            pass
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass


def _result(reason: str) -> dict:
    return {"correct": False, "parsed": None, "method": "none", "reason": reason}


class SymbolicPool:
    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self.pid = os.getpid()
        self._idle: list[_Worker] = []
        self._alive = 0
        self._cond = threading.Condition()
        self.timeouts = 0
        self.calls = 0

    def _acquire(self) -> _Worker:
        with self._cond:
            self.calls += 1
            while not self._idle and self._alive >= self.size:
                self._cond.wait()
            if self._idle:
                return self._idle.pop()
            self._alive += 1
        try:
            return _Worker()
        except Exception:
            with self._cond:
                self._alive -= 1
                self._cond.notify()
            raise

    def _release(self, worker: _Worker | None, replace: bool) -> None:
        fresh = None
        if worker is None and replace:
            try:
                fresh = _Worker()  # start the replacement now so its sympy import overlaps other work
            except Exception:  # noqa: BLE001
                fresh = None
        with self._cond:
            if worker is not None:
                self._idle.append(worker)
            elif fresh is not None:
                self._idle.append(fresh)
            else:
                self._alive -= 1
            self._cond.notify()

    def warm_up(self) -> None:
        """Start every worker now (optional; the first calls otherwise pay the start-up)."""
        workers = [self._acquire() for _ in range(self.size)]
        for w in workers:
            w.wait_ready(STARTUP_TIMEOUT_S)
            self._release(w, replace=False)

    def run(self, request: dict, timeout_s: float) -> dict:
        """Run one comparison in a worker; never raises, never exceeds ``timeout_s`` of compute."""
        worker = self._acquire()
        try:
            if not worker.wait_ready(STARTUP_TIMEOUT_S):
                worker.kill()
                worker = None
                return _result("sandbox unavailable")
            answer = worker.call(request, max(0.01, timeout_s))
            if answer is None:
                with self._cond:
                    self.timeouts += 1
                worker.kill()
                worker = None
                return _result("timeout")
            return answer
        except (WorkerDied, ValueError, OSError):
            if worker is not None:
                worker.kill()
            worker = None
            return _result("error: worker died")
        finally:
            self._release(worker, replace=worker is None)

    def shutdown(self) -> None:
        with self._cond:
            idle, self._idle = self._idle, []
            self._alive -= len(idle)
        for w in idle:
            w.kill()


_POOL: SymbolicPool | None = None
_POOL_LOCK = threading.Lock()


def default_size() -> int:
    try:
        return max(1, int(os.environ["OMEGACTL_VERIFIER_WORKERS"]))
    except (KeyError, ValueError):
        return max(1, min(2, os.cpu_count() or 1))


def get_pool() -> SymbolicPool:
    global _POOL
    with _POOL_LOCK:
        if _POOL is None or _POOL.pid != os.getpid():
            _POOL = SymbolicPool(default_size())
        return _POOL


def _shutdown_at_exit() -> None:
    if _POOL is not None and _POOL.pid == os.getpid():
        _POOL.shutdown()


atexit.register(_shutdown_at_exit)
