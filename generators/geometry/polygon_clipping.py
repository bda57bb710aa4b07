"""Faces of a regular polygon cut by diagonals, found by repeated convex splitting (the ``check`` side of
the polygon region families; independent of the half-edge tracing in ``polygon_arrangement``).

A diagonal's segment is exactly the part of its line inside the (convex) polygon, so cutting every current
face by the full line of each diagonal in turn yields the faces of the arrangement. Faces stay convex.
Points carry 60-digit coordinates (arb balls, python-flint); the side of a point relative to a line is
read from a float estimate when that is clearly non-zero (|value| > 1e-9) and recomputed from the balls
otherwise (zero when certainly below 1e-30). A face's corners are its points after dropping near-duplicates and points on a straight angle.
"""
from __future__ import annotations

from collections.abc import Iterable

import mpmath
from flint import arb, fmpq

from generators.geometry.construct_numbers import arb_precision
from generators.geometry.polygon_common import PRECISION_DIGITS, Chord

_FLOAT_SAFE = 1e-9

Point = tuple  # (arb x, arb y, float x, float y)


def _point(x, y) -> Point:
    return (x, y, float(x), float(y))


def _orient_mp(a: Point, b: Point, c: Point):
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _side(a: Point, b: Point, c: Point, tol) -> int:
    est = (b[2] - a[2]) * (c[3] - a[3]) - (b[3] - a[3]) * (c[2] - a[2])
    if est > _FLOAT_SAFE:
        return 1
    if est < -_FLOAT_SAFE:
        return -1
    exact = _orient_mp(a, b, c)
    return 0 if abs(exact) < tol else (1 if exact > 0 else -1)


def _split(face: list[Point], a: Point, b: Point, tol) -> list[list[Point]]:
    signs = [_side(a, b, p, tol) for p in face]
    if min(signs) >= 0 or max(signs) <= 0:
        return [face]
    left: list[Point] = []
    right: list[Point] = []
    count = len(face)
    for i in range(count):
        p, q = face[i], face[(i + 1) % count]
        sp, sq = signs[i], signs[(i + 1) % count]
        if sp >= 0:
            left.append(p)
        if sp <= 0:
            right.append(p)
        if sp * sq < 0:
            op, oq = _orient_mp(a, b, p), _orient_mp(a, b, q)
            t = op / (op - oq)
            crossing = _point(p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1]))
            left.append(crossing)
            right.append(crossing)
    return [left, right]


def _corners(face: list[Point], tol) -> int:
    pts: list[Point] = []
    for p in face:  # drop consecutive near-duplicates
        if not pts or abs(p[0] - pts[-1][0]) >= tol or abs(p[1] - pts[-1][1]) >= tol:
            pts.append(p)
    while len(pts) > 1 and abs(pts[0][0] - pts[-1][0]) < tol and abs(pts[0][1] - pts[-1][1]) < tol:
        pts.pop()
    count = len(pts)
    return sum(1 for i in range(count) if abs(_orient_mp(pts[i - 1], pts[i], pts[(i + 1) % count])) >= tol)


def _vertex(k: int, n: int) -> Point:
    """Vertex ``k`` of the unit regular n-gon (angle 2*pi*(k-1)/n) at the current arb precision."""
    sin, cos = arb.sin_cos_pi_fmpq(fmpq(2 * (k - 1), n))
    return _point(cos, sin)


def face_corner_counts(n: int, diagonals: Iterable[Chord]) -> list[int]:
    """Number of corners of every face of the n-gon cut by ``diagonals`` (duplicates ignored)."""
    with arb_precision(mpmath.libmp.dps_to_prec(PRECISION_DIGITS)):
        tol = arb(10) ** -30
        verts = [_vertex(k, n) for k in range(1, n + 1)]
        faces = [verts]
        for i, j in sorted(set(diagonals)):
            a, b = verts[i - 1], verts[j - 1]
            faces = [part for face in faces for part in _split(face, a, b, tol)]
        return sorted(_corners(face, tol) for face in faces)
