"""Validated enclosures of a composite function and its first two derivatives over many x-cells at once.

Vectorised interval arithmetic on numpy float64 arrays with outward rounding (every bound is pushed one
ulp outwards with ``nextafter`` after each operation; sin, cos and exp results are widened further to
cover their library error). A cell whose enclosure cannot be bounded (a pole inside it, an overflow)
gets the whole real line, so a caller never mistakes it for a proof. Used by the certified root
isolation in ``func_roots``.

Overflow and inf - inf are expected (they widen a bound to the real line); the operations do not set
numpy's error state each (that costs more than the arithmetic on small arrays): ``enclose`` and the
callers in ``func_roots`` run them under ``quiet()``.

Speed (issue 18): every operation keeps its outputs NaN-free (a NaN only arises from inf - inf or
0 * inf, which ``add`` and ``mul`` / ``scale`` by 0 turn into the real line), so the other operations skip
the NaN test; a batch of at most ``SMALL_CELLS`` cells runs in the scalar twin ``func_interval_small``,
which gives the same floats without numpy's per-call overhead.
"""
from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache
from typing import Any

import numpy as np

INF = np.inf
_PI_LO = math.pi  # float pi is below the true pi
_PI_HI = math.nextafter(math.pi, math.inf)
_TRIG_EPS = 1e-13  # absolute widening of library sin/cos values
_EXP_REL = 1e-14  # relative widening of library exp values

Iv = tuple[np.ndarray, np.ndarray]


def quiet():
    """The numpy error state the operations run under: overflow, inf - inf and 1/0 are handled."""
    return np.errstate(all="ignore")


_NEG_INF, _POS_INF = np.float64(-INF), np.float64(INF)  # numpy scalars: no conversion per call
_nextafter, _isnan, _sum = np.nextafter, np.isnan, np.add.reduce


def _dn(a: np.ndarray) -> np.ndarray:
    return _nextafter(a, _NEG_INF)


def _up(a: np.ndarray) -> np.ndarray:
    return _nextafter(a, _POS_INF)


def _clean(lo: np.ndarray, hi: np.ndarray) -> Iv:
    """NaN bounds (from inf - inf or 0 * inf) become the whole real line.

    Fast path: a sum without NaN proves that neither array holds one (a NaN propagates through a sum;
    +inf and -inf together also give NaN, which only sends the call to the exact per-element test)."""
    if not math.isnan(_sum(lo) + _sum(hi)):
        return lo, hi
    bad = _isnan(lo) | _isnan(hi)
    if bad.any():
        lo = np.where(bad, -INF, lo)
        hi = np.where(bad, INF, hi)
    return lo, hi


@lru_cache(maxsize=4096)
def _bounds(q: Fraction) -> tuple[float, float]:
    f = float(q)
    if Fraction(f) == q:
        return f, f
    return math.nextafter(f, -math.inf), math.nextafter(f, math.inf)


_EXACT_INT = 2**53


@lru_cache(maxsize=4096)
def _const(q: Fraction | int) -> Iv:
    lo, hi = _bounds(Fraction(q))
    return np.float64(lo), np.float64(hi)


def const(q: Fraction | int) -> Iv:
    """An exact rational constant as a (possibly one-ulp wide) interval; scalars broadcast in every op."""
    if type(q) is int and -_EXACT_INT <= q <= _EXACT_INT:
        f = np.float64(q)  # exactly representable
        return f, f
    return _const(q)


def add(a: Iv, b: Iv) -> Iv:
    return _clean(_dn(a[0] + b[0]), _up(a[1] + b[1]))


def neg(a: Iv) -> Iv:
    return -a[1], -a[0]


def sub(a: Iv, b: Iv) -> Iv:
    return add(a, neg(b))


def mul(a: Iv, b: Iv) -> Iv:
    p1, p2, p3, p4 = a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]
    lo = _dn(np.minimum(np.minimum(p1, p2), np.minimum(p3, p4)))
    hi = _up(np.maximum(np.maximum(p1, p2), np.maximum(p3, p4)))
    bad = np.isnan(lo)  # minimum/maximum propagate a NaN of any product (0 * inf)
    if bad.any():
        return np.where(bad, -INF, lo), np.where(bad, INF, hi)
    return lo, hi


def scale(k: int, a: Iv) -> Iv:
    """Multiply by an exact integer."""
    lo, hi = (k * a[0], k * a[1]) if k >= 0 else (k * a[1], k * a[0])
    if k == 0:  # 0 * inf is NaN; for k != 0 a NaN-free input (every operation's output) gives none
        return _clean(_dn(lo), _up(hi))
    return _dn(lo), _up(hi)


