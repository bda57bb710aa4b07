"""Benchmark harness overhead: `omegactl eval` against a zero-latency local OpenAI-compatible server.

    python benchmarks/bench_harness.py [--problems 3000] [--concurrency 1,16,64,256] [--lm-eval-python PY]
                                       [--small 10000] [--big 100000] [--skip-throughput] [--skip-memory]

1. Throughput: a problem file of ``--problems`` problems (fast generators, int/decimal answers) is evaluated
   by ``omegactl eval`` (a subprocess, samples written and verified as in a real run) at each concurrency;
   the server (models.fake_server.FakeServer, in this process) answers every prompt at once with its gold
   answer. Reported: wall time of the whole command, requests/s over the wall time and over the request
   phase (first to last request seen by the server), and the CPU time (user + system) of the eval process and
   its children per request: on a shared machine req/s moves with the load, CPU per request much less.
2. The same prompts through lm-evaluation-harness's ``local-chat-completions`` model (``lm-eval`` with
   a generated task over the same prompts, ``--apply_chat_template --log_samples``), when ``lm_eval`` is
   importable by ``--lm-eval-python`` (default: this interpreter). The wall-time ratio lm-eval/omegactl
   is the headline figure.
3. Memory: peak RSS of the eval process (alone: verifier workers and the server are other processes) for
   ``--small`` and ``--big`` problems, and RSS sampled during the big run. If it grows with the run length,
   ``--where N`` runs N problems in-process under tracemalloc and lists the largest live allocations at the
   moment results are aggregated.
Writes benchmarks/results/bench_harness-<UTC time>.json and prints a one-line summary.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import fmt_rate, maxrss_command, read_maxrss_mib, repo_env, write_result  # noqa: E402

# Fast settings (thousands of problems per second) whose level spaces are large.
SOURCE_GROUPS = [
    ("arithmetic_gcd", "train", 1), ("arithmetic_gcd", "train", 2), ("arithmetic_gcd", "test_in", 1),
    ("arithmetic_gcd", "test_in", 2), ("arithmetic_gcd", "test_out", 3), ("arithmetic_gcd", "test_out", 4),
    ("arithmetic_gcd", "test_out", 5), ("geometry_polygon_color", "test_in", 1),
    ("geometry_polygon_color", "test_out", 3), ("combinatory_pattern_matching", "test_in", 1),
    ("logic_puzzles_grid_chip", "test_in", 1), ("logic_puzzles_grid_chip", "test_out", 3),
    ("numbertheory_qr_sum", "test_in", 1), ("numbertheory_qr_sum", "test_out", 2),
]
MAX_TOKENS = 64
# FakeServer listens with a deep backlog and TCP_NODELAY, so at concurrency 256 connections are not reset
# and at concurrency 1 no Nagle/delayed-ACK stall (~45 ms) is added to each request.

LM_EVAL_TASK = """task: omegactl_bench
dataset_path: json
dataset_kwargs:
  data_files:
    test: {docs}
test_split: test
output_type: generate_until
doc_to_text: "{{{{prompt}}}}"
doc_to_target: "{{{{answer}}}}"
generation_kwargs:
  until: []
  max_gen_toks: {max_tokens}
  do_sample: false
  temperature: 0.0
metric_list:
  - metric: exact_match
