"""geometry_perpendicular_intersection: pairs of drawn diagonals of a regular polygon that are perpendicular
AND actually meet (inside the polygon, or at a shared vertex on its boundary).

OMEGA weak point #11: the original tested whether the segments meet with a range of +-1e4 instead of
+-1e-4, so perpendicular diagonals whose lines meet only outside the polygon were counted too.

solve: exact combinatorics on the vertex labels - perpendicular iff n is even and
(i + j) - (k + l) = n/2 (mod n); meeting iff the chords share a vertex or their endpoints interleave.
check: 60-digit mpmath coordinates - a dot product of the direction vectors below 1e-30 in size, and a
segment intersection test by orientation signs.

Levels follow OMEGA: 6-7, 8-9, 10-11, 12-13, 14-15 diagonals; n even in [6, 14] and large enough to have
that many diagonals. OMEGA kept an odd n 5% of the time; an odd polygon has no perpendicular diagonals, so
those items were a free "0" (issue 16) and are never drawn now.

Ladder: level L+1 draws more diagonals (k), so there are more pairs to test (k(k-1)/2 grows); that is the
test's proxy.
"""
from __future__ import annotations

import random
from itertools import combinations

import mpmath

from generators.family import Family, Problem, Reject
from generators.geometry.polygon_common import (
    PRECISION_DIGITS,
    Chord,
    chords_from_params,
    chords_to_params,
    cross_inside,
    format_chords,
    perpendicular_by_labels,
    sample_diagonals,
    share_endpoint,
    vertex_point,
)
from generators.instance_key import canonical_chords, params_key
from generators.registration import register_family

_TOL = mpmath.mpf(10) ** -30

_QUESTIONS = (
    "A regular {n}-gon has its vertices labelled 1 to {n} in counter-clockwise order. The following {k} "
    "diagonals are drawn: {chords}. How many unordered pairs of these diagonals are perpendicular to each "
    "other and actually meet, either at a point inside the polygon or at a common endpoint on its boundary? "
    "Pairs whose lines would only meet outside the polygon do not count. Give the answer as an integer.",
    "Label the vertices of a regular {n}-gon 1, 2, ..., {n} going counter-clockwise and draw these {k} "
    "diagonals: {chords}. Count the pairs of drawn diagonals that meet at a right angle, where the two "
    "segments must really touch (crossing inside the polygon or sharing an endpoint). Answer with an integer.",
)


def count_perpendicular_meeting(chords: list[Chord], n: int) -> int:
    """Exact count from the labels alone."""
    return sum(
        1
        for a, b in combinations(chords, 2)
        if perpendicular_by_labels(a, b, n) and (share_endpoint(a, b) or cross_inside(a, b))
    )


def _orient(p, q, r):
    return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])


def _sign(x) -> int:
    return 0 if abs(x) < _TOL else (1 if x > 0 else -1)


def segments_meet(p1, p2, q1, q2) -> bool:
    """Closed segments p1p2 and q1q2 intersect (orientation test; touching counts)."""
    d1, d2 = _sign(_orient(q1, q2, p1)), _sign(_orient(q1, q2, p2))
    d3, d4 = _sign(_orient(p1, p2, q1)), _sign(_orient(p1, p2, q2))
    if d1 * d2 < 0 and d3 * d4 < 0:
        return True

    def on_segment(a, b, c) -> bool:  # c collinear with ab: is it within the box of ab?
        return min(a[0], b[0]) - _TOL <= c[0] <= max(a[0], b[0]) + _TOL and min(a[1], b[1]) - _TOL <= c[1] <= max(
            a[1], b[1]
        ) + _TOL

    return (
        (d1 == 0 and on_segment(q1, q2, p1))
        or (d2 == 0 and on_segment(q1, q2, p2))
        or (d3 == 0 and on_segment(p1, p2, q1))
        or (d4 == 0 and on_segment(p1, p2, q2))
    )


def count_by_coordinates(chords: list[Chord], n: int) -> int:
    with mpmath.workdps(PRECISION_DIGITS):
        pts = {k: vertex_point(k, n) for k in range(1, n + 1)}
        total = 0
        for a, b in combinations(chords, 2):
            pa, qa, pb, qb = pts[a[0]], pts[a[1]], pts[b[0]], pts[b[1]]
            dot = (qa[0] - pa[0]) * (qb[0] - pb[0]) + (qa[1] - pa[1]) * (qb[1] - pb[1])
            if abs(dot) < _TOL and segments_meet(pa, qa, pb, qb):
                total += 1
        return total


def _diagonal_count(n: int) -> int:
    return n * (n - 3) // 2


@register_family
class GeometryPerpendicularIntersection(Family):
    name = "geometry_perpendicular_intersection"
    domain = "geometry"
    description = "Count perpendicular pairs among drawn diagonals of a regular polygon that really meet"
    answer_type = "int"
    levels = {
        1: {"diagonals": (6, 7), "polygon_n": (6, 15)},
        2: {"diagonals": (8, 9), "polygon_n": (6, 15)},
        3: {"diagonals": (10, 11), "polygon_n": (6, 15)},
        4: {"diagonals": (12, 13), "polygon_n": (6, 15)},
        5: {"diagonals": (14, 15), "polygon_n": (6, 15)},
    }
    odd_keep_probability = 0.0  # issue 16: odd polygons always answer 0
    version = "2"

    def generate(self, rng: random.Random, level: int) -> Problem:
        knobs = self.levels[level]
        k = rng.randint(*knobs["diagonals"])
        sizes = [n for n in range(knobs["polygon_n"][0], knobs["polygon_n"][1] + 1) if _diagonal_count(n) >= k]
        n = rng.choice(sizes)
        if n % 2 == 1 and rng.random() >= self.odd_keep_probability:
            raise Reject("odd polygon (no perpendicular diagonals: the answer would be a free 0)")
        chords = sample_diagonals(rng, n, k)
        question = rng.choice(_QUESTIONS).format(n=n, k=k, chords=format_chords(chords))
        return Problem(question=question, params={"n": n, "diagonals": chords_to_params(chords)})

    def instance_key(self, params: dict) -> str:
        """The drawn diagonals up to a rotation or reflection of the polygon (a relabelling of its vertices)."""
        return params_key(params, diagonals=canonical_chords(params["n"], params["diagonals"]))

    def solve(self, params: dict) -> int:
        return count_perpendicular_meeting(chords_from_params(params["diagonals"]), params["n"])

    def check(self, params: dict, answer: int) -> bool:
        return isinstance(answer, int) and count_by_coordinates(chords_from_params(params["diagonals"]), params["n"]) == answer
