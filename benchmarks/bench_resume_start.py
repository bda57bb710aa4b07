"""Benchmark: how long a resumed `omegactl eval --suite default` takes to send its first request (issue 18).

    python benchmarks/bench_resume_start.py [--suite default] [--partial 2000] [--repeat 3] [--code DIR]
                                            [--cache-dir DIR]

1. A partial run folder: ``omegactl eval --suite SUITE --out RUN`` against a zero-latency local fake server
   (``models.fake_server.FakeServer`` in this process), stopped with SIGTERM (resumable) once ``--partial``
   samples are logged. The suite is built once into ``--cache-dir`` (``OMEGACTL_CACHE_DIR``; kept, so a
   second invocation starts at once).
2. The same command again, ``--repeat`` times: the time from starting the process to the first request
   reaching the server, then SIGTERM. Target: under 15 s.

``--code DIR`` measures another source tree (e.g. an extract of main) with the same partial folder
recipe. Writes benchmarks/results/bench_resume_start-<UTC time>.json and prints a one-line summary.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REPO_ROOT, write_result  # noqa: E402

TARGET_S = 15.0


class FirstRequestServer:
    """A fake server that answers every prompt with 0 and notes when each request arrives."""

    def __init__(self):
        from models.fake_server import FakeServer

        self.arrivals: list[float] = []
        self._lock = threading.Lock()

        def policy(messages, body):
            with self._lock:
                self.arrivals.append(time.perf_counter())
            return "The answer is \\boxed{0}."

        self.server = FakeServer(policy)

    def reset(self) -> None:
        with self._lock:
            self.arrivals.clear()
        self.server.bodies.clear()


def _lines(path: Path) -> int:
    try:
        with open(path, "rb") as fh:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
    except FileNotFoundError:
        return 0


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suite", default="default")
    parser.add_argument("--partial", type=int, default=2000, help="samples logged before the first run is stopped")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--code", type=Path, default=REPO_ROOT)
    parser.add_argument("--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "omegactl-bench-cache")
    parser.add_argument("--timeout", type=float, default=900.0, help="give up on one step after this many seconds")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    code = args.code.resolve()
    env = dict(os.environ, OMEGACTL_CACHE_DIR=str(args.cache_dir))
    env["PYTHONPATH"] = str(code) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    work = Path(tempfile.mkdtemp(prefix="bench_resume_start-"))
    run = work / "run"
    fake = FirstRequestServer()
    # the eval is stopped with SIGTERM mid-request: its dropped connections are expected, not worth a traceback
    fake.server._httpd.handle_error = lambda request, client_address: None
    fake.server.start()
    times: list[float] = []
    try:
        cmd = [sys.executable, "-m", "omegactl.cli", "eval", "--model", "openai:fake-model", "--base-url",
               fake.server.base_url, "--suite", args.suite, "--out", str(run), "--concurrency", "32",
               "--max-tokens", "64", "--request-timeout", "60"]
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, cwd=str(code), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        while _lines(run / "samples.jsonl") < args.partial:
            if proc.poll() is not None:
                raise SystemExit(f"the first run ended before {args.partial} samples: {proc.stderr.read().decode()[-800:]}")
            if time.perf_counter() - start > args.timeout:
                _stop(proc)
                raise SystemExit("the first run took too long")
            time.sleep(0.2)
        _stop(proc)
        partial = _lines(run / "samples.jsonl")
        first_s = time.perf_counter() - start
        print(f"partial run: {partial} samples logged, stopped after {first_s:.0f}s (suite built or read from "
              f"{args.cache_dir})", flush=True)
        for i in range(args.repeat):
            fake.reset()
            t0 = time.perf_counter()
            proc = subprocess.Popen(cmd, env=env, cwd=str(code), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            while not fake.arrivals:
                if proc.poll() is not None:
                    raise SystemExit(f"the resumed run ended without a request: {proc.stderr.read().decode()[-800:]}")
                if time.perf_counter() - t0 > args.timeout:
                    _stop(proc)
                    raise SystemExit("the resumed run sent nothing")
                time.sleep(0.01)
            elapsed = fake.arrivals[0] - t0
            _stop(proc)
            times.append(elapsed)
            print(f"resume {i + 1}: first request after {elapsed:.2f}s ({_lines(run / 'samples.jsonl')} samples "
                  f"logged now)", flush=True)
    finally:
        fake.server.stop()
        shutil.rmtree(work, ignore_errors=True)
    med = statistics.median(times)
    verdict = "meets" if med < TARGET_S else "misses"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    path = write_result("bench_resume_start", {"code": str(code), "suite": args.suite, "partial": partial,
                                               "first_request_s": [round(t, 3) for t in times],
                                               "median_s": round(med, 3), "target_s": TARGET_S,
                                               "loadavg_1min": load}, args.out)
    print(f"\nbench_resume_start: resumed --suite {args.suite} first request after {med:.2f}s median of "
          f"{len(times)} ({verdict} the < {TARGET_S:.0f}s target; load {load:.1f}) -> {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
