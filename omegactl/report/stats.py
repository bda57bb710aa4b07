"""Statistics for reports and the gate: Wilson intervals, seeded cluster bootstrap, gap metrics, critical level.

Everything random here takes an explicit seed (numpy ``default_rng``), so reports are reproducible.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

Z95 = 1.959963984540054


def wilson(k: float, n: float, z: float = Z95) -> tuple[float, float] | None:
    """Wilson score interval for k successes out of n; None when n == 0."""
    if n <= 0:
        return None
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (max(0.0, centre - half), min(1.0, centre + half))


def newcombe_diff(k1: float, n1: float, k2: float, n2: float, z: float = Z95) -> tuple[float, float] | None:
    """Newcombe's hybrid score interval for p1 − p2 from two Wilson intervals (independent samples)."""
    w1, w2 = wilson(k1, n1, z), wilson(k2, n2, z)
    if w1 is None or w2 is None:
        return None
    p1, p2 = k1 / n1, k2 / n2
    d = p1 - p2
    lo = d - math.sqrt((p1 - w1[0]) ** 2 + (w2[1] - p2) ** 2)
    hi = d + math.sqrt((w1[1] - p1) ** 2 + (p2 - w2[0]) ** 2)
    return (max(-1.0, lo), min(1.0, hi))


def union(a, b):
    """The smallest interval containing both (either may be None)."""
    if not a:
        return list(b) if b else None
    if not b:
        return list(a)
    return [min(a[0], b[0]), max(a[1], b[1])]


def gap_metrics(id_acc: float | None, ood_acc: float | None) -> dict[str, float | None]:
    """Scylla-style gap metrics: diff = ID − OOD (signed here), ratio = OOD/ID, relative gap = max(ID−OOD,0)/ID."""
    if id_acc is None or ood_acc is None:
        return {"delta": None, "ratio": None, "relative_gap": None}
    delta = id_acc - ood_acc
    ratio = ood_acc / id_acc if id_acc > 0 else None
    rel = max(delta, 0.0) / id_acc if id_acc > 0 else None
    return {"delta": delta, "ratio": ratio, "relative_gap": rel}


@dataclass
class ClusterSums:
    """Per-cluster successes and trials on the ID and OOD side."""

    k_id: np.ndarray
    n_id: np.ndarray
    k_ood: np.ndarray
    n_ood: np.ndarray


def cluster_bootstrap_axis(sums: ClusterSums, *, resamples: int = 10_000, seed: int = 0) -> dict[str, tuple[float, float] | None]:
    """Percentile 95% intervals for ID accuracy, OOD accuracy and Δ, resampling clusters with replacement."""
    c = len(sums.k_id)
    if c < 2:
        return {"ci_id": None, "ci_ood": None, "ci_delta": None}
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, c, size=(resamples, c))
    out: dict[str, tuple[float, float] | None] = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        kid, nid = sums.k_id[idx].sum(1), sums.n_id[idx].sum(1)
        kood, nood = sums.k_ood[idx].sum(1), sums.n_ood[idx].sum(1)
        a_id = np.where(nid > 0, kid / np.maximum(nid, 1), np.nan)
        a_ood = np.where(nood > 0, kood / np.maximum(nood, 1), np.nan)
        delta = a_id - a_ood
    for name, arr in (("ci_id", a_id), ("ci_ood", a_ood), ("ci_delta", delta)):
        arr = arr[~np.isnan(arr)]
        out[name] = (float(np.percentile(arr, 2.5)), float(np.percentile(arr, 97.5))) if arr.size else None
    return out


def critical_level_distribution(
    level_scores: dict[int, np.ndarray],
    id_scores_by_level: dict[int, np.ndarray] | None = None,
    *,
    resamples: int = 2000,
    seed: int = 0,
) -> dict[str, object]:
    """Probability of each level being the peak of the generalization gap, by bootstrap over items.

    With ID and OOD items at the same level (Scylla's design) the gap at level L is acc_ID(L) − acc_OOD(L).
    Otherwise (OMEGA's design: ID levels below OOD levels) the gap at L is the drop from the level below,
    acc(L−1) − acc(L), and the critical level is where that drop peaks. Items are resampled within levels.
    """
    levels = sorted(level_scores)
    rng = np.random.default_rng(seed)
    same_level = id_scores_by_level and any(lv in id_scores_by_level and len(id_scores_by_level[lv]) for lv in levels)

    def boot(arr: np.ndarray) -> np.ndarray:
        if len(arr) == 0:
            return np.full(resamples, np.nan)
        return arr[rng.integers(0, len(arr), size=(resamples, len(arr)))].mean(1)

    if same_level:
        cand = [lv for lv in levels if lv in id_scores_by_level and len(id_scores_by_level[lv]) and len(level_scores[lv])]
        gaps = np.stack([boot(id_scores_by_level[lv]) - boot(level_scores[lv]) for lv in cand], axis=1)
        method = "same-level ID − OOD gap"
    else:
        cand = levels[1:]
        if not cand:
            return {"method": "adjacent-level drop", "probabilities": {}, "point": None}
        means = {lv: boot(level_scores[lv]) for lv in levels}
        gaps = np.stack([means[levels[i - 1]] - means[levels[i]] for i in range(1, len(levels))], axis=1)
        method = "adjacent-level drop acc(L−1) − acc(L)"
    if gaps.size == 0:
        return {"method": method, "probabilities": {}, "point": None}
    gaps = np.nan_to_num(gaps, nan=-np.inf)
    winners = np.asarray(cand)[gaps.argmax(1)]
    probs = {str(lv): float((winners == lv).mean()) for lv in cand}
    point_gaps = []
    for lv in cand:
        if same_level:
            point_gaps.append(id_scores_by_level[lv].mean() - level_scores[lv].mean())
        else:
            prev = levels[levels.index(lv) - 1]
            a, b = level_scores[prev], level_scores[lv]
            point_gaps.append((a.mean() if len(a) else np.nan) - (b.mean() if len(b) else np.nan))
    point = cand[int(np.nanargmax(point_gaps))] if not all(np.isnan(point_gaps)) else None
    return {"method": method, "probabilities": probs, "point": point}
