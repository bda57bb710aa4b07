"""Rich rendering for `ls` and `show`: tables of settings and nicely printed problems."""
from __future__ import annotations

import json

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from generators.record import ProblemRecord
from generators.settings import Setting
from omegactl.common.tables import FitTable


def settings_table(settings: list[Setting]) -> FitTable:
    """All settings; a table on wide consoles, one block per setting on narrow ones (names never cut)."""
    rows = []
    for s in settings:
        info = s.summary()
        splits = " ".join(f"{k}:{v}" for k, v in info["splits"].items())
        rows.append([info["name"], info["axis"], str(info["levels"]), splits, ",".join(info["answer_types"]),
                     info["description"]])
    return FitTable(f"{len(settings)} settings", ["name", "axis", "levels", "splits (levels)", "answer", "description"],
                    rows, long=("description",), bare=("axis", "splits (levels)"), left=("axis", "splits (levels)", "answer"))


def _grid_renderable(grid):
    try:
        from generators.carc.render import render_grid_rich  # optional: present once C-ARC lands
    except ImportError:
        return Text(json.dumps(grid))
    return render_grid_rich(grid)


def problem_panel(rec: ProblemRecord, index: int) -> Panel:
    title = f"[bold]{rec.setting_key}[/] · {rec.split} · level {rec.level} · #{index} · id {rec.id[:12]}"
    if rec.axis == "carc":
        try:
            from generators.carc.render import render_record_rich
        except ImportError:
            pass
        else:
            return Panel(render_record_rich(rec), title=title, title_align="left", border_style="blue")
    body: list = [Text(rec.messages[-1].content)]
    if rec.answer_type == "grid":
        body.append(Text("gold output grid:", style="bold green"))
        body.append(_grid_renderable(rec.answer))
    else:
        body.append(Text.assemble(("gold answer: ", "bold green"), (rec.ground_truth, "green"), (f"   [{rec.answer_type}]", "dim")))
    return Panel(Group(*body), title=title, title_align="left", border_style="blue")


def print_problems(console: Console, records: list[ProblemRecord]) -> None:
    for i, rec in enumerate(records):
        console.print(problem_panel(rec, i))
