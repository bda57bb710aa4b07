"""Spectral helpers for the eigenvalue and singular-value families: two independent numeric routes.

Eigenvalues and singular values of integer matrices are irrational in general, so those families ask for
a quantity rounded to the nearest integer. The value is computed twice by unrelated algorithms:

* ``mp_*``: pure-Python mpmath at 30 significant digits (Householder tridiagonalisation + implicit QL for
  symmetric eigenvalues, one-sided bidiagonal SVD), in a private mpmath context so global state is never
  touched. This is what ``solve`` uses and what decides boundary rejection.
* ``np_*``: LAPACK through numpy in float64 (``eigvalsh``, ``svd``); used by ``check``.

``generate`` screens instances cheaply with the float64 route and re-draws any whose value lies within
``FLOAT_SCREEN_MARGIN`` (1e-6) of a .5 boundary. float64 errs by about 1e-12 on these sizes, so every kept
instance is more than 1e-9 from a boundary (the project's rule) and both routes round to the same integer.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Sequence

import mpmath
import numpy as np

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
