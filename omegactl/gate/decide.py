"""`omegactl gate`: baseline vs candidate on the same items; statistically sound pass / fail with exit codes.

Exit codes: 0 pass (WARN included), 1 regression, 2 cannot judge (misuse, mismatched, incomplete or
tampered runs). Primary metrics, declared up front: ID and OOD accuracy per axis present in both runs,
tested one-sided for non-inferiority (FAIL iff the test rejects Δ ≥ −tolerance, i.e. the upper confidence
bound of Δ is below −tolerance) with Holm's correction. Error and parse-failure rates are gated
separately; per-cell drops are warnings under Benjamini–Hochberg. Verdicts are never taken from the run
folder: every sample is re-verified from its stored response (omegactl.runs.verdicts).

The decision rule (the same for 1, 2, 3 or 30 settings; no switch): an exact paired sign-flip test over
items (gate_stats.SignFlip), the item being a problem with its samples averaged. Why the item and not the
setting: the gate's question is whether the candidate is worse on *this* suite — its settings and levels
are fixed by whoever declared it, and its items are independent draws of each (setting, level)
generator. Items of one setting are correlated in difficulty, but both runs answer the same items, so that
shared difficulty cancels in the paired difference: when the runs are exchangeable (A/A), every item's
difference is symmetric about 0 however strongly difficulty clusters, and the sign-flip test is exact.
Effects that differ between settings are part of the suite's Δ, not noise; they enlarge Σd² and make the
test conservative, never liberal. Clustering by setting answers another question (would the candidate lose
on settings *not* in the suite?) that two or three settings cannot answer by any method: the rule this
replaced (CR1 clustered by setting, t with settings − 1 df) passed a 60-point drop on 82 items.

Seeded simulation (tests/omegactl/test_gate_simulation.py; α 0.05, logit setting sd 1 and item sd 1;
"old" = the replaced rule):

    settings              1      2      3      5      15     30
    A/A false alarms    0.036  0.031  0.026  0.040  0.035  0.033   (old 0.052 0.055 0.046 0.050 0.045 0.051)
    60-pt drop, 80 it.  1.000  1.000  1.000  1.000  1.000  1.000   (old 1.000 0.853 1.000 1.000 1.000 1.000)
    5-pt drop, printed n 1465   1407   1387   1372   1357   1353
      power at that n   0.807  0.787  0.777  0.800  0.790  0.783   (old 0.813 0.240 0.397 0.613 0.773 0.770)

(A/A: 800 replicates of 80 items at margin 0, SE ≈ 0.007; power: 300 replicates, SE ≈ 0.024, tolerance 1
point; the power formula targets 80 %.)
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

from omegactl.runs.aggregate import samples_frame
from omegactl.common.errors import UserError
from omegactl.gate.stats import METHOD, PairedTest, SignFlip, benjamini_hochberg, holm, holm_reject, paired_test
from omegactl.runs.folder import RunFolder
from omegactl.runs.verdicts import read_samples, recompute

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
    notes: list[str] = field(default_factory=list)
    records: dict[str, str] = field(default_factory=dict)  # problem id -> its record as JSON (what was verified)


def load(path: Path, role: str) -> LoadedRun:
    """A complete run folder with every verdict recomputed from its stored response (omegactl.runs.verdicts)."""
    folder = RunFolder(Path(path))
    if not Path(path).is_dir() or not folder.exists():
        raise CannotJudge(f"{role} {path} is not a run folder (no manifest.json)")
    try:
        manifest = folder.read_manifest()
        if not isinstance(manifest, dict):
            raise UserError(f"{folder.manifest_path} is not a JSON object; the run folder is damaged")
        problems = folder.read_problems()
        latest, lines = read_samples(folder.samples_path)
    except UserError as exc:
        raise CannotJudge(f"{role}: {exc}") from None
    identity = manifest.get("identity") if isinstance(manifest.get("identity"), dict) else {}
    samples = identity.get("samples", 1)
    if not isinstance(samples, int) or isinstance(samples, bool) or samples < 1:
        raise CannotJudge(f"{role}: {folder.manifest_path} has an invalid identity.samples ({samples!r})")
    expected = {(p.id, k) for p in problems for k in range(samples)}
    unexpected = sorted(lines[k] for k in set(latest) - expected)
    if unexpected:
        raise CannotJudge(f"{role}: {folder.samples_path}: {len(unexpected)} line(s) name a problem or sample index that "
                          f"is not part of this run (line {unexpected[0]}{', …' if len(unexpected) > 1 else ''}; "
                          f"{len(problems)} problems × {samples} samples); the samples log was edited or damaged")
    missing = expected - set(latest)
    if manifest.get("status") != "complete" or missing:
        raise CannotJudge(
            f"{role} run {path} is incomplete (status {manifest.get('status')!r}, {len(missing)} of {len(expected)} "
            f"samples missing); finish it by re-running its eval command"
        )
    try:
        checked = recompute(folder.samples_path, problems, latest, lines)
    except UserError as exc:
        raise CannotJudge(f"{role}: {exc}") from None
    frame = samples_frame(problems, checked.latest)
    return LoadedRun(Path(path), manifest, frame, {k: v.get("prompt_hash") for k, v in checked.latest.items()},
                     set(checked.latest), checked.notes, {p.id: p.to_json() for p in problems})


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
    changed = sorted(pid for pid in base.records if base.records[pid] != cand.records.get(pid))
    if changed:
        # the verdicts are recomputed against each run's own problems.jsonl: an edited gold answer must not count
        raise CannotJudge(f"different problem records: {len(changed)} problems (e.g. {changed[0]}) differ between the "
                          f"baseline's and the candidate's problems.jsonl although their ids match; evaluate both on "
                          f"the same problems")
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
            d["decided_by"] = decided_by(x)
            return d

        return {"verdict": self.verdict, "primary": [t(x) for x in self.primary], "format": [t(x) for x in self.format_tests],
                "cell_warnings": self.cell_warnings, "warnings": self.warnings, "config": asdict(self.config)}


def judge(base: LoadedRun, cand: LoadedRun, cfg: GateConfig) -> GateResult:
    warnings = check_comparable(base, cand) + base.notes + cand.notes
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
    # one method for every metric, whatever its number of settings: the sign-flip test over items
    pvals = [SignFlip(sel["cand"].to_numpy(float) - sel["base"].to_numpy(float), resamples=cfg.resamples,
                      seed=cfg.seed).p_value(-tols[name]) for name, sel in specs]
    levels = holm(pvals, cfg.alpha)
    rejected = holm_reject(pvals, cfg.alpha)
    primary = []
    for (name, sel), lv, rej in zip(specs, levels, rejected):
        t = paired_test(name, sel["base"].to_numpy(float), sel["cand"].to_numpy(float), sel["setting"].to_numpy(),
                        alpha=lv, tolerance=tols[name], resamples=cfg.resamples, seed=cfg.seed)
        # same seeded draws give the same p, and holm() returns the effective level, so this never changes a
        # verdict that the row's own p and bound show; it only makes Holm's step-down the authority
        if rej:
            t.verdict = "FAIL"
        elif t.verdict == "FAIL":
            t.verdict = "WARN" if t.delta < -t.tolerance else "PASS"
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
        cells.append({"axis": axis, "setting": setting, "level": int(level), "n": int(len(d)), "delta": float(d.mean()),
                      "p_value": SignFlip(d, resamples=cfg.resamples, seed=cfg.seed).p_value(0.0)})
    flags = benjamini_hochberg([c["p_value"] for c in cells], cfg.cell_q)
    cell_warnings = [c for c, f in zip(cells, flags) if f]
    verdicts = [t.verdict for t in primary + format_tests]
    verdict = "FAIL" if "FAIL" in verdicts else ("WARN" if "WARN" in verdicts else "PASS")
    return GateResult(verdict, primary, format_tests, sorted(cell_warnings, key=lambda c: c["delta"]), warnings, cfg)


def _pct(x: float) -> str:
    return "—" if x is None or not np.isfinite(x) else f"{100 * x:.1f}%"


def _pts(x: float) -> str:
    return "—" if x is None or not np.isfinite(x) else f"{100 * x:+.2f}"


def _p(x: float) -> str:
    return f"{x:.2g}" if x < 0.001 else f"{x:.4f}"


def decided_by(t: PairedTest) -> str:
    """Which method and how many clusters decided a row, in words (the same method for every row)."""
    return (f"{t.method}, {t.clusters} items ({t.settings} setting{'s' if t.settings != 1 else ''}), "
            f"p {_p(t.p_value)} {'≤' if t.p_value <= t.alpha else '>'} α {t.alpha:.4g}")


def markdown(res: GateResult, base: Path, cand: Path) -> str:
    from omegactl.common.escape import md

    icon = {"PASS": "✅", "WARN": "⚠️", "FAIL": "❌"}
    lines = [f"## omegactl gate: {icon[res.verdict]} {res.verdict}", "",
             f"baseline {md(base)} vs candidate {md(cand)} · tolerance {res.config.tolerance:g} · α {res.config.alpha:g} "
             f"(Holm over {len(res.primary)} primary metrics) · every row: exact paired {METHOD} test over items "
             f"({res.config.resamples} seeded resamples)", "",
             "| metric | method | clusters (items) | settings | baseline | candidate | Δ pts | UCB pts | p | Holm α | tol pts | verdict |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for t in res.primary + res.format_tests:
        lines.append(f"| {md(t.name)} | {t.method} | {t.clusters} | {t.settings} | {_pct(t.baseline)} | {_pct(t.candidate)} | "
                     f"{_pts(t.delta)} | {_pts(t.ucb)} | {_p(t.p_value)} | {t.alpha:.4f} | {100 * t.tolerance:.2f} | "
                     f"{icon[t.verdict]} {t.verdict} |")
    lines.append("\nThe error-rate and parse-failure rows are tested at `format_alpha` each, outside Holm's family.")
    for t in res.primary:
        if t.verdict == "WARN" and t.n_needed:
            lines.append(f"\n⚠️ {md(t.name)}: Δ̂ {_pts(t.delta)} pts is below −tolerance but the bound {_pts(t.ucb)} does not "
                         f"clear it; about {t.n_needed} items would be needed (have {t.n}) to decide at 80% power.")
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
    """The verdict table (fits 80 columns; metric names are never wrapped), then per row which method and how
    many clusters decided it, WARN explanations, cell warnings and notes."""
    from rich.table import Table

    from omegactl.common.escape import terminal_markup as escape  # rich markup and control characters

    style = {"PASS": "bold green", "WARN": "bold yellow", "FAIL": "bold red"}
    rows = res.primary + res.format_tests
    table = Table(title=escape(f"gate: {baseline} → {candidate}"), header_style="bold", box=None, pad_edge=False,
                  padding=(0, 1, 0, 0), title_justify="left")
    name_width = max([len("metric")] + [len(t.name) for t in rows])
    table.add_column("metric", justify="left", no_wrap=True, min_width=name_width)
    for col in ("items", "base", "cand", "Δ pts", "UCB pts", "Holm α", "tol pts", "verdict"):
        table.add_column(col, justify="right", no_wrap=True)
    for t in rows:
        table.add_row(escape(t.name), str(t.n), _pct(t.baseline), _pct(t.candidate), _pts(t.delta), _pts(t.ucb),
                      f"{t.alpha:.4f}", f"{100 * t.tolerance:.2f}", f"[{style[t.verdict]}]{t.verdict}[/]")
    console.print(table)
    console.print(f"decided by (every row: exact paired {METHOD} test; clusters = items):", highlight=False)
    for t in rows:
        console.print(f"  {escape(t.name):<{name_width}}  {escape(decided_by(t))}", highlight=False)
    for t in res.primary:
        if t.verdict == "WARN":
            console.print(f"[bold yellow]WARN[/] {escape(t.name)}: Δ̂ {_pts(t.delta)} pts < −tolerance, bound "
                          f"{_pts(t.ucb)} does not clear it", highlight=False)
            if t.n_needed:
                console.print(f"  under-powered: about {t.n_needed} items would be needed (have {t.n}) for 80% power",
                              highlight=False)
    if res.cell_warnings:
        console.print(f"[yellow]cell drops[/] (Benjamini–Hochberg q {res.config.cell_q:g}; warnings, not failures):",
                      highlight=False)
    for c in res.cell_warnings:
        console.print(escape(f"  {c['axis']}/{c['setting']} L{c['level']}: {_pts(c['delta'])} pts (n={c['n']}, "
                             f"p={c['p_value']:.3g})"), style="yellow", highlight=False)
    for w in res.warnings:
        console.print(f"[yellow]note[/] {escape(w)}", highlight=False)
    failing = [t.name for t in rows if t.verdict == res.verdict and res.verdict != "PASS"]
    console.print(f"[{style[res.verdict]}]{res.verdict}[/]" + escape(f": {', '.join(failing)}" if failing else ""))


def write_json(path: Path, res: GateResult) -> None:
    from omegactl.common.atomic import write_json as wj

    wj(path, res.to_json())


__all__ = ["GateConfig", "run_gate", "print_result", "write_json", "CannotJudge", "json"]
