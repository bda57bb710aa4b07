"""Spectral helpers for the eigenvalue and singular-value families: two independent numeric routes.

Eigenvalues and singular values of integer matrices are irrational in general, so those families ask for
a quantity rounded to the nearest integer. The value is computed twice by unrelated algorithms:

* ``arb_*``: certified balls from the exact integer characteristic polynomial (FLINT's ``fmpz_mat.charpoly``)
  and rigorous real-root isolation (``fmpz_poly.complex_roots``, multiplicities included); singular values
  are the square roots of the eigenvalues of MᵀM. The quantity is evaluated in ball arithmetic and rounded
  only when the ball holds one integer (:func:`round_ball`). This is what ``solve`` uses.
* ``np_*``: LAPACK through numpy in float64 (``eigvalsh``, ``svd``); used by ``check``.
* ``mp_*``: pure-Python mpmath at 30 significant digits (Householder tridiagonalisation + implicit QL, one-
  sided bidiagonal SVD), in a private context; kept as a third route for tests (about 10× slower than arb on
  2×2 to 6×6 matrices).

``generate`` screens instances cheaply with the float64 route and re-draws any whose value lies within
``FLOAT_SCREEN_MARGIN`` (1e-6) of a .5 boundary. float64 errs by about 1e-12 on these sizes, so every kept
instance is more than 1e-9 from a boundary (the project's rule) and both routes round to the same integer.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Sequence

from functools import reduce

import mpmath
import numpy as np
from flint import arb, ctx as flint_ctx, fmpz_mat

SPECTRAL_DPS = 30
FLOAT_SCREEN_MARGIN = 1e-6


def _ctx() -> mpmath.MPContext:
    ctx = mpmath.MPContext()
    ctx.dps = SPECTRAL_DPS
    return ctx


def mp_to_fraction(x) -> Fraction:
    """The exact binary value of an mpmath number as a Fraction."""
    man, exp = x.man_exp  # the mantissa is unsigned
    value = Fraction(man) * Fraction(2) ** exp
    return -value if x < 0 else value


def mp_symmetric_eigenvalues(m: Sequence[Sequence[int]]) -> list[Fraction]:
    """Eigenvalues of a symmetric integer matrix, ascending, to 30 digits (as exact Fractions of mpf values)."""
    ctx = _ctx()
    values = ctx.eigsy(ctx.matrix([list(row) for row in m]), eigvals_only=True)
    return sorted(mp_to_fraction(values[i]) for i in range(len(m)))


def mp_singular_values(m: Sequence[Sequence[int]]) -> list[Fraction]:
    """Singular values of an integer matrix, descending, to 30 digits."""
    ctx = _ctx()
    values = ctx.svd_r(ctx.matrix([list(row) for row in m]), compute_uv=False)
    return sorted((mp_to_fraction(abs(values[i])) for i in range(min(len(m), len(m[0])))), reverse=True)


def _arb_roots_of_charpoly(m: Sequence[Sequence[int]]) -> list[arb]:
    """The real roots, with multiplicity, of the characteristic polynomial of a symmetric integer matrix."""
    roots: list[arb] = []
    for root, multiplicity in fmpz_mat([list(row) for row in m]).charpoly().complex_roots():
        if not root.imag.contains(0):
            raise ArithmeticError("a symmetric matrix has a non-real eigenvalue enclosure")
        roots.extend([root.real] * multiplicity)
    return roots


def arb_symmetric_eigenvalues(m: Sequence[Sequence[int]]) -> list[arb]:
    """Certified enclosures of the eigenvalues of a symmetric integer matrix (with multiplicity)."""
    return _arb_roots_of_charpoly(m)


def arb_singular_values(m: Sequence[Sequence[int]]) -> list[arb]:
    """Certified enclosures of the min(rows, cols) singular values of an integer matrix: square roots of the
    eigenvalues of the smaller Gram matrix (MᵀM or MMᵀ, both symmetric and positive semidefinite)."""
    rows, cols = len(m), len(m[0])
    a = [list(r) for r in m] if rows <= cols else [list(c) for c in zip(*m)]  # k×K with k ≤ K
    gram = [[sum(x * y for x, y in zip(a[i], a[j])) for j in range(len(a))] for i in range(len(a))]
    return [r.nonnegative_part().sqrt() for r in _arb_roots_of_charpoly(gram)]


def arb_eigen_quantity(values: Sequence[arb], kind: str) -> arb:
    """:func:`eigen_quantity` in ball arithmetic (max and min of balls are balls, never a guess)."""
    if kind == "max_abs":
        return reduce(arb.max, (abs(v) for v in values))
    if kind == "abs_sum":
        return sum((abs(v) for v in values), arb(0))
    if kind == "largest":
        return reduce(arb.max, values)
    if kind == "smallest":
        return reduce(arb.min, values)
    if kind == "spread":
        return reduce(arb.max, values) - reduce(arb.min, values)
    raise ValueError(f"unknown eigenvalue quantity {kind!r}")


def arb_singular_quantity(values: Sequence[arb], kind: str) -> arb:
    """:func:`singular_quantity` in ball arithmetic."""
    if kind == "largest":
        return reduce(arb.max, values)
    if kind == "sum":
        return sum(values, arb(0))
    if kind == "spread":
        return reduce(arb.max, values) - reduce(arb.min, values)
    raise ValueError(f"unknown singular-value quantity {kind!r}")


def round_ball(compute, m: Sequence[Sequence[int]]) -> int:
    """The integer nearest to the value ``compute(m)`` encloses, certified: the ball of value + 1/2 must lie
    strictly between two integers. Precision doubles (53 to 848 bits, restored after) until it does; a value
    on a .5 boundary (generation screens those out) raises ``ArithmeticError``."""
    for bits in (53, 106, 212, 424, 848):
        with flint_ctx.workprec(bits):
            shifted = compute(m) + arb(0.5)
            floor = None if shifted.contains_integer() else shifted.floor().unique_fmpz()
        if floor is not None:
            return int(floor)
    raise ArithmeticError("the value is on (or within 2^-800 of) a .5 rounding boundary")


def np_symmetric_eigenvalues(m: Sequence[Sequence[int]]) -> list[float]:
    return sorted(float(x) for x in np.linalg.eigvalsh(np.array(m, dtype=np.float64)))


def np_singular_values(m: Sequence[Sequence[int]]) -> list[float]:
    return sorted((float(x) for x in np.linalg.svd(np.array(m, dtype=np.float64), compute_uv=False)), reverse=True)


def eigen_quantity(values: Sequence, kind: str):
    """A scalar from a list of real eigenvalues (works for Fractions and floats alike)."""
    if kind == "max_abs":
        return max(abs(v) for v in values)
    if kind == "abs_sum":
        return sum(abs(v) for v in values)
    if kind == "largest":
        return max(values)
    if kind == "smallest":
        return min(values)
    if kind == "spread":
        return max(values) - min(values)
    raise ValueError(f"unknown eigenvalue quantity {kind!r}")


def singular_quantity(values: Sequence, kind: str):
    """A scalar from a list of singular values."""
    if kind == "largest":
        return max(values)
    if kind == "sum":
        return sum(values)
    if kind == "spread":
        return max(values) - min(values)
    raise ValueError(f"unknown singular-value quantity {kind!r}")


def float_near_half(value: float, margin: float = FLOAT_SCREEN_MARGIN) -> bool:
    """True when a float value lies within ``margin`` of a .5 rounding boundary."""
    frac = abs(value) % 1.0
    return abs(frac - 0.5) < margin
