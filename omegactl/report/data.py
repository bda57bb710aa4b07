"""Build the report's DataFrames from one run folder (problems + latest samples + manifest) only.

Every export format (terminal, md, csv, json, html) renders these same frames, so they never disagree.
Accuracies use the strict verdict unless a column says flex; unparsed and errored samples count as wrong.
Each (setting, split, level) cell also carries its majority-answer baseline (the accuracy of always answering
the cell's most common gold, from the run's problems) and whether the model beats it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from omegactl.runs.aggregate import samples_frame
from omegactl.runs.folder import RunFolder
from omegactl.report.stats import (ClusterSums, cluster_bootstrap_axis, critical_level_distribution, gap_metrics,
                            newcombe_diff, union, wilson)

AXIS_ORDER = ["exploratory", "compositional", "transformative", "carc"]


@dataclass
class RunReport:
    path: Path
    label: str
    manifest: dict[str, Any]
    samples: pd.DataFrame
    axes: pd.DataFrame
    settings: pd.DataFrame
    levels: pd.DataFrame
    critical: dict[str, Any]
    carc: pd.DataFrame
    partial: bool
    source: str
    failed: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _acc(df: pd.DataFrame, col: str = "correct") -> float | None:
    return float(df[col].mean()) if len(df) else None


def _ci(df: pd.DataFrame) -> list[float] | None:
    """Wilson on per-problem mean scores (n = problems) so repeated samples don't shrink the interval."""
    if not len(df):
        return None
    per_problem = df.groupby("problem_id")["correct"].mean()
    ci = wilson(float(per_problem.sum()), float(len(per_problem)))
    return [ci[0], ci[1]] if ci else None


def _source_label(manifest: dict[str, Any]) -> str:
    src = manifest.get("source") or {}
    if src.get("kind") == "suite":
        return f"generated, suite {src.get('suite')}, seed {src.get('problem_seed')}"
    if src.get("kind") == "official":
        ds = f" {src.get('dataset')}" if src.get("dataset") else ""
        return f"official release{ds} ({src.get('path')})"
    if src.get("kind") == "file":
        return f"problem file {src.get('path')}"
    return "unknown source"


def load_run(path: Path, *, seed: int = 0, resamples: int = 10_000) -> RunReport:
    folder = RunFolder(Path(path))
    manifest = folder.read_manifest()
    problems = folder.read_problems()
    latest = folder.latest_samples()
    df = samples_frame(problems, latest)
    expected = len(problems) * int(manifest.get("identity", {}).get("samples", 1))
    status = manifest.get("status")
    failed = status == "failed"
    partial = not failed and (status != "complete" or len(df) < expected)  # PARTIAL = still in progress
    label = manifest.get("model") or Path(path).name
    return RunReport(
        path=Path(path), label=str(label), manifest=manifest, samples=df,
        axes=axes_table(df, seed=seed, resamples=resamples), settings=settings_table(df),
        levels=levels_table(df, cell_baselines(problems)),
        critical=critical_levels(df, seed=seed), carc=carc_table(df), partial=partial, failed=failed,
        source=manifest.get("source_label") or _source_label(manifest),
        extra={"expected_samples": expected, "status": status, "errors": manifest.get("errors") or {},
               "n_errored": int(df["errored"].sum()) if len(df) else 0},
    )


