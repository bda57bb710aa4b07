"""`omegactl gate`: baseline vs candidate on the same items; statistically sound pass / fail with exit codes.

Exit codes: 0 pass (WARN included), 1 regression, 2 cannot judge (misuse, mismatched or incomplete runs).
Primary metrics, declared up front: ID and OOD accuracy per axis present in both runs, tested one-sided
for non-inferiority (FAIL iff the upper confidence bound of Δ is below −tolerance) with Holm's correction.
Error and parse-failure rates are gated separately; per-cell drops are warnings under Benjamini–Hochberg.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from omegactl.aggregate import samples_frame
from omegactl.errors import UserError
from omegactl.gate_stats import PairedTest, benjamini_hochberg, holm, holm_reject, paired_test, p_value
from omegactl.runfolder import RunFolder

AXES = ("exploratory", "compositional", "transformative", "carc")


class CannotJudge(UserError):
    def __init__(self, message: str):
        super().__init__(message, exit_code=2)


class Regression(UserError):
    def __init__(self, message: str):
        super().__init__(message, exit_code=1)


@dataclass
class GateConfig:
    tolerance: float = 0.01
    alpha: float = 0.05
    metric_tolerance: dict[str, float] = field(default_factory=dict)  # "exploratory/ood": 0.02
    error_rate_tolerance: float = 0.02
    parse_failure_tolerance: float = 0.02
    format_alpha: float = 0.05
    cell_q: float = 0.10
    resamples: int = 10_000
    seed: int = 0

    @classmethod
    def load(cls, path: str | None, overrides: dict[str, Any]) -> "GateConfig":
        data: dict[str, Any] = {}
        if path:
            try:
                raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
            except FileNotFoundError:
                raise CannotJudge(f"gate config {path!r} does not exist") from None
            except yaml.YAMLError as exc:
                raise CannotJudge(f"gate config {path!r} is not valid YAML: {str(exc).splitlines()[0]}") from None
            if not isinstance(raw, dict):
                raise CannotJudge(f"gate config {path!r} must be a mapping")
            data = {str(k).replace("-", "_"): v for k, v in raw.items()}
            metrics = data.pop("metrics", {}) or {}
            if not isinstance(metrics, dict):
                raise CannotJudge("gate config: 'metrics' must map metric names (e.g. exploratory/ood) to {tolerance: x}")
            data["metric_tolerance"] = {
                str(k): float(v["tolerance"] if isinstance(v, dict) else v) for k, v in metrics.items()
            }
        data.update({k: v for k, v in overrides.items() if v is not None})
        valid = set(cls.__dataclass_fields__)
        unknown = sorted(set(data) - valid)
        if unknown:
            raise CannotJudge(f"unknown gate option {unknown[0]!r} (valid: {', '.join(sorted(valid - {'metric_tolerance'}))}, metrics)")
        cfg = cls(**data)
        if not 0 < cfg.alpha < 0.5:
            raise CannotJudge(f"--alpha must be in (0, 0.5) (got {cfg.alpha})")
        if cfg.tolerance < 0:
            raise CannotJudge(f"--tolerance must be ≥ 0 (got {cfg.tolerance})")
        if cfg.resamples < 1000:
            raise CannotJudge("resamples must be at least 1000")
        return cfg


@dataclass
class LoadedRun:
    path: Path
    manifest: dict[str, Any]
    frame: pd.DataFrame
    prompt_hashes: dict[tuple[str, int], str]
    keys: set[tuple[str, int]]


def load(path: Path, role: str) -> LoadedRun:
    folder = RunFolder(Path(path))
    if not Path(path).is_dir() or not folder.exists():
        raise CannotJudge(f"{role} {path} is not a run folder (no manifest.json)")
    try:
        manifest = folder.read_manifest()
        problems = folder.read_problems()
        latest = folder.latest_samples()
    except UserError as exc:
        raise CannotJudge(f"{role}: {exc}") from None
    frame = samples_frame(problems, latest)
    samples = int(manifest.get("identity", {}).get("samples", 1))
    expected = {(p.id, k) for p in problems for k in range(samples)}
    missing = expected - set(latest)
    if manifest.get("status") != "complete" or missing:
        raise CannotJudge(
            f"{role} run {path} is incomplete (status {manifest.get('status')!r}, {len(missing)} of {len(expected)} "
            f"samples missing); finish it by re-running its eval command"
        )
    return LoadedRun(Path(path), manifest, frame, {k: v.get("prompt_hash") for k, v in latest.items()}, set(latest))


def check_comparable(base: LoadedRun, cand: LoadedRun) -> list[str]:
    """Raise CannotJudge naming exactly what differs; return soft warnings."""
    mb, mc = base.manifest, cand.manifest
    if mb.get("problem_set_hash") != mc.get("problem_set_hash") or base.keys != cand.keys:
        pb = {k[0] for k in base.keys}
        pc = {k[0] for k in cand.keys}
        raise CannotJudge(
            f"different problem sets: {len(pb - pc)} problems only in the baseline, {len(pc - pb)} only in the candidate "
            f"(hashes {str(mb.get('problem_set_hash'))[:12]} vs {str(mc.get('problem_set_hash'))[:12]}); evaluate both on "
            f"the same suite/--problems and seed"
        )
    vb, vc = mb.get("verifier_version"), mc.get("verifier_version")
    if vb != vc:
        stale = base.path if str(vb) < str(vc) else cand.path
        raise CannotJudge(f"different verifier versions ({vb} vs {vc}); re-score the older run with `omegactl score {stale}`")
    ib, ic = mb.get("identity", {}), mc.get("identity", {})
    if ib.get("samples") != ic.get("samples"):
        raise CannotJudge(f"different samples per problem ({ib.get('samples')} vs {ic.get('samples')})")
    if ib.get("system_prompt") != ic.get("system_prompt"):
        raise CannotJudge("different prompts: the system prompts differ")
    diff = [k for k in base.keys if base.prompt_hashes.get(k) != cand.prompt_hashes.get(k)]
    if diff:
        raise CannotJudge(f"different prompts for {len(diff)} samples (e.g. problem {diff[0][0]}); regenerate both runs from the same problems")
    warnings = []
    for key in ("temperature", "top_p", "max_tokens", "gen_kwargs"):
        if ib.get(key) != ic.get(key):
            warnings.append(f"generation setting {key} differs: baseline {ib.get(key)!r}, candidate {ic.get(key)!r}")
    return warnings


def paired_items(base: pd.DataFrame, cand: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per-problem mean score of both runs, paired by (problem id, sample index)."""
    keys = ["problem_id", "sample_index"]
    m = base[keys + ["axis", "setting", "family", "level", "side", column]].merge(
        cand[keys + [column]], on=keys, suffixes=("_base", "_cand"))
    m["_b"] = m[f"{column}_base"].astype(float)
    m["_c"] = m[f"{column}_cand"].astype(float)
    g = m.groupby(["problem_id", "axis", "setting", "level", "side"], sort=True)[["_b", "_c"]].mean()
    return g.reset_index().rename(columns={"_b": "base", "_c": "cand"})


