"""Benchmark problem generation: problems per second per setting and split, worker scaling, peak memory.

    python benchmarks/bench_generation.py [--n 3] [--seed 0] [--workers 2] [--settings a,b] [--suite default]

Pass 1 generates every (setting, split) job in this process, one after another (per-setting rates).
Pass 2 (when ``--workers`` > 1) generates the same jobs in a process pool and checks that every job's
bytes are identical to pass 1 (items are seeded per item, so the worker count must not matter).
``--suite NAME`` also times the jobs of an eval suite (``default``: 50 problems per level of every
setting; about 15 minutes on 2 cores) with the pool. The original OMEGA generator cannot be run here
(it is not on PyPI and needs OpenCV, matplotlib and a 64-process pool), so its per-item work is printed
from the reference notes as a labelled description, not as a measurement.
``--before REF`` (a git revision, e.g. the commit before a speed change) times every chosen setting
per split in that revision and in this tree, in alternating subprocesses with the same seed, and prints
before/after rates, the speed-up and whether the bytes are identical.
``--target`` times the CLI itself, as a user runs it: ``omegactl generate --axis exploratory --split train
--n 100 --seed 1`` plus the same for ``--split test_out`` with ``--workers 1`` and with ``--workers``
(the issue-18 target: under 60 s in total on 2 cores), compares the files of the two runs byte for byte,
and times ``omegactl eval --suite default --dry-run`` with an empty suite cache and again with the cache
filled (targets: under 120 s and under 15 s). ``--target-n`` scales the 100 down for a quick look.
Writes benchmarks/results/bench_generation-<UTC time>.json and prints a one-line summary.
"""
from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import fmt_rate, peak_rss_mib, write_result  # noqa: E402

# What the original generator does per item, from the reference notes (shared/spec/OMEGA.md).
ORIGINAL_PER_ITEM_WORK = [
    ("geometry_polygon_rotation", "draws the figure into a 10000x10000 PIL image and counts polygon sides with "
     "OpenCV connected components + approxPolyDP, per problem"),
    ("algebra_func_* (function families)", "renders a matplotlib plot to a base64 PNG for every problem; roots "
     "from a 5000-point sign scan + scipy fsolve"),
    ("geometry_basic/circle/triangle/polygon", "tries 500-3000 random constructions per requested problem (by "
     "level), re-runs each surviving one 20 times to test invariance, in a 64-process pool"),
    ("arithmetic_matrix_* (determinant, rank, ...)", "float numpy linear algebra with integer-closeness "
     "rejection loops (no exact check)"),
]


@dataclass(frozen=True)
class Job:
    setting: str
    split: str
    n: int
    seed: int
    levels: tuple[int, ...] | None = None


@dataclass
class JobResult:
    setting: str
    split: str
    count: int
    seconds: float
    sha256: str
    n_bytes: int
    error: str | None = None
    traced_peak_mib: float | None = None


def run_job(job: Job, trace: bool = False) -> JobResult:
    """Generate one (setting, split) job; the digest covers the exact JSONL bytes."""
    from generators import registry
    from generators.family import GenerationError

    setting = registry.get_setting(job.setting)
    digest = hashlib.sha256()
    count = n_bytes = 0
    error = None
    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    try:
        for rec in setting.records(job.split, n=job.n, seed=job.seed, levels=job.levels):
            line = (rec.to_json() + "\n").encode("utf-8")
            digest.update(line)
            n_bytes += len(line)
            count += 1
    except GenerationError as exc:
        error = str(exc).splitlines()[0][:300]
    seconds = time.perf_counter() - start
    traced = None
    if trace:
        traced = round(tracemalloc.get_traced_memory()[1] / 2**20, 2)
        tracemalloc.stop()
    return JobResult(job.setting, job.split, count, seconds, digest.hexdigest(), n_bytes, error, traced)


def _run_job_untraced(job: Job) -> JobResult:
    return run_job(job, trace=False)


def plan_jobs(names: list[str] | None, n: int, seed: int) -> list[Job]:
    from generators import registry

    settings = registry.settings()
    chosen = names or list(settings)
    unknown = [x for x in chosen if x not in settings]
    if unknown:
        raise SystemExit(f"unknown setting(s): {', '.join(unknown)} (see `omegactl ls`)")
    return [Job(name, split, n, seed) for name in chosen for split in settings[name].splits]