def axes_table(df: pd.DataFrame, *, seed: int = 0, resamples: int = 10_000) -> pd.DataFrame:
    """One row per axis. Intervals: Wilson (per side) and Newcombe (Δ) on per-problem scores, widened to
    also cover a seeded cluster bootstrap over settings when the axis has ≥ 2 settings — so neither
    correlated items nor a degenerate bootstrap (all clusters at 0 %) can make an interval too narrow."""
    rows = []
    for axis in [a for a in AXIS_ORDER if a in set(df["axis"])] + sorted(set(df["axis"]) - set(AXIS_ORDER)):
        g = df[df["axis"] == axis]
        ids, oods = g[g["side"] == "id"], g[g["side"] == "ood"]
        a_id, a_ood = _acc(ids), _acc(oods)
        pid = ids.groupby("problem_id")["correct"].mean()
        pood = oods.groupby("problem_id")["correct"].mean()
        newcombe = newcombe_diff(float(pid.sum()), float(len(pid)), float(pood.sum()), float(len(pood)))
        row = {"axis": axis, "id_accuracy": a_id, "ood_accuracy": a_ood, **gap_metrics(a_id, a_ood),
               "n_id": int(len(ids)), "n_ood": int(len(oods)), "ci_id": _ci(ids), "ci_ood": _ci(oods),
               "ci_delta": list(newcombe) if newcombe else None,
               "clusters": int(g["setting"].nunique()), "ci_method": "Wilson; Δ: Newcombe"}
        clusters = sorted(g["setting"].unique())
        if len(clusters) >= 2:
            sums = ClusterSums(
                k_id=np.array([ids[ids["setting"] == c]["correct"].sum() for c in clusters], dtype=float),
                n_id=np.array([(ids["setting"] == c).sum() for c in clusters], dtype=float),
                k_ood=np.array([oods[oods["setting"] == c]["correct"].sum() for c in clusters], dtype=float),
                n_ood=np.array([(oods["setting"] == c).sum() for c in clusters], dtype=float),
            )
            boot = cluster_bootstrap_axis(sums, resamples=resamples, seed=seed)
            for key in ("ci_id", "ci_ood", "ci_delta"):
                row[key] = union(row[key], boot[key])
            row["ci_method"] = (f"Wilson/Newcombe widened by a cluster bootstrap over {len(clusters)} settings "
                                f"({resamples} resamples, seed {seed})")
        rows.append(row)
    return pd.DataFrame(rows, columns=["axis", "id_accuracy", "ood_accuracy", "delta", "ratio", "relative_gap", "n_id",
                                       "n_ood", "ci_id", "ci_ood", "ci_delta", "clusters", "ci_method"])


