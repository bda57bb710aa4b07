"""The five C-ARC transformation types and their exact semantics on an object's cells and colour.

Rows grow downwards, columns to the right; every rule below acts on one object (a set of cells and a
colour) and returns the new cells and colour. Nothing here checks grid bounds; callers do.

* ``translation`` {"direction": "right"|"down", "step": k}: every cell moves k columns right / k rows down.
* ``reflection`` {"flip": "upside_down"|"left_right"}: mirror inside the object's bounding box,
  r -> min_r + max_r - r (upside down) or c -> min_c + max_c - c (left to right).
* ``rotation`` {"direction": "cw"|"ccw"}: 90 degrees about the bounding box's top-left cell (r0, c0).
  Clockwise: (r, c) -> (r0 + (c - c0), c0 - (r - r0)), so the object now spans rows r0..r0+w-1 and
  columns c0-h+1..c0 (it also shifts left). Counter-clockwise is the inverse turn about the same cell:
  (r, c) -> (r0 - (c - c0), c0 + (r - r0)).
* ``extension`` {"direction": "up"|"left"}: union of the object with a copy of itself moved one cell up / left.
* ``recolour`` {"colour": 1|2}: the whole object takes the new colour (a no-op when it already has it).

Reflection and rotation must never be no-ops: ``changes_cells_required`` names them, and generators reject
an application whose result equals its input.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from generators.carc.grid import Cell, bbox

TYPES: tuple[str, ...] = ("translation", "reflection", "rotation", "extension", "recolour")
MUST_CHANGE_CELLS: frozenset[str] = frozenset({"reflection", "rotation"})


@dataclass(frozen=True)
class Rule:
    """One transformation type with its parameters, e.g. Rule("rotation", {"direction": "cw"})."""

    type: str
    kwargs: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "kwargs": dict(sorted(self.kwargs.items()))}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Rule":
        return cls(data["type"], dict(data.get("kwargs", {})))

    def label(self) -> str:
        args = ",".join(f"{k}={v}" for k, v in sorted(self.kwargs.items()))
        return f"{self.type}({args})"


def apply_rule(rule: Rule, cells: Iterable[Cell], colour: int) -> tuple[frozenset[Cell], int]:
    """The object's cells and colour after ``rule``; raises ValueError on an unknown type or parameter."""
    cells = frozenset(cells)
    kw = rule.kwargs
    if rule.type == "translation":
        step = int(kw.get("step", 1))
        if kw["direction"] == "right":
            return frozenset((r, c + step) for r, c in cells), colour
        if kw["direction"] == "down":
            return frozenset((r + step, c) for r, c in cells), colour
    elif rule.type == "reflection":
        r0, c0, r1, c1 = bbox(cells)
        if kw["flip"] == "upside_down":
            return frozenset((r0 + r1 - r, c) for r, c in cells), colour
        if kw["flip"] == "left_right":
            return frozenset((r, c0 + c1 - c) for r, c in cells), colour
    elif rule.type == "rotation":
        r0, c0, _, _ = bbox(cells)
        if kw["direction"] == "cw":
            return frozenset((r0 + (c - c0), c0 - (r - r0)) for r, c in cells), colour
        if kw["direction"] == "ccw":
            return frozenset((r0 - (c - c0), c0 + (r - r0)) for r, c in cells), colour
    elif rule.type == "extension":
        if kw["direction"] == "up":
            return cells | frozenset((r - 1, c) for r, c in cells), colour
        if kw["direction"] == "left":
            return cells | frozenset((r, c - 1) for r, c in cells), colour
    elif rule.type == "recolour":
        return cells, int(kw["colour"])
    raise ValueError(f"unknown transformation {rule.label()}")


def is_forbidden_noop(rule: Rule, before: frozenset[Cell], after: frozenset[Cell]) -> bool:
    """True when a reflection or rotation left the object's cells unchanged (such draws are rejected)."""
    return rule.type in MUST_CHANGE_CELLS and before == after