"""


# -- problems ---------------------------------------------------------------------------------------
def build_problems(n: int, seed: int, path: Path) -> list[dict]:
    """Write ``n`` distinct problem records to ``path``; return light (prompt, answer) rows.

    Groups are drawn evenly; a group whose level space runs out is dropped and the others make up the
    count (a group asked for more continues where it stopped: items are seeded per index).
    """
    from generators import registry
    from generators.family import GenerationError

    taken = {g: 0 for g in SOURCE_GROUPS}
    exhausted: set = set()
    rows: list[dict] = []
    with open(path, "w", encoding="utf-8") as fh:
        for _round in range(8):
            active = [g for g in SOURCE_GROUPS if g not in exhausted]
            if len(rows) >= n or not active:
                break
            share = math.ceil((n - len(rows)) / len(active))
            for group in active:
                name, split, level = group
                target = taken[group] + share
                try:
                    for index, rec in enumerate(registry.get_setting(name).records(split, n=target, seed=seed,
                                                                                   levels=(level,))):
                        if index < taken[group]:
                            continue
                        if len(rows) >= n:
                            break
                        fh.write(rec.to_json() + "\n")
                        rows.append({"prompt": rec.messages[-1].content, "answer": rec.ground_truth})
                        taken[group] += 1
                except GenerationError:
                    exhausted.add(group)
                if len(rows) >= n:
                    break
    if len(rows) < n:
        raise SystemExit(f"could only generate {len(rows)} distinct problems of {n}; add SOURCE_GROUPS")
    return rows


# -- server -----------------------------------------------------------------------------------------
class OracleServer:
    """FakeServer answering every prompt with its gold answer; records the request phase's timing."""

    def __init__(self, rows: list[dict]):
        from models.fake_server import FakeServer, last_user_text

        gold = self.gold = {r["prompt"]: r["answer"] for r in rows}
        self.first: float | None = None
        self.last: float | None = None
        self.count = 0
        lock = threading.Lock()

        def policy(messages, body):
            now = time.perf_counter()
            with lock:
                self.count += 1
                if self.first is None:
                    self.first = now
                self.last = now
            return f"The result is \\boxed{{{gold.get(last_user_text(messages), '0')}}}."

        self.server = FakeServer(policy)

    def __enter__(self) -> "OracleServer":
        self.server.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.stop()

    def add(self, rows: list[dict]) -> None:
        self.gold.update((r["prompt"], r["answer"]) for r in rows)

    def reset(self) -> None:
        self.first = self.last = None
        self.count = 0
        self.server.bodies.clear()  # the fake server keeps every body; do not let it grow across runs

    @property
    def phase_s(self) -> float | None:
        return (self.last - self.first) if self.first is not None and self.last is not None else None


# -- omegactl ---------------------------------------------------------------------------------------
def eval_cli_args(base_url: str, problems: Path, out: Path, concurrency: int) -> list[str]:
    return ["eval", "--model", "openai:fake-model", "--base-url", base_url, "--problems", str(problems),
            "--out", str(out), "--concurrency", str(concurrency), "--max-tokens", str(MAX_TOKENS),
            "--request-timeout", "60", "--max-retries", "2"]


def run_omegactl(server: OracleServer, problems: Path, work: Path, concurrency: int, n: int,
                 sample_rss: bool = False) -> dict:
    out = work / f"omegactl-c{concurrency}-{n}"
    shutil.rmtree(out, ignore_errors=True)
    rss_file = work / f"maxrss-c{concurrency}-{n}.txt"
    server.reset()
    cmd = maxrss_command(rss_file, eval_cli_args(server.server.base_url, problems, out, concurrency))
    cpu_before = _children_cpu_s()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=repo_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    samples: list[tuple[float, int, float]] = []
    if sample_rss:
        samples = _sample_rss(proc, out / "samples.jsonl", start)
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    cpu = _children_cpu_s() - cpu_before
    if proc.returncode != 0:
        raise SystemExit(f"omegactl eval failed (exit {proc.returncode}): {err.decode()[-1500:]}")
    manifest = json.loads((out / "manifest.json").read_text())
    results = json.loads((out / "results.json").read_text())
    row = {"harness": "omegactl", "concurrency": concurrency, "problems": n, "wall_s": round(wall, 3),
           "requests": server.count, "request_phase_s": round(server.phase_s or 0.0, 3),
           "rps_wall": n / wall, "rps_phase": n / server.phase_s if server.phase_s else None,
           "samples_done": manifest.get("n_samples_done"), "correct": results["overall"]["correct"],
           "peak_rss_mib": read_maxrss_mib(rss_file), "cpu_s": round(cpu, 2), "cpu_us_per_request": round(cpu / n * 1e6)}
    if sample_rss:
        row["rss_trace"] = [{"t_s": round(t, 1), "samples_written": k, "rss_mib": m} for t, k, m in samples]
    shutil.rmtree(out, ignore_errors=True)
    return row