def suite_jobs(suite_name: str, seed: int | None) -> list[Job]:
    from omegactl.eval.suites import SUITE_SEED, get_suite

    suite = get_suite(suite_name)
    use_seed = SUITE_SEED if seed is None else seed
    return [Job(e.setting, e.split, e.n, use_seed, e.levels) for e in suite.resolve()]


def _load_registry() -> None:
    from generators import registry
    from omegactl.common.allocator import tune_allocator

    tune_allocator()  # as the CLI's generation workers do
    registry.load_all()


def run_pool(jobs: list[Job], workers: int, expected_seconds: dict[tuple[str, str], float] | None = None,
             start_method: str = "spawn") -> tuple[list[JobResult], float]:
    """Run jobs in a process pool (longest expected first); results come back in the jobs' order.

    The wall time includes starting the workers and importing the families in them. ``spawn`` (the
    default) gives fresh workers; ``fork`` would hand them the caches pass 1 warmed in this process,
    which flatters the parallel figure.
    """
    order = list(range(len(jobs)))
    if expected_seconds:
        order.sort(key=lambda i: -expected_seconds.get((jobs[i].setting, jobs[i].split), 0.0))
    start = time.perf_counter()
    context = multiprocessing.get_context(start_method)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_load_registry) as pool:
        futures = {i: pool.submit(_run_job_untraced, jobs[i]) for i in order}
        results = [futures[i].result() for i in range(len(jobs))]
    return results, time.perf_counter() - start


def per_setting(results: list[JobResult]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for r in results:
        row = out.setdefault(r.setting, {"problems": 0, "seconds": 0.0, "splits": {}, "errors": []})
        row["problems"] += r.count
        row["seconds"] += r.seconds
        row["splits"][r.split] = {"problems": r.count, "seconds": round(r.seconds, 4),
                                  "per_s": r.count / r.seconds if r.seconds else None}
        if r.error:
            row["errors"].append(f"{r.split}: {r.error}")
    for row in out.values():
        row["per_s"] = row["problems"] / row["seconds"] if row["seconds"] else None
        row["seconds"] = round(row["seconds"], 4)
    return out


def print_table(rows: dict[str, dict]) -> None:
    print(f"\n{'setting':<52}{'problems':>9}{'seconds':>9}{'per s':>9}   slowest split")
    for name, row in sorted(rows.items(), key=lambda kv: (kv[1]["per_s"] or 0)):
        slow = min(row["splits"].items(), key=lambda kv: kv[1]["per_s"] or float("inf"))
        flag = "  ERROR" if row["errors"] else ""
        print(f"{name:<52}{row['problems']:>9}{row['seconds']:>9.2f}{fmt_rate(row['per_s']):>9}   "
              f"{slow[0]} {fmt_rate(slow[1]['per_s'])}/s{flag}")


def combined_digest(results: list[JobResult]) -> str:
    h = hashlib.sha256()
    for r in results:
        h.update(f"{r.setting}\x1f{r.split}\x1f{r.sha256}\n".encode())
    return h.hexdigest()


def print_original_comparison() -> None:
    print("\nCOMPARISON WITH THE ORIGINAL OMEGA GENERATOR (described, not measured: its code is not installable "
          "here)")
    for family, work in ORIGINAL_PER_ITEM_WORK:
        print(f"  original {family}: {work}")
    print("  omegactl does the same families with exact arithmetic, no images and no plotting, one process per "
          "worker; see the rates above.")


# ---------------------------------------------------------------- before/after and the CLI targets

_RATES_SNIPPET = """
import hashlib, json, sys, time
from generators import registry
registry.load_all()
out = {}
name, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
s = registry.get_setting(name)
for split in s.splits:
    h, c, t = hashlib.sha256(), 0, time.perf_counter()
    for r in s.records(split, n=n, seed=seed):
        h.update((r.to_json() + "\\n").encode()); c += 1
    out[split] = [c, time.perf_counter() - t, h.hexdigest()]
print(json.dumps(out))
"""


def _rates_in(tree: Path, name: str, n: int, seed: int) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree))
    proc = subprocess.run([sys.executable, "-c", _RATES_SNIPPET, name, str(n), str(seed)], cwd=str(tree), env=env,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1][:300]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def before_after(ref: str, names: list[str], n: int, seed: int) -> list[dict]:
    """Per (setting, split): problems/s in revision ``ref`` and in this tree, same seed, alternating."""
    from common import REPO_ROOT

    tmp = Path(tempfile.mkdtemp(prefix="omegactl-before-"))
    try:
        archive = subprocess.run(["git", "-C", str(REPO_ROOT), "archive", ref], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive, check=True)
        rows = []
        print(f"\nbefore ({ref}) / after (this tree): {n} problems per level, seed {seed}, 1 process each")
        print(f"{'setting/split':<60}{'before/s':>10}{'after/s':>10}{'x':>8}  bytes")
        for name in names:
            old, new = _rates_in(tmp, name, n, seed), _rates_in(REPO_ROOT, name, n, seed)
            for split in new if "error" not in new else []:
                c1, t1, h1 = new[split]
                c0, t0, h0 = old.get(split, [0, 0.0, None]) if "error" not in old else (0, 0.0, None)
                row = {"setting": name, "split": split, "problems": c1, "before_s": round(t0, 3),
                       "after_s": round(t1, 3), "before_per_s": c0 / t0 if t0 else None,
                       "after_per_s": c1 / t1 if t1 else None, "speedup": t0 / t1 if t0 and t1 else None,
                       "same_bytes": h0 == h1}
                rows.append(row)
                print(f"{name + '/' + split:<60}{fmt_rate(row['before_per_s']):>10}{fmt_rate(row['after_per_s']):>10}"
                      f"{(row['speedup'] or 0):>8.2f}  {'same' if row['same_bytes'] else 'DIFFERENT'}", flush=True)
        tb, ta = sum(r["before_s"] for r in rows), sum(r["after_s"] for r in rows)
        if ta:
            print(f"{'total':<60}{'':>10}{'':>10}{tb / ta:>8.2f}  ({tb:.1f}s -> {ta:.1f}s)")
        return rows
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


