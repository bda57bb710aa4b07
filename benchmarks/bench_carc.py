"""Benchmark the C-ARC generator: episodes per second (bare episodes and full checked records) and rejection rates.

Usage: ``python benchmarks/bench_carc.py [--n 300] [--seed 0]``. Prints a table and writes
``benchmarks/results/bench_carc.json``.
"""
from __future__ import annotations

import argparse
import json
import platform
import time
from collections import Counter
from pathlib import Path

from generators import registry
from generators.family import Reject
from generators.seeding import item_rng

RESULTS = Path(__file__).resolve().parent / "results"


def bench(n: int, seed: int) -> list[dict]:
    setting = registry.get_setting("carc")
    rows = []
    for split in ("train", "test"):
        for level in (1, 2):
            family = setting.family(split)
            stats: Counter = Counter()
            t0 = time.perf_counter()
            done = 0
            for index in range(n):  # bare episodes: grammar + pair placement only
                for attempt in range(setting.config.episode_attempts):
                    try:
                        family.episode(item_rng(seed, "carc", split, level, index, attempt), level, stats)
                        done += 1
                        break
                    except Reject:  # re-drawn whole, as the setting does
                        continue
            bare = time.perf_counter() - t0
            t0 = time.perf_counter()
            recs = list(setting.records(split, n=n, seed=seed, levels=(level,)))
            full = time.perf_counter() - t0
            draws = stats["pair_draws"]
            rejects = {k.split(":", 1)[1]: v for k, v in stats.items() if k.startswith("pair_reject:")}
            episode_rejects = {k.split(":", 1)[1]: v for k, v in stats.items() if k.startswith("episode_reject:")}
            rows.append({
                "split": split,
                "level": level,
                "condition": "systematicity" if level == 1 else "3shot",
                "episodes": done,
                "bare_episodes_per_s": round(done / bare, 1),
                "records_per_s": round(len(recs) / full, 1),
                "ms_per_record": round(1000 * full / len(recs), 2),
                "pair_draws_per_pair": round(draws / max(stats["pairs"], 1), 2),
                "pair_reject_rate": round(sum(rejects.values()) / max(draws, 1), 3),
                "pair_rejects": dict(sorted(rejects.items())),
                "episode_redraws_per_episode": round(sum(episode_rejects.values()) / max(done, 1), 3),
                "episode_rejects": dict(sorted(episode_rejects.items())),
            })
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="episodes per (split, level)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rows = bench(args.n, args.seed)
    print(f"{'split':<6} {'cond':<14} {'bare ep/s':>10} {'records/s':>10} {'ms/rec':>7} "
          f"{'draws/pair':>10} {'reject':>7} {'ep redraws':>10}")
    for r in rows:
        print(f"{r['split']:<6} {r['condition']:<14} {r['bare_episodes_per_s']:>10} {r['records_per_s']:>10} "
              f"{r['ms_per_record']:>7} {r['pair_draws_per_pair']:>10} {r['pair_reject_rate']:>7} "
              f"{r['episode_redraws_per_episode']:>10}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "bench_carc.json"
    out.write_text(json.dumps({"n": args.n, "seed": args.seed, "python": platform.python_version(),
                               "machine": platform.machine(), "rows": rows}, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
