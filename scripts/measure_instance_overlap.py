"""Measure instance duplicates: cross-split overlaps and within-split repeats, by canonical instance key.

Two steps, so that records written by an older checkout can be measured with the current keys:

    python scripts/measure_instance_overlap.py generate OUT_DIR NAME... [--seed 31337 --n 200 --levels 1 --splits train,test_in]
    python scripts/measure_instance_overlap.py measure OUT_DIR

``generate`` writes OUT_DIR/<setting>.<split>.jsonl for every split of each setting (only the generator
library is imported, so it runs against any checkout on PYTHONPATH). ``measure`` prints, per setting, the
number of distinct instances of each split, the instances shared by each pair of splits and the records
that repeat an earlier instance of their split, all by ``omegactl.interop.overlap.instance_key_of``.
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections import defaultdict
from pathlib import Path


def generate(out: Path, names: list[str], n: int, seed: int, levels: tuple[int, ...] | None,
             splits: list[str] | None = None) -> None:
    from generators import registry

    out.mkdir(parents=True, exist_ok=True)
    for name in names:
        setting = registry.get_setting(name)
        for split in splits or setting.splits:
            recs = list(setting.records(split, n=n, seed=seed, levels=levels))
            path = out / f"{name}.{split}.jsonl"
            path.write_text("".join(r.to_json() + "\n" for r in recs))
            print(f"{path}: {len(recs)}", file=sys.stderr)


def measure(out: Path) -> list[dict]:
    from generators.record import ProblemRecord
    from omegactl.interop.overlap import instance_key_of

    files: dict[str, dict[str, list[ProblemRecord]]] = defaultdict(dict)
    for path in sorted(out.glob("*.jsonl")):
        name, split = path.name[: -len(".jsonl")].rsplit(".", 1)
        files[name][split] = [ProblemRecord.model_validate_json(line) for line in path.read_text().splitlines()]
    rows = []
    for name, splits in sorted(files.items()):
        keys = {s: [instance_key_of(r) for r in recs] for s, recs in splits.items()}
        row = {"setting": name, "records": {s: len(k) for s, k in keys.items()},
               "distinct": {s: len(set(k)) for s, k in keys.items()},
               "duplicates": {s: len(k) - len(set(k)) for s, k in keys.items()}, "overlaps": {}}
        for s1, s2 in itertools.combinations(sorted(keys), 2):
            row["overlaps"][f"{s1}/{s2}"] = len(set(keys[s1]) & set(keys[s2]))
        rows.append(row)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("out", type=Path)
    g.add_argument("names", nargs="+")
    g.add_argument("--n", type=int, default=200)
    g.add_argument("--seed", type=int, default=31337)
    g.add_argument("--levels", default=None, help="comma-separated levels (default: each split's own)")
    g.add_argument("--splits", default=None, help="comma-separated splits (default: all of the setting's)")
    m = sub.add_parser("measure")
    m.add_argument("out", type=Path)
    m.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.cmd == "generate":
        levels = tuple(int(x) for x in args.levels.split(",")) if args.levels else None
        generate(args.out, args.names, args.n, args.seed, levels, args.splits.split(",") if args.splits else None)
        return
    rows = measure(args.out)
    if args.json:
        print(json.dumps(rows, indent=1))
        return
    for r in rows:
        dup = " ".join(f"{s}={d}/{r['records'][s]}" for s, d in sorted(r["duplicates"].items()))
        ov = " ".join(f"{k}={v}" for k, v in r["overlaps"].items())
        print(f"{r['setting']:<45} duplicates: {dup:<40} overlaps: {ov}")


if __name__ == "__main__":
    main()
