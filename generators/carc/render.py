"""Coloured terminal rendering of C-ARC grids (for ``omegactl show``); rich is imported only when called.

The palette follows the C-ARC authors' figures: 0 black, 1 red, 2 orange, 3 yellow, 4 lime green,
5 light sky blue, 6 magenta, 7 pink, 8 cyan, 9 light grey. Each cell also shows its digit, so the
rendering stays readable without colour.
"""
from __future__ import annotations

from typing import Any

PALETTE: dict[int, str] = {
    0: "#000000", 1: "#e53935", 2: "#fb8c00", 3: "#fdd835", 4: "#7cb342",
    5: "#81d4fa", 6: "#d81b60", 7: "#f8bbd0", 8: "#00bcd4", 9: "#bdbdbd",
}


def render_grid_rich(grid: list[list[int]]) -> Any:
    """A ``rich.text.Text``: one line per row, two characters per cell, background in the cell's colour."""
    from rich.text import Text

    text = Text()
    for i, row in enumerate(grid):
        if i:
            text.append("\n")
        for value in row:
            if value == 0:
                text.append("· ", style=f"grey42 on {PALETTE[0]}")
            else:
                text.append(f"{value} ", style=f"bold black on {PALETTE.get(value, '#ffffff')}")
    return text


def render_pair_rich(inp: list[list[int]], out: list[list[int]], title: str = "") -> Any:
    """A ``rich.table.Table`` showing an input grid and its output side by side."""
    from rich.table import Table

    table = Table(title=title or None, show_header=True, box=None, padding=(0, 2))
    table.add_column("input")
    table.add_column("output")
    table.add_row(render_grid_rich(inp), render_grid_rich(out))
    return table


def render_record_rich(record: Any) -> Any:
    """A ``rich.console.Group`` of a record's study pairs and its query (gold output shown)."""
    from rich.console import Group

    data = record if isinstance(record, dict) else record.model_dump()
    params = data["params"]
    parts = [render_pair_rich(p["input"], p["output"], f"example {i} ({p['kind']})")
             for i, p in enumerate(params["study"], start=1)]
    parts.append(render_pair_rich(params["query"]["input"], data["answer"], f"query ({params['query']['kind']})"))
    return Group(*parts)
