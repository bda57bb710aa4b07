"""Re-derive a pair's output from its input grid and a record's ``params`` (the C-ARC solver).

Reads the objects back out of the input grid (8-connected non-background groups), decides which cues
fire from the stored triggers (shape S, colour C, the indicator object's exact cells and colour), and
applies the stored rules in the stored composition order. It never looks at the generator's own objects,
so it also confirms that every input really triggers the cues its pair claims.
"""
from __future__ import annotations

from typing import Any

from generators.carc.grid import Grid, components, in_bounds, normalize, paint, touching
from generators.carc.primitives import Rule, apply_rule, is_forbidden_noop


class DerivationError(ValueError):
    """An input grid or a rule application that breaks the C-ARC invariants."""


def read_input(grid: Grid, params: dict[str, Any]):
    """(object cells, object colour, fired cues in composition order, indicator cells or None)."""
    triggers = params["triggers"]
    indicator = frozenset(tuple(c) for c in triggers["indicator"]["cells"])
    indicator_colour = triggers["indicator"]["colour"]
    objects = components(grid)
    present = (indicator, indicator_colour) in objects
    others = [obj for obj in objects if obj != (indicator, indicator_colour)]
    if len(others) != 1:
        raise DerivationError(f"expected one transformable object, found {len(others)}")
    cells, colour = others[0]
    if colour < 0:
        raise DerivationError("the transformable object has more than one colour")
    shape = tuple(tuple(c) for c in triggers["shape"])
    fired = {
        "shape": normalize(cells) == shape,
        "colour": colour == triggers["colour"],
        "neighbour": present,
    }
    order = params["composition_order"]
    return cells, colour, tuple(role for role in order if fired[role]), (indicator if present else None)


def derive_output(grid: Grid, params: dict[str, Any]) -> Grid:
    """The output grid the stored rules produce for ``grid``; raises DerivationError on a broken invariant."""
    size = params["grid_size"]
    cells, colour, fired, indicator = read_input(grid, params)
    for role in fired:
        rule = Rule.from_dict(params["rules"][role])
        new, colour = apply_rule(rule, cells, colour)
        if is_forbidden_noop(rule, cells, new):
            raise DerivationError(f"{rule.label()} leaves the object unchanged")
        if not in_bounds(new, size):
            raise DerivationError(f"{rule.label()} moves the object out of the grid")
        cells = new
    objects = [(cells, colour)]
    if indicator is not None:
        if touching(cells, indicator):
            raise DerivationError("the transformed object touches the indicator")
        objects.append((indicator, params["triggers"]["indicator"]["colour"]))
    return paint(objects, size)


def fired_kind(grid: Grid, params: dict[str, Any]) -> str:
    """The cues an input grid fires, joined by '+', e.g. 'shape+neighbour' ('' when none fire)."""
    return "+".join(read_input(grid, params)[2])
