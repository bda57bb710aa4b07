"""Scalar twin of ``func_interval.enclose`` for a few cells: the same enclosures in plain Python floats.

Numpy's per-call overhead dominates the array operations of ``func_interval`` when only a handful of
cells are enclosed (the certified bracket tightening and point tests do that thousands of times), so
``enclose`` hands small batches here. Every operation mirrors its array version step by step: the same
IEEE double operations in the same order, outward rounding by ``math.nextafter`` (bit-identical to
``np.nextafter``), the same library widening of sin, cos and exp (exp is numpy's own, called on a scalar),
and the same rule that a NaN bound becomes the whole real line; a division is only taken where its
array version keeps the quotient. ``tests/generators/test_func_interval_small.py`` compares both
implementations bit for bit on random chains and cells, infinite ones included.
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from generators.algebra.func_interval import _EXP_REL, _PI_HI, _PI_LO, _TRIG_EPS, _bounds, _quad_consts, _rat_consts

INF = math.inf
_dn_f = math.nextafter
_isnan = math.isnan
_isfinite = math.isfinite
_np_exp = np.exp
_TWO_PI = 2 * math.pi
_HALF_PI = math.pi / 2

Sv = tuple[float, float]


def _dn(x: float) -> float:
    return _dn_f(x, -INF)


def _up(x: float) -> float:
    return _dn_f(x, INF)


def _clean(lo: float, hi: float) -> Sv:
    if _isnan(lo) or _isnan(hi):
        return -INF, INF
    return lo, hi


def const(q) -> Sv:
    if type(q) is int and -2**53 <= q <= 2**53:
        f = float(q)
        return f, f
    return _bounds(Fraction(q))


def add(a: Sv, b: Sv) -> Sv:
    return _clean(_dn(a[0] + b[0]), _up(a[1] + b[1]))


def neg(a: Sv) -> Sv:
    return -a[1], -a[0]


def mul(a: Sv, b: Sv) -> Sv:
    p1, p2, p3, p4 = a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]
    if _isnan(p1) or _isnan(p2) or _isnan(p3) or _isnan(p4):
        return -INF, INF
    return _dn(min(p1, p2, p3, p4)), _up(max(p1, p2, p3, p4))


def scale(k: int, a: Sv) -> Sv:
    lo, hi = (k * a[0], k * a[1]) if k >= 0 else (k * a[1], k * a[0])
    if k == 0:
        return _clean(_dn(lo), _up(hi))
    return _dn(lo), _up(hi)


def sqr(a: Sv) -> Sv:
    lo, hi = a
    m = max(lo, -hi, 0.0)
    big = max(-lo, hi)
    return max(_dn(m * m), 0.0), _up(big * big)


def recip(a: Sv) -> Sv:
    lo, hi = a
    if lo <= 0 and hi >= 0:
        return -INF, INF
    return _dn(1.0 / hi), _up(1.0 / lo)


def absval(a: Sv) -> Sv:
    lo, hi = a
    rlo = lo if lo >= 0 else (-hi if hi <= 0 else 0.0)
    return rlo, max(abs(lo), abs(hi))


def hull_sym(a: Sv) -> Sv:
    m = max(abs(a[0]), abs(a[1]))
    return -m, m


def _contains_point(lo: float, hi: float, offset: float) -> bool:
    k_lo = float(math.ceil((lo - offset) / _TWO_PI - 1e-9))
    return (offset + k_lo * _TWO_PI) <= hi + 1e-9 * (1 + abs(hi))


def _trig(a: Sv, phase: float) -> Sv:
    lo, hi = a
    if not (_isfinite(lo) and _isfinite(hi)) or hi - lo >= 2 * math.pi:
        return -1.0, 1.0
    f = math.sin if phase == 0 else math.cos
    vlo, vhi = f(lo), f(hi)
    rlo = min(vlo, vhi) - _TRIG_EPS
    rhi = max(vlo, vhi) + _TRIG_EPS
    top = _HALF_PI - phase
    if _contains_point(lo, hi, top):
        rhi = 1.0
    if _contains_point(lo, hi, top + math.pi):
        rlo = -1.0
    return max(rlo, -1.0), min(rhi, 1.0)


def isin(a: Sv) -> Sv:
    return _trig(a, 0.0)


def icos(a: Sv) -> Sv:
    return _trig(a, _HALF_PI)


def iexp(a: Sv) -> Sv:
    lo = float(_np_exp(a[0])) * (1 - _EXP_REL)
    hi = float(_np_exp(a[1])) * (1 + _EXP_REL)
    return max(_dn(lo), 0.0), _up(hi)


_PI = (_PI_LO, _PI_HI)


def pi_times(k: int, a: Sv) -> Sv:
    return mul(scale(k, _PI), a)


def _apply(comp: dict[str, Any], jet, order: int):
    """``func_interval._apply`` on one cell."""
    v, d1, d2 = jet
    k = comp["kind"]
    if k == "lin":
        a = comp["a"]
        return (add(scale(a, v), const(comp["b"])), scale(a, d1) if order >= 1 else None,
                scale(a, d2) if order >= 2 else None)
    if k == "quad":
        a, b, c = comp["a"], comp["b"], comp["c"]
        s, t = _quad_consts(a, b, c)
        val = add(scale(a, sqr(add(v, (float(s[0]), float(s[1]))))), (float(t[0]), float(t[1])))
        if order == 0:
            return val, None, None
        g = add(scale(2 * a, v), const(b))
        return val, mul(g, d1), add(scale(2 * a, sqr(d1)), mul(g, d2)) if order >= 2 else None
    if k == "abs":
        a, b, c = comp["a"], comp["b"], comp["c"]
        w = add(v, const(-b))
        val = add(scale(a, absval(w)), const(c))
        if order == 0:
            return val, None, None
        pos, negs = w[0] > 0, w[1] < 0
        if pos:
            r1, r2 = d1, d2
        elif negs:
            r1, r2 = (-d1[1], -d1[0]), (None if d2 is None else (-d2[1], -d2[0]))
        else:
            r1, r2 = hull_sym(d1), (-INF, INF)
        if order == 1:
            return val, scale(a, r1), None
        return val, scale(a, r1), scale(a, r2)
    if k == "rat":
        a, b, c, d = comp["a"], comp["b"], comp["c"], comp["d"]
        det = a * d - b * c
        r = recip(add(scale(c, v), const(d)))
        ac, rc = _rat_consts(a, b, c, d)
        val = add((float(ac[0]), float(ac[1])), mul((float(rc[0]), float(rc[1])), r))
        if order == 0:
            return val, None, None
        r2 = sqr(r)
        g1 = scale(det, r2)
        if order == 1:
            return val, mul(g1, d1), None
        g2 = scale(-2 * c * det, mul(r2, r))
        return val, mul(g1, d1), add(mul(g2, sqr(d1)), mul(g1, d2))
    if k in ("sin", "cos"):
        a, b, c, d = comp["a"], comp["b"], comp["c"], comp["d"]
        theta = add(pi_times(b, v), const(c))
        if order == 0:
            return add(scale(a, isin(theta) if k == "sin" else icos(theta)), const(d)), None, None
        s, co = isin(theta), icos(theta)
        if k == "cos":
            s, co = co, neg(s)
        bpi = scale(b, _PI)
        g1 = mul(scale(a, bpi), co)
        if order == 1:
            return add(scale(a, s), const(d)), mul(g1, d1), None
        g2 = neg(mul(scale(a, sqr(bpi)), s))
        return add(scale(a, s), const(d)), mul(g1, d1), add(mul(g2, sqr(d1)), mul(g1, d2))
    if k == "exp":
        a, b, c = comp["a"], comp["b"], comp["c"]
        e = iexp(scale(b, v))
        if order == 0:
            return add(scale(a, e), const(c)), None, None
        g1 = scale(a * b, e)
        if order == 1:
            return add(scale(a, e), const(c)), mul(g1, d1), None
        g2 = scale(a * b * b, e)
        return add(scale(a, e), const(c)), mul(g1, d1), add(mul(g2, sqr(d1)), mul(g1, d2))
    raise ValueError(f"unknown component kind {k!r}")


def enclose_cells(chain: list[dict[str, Any]], lo: list[float], hi: list[float], order: int = 2):
    """``func_interval.enclose`` on the cells [lo_i, hi_i] (Python floats), as numpy arrays."""
    cols: list[list[float]] = [[] for _ in range(6)]
    for x0, x1 in zip(lo, hi):
        jet = (_clean(x0, x1), (1.0, 1.0) if order >= 1 else None, (0.0, 0.0) if order >= 2 else None)
        for comp in chain:
            jet = _apply(comp, jet, order)
        for i, part in enumerate(jet):
            if part is not None:
                cols[2 * i].append(part[0])
                cols[2 * i + 1].append(part[1])
    out = []
    for i in range(3):
        if i > order:
            out.append(None)
        else:
            out.append((np.array(cols[2 * i], dtype=float), np.array(cols[2 * i + 1], dtype=float)))
    return tuple(out)


def enclose_values(chain: list[dict[str, Any]], lo: list[float], hi: list[float]) -> tuple[list[float], list[float]]:
    """The value enclosures of ``enclose_cells(chain, lo, hi, 0)`` as two lists (no arrays at all)."""
    los: list[float] = []
    his: list[float] = []
    for x0, x1 in zip(lo, hi):
        jet = (_clean(x0, x1), None, None)
        for comp in chain:
            jet = _apply(comp, jet, 0)
        los.append(jet[0][0])
        his.append(jet[0][1])
    return los, his


def combine_values(chains: list[list[dict[str, Any]]], signs: tuple[int, ...], lo: list[float],
                   hi: list[float]) -> tuple[list[float], list[float]]:
    """Value enclosures of sum_i signs[i] * chain_i on the cells, as two lists: the same floats as
    ``func_roots._jet(chains, signs, lo, hi, 0)[0]`` (negation and outward-rounded sums per cell)."""
    total: list[Sv] | None = None
    for ch, s in zip(chains, signs):
        los, his = enclose_values(ch, lo, hi)
        part = list(zip(los, his)) if s > 0 else [(-h, -l) for l, h in zip(los, his)]
        total = part if total is None else [add(t, p) for t, p in zip(total, part)]
    return [t[0] for t in total], [t[1] for t in total]


def argument_values(prefix: list[dict[str, Any]], comp: dict[str, Any], lo: list[float],
                    hi: list[float]) -> tuple[list[float], list[float]]:
    """Value enclosures of u - b (``comp`` an |.|) or c u + d (a rational ``comp``), u = prefix(x), as two
    lists: the same floats as ``func_roots._argument_evaluator(prefix, comp)(lo, hi, False)[0]``."""
    los, his = enclose_values(prefix, lo, hi)
    if comp["kind"] == "abs":
        sh = const(-comp["b"])
        out = [add((l, h), sh) for l, h in zip(los, his)]
    else:
        sh, c = const(comp["d"]), comp["c"]
        out = [add(scale(c, (l, h)), sh) for l, h in zip(los, his)]
    return [t[0] for t in out], [t[1] for t in out]
