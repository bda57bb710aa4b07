"""Regular-polygon geometry families: hand-computed cases, OMEGA weak-point regressions, many items."""
from __future__ import annotations

import random
from itertools import combinations

import pytest

from generators import registry
from generators.geometry.perpendicular_intersection import count_by_coordinates, count_perpendicular_meeting
from generators.geometry.polygon_arrangement import build_arrangement
from generators.geometry.polygon_clipping import face_corner_counts
from generators.geometry.polygon_color import answer_by_masks, count_completions, fits, landed
from generators.geometry.polygon_concurrency import point_multiplicities, region_count
from generators.geometry.polygon_common import (
    all_diagonals,
    cross_inside,
    perpendicular_by_labels,
    rotate_chord,
)
from generators.settings import make_record


def _items(name: str, level: int, count: int, seed: int = 99):
    fam = registry.get_family(name)
    seen: set[str] = set()
    return [
        make_record(fam, setting_key=name, setting_name=name, axis=fam.axis, split="test", level=level,
                    seed=seed, index=i, seen=seen)
        for i in range(count)
    ]


# ---------------------------------------------------------------- shared chord combinatorics

def test_chord_combinatorics_basics():
    assert len(all_diagonals(6)) == 9 and len(all_diagonals(10)) == 35
    assert cross_inside((1, 4), (2, 6)) and not cross_inside((1, 4), (5, 7)) and not cross_inside((1, 4), (4, 6))
    assert rotate_chord((2, 5), 3, 6) == (2, 5) and rotate_chord((1, 3), 1, 6) == (2, 4)
    assert rotate_chord((4, 6), 2, 6) == (2, 6)  # 6 -> 8 wraps to 2
    # in a square-like case: 8-gon, 1-5 (a diameter) is perpendicular to 3-7
    assert perpendicular_by_labels((1, 5), (3, 7), 8) and not perpendicular_by_labels((1, 5), (2, 6), 8)
    assert not perpendicular_by_labels((1, 3), (2, 4), 7)  # odd polygons have no perpendicular diagonals


# ---------------------------------------------------------------- geometry_perpendicular_intersection

def test_perpendicular_diagonals_must_meet_regression():
    """OMEGA weak point #11: perpendicular diagonals that do not touch must not be counted."""
    fam = registry.get_family("geometry_perpendicular_intersection")
    # 12-gon: 1-3 points at 120 degrees, 4-6 at 30 degrees - perpendicular, but the segments are disjoint
    params = {"n": 12, "diagonals": [[1, 3], [4, 6]]}
    assert perpendicular_by_labels((1, 3), (4, 6), 12)
    assert fam.solve(params) == 0 and fam.check(params, 0) and not fam.check(params, 1)
    # adding 2-8 (parallel to 4-6, crossing 1-3 inside the polygon) gives exactly one meeting pair
    params = {"n": 12, "diagonals": [[1, 3], [2, 8], [4, 6]]}
    assert fam.solve(params) == 1 and fam.check(params, 1) and not fam.check(params, 2)


def test_perpendicular_shared_endpoint_counts():
    fam = registry.get_family("geometry_perpendicular_intersection")
    # 8-gon: 1-3 and 3-5 meet at vertex 3 at a right angle (1 and 5 are opposite: Thales)
    params = {"n": 8, "diagonals": [[1, 3], [3, 5]]}
    assert fam.solve(params) == 1 and fam.check(params, 1)
    # a square inscribed in an 8-gon: 1-3, 3-5, 5-7, 1-7 -> 4 right angles at shared corners;
    # the diameters 1-5 and 3-7 are perpendicular and cross at the centre -> 1 more
    params = {"n": 8, "diagonals": [[1, 3], [3, 5], [5, 7], [1, 7], [1, 5], [3, 7]]}
    assert fam.solve(params) == 5 and fam.check(params, 5)


