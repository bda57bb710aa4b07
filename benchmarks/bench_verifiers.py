"""Benchmark: verdicts per second per answer type, omegactl's verifier side by side with math-verify 0.9.x.

    python benchmarks/bench_verifiers.py [--n 300] [--seed 0] [--types integer,surd] [--no-math-verify]

Both graders score the same seeded responses (about 1.5k characters of reasoning, then a boxed answer;
half correct, half perturbed) in the same process, one item at a time. omegactl: ``verifiers.verify``
(its sympy worker pool is started before timing). math-verify: ``parse(gold) + parse(response) +
verify`` with its defaults. Also scores the regression corpus (tests/verifiers/corpus.jsonl) with both
and counts false positives / negatives against the expected verdicts. math-verify comes from the
optional ``bench`` extra; without it the benchmark says so and times omegactl alone.
Writes benchmarks/results/bench_verifiers-<UTC time>.json (gitignored) and prints figures and ratios.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import verifiers  # noqa: E402
from verifier_bench_corpus import build_items, gold_as_latex, load_regression_corpus  # noqa: E402
from verifiers import api as verifier_api  # noqa: E402
from verifiers.sandbox import get_pool  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def load_math_verify():
    try:
        import math_verify
    except ImportError:
        return None
    return math_verify


def run_ours(items) -> tuple[float, list[bool]]:
    verifier_api._cache.clear()
    start = time.perf_counter()
    verdicts = [verifiers.verify(item.response, item.record).correct for item in items]
    return time.perf_counter() - start, verdicts


def run_math_verify(mv, items) -> tuple[float, list[bool]]:
    start = time.perf_counter()
    verdicts = []
    for item in items:
        try:
            gold = mv.parse(item.gold_latex)
            pred = mv.parse(item.response)
            verdicts.append(bool(mv.verify(gold, pred)))
        except Exception:  # noqa: BLE001 - a grader crash counts as "incorrect", as in an eval harness
            verdicts.append(False)
    return time.perf_counter() - start, verdicts


def errors(verdicts: list[bool], expected: list[bool]) -> dict:
    fp = sum(v and not e for v, e in zip(verdicts, expected))
    fn = sum(e and not v for v, e in zip(verdicts, expected))
    return {"false_positives": fp, "false_negatives": fn, "accuracy": 1 - (fp + fn) / max(1, len(expected))}


def bench_types(n: int, seed: int, types: list[str] | None, mv) -> dict:
    rows = {}
    for name, items in build_items(n, seed, types).items():
        expected = [item.expected for item in items]
        ours_s, ours_v = run_ours(items)
        row = {"n": len(items), "ours_per_s": len(items) / ours_s, "ours": errors(ours_v, expected)}
        if mv is not None:
            mv_s, mv_v = run_math_verify(mv, items)
            row.update(mv_per_s=len(items) / mv_s, math_verify=errors(mv_v, expected), speedup=mv_s / ours_s,
                       disagreements=sum(a != b for a, b in zip(ours_v, mv_v)))
        rows[name] = row
    return rows


def bench_corpus(mv) -> dict:
    rows = load_regression_corpus()
    ours_v, mv_v, expected, skipped = [], [], [], 0
    examples = []
    for row in rows:
        record = {"answer": row["gold"], "answer_type": row["type"], "params": row.get("params")}
        if row.get("mode") == "response":
            ours = verifiers.verify(row["pred"], record).correct
            response = row["pred"]
        else:
            ours = verifiers.equivalent(row["pred"], row["gold"], row["type"], params=row.get("params"))
            response = "The final answer is $\\boxed{" + row["pred"] + "}$."
        gold_tex = gold_as_latex(row["gold"], row["type"]) if mv is not None else None
        if mv is not None and gold_tex is None:
            skipped += 1
            continue
        ours_v.append(ours)
        expected.append(row["expected"])
        if mv is not None:
            _, (verdict,) = run_math_verify(mv, [type("I", (), {"gold_latex": gold_tex, "response": response})()])
            mv_v.append(verdict)
            if verdict != row["expected"] and len(examples) < 60:
                examples.append({"id": row["id"], "type": row["type"], "gold": row["gold"], "pred": row["pred"],
                                 "expected": row["expected"], "math_verify": verdict, "source": row["source"]})
    out = {"rows": len(expected), "skipped_for_math_verify": skipped, "ours": errors(ours_v, expected)}
    if mv is not None:
        out["math_verify"] = errors(mv_v, expected)
        out["math_verify_misses"] = examples
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="items per answer type (default 300)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--types", default=None, help="comma-separated subset of answer types")
    parser.add_argument("--no-math-verify", action="store_true", help="time omegactl's verifier only")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    mv = None if args.no_math_verify else load_math_verify()
    if mv is None and not args.no_math_verify:
        print("math-verify is not installed: install the bench extra (pip install -e '.[bench]') to compare; "
              "timing omegactl's verifier alone.")
    get_pool().warm_up()
    types = args.types.split(",") if args.types else None
    per_type = bench_types(args.n, args.seed, types, mv)
    corpus = bench_corpus(mv)

    print(f"\nverdicts per second, one process, {args.n} items per type (half correct, half perturbed)")
    header = f"{'type':<12}{'omegactl/s':>12}{'math-verify/s':>15}{'ratio':>8}   {'omegactl FP/FN':>15}{'math-verify FP/FN':>19}"
    print(header)
    for name, row in per_type.items():
        mv_rate = f"{row['mv_per_s']:.0f}" if "mv_per_s" in row else "-"
        ratio = f"{row['speedup']:.1f}x" if "speedup" in row else "-"
        mv_err = f"{row['math_verify']['false_positives']}/{row['math_verify']['false_negatives']}" if "math_verify" in row else "-"
        ours_err = f"{row['ours']['false_positives']}/{row['ours']['false_negatives']}"
        print(f"{name:<12}{row['ours_per_s']:>12.0f}{mv_rate:>15}{ratio:>8}   {ours_err:>15}{mv_err:>19}")
    print(f"\nregression corpus ({corpus['rows']} rows scored by both; {corpus['skipped_for_math_verify']} choice/grid rows skipped for math-verify)")
    print(f"  omegactl:    FP {corpus['ours']['false_positives']}, FN {corpus['ours']['false_negatives']}")
    if "math_verify" in corpus:
        print(f"  math-verify: FP {corpus['math_verify']['false_positives']}, FN {corpus['math_verify']['false_negatives']}")

    result = {
        "benchmark": "bench_verifiers",
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "verifier_version": verifiers.VERIFIER_VERSION,
        "math_verify_version": getattr(mv, "__version__", None) or _dist_version("math-verify"),
        "machine": {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count()},
        "n_per_type": args.n,
        "seed": args.seed,
        "per_type": per_type,
        "corpus": corpus,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"bench_verifiers-{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(json.dumps(result, indent=2))
    print(f"\nwrote {path}")
    return 0


def _dist_version(name: str) -> str | None:
    try:
        from importlib.metadata import version

        return version(name)
    except Exception:  # noqa: BLE001
        return None


if __name__ == "__main__":
    raise SystemExit(main())
