"""Statistics of the regression gate: paired clustered differences, one-sided non-inferiority, Holm, BH, power.

d_i = s_i(candidate) − s_i(baseline) per item (mean over samples). The standard error is cluster-robust
(CR1: clusters = settings/families, Miller's clustered SE with the c/(c−1) small-sample factor) and the
critical value comes from Student's t with c−1 degrees of freedom, so few clusters widen the bound instead
of inflating false alarms. A seeded cluster bootstrap of Δ is reported beside it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats as st


@dataclass
class PairedTest:
    name: str
    n: int
    clusters: int
    baseline: float
    candidate: float
    delta: float
    se: float
    df: float
    alpha: float  # the level this metric was tested at (after Holm)
    tolerance: float
    ucb: float
    p_value: float
    verdict: str  # PASS | WARN | FAIL
    boot_ci: tuple[float, float] | None = None
    design_effect: float | None = None
    n_needed: int | None = None
    mcnemar_p: float | None = None


def clustered_se(d: np.ndarray, clusters: np.ndarray) -> tuple[float, int, float]:
    """(SE of mean(d), number of clusters, design effect) with the CR1 correction."""
    n = len(d)
    if n == 0:
        return float("nan"), 0, float("nan")
    labels, inv = np.unique(clusters, return_inverse=True)
    c = len(labels)
    resid = d - d.mean()
    naive_var = resid.var(ddof=1) / n if n > 1 else 0.0
    if c < 2:
        return math.sqrt(naive_var), c, 1.0
    sums = np.bincount(inv, weights=resid, minlength=c)
    var = (c / (c - 1)) * float((sums**2).sum()) / n**2
    deff = var / naive_var if naive_var > 0 else 1.0
    return math.sqrt(max(var, 0.0)), c, deff


def cluster_bootstrap_delta(d: np.ndarray, clusters: np.ndarray, *, resamples: int = 10_000, seed: int = 0,
                            level: float = 0.95) -> tuple[float, float] | None:
    labels, inv = np.unique(clusters, return_inverse=True)
    c = len(labels)
    if c < 2:
        return None
    sums = np.bincount(inv, weights=d, minlength=c)
    counts = np.bincount(inv, minlength=c).astype(float)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, c, size=(resamples, c))
    means = sums[idx].sum(1) / counts[idx].sum(1)
    lo, hi = np.percentile(means, [100 * (1 - level) / 2, 100 * (1 + level) / 2])
    return float(lo), float(hi)


def crit(alpha: float, df: float) -> float:
    """One-sided critical value at level alpha (t with df, normal when df is large)."""
    return float(st.t.ppf(1 - alpha, df)) if df < 200 else float(st.norm.ppf(1 - alpha))


def p_value(delta: float, se: float, tolerance: float, df: float) -> float:
    """One-sided p-value for H0: Δ ≥ −tolerance against H1: Δ < −tolerance."""
    if se <= 0 or not math.isfinite(se):
        return 0.0 if delta < -tolerance else 1.0
    t = (delta + tolerance) / se
    return float(st.t.cdf(t, df)) if df < 200 else float(st.norm.cdf(t))


def holm(p_values: list[float], alpha: float) -> list[float]:
    """Holm step-down: the level each hypothesis is tested at (∞ step-down stop encoded by the same α' rule)."""
    order = np.argsort(p_values, kind="stable")
    m = len(p_values)
    levels = [alpha] * m
    for rank, i in enumerate(order):
        levels[i] = alpha / (m - rank)
    return levels


def holm_reject(p_values: list[float], alpha: float) -> list[bool]:
    order = np.argsort(p_values, kind="stable")
    m = len(p_values)
    reject = [False] * m
    for rank, i in enumerate(order):
        if p_values[i] <= alpha / (m - rank):
            reject[i] = True
        else:
            break
    return reject


def benjamini_hochberg(p_values: list[float], q: float) -> list[bool]:
    m = len(p_values)
    if m == 0:
        return []
    order = np.argsort(p_values, kind="stable")
    passed = [False] * m
    k_max = -1
    for rank, i in enumerate(order, 1):
        if p_values[i] <= q * rank / m:
            k_max = rank
    for rank, i in enumerate(order, 1):
        if rank <= k_max:
            passed[i] = True
    return passed


def mcnemar_one_sided(base: np.ndarray, cand: np.ndarray) -> float | None:
    """Exact one-sided McNemar p-value for 'candidate worse' on binary paired scores (K = 1)."""
    if not (np.isin(base, [0, 1]).all() and np.isin(cand, [0, 1]).all()):
        return None
    b = int(((base == 1) & (cand == 0)).sum())  # baseline right, candidate wrong
    c = int(((base == 0) & (cand == 1)).sum())
    if b + c == 0:
        return 1.0
    return float(st.binomtest(b, b + c, 0.5, alternative="greater").pvalue)


def items_needed(var_d: float, effect: float, tolerance: float, alpha: float, power: float = 0.8,
                 design_effect: float = 1.0) -> int | None:
    """n ≈ (z_{1−α} + z_{power})² · Var(d) · deff / (effect − tolerance)²  (effect, tolerance as positive drops)."""
    gap = effect - tolerance
    if gap <= 0 or var_d <= 0:
        return None
    z = st.norm.ppf(1 - alpha) + st.norm.ppf(power)
    return int(math.ceil(z * z * var_d * max(design_effect, 1.0) / (gap * gap)))


def paired_test(name: str, base: np.ndarray, cand: np.ndarray, clusters: np.ndarray, *, alpha: float,
                tolerance: float, resamples: int = 10_000, seed: int = 0) -> PairedTest:
    """One-sided non-inferiority test of the mean paired difference at level ``alpha``."""
    d = cand.astype(float) - base.astype(float)
    n = len(d)
    delta = float(d.mean()) if n else float("nan")
    se, c, deff = clustered_se(d, clusters)
    df = max(1, c - 1) if c >= 2 else max(1, n - 1)
    ucb = delta + crit(alpha, df) * se
    p = p_value(delta, se, tolerance, df)
    if ucb < -tolerance:
        verdict = "FAIL"
    elif delta < -tolerance:
        verdict = "WARN"
    else:
        verdict = "PASS"
    var_d = float(d.var(ddof=1)) if n > 1 else 0.0
    needed = items_needed(var_d, -delta, tolerance, alpha, design_effect=deff) if verdict == "WARN" else None
    return PairedTest(
        name=name, n=n, clusters=c, baseline=float(base.mean()) if n else float("nan"),
        candidate=float(cand.mean()) if n else float("nan"), delta=delta, se=se, df=df, alpha=alpha,
        tolerance=tolerance, ucb=ucb, p_value=p, verdict=verdict,
        boot_ci=cluster_bootstrap_delta(d, clusters, resamples=resamples, seed=seed) if n else None,
        design_effect=deff, n_needed=needed, mcnemar_p=mcnemar_one_sided(base, cand),
    )
