"""Statistics of the regression gate: an exact paired sign-flip test over items, its bound, Holm, BH, power.

d_i = s_i(candidate) − s_i(baseline) per item (mean over its samples, so an item is one unit however many
samples it has). For a margin Δ0 the statistic is S(Δ0) = Σ (d_i − Δ0); its reference distribution flips
the sign of every e_i = d_i − Δ0 independently (Σ ε_i |e_i|, ε_i = ±1). When the two runs are
exchangeable on every item (an A/A comparison, whatever the items' difficulty and however strongly it is
shared inside a setting) each d_i is symmetric about 0, so at Δ0 = 0 the test is exact for any number of
items and settings; at a margin Δ0 ≠ 0 it is the studentized permutation test (the two are monotone in
each other), valid as items grow. Items with the same difference share one Binomial(m, ½) draw per
resample, so 10,000 seeded resamples cost O(resamples × distinct differences), and with the same draws
the p-value is monotone in Δ0: the upper confidence bound (the smallest Δ0 the test rejects) and the
verdict (reject Δ0 = −tolerance) can never disagree.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from scipy import stats as st

METHOD = "sign-flip"  # the one method every row of the gate uses (the unit is the item)


def _z(q: float) -> float:
    return NormalDist().inv_cdf(q)


@dataclass
class PairedTest:
    name: str
    n: int  # items (problems) = the units the test resamples
    clusters: int  # units that decided the row: the items (each problem with its samples averaged)
    baseline: float
    candidate: float
    delta: float
    se: float  # item-level standard error of Δ̂ (reported; the bound comes from the sign-flip test)
    df: float  # kept for the JSON contract: items − 1
    alpha: float  # the level this metric was tested at (after Holm)
    tolerance: float
    ucb: float
    p_value: float  # one-sided p of H0: Δ ≥ −tolerance
    verdict: str  # PASS | WARN | FAIL
    method: str = METHOD
    settings: int = 0  # distinct settings among the items (reported; the decision does not depend on it)
    boot_ci: tuple[float, float] | None = None
    design_effect: float | None = None  # CR1-by-setting variance over item-level variance (diagnostic)
    n_needed: int | None = None
    mcnemar_p: float | None = None


class SignFlip:
    """The sign-flip reference distribution of one vector of paired differences, with fixed seeded draws."""

    def __init__(self, d: np.ndarray, *, resamples: int = 10_000, seed: int = 0):
        d = np.asarray(d, dtype=float)
        self.n = len(d)
        values, counts = np.unique(np.round(d, 12), return_counts=True)
        self.values = values
        self.counts = counts.astype(float)
        rng = np.random.default_rng(seed)
        # (resamples × distinct values): how many items of each value keep their sign
        self.kept = rng.binomial(counts[None, :], 0.5, size=(resamples, len(values))).astype(float)
        self.resamples = resamples

    def p_value(self, delta0: float) -> float:
        """One-sided p for H0: Δ ≥ delta0 against Δ < delta0 (Monte Carlo, +1 so that it is never 0)."""
        if self.n == 0:
            return 1.0
        e = self.values - delta0
        observed = float((self.counts * e).sum())
        flipped = self.kept @ np.abs(e) * 2.0 - float((self.counts * np.abs(e)).sum())
        slack = 1e-9 * (float((self.counts * np.abs(e)).sum()) + 1.0)
        hits = int((flipped <= observed + slack).sum())
        return (1 + hits) / (self.resamples + 1)

    def upper_bound(self, alpha: float, iterations: int = 32) -> float:
        """Smallest Δ0 the test rejects at ``alpha`` (the one-sided upper confidence bound of Δ); 1.0 when
        no difference can be rejected with this few items."""
        if self.n == 0:
            return float("nan")
        hi = 1.0
        if self.p_value(hi) > alpha:
            return 1.0
        lo = float((self.values * self.counts).sum() / self.n)
        if self.p_value(lo) <= alpha:  # cannot happen for alpha < ½ but keep the bisection honest
            lo = -1.0
        for _ in range(iterations):
            mid = (lo + hi) / 2
            if self.p_value(mid) <= alpha:
                hi = mid
            else:
                lo = mid
        return hi


def clustered_se(d: np.ndarray, clusters: np.ndarray) -> tuple[float, int, float]:
    """(CR1 SE of mean(d) clustered by ``clusters``, number of clusters, design effect). A diagnostic only:
    the gate's decision is item-level (see the module docstring and the README)."""
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


