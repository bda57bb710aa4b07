"""Shared exact helpers for the matrix families: sampling, rendering and integer/Fraction linear algebra.

Everything here is exact (Python ints and ``fractions.Fraction``); no float ever decides an answer.
Matrices are plain ``list[list[int]]`` so that they can be stored in a record's ``params`` as they are.
"""
from __future__ import annotations

import random
from fractions import Fraction
from typing import Sequence

from flint import fmpz_mat

from generators.answers import near_rounding_boundary
from generators.family import Reject

Matrix = list[list[int]]

MATRIX_KINDS = ("plain", "symmetric", "upper_triangular")

# OMEGA's square-matrix ladder (determinant, inverse): size n and entry bound per level L1-L7
SQUARE_LADDER: dict[int, dict] = {
    level: {"n": n, "max_abs_entry": bound, "matrix_kinds": MATRIX_KINDS}
    for level, (n, bound) in enumerate(((3, 10), (4, 12), (6, 15), (7, 18), (9, 25), (10, 30), (12, 35)), start=1)
}
KIND_WORDS = {
    "plain": "",
    "symmetric": "symmetric ",
    "upper_triangular": "upper-triangular ",
}


# ---------------------------------------------------------------- sampling
def random_matrix(rng: random.Random, rows: int, cols: int, bound: int) -> Matrix:
    """A rows×cols matrix with entries uniform in [-bound, bound]."""
    return [[rng.randint(-bound, bound) for _ in range(cols)] for _ in range(rows)]


def random_square(rng: random.Random, n: int, bound: int, kind: str) -> Matrix:
    """An n×n matrix of the given kind (plain, symmetric or upper_triangular), entries in [-bound, bound]."""
    if kind == "plain":
        return random_matrix(rng, n, n, bound)
    if kind == "symmetric":
        m = [[0] * n for _ in range(n)]
        for i in range(n):
            for j in range(i, n):
                m[i][j] = m[j][i] = rng.randint(-bound, bound)
        return m
    if kind == "upper_triangular":
        return [[rng.randint(-bound, bound) if j >= i else 0 for j in range(n)] for i in range(n)]
    raise ValueError(f"unknown matrix kind {kind!r} (valid: {', '.join(MATRIX_KINDS)})")


def random_square_nonsingular(rng: random.Random, n: int, bound: int, kind: str) -> Matrix:
    """Like :func:`random_square`, but :class:`Reject` the draw when the matrix is singular."""
    m = random_square(rng, n, bound, kind)
    if bareiss_det(m) == 0:
        raise Reject("singular matrix")
    return m


# ---------------------------------------------------------------- rendering
def format_matrix(m: Sequence[Sequence[int]]) -> str:
    """Row-major bracket notation, e.g. ``[[1, -2], [3, 4]]``."""
    return "[" + ", ".join("[" + ", ".join(str(x) for x in row) + "]" for row in m) + "]"


# ---------------------------------------------------------------- exact linear algebra
def bareiss_det(m: Sequence[Sequence[int]]) -> int:
    """Exact determinant of an integer matrix by fraction-free (Bareiss) elimination."""
    a = [list(map(int, row)) for row in m]
    n = len(a)
    if n == 0:
        return 1
    sign = 1
    prev = 1
    for k in range(n - 1):
        if a[k][k] == 0:
            swap = next((r for r in range(k + 1, n) if a[r][k] != 0), None)
            if swap is None:
                return 0
            a[k], a[swap] = a[swap], a[k]
            sign = -sign
        pivot = a[k][k]
        for i in range(k + 1, n):
            row_i, aik = a[i], a[i][k]
            row_k = a[k]
            for j in range(k + 1, n):
                row_i[j] = (row_i[j] * pivot - aik * row_k[j]) // prev
            row_i[k] = 0
        prev = pivot
    return sign * a[n - 1][n - 1]


def fraction_inverse(m: Sequence[Sequence[int]]) -> list[list[Fraction]]:
    """Exact inverse by Gauss–Jordan elimination over Fractions; raises ZeroDivisionError if singular."""
    n = len(m)
    a = [[Fraction(x) for x in row] + [Fraction(int(i == j)) for j in range(n)] for i, row in enumerate(m)]
    for col in range(n):
        piv = next((r for r in range(col, n) if a[r][col] != 0), None)
        if piv is None:
            raise ZeroDivisionError("matrix is singular")
        a[col], a[piv] = a[piv], a[col]
        inv_p = 1 / a[col][col]
        a[col] = [x * inv_p for x in a[col]]
        for r in range(n):
            if r != col and a[r][col] != 0:
                f = a[r][col]
                a[r] = [x - f * y for x, y in zip(a[r], a[col])]
    return [row[n:] for row in a]


