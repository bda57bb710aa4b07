"""Tests for the geometry construction families (geometry_basic / circle / triangle / polygon)."""
from __future__ import annotations

import json
import math
import random
import re

import mpmath
import pytest

from generators import registry
from generators.geometry.construct_complex import evaluate_complex, measure_complex
from generators.geometry.construct_eval import Degenerate, evaluate, measure_value
from generators.geometry.construct_numbers import FloatContext, Instance, MPContext, arb_precision
from generators.geometry.construct_pipeline import (
    ConstructionRejected,
    answer_problems,
    canonical_instance,
    canonical_value,
    program_key,
    validated_value,
)
from generators.geometry.construct_program import OPS, construction_length, given_numbers, prune_and_relabel
from generators.geometry.construct_relevance import irrelevant_command
from generators.geometry.construct_render import ANSWER_FORM
from generators.seeding import derive_seed
from generators.settings import make_record

NAMES = ("geometry_basic", "geometry_circle", "geometry_triangle", "geometry_polygon")
FAMILIES = {n: registry.get_family(n) for n in NAMES}
BANDS = {1: (4, 6), 2: (7, 9), 3: (10, 12), 4: (13, 15), 5: (16, 18)}
ANSWER = re.compile(r"^\d+\.\d{2}$")
DEFAULT_ITEMS = 12  # per (family, level) in the default run; the slow test below does 200


def _records(name: str, level: int, count: int, seed: int = 99):
    fam = FAMILIES[name]
    seen: set[str] = set()
    return [
        make_record(fam, setting_key=name, setting_name=name, axis=fam.axis, split="test", level=level,
                    seed=seed, index=i, seen=seen)
        for i in range(count)
    ]


def cmd(op, args=(), nums=(), out=(), pick=None):
    c = {"op": op, "args": list(args), "nums": list(nums), "out": list(out)}
    if pick:
        c["pick"] = list(pick)
    return c


def seg(a="A", b="B", d=6):
    return [cmd("free_point", out=[a]), cmd("point_at_distance", [a], [d], [b])]


def both_values(program, measure, seed=5):
    """Measured value from the Cartesian and from the complex evaluator (different instantiations)."""
    ctx = MPContext()
    v1 = measure_value(ctx, measure, evaluate(ctx, Instance(random.Random(seed)), program))
    v2 = measure_complex(ctx, measure, evaluate_complex(ctx, Instance(random.Random(seed + 1)), program))
    return float(v1), float(v2)


def params_of(program, measure, band=(1, 40)):
    return {"program": program, "measure": measure, "band": list(band), "length": construction_length(program)}


