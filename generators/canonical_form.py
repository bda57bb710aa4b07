"""Canonical forms of small coloured graphs, for instance keys that must not depend on a relabelling.

An instance whose identity survives renaming its parts (the rows and columns of a matrix, the values of a
zebra attribute, the unknowns of a linear system) is encoded as a graph with coloured vertices and coloured
directed edges; :func:`canonical_order` returns a vertex order whose relabelled graph (:func:`certificate`)
is the same for every relabelling of the input. Method: individualisation-refinement (colour refinement to
an equitable partition, then branching on every vertex of the first non-singleton cell), keeping the least
certificate over all leaves. Refinement and cell choice depend only on colours, so the least leaf is a true
canonical form. Twins (two vertices whose swap is an automorphism) are branched on once, which is exact.
A search over more than ``max_leaves`` leaves raises :class:`CanonicalFormTooHard`; callers then fall back
to a key that is injective but not symmetry-reduced (it never merges different instances).
"""
from __future__ import annotations

from collections.abc import Hashable, Sequence

from generators.instance_key import canonical_json

MAX_LEAVES = 5000


class CanonicalFormTooHard(Exception):
    """The search tree has too many leaves (a very symmetric graph); use a non-reduced key instead."""


class ColouredGraph:
    """Vertices 0..n-1 with colours, directed edges with colours (any JSON-able values, compared by JSON)."""

    def __init__(self, vertex_colours: Sequence, edges: dict[tuple[int, int], object]):
        self.n = len(vertex_colours)
        vertex_json = _memo_json(vertex_colours)
        edge_json = _memo_json(edges.values())
        self.vertex_vocabulary = sorted(set(vertex_json))
        self.edge_vocabulary = sorted(set(edge_json))
        vranks = {c: i for i, c in enumerate(self.vertex_vocabulary)}
        self.colour = [vranks[c] for c in vertex_json]
        eranks = {c: i for i, c in enumerate(self.edge_vocabulary)}
        self.out: list[dict[int, int]] = [{} for _ in range(self.n)]
        self.inn: list[dict[int, int]] = [{} for _ in range(self.n)]
        for (u, v), c in zip(edges, edge_json):
            rank = eranks[c]
            self.out[u][v] = rank
            self.inn[v][u] = rank


def _memo_json(values) -> list[str]:
    """``canonical_json`` of each value, computed once per distinct value (colours repeat a lot: a matrix has
    few distinct entries). Ints and strs are memoised by value, anything else by its type and ``repr``: an
    equal repr of the same type is the same value, so 1, 1.0, True and ``[1]`` stay apart."""
    memo: dict = {}
    out = []
    for c in values:
        kind = type(c)
        key = (kind, c) if kind is int or kind is str else (kind, repr(c))
        text = memo.get(key)
        if text is None:
            text = memo[key] = canonical_json(c)
        out.append(text)
    return out


def _refine(g: ColouredGraph, colours: list[int]) -> list[int]:
    """The coarsest equitable refinement of ``colours`` (cell order kept: a sub-cell sorts inside its cell)."""
    classes = len(set(colours))
    out_items = [list(d.items()) for d in g.out]
    in_items = [list(d.items()) for d in g.inn]
    while True:
        # a neighbour (edge colour c, vertex colour k) is encoded as c * base + k with base > every k, so the
        # sorted codes compare exactly as the sorted (c, k) pairs would, only faster
        base = max(colours) + 1
        sigs = [(colours[v], tuple(sorted([c * base + colours[u] for u, c in out_items[v]])),
                 tuple(sorted([c * base + colours[u] for u, c in in_items[v]]))) for v in range(g.n)]
        rank = {s: i for i, s in enumerate(sorted(set(sigs)))}
        new = [rank[s] for s in sigs]
        if len(rank) == classes:
            return new
        colours, classes = new, len(rank)


def _twins(g: ColouredGraph, u: int, v: int) -> bool:
    """Whether swapping u and v maps the graph onto itself (same colour assumed)."""
    if g.out[u].get(v) != g.out[v].get(u) or g.out[u].get(u) != g.out[v].get(v):
        return False
    for adj in (g.out, g.inn):
        a = {w: c for w, c in adj[u].items() if w not in (u, v)}
        b = {w: c for w, c in adj[v].items() if w not in (u, v)}
        if a != b:
            return False
    return True


def certificate(g: ColouredGraph, order: Sequence[int]) -> tuple:
    """The graph relabelled by ``order`` (position i holds vertex order[i]): colours, then the edge matrix."""
    return (tuple(g.colour[v] for v in order),
            tuple(tuple(g.out[v].get(w, -1) for w in order) for v in order))