def item_bootstrap_delta(d: np.ndarray, *, resamples: int = 10_000, seed: int = 0,
                         level: float = 0.95) -> tuple[float, float] | None:
    """Seeded percentile bootstrap interval of mean(d) over items (reported beside the test)."""
    n = len(d)
    if n < 2:
        return None
    values, counts = np.unique(np.round(np.asarray(d, float), 12), return_counts=True)
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(n, counts / n, size=resamples)
    means = draws @ values / n
    lo, hi = np.percentile(means, [100 * (1 - level) / 2, 100 * (1 + level) / 2])
    return float(lo), float(hi)


def holm(p_values: list[float], alpha: float) -> list[float]:
    """The level each hypothesis is effectively tested at under Holm's step-down: α/(m − rank) while the
    smaller p-values are rejected, then the level of the first one that was not (so that a row's p-value,
    level and verdict always agree)."""
    order = np.argsort(p_values, kind="stable")
    m = len(p_values)
    levels = [alpha] * m
    stopped: float | None = None
    for rank, i in enumerate(order):
        level = alpha / (m - rank) if stopped is None else stopped
        levels[i] = level
        if stopped is None and p_values[i] > level:
            stopped = level
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
    """Items for ``power`` against a true drop ``effect`` with the sign-flip test at level ``alpha``.

    With e = d + tolerance the test compares Σe with z_{1−α}·sqrt(Σe²), and E[e²] = σ² + gap², so
    n = ((z_{1−α}·sqrt(σ² + gap²) + z_power·σ) / gap)²,  σ² = Var(d)·deff,  gap = effect − tolerance.
    """
    gap = effect - tolerance
    if gap <= 0 or var_d <= 0:
        return None
    sigma2 = var_d * max(design_effect, 1.0)
    za, zb = _z(1 - alpha), _z(power)
    root = (za * math.sqrt(sigma2 + gap * gap) + zb * math.sqrt(sigma2)) / gap
    return int(math.ceil(root * root))


def spread_from_bound(delta: float, ucb: float, n: int, alpha: float) -> float | None:
    """The per-item standard deviation σ that a reported bound implies: ucb − Δ̂ = z·σ/sqrt(n − z²)."""
    z = _z(1 - alpha)
    h = ucb - delta
    if n <= z * z or h <= 0 or not math.isfinite(h):
        return None
    return h * math.sqrt(n - z * z) / z


def paired_test(name: str, base: np.ndarray, cand: np.ndarray, clusters: np.ndarray, *, alpha: float,
                tolerance: float, resamples: int = 10_000, seed: int = 0) -> PairedTest:
    """One-sided non-inferiority test of the mean paired difference at level ``alpha``.

    FAIL iff the sign-flip test rejects H0: Δ ≥ −tolerance (equivalently: the upper bound is below
    −tolerance); WARN when Δ̂ < −tolerance without that evidence. ``clusters`` (the settings) are only
    counted and used for the design-effect diagnostic.
    """
    base = np.asarray(base, dtype=float)
    cand = np.asarray(cand, dtype=float)
    d = cand - base
    n = len(d)
    delta = float(d.mean()) if n else float("nan")
    flip = SignFlip(d, resamples=resamples, seed=seed)
    p = flip.p_value(-tolerance)
    ucb = flip.upper_bound(alpha)
    if p <= alpha:
        verdict = "FAIL"
    elif delta < -tolerance:
        verdict = "WARN"
    else:
        verdict = "PASS"
    var_d = float(d.var(ddof=1)) if n > 1 else 0.0
    settings = int(len(np.unique(clusters))) if n else 0
    _, _, deff = clustered_se(d, np.asarray(clusters)) if n else (0.0, 0, float("nan"))
    needed = None
    if verdict == "WARN":
        sigma = spread_from_bound(delta, ucb, n, alpha)
        needed = items_needed(sigma * sigma if sigma else var_d, -delta, tolerance, alpha)
    return PairedTest(
        name=name, n=n, clusters=n, baseline=float(base.mean()) if n else float("nan"),
        candidate=float(cand.mean()) if n else float("nan"), delta=delta,
        se=math.sqrt(var_d / n) if n > 1 else 0.0, df=max(n - 1, 0), alpha=alpha, tolerance=tolerance, ucb=ucb,
        p_value=p, verdict=verdict, settings=settings,
        boot_ci=item_bootstrap_delta(d, resamples=resamples, seed=seed) if n else None,
        design_effect=float(deff) if deff == deff else None, n_needed=needed,
        mcnemar_p=mcnemar_one_sided(base, cand),
    )
