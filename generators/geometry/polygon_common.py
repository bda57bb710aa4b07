"""Shared pieces of the regular-polygon families: vertex labels, chords, exact chord combinatorics and
high-precision vertex coordinates.

Vertices of a regular n-gon are labelled 1..n counter-clockwise; vertex k sits at angle 2*pi*(k-1)/n on the
unit circle. A chord is a sorted pair ``[i, j]`` (i < j); a diagonal is a chord of non-adjacent vertices.
Exact facts used by several families:

* two chords cross in the polygon's interior exactly when their endpoints interleave around the circle;
* chord i-j points in direction pi*(i+j-2)/n + pi/2 (mod pi), so chords i-j and k-l are perpendicular
  exactly when n is even and (i + j) - (k + l) = n/2 (mod n).
"""
from __future__ import annotations

import random
from collections.abc import Iterable

import mpmath

PRECISION_DIGITS = 60  # working precision of every mpmath computation on polygon coordinates
Chord = tuple[int, int]


def chord(i: int, j: int) -> Chord:
    return (i, j) if i < j else (j, i)


def is_diagonal(c: Chord, n: int) -> bool:
    gap = (c[1] - c[0]) % n
    return gap not in (0, 1, n - 1)


def all_diagonals(n: int) -> list[Chord]:
    return [(i, j) for i in range(1, n + 1) for j in range(i + 2, n + 1) if not (i == 1 and j == n)]


def sample_diagonals(rng: random.Random, n: int, k: int) -> list[Chord]:
    """``k`` distinct diagonals of the n-gon, sorted."""
    pool = all_diagonals(n)
    if k > len(pool):
        raise ValueError(f"a {n}-gon has only {len(pool)} diagonals, {k} requested")
    return sorted(rng.sample(pool, k))


def rotate_chord(c: Chord, r: int, n: int) -> Chord:
    """The chord after turning the polygon by r vertices counter-clockwise (vertex i -> vertex i + r)."""
    return chord((c[0] - 1 + r) % n + 1, (c[1] - 1 + r) % n + 1)


def format_chords(chords: Iterable[Chord]) -> str:
    return ", ".join(f"{i}\u2013{j}" for i, j in chords)


def chords_to_params(chords: Iterable[Chord]) -> list[list[int]]:
    return [[i, j] for i, j in sorted(chords)]


def chords_from_params(raw: Iterable[Iterable[int]]) -> list[Chord]:
    return sorted(chord(int(c[0]), int(c[1])) for c in raw)


def share_endpoint(a: Chord, b: Chord) -> bool:
    return bool({a[0], a[1]} & {b[0], b[1]})


def cross_inside(a: Chord, b: Chord) -> bool:
    """Chords with four distinct endpoints cross inside the polygon iff exactly one endpoint of ``b`` lies
    strictly between the endpoints of ``a`` (labels increase counter-clockwise)."""
    if share_endpoint(a, b):
        return False
    lo, hi = a
    return (lo < b[0] < hi) != (lo < b[1] < hi)


def perpendicular_by_labels(a: Chord, b: Chord, n: int) -> bool:
    return n % 2 == 0 and ((a[0] + a[1]) - (b[0] + b[1])) % n == n // 2


def vertex_point(k: int, n: int) -> tuple[mpmath.mpf, mpmath.mpf]:
    """Coordinates of vertex ``k`` at the current mpmath precision (call inside ``mpmath.workdps``)."""
    angle = 2 * mpmath.pi * (k - 1) / n
    return mpmath.cos(angle), mpmath.sin(angle)