@dataclass
class GateResult:
    verdict: str  # PASS | WARN | FAIL
    primary: list[PairedTest]
    format_tests: list[PairedTest]
    cell_warnings: list[dict[str, Any]]
    warnings: list[str]
    config: GateConfig

    def to_json(self) -> dict[str, Any]:
        def t(x: PairedTest) -> dict[str, Any]:
            d = asdict(x)
            d["boot_ci"] = list(x.boot_ci) if x.boot_ci else None
            return d

        return {"verdict": self.verdict, "primary": [t(x) for x in self.primary], "format": [t(x) for x in self.format_tests],
                "cell_warnings": self.cell_warnings, "warnings": self.warnings, "config": asdict(self.config)}


def judge(base: LoadedRun, cand: LoadedRun, cfg: GateConfig) -> GateResult:
    warnings = check_comparable(base, cand)
    items = paired_items(base.frame, cand.frame, "correct")
    # -- primary metrics: ID / OOD per axis, declared before looking at outcomes
    specs = []
    for axis in AXES:
        for side in ("id", "ood"):
            sel = items[(items["axis"] == axis) & (items["side"] == side)]
            if len(sel):
                specs.append((f"{axis}/{side}", sel))
    if not specs:
        raise CannotJudge("the runs share no scored items")
    tols = {name: cfg.metric_tolerance.get(name, cfg.tolerance) for name, _ in specs}
    pvals = []
    for name, sel in specs:
        d = sel["cand"].to_numpy(float) - sel["base"].to_numpy(float)
        from omegactl.gate_stats import clustered_se

        se, c, _ = clustered_se(d, sel["setting"].to_numpy())
        df = max(1, c - 1) if c >= 2 else max(1, len(d) - 1)
        pvals.append(p_value(float(d.mean()), se, tols[name], df))
    levels = holm(pvals, cfg.alpha)
    rejected = holm_reject(pvals, cfg.alpha)
    primary = []
    for (name, sel), lv, rej in zip(specs, levels, rejected):
        t = paired_test(name, sel["base"].to_numpy(float), sel["cand"].to_numpy(float), sel["setting"].to_numpy(),
                        alpha=lv, tolerance=tols[name], resamples=cfg.resamples, seed=cfg.seed)
        t.verdict = "FAIL" if rej else ("WARN" if t.delta < -t.tolerance else "PASS")
        if t.verdict == "WARN" and t.n_needed is None:
            from omegactl.gate_stats import items_needed

            t.n_needed = items_needed(float(np.var(sel["cand"] - sel["base"], ddof=1)) if len(sel) > 1 else 0.0,
                                      -t.delta, t.tolerance, lv, design_effect=t.design_effect or 1.0)
        primary.append(t)
    # -- format gate: error and parse-failure rates (an increase is a regression of its own kind)
    format_tests = []
    for column, name, tol in (("errored", "error rate", cfg.error_rate_tolerance),
                              ("unparsed", "parse-failure rate", cfg.parse_failure_tolerance)):
        it = paired_items(base.frame, cand.frame, column)
        # treat "fewer failures" as the good direction: score = 1 − rate
        t = paired_test(name, 1 - it["base"].to_numpy(float), 1 - it["cand"].to_numpy(float), it["setting"].to_numpy(),
                        alpha=cfg.format_alpha, tolerance=tol, resamples=cfg.resamples, seed=cfg.seed)
        t.baseline, t.candidate = float(it["base"].mean()), float(it["cand"].mean())
        format_tests.append(t)
    # -- per-cell warnings (axis × setting × level), Benjamini–Hochberg, never failures
    cells = []
    for (axis, setting, level), sel in items.groupby(["axis", "setting", "level"], sort=True):
        d = sel["cand"].to_numpy(float) - sel["base"].to_numpy(float)
        if len(d) < 2 or d.mean() >= 0:
            continue
        se = float(d.std(ddof=1) / np.sqrt(len(d)))
        cells.append({"axis": axis, "setting": setting, "level": int(level), "n": int(len(d)), "delta": float(d.mean()),
                      "p_value": p_value(float(d.mean()), se, 0.0, len(d) - 1)})
    flags = benjamini_hochberg([c["p_value"] for c in cells], cfg.cell_q)
    cell_warnings = [c for c, f in zip(cells, flags) if f]
    verdicts = [t.verdict for t in primary + format_tests]
    verdict = "FAIL" if "FAIL" in verdicts else ("WARN" if "WARN" in verdicts else "PASS")
    return GateResult(verdict, primary, format_tests, sorted(cell_warnings, key=lambda c: c["delta"]), warnings, cfg)


