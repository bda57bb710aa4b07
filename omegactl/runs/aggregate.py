"""Aggregate the latest per-sample verdicts of a run into ``results.json`` (what `report` starts from).

Unparsed and errored samples count as wrong and are also counted separately. ID splits are ``train`` and
``test_in``; OOD splits are ``test_out``, ``test`` and ``val``.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from generators.record import ID_SPLITS, ProblemRecord


def id_or_ood(split: str) -> str:
    return "id" if split in ID_SPLITS else "ood"


def samples_frame(problems: list[ProblemRecord], latest: dict[tuple[str, int], dict[str, Any]]) -> pd.DataFrame:
    """One row per (problem, sample) that has a result, joined with its problem's coordinates."""
    by_id = {p.id: p for p in problems}
    rows = []
    for (pid, idx), s in latest.items():
        p = by_id.get(pid)
        if p is None:
            continue
        strict = s.get("strict") or {}
        flex = s.get("flex") or {}
        grid = s.get("grid") or {}
        rows.append(
            {
                "problem_id": pid,
                "sample_index": idx,
                "axis": p.axis,
                "setting": p.setting_key,
                "family": p.family,
                "split": p.split,
                "level": p.level,
                "condition": p.params.get("condition") if p.axis == "carc" else None,
                "side": id_or_ood(p.split),
                "correct": bool(strict.get("correct", False)),
                "correct_flex": bool(flex.get("correct", False)),
                "unparsed": s.get("error") is None and strict.get("extracted") is None,
                "errored": s.get("error") is not None,
                "length_capped": s.get("finish_reason") == "length",
                "grid_color": bool(grid.get("color", False)) if grid else None,
                "grid_shape": bool(grid.get("shape", False)) if grid else None,
                "completion_tokens": s.get("completion_tokens") or 0,
            }
        )
    columns = ["problem_id", "sample_index", "axis", "setting", "family", "split", "level", "condition", "side",
               "correct", "correct_flex", "unparsed", "errored", "length_capped", "grid_color", "grid_shape",
               "completion_tokens"]
    return pd.DataFrame(rows, columns=columns)


def _counts(df: pd.DataFrame) -> dict[str, Any]:
    n = int(len(df))
    return {
        "n": n,
        "correct": int(df["correct"].sum()),
        "accuracy": float(df["correct"].mean()) if n else None,
        "accuracy_flex": float(df["correct_flex"].mean()) if n else None,
        "unparsed": int(df["unparsed"].sum()),
        "errored": int(df["errored"].sum()),
        "length_capped": int(df["length_capped"].sum()),
    }


def axis_entry(axis: str, a: dict, b: dict) -> dict:
    """One axis of results.json from its ID counts ``a`` and OOD counts ``b``."""
    return {
        "axis": axis,
        "id_accuracy": a["accuracy"],
        "ood_accuracy": b["accuracy"],
        "delta": (a["accuracy"] - b["accuracy"]) if a["n"] and b["n"] else None,
        "n_id": a["n"],
        "n_ood": b["n"],
        "id": a,
        "ood": b,
    }


def aggregate(problems: list[ProblemRecord], latest: dict[tuple[str, int], dict[str, Any]], *, samples_per_problem: int) -> dict[str, Any]:
    df = samples_frame(problems, latest)
    expected = len(problems) * samples_per_problem
    out: dict[str, Any] = {
        "n_problems": len(problems),
        "samples_per_problem": samples_per_problem,
        "n_expected_samples": expected,
        "n_samples": int(len(df)),
        "complete": int(len(df)) == expected and not bool(df["errored"].any()) if len(df) else expected == 0,
        "overall": _counts(df),
        "axes": [],
        "cells": [],
    }
    order = {a: i for i, a in enumerate(("exploratory", "compositional", "transformative", "carc"))}
    for axis, g in sorted(df.groupby("axis"), key=lambda kv: (order.get(kv[0], 99), kv[0])):
        ids, oods = g[g["side"] == "id"], g[g["side"] == "ood"]
        out["axes"].append(axis_entry(axis, _counts(ids), _counts(oods)))
    for (axis, setting, split, level), g in df.groupby(["axis", "setting", "split", "level"], sort=True):
        cell = {"axis": axis, "setting": setting, "split": split, "level": int(level), "side": id_or_ood(split)}
        cell.update(_counts(g))
        out["cells"].append(cell)
    return out
