"""``results.json`` of an eval from its run folder in two streaming passes, with per-cell counters only.

The same numbers, bytes and order as ``aggregate.aggregate(records, folder.latest_slim(), ...)`` (which
``score`` and ``report`` still use), without holding the records or the samples: pass 1 finds the
latest line of each (problem, sample) key (``problem_stream.latest_lines``: hashes and row numbers),
pass 2 reads those lines again and counts them into their problem's (axis, setting, split, level) cell,
found by the hash of the problem id in the problem file's index. The tallies that ``finish`` puts into
the manifest (error kinds, finish reasons, token usage over every latest sample) come from pass 2 too.
"""
from __future__ import annotations

from array import array
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from generators.record import ID_SPLITS
from omegactl.common.hashing import id_hash
from omegactl.runs.aggregate import axis_entry
from omegactl.runs.problem_stream import ProblemIndex, contains, iter_sample_rows, latest_lines

FLAGS = ("correct", "correct_flex", "unparsed", "errored", "length_capped")
AXIS_ORDER = {a: i for i, a in enumerate(("exploratory", "compositional", "transformative", "carc"))}


@dataclass
class Tallies:
    """Over every latest sample (in the problem set or not), as ``EvalRun.finish`` reports them."""

    error_kinds: Counter = field(default_factory=Counter)
    finish_reasons: Counter = field(default_factory=Counter)
    usage: dict[str, int] = field(default_factory=lambda: {"prompt_tokens": 0, "completion_tokens": 0})


def _counts(n: int, c: np.ndarray) -> dict[str, Any]:
    """The ``aggregate._counts`` dict from summed flags ``c`` (in FLAGS order) of ``n`` samples."""
    return {
        "n": n,
        "correct": int(c[0]),
        "accuracy": float(int(c[0]) / n) if n else None,
        "accuracy_flex": float(int(c[1]) / n) if n else None,
        "unparsed": int(c[2]),
        "errored": int(c[3]),
        "length_capped": int(c[4]),
    }


def stream_aggregate(samples_path: Path, index: ProblemIndex, *, samples_per_problem: int,
                     error_kind: Callable[[str], str]) -> tuple[dict[str, Any], Tallies]:
    keys, last_rows, first_rows = latest_lines(samples_path)
    win = np.zeros(int(last_rows.max()) + 1 if last_rows.size else 0, dtype=bool)
    win[last_rows] = True
    first_of = np.zeros(win.size, dtype=np.int64)  # for a winning row: the row of its key's first line
    first_of[last_rows] = first_rows
    del keys, last_rows, first_rows

    pid_hashes = array("Q")  # per latest sample: its problem id's hash and its flag bits (FLAGS order)
    flags = array("B")
    tallies = Tallies()
    kind_first: dict[str, int] = {}
    reason_first: dict[str, int] = {}
    kinds: Counter = Counter()
    reasons: Counter = Counter()
    for lineno, s in iter_sample_rows(samples_path):
        if lineno >= win.size or not win[lineno]:
            continue
        err = s.get("error")
        if isinstance(err, str):
            err = err[:300]
        strict = s.get("strict") or {}
        flex = s.get("flex") or {}
        pos = int(first_of[lineno])
        if err:
            kind = error_kind(err)
            kinds[kind] += 1
            kind_first[kind] = min(kind_first.get(kind, pos), pos)
        else:
            reason = s.get("finish_reason") or "unknown"
            reasons[reason] += 1
            reason_first[reason] = min(reason_first.get(reason, pos), pos)
        tallies.usage["prompt_tokens"] += s.get("prompt_tokens") or 0
        tallies.usage["completion_tokens"] += s.get("completion_tokens") or 0
        pid_hashes.append(id_hash(s["problem_id"]))
        flags.append(bool(strict.get("correct")) | bool(flex.get("correct")) << 1
                     | (err is None and strict.get("extracted") is None) << 2
                     | (err is not None) << 3 | (s.get("finish_reason") == "length") << 4)
    # Counters in the order a dict of the latest samples (keyed in order of first appearance) fills them
    for kind in sorted(kinds, key=kind_first.__getitem__):
        tallies.error_kinds[kind] = kinds[kind]
    for reason in sorted(reasons, key=reason_first.__getitem__):
        tallies.finish_reasons[reason] = reasons[reason]

    sorted_ids, sorted_cells = index.lookup()
    pids = np.frombuffer(pid_hashes, dtype=np.uint64) if pid_hashes else np.zeros(0, np.uint64)
    bits = np.frombuffer(flags, dtype=np.uint8).astype(np.int64) if flags else np.zeros(0, np.int64)
    del pid_hashes, flags
    known = contains(sorted_ids, pids)
    cell_of = sorted_cells[np.searchsorted(sorted_ids, pids[known])] if known.any() else np.zeros(0, np.int32)
    bits = bits[known]
    n_cells = len(index.cell_keys)
    per_cell_n = np.bincount(cell_of, minlength=n_cells)
    per_cell = np.stack([np.bincount(cell_of, weights=(bits >> b) & 1, minlength=n_cells).astype(np.int64)
                         for b in range(len(FLAGS))]) if n_cells else np.zeros((len(FLAGS), 0), np.int64)

    n = int(known.sum())
    expected = index.n * samples_per_problem
    total = per_cell.sum(axis=1)
    out: dict[str, Any] = {
        "n_problems": index.n,
        "samples_per_problem": samples_per_problem,
        "n_expected_samples": expected,
        "n_samples": n,
        "complete": n == expected and not bool(total[3]) if n else expected == 0,
        "overall": _counts(n, total),
        "axes": [],
        "cells": [],
    }
    present = [i for i in range(n_cells) if per_cell_n[i]]
    axes = sorted({index.cell_keys[i][0] for i in present}, key=lambda a: (AXIS_ORDER.get(a, 99), a))
    for axis in axes:
        sides = {}
        for side in ("id", "ood"):
            members = [i for i in present if index.cell_keys[i][0] == axis
                       and ("id" if index.cell_keys[i][2] in ID_SPLITS else "ood") == side]
            sides[side] = _counts(int(per_cell_n[members].sum()), per_cell[:, members].sum(axis=1))
        out["axes"].append(axis_entry(axis, sides["id"], sides["ood"]))
    for i in sorted(present, key=lambda i: index.cell_keys[i]):
        axis, setting, split, level = index.cell_keys[i]
        cell = {"axis": axis, "setting": setting, "split": split, "level": int(level),
                "side": "id" if split in ID_SPLITS else "ood"}
        cell.update(_counts(int(per_cell_n[i]), per_cell[:, i]))
        out["cells"].append(cell)
    return out, tallies