def test_perpendicular_labels_match_coordinates_on_all_pairs():
    for n in (6, 8, 10, 12):
        diags = all_diagonals(n)
        for a, b in combinations(diags, 2):
            assert count_perpendicular_meeting([a, b], n) == count_by_coordinates([a, b], n), (n, a, b)


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_perpendicular_200_items_per_level(level):
    fam = registry.get_family("geometry_perpendicular_intersection")
    lo, hi = fam.levels[level]["diagonals"]
    recs = _items("geometry_perpendicular_intersection", level, 200)
    for r in recs:
        n, diags = r.params["n"], r.params["diagonals"]
        assert lo <= len(diags) <= hi and 6 <= n <= 15
        assert len({tuple(d) for d in diags}) == len(diags)
        assert all(2 <= (d[1] - d[0]) <= n - 2 for d in diags)  # real diagonals, not sides
    odd = sum(r.params["n"] % 2 for r in recs)
    assert odd == 0  # issue 16 regression: an odd polygon has no perpendicular diagonals (a free "0")
    assert len({r.answer for r in recs}) >= 4


# ---------------------------------------------------------------- arrangement machinery (three methods)

# OEIS A007678 (regions) and A006561 (interior intersection points) for all diagonals of a regular n-gon
ALL_DIAGONAL_REGIONS = {5: 11, 6: 24, 7: 50, 8: 80, 9: 154, 10: 220}
ALL_DIAGONAL_POINTS = {5: 5, 6: 13, 7: 35, 8: 49, 9: 126, 10: 161}


@pytest.mark.parametrize("n", sorted(ALL_DIAGONAL_REGIONS))
def test_all_diagonals_match_known_region_and_point_counts(n):
    diags = all_diagonals(n)
    arr = build_arrangement(n, diags)
    assert len(arr.face_sides) == ALL_DIAGONAL_REGIONS[n] == region_count(n, diags)
    assert sorted(arr.face_sides) == face_corner_counts(n, diags)
    assert len(arr.interior_points) == ALL_DIAGONAL_POINTS[n] == len(point_multiplicities(n, diags))
    assert arr.interior_points == point_multiplicities(n, diags)


def test_arrangement_methods_agree_on_random_diagonal_sets():
    rng = random.Random(4)
    for _ in range(40):
        n = rng.randint(5, 16)
        diags = rng.sample(all_diagonals(n), rng.randint(1, min(10, len(all_diagonals(n)))))
        arr = build_arrangement(n, diags)
        assert sorted(arr.face_sides) == face_corner_counts(n, diags)
        assert len(arr.face_sides) == region_count(n, diags)
        assert arr.interior_points == point_multiplicities(n, diags)


# ---------------------------------------------------------------- geometry_polygon_rotation

def test_polygon_rotation_exact_arrangement_regression():
    """OMEGA weak point #14: regions come from the exact arrangement, not from a raster image."""
    fam = registry.get_family("geometry_polygon_rotation")
    # hexagon, 1-4 and 2-5 turned by 2 positions adds 3-6 (1-4 maps onto 3-6, 2-5 onto 4-1): three
    # diameters through the centre give 6 triangles and no tiny central triangle
    params = {"n": 6, "diagonals": [[1, 4], [2, 5]], "r": 2, "s": 3}
    assert fam.solve(params) == 6 and fam.check(params, 6) and not fam.check(params, 7)
    # hexagon, 1-3 turned by 2 gives 3-5: triangles 1-2-3 and 3-4-5 and the quadrilateral 1-3-5-6
    params = {"n": 6, "diagonals": [[1, 3]], "r": 2, "s": 3}
    assert fam.solve(params) == 2 and fam.check(params, 2)
    assert fam.solve({**params, "s": 4}) == 1 and fam.solve({**params, "s": 5}) == 0
    # a diameter turned by half a turn lands on itself: drawn once, two quadrilaterals
    params = {"n": 6, "diagonals": [[1, 4]], "r": 3, "s": 4}
    assert fam.solve(params) == 2 and fam.check(params, 2)
    # a square 1-3-5-7 inside an octagon turned by 1 position gives the 8-pointed star {8/2}:
    # 8 corner triangles, 8 star-tip triangles, a central octagon (and 8 side triangles 1-2-3 etc.)
    params = {"n": 8, "diagonals": [[1, 3], [3, 5], [5, 7], [1, 7]], "r": 1, "s": 8}
    assert fam.solve(params) == 1 and fam.check(params, 1)
    assert fam.solve({**params, "s": 3}) == 16


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_polygon_rotation_items_per_level(level):
    fam = registry.get_family("geometry_polygon_rotation")
    recs = _items("geometry_polygon_rotation", level, 40)
    for r in recs:
        p = r.params
        n_lo, n_hi = fam.levels[level]["polygon_n"]
        assert len(p["diagonals"]) == fam.levels[level]["diagonals"][0] and n_lo <= p["n"] <= n_hi
        assert 1 <= p["r"] < p["n"] and r.answer >= 1  # s is always a side count that occurs


