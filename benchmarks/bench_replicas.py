"""Replica scaling: `omegactl eval --base-url a,b` against two local fake servers vs one.

    python benchmarks/bench_replicas.py [--problems 4000] [--latency 0.05] [--server-slots 16] [--concurrency 64]

Each replica is a separate ``python -m models.fake_server`` process with a per-request latency and a
capacity of ``--server-slots`` concurrent requests (beyond that it answers 429, like a loaded
inference server), so one replica serves at most about slots / latency requests per second. The same
eval (concurrency ``--concurrency``, AIMD on) runs against one replica and then against two; printed:
wall time, requests/s and the two-replica speed-up (ideal 2.0), plus how the requests were split.
Writes benchmarks/results/bench_replicas-<UTC time>.json.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_harness import MAX_TOKENS, build_problems  # noqa: E402
from common import fmt_rate, repo_env, write_result  # noqa: E402
from models.net import free_port  # noqa: E402


def start_replica(answers: Path, latency: float, slots: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "models.fake_server", "--port", str(port), "--answers", str(answers),
                             "--latency", str(latency), "--max-concurrent", str(slots), "--retry-after", "0.05"],
                            env=repo_env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    proc.stdout.readline()  # "fake OpenAI server on ..." once it listens
    return proc, f"http://127.0.0.1:{port}/v1"


def run_eval(urls: list[str], problems: Path, out: Path, concurrency: int) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "omegactl.cli", "eval", "--model", "openai:fake-model", "--base-url", ",".join(urls),
           "--problems", str(problems), "--out", str(out), "--concurrency", str(concurrency),
           "--max-tokens", str(MAX_TOKENS), "--max-retries", "20", "--model-args", "backoff_base_s=0.05,backoff_cap_s=0.5"]
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=repo_env(), capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"eval failed (exit {proc.returncode}): {proc.stderr[-1500:]}")
    manifest = json.loads((out / "manifest.json").read_text())
    stats = manifest.get("backend_stats", {})
    return {"replicas": len(urls), "wall_s": round(wall, 2), "samples": manifest.get("n_samples_done"),
            "requests_per_replica": [r.get("requests") for r in stats.get("replicas", [])],
            "rate_limited": stats.get("rate_limited"), "final_concurrency": stats.get("current_concurrency")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--problems", type=int, default=4000)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request at each replica")
    parser.add_argument("--server-slots", type=int, default=16, help="concurrent requests one replica serves")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="bench_replicas-"))
    procs = []
    try:
        problems = work / "problems.jsonl"
        rows = build_problems(args.problems, 0, problems)
        answers = work / "answers.jsonl"
        answers.write_text("".join(json.dumps({"prompt": r["prompt"], "response": f"\\boxed{{{r['answer']}}}"}) + "\n"
                                   for r in rows))
        for _ in range(2):
            procs.append(start_replica(answers, args.latency, args.server_slots))
        urls = [url for _, url in procs]
        runs = [run_eval(urls[:1], problems, work / "one", args.concurrency),
                run_eval(urls, problems, work / "two", args.concurrency)]
    finally:
        for proc, _ in procs:
            proc.terminate()
            proc.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    ideal = args.server_slots / args.latency
    print(f"{args.problems} problems; each replica: {args.latency * 1000:.0f} ms per request, {args.server_slots} "
          f"slots (at most {fmt_rate(ideal)} req/s); eval concurrency {args.concurrency}")
    for run in runs:
        run["rps"] = args.problems / run["wall_s"]
        print(f"  {run['replicas']} replica(s): wall {run['wall_s']:.1f}s, {fmt_rate(run['rps'])} req/s, requests per "
              f"replica {run['requests_per_replica']}, 429s {run['rate_limited']}")
    speedup = runs[0]["wall_s"] / runs[1]["wall_s"]
    print(f"  two-replica speed-up: {speedup:.2f}x (ideal 2.0)")
    path = write_result("bench_replicas", {"problems": args.problems, "latency_s": args.latency,
                                           "server_slots": args.server_slots, "concurrency": args.concurrency,
                                           "runs": runs, "speedup": round(speedup, 3)}, args.out)
    print(f"\nbench_replicas: two replicas {speedup:.2f}x one -> {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
