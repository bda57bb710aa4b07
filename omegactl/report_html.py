"""Self-contained HTML report: the same tables as markdown plus an inline SVG level curve per family."""
from __future__ import annotations

import html

from omegactl.report_data import RunReport, level_curve
from omegactl.report_render import (
    AXIS_HEADERS, CARC_HEADERS, CURVE_HEADERS, DIFF_HEADERS, SETTING_HEADERS, axis_rows, carc_rows, clean, curve_rows,
    banner, diff_rows, header_line, setting_rows, settings_line,
)

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d2733;background:#fff}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ccd;padding-bottom:4px}h3{font-size:15px}
table{border-collapse:collapse;margin:8px 0 18px;font-size:13px}th,td{border:1px solid #d5dae1;padding:4px 8px;text-align:right}
th{background:#eef2f7}td:first-child,th:first-child{text-align:left}.meta{color:#555;font-size:13px}
.partial{color:#a15c00;font-weight:bold}.banner{padding:10px 14px;border-radius:6px;font-size:15px}
.banner.failed{background:#b3261e;color:#fff}.banner.partial{background:#fff3d6;border:1px solid #e0a030}.charts{display:flex;flex-wrap:wrap;gap:14px}
.chart{border:1px solid #e1e5ea;border-radius:6px;padding:6px}.chart h4{margin:2px 6px;font-size:13px}
"""


def table_html(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def curve_svg(rep: RunReport, setting: str, width: int = 320, height: int = 200) -> str:
    """Accuracy by level with a 95% interval band; ID levels in blue, OOD levels in orange."""
    curve = level_curve(rep.samples, setting)
    if not len(curve):
        return ""
    pad_l, pad_r, pad_t, pad_b = 38, 12, 10, 30
    levels = [int(x) for x in curve["level"]]
    lo_lv, hi_lv = min(levels), max(levels)
    span = max(1, hi_lv - lo_lv)
    x = lambda lv: pad_l + (lv - lo_lv) / span * (width - pad_l - pad_r) if hi_lv > lo_lv else (width + pad_l - pad_r) / 2
    y = lambda a: pad_t + (1 - a) * (height - pad_t - pad_b)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="accuracy by level for {html.escape(setting)}">']
    for t in (0, 0.25, 0.5, 0.75, 1.0):
        parts.append(f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="#e3e7ec"/>')
        parts.append(f'<text x="{pad_l - 4}" y="{y(t) + 4:.1f}" font-size="10" text-anchor="end" fill="#667">{int(t * 100)}%</text>')
    parts.append(f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{y(0.5):.1f}" y2="{y(0.5):.1f}" stroke="#b33" stroke-dasharray="3,3"/>')
    pts_ci = [(lv, clean(ci)) for lv, ci in zip(levels, curve["ci"]) if clean(ci)]
    if len(pts_ci) >= 2:
        upper = " ".join(f"{x(lv):.1f},{y(ci[1]):.1f}" for lv, ci in pts_ci)
        lower = " ".join(f"{x(lv):.1f},{y(ci[0]):.1f}" for lv, ci in reversed(pts_ci))
        parts.append(f'<polygon points="{upper} {lower}" fill="#4a78c2" fill-opacity="0.18" stroke="none"/>')
    for lv, ci in pts_ci:
        parts.append(f'<line x1="{x(lv):.1f}" x2="{x(lv):.1f}" y1="{y(ci[0]):.1f}" y2="{y(ci[1]):.1f}" stroke="#4a78c2" stroke-opacity="0.5"/>')
    accs = [(lv, clean(a)) for lv, a in zip(levels, curve["accuracy"]) if clean(a) is not None]
    if len(accs) >= 2:
        parts.append('<polyline fill="none" stroke="#2b5aa8" stroke-width="2" points="'
                     + " ".join(f"{x(lv):.1f},{y(a):.1f}" for lv, a in accs) + '"/>')
    for (lv, a), side, n in zip(accs, curve["side"], curve["n"]):
        color = "#2b5aa8" if side == "id" else ("#d9822b" if side == "ood" else "#777")
        parts.append(f'<circle cx="{x(lv):.1f}" cy="{y(a):.1f}" r="4" fill="{color}"><title>level {lv}: '
                     f'{100 * a:.1f}% (n={n}, {side.upper()})</title></circle>')
    for lv in levels:
        parts.append(f'<text x="{x(lv):.1f}" y="{height - pad_b + 14}" font-size="10" text-anchor="middle" fill="#445">L{lv}</text>')
    parts.append(f'<text x="{(width + pad_l) / 2:.0f}" y="{height - 4}" font-size="10" text-anchor="middle" fill="#445">level</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_html(reps: list[RunReport]) -> str:
    out = ["<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
           "<title>omegactl degradation report</title>", f"<style>{CSS}</style></head><body>",
           "<h1>omegactl degradation report</h1>"]
    for rep in reps:
        out.append(f"<h2>{html.escape(rep.label)}</h2>")
        warn = banner(rep)
        if warn:
            out.append(f"<p class='banner {'failed' if rep.failed else 'partial'}'>{html.escape(warn)}</p>")
        cls = "meta partial" if rep.partial else "meta"
        out.append(f"<p class='{cls}'>{html.escape(header_line(rep))}</p>")
        out.append(f"<p class='meta'>{html.escape(settings_line(rep))}</p>")
        out.append("<h3>Axis summary (ID → OOD)</h3>" + table_html(AXIS_HEADERS, axis_rows(rep)))
        for axis in [a for a in ("exploratory", "compositional", "transformative", "carc") if a in set(rep.settings["axis"])]:
            out.append(f"<h3>{axis} settings</h3>" + table_html(SETTING_HEADERS, setting_rows(rep, axis)))
        if rep.critical:
            out.append("<h3>Level curves (blue: ID levels, orange: OOD levels; band: 95% Wilson interval; dashed: 50%)</h3>")
            out.append("<div class='charts'>")
            for setting in rep.critical:
                out.append(f"<div class='chart'><h4>{html.escape(setting)}</h4>{curve_svg(rep, setting)}</div>")
            out.append("</div>")
            out.append("<h3>Critical level</h3>" + table_html(CURVE_HEADERS, curve_rows(rep)))
        if len(rep.carc):
            out.append("<h3>Compositional-ARC</h3>" + table_html(CARC_HEADERS, carc_rows(rep)))
    for rep in reps[1:]:
        out.append(f"<h2>Differences: {html.escape(reps[0].label)} → {html.escape(rep.label)}</h2>")
        out.append(table_html(DIFF_HEADERS, diff_rows(reps[0], rep)))
    out.append("</body></html>")
    return "\n".join(out)
