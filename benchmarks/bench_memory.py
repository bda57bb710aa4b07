"""Benchmark eval memory: peak RSS of `omegactl eval` at N = 10,000 and 100,000 problems (issue 23, item 2).

    python benchmarks/bench_memory.py [--small 10000] [--big 100000] [--concurrency 64] [--code DIR]
                                      [--problems-dir DIR] [--no-trace]

A problem file of N records from fast generators (``bench_harness.build_problems``; kept in
``--problems-dir`` and reused when it is there) is evaluated by ``omegactl eval --problems FILE`` in a
subprocess against the zero-latency oracle server of ``bench_harness`` (in this process). A wrapper
records, when the eval exits, the peak RSS of the eval process itself (VmHWM) and of its largest child (the
forked verifier process); RSS and the peak so far (VmHWM) of the eval process are sampled every second during the big run. Printed:
both peaks per N and the ratio big/small (target: the eval process's ratio ≤ 1.10).

``--code DIR`` measures another tree (e.g. ``git worktree add /tmp/before main`` or a ``git archive``
extract of main): its ``omegactl``, ``models``, ``verifiers`` and ``generators`` are imported by the eval
subprocess, so before/after figures come from the same problem files and server.
Writes benchmarks/results/bench_memory-<UTC time>.json and prints a one-line summary.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_harness import OracleServer, build_problems, eval_cli_args  # noqa: E402
from common import REPO_ROOT, fmt_rate, write_result  # noqa: E402

TARGET_RATIO = 1.10

# Runs the CLI and, at exit, writes {"self_kib", "children_kib"}: peak RSS of this process and of its
# largest waited-for descendant (the verifier process is joined before the eval exits). The process's own
# peak is VmHWM from /proc, not ru_maxrss: Linux seeds ru_maxrss at exec with the RSS of the process that
# forked it (here the benchmark, which holds every prompt of the oracle), so it overstates a small child.
_WRAPPER = (
    "import atexit, json, resource, sys\n"
    "out = sys.argv[1]\n"
    "def _hwm():\n"
    "    try:\n"
    "        with open('/proc/self/status') as fh:\n"
    "            return next(int(l.split()[1]) for l in fh if l.startswith('VmHWM:'))\n"
    "    except (OSError, StopIteration):\n"
    "        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "def _dump():\n"
    "    with open(out, 'w') as fh:\n"
    "        json.dump({'self_kib': _hwm(), 'maxrss_kib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,\n"
    "                   'children_kib': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}, fh)\n"
    "atexit.register(_dump)\n"
    "sys.argv = ['omegactl'] + sys.argv[2:]\n"
    "from omegactl.cli import main\n"
    "main()\n"
)


def problem_file(n: int, seed: int, folder: Path) -> tuple[Path, list[dict]]:
    """A file of ``n`` problems (reused when present) and its (prompt, answer) rows for the oracle."""
    path = folder / f"bench-memory-problems-{n}-seed{seed}.jsonl"
    if path.exists():
        rows = []
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                rows.append({"prompt": rec["messages"][-1]["content"], "answer": rec["ground_truth"]})
        if len(rows) == n:
            return path, rows
    t0 = time.perf_counter()
    tmp = path.with_suffix(".tmp")
    rows = build_problems(n, seed, tmp)
    os.replace(tmp, path)
    print(f"generated {n} problems in {time.perf_counter() - t0:.1f}s -> {path}", flush=True)
    return path, rows


def run_eval(server: OracleServer, code: Path, problems: Path, work: Path, n: int, concurrency: int,
             trace: bool) -> dict:
    out = work / f"run-{n}"
    shutil.rmtree(out, ignore_errors=True)
    rss_file = work / f"rss-{n}.json"
    server.reset()
    env = dict(os.environ)
    env["PYTHONPATH"] = str(code) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    cmd = [sys.executable, "-c", _WRAPPER, str(rss_file),
           *eval_cli_args(server.server.base_url, problems, out, concurrency)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=str(code), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    samples = []
    if trace:
        while proc.poll() is None:
            try:
                status = Path(f"/proc/{proc.pid}/status").read_text()
                rss = next(int(x.split()[1]) for x in status.splitlines() if x.startswith("VmRSS:")) / 1024
                hwm = next(int(x.split()[1]) for x in status.splitlines() if x.startswith("VmHWM:")) / 1024
                samples.append((round(time.perf_counter() - start, 1), server.count, round(rss, 1), round(hwm, 1)))
            except (OSError, StopIteration, ValueError):
                pass
            time.sleep(1.0)
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"omegactl eval failed (exit {proc.returncode}): {err.decode()[-1500:]}")
    rss = json.loads(rss_file.read_text())
    results = json.loads((out / "results.json").read_text())
    shutil.rmtree(out, ignore_errors=True)
    row = {"problems": n, "concurrency": concurrency, "wall_s": round(wall, 1), "requests": server.count,
           "rps_wall": n / wall, "samples": results["n_samples"], "correct": results["overall"]["correct"],
           "peak_rss_mib": round(rss["self_kib"] / 1024, 1),
           "peak_child_rss_mib": round(rss["children_kib"] / 1024, 1),
           "ru_maxrss_mib": round(rss["maxrss_kib"] / 1024, 1)}
    if trace:
        # peak_so_far_mib (VmHWM) tells when the peak was reached, even between two samples
        row["rss_trace"] = [{"t_s": t, "requests": k, "rss_mib": m, "peak_so_far_mib": h} for t, k, m, h in samples]
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--big", type=int, default=100_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--code", type=Path, default=REPO_ROOT,
                        help="source tree whose omegactl is measured (default: this repository)")
    parser.add_argument("--problems-dir", type=Path, default=Path(tempfile.gettempdir()),
                        help="where the generated problem files are kept and reused")
    parser.add_argument("--no-trace", action="store_true", help="do not sample RSS during the big run")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    code = args.code.resolve()
    args.problems_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="bench_memory-"))
    runs = []
    try:
        files = {n: problem_file(n, args.seed, args.problems_dir) for n in (args.small, args.big)}
        with OracleServer([]) as server:
            for n in (args.small, args.big):
                server.gold.clear()
                server.add(files[n][1])
                row = run_eval(server, code, files[n][0], work, n, args.concurrency,
                               trace=(n == args.big and not args.no_trace))
                runs.append(row)
                print(f"{n:>7} problems: eval process peak RSS {row['peak_rss_mib']:.0f} MiB, largest child "
                      f"{row['peak_child_rss_mib']:.0f} MiB; wall {row['wall_s']:.0f}s ({fmt_rate(row['rps_wall'])} "
                      f"req/s); {row['samples']} samples, {row['correct']} correct", flush=True)
                if row["samples"] != n or row["correct"] != n:
                    print(f"  warning: expected {n} samples, all correct")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    small, big = runs
    ratio = big["peak_rss_mib"] / small["peak_rss_mib"]
    child_ratio = big["peak_child_rss_mib"] / small["peak_child_rss_mib"] if small["peak_child_rss_mib"] else None
    verdict = "meets" if ratio <= TARGET_RATIO else "misses"
    print(f"ratio {args.big}/{args.small}: eval process {ratio:.3f} ({verdict} the ≤ {TARGET_RATIO:.2f} target), "
          f"largest child {child_ratio:.3f}" if child_ratio else "")
    if big.get("rss_trace"):
        pts = big["rss_trace"]
        picks = [pts[int(i * (len(pts) - 1) / 4)] for i in range(5)] if len(pts) >= 5 else pts
        print("RSS during the big run: " + ", ".join(f"{p['requests']} requests {p['rss_mib']:.0f} MiB" for p in picks))
    payload = {"code": str(code), "concurrency": args.concurrency, "runs": runs, "ratio": round(ratio, 4),
               "child_ratio": round(child_ratio, 4) if child_ratio else None, "target_ratio": TARGET_RATIO}
    path = write_result("bench_memory", payload, args.out)
    print(f"\nbench_memory: peak RSS {small['peak_rss_mib']:.0f} MiB @ {args.small}, {big['peak_rss_mib']:.0f} MiB "
          f"@ {args.big}, ratio {ratio:.3f} -> {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