def canonical_order(g: ColouredGraph, max_leaves: int = MAX_LEAVES) -> list[int]:
    """A vertex order giving the least certificate over the individualisation-refinement search tree."""
    best: list = [None, None]
    leaves = [0]

    def search(colours: list[int]) -> None:
        counts: dict[int, int] = {}
        for c in colours:
            counts[c] = counts.get(c, 0) + 1
        target = min((c for c, k in counts.items() if k > 1), default=None)
        if target is None:
            leaves[0] += 1
            if leaves[0] > max_leaves:
                raise CanonicalFormTooHard(f"more than {max_leaves} leaves")
            order = sorted(range(g.n), key=colours.__getitem__)
            cert = certificate(g, order)
            if best[0] is None or cert < best[0]:
                best[0], best[1] = cert, order
            return
        reps: list[int] = []
        for v in (v for v in range(g.n) if colours[v] == target):
            if not any(_twins(g, r, v) for r in reps):
                reps.append(v)
        for v in reps:
            split = [2 * c + 1 for c in colours]
            split[v] = 2 * colours[v]
            search(_refine(g, split))

    search(_refine(g, list(g.colour)))
    return best[1]


def canonical_relabelling(g: ColouredGraph, max_leaves: int = MAX_LEAVES) -> dict[int, int]:
    """Vertex -> its canonical position."""
    return {v: i for i, v in enumerate(canonical_order(g, max_leaves))}


def graph_key(vertex_colours: Sequence, edges: dict[tuple[int, int], object]) -> list:
    """A JSON-able canonical form of a coloured graph: equal for two graphs exactly when one is a relabelling
    of the other. ``["raw", ...]`` (the graph as given) when the search is too hard."""
    g = ColouredGraph(vertex_colours, edges)
    try:
        order = canonical_order(g)
    except CanonicalFormTooHard:
        return ["raw", [canonical_json(c) for c in vertex_colours],
                sorted([u, v, canonical_json(c)] for (u, v), c in edges.items())]
    cert = certificate(g, order)
    return ["graph", g.vertex_vocabulary, g.edge_vocabulary, list(cert[0]), [list(r) for r in cert[1]]]


def _matrix_graph_simultaneous(m: Sequence[Sequence[Hashable]]) -> ColouredGraph:
    n = len(m)
    return ColouredGraph([m[i][i] for i in range(n)],
                         {(i, j): m[i][j] for i in range(n) for j in range(n) if i != j})


def matrix_up_to_simultaneous_permutation(m: Sequence[Sequence[Hashable]]) -> list[list]:
    """The least-certificate image P·M·Pᵀ of a square matrix over all permutations P (the same one on rows
    and columns: a relabelling of the indices, which keeps determinant, eigenvalues and symmetry)."""
    order = canonical_order(_matrix_graph_simultaneous(m))
    return [[m[i][j] for j in order] for i in order]


def matrix_up_to_row_and_column_permutations(m: Sequence[Sequence[Hashable]], row_marks: Sequence = (),
                                             column_marks: Sequence = ()) -> dict:
    """The image P·M·Q of a matrix over independent row and column permutations, in canonical form.

    ``row_marks``/``column_marks`` (optional, one label per row/column) travel with their line: a marked line
    can only move onto a line with the same mark. Returns ``{"matrix", "row_marks", "column_marks"}`` with
    the marks in the canonical line order."""
    rows, cols = len(m), len(m[0]) if m else 0
    rmarks = list(row_marks) or [None] * rows
    cmarks = list(column_marks) or [None] * cols
    colours = [["row", rm] for rm in rmarks] + [["col", cm] for cm in cmarks]
    edges = {(i, rows + j): m[i][j] for i in range(rows) for j in range(cols)}
    order = canonical_order(ColouredGraph(colours, edges))
    r_order = [v for v in order if v < rows]
    c_order = [v - rows for v in order if v >= rows]
    return {"matrix": [[m[i][j] for j in c_order] for i in r_order],
            "row_marks": [rmarks[i] for i in r_order], "column_marks": [cmarks[j] for j in c_order]}


def _transpose(m: Sequence[Sequence[Hashable]]) -> list[list]:
    return [list(col) for col in zip(*m)] if m else []


def square_matrix_key(m: Sequence[Sequence[Hashable]], transpose_too: bool = True) -> list:
    """A key for questions invariant under P·M·Pᵀ (and, with ``transpose_too``, Mᵀ): determinant, eigenvalues.

    ``["raw", M]`` (M itself, or the lesser of M and Mᵀ) when the search is too hard: never merges two
    different matrices."""
    images = [m, _transpose(m)] if transpose_too else [m]
    try:
        return ["pp", min((matrix_up_to_simultaneous_permutation(x) for x in images), key=canonical_json)]
    except CanonicalFormTooHard:
        return ["raw", min(([list(r) for r in x] for x in images), key=canonical_json)]


def matrix_lines_key(m: Sequence[Sequence[Hashable]], transpose_too: bool = True) -> list:
    """A key for questions invariant under P·M·Q (independent row and column permutations, and with
    ``transpose_too`` Mᵀ): rank, singular values. ``["raw", ...]`` fallback as in :func:`square_matrix_key`."""
    images = [m, _transpose(m)] if transpose_too else [m]
    try:
        return ["pq", min((matrix_up_to_row_and_column_permutations(x)["matrix"] for x in images),
                          key=canonical_json)]
    except CanonicalFormTooHard:
        return ["raw", min(([list(r) for r in x] for x in images), key=canonical_json)]
