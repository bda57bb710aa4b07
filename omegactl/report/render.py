"""Render report frames to the terminal (rich), markdown, CSV and JSON — all from the same DataFrames."""
from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd
from rich.console import Console
from omegactl.common.tables import FitTable

from omegactl.common.escape import csv_cell, md, terminal, terminal_markup
from omegactl.report.data import RunReport, compare_axes, differences, level_curve

SPARK = "▁▂▃▄▅▆▇█"


def clean(v: Any) -> Any:
    """JSON-safe value: NaN → None, numpy scalars → Python, tuples → lists."""
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "item") and not isinstance(v, (list, dict, str)):
        try:
            v = v.item()
        except (ValueError, AttributeError):
            pass
        if isinstance(v, float) and math.isnan(v):
            return None
    if isinstance(v, (list, tuple)):
        return [clean(x) for x in v]
    if isinstance(v, dict):
        return {str(k): clean(x) for k, x in v.items()}
    return v


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: clean(v) for k, v in row.items()} for row in df.astype(object).to_dict("records")]


def pct(x: Any) -> str:
    x = clean(x)
    return "—" if x is None else f"{100 * x:.1f}%"


def acc_n(x: Any, n: int) -> str:
    return "n = 0" if not n else f"{pct(x)} (n={n})"


def ci_txt(ci: Any) -> str:
    ci = clean(ci)
    return "" if not ci else f"[{100 * ci[0]:.0f}, {100 * ci[1]:.0f}]"


def pts(x: Any) -> str:
    x = clean(x)
    return "—" if x is None else f"{100 * x:+.1f}"


def ratio_txt(x: Any) -> str:
    x = clean(x)
    return "—" if x is None else f"{x:.2f}"


def sparkline(values: list[float | None]) -> str:
    return "".join(" " if v is None else SPARK[min(len(SPARK) - 1, int(v * (len(SPARK) - 1) + 0.5))] for v in values)


def to_json_obj(rep: RunReport) -> dict[str, Any]:
    return {
        "run": str(rep.path), "label": rep.label, "model": rep.manifest.get("model"), "status": rep.extra.get("status"),
        "partial": rep.partial, "failed": rep.failed, "source": rep.source, "verifier_version": rep.manifest.get("verifier_version"),
        "n_samples": int(len(rep.samples)), "expected_samples": rep.extra.get("expected_samples"),
        "axes": records(rep.axes), "settings": records(rep.settings), "levels": records(rep.levels),
        "critical_level": clean(rep.critical), "carc": records(rep.carc),
    }


def render_json(reps: list[RunReport]) -> str:
    if len(reps) == 1:
        return json.dumps(to_json_obj(reps[0]), indent=2)
    base = reps[0]
    obj = {"runs": [to_json_obj(r) for r in reps],
           "compare_axes": [{"a": str(base.path), "b": str(r.path), "rows": records(compare_axes(base, r))} for r in reps[1:]],
           "differences": [{"a": str(base.path), "b": str(r.path), "rows": records(differences(base, r))} for r in reps[1:]]}
    return json.dumps(obj, indent=2)


INT_COLUMNS = {"level", "critical_level", "clusters", "samples", "unparsed", "length_capped", "errored", "n", "n_id",
               "n_ood", "n_paired", "n_problems"}
CSV_TABLES = ("axes", "settings", "levels", "critical_level", "carc", "compare_axes", "differences")


def tidy_table(reps: list[RunReport], name: str) -> pd.DataFrame:
    """One tidy table over all runs: a ``run`` column, intervals split into ``*_low``/``*_high`` columns,
    counts as integers (never 12.0)."""
    parts = []
    for i, rep in enumerate(reps):
        if name == "critical_level":
            d = pd.DataFrame([{"setting": s, "level": int(lv), "share_as_peak": p, "critical_level": c.get("critical"),
                               "method": c.get("method")}
                              for s, c in rep.critical.items() for lv, p in c.get("probabilities", {}).items()],
                             columns=["setting", "level", "share_as_peak", "critical_level", "method"])
        elif name in ("compare_axes", "differences"):
            if i == 0:
                continue
            d = compare_axes(reps[0], rep) if name == "compare_axes" else differences(reps[0], rep)
            d.insert(0, "run_b", str(rep.path))
            d.insert(0, "run_a", str(reps[0].path))
            parts.append(d)
            continue
        else:
            d = {"axes": rep.axes, "settings": rep.settings, "levels": rep.levels, "carc": rep.carc}[name].copy()
        d.insert(0, "run", str(rep.path))
        parts.append(d)
    if not parts:
        return pd.DataFrame()
    df = pd.concat(parts, ignore_index=True)
    for col in list(df.columns):
        if df[col].map(lambda v: isinstance(v, (list, tuple))).any():
            pos = df.columns.get_loc(col)
            df.insert(pos, f"{col}_low", df[col].map(lambda v: clean(v)[0] if isinstance(v, (list, tuple)) else None))
            df.insert(pos + 1, f"{col}_high", df[col].map(lambda v: clean(v)[1] if isinstance(v, (list, tuple)) else None))
            df = df.drop(columns=col)
    for col in df.columns:
        if col in INT_COLUMNS or col.endswith("_right"):
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("Int64")
    return df


