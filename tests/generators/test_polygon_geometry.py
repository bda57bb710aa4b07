"""Regular-polygon geometry families: hand-computed cases, OMEGA weak-point regressions, many items."""
from __future__ import annotations

import random
from itertools import combinations

import pytest

from generators import registry
from generators.geometry.perpendicular_intersection import count_by_coordinates, count_perpendicular_meeting
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
    assert odd <= 40  # odd polygons are rare by design
    assert len({r.answer for r in recs}) >= 4
