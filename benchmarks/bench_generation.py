"""Benchmark problem generation: problems per second per setting and split, worker scaling, peak memory.

    python benchmarks/bench_generation.py [--n 3] [--seed 0] [--workers 2] [--settings a,b] [--suite default]

Pass 1 generates every (setting, split) job in this process, one after another (per-setting rates).
Pass 2 (when ``--workers`` > 1) generates the same jobs in a process pool and checks that every job's
bytes are identical to pass 1 (items are seeded per item, so the worker count must not matter).
``--suite NAME`` also times the jobs of an eval suite (``default``: 50 problems per level of every
setting; about 15 minutes on 2 cores) with the pool. The original OMEGA generator cannot be run here
(it is not on PyPI and needs OpenCV, matplotlib and a 64-process pool), so its per-item work is printed
from the reference notes as a labelled description, not as a measurement.
Writes benchmarks/results/bench_generation-<UTC time>.json and prints a one-line summary.
"""
from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import sys
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
    from omegactl.suites import SUITE_SEED, get_suite

    suite = get_suite(suite_name)
    use_seed = SUITE_SEED if seed is None else seed
    return [Job(e.setting, e.split, e.n, use_seed, e.levels) for e in suite.resolve()]


def _load_registry() -> None:
    from generators import registry

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
    args = parser.parse_args(argv)
    if args.n < 1 or args.workers < 1:
        parser.error("--n and --workers must be positive")

    names = args.settings.split(",") if args.settings else None
    jobs = plan_jobs(names, args.n, args.seed)
    from generators import registry

    registry.load_all()  # imports are not charged to the first job
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