def shift(a: Iv, q: Fraction | int) -> Iv:
    return add(a, const(q))


def sqr(a: Iv) -> Iv:
    """[lo, hi]^2 (lo <= hi): the least |t| on the interval is max(lo, -hi, 0), the largest max(-lo, hi);
    rounding is monotone, so squaring those gives the same floats as taking the min / max of the squares."""
    lo, hi = a
    m = np.maximum(np.maximum(lo, -hi), 0.0)
    big = np.maximum(-lo, hi)
    return np.maximum(_dn(m * m), 0.0), _up(big * big)  # squares of NaN-free bounds hold no NaN


def recip(a: Iv) -> Iv:
    lo, hi = a
    straddle = (lo <= 0) & (hi >= 0)
    rlo, rhi = _dn(1.0 / hi), _up(1.0 / lo)
    return np.where(straddle, -INF, rlo), np.where(straddle, INF, rhi)


def absval(a: Iv) -> Iv:
    lo, hi = a
    rlo = np.where(lo >= 0, lo, np.where(hi <= 0, -hi, 0.0))
    rhi = np.maximum(np.abs(lo), np.abs(hi))
    return rlo, rhi


def hull_sym(a: Iv) -> Iv:
    """The hull of ``a`` and ``-a`` (a derivative whose sign is unknown)."""
    m = np.maximum(np.abs(a[0]), np.abs(a[1]))
    return -m, m


def _contains_point(lo: np.ndarray, hi: np.ndarray, offset: float) -> np.ndarray:
    """Whether [lo, hi] may contain offset + 2*k*pi for an integer k (erring towards yes)."""
    two_pi = 2 * math.pi
    k_lo = np.ceil((lo - offset) / two_pi - 1e-9)
    return (offset + k_lo * two_pi) <= hi + 1e-9 * (1 + np.abs(hi))


def _trig(a: Iv, phase: float) -> Iv:
    """Enclosure of sin(t + phase) for t in a, phase in {0, pi/2} (sin or cos)."""
    lo, hi = a
    f = np.sin if phase == 0 else np.cos
    vlo, vhi = f(lo), f(hi)
    rlo = np.minimum(vlo, vhi) - _TRIG_EPS
    rhi = np.maximum(vlo, vhi) + _TRIG_EPS
    top = math.pi / 2 - phase  # t where sin(t + phase) = 1
    rhi = np.where(_contains_point(lo, hi, top), 1.0, rhi)
    rlo = np.where(_contains_point(lo, hi, top + math.pi), -1.0, rlo)
    wide = ~np.isfinite(lo) | ~np.isfinite(hi) | (hi - lo >= 2 * math.pi)
    return np.where(wide, -1.0, np.maximum(rlo, -1.0)), np.where(wide, 1.0, np.minimum(rhi, 1.0))


def isin(a: Iv) -> Iv:
    return _trig(a, 0.0)


def icos(a: Iv) -> Iv:
    return _trig(a, math.pi / 2)


def iexp(a: Iv) -> Iv:
    lo = np.exp(a[0]) * (1 - _EXP_REL)
    hi = np.exp(a[1]) * (1 + _EXP_REL)
    return np.maximum(_dn(lo), 0.0), _up(hi)  # exp of NaN-free bounds holds no NaN


_PI = (np.float64(_PI_LO), np.float64(_PI_HI))


def pi_times(k: int, a: Iv) -> Iv:
    """k * pi * a with pi as an interval."""
    return mul(scale(k, _PI), a)


# ---------------------------------------------------------------- chain enclosures with derivatives

Jet = tuple[Iv, Iv, Iv]  # (value, first derivative, second derivative) enclosures
SMALL_CELLS = 8  # up to this many cells ``enclose`` runs the scalar twin (func_interval_small), same floats


@lru_cache(maxsize=4096)
def _quad_consts(a: int, b: int, c: int) -> tuple[Iv, Iv]:
    """const(b / 2a) and const(c - b^2 / 4a): a u^2 + b u + c = a (u + b/2a)^2 + (c - b^2/4a)."""
    return const(Fraction(b, 2 * a)), const(Fraction(c) - Fraction(b * b, 4 * a))


@lru_cache(maxsize=4096)
def _rat_consts(a: int, b: int, c: int, d: int) -> tuple[Iv, Iv]:
    """const(a / c) and const((bc - ad) / c): (a u + b)/(c u + d) = a/c + ((bc - ad)/c) / (c u + d)."""
    return const(Fraction(a, c)), const(Fraction(b * c - a * d, c))