def _pct(x: float) -> str:
    return "—" if x is None or not np.isfinite(x) else f"{100 * x:.1f}%"


def _pts(x: float) -> str:
    return "—" if x is None or not np.isfinite(x) else f"{100 * x:+.2f}"


def markdown(res: GateResult, base: Path, cand: Path) -> str:
    icon = {"PASS": "✅", "WARN": "⚠️", "FAIL": "❌"}
    from omegactl.escape import md

    lines = [f"## omegactl gate: {icon[res.verdict]} {res.verdict}", "",
             f"baseline {md(base)} vs candidate {md(cand)} · tolerance {res.config.tolerance:g} · α {res.config.alpha:g} (Holm over {len(res.primary)} primary metrics)", "",
             "| metric | n | clusters | baseline | candidate | Δ pts | UCB pts | test level | tol pts | verdict |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for t in res.primary + res.format_tests:
        lines.append(f"| {md(t.name)} | {t.n} | {t.clusters} | {_pct(t.baseline)} | {_pct(t.candidate)} | {_pts(t.delta)} | "
                     f"{_pts(t.ucb)} | {t.alpha:.4f} | {100 * t.tolerance:.2f} | {icon[t.verdict]} {t.verdict} |")
    for t in res.primary:
        if t.verdict == "WARN" and t.n_needed:
            lines.append(f"\n⚠️ {md(t.name)}: Δ̂ {_pts(t.delta)} pts is below −tolerance but not significant; about "
                         f"{t.n_needed} items would be needed (have {t.n}) to decide at 80% power.")
    if res.cell_warnings:
        lines += ["", "Per-cell drops flagged (Benjamini–Hochberg q = %.2f; warnings, not failures):" % res.config.cell_q, ""]
        lines += [f"- {md(c['axis'])}/{md(c['setting'])} L{c['level']}: {_pts(c['delta'])} pts (n={c['n']}, p={c['p_value']:.3g})"
                  for c in res.cell_warnings]
    for w in res.warnings:
        lines.append(f"\nnote: {md(w)}")
    return "\n".join(lines) + "\n"


def run_gate(baseline: Path, candidate: Path, cfg: GateConfig) -> GateResult:
    base = load(baseline, "baseline")
    cand = load(candidate, "candidate")
    res = judge(base, cand, cfg)
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_path:
        try:
            with open(summary_path, "a", encoding="utf-8") as fh:
                fh.write(markdown(res, baseline, candidate))
        except OSError as exc:
            res.warnings.append(f"could not write GITHUB_STEP_SUMMARY: {exc.strerror or exc}")
    return res


def print_result(console, res: GateResult, baseline: Path, candidate: Path) -> None:
    from rich.table import Table

    from omegactl.escape import terminal_markup as tm

    style = {"PASS": "bold green", "WARN": "bold yellow", "FAIL": "bold red"}
    table = Table(title=tm(f"gate: {baseline} → {candidate}"), header_style="bold")
    for col in ("metric", "n", "clusters", "baseline", "candidate", "Δ pts", "UCB pts", "level", "tol pts", "verdict"):
        table.add_column(col, justify="left" if col == "metric" else "right")
    for t in res.primary + res.format_tests:
        table.add_row(tm(t.name), str(t.n), str(t.clusters), _pct(t.baseline), _pct(t.candidate), _pts(t.delta), _pts(t.ucb),
                      f"{t.alpha:.4f}", f"{100 * t.tolerance:.2f}", f"[{style[t.verdict]}]{t.verdict}[/]")
    console.print(table)
    for t in res.primary:
        if t.verdict == "WARN":
            need = f"; about {t.n_needed} items would be needed (have {t.n})" if t.n_needed else ""
            console.print(f"[bold yellow]WARN[/] {tm(t.name)}: Δ̂ {_pts(t.delta)} pts is below −tolerance but the bound "
                          f"does not clear it: under-powered{need}")
    for c in res.cell_warnings:
        console.print(f"[yellow]cell drop[/] {tm(c['axis'])}/{tm(c['setting'])} L{c['level']}: {_pts(c['delta'])} pts (n={c['n']}, "
                      f"p={c['p_value']:.3g}, BH q={res.config.cell_q:g})")
    for w in res.warnings:
        console.print(f"[yellow]note[/] {tm(w)}")
    failing = [t.name for t in res.primary + res.format_tests if t.verdict == res.verdict and res.verdict != "PASS"]
    console.print(f"[{style[res.verdict]}]{res.verdict}[/]" + (f": {tm(', '.join(failing))}" if failing else ""))


def write_json(path: Path, res: GateResult) -> None:
    from omegactl.atomic import write_json as wj

    wj(path, res.to_json())


__all__ = ["GateConfig", "run_gate", "print_result", "write_json", "CannotJudge", "json"]