# ---------------------------------------------------------------- hand-computed constructions
KNOWN = [
    # equilateral triangle on AB = 6: angle 60 degrees, area 9*sqrt(3)
    (seg() + [cmd("equilateral_point", ["A", "B"], out=["C"], pick=["ccw"])],
     {"kind": "angle", "args": ["A", "B", "C"], "unit": "degrees"}, 60.0),
    (seg() + [cmd("equilateral_point", ["A", "B"], out=["C"], pick=["cw"])],
     {"kind": "triangle_area", "args": ["A", "B", "C"], "unit": None}, 9 * math.sqrt(3)),
    # 3-4-5 right triangle: circumradius 2.5, inradius 1, orthocentre at the right-angle vertex C
    (seg(d=5) + [cmd("point_two_distances", ["A", "B"], [3, 4], ["C"], ["ccw"]), cmd("triangle", ["A", "B", "C"], out=["t1"]),
                 cmd("circumcircle", ["t1"], out=["c1"])],
     {"kind": "radius", "args": ["c1"], "unit": None}, 2.5),
    (seg(d=5) + [cmd("point_two_distances", ["A", "B"], [3, 4], ["C"], ["ccw"]), cmd("triangle", ["A", "B", "C"], out=["t1"]),
                 cmd("incircle", ["t1"], out=["c1"])],
     {"kind": "radius", "args": ["c1"], "unit": None}, 1.0),
    (seg(d=5) + [cmd("point_two_distances", ["A", "B"], [3, 4], ["C"], ["ccw"]), cmd("triangle", ["A", "B", "C"], out=["t1"]),
                 cmd("orthocenter", ["t1"], out=["D"])],
     {"kind": "distance", "args": ["A", "D"], "unit": None}, 3.0),
    # incentre of the 3-4-5 triangle is at distance sqrt(2) from the right-angle vertex
    (seg(d=5) + [cmd("point_two_distances", ["A", "B"], [3, 4], ["C"], ["cw"]), cmd("triangle", ["A", "B", "C"], out=["t1"]),
                 cmd("incenter", ["t1"], out=["D"])],
     {"kind": "distance", "args": ["C", "D"], "unit": None}, math.sqrt(2)),
    # centroid of the 3-4-5 triangle: distance to C is 2/3 of the median 2.5
    (seg(d=5) + [cmd("point_two_distances", ["A", "B"], [3, 4], ["C"], ["ccw"]), cmd("triangle", ["A", "B", "C"], out=["t1"]),
                 cmd("centroid", ["t1"], out=["D"])],
     {"kind": "distance", "args": ["C", "D"], "unit": None}, 5 / 3),
    # regular hexagon of circumradius 2: area 6*sqrt(3); inscribed circle radius sqrt(3)
    ([cmd("free_point", out=["O"]), cmd("regular_polygon", ["O"], [2, 6], ["p1", "A", "B", "C", "D", "E", "F"])],
     {"kind": "area", "args": ["p1"], "unit": None}, 6 * math.sqrt(3)),
    ([cmd("free_point", out=["O"]), cmd("regular_polygon", ["O"], [2, 6], ["p1", "A", "B", "C", "D", "E", "F"]),
      cmd("polygon_incircle", ["p1"], out=["c1"])],
     {"kind": "radius", "args": ["c1"], "unit": None}, math.sqrt(3)),
    # square on side AB = 4: diagonal 4*sqrt(2); pentagon from centre and vertex: side 2 R sin(36)
    (seg(d=4) + [cmd("regular_polygon_side", ["A", "B"], [4], ["p1", "C", "D"])],
     {"kind": "distance", "args": ["A", "C"], "unit": None}, 4 * math.sqrt(2)),
    (seg("O", "A", 5) + [cmd("regular_polygon_vertex", ["O", "A"], [5], ["p1", "B", "C", "D", "E"])],
     {"kind": "distance", "args": ["A", "B"], "unit": None}, 10 * math.sin(math.pi / 5)),
    # rotating the square by 315 degrees about its corner A: C' lies on ray AB at distance 4*sqrt(2) from A
    (seg(d=4) + [cmd("regular_polygon_side", ["A", "B"], [4], ["p1", "C", "D"]),
                 cmd("rotate_polygon", ["p1", "A"], [315], ["p2", "E", "F", "G", "H"])],
     {"kind": "distance", "args": ["B", "G"], "unit": None}, 4 * math.sqrt(2) - 4),
    # tangent from a point at distance 5 to a circle of radius 3 has length 4
    (seg("O", "P", 5) + [cmd("circle_center_radius", ["O"], [3], ["c1"]),
                         cmd("rotate", ["P", "O"], [60], ["M"]),
                         cmd("tangent_point", ["P", "c1"], out=["T"], pick=["near", "M"])],
     {"kind": "distance", "args": ["P", "T"], "unit": None}, 4.0),
    # two circles of radius 5 with centres 6 apart: common chord 8
    (seg(d=6) + [cmd("circle_center_radius", ["A"], [5], ["c1"]), cmd("circle_center_radius", ["B"], [5], ["c2"]),
                 cmd("midpoint", ["A", "B"], out=["M"]), cmd("rotate", ["B", "M"], [90], ["N"]),
                 cmd("intersect_circles", ["c1", "c2"], out=["P"], pick=["near", "N"]),
                 cmd("line", ["A", "B"], out=["AB"]), cmd("reflect_line", ["P", "AB"], out=["Q"])],
     {"kind": "distance", "args": ["P", "Q"], "unit": None}, 8.0),
    # rotation of B about A by 90 degrees: |BB'| = AB * sqrt(2)
    (seg(d=6) + [cmd("rotate", ["B", "A"], [90], ["C"])],
     {"kind": "distance", "args": ["B", "C"], "unit": None}, 6 * math.sqrt(2)),
    # perpendicular from C (apex of an equilateral triangle) to AB: height 3*sqrt(3), foot = midpoint
    (seg() + [cmd("equilateral_point", ["A", "B"], out=["C"], pick=["ccw"]), cmd("line", ["A", "B"], out=["AB"]),
              cmd("perp_line", ["C", "AB"], out=["l1"]), cmd("intersect_lines", ["l1", "AB"], out=["D"])],
     {"kind": "distance", "args": ["A", "D"], "unit": None}, 3.0),
    # line through A and the circle of radius 6 about B (AB = 6): second meeting point at distance 12 from A
    (seg(d=6) + [cmd("circle_center_point", ["B", "A"], out=["c1"]), cmd("line", ["A", "B"], out=["AB"]),
                 cmd("intersect_line_circle", ["AB", "c1"], out=["C"], pick=["other", "A"])],
     {"kind": "distance", "args": ["A", "C"], "unit": None}, 12.0),
    # angle bisector of the right angle of a 3-4-5 triangle meets the hypotenuse at 15/7 from A
    (seg(d=5) + [cmd("point_two_distances", ["A", "B"], [3, 4], ["C"], ["ccw"]),
                 cmd("angle_bisector", ["A", "C", "B"], out=["l1"]), cmd("line", ["A", "B"], out=["AB"]),
                 cmd("intersect_lines", ["l1", "AB"], out=["D"])],
     {"kind": "distance", "args": ["A", "D"], "unit": None}, 15 / 7),
    # distance from the apex of a 3-4-5 triangle to the hypotenuse: 12/5; angle in radians pi/2
    (seg(d=5) + [cmd("point_two_distances", ["A", "B"], [3, 4], ["C"], ["ccw"]), cmd("line", ["A", "B"], out=["AB"])],
     {"kind": "point_line_distance", "args": ["C", "AB"], "unit": None}, 12 / 5),
    (seg(d=5) + [cmd("point_two_distances", ["A", "B"], [3, 4], ["C"], ["ccw"])],
     {"kind": "angle", "args": ["A", "C", "B"], "unit": "radians"}, math.pi / 2),
]