def _children_cpu_s() -> float:
    """User + system CPU seconds of this process's finished (waited-for) children so far."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _sample_rss(proc: subprocess.Popen, samples_file: Path, start: float) -> list[tuple[float, int, float]]:
    """(seconds, samples written, RSS MiB) about every 2 s while the eval runs."""
    trace = []
    while proc.poll() is None:
        try:
            status = Path(f"/proc/{proc.pid}/status").read_text()
            rss = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")) / 1024
        except (OSError, StopIteration, ValueError):
            break
        try:
            with open(samples_file, "rb") as fh:
                written = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
        except FileNotFoundError:
            written = 0
        trace.append((time.perf_counter() - start, written, round(rss, 1)))
        time.sleep(2.0)
    return trace


# -- lm-evaluation-harness --------------------------------------------------------------------------
def lm_eval_available(python: str) -> tuple[bool, str]:
    try:
        out = subprocess.run([python, "-c", "import lm_eval, importlib.metadata as m; print(m.version('lm_eval'))"],
                             capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.SubprocessError) as exc:
        return False, str(exc)
    if out.returncode != 0:
        return False, (out.stderr.strip().splitlines() or ["import failed"])[-1]
    return True, out.stdout.strip()


def write_lm_eval_task(rows: list[dict], work: Path) -> Path:
    task_dir = work / "lm_eval_task"
    task_dir.mkdir(parents=True, exist_ok=True)
    docs = task_dir / "docs.jsonl"
    with open(docs, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    (task_dir / "omegactl_bench.yaml").write_text(LM_EVAL_TASK.format(docs=docs, max_tokens=MAX_TOKENS))
    return task_dir


def run_lm_eval(python: str, server: OracleServer, task_dir: Path, work: Path, concurrency: int, n: int) -> dict:
    out = work / f"lm_eval-c{concurrency}"
    shutil.rmtree(out, ignore_errors=True)
    server.reset()
    model_args = (f"model=fake-model,base_url={server.server.base_url}/chat/completions,"
                  f"num_concurrent={concurrency},max_retries=3,tokenized_requests=False,timeout=60")
    cmd = [python, "-m", "lm_eval", "--model", "local-chat-completions", "--model_args", model_args,
           "--tasks", "omegactl_bench", "--include_path", str(task_dir), "--apply_chat_template",
           "--output_path", str(out), "--log_samples"]
    env = dict(os.environ, HF_DATASETS_OFFLINE="1", HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false",
               HF_HOME=str(work / "hf_home"), OPENAI_API_KEY="not-needed")
    cpu_before = _children_cpu_s()
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    cpu = _children_cpu_s() - cpu_before
    if proc.returncode != 0:
        return {"harness": "lm-eval", "concurrency": concurrency, "error": (proc.stderr or proc.stdout)[-1500:]}
    logged = sum(1 for p in out.rglob("samples_*.jsonl") for _ in open(p, encoding="utf-8"))
    return {"harness": "lm-eval", "concurrency": concurrency, "problems": n, "wall_s": round(wall, 3),
            "requests": server.count, "request_phase_s": round(server.phase_s or 0.0, 3), "rps_wall": n / wall,
            "rps_phase": n / server.phase_s if server.phase_s else None, "samples_logged": logged,
            "cpu_s": round(cpu, 2), "cpu_us_per_request": round(cpu / n * 1e6)}


# -- where does memory go -----------------------------------------------------------------------------
REPO_PACKAGES = ("/omegactl/", "/models/", "/verifiers/", "/generators/")


def _repo_site(traceback) -> str:
    """The innermost frame of an allocation that lies in this repository's packages (else the innermost)."""
    frames = list(traceback)
    for frame in reversed(frames):  # most recent call last
        if any(p in frame.filename for p in REPO_PACKAGES) and "fake_server" not in frame.filename:
            return f"{frame.filename.split('/work/main/')[-1]}:{frame.lineno}"
    last = frames[-1]
    return f"{last.filename}:{last.lineno}"


