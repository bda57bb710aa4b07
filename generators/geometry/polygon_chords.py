"""geometry_polygon_chords: crossing points and regions formed by a given set of diagonals of a regular polygon.

OMEGA lists an HF config of this name whose generator is not in the original repository (its CLI name
produced the perpendicular-diagonal problems), so this family is our own design in the same spirit:

* a regular n-gon with vertices 1..n counter-clockwise and k distinct diagonals drawn;
* the question asks either for the number of distinct points strictly inside the polygon where two or more
  drawn diagonals cross, or for the number of regions into which the drawn diagonals cut the polygon;
* the trap is concurrency: in a regular polygon three or more diagonals often pass through one point (all
  diameters of an even polygon meet at the centre, and many other triples are concurrent), so counting
  crossing pairs, or using the general-position formula 1 + k + (crossing pairs), over-counts. When n is
  even, 40% of the instances include two or three diameters to make this common.

solve: the 60-digit coordinate arrangement, traced face by face (``polygon_arrangement``).
check: label interleaving for crossings and Ceva's sine condition for concurrency, then
regions = 1 + k + sum over points of (m - 1) (``polygon_concurrency``).

Levels: n in [6,8], [8,10], [10,12], [12,14], [14,16] with k = 3-4, 5-6, 7-8, 9-10, 11-12 diagonals.

Ladder: level L+1 has a larger polygon and more diagonals, so more crossings and regions to trace (the test's
proxy: diagonals x n).
"""
from __future__ import annotations

import random

from generators.family import Family, Problem
from generators.geometry.polygon_arrangement import build_arrangement
from generators.geometry.polygon_common import (
    all_diagonals,
    chords_from_params,
    chords_to_params,
    format_chords,
)
from generators.geometry.polygon_concurrency import point_multiplicities, region_count
from generators.instance_key import canonical_chords, params_key
from generators.registration import register_family

DIAMETER_PROBABILITY = 0.4

_SETUP = (
    "A regular {n}-gon has its vertices labelled 1 to {n} in counter-clockwise order, and the following {k} "
    "diagonals are drawn: {chords}. "
)
_ASK = {
    "points": (
        "How many distinct points strictly inside the polygon lie on two or more of the drawn diagonals? "
        "(A point where several diagonals cross is counted once.) Give the answer as an integer.",
        "Count the crossing points of the drawn diagonals in the interior of the polygon, counting a point "
        "through which three or more diagonals pass only once. Answer with an integer.",
    ),
    "regions": (
        "Into how many regions do the drawn diagonals divide the interior of the polygon? Give the answer as "
        "an integer.",
        "The drawn diagonals cut the polygon into pieces. How many pieces are there? Answer with an integer.",
    ),
}


@register_family
class GeometryPolygonChords(Family):
    name = "geometry_polygon_chords"
    domain = "geometry"
    description = "Distinct crossing points or regions made by diagonals of a regular polygon (concurrency counted exactly)"
    answer_type = "int"
    levels = {
        1: {"polygon_n": (6, 8), "diagonals": (3, 4)},
        2: {"polygon_n": (8, 10), "diagonals": (5, 6)},
        3: {"polygon_n": (10, 12), "diagonals": (7, 8)},
        4: {"polygon_n": (12, 14), "diagonals": (9, 10)},
        5: {"polygon_n": (14, 16), "diagonals": (11, 12)},
    }

    def generate(self, rng: random.Random, level: int) -> Problem:
        knobs = self.levels[level]
        n = rng.randint(*knobs["polygon_n"])
        k = rng.randint(*knobs["diagonals"])
        pool = all_diagonals(n)
        chosen: list[tuple[int, int]] = []
        if n % 2 == 0 and rng.random() < DIAMETER_PROBABILITY:
            diameters = [(i, i + n // 2) for i in range(1, n // 2 + 1)]
            chosen = rng.sample(diameters, min(len(diameters), rng.randint(2, 3)))
        rest = [c for c in pool if c not in chosen]
        chosen += rng.sample(rest, k - len(chosen))
        chords = sorted(chosen)
        ask = rng.choice(sorted(_ASK))
        question = _SETUP.format(n=n, k=k, chords=format_chords(chords)) + rng.choice(_ASK[ask])
        return Problem(question=question, params={"n": n, "diagonals": chords_to_params(chords), "ask": ask})

    def instance_key(self, params: dict) -> str:
        """The drawn diagonals up to a rotation or reflection of the polygon (a relabelling of its vertices)."""
        return params_key(params, diagonals=canonical_chords(params["n"], params["diagonals"]))

    def solve(self, params: dict) -> int:
        arrangement = build_arrangement(params["n"], chords_from_params(params["diagonals"]))
        if params["ask"] == "points":
            return len(arrangement.interior_points)
        return len(arrangement.face_sides)

    def check(self, params: dict, answer: int) -> bool:
        n, chords = params["n"], chords_from_params(params["diagonals"])
        if params["ask"] == "points":
            expected = len(point_multiplicities(n, chords))
        else:
            expected = region_count(n, chords)
        return isinstance(answer, int) and expected == answer