@pytest.mark.parametrize("case", range(len(KNOWN)))
def test_hand_computed_constructions(case):
    program, measure, expected = KNOWN[case]
    v1, v2 = both_values(program, measure)
    assert v1 == pytest.approx(expected, rel=1e-12, abs=1e-12)
    assert v2 == pytest.approx(expected, rel=1e-12, abs=1e-12)
    fam = FAMILIES["geometry_basic"]
    params = params_of(program, measure)
    answer = fam.solve(params)
    assert answer == f"{expected:.2f}"
    assert fam.check(params, answer)


def test_integer_answer_is_written_with_two_places_regression():
    """OMEGA weak point #15: integers were stored as "8.0"; here they read "8.00"."""
    program = seg(d=4) + [cmd("reflect_point", ["B", "A"], out=["C"]), cmd("circle_center_point", ["C", "B"], out=["c1"])]
    params = params_of(program, {"kind": "radius", "args": ["c1"], "unit": None})
    fam = FAMILIES["geometry_circle"]
    assert fam.solve(params) == "8.00"
    assert fam.check(params, "8.00")
    assert not fam.check(params, "8.0")
    assert not fam.check(params, "8")


def test_answers_stored_at_two_places_not_four_regression():
    """OMEGA weak point #15: answers were stored to 4 dp while the question asked for 2."""
    for name in NAMES:
        for level in (1, 3, 5):
            for rec in _records(name, level, 4):
                assert ANSWER.match(rec.answer), rec.answer
                assert rec.answer_type == "decimal:2" and rec.ground_truth == rec.answer
                assert "rounded to 2 decimal places" in rec.messages[0].content
                fam = FAMILIES[name]
                assert fam.check(rec.params, rec.answer)
                value = float(rec.answer)
                assert not fam.check(rec.params, f"{float(canonical_value(rec.params['program'], rec.params['measure'])):.4f}")
                for wrong in (value + 0.01, value - 0.01):
                    if wrong >= 0:
                        assert not fam.check(rec.params, f"{wrong:.2f}")


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("level", sorted(BANDS))
def test_max_length_is_enforced_regression(name, level):
    """OMEGA weak point #15: the maximum construction length was never enforced (L1 items had 14-15).

    Also the default-run solve-vs-check sweep: make_record raises VerificationError on any disagreement.
    """
    lo, hi = BANDS[level]
    assert FAMILIES[name].levels[level]["length"] == (lo, hi)
    recs = _records(name, level, DEFAULT_ITEMS, seed=7)
    assert len({r.id for r in recs}) == DEFAULT_ITEMS
    for rec in recs:
        counted = sum(1 for c in rec.params["program"] if c["op"] not in ("line", "triangle"))
        assert lo <= counted <= hi, (name, level, counted)
        assert rec.params["length"] == counted and rec.params["band"] == [lo, hi]


