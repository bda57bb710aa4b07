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

SCREEN_REL = 1e-7  # float screening agreement (the mpmath validation later asks for 1e-20)
MIN_VALUE = 0.1  # answers keep two significant digits (stricter than the |value| > 1e-4 rule)
MAX_VALUE = 1e4
MIN_ANGLE, MAX_ANGLE = 1.0, 179.0  # degrees; slimmer (or straighter) angles make poor questions
TRIPLE_SAMPLES = 400  # random point triples tried for angles and triangle areas

KIND_WEIGHTS = {
    "basic": {"distance": 3, "point_line_distance": 1, "angle": 2, "triangle_area": 1},
    "circle": {"distance": 3, "point_line_distance": 1, "angle": 2, "radius": 2, "triangle_area": 1},
    "triangle": {"distance": 3, "point_line_distance": 1, "angle": 2, "radius": 2, "area": 2, "triangle_area": 1},
    "polygon": {"distance": 3, "point_line_distance": 1, "angle": 2, "radius": 1.5, "area": 2.5, "triangle_area": 1},
}


def _raw_candidates(b: ProgramBuilder, rng: random.Random) -> dict[str, list[tuple[list[str], int]]]:
    """kind -> [(args, dependency bits)] before any band or value filter."""
    pts = b.by_type[POINT]
    out: dict[str, list[tuple[list[str], int]]] = {k: [] for k in KIND_WEIGHTS["triangle"]}
    for i, p in enumerate(pts):
        for q in pts[i + 1:]:
            out["distance"].append(([p, q], b.mask[p] | b.mask[q]))
        for line in b.by_type[LINE]:
            out["point_line_distance"].append(([p, line], b.mask[p] | b.mask[line]))
    for c in b.by_type[CIRCLE]:
        out["radius"].append(([c], b.mask[c]))
    for s in b.by_type[TRIANGLE] + b.by_type[POLYGON]:
        out["area"].append(([s], b.mask[s]))
    if len(pts) >= 3:
        mask = b.mask
        angles, areas = out["angle"], out["triangle_area"]
        for p, q, r in sample_triples(rng, pts, TRIPLE_SAMPLES):
            bits = mask[p] | mask[q] | mask[r]
            angles.append(([p, q, r], bits))
            areas.append(([p, q, r], bits))
    return out


def sample_triples(rng: random.Random, pts: list[str], count: int) -> list[tuple[str, str, str]]:
    """``count`` successive ``rng.sample(pts, 3)`` draws, consuming exactly the same random bits: CPython's
    ``Random.sample`` (pool method up to 21 items, set method above) with ``_randbelow`` inlined, which
    saves most of the call overhead (a test compares it with ``rng.sample``). Other rng types use sample."""
    n = len(pts)
    if type(rng) is not random.Random or n < 3:
        return [tuple(rng.sample(pts, 3)) for _ in range(count)]
    getrandbits = rng.getrandbits
    out = []
    if n <= 21:
        n1, n2 = n - 1, n - 2
        k0, k1, k2 = n.bit_length(), n1.bit_length(), n2.bit_length()
        for _ in range(count):
            pool = pts[:]
            j = getrandbits(k0)
            while j >= n:
                j = getrandbits(k0)
            p = pool[j]
            pool[j] = pool[n1]
            j = getrandbits(k1)
            while j >= n1:
                j = getrandbits(k1)
            q = pool[j]
            pool[j] = pool[n2]
            j = getrandbits(k2)
            while j >= n2:
                j = getrandbits(k2)
            out.append((p, q, pool[j]))
        return out
    k0 = n.bit_length()
    for _ in range(count):
        j0 = getrandbits(k0)
        while j0 >= n:
            j0 = getrandbits(k0)
        j1 = getrandbits(k0)
        while j1 >= n or j1 == j0:
            j1 = getrandbits(k0)
        j2 = getrandbits(k0)
        while j2 >= n or j2 == j0 or j2 == j1:
            j2 = getrandbits(k0)
        out.append((pts[j0], pts[j1], pts[j2]))
    return out


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
    """Up to ``limit`` screened candidate measures, drawn kind-first so that every kind gets a turn."""
    lo, hi = band
    trivial = b.trivial_bits
    specific = b.group_bits(family_group) if family_group != "basic" else None
    raw = _raw_candidates(b, rng)
    weights = KIND_WEIGHTS[family_group]
    pools: dict[str, list[tuple[list[str], int]]] = {}
    for kind in weights:
        pool = []
        for args, bits in raw[kind]:
            if not lo <= (bits & ~trivial).bit_count() <= hi:
                continue
            if specific is not None and not bits & specific:
                continue
            pool.append((args, bits))
        rng.shuffle(pool)
        if pool:
            pools[kind] = pool
    chosen: list[dict[str, Any]] = []
    budget = 60  # screened evaluations per raw program (bounded)
    while pools and len(chosen) < limit and budget > 0:
        kinds = list(pools)
        kind = rng.choices(kinds, weights=[weights[k] for k in kinds])[0]
        args, _ = pools[kind].pop()
        if not pools[kind]:
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
