"""Choosing the measured quantity of a raw program: every candidate (distance, point-line distance,
angle, radius, area) whose pruned length lies in the level's band, that involves a family-specific
command when required, and whose float value is the same at every screening instance.
"""
from __future__ import annotations

import math
import random
from typing import Any

from generators.geometry.construct_eval import Degenerate, measure_value
from generators.geometry.construct_program import CIRCLE, LINE, POINT, POLYGON, TRIANGLE
from generators.geometry.construct_sample import ProgramBuilder

SCREEN_REL = 1e-7  # float screening agreement (the 136-bit validation later asks for 1e-20)
MIN_VALUE = 0.1  # answers keep two significant digits (stricter than the |value| > 1e-4 rule)
MAX_VALUE = 1e4
MIN_ANGLE, MAX_ANGLE = 1.0, 179.0  # degrees; slimmer (or straighter) angles make poor questions
TRIPLE_SAMPLES = 400  # random point triples tried for angles and triangle areas (in all)

KIND_WEIGHTS = {
    "basic": {"distance": 3, "point_line_distance": 1, "angle": 2, "triangle_area": 1},
    "circle": {"distance": 3, "point_line_distance": 1, "angle": 2, "radius": 2, "triangle_area": 1},
    "triangle": {"distance": 3, "point_line_distance": 1, "angle": 2, "radius": 2, "area": 2, "triangle_area": 1},
    "polygon": {"distance": 3, "point_line_distance": 1, "angle": 2, "radius": 1.5, "area": 2.5, "triangle_area": 1},
}


TRIPLE_KINDS = ("angle", "triangle_area")


def _listed_candidates(b: ProgramBuilder) -> dict[str, list[tuple[list[str], int]]]:
    """kind -> [(args, dependency bits)] for the kinds on pairs and single elements (the point-triple kinds
    are drawn lazily, :func:`_draw_triple`), before any band or value filter."""
    pts = b.by_type[POINT]
    mask = b.mask
    out: dict[str, list[tuple[list[str], int]]] = {}
    out["distance"] = [([p, q], mask[p] | mask[q]) for i, p in enumerate(pts) for q in pts[i + 1:]]
    out["point_line_distance"] = [([p, line], mask[p] | mask[line]) for p in pts for line in b.by_type[LINE]]
    out["radius"] = [([c], mask[c]) for c in b.by_type[CIRCLE]]
    out["area"] = [([s], mask[s]) for s in b.by_type[TRIANGLE] + b.by_type[POLYGON]]
    return out


def _draw_triple(b: ProgramBuilder, rng: random.Random, fits, tried: set, tries: list[int]) -> list[str] | None:
    """A uniformly random ordered point triple (p, q, r) of distinct points whose dependency bits fit and
    that was not drawn before for this kind, within the remaining ``tries`` (``TRIPLE_SAMPLES`` shared by
    the triple kinds: they fit alike); None when they run out."""
    pts, mask = b.by_type[POINT], b.mask
    n = len(pts)
    draw = rng.random
    while tries[0] > 0:
        tries[0] -= 1
        i = int(draw() * n)
        j = int(draw() * (n - 1))
        j += j >= i
        k = int(draw() * (n - 2))
        lo, hi = (i, j) if i < j else (j, i)
        k += k >= lo
        k += k >= hi
        p, q, r = pts[i], pts[j], pts[k]
        if (p, q, r) in tried or not fits(mask[p] | mask[q] | mask[r]):
            continue
        tried.add((p, q, r))
        return [p, q, r]
    return None


def invariant_value(b: ProgramBuilder, measure: dict[str, Any]) -> float | None:
    """The common float value at the screening instances, or None if it differs / is degenerate."""
    try:
        vals = [measure_value(b.ctx, measure, env) for env in b.envs]
    except (Degenerate, ValueError, ZeroDivisionError):
        return None
    lo, hi = min(vals), max(vals)
    if hi - lo > SCREEN_REL * max(1.0, abs(hi)):
        return None
    return vals[0]


def find_measures(
    b: ProgramBuilder, rng: random.Random, family_group: str, band: tuple[int, int], limit: int
) -> list[dict[str, Any]]:
    """Up to ``limit`` screened candidate measures, drawn kind-first so that every kind gets a turn; within a
    kind, uniformly among the candidates whose pruned length is in the band (and that involve a command of
    the family's group, except for "basic")."""
    lo, hi = band
    trivial = b.trivial_bits
    specific = b.group_bits(family_group) if family_group != "basic" else None

    def fits(bits: int) -> bool:
        return lo <= (bits & ~trivial).bit_count() <= hi and (specific is None or bits & specific != 0)

    listed = _listed_candidates(b)
    weights = KIND_WEIGHTS[family_group]
    pools: dict[str, list[tuple[list[str], int]] | None] = {}  # None: a point-triple kind, drawn lazily
    for kind in weights:
        if kind in TRIPLE_KINDS:
            if len(b.by_type[POINT]) >= 3:
                pools[kind] = None
            continue
        pool = [(args, bits) for args, bits in listed[kind] if fits(bits)]
        if pool:
            pools[kind] = pool
    triple_tries = [TRIPLE_SAMPLES]  # shared: a triple fits the band for one kind iff for the other
    triple_tried: dict[str, set] = {kind: set() for kind in TRIPLE_KINDS}
    chosen: list[dict[str, Any]] = []
    budget = 60  # screened evaluations per raw program (bounded)
    while pools and len(chosen) < limit and budget > 0:
        kinds = list(pools)
        kind = rng.choices(kinds, weights=[weights[k] for k in kinds])[0]
        pool = pools[kind]
        if pool is None:
            args = _draw_triple(b, rng, fits, triple_tried[kind], triple_tries)
            if args is None:
                for other in TRIPLE_KINDS:
                    pools.pop(other, None)
                continue
        else:  # uniform draw without replacement
            i = rng.randrange(len(pool))
            args = pool[i][0]
            pool[i] = pool[-1]
            pool.pop()
            if not pool:
                del pools[kind]
        budget -= 1
        unit = rng.choice(("degrees", "radians")) if kind == "angle" else None
        measure = {"kind": kind, "args": args, "unit": unit}
        value = invariant_value(b, measure)
        if value is None or not MIN_VALUE <= value <= MAX_VALUE:
            continue
        if kind == "angle" and not MIN_ANGLE <= (value if unit == "degrees" else value * 180 / math.pi) <= MAX_ANGLE:
            continue
        chosen.append(measure)
    return chosen