def test_records_are_plain_json_not_double_encoded_regression():
    """OMEGA weak point #20: geometry lines were JSON strings holding JSON; #15: a stale answer variable.

    Here a record is one JSON object whose params hold the program as a list, and its answer is exactly
    what solve() recomputes from those params.
    """
    for name in NAMES:
        rec = _records(name, 2, 1)[0]
        data = json.loads(rec.to_json())
        assert isinstance(data, dict) and isinstance(data["params"]["program"], list)
        assert all(isinstance(c, dict) and c["op"] in OPS for c in data["params"]["program"])
        assert FAMILIES[name].solve(data["params"]) == rec.answer == data["answer"]


def test_check_refuses_programs_outside_their_band():
    program = seg() + [cmd("midpoint", ["A", "B"], out=["C"]), cmd("rotate", ["C", "A"], [30], ["D"])]
    measure = {"kind": "distance", "args": ["B", "D"], "unit": None}
    fam = FAMILIES["geometry_basic"]
    answer = fam.solve(params_of(program, measure))
    assert fam.check(params_of(program, measure, band=(4, 6)), answer)
    assert not fam.check(params_of(program, measure, band=(5, 6)), answer)  # too short: 4 commands
    assert not fam.check(params_of(program, measure, band=(1, 3)), answer)  # too long


def test_family_commands_present():
    for name, group in (("geometry_circle", "circle"), ("geometry_triangle", "triangle"), ("geometry_polygon", "polygon")):
        for level in (1, 4):
            for rec in _records(name, level, 5):
                assert any(OPS[c["op"]].group == group and not OPS[c["op"]].trivial for c in rec.params["program"])
    for rec in _records("geometry_basic", 3, 5):
        assert all(OPS[c["op"]].group == "basic" for c in rec.params["program"])


def test_every_command_is_used_somewhere():
    """Each family's sampler reaches all of its commands (bounded search over seeded items)."""
    from generators.geometry.construct_sample import BASIC_WEIGHTS, GROUP_WEIGHTS

    seeds = {"free_point", "point_at_distance", "point_on_circle", "regular_polygon"}
    for name in NAMES:
        group = name.split("_")[1]
        wanted = set(BASIC_WEIGHTS) | set(GROUP_WEIGHTS.get(group, {}))
        wanted |= {"free_point", "point_at_distance"} | ({"point_on_circle", "circle_center_radius"} if group == "circle" else set())
        wanted |= {"regular_polygon"} if group == "polygon" else set()
        fam, used = FAMILIES[name], set()
        for i in range(150):
            rec = make_record(fam, setting_key=name, setting_name=name, axis=fam.axis, split="test", level=3,
                              seed=13, index=i)
            used.update(c["op"] for c in rec.params["program"])
            if wanted <= used:
                break
        assert wanted <= used, (name, sorted(wanted - used))
    assert seeds <= set(OPS)


