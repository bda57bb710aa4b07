"""Relevance test for a pruned construction: every counted, determined command must matter.

Pruning keeps all ancestors of the measured quantity, but a quantity can be invariant for a cheap reason
(an angle inside a regular polygon does not care how the polygon was placed), which would make the
counted length overstate the work. For each non-free, non-trivial command we replace its outputs by
random elements of the same type and re-evaluate (floats, a few instantiations): if the quantity still
does not change, the command is decoration and the candidate is refused.
"""
from __future__ import annotations

import math
import random
from typing import Any

from generators.geometry.construct_eval import Degenerate, measure_value, run_command
from generators.geometry.construct_numbers import FloatContext, Instance
from generators.geometry.construct_program import OPS

RELEVANCE_INSTANCES = 3
RETRIES = 4
CHANGE_REL = 1e-7


def _random_point(rng: random.Random):
    return (rng.uniform(-10, 10), rng.uniform(-10, 10))


def _random_like(value: Any, rng: random.Random) -> Any:
    """A random element shaped like ``value`` (point, line, circle or shape)."""
    if isinstance(value[0], tuple):  # triangle / polygon: a random regular polygon of the same size
        n = len(value)
        cx, cy = _random_point(rng)
        r, t0 = rng.uniform(2, 10), rng.uniform(0, 2 * math.pi)
        return tuple((cx + r * math.cos(t0 + 2 * math.pi * k / n), cy + r * math.sin(t0 + 2 * math.pi * k / n))
                     for k in range(n))
    if len(value) == 2:
        return _random_point(rng)
    if len(value) == 3:
        return (*_random_point(rng), rng.uniform(2, 10))
    t = rng.uniform(0, 2 * math.pi)
    return (*_random_point(rng), math.cos(t), math.sin(t))


def _value_with_replacement(program, measure, k: int, inst: Instance, rng: random.Random) -> float:
    ctx = FloatContext()
    env: dict[str, Any] = {}
    for i, cmd in enumerate(program):
        run_command(ctx, inst, cmd, env)
        if i == k:
            out = cmd["out"]
            first = _random_like(env[out[0]], rng)
            env[out[0]] = first
            if len(out) > 1:  # polygon commands: the named vertices are the last len(out)-1 corners
                offset = len(first) - (len(out) - 1)
                for j, vid in enumerate(out[1:]):
                    env[vid] = first[offset + j]
    return measure_value(ctx, measure, env)


def command_matters(program, measure, k: int, rng: random.Random) -> bool:
    """Whether randomising command ``k`` changes the measured quantity (True when undecidable)."""
    values = []
    for _ in range(RELEVANCE_INSTANCES):
        for _attempt in range(RETRIES):
            try:
                values.append(_value_with_replacement(program, measure, k, Instance(random.Random(rng.getrandbits(64))), rng))
                break
            except (Degenerate, ValueError, ZeroDivisionError, OverflowError):
                continue
        else:
            return True
    return max(values) - min(values) > CHANGE_REL * max(1.0, abs(values[0]))


def irrelevant_command(program: list[dict[str, Any]], measure: dict[str, Any], rng: random.Random) -> int | None:
    """Index of the first counted, determined command whose outputs do not matter (None if all do)."""
    for k, cmd in enumerate(program):
        spec = OPS[cmd["op"]]
        if spec.free or spec.trivial:
            continue
        if not command_matters(program, measure, k, rng):
            return k
    return None
