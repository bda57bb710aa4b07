"""`omegactl stats`: audit a setting's guessability and repeats before trusting it.

Per (setting, split, level) cell: items, distinct gold answers, the modal answer and its share (which is
the majority-answer baseline: the accuracy of always answering the cell's most common gold), and instance
duplicates (items whose canonical instance key repeats within the cell, and items whose key also occurs in
another split of the same setting). The instance key is the family's ``instance_key(params)`` when it has
one, else its ``dedupe_key``; golds are compared as their canonical ``ground_truth`` strings.
"""
from __future__ import annotations

import json
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from generators.family import Problem
from generators.record import ProblemRecord

MODAL_SHARE_LIMIT = 0.35  # no cell may be guessable above this (issue 16)
MEDIAN_SHARE_LIMIT = 0.15  # the median cell must stay at or below this


@dataclass
class CellStats:
    setting: str
    split: str
    level: int
    items: int
    distinct: int
    modal_answer: str
    modal_share: float  # = majority-answer baseline
    duplicates: int  # items whose instance key already occurred in this cell
    cross_split: int  # items whose instance key also occurs in another split of the setting

    @property
    def baseline(self) -> float:
        return self.modal_share

    def to_json(self) -> dict:
        out = asdict(self)
        out["majority_baseline"] = self.modal_share
        return out


def instance_key(rec: ProblemRecord) -> str:
    """The canonical instance key of a record: the family's own key, else its dedupe key, else the question."""
    from generators import registry

    try:
        family = registry.get_family(rec.family)
    except KeyError:
        return rec.question
    key_fn = getattr(family, "instance_key", None)
    if callable(key_fn):
        return str(key_fn(rec.params))
    return family.dedupe_key(Problem(question=rec.question, params=rec.params))


def majority_baseline(golds: Iterable[str]) -> tuple[str, float]:
    """(modal gold, its share); ("", 0.0) for no golds."""
    counts = Counter(golds)
    if not counts:
        return "", 0.0
    total = sum(counts.values())
    # ties: the smallest string wins, so the figure is deterministic
    answer, count = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return answer, count / total


def audit(records: Iterable[ProblemRecord]) -> list[CellStats]:
    """Cell statistics, ordered by setting, split, level."""
    cells: dict[tuple[str, str, int], list[tuple[str, str]]] = defaultdict(list)
    key_splits: dict[tuple[str, str], set[str]] = defaultdict(set)
    for rec in records:
        key = instance_key(rec)
        cells[(rec.setting_key, rec.split, rec.level)].append((rec.ground_truth, key))
        key_splits[(rec.setting_key, key)].add(rec.split)
    out = []
    for (setting, split, level), rows in sorted(cells.items()):
        modal, share = majority_baseline(g for g, _ in rows)
        keys = [k for _, k in rows]
        out.append(
            CellStats(
                setting=setting,
                split=split,
                level=level,
                items=len(rows),
                distinct=len({g for g, _ in rows}),
                modal_answer=modal,
                modal_share=share,
                duplicates=len(keys) - len(set(keys)),
                cross_split=sum(1 for k in keys if len(key_splits[(setting, k)]) > 1),
            )
        )
    return out


def summary(cells: list[CellStats]) -> dict:
    shares = [c.modal_share for c in cells]
    return {
        "cells": len(cells),
        "median_modal_share": statistics.median(shares) if shares else 0.0,
        "max_modal_share": max(shares) if shares else 0.0,
        "cells_over_limit": sum(1 for s in shares if s > MODAL_SHARE_LIMIT),
        "duplicates": sum(c.duplicates for c in cells),
        "cross_split": sum(c.cross_split for c in cells),
    }


def to_json(cells: list[CellStats]) -> str:
    return json.dumps({"summary": summary(cells), "cells": [c.to_json() for c in cells]}, indent=2)


def table(cells: list[CellStats]):
    """A rich table; cells above the modal-share limit are flagged."""
    from rich.table import Table

    s = summary(cells)
    t = Table(
        title=f"{s['cells']} cells · median modal share {s['median_modal_share']:.1%} · "
        f"{s['cells_over_limit']} over {MODAL_SHARE_LIMIT:.0%}",
        header_style="bold",
    )
    t.add_column("setting", style="cyan", no_wrap=True)
    t.add_column("split")
    t.add_column("lv", justify="right")
    t.add_column("n", justify="right")
    t.add_column("distinct", justify="right")
    t.add_column("modal answer", max_width=16, no_wrap=True)
    t.add_column("baseline", justify="right")
    t.add_column("dup", justify="right")
    t.add_column("x-split", justify="right")
    for c in cells:
        flag = "[red]" if c.modal_share > MODAL_SHARE_LIMIT else ""
        t.add_row(
            c.setting, c.split, str(c.level), str(c.items), str(c.distinct), c.modal_answer,
            f"{flag}{c.modal_share:.1%}", str(c.duplicates), str(c.cross_split),
        )
    return t