def fraction_free_adjugate(m: Sequence[Sequence[int]]) -> tuple[Matrix, int]:
    """``(X, d)`` with ``A·X = d·I`` and integers only (fraction-free Gauss–Jordan); ``d = ±det A``.

    Each solved column is exact because every Bareiss step divides exactly. Raises ZeroDivisionError
    when the matrix is singular.
    """
    n = len(m)
    a = [list(map(int, row)) + [int(i == j) for j in range(n)] for i, row in enumerate(m)]
    prev = 1
    for k in range(n):
        if a[k][k] == 0:
            swap = next((r for r in range(k + 1, n) if a[r][k] != 0), None)
            if swap is None:
                raise ZeroDivisionError("matrix is singular")
            a[k], a[swap] = a[swap], a[k]
        pivot = a[k][k]
        for i in range(n):
            if i == k:
                continue
            aik = a[i][k]
            a[i] = [(x * pivot - aik * y) // prev for x, y in zip(a[i], a[k])]
        prev = pivot
    d = prev
    # every row now reads d·e_i on the left, so the right block is the adjugate up to the sign of d
    return [row[n:] for row in a], d


def exact_rank(m: Sequence[Sequence[int]]) -> int:
    """Exact rank over the rationals of an integer matrix (FLINT's fraction-free elimination over Z)."""
    rows = [list(map(int, row)) for row in m]
    if not rows or not rows[0]:
        return 0
    return fmpz_mat(rows).rank()


def mat_mul(a: Sequence[Sequence[int]], b: Sequence[Sequence[int]]) -> Matrix:
    """Plain triple-loop product of two integer matrices."""
    bt = list(zip(*b))
    return [[sum(x * y for x, y in zip(row, col)) for col in bt] for row in a]


def mat_pow(a: Sequence[Sequence[int]], p: int) -> Matrix:
    """A**p for p >= 1 by binary exponentiation (square and multiply)."""
    if p < 1:
        raise ValueError("power must be at least 1")
    result: Matrix | None = None
    base = [list(row) for row in a]
    while p:
        if p & 1:
            result = base if result is None else mat_mul(result, base)
        p >>= 1
        if p:
            base = mat_mul(base, base)
    assert result is not None
    return result


# ---------------------------------------------------------------- statistics asked about a result matrix
def nearest_int_or_reject(value: Fraction) -> int:
    """Round an exact value to the nearest integer; :class:`Reject` it within 1e-9 of a .5 boundary."""
    value = Fraction(value)
    if near_rounding_boundary(value, 0):
        raise Reject(f"{value} lies within 1e-9 of a rounding boundary")
    return round(value)  # never a tie after the check above, so the tie rule is irrelevant


def matrix_statistic(m: Sequence[Sequence[Fraction | int]], kind: str, i: int = 0, j: int = 0) -> Fraction:
    """One scalar read off a matrix: sum, abs_sum, trace, max_abs_entry (signed value) or entry (i, j)."""
    if kind == "sum":
        return Fraction(sum(sum(row) for row in m))
    if kind == "abs_sum":
        return Fraction(sum(abs(x) for row in m for x in row))
    if kind == "trace":
        return Fraction(sum(m[k][k] for k in range(len(m))))
    if kind == "max_abs_entry":
        flat = [x for row in m for x in row]
        top = max(abs(x) for x in flat)
        signed = {x for x in flat if abs(x) == top}
        if len(signed) != 1:
            raise Reject("largest-magnitude entry occurs with both signs")
        return Fraction(signed.pop())
    if kind == "entry":
        return Fraction(m[i][j])
    raise ValueError(f"unknown statistic {kind!r}")


STATISTIC_PHRASES = {
    "sum": "the sum of all entries of {what}",
    "abs_sum": "the sum of the absolute values of all entries of {what}",
    "trace": "the trace of {what}",
    "max_abs_entry": "the entry of {what} with the largest absolute value (give its signed value)",
    "entry": "the entry in row {i1}, column {j1} of {what} (rows and columns numbered from 1)",
}


def statistic_phrase(kind: str, what: str, i: int = 0, j: int = 0) -> str:
    return STATISTIC_PHRASES[kind].format(what=what, i1=i + 1, j1=j + 1)
