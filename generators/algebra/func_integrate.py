"""High-precision definite integrals of composite functions between certified cut points.

The interval is cut at every certified corner (and, for an area, every certified crossing of f and g),
each cut refined to 60 digits inside its certified bracket. On each piece the integrand is smooth: when
every component is linear, quadratic or |.| the piece is an exact integer polynomial (the sign of each
|.| argument is fixed on the piece) and is integrated exactly by sympy; otherwise ``mpmath.quad`` runs at
30+ digits on short panels and its error estimate must be below 1e-15, else the instance is uncertain.
"""
from __future__ import annotations

import mpmath
import sympy as sp

from generators.algebra.func_model import Chain
from generators.algebra.func_roots import Analysis, Uncertain, mp_jet, mp_value, refine

POLY_KINDS = frozenset({"lin", "quad", "abs"})
PANEL = mpmath.mpf("0.25")
QUAD_TOL = mpmath.mpf("1e-15")
_X = sp.Symbol("x")


def cut_points(res: Analysis, chains: list[Chain], signs: tuple[int, ...], crossings: bool) -> list[mpmath.mpf]:
    """[lo, corners..., (crossings...), hi] refined to 60 digits, in order."""
    cuts = [mpmath.mpf(res.lo), mpmath.mpf(res.hi)]
    for br in res.corners:
        ch = chains[br.chain]
        cuts.append(refine(lambda t: mp_jet(ch[: br.stage], t)[0] - ch[br.stage]["b"], (br.lo, br.hi), dps=60))
    if crossings:
        cuts += [refine(lambda t: mp_value(chains, signs, t), (z.lo, z.hi), dps=60) for z in res.zeros]
    return sorted(cuts)


def piece_polynomial(chain: Chain, mid: mpmath.mpf) -> sp.Poly:
    """The exact integer polynomial equal to a lin/quad/abs chain on the piece containing ``mid``."""
    u = sp.Poly(_X, _X, domain="ZZ")
    v = mid
    for c in chain:
        k = c["kind"]
        if k == "lin":
            u, v = c["a"] * u + c["b"], c["a"] * v + c["b"]
        elif k == "quad":
            u, v = c["a"] * u**2 + c["b"] * u + c["c"], c["a"] * v * v + c["b"] * v + c["c"]
        else:
            s = 1 if v - c["b"] > 0 else -1
            u, v = c["a"] * s * (u - c["b"]) + c["c"], c["a"] * abs(v - c["b"]) + c["c"]
    return u


def integrate(chains: list[Chain], signs: tuple[int, ...], cuts: list[mpmath.mpf], absolute: bool) -> mpmath.mpf:
    """The integral of h = sum signs*chains (or of |h|) over [cuts[0], cuts[-1]] at about 30 digits."""
    exact = all(c["kind"] in POLY_KINDS for ch in chains for c in ch)
    total = mpmath.mpf(0)
    with mpmath.workdps(60):
        for a, b in zip(cuts[:-1], cuts[1:]):
            if b - a <= 0:
                continue
            mid = (a + b) / 2
            flip = -1 if absolute and mp_value(chains, signs, mid) < 0 else 1
            if exact:
                poly = sum((s * piece_polynomial(ch, mid) for ch, s in zip(chains, signs)), sp.Poly(0, _X))
                anti = [mpmath.mpf(int(q)) / (i + 1) for i, q in enumerate(reversed(poly.all_coeffs()))]
                F = lambda t: sum(cf * t ** (i + 1) for i, cf in enumerate(anti))  # noqa: E731
                total += flip * (F(b) - F(a))
            else:
                total += flip * _quad(chains, signs, a, b)
    return total


def _quad(chains: list[Chain], signs: tuple[int, ...], a: mpmath.mpf, b: mpmath.mpf) -> mpmath.mpf:
    n = int(mpmath.ceil((b - a) / PANEL))
    edges = [a + (b - a) * i / n for i in range(n + 1)]
    with mpmath.workdps(32):
        val, err = mpmath.quad(lambda t: mp_value(chains, signs, t), edges, error=True, maxdegree=8)
    if not err < QUAD_TOL * max(1, abs(val)):
        raise Uncertain("quadrature error estimate too large")
    return val


def pole_free(res: Analysis) -> None:
    if res.poles:
        raise Uncertain("the integrand has a pole in the interval")
