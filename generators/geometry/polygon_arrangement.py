"""The planar arrangement of diagonals inside a regular polygon, built from coordinates and traced face by
face (the ``solve`` side of the polygon region families).

Construction at 60 significant digits (arb balls, python-flint; a comparison holds only when it is
certain): every pair of diagonals is intersected as two segments; crossings strictly inside both segments
become interior points, and points closer than 1e-30 are merged (concurrent diagonals). Each diagonal is cut at its interior points, the polygon sides join consecutive
vertices, and the faces are traced with half-edges (at every node the outgoing edges are ordered by angle;
after arriving along u->v the walk leaves v along the edge just clockwise of v->u, which keeps the face on
the left). A face's number of sides is the number of changes of supporting line around its boundary, so
collinear boundary pieces always merge into one side.
"""
from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import mpmath
from flint import arb, fmpq

from generators.geometry.construct_numbers import arb_precision
from generators.geometry.polygon_common import PRECISION_DIGITS, Chord

MERGE_TOLERANCE_EXPONENT = -30


@dataclass
class Arrangement:
    """Faces of the polygon cut by its diagonals."""

    face_sides: list[int]  # sides of each bounded face
    interior_points: list[int] = field(default_factory=list)  # diagonals through each interior point

    def side_histogram(self) -> dict[int, int]:
        hist: dict[int, int] = {}
        for s in self.face_sides:
            hist[s] = hist.get(s, 0) + 1
        return dict(sorted(hist.items()))


def _cross(ax, ay, bx, by):
    return ax * by - ay * bx


def build_arrangement(n: int, diagonals: Iterable[Chord]) -> Arrangement:
    """The arrangement of ``diagonals`` in the regular n-gon (a fresh copy of a memoised result: generate
    and solve of the same item ask for the same figure)."""
    cached = _cached_arrangement(n, tuple(sorted(set(diagonals))))
    return Arrangement(face_sides=list(cached.face_sides), interior_points=list(cached.interior_points))


@functools.lru_cache(maxsize=64)
def _cached_arrangement(n: int, diags: tuple[Chord, ...]) -> Arrangement:
    return _build_arrangement(n, list(diags))


def _vertex_ball(k: int, n: int) -> tuple[arb, arb]:
    """Vertex ``k`` of the unit regular n-gon (angle 2*pi*(k-1)/n) as arb balls at the current precision."""
    sin, cos = arb.sin_cos_pi_fmpq(fmpq(2 * (k - 1), n))
    return cos, sin


def _build_arrangement(n: int, diags: list[Chord]) -> Arrangement:
    with arb_precision(mpmath.libmp.dps_to_prec(PRECISION_DIGITS)):
        tol = arb(10) ** MERGE_TOLERANCE_EXPONENT
        verts = [_vertex_ball(k, n) for k in range(1, n + 1)]

        # 1. pairwise segment intersections strictly inside both diagonals
        raw: list[tuple] = []  # (x, y, line a, t on a, line b, t on b)
        for ia in range(len(diags)):
            a0, a1 = verts[diags[ia][0] - 1], verts[diags[ia][1] - 1]
            dax, day = a1[0] - a0[0], a1[1] - a0[1]
            for ib in range(ia + 1, len(diags)):
                b0, b1 = verts[diags[ib][0] - 1], verts[diags[ib][1] - 1]
                dbx, dby = b1[0] - b0[0], b1[1] - b0[1]
                denom = _cross(dax, day, dbx, dby)
                if abs(denom) < tol:
                    continue  # parallel
                cx, cy = b0[0] - a0[0], b0[1] - a0[1]
                t = _cross(cx, cy, dbx, dby) / denom
                u = _cross(cx, cy, dax, day) / denom
                if tol < t < 1 - tol and tol < u < 1 - tol:
                    raw.append((a0[0] + t * dax, a0[1] + t * day, ia, t, ib, u))

        # 2. merge coincident points (union-find over an x-sorted sweep)
        parent = list(range(len(raw)))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        order = sorted(range(len(raw)), key=lambda i: raw[i][0])
        for pos, i in enumerate(order):
            for j in order[pos + 1:]:
                if raw[j][0] - raw[i][0] >= tol:
                    break
                if abs(raw[j][1] - raw[i][1]) < tol:
                    parent[find(j)] = find(i)
        cluster_id: dict[int, int] = {}
        node_xy: list[tuple[float, float]] = [(float(x), float(y)) for x, y in verts]
        members: dict[int, set[int]] = {}
        on_line: list[dict[int, arb]] = [dict() for _ in diags]  # line -> {node: t}
        for i, (x, y, ia, t, ib, u) in enumerate(raw):
            root = find(i)
            if root not in cluster_id:
                cluster_id[root] = len(node_xy)
                node_xy.append((float(raw[root][0]), float(raw[root][1])))
            node = cluster_id[root]
            members.setdefault(node, set()).update((ia, ib))
            on_line[ia].setdefault(node, t)
            on_line[ib].setdefault(node, u)

        # 3. edges: diagonal pieces between consecutive nodes, and the polygon sides
        edges: list[tuple[int, int, int]] = []  # (node, node, supporting line id)
        for li, (p, q) in enumerate(diags):
            inner = sorted(on_line[li].items(), key=lambda item: item[1])
            chain = [p - 1] + [node for node, _ in inner] + [q - 1]
            edges += [(chain[k], chain[k + 1], li) for k in range(len(chain) - 1)]
    side_line = len(diags)
    edges += [(k, (k + 1) % n, side_line + k) for k in range(n)]

    # 4. trace faces
    out: dict[int, list[tuple[float, int, int]]] = {}  # node -> [(angle, neighbour, line)]
    for u, v, line in edges:
        for s, t in ((u, v), (v, u)):
            angle = math.atan2(node_xy[t][1] - node_xy[s][1], node_xy[t][0] - node_xy[s][0])
            out.setdefault(s, []).append((angle, t, line))
    for node in out:
        out[node].sort()
    index = {(s, t): k for s, lst in out.items() for k, (_, t, _) in enumerate(lst)}
    line_of = {(s, t): line for s, lst in out.items() for _, t, line in lst}

    visited: set[tuple[int, int]] = set()
    face_sides: list[int] = []
    outer_seen = 0
    for start in sorted(line_of):
        if start in visited:
            continue
        cycle = []
        he = start
        while he not in visited:
            visited.add(he)
            cycle.append(he)
            u, v = he
            k = index[(v, u)]
            he = (v, out[v][k - 1][1])  # just clockwise of the twin
        area = sum(node_xy[u][0] * node_xy[v][1] - node_xy[v][0] * node_xy[u][1] for u, v in cycle)
        if area < 0:
            outer_seen += 1
            continue
        lines = [line_of[h] for h in cycle]
        face_sides.append(sum(1 for k in range(len(lines)) if lines[k] != lines[k - 1]))
    if outer_seen != 1:
        raise RuntimeError(f"arrangement tracing found {outer_seen} outer faces")
    return Arrangement(face_sides=face_sides, interior_points=sorted(len(m) for m in members.values()))