def memory_sites(server: OracleServer, problems: Path, work: Path, top: int = 12) -> dict:
    """Run the eval in-process under tracemalloc; group live allocations at aggregation time by the line of
    omegactl/models/verifiers code that made them. A small warm-up run first keeps imports out of the trace."""
    import tracemalloc
    from collections import Counter

    import omegactl.eval.run as evaluate
    from omegactl.eval.config import EvalConfig

    taken: dict = {}
    original = evaluate.stream_aggregate

    def aggregate_and_measure(*args, **kwargs):
        if tracemalloc.is_tracing():
            taken["snapshot"] = tracemalloc.take_snapshot()
            taken["traced_mib"] = tracemalloc.get_traced_memory()[0] / 2**20
        return original(*args, **kwargs)

    def run(path: Path, out: Path) -> None:
        shutil.rmtree(out, ignore_errors=True)
        server.reset()
        cfg = EvalConfig(model="openai:fake-model", base_url=server.server.base_url, problems=str(path),
                         out=str(out), concurrency=64, max_tokens=MAX_TOKENS, max_retries=2, request_timeout=60)
        evaluate.EvalRun(cfg, argv=["omegactl", "eval"]).run(console=None, show_progress=False)
        shutil.rmtree(out, ignore_errors=True)

    warm = work / "warm.jsonl"
    with open(problems, encoding="utf-8") as src, open(warm, "w", encoding="utf-8") as dst:
        for _, line in zip(range(50), src):
            dst.write(line)
    run(warm, work / "warm")
    evaluate.stream_aggregate = aggregate_and_measure
    tracemalloc.start(6)
    try:
        run(problems, work / "where")
    finally:
        tracemalloc.stop()
        evaluate.stream_aggregate = original
    sizes: Counter = Counter()
    blocks: Counter = Counter()
    for stat in taken["snapshot"].statistics("traceback"):
        site = _repo_site(stat.traceback)
        if "fake_server" in site or "bench_harness" in site:
            continue  # the server's own bookkeeping lives in this process, not in the eval
        sizes[site] += stat.size
        blocks[site] += stat.count
    return {"traced_mib_at_aggregate": round(taken["traced_mib"], 1),
            "top": [{"site": site, "mib": round(size / 2**20, 2), "blocks": blocks[site]}
                    for site, size in sizes.most_common(top)]}