_CPU_SPENT: list[float] = [0.0]  # CPU seconds (user + system) of the last _cli command and its workers


def _children_cpu() -> float:
    import resource

    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _cli(args: list[str], cache: Path) -> tuple[float, int, str]:
    """(wall seconds, exit code, last stderr line); the CPU seconds of the command and of every worker it
    waited for go to ``_CPU_SPENT[0]`` (on a shared machine the wall time depends on the load, CPU time less)."""
    from common import REPO_ROOT

    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), OMEGACTL_CACHE_DIR=str(cache))
    cpu0 = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "omegactl.cli", *args], cwd=str(REPO_ROOT), env=env,
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    _CPU_SPENT[0] = _children_cpu() - cpu0
    return wall, proc.returncode, (proc.stderr.strip().splitlines() or [""])[-1][:300]


def _tree_bytes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*.jsonl"))}


def cli_targets(workers: int, n: int, seed: int = 1, serial: bool = True, suite: bool = True) -> dict:
    """Wall times of the issue-18 commands, run as a user runs them (fresh processes, empty cache);
    ``serial`` also runs the generate commands with --workers 1 and compares the files."""
    tmp = Path(tempfile.mkdtemp(prefix="omegactl-target-"))
    out: dict = {"n": n, "seed": seed, "generate": {}}
    try:
        trees = {}
        for w in sorted({1, workers} if serial else {workers}):
            total = cpu = 0.0
            for split in ("train", "test_out"):
                secs, rc, err = _cli(["generate", "--axis", "exploratory", "--split", split, "--n", str(n), "--seed",
                                      str(seed), "--workers", str(w), "-o", str(tmp / f"w{w}")], tmp / "cache-gen")
                out["generate"][f"{split}_workers{w}_s"] = round(secs, 2)
                out["generate"][f"{split}_workers{w}_cpu_s"] = round(_CPU_SPENT[0], 2)
                if rc != 0:
                    out["generate"][f"{split}_workers{w}_error"] = err
                total += secs
                cpu += _CPU_SPENT[0]
            out["generate"][f"total_workers{w}_s"] = round(total, 2)
            out["generate"][f"total_workers{w}_cpu_s"] = round(cpu, 2)
            trees[w] = _tree_bytes(tmp / f"w{w}")
            print(f"generate exploratory train + test_out, --n {n}: {total:.1f}s wall, {cpu:.1f} CPU-s "
                  f"with --workers {w}", flush=True)
        out["generate"]["problems"] = sum(1 for p in (tmp / f"w{workers}").rglob("*.jsonl") for _ in p.open())
        if serial and workers != 1:
            out["generate"]["byte_identical_across_workers"] = trees[1] == trees[workers]
        print(f"  {out['generate']['problems']} problems; files identical across worker counts: "
              f"{out['generate'].get('byte_identical_across_workers', 'not compared')}")
        if not suite:
            return out
        cache = tmp / "cache-eval"
        for label in ("empty_cache", "cached"):
            secs, rc, err = _cli(["eval", "--suite", "default", "--dry-run"], cache)
            out[f"eval_default_dry_run_{label}_s"] = round(secs, 2)
            out[f"eval_default_dry_run_{label}_cpu_s"] = round(_CPU_SPENT[0], 2)
            if rc != 0:
                out[f"eval_default_dry_run_{label}_error"] = err
            print(f"eval --suite default --dry-run ({label.replace('_', ' ')}): {secs:.1f}s wall, "
                  f"{_CPU_SPENT[0]:.1f} CPU-s (exit {rc})", flush=True)
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=3, help="problems per level of each split (default 3)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="process-pool size for pass 2 and the suite (default: CPU count)")
    parser.add_argument("--settings", default=None, help="comma-separated subset of settings")
    parser.add_argument("--suite", default=None, help="also time an eval suite's jobs (e.g. default)")
    parser.add_argument("--start-method", default="spawn", choices=multiprocessing.get_all_start_methods(),
                        help="how pool workers start (default spawn: fresh processes, imports included)")
    parser.add_argument("--tracemalloc", action="store_true",
                        help="trace Python allocations per job in pass 1 (slower; per-job peak MiB)")
    parser.add_argument("--out", type=Path, default=None, help="results folder (default benchmarks/results)")
    parser.add_argument("--before", default=None, metavar="REF",
                        help="also time the chosen settings in git revision REF and print before/after rates")
    parser.add_argument("--target", action="store_true",
                        help="time the issue-18 CLI commands (exploratory train+test_out, eval --dry-run)")
    parser.add_argument("--target-n", type=int, default=100, help="problems per level for --target (default 100)")
    parser.add_argument("--target-no-eval", action="store_true", help="--target: skip the eval --dry-run timings")
    parser.add_argument("--target-no-serial", action="store_true",
                        help="--target: skip the --workers 1 generate runs (and their byte comparison)")
    parser.add_argument("--skip-passes", action="store_true", help="only --before / --target, no pass 1 and 2")
    args = parser.parse_args(argv)
    if args.n < 1 or args.workers < 1:
        parser.error("--n and --workers must be positive")

    names = args.settings.split(",") if args.settings else None
    jobs = plan_jobs(names, args.n, args.seed)
    from generators import registry

    registry.load_all()  # imports are not charged to the first job
    extra: dict = {"note": "wall times on a shared machine vary with its load; compare figures of one run"}
    if args.before:
        extra["before_after"] = {"ref": args.before, "n": args.n, "seed": args.seed,
                                 "rows": before_after(args.before, names or list(registry.settings()), args.n, args.seed)}
    if args.target:
        extra["target"] = cli_targets(args.workers, args.target_n, serial=not args.target_no_serial,
                                      suite=not args.target_no_eval)
    if args.skip_passes:
        path = write_result("bench_generation", extra, args.out)
        print(f"\nbench_generation: -> {path}")
        return 0
    print(f"pass 1: {len(jobs)} (setting, split) jobs, {args.n} problems per level, seed {args.seed}, 1 process")
    start = time.perf_counter()
    serial = [run_job(job, trace=args.tracemalloc) for job in jobs]
    serial_wall = time.perf_counter() - start
    serial_total = sum(r.count for r in serial)
    rows = per_setting(serial)
    print_table(rows)
    print(f"\npass 1: {serial_total} problems in {serial_wall:.1f}s = {fmt_rate(serial_total / serial_wall)}/s "
          f"(1 process); peak RSS {peak_rss_mib()} MiB")
    errors = [f"{r.setting}/{r.split}: {r.error}" for r in serial if r.error]
    for e in errors:
        print(f"  generation error: {e}")

    parallel = None
    if args.workers > 1:
        expected = {(r.setting, r.split): r.seconds for r in serial}
        results, wall = run_pool(jobs, args.workers, expected, args.start_method)
        mismatched = [f"{a.setting}/{a.split}" for a, b in zip(serial, results) if (a.sha256, a.count) != (b.sha256, b.count)]
        total = sum(r.count for r in results)
        parallel = {"workers": args.workers, "start_method": args.start_method, "problems": total, "wall_s": round(wall, 3), "per_s": total / wall,
                    "speedup_vs_1_process": serial_wall / wall, "byte_identical": not mismatched,
                    "mismatched_jobs": mismatched, "digest": combined_digest(results),
                    "peak_rss_largest_worker_mib": peak_rss_mib(__import__("resource").RUSAGE_CHILDREN)}
        verdict = "byte-identical to pass 1" if not mismatched else f"DIFFERS from pass 1 in {len(mismatched)} jobs: {mismatched[:5]}"
        print(f"pass 2: {total} problems in {wall:.1f}s = {fmt_rate(total / wall)}/s with {args.workers} "
              f"{args.start_method} workers (start-up included) "
              f"(x{serial_wall / wall:.2f} vs 1 process); {verdict}")

    suite = None
    if args.suite:
        sjobs = suite_jobs(args.suite, None)
        workers = max(1, args.workers)
        print(f"\nsuite {args.suite!r}: {len(sjobs)} jobs with {workers} worker(s) ...", flush=True)
        if workers > 1:
            sres, swall = run_pool(sjobs, workers, {(r.setting, r.split): r.seconds for r in serial},
                                   args.start_method)
        else:
            t0 = time.perf_counter()
            sres = [run_job(j) for j in sjobs]
            swall = time.perf_counter() - t0
        stotal = sum(r.count for r in sres)
        suite = {"name": args.suite, "jobs": len(sjobs), "workers": workers, "problems": stotal,
                 "wall_s": round(swall, 3), "per_s": stotal / swall, "digest": combined_digest(sres),
                 "errors": [f"{r.setting}/{r.split}: {r.error}" for r in sres if r.error],
                 "slowest_jobs": [{"setting": r.setting, "split": r.split, "seconds": round(r.seconds, 2)}
                                  for r in sorted(sres, key=lambda r: -r.seconds)[:8]]}
        print(f"suite {args.suite!r}: {stotal} problems in {swall:.1f}s = {fmt_rate(stotal / swall)}/s with "
              f"{workers} worker(s); slowest job {suite['slowest_jobs'][0]['setting']}/"
              f"{suite['slowest_jobs'][0]['split']} {suite['slowest_jobs'][0]['seconds']}s")

    print_original_comparison()
    payload = {
        "n_per_level": args.n, "seed": args.seed, "jobs": len(jobs),
        "pass1": {"workers": 1, "problems": serial_total, "wall_s": round(serial_wall, 3),
                  "per_s": serial_total / serial_wall, "peak_rss_mib": peak_rss_mib(), "digest": combined_digest(serial),
                  "errors": errors},
        "pass2": parallel, "suite": suite, "per_setting": rows,
        "per_job": [asdict(r) for r in serial],
        "original_per_item_work": [{"family": f, "work": w} for f, w in ORIGINAL_PER_ITEM_WORK],
        **extra,
    }
    path = write_result("bench_generation", payload, args.out)
    line = f"bench_generation: {serial_total} problems, {fmt_rate(serial_total / serial_wall)}/s on 1 process"
    if parallel:
        line += (f", {fmt_rate(parallel['per_s'])}/s on {args.workers} workers "
                 f"({'identical' if parallel['byte_identical'] else 'NOT identical'})")
    if suite:
        line += f"; suite {args.suite} {suite['problems']} in {suite['wall_s']:.0f}s"
    print(f"\n{line} -> {path}")
    return 1 if (parallel and not parallel["byte_identical"]) else 0


if __name__ == "__main__":
    raise SystemExit(main())
