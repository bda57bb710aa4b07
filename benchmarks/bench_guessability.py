"""Guessability of every exploratory family: modal-answer share per (family, level), and the median cell.

    python benchmarks/bench_guessability.py [--n 200] [--seed 16016] [--families a,b] [--workers 2] [--out FILE]

Each (family, level) cell draws ``--n`` distinct items exactly as a split does (same seeding, the family's
de-duplication) but without the split bucket, which is a hash filter that does not change the answer
distribution. Prints one line per family (its cells' modal shares), the cells above 0.35, the median cell,
and writes the figures as JSON (default ``benchmarks/results/guessability-<UTC time>.json``).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

LIMIT = 0.35
MEDIAN_LIMIT = 0.15


def measure_family(name: str, n: int, seed: int) -> dict:
    from generators import registry
    from generators.settings import make_record
    from omegactl.report.answer_audit import majority_baseline

    family = registry.get_family(name)
    out = {"family": name, "levels": {}, "seconds": 0.0}
    t0 = time.perf_counter()
    for level in family.level_range:
        seen: set[str] = set()
        golds = [
            make_record(family, setting_key=name, setting_name=name, axis="exploratory", split="test_in",
                        level=level, seed=seed, index=i, seen=seen).ground_truth
            for i in range(n)
        ]
        modal, share = majority_baseline(golds)
        out["levels"][str(level)] = {"modal_answer": modal, "modal_share": share, "distinct": len(set(golds))}
    out["seconds"] = time.perf_counter() - t0
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=16016)
    ap.add_argument("--families", default=None, help="comma-separated family names (default: every exploratory one)")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    from generators import registry

    names = args.families.split(",") if args.families else [
        f.name for f in registry.families().values() if f.axis == "exploratory"
    ]
    # the slow function-analysis families last, so the quick figures arrive first
    names.sort(key=lambda nm: (nm.startswith("algebra_func_"), nm))
    results = []
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        futures = [pool.submit(measure_family, nm, args.n, args.seed) for nm in names]
        for fut in as_completed(futures):
            res = fut.result()
            shares = " ".join(f"L{lv}:{c['modal_share']:.2f}" for lv, c in res["levels"].items())
            print(f"{res['family']:<52} {shares}   ({res['seconds']:.0f}s)", flush=True)
            results.append(res)
    results.sort(key=lambda r: r["family"])
    cells = [(r["family"], lv, c["modal_share"]) for r in results for lv, c in r["levels"].items()]
    over = [c for c in cells if c[2] > LIMIT]
    median = statistics.median(c[2] for c in cells) if cells else 0.0
    for fam, lv, share in over:
        print(f"OVER {LIMIT:.2f}: {fam} L{lv} {share:.2f}")
    print(f"{len(cells)} cells, median modal share {median:.3f} (limit {MEDIAN_LIMIT}), {len(over)} over {LIMIT}")
    out = Path(args.out) if args.out else Path(__file__).parent / "results" / (
        "guessability-" + datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + ".json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"n": args.n, "seed": args.seed, "median": median, "families": results}, indent=1))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
