"""Independent re-derivation of function features by dense sampling: the ``check`` side of the families.

It shares nothing with the certified interval analysis (``func_roots``) except the component dicts:
each component and its sympy-differentiated derivative become numpy functions, values are sampled on a
dense grid in plain float arithmetic, f' is the chain-rule product of the sampled component derivatives
(no hand-written derivative formulas), corners and poles are read off sign changes of each stage's |.|
argument and denominator, and values at the interval ends are decided exactly with sympy. Positions are
refined with ``mpmath.findroot`` on the mpmath form of the same sympy formulas, and integrals use
composite Gauss-Legendre quadrature.

Correct whenever features are at least ``4 * spacing`` apart, which the generators guarantee by
rejecting instances whose certified features are closer than their separation margin.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

import mpmath
import numpy as np
import sympy as sp

from generators.algebra.func_model import Chain, chain_expr, component_expr

_U = sp.Symbol("u", real=True)
_SHIFT = 0.3819660112501051  # grid offset, keeps simple rational roots off sample points


_COEFFS = sp.symbols("a b c d", real=True)


def _derivative(expr: sp.Expr) -> sp.Expr:
    """d/du, brought over one denominator (avoids cancellation, e.g. for (au+b)/(cu+d))."""
    return sp.factor(sp.together(sp.diff(expr, _U)))


@lru_cache(maxsize=None)
def _kind_functions(kind: str, backend: str) -> tuple[Callable, Callable, tuple[str, ...]]:
    """(c, c', coefficient names) of a component kind, lambdified once with symbolic coefficients."""
    names = ("a", "b", "c", "d")[: {"lin": 2, "exp": 3, "quad": 3, "abs": 3}.get(kind, 4)]
    comp = {"kind": kind, **dict(zip(names, _COEFFS))}
    expr = component_expr(comp, _U)
    args = (_U, *_COEFFS[: len(names)])
    return (sp.lambdify(args, expr, modules=backend), sp.lambdify(args, _derivative(expr), modules=backend),
            names)


def _np_component(comp: dict[str, Any]) -> tuple[Callable, Callable]:
    """(c, c') of one component as numpy functions of u (c' differentiated by sympy)."""
    fn, dfn, names = _kind_functions(comp["kind"], "numpy")
    coeffs = [comp[n] for n in names]
    return (lambda u: fn(u, *coeffs) + 0 * u), (lambda u: dfn(u, *coeffs) + 0 * u)


def _mp_component(comp: dict[str, Any]) -> tuple[Callable, Callable]:
    fn, dfn, names = _kind_functions(comp["kind"], "mpmath")
    coeffs = [comp[n] for n in names]
    return (lambda u: fn(u, *coeffs)), (lambda u: dfn(u, *coeffs))


def grid(lo: float, hi: float, spacing: float) -> np.ndarray:
    """The sample points on [lo, hi] (read-only: shared by every scan of the same interval)."""
    return _grid(float(lo), float(hi), float(spacing))


@lru_cache(maxsize=256)
def _grid(lo: float, hi: float, spacing: float) -> np.ndarray:
    n = max(8, int(math.ceil((hi - lo) / spacing)))
    inner = lo + (hi - lo) * (np.arange(n) + _SHIFT) / n
    x = np.concatenate([[lo], inner, [hi]])
    x.flags.writeable = False
    return x


@dataclass
class Scan:
    x: np.ndarray
    value: np.ndarray  # h(x_i)
    slope: np.ndarray  # h'(x_i)
    pole_cell: np.ndarray  # cell (x_i, x_{i+1}) holds a pole
    corner_cell: np.ndarray  # cell holds a corner of some |.|
    corner_where: list[tuple[int, int, int]]  # (cell, chain index, stage) of each corner
    value_sign: np.ndarray


def _sign_change(w: np.ndarray) -> np.ndarray:
    s = np.sign(w)
    return (s[:-1] * s[1:] < 0) | (s[:-1] == 0) & (s[1:] != 0)


def exact_is_zero(chains: list[Chain], signs: tuple[int, ...], x: int) -> bool:
    """h(x) == 0 at an integer x, from the exact sympy value (50-digit evaluation when not decided).

    A 40-digit mpmath evaluation first settles the common case: a value farther than 1e-20 (relative to
    the largest intermediate) from 0 is not 0, which is what sympy would say too; only values that close
    to 0 go to sympy.
    """
    if _clearly_nonzero(chains, signs, x):
        return False
    val = sp.Add(*[s * chain_expr(ch, sp.Integer(x)) for ch, s in zip(chains, signs)])
    decided = val.is_zero
    if decided is not None:
        return bool(decided)
    return abs(sp.N(val, 50)) < sp.Float("1e-40")


def _clearly_nonzero(chains: list[Chain], signs: tuple[int, ...], x: int) -> bool:
    try:
        with mpmath.workdps(40):
            total, scale = mpmath.mpf(0), mpmath.mpf(1)
            for ch, s in zip(chains, signs):
                u = mpmath.mpf(x)
                for comp in ch:
                    u = _mp_component(comp)[0](u)
                    scale = max(scale, abs(u))
                total += s * u
            return bool(abs(total) > mpmath.mpf(10) ** -20 * scale)
    except (ZeroDivisionError, ValueError, TypeError):
        return False  # undecided here: sympy decides


def scan(chains: list[Chain], signs: tuple[int, ...], lo: float, hi: float, spacing: float) -> Scan:
    """Samples of h and h' on the grid, with the cells holding a pole (a sign change of a denominator, or a
    non-finite value or slope at either end) or a corner.

    Every stage is ``c(u) + 0 * u`` and ``(c'(u) + 0 * u) * du``, so a non-finite value or slope, once it
    appears, stays non-finite (nan) through the later stages: the non-finite samples of a chain are those
    of its last stage, tested once per chain (the same cells as a test after every stage)."""
    x = grid(lo, hi, spacing)
    n = x.size - 1
    pole = np.zeros(n, dtype=bool)
    corner = np.zeros(n, dtype=bool)
    where: list[tuple[int, int, int]] = []
    value = slope = None
    with np.errstate(all="ignore"):
        for ci, (ch, s) in enumerate(zip(chains, signs)):
            u, du = x, None  # du None: the slope of x, 1 (c'(u) * 1 is c'(u) exactly)
            for k, comp in enumerate(ch):
                if comp["kind"] == "abs":
                    cells = _sign_change(u - comp["b"])
                    corner |= cells
                    where += [(int(i), ci, k) for i in np.nonzero(cells)[0]]
                elif comp["kind"] == "rat":
                    pole |= _sign_change(comp["c"] * u + comp["d"])
                fn, dfn, names = _kind_functions(comp["kind"], "numpy")
                coeffs = [comp[nm] for nm in names]
                zero = 0 * u
                d = dfn(u, *coeffs) + zero
                u, du = fn(u, *coeffs) + zero, d if du is None else d * du
            bad = ~(np.isfinite(u) & np.isfinite(du))
            pole |= bad[:-1] | bad[1:]
            if value is None:  # 0 + s * u, as a sum from zeros would give (-0.0 becomes 0.0)
                value, slope = s * u + 0.0, s * du + 0.0
            else:
                value += s * u
                slope += s * du
    vs = np.sign(value).astype(int)
    for idx, end in ((0, lo), (n, hi)):
        if float(end).is_integer() and exact_is_zero(chains, signs, int(end)):
            vs[idx] = 0
    return Scan(x, value, slope, pole, corner, where, vs)


def _pairs(sign: np.ndarray, blocked: np.ndarray, adjacent: bool) -> tuple[np.ndarray, np.ndarray]:
    """Consecutive nonzero samples (j, k) of opposite sign with no blocked cell between them."""
    nz = np.nonzero(sign)[0]
    j, k = nz[:-1], nz[1:]
    cum = np.concatenate([[0], np.cumsum(blocked)])
    ok = (cum[k] - cum[j] == 0) & (sign[j] != sign[k])
    if adjacent:
        ok &= k == j + 1
    return j[ok], k[ok]


def zero_positions(sc: Scan) -> list[tuple[float, float]]:
    """Brackets (a, a) for exact zeros at samples, (x_j, x_k) for sign changes, left to right."""
    out = [(float(sc.x[i]), float(sc.x[i])) for i in np.nonzero(sc.value_sign == 0)[0]]
    j, k = _pairs(sc.value_sign, sc.pole_cell, adjacent=True)
    out += [(float(sc.x[a]), float(sc.x[b])) for a, b in zip(j, k)]
    return sorted(out)


def extremum_cells(sc: Scan) -> list[tuple[int, int, str]]:
    """(j, k, 'min' | 'max') for each sign change of h' between samples j < k not across a pole."""
    s = np.sign(sc.slope).astype(int)
    j, k = _pairs(s, sc.pole_cell, adjacent=False)
    return [(int(a), int(b), "min" if s[a] < 0 else "max") for a, b in zip(j, k)]


def monotone_runs(sc: Scan, direction: int) -> int:
    """Number of maximal open intervals where h is differentiable and sign(h') == direction."""
    pos = np.sign(sc.slope).astype(int) == direction
    split = sc.pole_cell | sc.corner_cell
    starts = pos.copy()
    starts[1:] &= ~pos[:-1] | split
    return int(starts.sum())


# ---------------------------------------------------------------- mpmath refinement

def _mp_chain(ch: Chain, x, upto: int | None = None):
    u, du = x, mpmath.mpf(1)
    for comp in ch[: upto if upto is not None else len(ch)]:
        fn, dfn = _mp_component(comp)
        u, du = fn(u), dfn(u) * du
    return u, du


def mp_function(chains: list[Chain], signs: tuple[int, ...], upto: int | None = None) -> Callable:
    """x -> h(x) in mpmath (``upto`` stops the single chain after that many components).

    The components' mpmath functions are built once per call of ``mp_function`` (root finders evaluate
    the result many times); only values are computed (``_mp_chain`` also carries the derivative)."""
    stages = [[_mp_component(c)[0] for c in ch[: upto if upto is not None else len(ch)]] for ch in chains]

    def value(x):
        total = 0
        for fns, s in zip(stages, signs):
            u = x
            for fn in fns:
                u = fn(u)
            total = total + s * u
        return total
    return value


def mp_derivative(chains: list[Chain], signs: tuple[int, ...]) -> Callable:
    """x -> h'(x) in mpmath, by the chain rule over the components (built once, as in ``mp_function``)."""
    stages = [[_mp_component(c) for c in ch] for ch in chains]

    def slope(x):
        total = 0
        for fns, s in zip(stages, signs):
            u, du = x, mpmath.mpf(1)
            for fn, dfn in fns:
                u, du = fn(u), dfn(u) * du
            total = total + s * du
        return total
    return slope


def root_in(func: Callable, a: float, b: float, dps: int = 30) -> mpmath.mpf:
    """A root of ``func`` between a and b (which bracket a sign change) by findroot, else bisection."""
    with mpmath.workdps(dps + 10):
        lo, hi = mpmath.mpf(a), mpmath.mpf(b)
        if lo == hi:
            return lo
        try:
            r = mpmath.findroot(func, (lo, hi), solver="illinois", tol=mpmath.mpf(10) ** (-(dps + 5)))
            if lo <= r <= hi:
                return +r
        except (ValueError, ZeroDivisionError):
            pass
        flo = func(lo)
        for _ in range(4 * dps):
            m = (lo + hi) / 2
            fm = func(m)
            if (fm > 0) == (flo > 0):
                lo, flo = m, fm
            else:
                hi = m
        return (lo + hi) / 2


# ---------------------------------------------------------------- quadrature

_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(24)


def gauss_legendre(func: Callable[[np.ndarray], np.ndarray], cuts: list[float], chunk: float = 0.02) -> float:
    """Composite 24-point Gauss-Legendre over [cuts[0], cuts[-1]], with every cut a panel edge."""
    total = 0.0
    for a, b in zip(cuts[:-1], cuts[1:]):
        m = max(1, int(math.ceil((b - a) / chunk)))
        edges = np.linspace(a, b, m + 1)
        half = (edges[1:] - edges[:-1])[:, None] / 2
        mid = (edges[1:] + edges[:-1])[:, None] / 2
        xs = mid + half * _GL_NODES[None, :]
        total += float(np.sum(func(xs) * _GL_WEIGHTS[None, :] * half))
    return total


def np_function(chains: list[Chain], signs: tuple[int, ...]) -> Callable[[np.ndarray], np.ndarray]:
    def f(x):
        total = np.zeros_like(x, dtype=float)
        for ch, s in zip(chains, signs):
            u = x
            for comp in ch:
                u = _np_component(comp)[0](u)
            total += s * u
        return total
    return f