# -- main -----------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--problems", type=int, default=3000, help="problems for the throughput runs (default 3000)")
    parser.add_argument("--concurrency", default="1,16,64,256")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--lm-eval-python", default=sys.executable,
                        help="interpreter with lm_eval installed (default: this one)")
    parser.add_argument("--no-lm-eval", action="store_true")
    parser.add_argument("--small", type=int, default=10_000, help="problems of the small memory run")
    parser.add_argument("--big", type=int, default=100_000, help="problems of the big memory run")
    parser.add_argument("--where", type=int, default=0,
                        help="also trace allocations in-process for this many problems (0: skip)")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    levels = [int(x) for x in args.concurrency.split(",") if x.strip()]

    work = Path(tempfile.mkdtemp(prefix="bench_harness-"))
    payload: dict = {"problems": args.problems, "max_tokens": MAX_TOKENS, "concurrency": levels,
                     "server": "models.fake_server.FakeServer in the benchmark process, zero latency, "
                               "listen backlog 1024, TCP_NODELAY"}
    summary = []
    try:
        files: dict[int, Path] = {}
        rows_by_n: dict[int, list[dict]] = {}

        def problems_of(n: int) -> Path:
            if n not in files:
                t0 = time.perf_counter()
                files[n] = work / f"problems-{n}.jsonl"
                rows_by_n[n] = build_problems(n, args.seed, files[n])
                server.add(rows_by_n[n])
                print(f"generated {n} problems in {time.perf_counter() - t0:.1f}s", flush=True)
            return files[n]

        with OracleServer([]) as server:
            if not args.skip_throughput:
                path = problems_of(args.problems)
                payload["throughput"] = throughput(args, levels, server, path, rows_by_n[args.problems], work,
                                                   summary)
            if not args.skip_memory:
                payload["memory"] = memory(args, server, {n: problems_of(n) for n in (args.small, args.big)},
                                           work, summary)
            if args.where:
                payload["memory_sites"] = memory_sites(server, problems_of(args.where), work)
                print(f"\nlargest live allocations at aggregation ({args.where} problems, in-process, "
                      f"{payload['memory_sites']['traced_mib_at_aggregate']} MiB traced):")
                for s in payload["memory_sites"]["top"]:
                    print(f"  {s['mib']:8.1f} MiB  {s['blocks']:>8} blocks  {s['site']}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    path = write_result("bench_harness", payload, args.out)
    print(f"\nbench_harness: {'; '.join(summary)} -> {path}")
    return 0


def throughput(args, levels: list[int], server: OracleServer, problems: Path, rows: list[dict], work: Path,
               summary: list[str]) -> dict:
    n = args.problems
    lm_ok, lm_info = (False, "disabled by --no-lm-eval") if args.no_lm_eval else lm_eval_available(args.lm_eval_python)
    if not lm_ok:
        print(f"lm-evaluation-harness not available ({lm_info}); install the bench extra "
              "(pip install -e '.[bench]') or pass --lm-eval-python. Timing omegactl alone.")
    task_dir = write_lm_eval_task(rows, work) if lm_ok else None
    results = []
    print(f"\n{n} problems, zero-latency server, max_tokens {MAX_TOKENS}")
    print(f"{'concurrency':>11} {'harness':>9} {'wall s':>8} {'req/s (wall)':>13} {'req/s (requests)':>17} "
          f"{'CPU us/req':>11}   ratio")
    for c in levels:
        ours = run_omegactl(server, problems, work, c, n)
        results.append(ours)
        print(f"{c:>11} {'omegactl':>9} {ours['wall_s']:>8.1f} {fmt_rate(ours['rps_wall']):>13} "
              f"{fmt_rate(ours['rps_phase']):>17} {ours['cpu_us_per_request']:>11}", flush=True)
        if ours["samples_done"] != n or ours["correct"] != n:
            print(f"  warning: {ours['samples_done']} samples done, {ours['correct']} correct of {n}")
        if task_dir is not None:
            theirs = run_lm_eval(args.lm_eval_python, server, task_dir, work, c, n)
            results.append(theirs)
            if "error" in theirs:
                print(f"{c:>11} {'lm-eval':>9} failed: {theirs['error'][-300:]}")
                continue
            ratio = theirs["wall_s"] / ours["wall_s"]
            theirs["wall_ratio_vs_omegactl"] = ratio
            phase_ratio = (ours["rps_phase"] or 0) / theirs["rps_phase"] if theirs["rps_phase"] else None
            theirs["phase_rps_ratio_omegactl_vs_lm_eval"] = phase_ratio
            print(f"{c:>11} {'lm-eval':>9} {theirs['wall_s']:>8.1f} {fmt_rate(theirs['rps_wall']):>13} "
                  f"{fmt_rate(theirs['rps_phase']):>17} {theirs['cpu_us_per_request']:>11}   lm-eval/omegactl wall "
                  f"{ratio:.2f}x, omegactl/lm-eval request-phase req/s {phase_ratio or 0:.2f}x", flush=True)
    best = max((r for r in results if r["harness"] == "omegactl"), key=lambda r: r["rps_wall"])
    summary.append(f"omegactl {fmt_rate(best['rps_wall'])} req/s at concurrency {best['concurrency']}")
    ratios = [r["wall_ratio_vs_omegactl"] for r in results if "wall_ratio_vs_omegactl" in r]
    if ratios:
        summary.append("lm-eval/omegactl wall " + ", ".join(
            f"c{r['concurrency']} {r['wall_ratio_vs_omegactl']:.2f}x" for r in results if "wall_ratio_vs_omegactl" in r))
    return {"lm_eval": lm_info if lm_ok else None, "lm_eval_unavailable": None if lm_ok else lm_info, "runs": results}


def memory(args, server: OracleServer, files: dict[int, Path], work: Path, summary: list[str]) -> dict:
    print("\npeak RSS of the eval process (concurrency 64)")
    runs = []
    for n in (args.small, args.big):
        row = run_omegactl(server, files[n], work, 64, n, sample_rss=(n == args.big))
        runs.append(row)
        print(f"  {n:>7} problems: peak {row['peak_rss_mib']} MiB, wall {row['wall_s']:.0f}s "
              f"({fmt_rate(row['rps_wall'])} req/s)", flush=True)
    small, big = runs
    growth = (big["peak_rss_mib"] or 0) - (small["peak_rss_mib"] or 0)
    per_10k = growth / ((args.big - args.small) / 10_000) if args.big > args.small else 0.0
    print(f"  growth: {growth:.0f} MiB for {args.big - args.small} more problems = {per_10k:.1f} MiB per 10k problems")
    if big.get("rss_trace"):
        pts = big["rss_trace"]
        picks = [pts[int(i * (len(pts) - 1) / 4)] for i in range(5)]
        print("  RSS during the big run: " + ", ".join(f"{p['samples_written']} done {p['rss_mib']:.0f} MiB" for p in picks))
    summary.append(f"eval peak RSS {small['peak_rss_mib']} MiB @ {args.small}, {big['peak_rss_mib']} MiB @ {args.big}")
    return {"runs": runs, "growth_mib": round(growth, 1), "mib_per_10k_problems": round(per_10k, 2)}


if __name__ == "__main__":
    raise SystemExit(main())
