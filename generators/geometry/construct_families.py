"""geometry_basic / circle / triangle / polygon: random ruler-and-compass style constructions with one
measured quantity, asked as a decimal rounded to 2 places.

Level ladder (construction length after pruning, counting every command except the grouping ones
``line`` and ``triangle``; both ends enforced, OMEGA's maximum never was):
L1 4-6, L2 7-9, L3 10-12, L4 13-15, L5 16-18. ``raw_commands`` is the size of the random program the
measured quantity is cut out of.

* generate: sample, prune, render (the draft); then, only if the split keeps the instance, refuse
  decoration (every counted command must matter) and validate invariance at 20 + 1 instantiations
  (arb balls at 136 bits = 40 digits; certain agreement 1e-20)
  (``construct_pipeline``, ``construct_render``);
* solve: the primary Cartesian evaluator at the canonical instantiation (seeded by the program text),
  in arb balls (136 bits); both ends of the ball must round to the same 2-place answer;
* check: the independent complex-number evaluator at three other instantiations seeded from the
  params, in arb/acb ball arithmetic (136 bits): the balls must certainly agree to 1e-20 and both ends of
  each must round to the same 2-place string; plus the length band.

Ladder: level L+1 has a longer construction program (4-6, 7-9, 10-12, 13-15, 16-18 steps), so more objects to
construct before the measurement (the test's proxy: the program length).
"""
from __future__ import annotations

import random
import re
from typing import Any

from generators.answers import format_decimal
from generators.family import Family, Problem, Reject
from generators.geometry.construct_complex import evaluate_complex, measure_complex
from generators.geometry.construct_eval import Degenerate
from generators.geometry.construct_numbers import Instance, arb_bounds, arb_precision
from generators.geometry.construct_pipeline import (
    INVARIANCE_REL,
    PLACES,
    ConstructionRejected,
    certify_construction,
    draft_construction,
    canonical_value,
    certain_answer,
    program_key,
)
from generators.geometry.construct_program import OPS, construction_length
from generators.geometry.construct_render import render_question
from generators.registration import register_family
from generators.seeding import derive_seed

LEVELS = {
    1: {"length": (4, 6), "raw_commands": 20},
    2: {"length": (7, 9), "raw_commands": 26},
    3: {"length": (10, 12), "raw_commands": 32},
    4: {"length": (13, 15), "raw_commands": 38},
    5: {"length": (16, 18), "raw_commands": 44},
}
CHECK_INSTANCES = 3
CHECK_DRAWS = 12  # fresh instantiations tried to find CHECK_INSTANCES non-degenerate ones
_ANSWER = re.compile(r"^\d+\.\d{2}$")


class _ConstructionFamily(Family):
    """Shared pipeline; subclasses set the name and the command group they add."""

    domain = "geometry"
    answer_type = f"decimal:{PLACES}"
    levels = LEVELS
    group = "basic"
    version = "3"  # 3: the relevance test moved from the draft to complete (runs only on drafts the split keeps)
    test_items = 25  # items per level in the shared default test; 200 per level run under -m slow
    # instance key: the program and the measured quantity; the level's length band and the program's length
    # (derived from it) are not part of the problem
    key_ignored_params = ("level", "band", "length")

    def generate(self, rng: random.Random, level: int) -> Problem:
        return self.complete(self.draft(rng, level))

    def draft(self, rng: random.Random, level: int) -> Problem:
        """Program, measure and question; the relevance test and the 40-digit validation wait for
        ``complete`` (only drafts the split keeps are tested)."""
        knobs = self.levels[level]
        band = tuple(knobs["length"])
        try:
            program, measure = draft_construction(rng, self.group, band, knobs["raw_commands"])
        except ConstructionRejected as exc:
            raise Reject(str(exc)) from exc
        question = render_question(program, measure, rng)
        seeds = (rng.getrandbits(64), rng.getrandbits(64))  # relevance test, validation
        params = {"program": program, "measure": measure, "band": list(band),
                  "length": construction_length(program)}
        return Problem(question=question, params=params, draft_state=seeds)

    def complete(self, problem: Problem) -> Problem:
        try:
            certify_construction(problem.params["program"], problem.params["measure"], *problem.draft_state)
        except ConstructionRejected as exc:
            raise Reject(str(exc)) from exc
        return problem


    def instance_level(self, params) -> int | None:
        """Levels draw disjoint pruned construction lengths (in the instance key), so the instance shows its level."""
        return self.level_with(length=construction_length(params["program"]))

    def solve(self, params: dict[str, Any]) -> str:
        try:
            return certain_answer(canonical_value(params["program"], params["measure"]))
        except (Degenerate, ValueError) as exc:  # generate validated this instantiation; reaching here is a bug
            raise ValueError(f"{self.name}: canonical instantiation is degenerate ({exc})") from exc

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        if not isinstance(answer, str) or not _ANSWER.match(answer):
            return False
        program, measure = params["program"], params["measure"]
        lo, hi = params["band"]
        if not lo <= construction_length(program) <= hi:
            return False
        if self.group != "basic" and not any(
            OPS[c["op"]].group == self.group and not OPS[c["op"]].trivial for c in program
        ):
            return False
        key = program_key(program, measure)
        with arb_precision() as ctx:
            values = []
            for k in range(CHECK_DRAWS):
                inst = Instance(random.Random(derive_seed("geometry-construct-check", key, k)))
                try:
                    value = measure_complex(ctx, measure, evaluate_complex(ctx, inst, program))
                except (Degenerate, ValueError, ZeroDivisionError):
                    continue
                if not value.is_finite():
                    continue
                values.append(value)
                if len(values) == CHECK_INSTANCES:
                    break
            if len(values) < CHECK_INSTANCES:
                return False
            ref = values[0]
            tol = INVARIANCE_REL * max(1, abs(ref))
            if not all(abs(v - ref) <= tol for v in values):  # certainly within the tolerance
                return False
            # both ends of every ball round to the answer, so the rounding is certain
            return all(format_decimal(end, PLACES) == answer for v in values for end in arb_bounds(v))


@register_family
class GeometryBasic(_ConstructionFamily):
    name = "geometry_basic"
    description = "Point-and-line constructions (midpoints, perpendiculars, reflections, rotations); measure a length, angle or area"
    group = "basic"


@register_family
class GeometryCircle(_ConstructionFamily):
    name = "geometry_circle"
    description = "Constructions with circles (tangents, chords, circle intersections); measure a length, angle, radius or area"
    group = "circle"


@register_family
class GeometryTriangle(_ConstructionFamily):
    name = "geometry_triangle"
    description = "Constructions with triangle centres, circumcircles and incircles; measure a length, angle, radius or area"
    group = "triangle"


@register_family
class GeometryPolygon(_ConstructionFamily):
    name = "geometry_polygon"
    description = "Constructions with regular polygons (from centre, vertex or side; rotated); measure a length, angle, radius or area"
    group = "polygon"
