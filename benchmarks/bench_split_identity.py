"""Issue 16's "Done when" check at full size, for every setting: instance overlaps, repeats and guessability.

    python benchmarks/bench_split_identity.py [--n 200] [--seed 16161] [--settings a,b] [--workers 2] [--out FILE]

For each setting, every split is generated at ``--n`` items per level (the split's default levels) exactly as
``omegactl generate`` does. Each record's instance is its family name plus ``Family.instance_key(params)``.
Prints per setting: items, repeated instances within a split, instances shared by two splits, the largest
modal-answer share over its (split, level) cells and the seconds taken; then the cells whose modal share is
above 0.35, the median cell, and the totals. Writes every figure (per-cell modal shares included) as JSON
(default ``benchmarks/results/split-identity-<UTC time>.json``; with ``--out`` each finished setting is also
appended to ``<out>.partial.jsonl`` at once). Exit status 1 when any overlap or repeat
is found.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import datetime, timezone
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

LIMIT = 0.35
MEDIAN_LIMIT = 0.15


def measure_setting(name: str, n: int, seed: int) -> dict:
    """Every split of ``name`` at ``n`` per level: repeats, overlaps and per-(split, level) modal shares."""
    from generators import registry

    setting = registry.settings()[name]
    fams = registry.families()
    t0 = time.perf_counter()
    keys: dict[str, list[str]] = {}
    golds: dict[str, list[str]] = {}
    for split in setting.splits:
        keys[split] = []
        for rec in setting.records(split, n=n, seed=seed):
            fam = fams.get(rec.family)
            key = fam.instance_key(rec.params) if fam is not None else json.dumps(rec.params, sort_keys=True)
            keys[split].append(rec.family + "\x1f" + key)
            golds.setdefault(f"{split}/L{rec.level}", []).append(str(rec.ground_truth))
    repeats = {split: len(k) - len(set(k)) for split, k in keys.items()}
    overlaps = {f"{a}|{b}": len(set(keys[a]) & set(keys[b])) for a, b in combinations(keys, 2)}
    cells = {}
    for cell, gs in golds.items():
        modal, count = Counter(gs).most_common(1)[0]
        cells[cell] = {"modal_answer": modal, "modal_share": count / len(gs), "items": len(gs),
                       "distinct": len(set(gs))}
    return {"setting": name, "axis": setting.axis, "items": sum(len(k) for k in keys.values()),
            "repeats": repeats, "overlaps": overlaps, "cells": cells, "seconds": time.perf_counter() - t0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=16161)
    ap.add_argument("--settings", default=None, help="comma-separated setting names (default: every setting)")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    from generators import registry

    names = args.settings.split(",") if args.settings else sorted(registry.settings())
    results = []
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        futures = {pool.submit(measure_setting, nm, args.n, args.seed): nm for nm in names}
        for fut in as_completed(futures):
            try:
                res = fut.result()
            except Exception as exc:  # a setting that cannot fill its splits is a finding, not a crash
                res = {"setting": futures[fut], "error": f"{type(exc).__name__}: {exc}"}
                print(f"{futures[fut]:<50} ERROR {res['error']}", flush=True)
                results.append(res)
                continue
            if args.out:  # each setting's figures as soon as they exist (a long run can be read part-way)
                with open(str(args.out) + ".partial.jsonl", "a", encoding="utf-8") as fh:
                    fh.write(json.dumps(res) + "\n")
            top = max(c["modal_share"] for c in res["cells"].values())
            print(f"{res['setting']:<50} items {res['items']:>5}  repeats {sum(res['repeats'].values()):>3}  "
                  f"overlaps {sum(res['overlaps'].values()):>3}  max modal {top:.2f}  ({res['seconds']:.0f}s)",
                  flush=True)
            results.append(res)
    results.sort(key=lambda r: r["setting"])
    ok = [r for r in results if "error" not in r]
    cells = [(r["setting"], c, v["modal_share"]) for r in ok for c, v in r["cells"].items()]
    over = [c for c in cells if c[2] > LIMIT]
    for name, cell, share in over:
        print(f"OVER {LIMIT:.2f}: {name} {cell} {share:.2f}")
    median = statistics.median(c[2] for c in cells) if cells else 0.0
    bad = sum(sum(r["repeats"].values()) + sum(r["overlaps"].values()) for r in ok)
    errors = len(results) - len(ok)
    print(f"{len(ok)} settings, {sum(r['items'] for r in ok)} items, {bad} repeats+overlaps, {errors} errors; "
          f"{len(cells)} cells, median modal share {median:.3f}, max {max((c[2] for c in cells), default=0):.2f}, "
          f"{len(over)} over {LIMIT}; {sum(r['seconds'] for r in ok):.0f}s of generation")
    out = Path(args.out) if args.out else Path(__file__).parent / "results" / (
        "split-identity-" + datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + ".json")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps({"n": args.n, "seed": args.seed, "results": results}, indent=1))
    tmp.replace(out)
    print(f"wrote {out}")
    sys.exit(1 if bad or errors else 0)


if __name__ == "__main__":
    main()