def settings_table(df: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for (axis, setting), g in df.groupby(["axis", "setting"], sort=True):
        ids, oods = g[g["side"] == "id"], g[g["side"] == "ood"]
        a_id, a_ood = _acc(ids), _acc(oods)
        rows.append({
            "axis": axis, "setting": setting, "id_accuracy": a_id, "ood_accuracy": a_ood, **gap_metrics(a_id, a_ood),
            "n_id": int(len(ids)), "n_ood": int(len(oods)), "ci_id": _ci(ids), "ci_ood": _ci(oods),
            "id_accuracy_flex": _acc(ids, "correct_flex"), "ood_accuracy_flex": _acc(oods, "correct_flex"),
            "accuracy": _acc(g), "accuracy_flex": _acc(g, "correct_flex"),
            "samples": int(len(g)), "unparsed": int(g["unparsed"].sum()), "length_capped": int(g["length_capped"].sum()),
            "errored": int(g["errored"].sum()),
        })
    cols = ["axis", "setting", "id_accuracy", "ood_accuracy", "delta", "ratio", "relative_gap", "n_id", "n_ood", "ci_id",
            "ci_ood", "id_accuracy_flex", "ood_accuracy_flex", "accuracy", "accuracy_flex", "samples", "unparsed",
            "length_capped", "errored"]
    out = pd.DataFrame(rows, columns=cols)
    if len(out):
        out["_o"] = out["axis"].map({a: i for i, a in enumerate(AXIS_ORDER)}).fillna(99)
        out = out.sort_values(["_o", "setting"]).drop(columns="_o").reset_index(drop=True)
    return out


def cell_baselines(problems) -> dict[tuple[str, str, int], float]:
    """Majority-answer baseline per (setting, split, level): the share of the cell's most common gold."""
    from omegactl.report.answer_audit import majority_baseline

    golds: dict[tuple[str, str, int], list[str]] = {}
    for p in problems:
        golds.setdefault((p.setting_key, p.split, int(p.level)), []).append(p.ground_truth)
    return {k: majority_baseline(v)[1] for k, v in golds.items()}


def levels_table(df: pd.DataFrame, baselines: dict[tuple[str, str, int], float] | None = None) -> pd.DataFrame:
    """One row per (setting, split, level); ``beats_baseline`` is False where the model's accuracy is not above
    the majority-answer baseline (None when the baseline is unknown)."""
    rows = []
    for (axis, setting, split, level), g in df.groupby(["axis", "setting", "split", "level"], sort=True):
        acc = _acc(g)
        base = (baselines or {}).get((setting, split, int(level)))
        rows.append({"axis": axis, "setting": setting, "split": split, "level": int(level), "n": int(len(g)),
                     "accuracy": acc, "accuracy_flex": _acc(g, "correct_flex"), "ci": _ci(g),
                     "unparsed": int(g["unparsed"].sum()), "errored": int(g["errored"].sum()),
                     "baseline": base, "beats_baseline": None if base is None or acc is None else bool(acc > base)})
    return pd.DataFrame(rows, columns=["axis", "setting", "split", "level", "n", "accuracy", "accuracy_flex", "ci",
                                       "unparsed", "errored", "baseline", "beats_baseline"])


def level_curve(df: pd.DataFrame, setting: str) -> pd.DataFrame:
    """Accuracy by level for one setting, pooled over its splits (the degradation curve)."""
    g = df[df["setting"] == setting]
    rows = []
    for level, h in g.groupby("level", sort=True):
        ci = _ci(h)
        rows.append({"level": int(level), "n": int(len(h)), "accuracy": _acc(h), "ci": ci,
                     "side": "id" if (h["side"] == "id").all() else ("ood" if (h["side"] == "ood").all() else "mixed")})
    return pd.DataFrame(rows, columns=["level", "n", "accuracy", "ci", "side"])


def first_level_below(curve: pd.DataFrame, threshold: float = 0.5) -> int | None:
    for _, r in curve.iterrows():
        if r["accuracy"] is not None and r["accuracy"] < threshold:
            return int(r["level"])
    return None


def critical_levels(df: pd.DataFrame, *, seed: int = 0) -> dict[str, Any]:
    out: dict[str, Any] = {}
    ex = df[df["axis"] == "exploratory"]
    for setting, g in ex.groupby("setting", sort=True):
        ood_by_level = {int(lv): h[h["side"] == "ood"]["correct"].to_numpy(dtype=float) for lv, h in g.groupby("level")}
        id_by_level = {int(lv): h[h["side"] == "id"]["correct"].to_numpy(dtype=float) for lv, h in g.groupby("level")}
        same = any(len(id_by_level.get(lv, [])) and len(ood_by_level.get(lv, [])) for lv in ood_by_level)
        if same:
            res = critical_level_distribution(ood_by_level, id_by_level, seed=seed)
        else:
            pooled = {int(lv): h["correct"].to_numpy(dtype=float) for lv, h in g.groupby("level")}
            res = critical_level_distribution(pooled, None, seed=seed)
        curve = level_curve(df, setting)
        res["first_below_50"] = first_level_below(curve)
        res["gaps"] = level_gaps(g, same)
        significant = [x for x in res["gaps"] if x["ci"] is not None and x["ci"][0] > 0]
        # a critical level is only named where some gap is larger than its own 95% interval (lower bound > 0)
        res["critical"] = max(significant, key=lambda x: x["gap"])["level"] if significant else None
        out[setting] = res
    return out


def _per_problem(h: pd.DataFrame) -> tuple[float, float]:
    per = h.groupby("problem_id")["correct"].mean()
    return float(per.sum()), float(len(per))


def level_gaps(g: pd.DataFrame, same_level: bool) -> list[dict[str, Any]]:
    """Per-level gap with a Newcombe 95% interval on per-problem scores: ID − OOD at the same level, or
    else the drop from the level below, acc(L−1) − acc(L)."""
    rows = []
    levels = sorted(int(x) for x in g["level"].unique())
    for i, lv in enumerate(levels):
        at = g[g["level"] == lv]
        if same_level:
            a, b = at[at["side"] == "id"], at[at["side"] == "ood"]
        elif i == 0:
            continue
        else:
            a, b = g[g["level"] == levels[i - 1]], at
        if not len(a) or not len(b):
            continue
        (k1, n1), (k2, n2) = _per_problem(a), _per_problem(b)
        ci = newcombe_diff(k1, n1, k2, n2)
        rows.append({"level": lv, "gap": k1 / n1 - k2 / n2, "ci": list(ci) if ci else None})
    return rows


def carc_table(df: pd.DataFrame) -> pd.DataFrame:
    c = df[df["axis"] == "carc"]
    rows = []
    for (cond, side), g in c.groupby([c["condition"].fillna("systematicity"), "side"], sort=True):
        n = len(g)
        rows.append({"condition": cond, "side": side, "n": int(n), "exact": _acc(g), "ci": _ci(g),
                     "color": float(g["grid_color"].fillna(False).astype(bool).mean()) if n else None,
                     "shape": float(g["grid_shape"].fillna(False).astype(bool).mean()) if n else None,
                     "parse_failure_rate": float(g["unparsed"].mean()) if n else None, "errored": int(g["errored"].sum())})
    return pd.DataFrame(rows, columns=["condition", "side", "n", "exact", "ci", "color", "shape", "parse_failure_rate", "errored"])


def differences(a: RunReport, b: RunReport) -> pd.DataFrame:
    """Per-setting/split change from run A to run B, paired by (problem id, sample index), largest change first."""
    cols = ["problem_id", "sample_index", "axis", "setting", "split", "correct"]
    m = a.samples[cols].merge(b.samples[cols], on=["problem_id", "sample_index", "axis", "setting", "split"], suffixes=("_a", "_b"))
    rows = []
    for (axis, setting, split), g in m.groupby(["axis", "setting", "split"], sort=True):
        acc_a, acc_b = float(g["correct_a"].mean()), float(g["correct_b"].mean())
        d = g["correct_b"].astype(float) - g["correct_a"].astype(float)
        se = float(d.std(ddof=1) / np.sqrt(len(d))) if len(d) > 1 else None
        rows.append({"axis": axis, "setting": setting, "split": split, "n_paired": int(len(g)), "accuracy_a": acc_a,
                     "accuracy_b": acc_b, "change": acc_b - acc_a, "se": se,
                     "a_only_right": int((g["correct_a"] & ~g["correct_b"]).sum()),
                     "b_only_right": int((~g["correct_a"] & g["correct_b"]).sum())})
    out = pd.DataFrame(rows, columns=["axis", "setting", "split", "n_paired", "accuracy_a", "accuracy_b", "change", "se",
                                      "a_only_right", "b_only_right"])
    if len(out):
        out = out.reindex(out["change"].abs().sort_values(ascending=False).index).reset_index(drop=True)
    return out


def compare_axes(a: RunReport, b: RunReport) -> pd.DataFrame:
    """Side-by-side accuracy of runs A and B per (axis, ID/OOD), on the samples both runs have, with a paired
    95% interval for B − A: per-problem differences (mean over samples), normal approximation, never narrower
    than ±3/n (rule of three); problems are the independent units, so repeated samples do not shrink it."""
    cols = ["problem_id", "sample_index", "axis", "side", "correct"]
    m = a.samples[cols].merge(b.samples[cols], on=["problem_id", "sample_index", "axis", "side"], suffixes=("_a", "_b"))
    rows = []
    order = {x: i for i, x in enumerate(AXIS_ORDER)}
    for (axis, side), g in sorted(m.groupby(["axis", "side"]), key=lambda kv: (order.get(kv[0][0], 99), kv[0][0], kv[0][1])):
        per = g.groupby("problem_id")[["correct_a", "correct_b"]].mean()
        d = per["correct_b"] - per["correct_a"]
        n = int(len(per))
        change = float(d.mean())
        half = float(1.959963984540054 * d.std(ddof=1) / np.sqrt(n)) if n > 1 else None
        if half is not None:  # no discordant problem is no proof of no change: at least the rule-of-three bound
            half = max(half, 3.0 / n)
        ci = [max(-1.0, change - half), min(1.0, change + half)] if half is not None else None
        rows.append({"axis": axis, "side": side, "n_problems": n, "n_paired": int(len(g)),
                     "accuracy_a": float(g["correct_a"].mean()), "accuracy_b": float(g["correct_b"].mean()),
                     "change": change, "ci_change": ci})
    return pd.DataFrame(rows, columns=["axis", "side", "n_problems", "n_paired", "accuracy_a", "accuracy_b", "change",
                                       "ci_change"])