def test_same_seed_same_records_and_seed_is_used_regression():
    """OMEGA weak point #5: the geometry pipeline never forwarded --seed; here the seed decides everything."""
    setting = registry.get_setting("geometry_polygon")
    a = [r.to_json() for r in setting.records("test_out", n=2, seed=4, levels=(3,))]
    b = [r.to_json() for r in setting.records("test_out", n=2, seed=4, levels=(3,))]
    c = [r.to_json() for r in setting.records("test_out", n=2, seed=5, levels=(3,))]
    assert a == b
    assert a != c


def test_private_precision_leaves_global_mpmath_alone():
    before = mpmath.mp.dps
    _records("geometry_triangle", 2, 2)
    assert mpmath.mp.dps == before


def test_question_states_the_quantity_and_the_answer_form():
    for name in NAMES:
        for rec in _records(name, 3, 4):
            text = rec.messages[0].content
            question = text[: text.index(ANSWER_FORM)]
            assert question.count("?") == 1
            asked = question[question.rindex(".") + 1:]
            for eid in rec.params["measure"]["args"]:
                assert eid in asked
            if rec.params["measure"]["kind"] == "angle":
                assert rec.params["measure"]["unit"] in asked
            # every stated length and angle appears in the text (side counts appear as "pentagon", ...)
            lengths, angles = given_numbers(rec.params["program"])
            for k in lengths + angles:
                assert re.search(rf"\b{k}\b", question), (k, question)


# ---------------------------------------------------------------- pipeline pieces
def test_non_invariant_program_is_rejected():
    program = [cmd("free_point", out=["A"]), cmd("free_point", out=["B"]), cmd("midpoint", ["A", "B"], out=["C"])]
    with pytest.raises(ConstructionRejected):
        validated_value(program, {"kind": "distance", "args": ["A", "C"], "unit": None}, random.Random(1))


def test_invariant_program_is_accepted_and_matches_canonical():
    program = seg(d=7) + [cmd("rotate", ["B", "A"], [60], ["C"]), cmd("midpoint", ["B", "C"], out=["D"])]
    measure = {"kind": "distance", "args": ["A", "D"], "unit": None}
    v = validated_value(program, measure, random.Random(2))
    canonical = canonical_value(program, measure)
    assert v.mid() == canonical.mid() and v.rad() == canonical.rad()
    assert v.rad() < 1e-35
    assert float(v) == pytest.approx(7 * math.sqrt(3) / 2, rel=1e-15)


@pytest.mark.parametrize("case", range(len(KNOWN)))
def test_arb_validation_evaluator_encloses_the_mpmath_value(case):
    """validated_value checks the other instantiations in arb balls: same evaluator, same numbers, so each
    ball must contain the 40-digit mpmath value at that instantiation and be narrow."""
    import flint

    program, measure, _ = KNOWN[case]
    before = flint.ctx.prec
    mp_value = measure_value(MPContext(), measure, evaluate(MPContext(), Instance(random.Random(11)), program))
    with arb_precision() as actx:
        ball = measure_value(actx, measure, evaluate(actx, Instance(random.Random(11)), program))
        assert ball.contains(actx.from_mpf(mp_value))
        assert ball.rad() < 1e-30
    assert flint.ctx.prec == before


def test_degenerate_configurations_raise():
    ctx = MPContext()
    parallel = seg() + [cmd("line", ["A", "B"], out=["AB"]), cmd("rotate", ["B", "A"], [90], ["C"]),
                        cmd("parallel_line", ["C", "AB"], out=["l1"]), cmd("intersect_lines", ["AB", "l1"], out=["D"])]
    tangent = seg() + [cmd("circle_center_radius", ["A"], [3], ["c1"]), cmd("circle_center_radius", ["B"], [3], ["c2"]),
                       cmd("intersect_circles", ["c1", "c2"], out=["D"], pick=["near", "A"])]
    far = seg(d=10) + [cmd("circle_center_radius", ["A"], [3], ["c1"]), cmd("line", ["A", "B"], out=["AB"]),
                       cmd("perp_line", ["B", "AB"], out=["l1"]),
                       cmd("intersect_line_circle", ["l1", "c1"], out=["D"], pick=["near", "A"])]
    for program in (parallel, tangent, far):
        with pytest.raises(Degenerate):
            evaluate(ctx, Instance(random.Random(0)), program)
        with pytest.raises(Degenerate):
            evaluate_complex(ctx, Instance(random.Random(0)), program)


