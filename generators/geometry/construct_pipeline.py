"""The construction pipeline: sample a raw program, choose a measured quantity in the level's length
band, prune to its ancestors, then validate at many high-precision instantiations.

Validation (arb balls, 136 bits = 40 digits, python-flint): the pruned program is evaluated at its
canonical instantiation (the one ``solve`` uses) and at ``VALIDATION_INSTANCES`` further random ones;
the quantity must be defined and non-degenerate at all of them and certainly agree to ``INVARIANCE_REL``.
The answer is then rejected when it is tiny, huge, equal to a number stated in the question, or within
1e-9 of a 2-place rounding boundary.

The families split this in two (``draft_construction``, then ``certify_construction``): the draft picks
the first screened candidate (which fixes the instance key, so the split bucket) and the question; the
relevance test and the high-precision validation run only on drafts the split keeps (a candidate with a
decorative command is then rejected and the item re-drawn).
"""
from __future__ import annotations

import json
import random
from fractions import Fraction
from typing import Any

from generators.answers import format_decimal, near_rounding_boundary
from generators.geometry.construct_eval import Degenerate, evaluate, measure_value
from generators.geometry.construct_measure import MAX_ANGLE, MAX_VALUE, MIN_ANGLE, MIN_VALUE, find_measures
from generators.geometry.construct_numbers import Instance, arb_bounds, arb_precision, to_fraction
from generators.geometry.construct_program import construction_length, given_numbers, prune_and_relabel
from generators.geometry.construct_relevance import irrelevant_command
from generators.geometry.construct_sample import build_raw_program
from generators.seeding import derive_seed

VALIDATION_INSTANCES = 20
INVARIANCE_REL = 1e-20
PLACES = 2


class ConstructionRejected(Exception):
    """The drawn program yields no valid measured quantity (the family turns this into a re-draw)."""


def program_key(program: list[dict[str, Any]], measure: dict[str, Any]) -> str:
    return json.dumps({"program": program, "measure": measure}, sort_keys=True, separators=(",", ":"))


def canonical_instance(program: list[dict[str, Any]], measure: dict[str, Any]) -> Instance:
    """The instantiation ``solve`` uses: seeded by the program text, so anyone can re-derive it."""
    return _canonical_instance_of_key(program_key(program, measure))


def _canonical_instance_of_key(key: str) -> Instance:
    return Instance(random.Random(derive_seed("geometry-construct-canonical", key)))


def value_at(program, measure, inst: Instance):
    """The measured quantity at one instantiation, as an arb ball at the validation precision (136 bits);
    raises Degenerate, or ValueError when the ball is not finite."""
    with arb_precision() as ctx:
        value = measure_value(ctx, measure, evaluate(ctx, inst, program))
    if not value.is_finite():
        raise ValueError("the measured quantity is not finite")
    return value


_CANONICAL_CACHE: dict[str, Any] = {}  # program_key -> canonical value (certify and solve of one item)
_CANONICAL_CACHE_SIZE = 256


def canonical_value(program: list[dict[str, Any]], measure: dict[str, Any]):
    """The measured quantity (an arb ball, 136 bits) at the canonical instantiation; raises Degenerate or
    ValueError.

    Memoised by the program text (generation certifies this value and ``solve`` then asks for it again;
    balls are immutable). Degenerate programs are not remembered."""
    key = program_key(program, measure)
    value = _CANONICAL_CACHE.get(key)
    if value is None:
        value = value_at(program, measure, _canonical_instance_of_key(key))
        if len(_CANONICAL_CACHE) >= _CANONICAL_CACHE_SIZE:
            del _CANONICAL_CACHE[next(iter(_CANONICAL_CACHE))]
        _CANONICAL_CACHE[key] = value
    return value


def certain_answer(value) -> str:
    """The 2-place decimal of a ball whose two ends round alike (ValueError when they do not)."""
    lo, hi = (format_decimal(end, PLACES) for end in arb_bounds(value))
    if lo != hi:
        raise ValueError(f"the value {value} straddles a rounding boundary")
    return lo


def validated_value(program, measure, rng: random.Random):
    """The canonical value, after checking invariance at ``VALIDATION_INSTANCES`` more instantiations: each
    ball must be certainly within ``INVARIANCE_REL`` of the canonical one (an uncertain or non-finite ball
    is a rejection)."""
    try:
        value = canonical_value(program, measure)
        with arb_precision():
            tol = INVARIANCE_REL * max(1, abs(value))
            for _ in range(VALIDATION_INSTANCES):
                other = value_at(program, measure, Instance(random.Random(rng.getrandbits(64))))
                if not abs(other - value) <= tol:
                    raise ConstructionRejected("quantity is not invariant")
    except (Degenerate, ValueError, ZeroDivisionError) as exc:
        raise ConstructionRejected(f"degenerate: {exc}") from exc
    return value


def answer_problems(program, measure, value) -> str | None:
    """Why a validated value makes a poor answer (None when it is fine)."""
    exact = to_fraction(value)
    if not MIN_VALUE <= exact <= MAX_VALUE:
        return "value out of range"
    lengths, angles = given_numbers(program)
    kind = measure["kind"]
    tol = Fraction(1, 10**12)
    if kind in ("distance", "point_line_distance", "radius") and any(abs(exact - g) < tol for g in lengths):
        return "answer repeats a stated length"
    if kind == "angle":
        with arb_precision() as ctx:
            degrees = value if measure["unit"] == "degrees" else value * 180 / ctx.pi
            if not MIN_ANGLE <= degrees <= MAX_ANGLE or any(abs(degrees - g) < 1e-12 for g in angles):
                return "answer repeats a stated angle or is too slim or too straight"
    if near_rounding_boundary(exact, PLACES):
        return "too close to a rounding boundary"
    return None


def draft_construction(rng: random.Random, family_group: str, band: tuple[int, int], raw_length: int):
    """(program, measure) of the first screened candidate measure, pruned; nothing more (the relevance
    test and the high-precision validation are ``certify_construction``'s). Raises ConstructionRejected
    to re-draw."""
    builder = build_raw_program(rng, family_group, raw_length)
    measures = find_measures(builder, rng, family_group, band, 1)
    if not measures:
        raise ConstructionRejected("no invariant quantity in the length band")
    program, measure = prune_and_relabel(builder.cmds, measures[0])
    length = construction_length(program)
    if not band[0] <= length <= band[1]:  # the screening counted the same commands; enforce anyway
        raise AssertionError(f"pruned length {length} outside {band} (screening miscounted)")
    return program, measure


def certify_construction(program, measure, relevance_seed: int, validation_seed: int) -> str:
    """The 2-place answer of a drafted construction after the relevance test (every counted command
    matters) and validation at its seeded instantiations; raises ConstructionRejected when a command is
    decoration, or the quantity is not invariant, degenerate or a poor answer."""
    k = irrelevant_command(program, measure, random.Random(relevance_seed))
    if k is not None:
        raise ConstructionRejected(f"command {k} ({program[k]['op']}) does not affect the quantity")
    value = validated_value(program, measure, random.Random(validation_seed))
    problem = answer_problems(program, measure, value)
    if problem:
        raise ConstructionRejected(problem)
    return certain_answer(value)