def render_csv(reps: list[RunReport], table: str = "settings") -> str:
    if table not in CSV_TABLES:
        from omegactl.common.errors import UserError

        raise UserError(f"unknown --table {table!r} (valid: {', '.join(CSV_TABLES)})")
    return tidy_table(reps, table).map(csv_cell).to_csv(index=False)


# ---------- markdown
def md_table(headers: list[str], rows: list[list[str]]) -> str:
    esc = md
    lines = ["| " + " | ".join(esc(h) for h in headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def axis_rows(rep: RunReport) -> list[list[str]]:
    return [[r["axis"], acc_n(r["id_accuracy"], r["n_id"]), ci_txt(r["ci_id"]), acc_n(r["ood_accuracy"], r["n_ood"]),
             ci_txt(r["ci_ood"]), pts(r["delta"]), ci_txt(r["ci_delta"]), ratio_txt(r["ratio"])]
            for r in records(rep.axes)]


TERMINAL_AXIS_HEADERS = ["axis", "ID acc\n95% CI", "OOD acc\n95% CI", "Δ pts\n95% CI", "OOD/ID"]


def terminal_axis_rows(rep: RunReport) -> list[list[str]]:
    """The axis summary with each interval under its value, so the table fits 80 columns."""
    return [[r["axis"], f"{acc_n(r['id_accuracy'], r['n_id'])}\n{ci_txt(r['ci_id'])}",
             f"{acc_n(r['ood_accuracy'], r['n_ood'])}\n{ci_txt(r['ci_ood'])}", f"{pts(r['delta'])}\n{ci_txt(r['ci_delta'])}",
             ratio_txt(r["ratio"])] for r in records(rep.axes)]


AXIS_HEADERS = ["axis", "ID acc", "ID 95% CI", "OOD acc", "OOD 95% CI", "Δ pts", "Δ 95% CI", "OOD/ID"]
SETTING_HEADERS = ["setting", "ID acc", "OOD acc", "Δ pts", "OOD/ID", "rel. gap", "strict", "flex", "samples",
                   "unparsed", "len-capped", "errored"]


def setting_rows(rep: RunReport, axis: str) -> list[list[str]]:
    out = []
    for r in records(rep.settings[rep.settings["axis"] == axis]):
        out.append([r["setting"], acc_n(r["id_accuracy"], r["n_id"]), acc_n(r["ood_accuracy"], r["n_ood"]), pts(r["delta"]),
                    ratio_txt(r["ratio"]), ratio_txt(r["relative_gap"]), pct(r["accuracy"]), pct(r["accuracy_flex"]),
                    str(r["samples"]), str(r["unparsed"]), str(r["length_capped"]), str(r["errored"])])
    return out


def curve_rows(rep: RunReport) -> list[list[str]]:
    out = []
    for setting, crit in rep.critical.items():
        curve = level_curve(rep.samples, setting)
        levels = [int(x) for x in curve["level"]]
        accs = [clean(x) for x in curve["accuracy"]]
        probs = crit.get("probabilities", {})
        out.append([setting, sparkline(accs), " ".join(f"L{lv}:{pct(a)}" for lv, a in zip(levels, accs)),
                    f"L{crit['first_below_50']}" if crit.get("first_below_50") is not None else "never",
                    critical_txt(crit), " ".join(f"L{k}:{100 * v:.0f}%" for k, v in probs.items())])
    return out


def critical_txt(crit: dict[str, Any]) -> str:
    """The critical level and its bootstrap share of being the peak gap, or 'none' when no gap is larger than
    its interval (never printed like a p-value)."""
    lv = crit.get("critical")
    if lv is None:
        return "none (no significant gap)"
    share = crit.get("probabilities", {}).get(str(lv))
    gap = next((g for g in crit.get("gaps", []) if g["level"] == lv), None)
    txt = f"L{lv}"
    if gap is not None:
        txt += f" (gap {100 * gap['gap']:+.0f} pts {ci_txt(gap['ci'])}"
        txt += f", peak in {100 * share:.0f}% of resamples)" if share is not None else ")"
    return txt


CURVE_HEADERS = ["setting", "curve", "accuracy by level", "first < 50%", "critical level", "share as peak by level"]


BASELINE_HEADERS = ["setting", "split", "lv", "n", "acc", "baseline"]


def baseline_rows(rep: RunReport) -> list[list[str]]:
    """Cells where the model does not beat the majority-answer baseline (always answering the modal gold)."""
    lv = rep.levels
    if "beats_baseline" not in lv.columns:
        return []
    flagged = lv[lv["beats_baseline"].map(lambda v: v is not None and not pd.isna(v) and not bool(v))]
    return [[r["setting"], r["split"], str(r["level"]), str(r["n"]), pct(r["accuracy"]), pct(r["baseline"])]
            for r in records(flagged)]


BASELINE_TITLE = "Cells not above the majority-answer baseline (accuracy of always giving the cell's most common answer)"
CARC_HEADERS = ["condition", "split side", "n", "exact", "95% CI", "colour acc", "shape acc", "parse failures", "errored"]


def carc_rows(rep: RunReport) -> list[list[str]]:
    return [[r["condition"], r["side"].upper(), str(r["n"]), pct(r["exact"]), ci_txt(r["ci"]), pct(r["color"]),
             pct(r["shape"]), pct(r["parse_failure_rate"]), str(r["errored"])] for r in records(rep.carc)]


def state_txt(rep: RunReport) -> str:
    if rep.failed:
        return "FAILED"
    return "PARTIAL (run in progress or interrupted)" if rep.partial else "complete"


def banner(rep: RunReport) -> str | None:
    """A one-line warning for runs whose numbers must not be read as results; None for complete runs."""
    n, expected = len(rep.samples), rep.extra.get("expected_samples")
    if rep.failed:
        err = rep.extra.get("n_errored", 0)
        return (f"FAILED RUN: {err}/{n} samples errored ({n}/{expected} recorded); these accuracies are not "
                f"results. Fix the cause and re-run the eval command to retry the errored samples.")
    if rep.partial:
        return (f"PARTIAL RUN: {n}/{expected} samples so far (in progress or interrupted); re-run the eval "
                f"command to finish it.")
    return None


def settings_line(rep: RunReport) -> str:
    """Run settings and date, printed in every report."""
    m = rep.manifest
    gen = m.get("generation") or {}
    ident = m.get("identity") or {}
    get = lambda k: gen.get(k, ident.get(k))
    date = (m.get("ended") or m.get("started") or m.get("created") or "unknown")
    return (f"temperature {get('temperature')} · top_p {get('top_p')} · max tokens {get('max_tokens')} · "
            f"samples {get('samples')} · seed {ident.get('seed')} · date {date}")


def header_line(rep: RunReport) -> str:
    return (f"{rep.label} · {rep.path} · {state_txt(rep)} · {len(rep.samples)}/{rep.extra.get('expected_samples')} samples · "
            f"source: {rep.source} · verifier {rep.manifest.get('verifier_version')}")


def diff_rows(a: RunReport, b: RunReport) -> list[list[str]]:
    return [[r["axis"], r["setting"], r["split"], str(r["n_paired"]), pct(r["accuracy_a"]), pct(r["accuracy_b"]),
             pts(r["change"]), str(r["a_only_right"]), str(r["b_only_right"])] for r in records(differences(a, b))]


DIFF_HEADERS = ["axis", "setting", "split", "paired n", "A", "B", "change pts", "only A right", "only B right"]


LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def run_legend(reps: list[RunReport]) -> list[str]:
    return [f"{LETTERS[i]} = {r.label} ({r.path})" for i, r in enumerate(reps[: len(LETTERS)])]


def compare_table(reps: list[RunReport]) -> tuple[list[str], list[list[str]]]:
    """Side by side at axis level: each run's accuracy per (axis, ID/OOD) and each run's paired change vs A."""
    reps = reps[: len(LETTERS)]
    frames = [compare_axes(reps[0], r) for r in reps[1:]]
    headers = ["axis", "side", "problems"] + [LETTERS[i] for i in range(len(reps))]
    headers += [f"{LETTERS[i]} − A pts [95% CI]" for i in range(1, len(reps))]
    keys = [(r["axis"], r["side"]) for r in records(frames[0])] if frames else []
    rows = []
    for axis, side in keys:
        got = [next((r for r in records(f) if (r["axis"], r["side"]) == (axis, side)), None) for f in frames]
        first = got[0]
        row = [axis, side.upper(), str(first["n_problems"]), pct(first["accuracy_a"])]
        row += [pct(g["accuracy_b"]) if g else "—" for g in got]
        row += [f"{pts(g['change'])} {ci_txt(g['ci_change'])}" if g else "—" for g in got]
        rows.append(row)
    return headers, rows


def render_markdown(reps: list[RunReport]) -> str:
    parts = ["# omegactl degradation report", ""]
    if len(reps) > 1:
        headers, rows = compare_table(reps)
        parts += ["## Side by side (paired by problem id)", ""] + [f"- {md(x)}" for x in run_legend(reps)]
        parts += ["", md_table(headers, rows), ""]
    for rep in reps:
        warn = banner(rep)
        parts += [f"## {md(rep.label)}", ""] + ([f"> **{md(warn)}**", ""] if warn else [])
        parts += [md(header_line(rep)), "", md(settings_line(rep)), "", "### Axis summary (ID → OOD)", "",
                  md_table(AXIS_HEADERS, axis_rows(rep)), ""]
        for axis in [a for a in ("exploratory", "compositional", "transformative", "carc") if a in set(rep.settings["axis"])]:
            parts += [f"### {axis} settings", "", md_table(SETTING_HEADERS, setting_rows(rep, axis)), ""]
        if rep.critical:
            parts += ["### Level curves and critical level (exploratory)", "", md_table(CURVE_HEADERS, curve_rows(rep)), ""]
        if baseline_rows(rep):
            parts += [f"### {BASELINE_TITLE}", "", md_table(BASELINE_HEADERS, baseline_rows(rep)), ""]
        if len(rep.carc):
            parts += ["### Compositional-ARC", "", md_table(CARC_HEADERS, carc_rows(rep)), ""]
    for rep in reps[1:]:
        parts += [f"## Differences: {md(reps[0].label)} → {md(rep.label)} (paired by problem id)", "",
                  md_table(DIFF_HEADERS, diff_rows(reps[0], rep)), ""]
    return "\n".join(parts)


def _rich_table(title: str, headers: list[str], rows: list[list[str]]) -> FitTable:
    return FitTable(terminal(title), headers, [[terminal(c) for c in r] for r in rows],
                    left=("setting", "split", "condition", "curve", "accuracy by level"))


def render_terminal(console: Console, reps: list[RunReport]) -> None:
    if len(reps) > 1:
        headers, rows = compare_table(reps)
        console.rule("[bold]side by side")
        for line in run_legend(reps):
            console.print(terminal(line), markup=False, highlight=False)
        console.print(_rich_table("Axis level, paired by problem id (change: B − A with a paired 95% CI)", headers, rows))
    for rep in reps:
        console.rule(f"[bold]{terminal_markup(rep.label)}")
        warn = banner(rep)
        if warn:
            console.print(terminal(warn), style="bold white on red" if rep.failed else "bold yellow", markup=False)
        console.print(terminal(header_line(rep)), style="yellow" if rep.partial else None, markup=False)
        console.print(terminal(settings_line(rep)), style="dim", markup=False)
        console.print(_rich_table("Axis summary (ID → OOD)", TERMINAL_AXIS_HEADERS, terminal_axis_rows(rep)))
        for axis in [a for a in ("exploratory", "compositional", "transformative", "carc") if a in set(rep.settings["axis"])]:
            console.print(_rich_table(f"{axis} settings", SETTING_HEADERS, setting_rows(rep, axis)))
        if rep.critical:
            console.print(_rich_table("Level curves and critical level", CURVE_HEADERS, curve_rows(rep)))
        if baseline_rows(rep):
            console.print(_rich_table(BASELINE_TITLE, BASELINE_HEADERS, baseline_rows(rep)))
        if len(rep.carc):
            console.print(_rich_table("Compositional-ARC", CARC_HEADERS, carc_rows(rep)))
    for rep in reps[1:]:
        console.print(_rich_table(f"Differences {reps[0].label} → {rep.label} (paired by problem id, largest first)",
                                  DIFF_HEADERS, diff_rows(reps[0], rep)))
