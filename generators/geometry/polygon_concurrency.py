"""Interior crossing points of polygon diagonals from labels and trigonometry alone (no coordinates): the
``check`` side for point and region counts.

Crossing: two diagonals cross inside the polygon exactly when their endpoints interleave. Concurrency:
three pairwise crossing chords of a circle have endpoints a1 < ... < a6 around it, joined as a1-a4, a2-a5,
a3-a6, and (Ceva's theorem for a cyclic hexagon) they pass through one point exactly when
|a1a2| * |a3a4| * |a5a6| = |a2a3| * |a4a5| * |a6a1|. For a regular n-gon the chord spanning d steps has
length 2 sin(pi d / n), so the test compares two products of sines (60 digits, tolerance 1e-30).
Crossing pairs joined by concurrent triples form one point each; a point where m diagonals meet adds
m - 1 regions, so the diagonals cut the polygon into 1 + D + sum(m - 1) regions (D distinct diagonals).
"""
from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

import mpmath

from generators.geometry.polygon_common import PRECISION_DIGITS, Chord, cross_inside


def point_multiplicities(n: int, diagonals: Iterable[Chord]) -> list[int]:
    """For every distinct interior crossing point, the number of diagonals through it (sorted)."""
    diags = sorted(set(diagonals))
    pairs = [(a, b) for a, b in combinations(range(len(diags)), 2) if cross_inside(diags[a], diags[b])]
    pair_index = {p: k for k, p in enumerate(pairs)}
    parent = list(range(len(pairs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    with mpmath.workdps(PRECISION_DIGITS):
        tol = mpmath.mpf(10) ** -30
        sines = [mpmath.sin(mpmath.pi * d / n) for d in range(n + 1)]
        for a, b in pairs:
            for c in range(b + 1, len(diags)):
                if (a, c) not in pair_index or (b, c) not in pair_index:
                    continue
                q = sorted(diags[a] + diags[b] + diags[c])
                lhs = sines[q[1] - q[0]] * sines[q[3] - q[2]] * sines[q[5] - q[4]]
                rhs = sines[q[2] - q[1]] * sines[q[4] - q[3]] * sines[n - q[5] + q[0]]
                if abs(lhs - rhs) < tol:
                    root = find(pair_index[(a, b)])
                    parent[find(pair_index[(a, c)])] = root
                    parent[find(pair_index[(b, c)])] = root
    lines: dict[int, set[int]] = {}
    for k, (a, b) in enumerate(pairs):
        lines.setdefault(find(k), set()).update((a, b))
    return sorted(len(v) for v in lines.values())


def region_count(n: int, diagonals: Iterable[Chord]) -> int:
    """Regions into which the distinct diagonals cut the polygon: 1 + D + sum over points of (m - 1)."""
    diags = set(diagonals)
    return 1 + len(diags) + sum(m - 1 for m in point_multiplicities(n, diags))