@pytest.mark.slow
@pytest.mark.parametrize("level", [1, 2, 3, 4, 5, 6])
def test_polygon_rotation_200_items_per_level(level):
    assert len(_items("geometry_polygon_rotation", level, 200)) == 200


def test_polygon_rotation_level_6_quick():
    recs = _items("geometry_polygon_rotation", 6, 8)
    assert all(20 <= r.params["n"] <= 24 and 7 <= len(r.params["diagonals"]) <= 12 for r in recs)


# ---------------------------------------------------------------- geometry_polygon_chords

def test_polygon_chords_hand_computed_cases():
    fam = registry.get_family("geometry_polygon_chords")
    three_diameters = {"n": 6, "diagonals": [[1, 4], [2, 5], [3, 6]]}
    # all three meet at the centre: one point (not three crossing pairs), six regions (not 7)
    assert fam.solve({**three_diameters, "ask": "points"}) == 1
    assert fam.solve({**three_diameters, "ask": "regions"}) == 6
    assert fam.check({**three_diameters, "ask": "regions"}, 6)
    assert not fam.check({**three_diameters, "ask": "regions"}, 7)
    assert not fam.check({**three_diameters, "ask": "points"}, 3)
    # diagonals that only share a vertex do not cross inside: 0 points, 3 regions
    fan = {"n": 6, "diagonals": [[1, 3], [1, 4]]}
    assert fam.solve({**fan, "ask": "points"}) == 0 and fam.solve({**fan, "ask": "regions"}) == 3
    # the pentagram: all 5 diagonals of a pentagon give 5 points and 11 regions
    star = {"n": 5, "diagonals": [list(d) for d in all_diagonals(5)]}
    assert fam.solve({**star, "ask": "points"}) == 5 and fam.solve({**star, "ask": "regions"}) == 11
    # 12-gon: 1-4, 2-6, 3-11 are not diameters yet pass through one point (confirmed exactly below)
    triple = {"n": 12, "diagonals": [[1, 4], [2, 6], [3, 11]]}
    assert fam.solve({**triple, "ask": "points"}) == 1 and fam.check({**triple, "ask": "points"}, 1)
    assert fam.solve({**triple, "ask": "regions"}) == 6 and fam.check({**triple, "ask": "regions"}, 6)


def test_concurrent_triple_in_12_gon_is_exact():
    """Exact sympy geometry (12-gon coordinates lie in Q(sqrt 3)) confirms the concurrency found numerically."""
    import sympy

    def vertex(k):
        angle = 2 * sympy.pi * (k - 1) / 12
        return sympy.Point(sympy.cos(angle), sympy.sin(angle))

    l1 = sympy.Line(vertex(1), vertex(4))
    l2 = sympy.Line(vertex(2), vertex(6))
    l3 = sympy.Line(vertex(3), vertex(11))
    (meet,) = l1.intersection(l2)
    assert sympy.simplify(l3.distance(meet)) == 0
    assert point_multiplicities(12, [(1, 4), (2, 6), (3, 11)]) == [3]
    # a non-concurrent triple of pairwise crossing diagonals for contrast
    assert point_multiplicities(12, [(1, 5), (2, 7), (3, 9)]) == [2, 2, 2]


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_polygon_chords_200_items_per_level(level):
    fam = registry.get_family("geometry_polygon_chords")
    knobs = fam.levels[level]
    recs = _items("geometry_polygon_chords", level, 200)
    assert {r.params["ask"] for r in recs} == {"points", "regions"}
    for r in recs:
        p = r.params
        assert knobs["polygon_n"][0] <= p["n"] <= knobs["polygon_n"][1]
        assert knobs["diagonals"][0] <= len(p["diagonals"]) <= knobs["diagonals"][1]
        if p["ask"] == "regions":
            assert r.answer >= len(p["diagonals"]) + 1
    # concurrency (3+ diagonals through one point) really occurs at every level
    assert any(max(point_multiplicities(r.params["n"], [tuple(d) for d in r.params["diagonals"]]) or [0]) >= 3
               for r in recs)


