"""Self-contained HTML report: the same tables as markdown plus an inline SVG level curve per family."""
from __future__ import annotations

import html

from omegactl.report.data import RunReport, level_curve
from omegactl.report.render import (
    AXIS_HEADERS, CARC_HEADERS, CURVE_HEADERS, DIFF_HEADERS, SETTING_HEADERS, axis_rows, carc_rows, clean, curve_rows,
    banner, compare_table, diff_rows, run_legend, header_line, setting_rows, settings_line,
)

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d2733;background:#fff}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ccd;padding-bottom:4px}h3{font-size:15px}
table{border-collapse:collapse;margin:8px 0 18px;font-size:13px}th,td{border:1px solid #d5dae1;padding:4px 8px;text-align:right}
th{background:#eef2f7}td:first-child,th:first-child{text-align:left}.meta{color:#555;font-size:13px}
.partial{color:#a15c00;font-weight:bold}.banner{padding:10px 14px;border-radius:6px;font-size:15px}
.banner.failed{background:#b3261e;color:#fff}.banner.partial{background:#fff3d6;border:1px solid #e0a030}.charts{display:flex;flex-wrap:wrap;gap:14px}
.chart{border:1px solid #e1e5ea;border-radius:6px;padding:6px}.chart h4{margin:2px 6px;font-size:13px}
details.sample{border:1px solid #e1e5ea;border-radius:6px;padding:4px 10px;margin:6px 0;max-width:1000px}
details.sample pre{white-space:pre-wrap;word-break:break-word;background:#f6f8fa;padding:6px;font-size:12px;margin:2px 0}
details.sample .label{font-size:11px;color:#667;text-transform:uppercase}summary{cursor:pointer;font-size:13px}
details.sample p{font-size:13px;margin:4px 0}
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
    id_lv = [lv for lv, side in zip(levels, curve["side"]) if side == "id"]
    ood_lv = [lv for lv, side in zip(levels, curve["side"]) if side == "ood"]
    if id_lv and ood_lv and max(id_lv) < min(ood_lv):  # mark where ID levels end and OOD levels start
        bx = (x(max(id_lv)) + x(min(ood_lv))) / 2
        parts.append(f'<rect x="{bx:.1f}" y="{pad_t}" width="{width - pad_r - bx:.1f}" height="{height - pad_t - pad_b}" '
                     f'fill="#d9822b" fill-opacity="0.07"/>')
        parts.append(f'<line class="id-ood-boundary" x1="{bx:.1f}" x2="{bx:.1f}" y1="{pad_t}" y2="{height - pad_b}" '
                     f'stroke="#555" stroke-dasharray="4,3"/>')
        parts.append(f'<text x="{bx - 4:.1f}" y="{pad_t + 10}" font-size="10" text-anchor="end" fill="#2b5aa8">ID</text>')
        parts.append(f'<text x="{bx + 4:.1f}" y="{pad_t + 10}" font-size="10" fill="#d9822b">OOD</text>')
    for (lv, a), side, n in zip(accs, curve["side"], curve["n"]):
        color = "#2b5aa8" if side == "id" else ("#d9822b" if side == "ood" else "#777")
        parts.append(f'<circle cx="{x(lv):.1f}" cy="{y(a):.1f}" r="4" fill="{color}"><title>level {lv}: '
                     f'{100 * a:.1f}% (n={n}, {side.upper()})</title></circle>')
    for lv in levels:
        parts.append(f'<text x="{x(lv):.1f}" y="{height - pad_b + 14}" font-size="10" text-anchor="middle" fill="#445">L{lv}</text>')
    parts.append(f'<text x="{(width + pad_l) / 2:.0f}" y="{height - 4}" font-size="10" text-anchor="middle" fill="#445">level</text>')
    parts.append("</svg>")
    return "".join(parts)


def axis_svg(rep: RunReport, width: int = 460, height: int = 220) -> str:
    """Headline chart: ID vs OOD accuracy per axis, bars with 95% interval whiskers and their values."""
    rows = [r for r in rep.axes.to_dict("records")]
    if not rows:
        return ""
    pad_l, pad_r, pad_t, pad_b = 38, 10, 30, 34
    group = (width - pad_l - pad_r) / len(rows)
    bar = min(46.0, group / 3)
    y = lambda a: pad_t + (1 - a) * (height - pad_t - pad_b)
    parts = [f'<svg class="axis-chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="ID versus OOD accuracy per axis">']
    for t in (0, 0.25, 0.5, 0.75, 1.0):
        parts.append(f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="#e3e7ec"/>')
        parts.append(f'<text x="{pad_l - 4}" y="{y(t) + 4:.1f}" font-size="10" text-anchor="end" fill="#667">{int(t * 100)}%</text>')
    parts.append(f'<rect x="{width - pad_r - 120}" y="4" width="10" height="10" fill="#2b5aa8"/>'
                 f'<text x="{width - pad_r - 106}" y="13" font-size="10" fill="#334">ID</text>'
                 f'<rect x="{width - pad_r - 80}" y="4" width="10" height="10" fill="#d9822b"/>'
                 f'<text x="{width - pad_r - 66}" y="13" font-size="10" fill="#334">OOD</text>')
    for i, r in enumerate(rows):
        gx = pad_l + i * group + group / 2
        for j, (key, ci_key, n_key, color, label) in enumerate((("id_accuracy", "ci_id", "n_id", "#2b5aa8", "ID"),
                                                                  ("ood_accuracy", "ci_ood", "n_ood", "#d9822b", "OOD"))):
            a, ci, n = clean(r[key]), clean(r[ci_key]), clean(r[n_key])
            bx = gx - bar - 2 if j == 0 else gx + 2
            if a is None:
                parts.append(f'<text x="{bx + bar / 2:.1f}" y="{y(0) - 4:.1f}" font-size="10" text-anchor="middle" fill="#889">n=0</text>')
                continue
            parts.append(f'<rect x="{bx:.1f}" y="{y(a):.1f}" width="{bar:.1f}" height="{y(0) - y(a):.1f}" fill="{color}">'
                         f'<title>{html.escape(str(r["axis"]))} {label}: {100 * a:.1f}% (n={n})</title></rect>')
            if ci:
                cx = bx + bar / 2
                parts.append(f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{y(ci[0]):.1f}" y2="{y(ci[1]):.1f}" stroke="#222"/>')
            top = max(a, ci[1]) if ci else a  # the value sits above the whisker, never on it
            parts.append(f'<text x="{bx + bar / 2:.1f}" y="{y(top) - 3:.1f}" font-size="10" text-anchor="middle" fill="#223">{100 * a:.0f}%</text>')
        parts.append(f'<text x="{gx:.1f}" y="{height - pad_b + 14}" font-size="11" text-anchor="middle" fill="#223">{html.escape(str(r["axis"]))}</text>')
        d = clean(r["delta"])
        if d is not None:
            parts.append(f'<text x="{gx:.1f}" y="{height - pad_b + 27}" font-size="10" text-anchor="middle" fill="#667">Δ {100 * d:+.1f} pts</text>')
    parts.append("</svg>")
    return "".join(parts)


def failures_html(rep: RunReport, per_setting: int = 3, max_chars: int = 1500) -> str:
    """Example failures per setting (prompt, response, extracted, gold), all model text escaped."""
    from omegactl.report.samples_browser import clip, select_samples

    from omegactl.common.errors import UserError

    try:
        views = select_samples(rep.path, wrong=True, n=None, per_setting=per_setting)
    except (UserError, OSError, ValueError):  # a report still renders when the samples log cannot be browsed
        return "<p class='meta'>example failures unavailable (samples log unreadable)</p>"
    if not views:
        return "<p class='meta'>no failures: every sample was correct</p>"
    out, current = [], None
    for v in views:
        p = v.problem
        if p.setting_key != current:
            current = p.setting_key
            out.append(f"<h4>{html.escape(current)}</h4>")
        summary = f"{p.split} ({v.side}) · level {p.level} · {p.id[:12]} #{v.sample_index} · {v.verdict}"
        response = clip(v.response, max_chars) if v.error is None else f"(no response) error: {v.error}"
        out.append("<details class='sample'><summary>" + html.escape(summary) + "</summary>"
                   f"<div class='label'>prompt</div><pre>{html.escape(clip(p.messages[-1].content, max_chars))}</pre>"
                   f"<div class='label'>response</div><pre>{html.escape(response)}</pre>"
                   f"<p><b>extracted:</b> <code>{html.escape(v.extracted if v.extracted is not None else '— (none)')}</code> · "
                   f"<b>gold:</b> <code>{html.escape(p.ground_truth)}</code></p></details>")
    return "\n".join(out)


def render_html(reps: list[RunReport]) -> str:
    out = ["<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
           "<title>omegactl degradation report</title>", f"<style>{CSS}</style></head><body>",
           "<h1>omegactl degradation report</h1>"]
    if len(reps) > 1:
        headers, rows = compare_table(reps)
        out.append("<h2>Side by side (axis level, paired by problem id)</h2><ul>"
                   + "".join(f"<li>{html.escape(x)}</li>" for x in run_legend(reps)) + "</ul>")
        out.append(table_html(headers, rows))
    for rep in reps:
        out.append(f"<h2>{html.escape(rep.label)}</h2>")
        warn = banner(rep)
        if warn:
            out.append(f"<p class='banner {'failed' if rep.failed else 'partial'}'>{html.escape(warn)}</p>")
        cls = "meta partial" if rep.partial else "meta"
        out.append(f"<p class='{cls}'>{html.escape(header_line(rep))}</p>")
        out.append(f"<p class='meta'>{html.escape(settings_line(rep))}</p>")
        out.append("<h3>Axis summary (ID → OOD)</h3>" + axis_svg(rep) + table_html(AXIS_HEADERS, axis_rows(rep)))
        for axis in [a for a in ("exploratory", "compositional", "transformative", "carc") if a in set(rep.settings["axis"])]:
            out.append(f"<h3>{axis} settings</h3>" + table_html(SETTING_HEADERS, setting_rows(rep, axis)))
        if rep.critical:
            out.append("<h3>Level curves (blue: ID levels, orange: OOD levels, shaded right of the dashed ID|OOD "
                       "boundary; band: 95% Wilson interval; red dashes: 50%)</h3>")
            out.append("<div class='charts'>")
            for setting in rep.critical:
                out.append(f"<div class='chart'><h4>{html.escape(setting)}</h4>{curve_svg(rep, setting)}</div>")
            out.append("</div>")
            out.append("<h3>Critical level</h3>" + table_html(CURVE_HEADERS[:1] + CURVE_HEADERS[2:],
                                                              [r[:1] + r[2:] for r in curve_rows(rep)]))
        if len(rep.carc):
            out.append("<h3>Compositional-ARC</h3>" + table_html(CARC_HEADERS, carc_rows(rep)))
        out.append("<h3>Example failures per setting (up to 3 each; all: <code>omegactl samples RUN --wrong</code>)</h3>")
        out.append(failures_html(rep))
    for rep in reps[1:]:
        out.append(f"<h2>Differences: {html.escape(reps[0].label)} → {html.escape(rep.label)}</h2>")
        out.append(table_html(DIFF_HEADERS, diff_rows(reps[0], rep)))
    out.append("</body></html>")
    return "\n".join(out)
