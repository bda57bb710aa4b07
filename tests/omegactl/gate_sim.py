"""Seeded simulation of the gate's decision rule on items clustered in settings (used by the slow test).

Model: setting difficulty a_s and item difficulty b_i on the logit scale, p_i = logistic(a_s + b_i), so
items of one setting are correlated (they share a_s). The baseline answers item i right with p_i, the
candidate independently with p_i · (1 − drop / p̄) (p̄ the population mean of p), so the candidate's true
accuracy is exactly ``drop`` lower on the suite. ``old`` is the rule this replaced (CR1 SE clustered by
setting, Student t with settings − 1 degrees of freedom) for comparison.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import stats as st

from omegactl.gate.stats import clustered_se, items_needed, paired_test

SETTING_COUNTS = (1, 2, 3, 5, 15, 30)


def setting_logits(rng: np.random.Generator, settings: int, mean: float, sd: float, *, fixed: bool) -> np.ndarray:
    if fixed:  # evenly spread quantiles: the same population in every replicate
        return mean + sd * st.norm.ppf((np.arange(settings) + 0.5) / settings)
    return rng.normal(mean, sd, settings)


def draw(rng: np.random.Generator, settings: int, n: int, *, drop: float, mean: float, setting_sd: float,
         item_sd: float, fixed: bool, p_bar: float | None = None):
    """(base, cand, setting labels) for ``n`` items spread evenly over ``settings``."""
    labels = np.arange(n) % settings
    a = setting_logits(rng, settings, mean, setting_sd, fixed=fixed)
    p = 1 / (1 + np.exp(-(a[labels] + rng.normal(0, item_sd, n))))
    ref = p_bar if p_bar is not None else float(p.mean())
    q = np.clip(p * (1 - drop / ref), 0, 1)
    base = (rng.random(n) < p).astype(float)
    cand = (rng.random(n) < q).astype(float)
    return base, cand, labels


def population(settings: int, *, drop: float, mean: float, setting_sd: float, item_sd: float, seed: int = 99,
               n: int = 400_000) -> tuple[float, float]:
    """(p̄, Var(d)) of the fixed-settings population, by one large seeded draw."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % settings
    a = setting_logits(rng, settings, mean, setting_sd, fixed=True)
    p = 1 / (1 + np.exp(-(a[labels] + rng.normal(0, item_sd, n))))
    p_bar = float(p.mean())
    q = p * (1 - drop / p_bar)
    # d = c − b with independent Bernoulli draws given p: E[d²] = p + q − 2pq
    var_d = float((p + q - 2 * p * q).mean() - (q - p).mean() ** 2)
    return p_bar, var_d


def old_rule_fails(base, cand, labels, alpha: float, tolerance: float) -> bool:
    d = cand - base
    se, c, _ = clustered_se(d, labels)
    df = max(1, c - 1) if c >= 2 else max(1, len(d) - 1)
    return float(d.mean()) + float(st.t.ppf(1 - alpha, df)) * se < -tolerance


def rate(hits: int, reps: int) -> tuple[float, float]:
    r = hits / reps
    return r, math.sqrt(max(r * (1 - r), 1e-12) / reps)


def run(*, seed: int = 20261206, aa_reps: int = 800, drop60_reps: int = 150, power_reps: int = 300,
        resamples: int = 2000, alpha: float = 0.05, tolerance: float = 0.01, counts=SETTING_COUNTS) -> list[dict]:
    """One row per number of settings: A/A false alarms, 60-point power, 5-point power at the printed n."""
    rows = []
    for settings in counts:
        rng = np.random.default_rng([seed, settings])
        row: dict = {"settings": settings}
        # A/A, 80 items, margin 0 (the strictest null), setting difficulty redrawn every replicate
        new = old = 0
        for r in range(aa_reps):
            b, c, lab = draw(rng, settings, 80, drop=0.0, mean=1.0, setting_sd=1.0, item_sd=1.0, fixed=False)
            t = paired_test("m", b, c, lab, alpha=alpha, tolerance=0.0, resamples=resamples, seed=r)
            new += t.verdict == "FAIL"
            old += old_rule_fails(b, c, lab, alpha, 0.0)
        row["aa_reps"] = aa_reps
        row["aa_new"], row["aa_new_se"] = rate(new, aa_reps)
        row["aa_old"], _ = rate(old, aa_reps)
        # 60-point drop (about 90 % → 30 %) on 80 items
        new = old = 0
        for r in range(drop60_reps):
            b, c, lab = draw(rng, settings, 80, drop=0.60, mean=2.6, setting_sd=0.5, item_sd=1.0, fixed=False)
            new += paired_test("m", b, c, lab, alpha=alpha, tolerance=tolerance, resamples=resamples,
                               seed=r).verdict == "FAIL"
            old += old_rule_fails(b, c, lab, alpha, tolerance)
        row["drop60_new"], _ = rate(new, drop60_reps)
        row["drop60_old"], _ = rate(old, drop60_reps)
        # 5-point drop at the item count the power formula prints for the true spread
        p_bar, var_d = population(settings, drop=0.05, mean=1.0, setting_sd=1.0, item_sd=1.0)
        n_star = items_needed(var_d, 0.05, tolerance, alpha)
        new = old = 0
        warn_checks = 0
        for r in range(power_reps):
            b, c, lab = draw(rng, settings, n_star, drop=0.05, mean=1.0, setting_sd=1.0, item_sd=1.0, fixed=True,
                             p_bar=p_bar)
            t = paired_test("m", b, c, lab, alpha=alpha, tolerance=tolerance, resamples=resamples, seed=r)
            new += t.verdict == "FAIL"
            old += old_rule_fails(b, c, lab, alpha, tolerance)
            if t.verdict == "WARN":
                check_warn(t)
                warn_checks += 1
        row["n_star"] = n_star
        row["power5_new"], row["power5_new_se"] = rate(new, power_reps)
        row["power5_old"], _ = rate(old, power_reps)
        row["warns_checked"] = warn_checks
        rows.append(row)
    return rows


def check_warn(t) -> None:
    """A WARN's "items needed" must agree with the bound it reports: more items than it has, and at that
    many items the same Δ̂ and spread would put the bound below −tolerance."""
    from omegactl.gate.stats import spread_from_bound

    assert t.n_needed is not None and t.n_needed > t.n, (t.n_needed, t.n, t.delta, t.ucb)
    sigma = spread_from_bound(t.delta, t.ucb, t.n, t.alpha)
    z = float(st.norm.ppf(1 - t.alpha))
    projected = t.delta + z * sigma / math.sqrt(t.n_needed - z * z)
    assert projected < -t.tolerance, (projected, t.n_needed, t.delta, t.ucb)
    assert t.n_needed == items_needed(sigma * sigma, -t.delta, t.tolerance, t.alpha)


def table(rows: list[dict]) -> str:
    head = ("settings | A/A false alarms (new ± SE / old) | 60-pt drop, 80 items: FAIL (new / old) | "
            "5-pt drop: printed n | power at n (new ± SE / old)")
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(f"{r['settings']:>8} | {r['aa_new']:.3f} ± {r['aa_new_se']:.3f} / {r['aa_old']:.3f}"
                     f"{'':>10} | {r['drop60_new']:.3f} / {r['drop60_old']:.3f}{'':>24} | {r['n_star']:>13} | "
                     f"{r['power5_new']:.3f} ± {r['power5_new_se']:.3f} / {r['power5_old']:.3f}")
    return "\n".join(lines)