def _apply(comp: dict[str, Any], jet: Jet, order: int = 2) -> Jet:
    """One component applied to a jet; derivatives above ``order`` are not computed (left as None)."""
    v, d1, d2 = jet
    k = comp["kind"]
    if k == "lin":
        a = comp["a"]
        return (shift(scale(a, v), comp["b"]), scale(a, d1) if order >= 1 else None,
                scale(a, d2) if order >= 2 else None)
    if k == "quad":
        a, b, c = comp["a"], comp["b"], comp["c"]
        s, t = _quad_consts(a, b, c)
        val = add(scale(a, sqr(add(v, s))), t)  # a(u+s)^2 + t: tight
        if order == 0:
            return val, None, None
        g = shift(scale(2 * a, v), b)  # 2au + b
        return val, mul(g, d1), add(scale(2 * a, sqr(d1)), mul(g, d2)) if order >= 2 else None
    if k == "abs":
        a, b, c = comp["a"], comp["b"], comp["c"]
        w = shift(v, -b)
        val = shift(scale(a, absval(w)), c)
        if order == 0:
            return val, None, None
        pos, negs = w[0] > 0, w[1] < 0
        known = pos | negs
        # d|w|/dx = sign(w) w'; across a possible corner only the hull of +-w' is known, and w'' is unbounded
        s1 = hull_sym(d1)
        r1 = (np.where(known, np.where(pos, d1[0], -d1[1]), s1[0]),
              np.where(known, np.where(pos, d1[1], -d1[0]), s1[1]))
        if order == 1:
            return val, scale(a, r1), None
        r2 = (np.where(known, np.where(pos, d2[0], -d2[1]), -INF), np.where(known, np.where(pos, d2[1], -d2[0]), INF))
        return val, scale(a, r1), scale(a, r2)
    if k == "rat":
        a, b, c, d = comp["a"], comp["b"], comp["c"], comp["d"]
        det = a * d - b * c
        r = recip(shift(scale(c, v), d))  # 1/(cu + d)
        ac, rc = _rat_consts(a, b, c, d)
        val = add(ac, mul(rc, r))
        if order == 0:
            return val, None, None
        r2 = sqr(r)
        g1 = scale(det, r2)  # det/(cu+d)^2
        if order == 1:
            return val, mul(g1, d1), None
        g2 = scale(-2 * c * det, mul(r2, r))  # -2c det/(cu+d)^3
        return val, mul(g1, d1), add(mul(g2, sqr(d1)), mul(g1, d2))
    if k in ("sin", "cos"):
        a, b, c, d = comp["a"], comp["b"], comp["c"], comp["d"]
        theta = shift(pi_times(b, v), c)
        if order == 0:
            return shift(scale(a, isin(theta) if k == "sin" else icos(theta)), d), None, None
        s, co = isin(theta), icos(theta)
        if k == "cos":
            s, co = co, neg(s)  # value uses cos; its derivative is -sin
        bpi = scale(b, _PI)
        g1 = mul(scale(a, bpi), co)  # a b pi cos
        if order == 1:
            return shift(scale(a, s), d), mul(g1, d1), None
        g2 = neg(mul(scale(a, sqr(bpi)), s))  # -a (b pi)^2 sin
        return shift(scale(a, s), d), mul(g1, d1), add(mul(g2, sqr(d1)), mul(g1, d2))
    if k == "exp":
        a, b, c = comp["a"], comp["b"], comp["c"]
        e = iexp(scale(b, v))
        if order == 0:
            return shift(scale(a, e), c), None, None
        g1 = scale(a * b, e)
        if order == 1:
            return shift(scale(a, e), c), mul(g1, d1), None
        g2 = scale(a * b * b, e)
        return shift(scale(a, e), c), mul(g1, d1), add(mul(g2, sqr(d1)), mul(g1, d2))
    raise ValueError(f"unknown component kind {k!r}")


def enclose(chain: list[dict[str, Any]], lo: np.ndarray, hi: np.ndarray, order: int = 2) -> Jet:
    """Enclosures of f, f', f'' over each cell [lo_i, hi_i] (a point when lo_i == hi_i).

    ``order`` < 2 skips the higher derivatives (returned as None); the enclosures that are computed are
    the same floats either way.
    """
    lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    with quiet():
        if lo.size <= SMALL_CELLS and lo.ndim == 1 and hi.shape == lo.shape:  # numpy's call overhead would
            from generators.algebra.func_interval_small import enclose_cells  # dominate: plain floats
            return enclose_cells(chain, lo.tolist(), hi.tolist(), order)
        lo, hi = _clean(lo, hi)  # the operations keep NaN out
        z = np.zeros_like(lo)
        jet: Jet = ((lo, hi), (z + 1.0, z + 1.0) if order >= 1 else None, (z, z) if order >= 2 else None)
        for comp in chain:
            jet = _apply(comp, jet, order)
    return jet
