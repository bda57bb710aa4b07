"""Render report frames to the terminal (rich), markdown, CSV and JSON — all from the same DataFrames."""
from __future__ import annotations

import json
import math
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from omegactl.report_data import RunReport, differences, level_curve

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
        "partial": rep.partial, "source": rep.source, "verifier_version": rep.manifest.get("verifier_version"),
        "n_samples": int(len(rep.samples)), "expected_samples": rep.extra.get("expected_samples"),
        "axes": records(rep.axes), "settings": records(rep.settings), "levels": records(rep.levels),
        "critical_level": clean(rep.critical), "carc": records(rep.carc),
    }


def render_json(reps: list[RunReport]) -> str:
    if len(reps) == 1:
        return json.dumps(to_json_obj(reps[0]), indent=2)
    base = reps[0]
    obj = {"runs": [to_json_obj(r) for r in reps],
           "differences": [{"a": str(base.path), "b": str(r.path), "rows": records(differences(base, r))} for r in reps[1:]]}
    return json.dumps(obj, indent=2)


def long_frame(reps: list[RunReport]) -> pd.DataFrame:
    """All tables of all runs in one long frame (column ``table`` names the table) for CSV."""
    parts = []
    for rep in reps:
        for name, df in (("axes", rep.axes), ("settings", rep.settings), ("levels", rep.levels), ("carc", rep.carc)):
            if len(df):
                d = df.copy()
                for col in d.columns:
                    if d[col].map(lambda v: isinstance(v, (list, tuple))).any():
                        d[col] = d[col].map(lambda v: json.dumps(clean(v)) if v is not None else "")
                d.insert(0, "table", name)
                d.insert(1, "run", str(rep.path))
                parts.append(d)
        crit_rows = [{"table": "critical_level", "run": str(rep.path), "setting": s, "level": int(lv), "probability": p,
                      "method": c.get("method")} for s, c in rep.critical.items() for lv, p in c.get("probabilities", {}).items()]
        if crit_rows:
            parts.append(pd.DataFrame(crit_rows))
    for rep in reps[1:]:
        d = differences(reps[0], rep)
        if len(d):
            d.insert(0, "table", "differences")
            d.insert(1, "run", f"{reps[0].path} -> {rep.path}")
            parts.append(d)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def render_csv(reps: list[RunReport]) -> str:
    return long_frame(reps).to_csv(index=False)


# ---------- markdown
def md_table(headers: list[str], rows: list[list[str]]) -> str:
    esc = lambda s: str(s).replace("|", "\\|")
    lines = ["| " + " | ".join(esc(h) for h in headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def axis_rows(rep: RunReport) -> list[list[str]]:
    return [[r["axis"], acc_n(r["id_accuracy"], r["n_id"]), ci_txt(r["ci_id"]), acc_n(r["ood_accuracy"], r["n_ood"]),
             ci_txt(r["ci_ood"]), pts(r["delta"]), ci_txt(r["ci_delta"]), ratio_txt(r["ratio"])]
            for r in records(rep.axes)]


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
        top = max(probs.items(), key=lambda kv: kv[1]) if probs else None
        out.append([setting, sparkline(accs), " ".join(f"L{lv}:{pct(a)}" for lv, a in zip(levels, accs)),
                    f"L{crit['first_below_50']}" if crit.get("first_below_50") is not None else "never",
                    f"L{top[0]} (p={top[1]:.2f})" if top else "—",
                    " ".join(f"L{k}:{v:.2f}" for k, v in probs.items())])
    return out


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

CURVE_HEADERS = ["setting", "curve", "accuracy by level", "first < 50%", "critical level", "P(peak) by level"]
CARC_HEADERS = ["condition", "split side", "n", "exact", "95% CI", "colour acc", "shape acc", "parse failures", "errored"]


def carc_rows(rep: RunReport) -> list[list[str]]:
    return [[r["condition"], r["side"].upper(), str(r["n"]), pct(r["exact"]), ci_txt(r["ci"]), pct(r["color"]),
             pct(r["shape"]), pct(r["parse_failure_rate"]), str(r["errored"])] for r in records(rep.carc)]


def header_line(rep: RunReport) -> str:
    state = "PARTIAL (run in progress or incomplete)" if rep.partial else "complete"
    return (f"{rep.label} · {rep.path} · {state} · {len(rep.samples)}/{rep.extra.get('expected_samples')} samples · "
            f"source: {rep.source} · verifier {rep.manifest.get('verifier_version')}")


def diff_rows(a: RunReport, b: RunReport) -> list[list[str]]:
    return [[r["axis"], r["setting"], r["split"], str(r["n_paired"]), pct(r["accuracy_a"]), pct(r["accuracy_b"]),
             pts(r["change"]), str(r["a_only_right"]), str(r["b_only_right"])] for r in records(differences(a, b))]


DIFF_HEADERS = ["axis", "setting", "split", "paired n", "A", "B", "change pts", "only A right", "only B right"]


def render_markdown(reps: list[RunReport]) -> str:
    parts = ["# omegactl degradation report", ""]
    for rep in reps:
        parts += [f"## {rep.label}", "", header_line(rep), "", "### Axis summary (ID → OOD)", "",
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
        parts += [f"## Differences: {reps[0].label} → {rep.label} (paired by problem id)", "",
                  md_table(DIFF_HEADERS, diff_rows(reps[0], rep)), ""]
    return "\n".join(parts)


def _rich_table(title: str, headers: list[str], rows: list[list[str]]) -> Table:
    t = Table(title=title, header_style="bold", title_justify="left")
    for i, h in enumerate(headers):
        t.add_column(h, justify="left" if i == 0 or h in ("setting", "split", "condition", "curve", "accuracy by level") else "right")
    for r in rows:
        t.add_row(*r)
    return t


def render_terminal(console: Console, reps: list[RunReport]) -> None:
    for rep in reps:
        console.rule(f"[bold]{rep.label}")
        console.print(header_line(rep), style="yellow" if rep.partial else None, markup=False)
        console.print(_rich_table("Axis summary (ID → OOD)", AXIS_HEADERS, axis_rows(rep)))
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