# ---------------------------------------------------------------- geometry_polygon_color

def test_polygon_color_aime_octagon_count():
    """AIME 2024 I #11: 115 of the 256 red/blue octagon colourings can be rotated so that every blue vertex
    lands on an originally red position."""
    import itertools

    total = sum(fits(list(c), "blue") for c in itertools.product(("red", "blue"), repeat=8))
    assert total == 115
    by_masks = 0
    for c in itertools.product(("red", "blue"), repeat=8):
        # as a 'complete' instance with no holes the mask check counts 8 identical completions or none
        colours = list(c)
        by_masks += answer_by_masks({"variant": "complete", "colours": colours, "colour": "blue"}) // 8
    assert by_masks == 115


def test_polygon_color_hand_computed_cases():
    fam = registry.get_family("geometry_polygon_color")
    alt = ["red", "blue"] * 3
    assert landed(alt, 1, "red") == 3 and landed(alt, 2, "red") == 0
    assert fam.solve({"variant": "after", "colours": alt, "colour": "red", "r": 1}) == 3
    assert fam.solve({"variant": "best", "colours": alt, "colour": "red"}) == 3
    # red at 1 and 2 of a hexagon: a rotation by 1 moves them to 2 and 3 -> only the vertex from 2 lands on
    # blue (3); rotation by 2 -> both land on blue
    two = ["red", "red", "blue", "blue", "blue", "blue"]
    params = {"variant": "after", "colours": two, "colour": "red", "r": 1}
    assert fam.solve(params) == 1 and fam.check(params, 1) and not fam.check(params, 2)
    assert fam.solve({"variant": "best", "colours": two, "colour": "red"}) == 2
    # completions: hexagon red, blue, blue, ?, ?, ?  (x = red, 0-based positions). The reds R fit iff some
    # shift r in 1..5 avoids every difference of R: R = {0}, {0,3}, {0,4}, {0,5}, {0,4,5} (shift 3) fit;
    # {0,3,4} and {0,3,5} cover all differences; {0,3,4,5} has more reds than blues. So 5 of 8.
    holes = ["red", "blue", "blue", "uncoloured", "uncoloured", "uncoloured"]
    assert count_completions(holes, "red") == 5
    assert fam.check({"variant": "complete", "colours": holes, "colour": "red"}, 5)
    assert not fam.check({"variant": "complete", "colours": holes, "colour": "red"}, 6)


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_polygon_color_200_items_per_level(level):
    lo, hi = registry.get_family("geometry_polygon_color").levels[level]["polygon_n"]
    recs = _items("geometry_polygon_color", level, 200)
    assert {r.params["variant"] for r in recs} == {"complete", "after", "best"}
    for r in recs:
        p = r.params
        assert lo <= len(p["colours"]) <= hi
        assert "counter-clockwise" in r.question and "position i + r" in r.question
        if p["variant"] == "complete":
            assert p["colours"].count("uncoloured") == 3 and 0 <= r.answer <= 8
        else:
            assert 0 <= r.answer <= p["colours"].count(p["colour"])


# ---------------------------------------------------------------- all polygon families

POLYGON_FAMILIES = ["geometry_perpendicular_intersection", "geometry_polygon_rotation", "geometry_polygon_chords",
                    "geometry_polygon_color"]


@pytest.mark.parametrize("name", POLYGON_FAMILIES)
def test_polygon_families_are_deterministic_and_leave_global_random_alone(name):
    random.seed(123)
    expected = random.random()
    random.seed(123)
    top = registry.get_family(name).level_range[-1]
    a = [r.to_json() for r in _items(name, top, 4, seed=1)]
    assert random.random() == expected
    b = [r.to_json() for r in _items(name, top, 4, seed=1)]
    c = [r.to_json() for r in _items(name, top, 4, seed=2)]
    assert a == b and a != c
