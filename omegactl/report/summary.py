"""Terminal summaries printed by `eval` and `score`: dry-run preview and the per-axis ID/OOD table."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from omegactl.common.escape import terminal, terminal_block, terminal_markup


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}%"


def print_run_summary(console: Console, results: dict[str, Any], folder: Path) -> None:
    if results.get("status") == "failed":
        o = results.get("overall", {})
        console.print(f"FAILED RUN: {o.get('errored')}/{results.get('n_samples')} samples errored; the accuracies below "
                      "are not results", style="bold white on red", markup=False, highlight=False)
    table = Table(title=terminal_markup(f"{results.get('model', '')} · {folder}"), header_style="bold")
    for col in ("axis", "ID acc (n)", "OOD acc (n)", "Δ = ID − OOD"):
        table.add_column(col, justify="right" if col != "axis" else "left")
    for row in results.get("axes", []):
        delta = row.get("delta")
        table.add_row(
            terminal_markup(row["axis"]),
            f"{_pct(row['id_accuracy'])} ({row['n_id']})" if row["n_id"] else "n = 0",
            f"{_pct(row['ood_accuracy'])} ({row['n_ood']})" if row["n_ood"] else "n = 0",
            "n/a" if delta is None else f"{100 * delta:+.1f} pts",
        )
    console.print(table)
    o = results.get("overall", {})
    console.print(
        terminal_markup(f"status {results.get('status')} · {results.get('n_samples')}/{results.get('n_expected_samples')} samples · "
        f"strict {_pct(o.get('accuracy'))} · flex {_pct(o.get('accuracy_flex'))} · unparsed {o.get('unparsed')} · "
        f"length-capped {o.get('length_capped')} · errored {o.get('errored')}")
    )
    console.print(terminal(f"full report: omegactl report {folder}"), markup=False, highlight=False)


def print_dry_run(console: Console, cfg, plan: dict[str, Any], redact=lambda obj: obj) -> None:
    """``redact`` maps the config (and source) to what may be shown: no keys, no URL credentials."""
    records = plan["records"]
    resolved = cfg.model_dump()
    resolved["max_tokens"] = plan["max_tokens"]
    console.print("[bold]resolved config[/]")
    console.print_json(json.dumps(redact(resolved), default=str))
    if plan.get("source"):
        console.print(terminal(f"source: {json.dumps(redact(plan['source']))}"), markup=False, highlight=False)
    console.print(terminal(f"{len(records)} problems, {len(plan['todo'])} requests to send; answer types: "
                           + ", ".join(sorted({r.answer_type for r in records}))), markup=False, highlight=False)
    for rec in records[:3]:
        console.rule(terminal_markup(f"{rec.setting_key} · {rec.split} · level {rec.level} · {rec.answer_type}"))
        console.print(terminal_block(rec.messages[-1].content), markup=False, highlight=False)
