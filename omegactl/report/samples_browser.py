"""`omegactl samples RUN`: browse a run's logged samples — prompt, response, extracted answer, gold, verdict.

Selection (``select_samples``) is shared with the HTML report's example-failure section. Everything a model
wrote is printed as plain text (no rich markup), so a response cannot restyle or fake the terminal output.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from generators.record import ID_SPLITS, ProblemRecord
from omegactl.common.errors import UserError
from omegactl.runs.folder import RunFolder


@dataclass
class SampleView:
    """One logged sample joined with its problem."""

    problem: ProblemRecord
    sample_index: int
    response: str | None
    extracted: str | None
    correct: bool
    error: str | None
    finish_reason: str | None

    @property
    def side(self) -> str:
        return "ID" if self.problem.split in ID_SPLITS else "OOD"

    @property
    def verdict(self) -> str:
        if self.error is not None:
            return "errored"
        if self.correct:
            return "correct"
        if self.extracted is None:
            return "wrong (no answer found)" + (" — hit max tokens" if self.finish_reason == "length" else "")
        return "wrong"

    def to_json(self) -> dict[str, Any]:
        p = self.problem
        return {"problem_id": p.id, "sample_index": self.sample_index, "setting": p.setting_key, "split": p.split,
                "side": self.side, "level": p.level, "prompt": p.messages[-1].content, "response": self.response,
                "extracted": self.extracted, "gold": p.ground_truth, "verdict": self.verdict, "correct": self.correct,
                "error": self.error, "finish_reason": self.finish_reason}


def select_samples(run: Path, *, wrong: bool = False, setting: str | None = None, level: int | None = None,
                   split: str | None = None, n: int | None = 5, per_setting: int | None = None) -> list[SampleView]:
    """Samples in problem order (then sample index), filtered; at most ``n`` in all and ``per_setting`` per setting."""
    folder = RunFolder(Path(run))
    if not folder.exists():
        raise UserError(f"{run} is not a run folder (no manifest.json); give the --out folder of an eval")
    problems = folder.read_problems()
    known = {p.setting_key for p in problems}
    if setting is not None and setting not in known:
        raise UserError(f"setting {setting!r} is not in this run (it has: {', '.join(sorted(known))})")
    if level is not None and not any(p.level == level for p in problems if setting is None or p.setting_key == setting):
        raise UserError(f"no problems at level {level} in this run" + (f" for {setting}" if setting else ""))
    latest = folder.latest_samples()
    by_problem: dict[str, list[dict[str, Any]]] = {}
    for (pid, _), s in latest.items():
        by_problem.setdefault(pid, []).append(s)
    out: list[SampleView] = []
    counts: dict[str, int] = {}
    for p in problems:
        if (setting is not None and p.setting_key != setting) or (level is not None and p.level != level) \
                or (split is not None and p.split != split):
            continue
        for s in sorted(by_problem.get(p.id, []), key=lambda s: s["sample_index"]):
            strict = s.get("strict") or {}
            view = SampleView(problem=p, sample_index=int(s["sample_index"]), response=s.get("response"),
                              extracted=strict.get("extracted"), correct=bool(strict.get("correct")),
                              error=s.get("error"), finish_reason=s.get("finish_reason"))
            if wrong and view.correct:
                continue
            if per_setting is not None and counts.get(p.setting_key, 0) >= per_setting:
                continue
            counts[p.setting_key] = counts.get(p.setting_key, 0) + 1
            out.append(view)
            if n is not None and len(out) >= n:
                return out
    return out


def clip(text: str | None, limit: int) -> str:
    """Head and tail of a long text with the number of characters left out (the answer is usually at the end)."""
    if text is None:
        return ""
    if limit <= 0 or len(text) <= limit:
        return text
    head = limit // 3
    tail = limit - head
    return f"{text[:head]}\n[… {len(text) - limit} characters left out; --max-chars 0 shows all …]\n{text[-tail:]}"


def sample_panel(v: SampleView, max_chars: int) -> Panel:
    p = v.problem
    ok = v.verdict == "correct"
    from omegactl.common.escape import terminal, terminal_block as tb  # no escape sequences from files or models

    title = Text(terminal(f"{p.setting_key} · {p.split} ({v.side}) · level {p.level} · {p.id[:12]} #{v.sample_index}"))
    verdict = Text.assemble(("verdict: ", "bold"), (("✓ " if ok else "✗ ") + v.verdict, "green" if ok else "red"))
    body = [
        Text("prompt", style="bold"), Text(tb(clip(p.messages[-1].content, max_chars))), Text(""),
        Text("response", style="bold"),
        Text(tb(clip(v.response, max_chars))) if v.error is None else Text(tb(f"(no response) error: {v.error}"), style="red"),
        Text(""),
        Text.assemble(("extracted: ", "bold"), (tb(v.extracted) if v.extracted is not None else "— (none)", "")),
        Text.assemble(("gold:      ", "bold"), (tb(p.ground_truth), "green")),
        verdict,
    ]
    return Panel(Group(*body), title=title, title_align="left", border_style="green" if ok else "red")


def print_samples(console: Console, views: list[SampleView], *, max_chars: int = 1500, total_note: str = "") -> None:
    if not views:
        console.print("no samples match" + total_note, highlight=False, markup=False)
        return
    for v in views:
        console.print(sample_panel(v, max_chars))
    console.print(f"{len(views)} sample(s) shown{total_note}", highlight=False, markup=False, style="dim")