def test_ambiguous_choice_is_degenerate():
    # the two meeting points are symmetric about line AB, so "closer to B" is a tie
    program = seg(d=6) + [cmd("circle_center_radius", ["A"], [5], ["c1"]), cmd("circle_center_radius", ["B"], [5], ["c2"]),
                          cmd("intersect_circles", ["c1", "c2"], out=["P"], pick=["near", "B"])]
    for ev in (evaluate, evaluate_complex):
        with pytest.raises(Degenerate):
            ev(MPContext(), Instance(random.Random(0)), program)


def test_rounding_boundary_and_stated_numbers_are_refused():
    ctx = MPContext()
    program = seg(d=7)
    measure = {"kind": "distance", "args": ["A", "B"], "unit": None}
    assert answer_problems(program, measure, ctx.num(7)) == "answer repeats a stated length"
    assert answer_problems(program, measure, ctx.num("3.125")) == "too close to a rounding boundary"
    assert answer_problems(program, measure, ctx.num("3.1250000000001")) == "too close to a rounding boundary"
    assert answer_problems(program, measure, ctx.num("3.13")) is None
    assert answer_problems(program, measure, ctx.num("0.01")) == "value out of range"


def test_decoration_is_detected():
    # an angle inside a regular hexagon does not depend on where the hexagon's centre came from
    program = seg(d=5) + [cmd("midpoint", ["A", "B"], out=["C"]),
                          cmd("regular_polygon_vertex", ["C", "B"], [6], ["p1", "D", "E", "F", "G", "H"])]
    angle = {"kind": "angle", "args": ["B", "D", "E"], "unit": "degrees"}
    assert irrelevant_command(program, angle, random.Random(0)) == 2  # the midpoint is decoration
    distance = {"kind": "distance", "args": ["A", "E"], "unit": None}
    assert irrelevant_command(program, distance, random.Random(0)) is None


def test_prune_keeps_only_ancestors_and_relabels():
    raw = [cmd("free_point", out=["e0"]), cmd("point_at_distance", ["e0"], [5], ["e1"]),
           cmd("midpoint", ["e0", "e1"], out=["e2"]), cmd("rotate", ["e1", "e0"], [30], ["e3"]),
           cmd("line", ["e2", "e3"], out=["e4"]), cmd("reflect_line", ["e0", "e4"], out=["e5"]),
           cmd("circle_center_radius", ["e2"], [3], ["e6"])]
    program, measure = prune_and_relabel(raw, {"kind": "distance", "args": ["e5", "e1"], "unit": None})
    assert [c["op"] for c in program] == ["free_point", "point_at_distance", "midpoint", "rotate", "line", "reflect_line"]
    assert program[4]["out"] == ["CD"] and program[5]["args"] == ["A", "CD"]
    assert measure["args"] == ["E", "B"]
    assert construction_length(program) == 5


def test_check_uses_other_instantiations_than_solve():
    program = seg(d=5)
    measure = {"kind": "distance", "args": ["A", "B"], "unit": None}
    ctx = FloatContext()
    solved = evaluate(ctx, canonical_instance(program, measure), program)["A"]
    # the checker draws its instantiations from a differently salted seed
    checked = evaluate_complex(
        ctx, Instance(random.Random(derive_seed("geometry-construct-check", program_key(program, measure), 0))), program
    )["A"]
    assert abs(complex(*solved) - checked) > 1e-6


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("level", sorted(BANDS))
def test_solve_agrees_with_check_200(name, level):
    recs = _records(name, level, 200, seed=2025)
    lo, hi = BANDS[level]
    assert len(recs) == 200
    assert all(lo <= r.params["length"] <= hi and ANSWER.match(r.answer) for r in recs)

