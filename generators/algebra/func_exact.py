"""Exact zero counts and derivative signs for piecewise-rational composites (no sin, cos or exp), sympy.

Between consecutive certified breakpoints (corners and poles, located by ``func_roots``) a chain of
linear, quadratic, |.| and rational components is one rational function P/Q with integer coefficients:
the sign of every |.| argument is fixed on the piece and is read exactly at a rational midpoint. The
zeros of f (or of f - g) on the piece are the real roots of the square-free numerator, counted exactly
with sympy's Sturm-sequence root counting on a closed rational interval. Piece ends are rational points
inside the breakpoint brackets, where the certified analysis has already excluded zeros, and the outer
ends are the exact interval ends, so zeros there are counted exactly too. Critical points are the real
roots of P'Q - PQ' isolated the same way, with the sign of f' evaluated exactly between them.
"""
from __future__ import annotations

from fractions import Fraction

import sympy as sp
from sympy.polys.densearith import dup_add, dup_mul, dup_mul_ground, dup_sqr
from sympy.polys.domains import ZZ

from generators.algebra.func_model import TRANSCENDENTAL_KINDS, Chain
from generators.algebra.func_roots import Bracket, Uncertain, analyze
from generators.family import VerificationError

_X = sp.Symbol("x")


def is_piecewise_rational(chains: list[Chain]) -> bool:
    return not any(c["kind"] in TRANSCENDENTAL_KINDS for ch in chains for c in ch)


def _eval(p: sp.Poly | list, t: Fraction) -> Fraction:
    acc = Fraction(0)
    for coef in (p if isinstance(p, list) else p.all_coeffs()):
        acc = acc * t + int(coef)
    return acc


def _comb(a: int, p: list, b: int, q: list) -> list:
    """a*p + b*q on dense integer coefficient lists (sympy's low-level ZZ arithmetic, no Poly overhead)."""
    return dup_add(dup_mul_ground(p, ZZ(a), ZZ), dup_mul_ground(q, ZZ(b), ZZ), ZZ)


def piece_fraction(chain: Chain, mid: Fraction) -> tuple[sp.Poly, sp.Poly]:
    """(P, Q) with f = P/Q on the piece containing the rational point ``mid``."""
    p, q = [ZZ(1), ZZ(0)], [ZZ(1)]
    for c in chain:
        k = c["kind"]
        if k == "lin":
            p = _comb(c["a"], p, c["b"], q)
        elif k == "quad":
            q2 = dup_sqr(q, ZZ)
            p = dup_add(_comb(c["a"], dup_sqr(p, ZZ), c["b"], dup_mul(p, q, ZZ)), dup_mul_ground(q2, ZZ(c["c"]), ZZ), ZZ)
            q = q2
        elif k == "abs":
            shifted = _comb(1, p, -c["b"], q)
            arg = _eval(shifted, mid) / _eval(q, mid)
            if arg == 0:
                raise Uncertain("a piece midpoint sits on a corner")
            s = 1 if arg > 0 else -1
            p = _comb(c["a"] * s, shifted, c["c"], q)
        else:
            p, q = _comb(c["a"], p, c["b"], q), _comb(c["c"], p, c["d"], q)
    return sp.Poly.from_list(p, _X, domain="ZZ"), sp.Poly.from_list(q, _X, domain="ZZ")


def exact_zero_count(chains: list[Chain], signs: tuple[int, ...], breaks: list[Bracket], lo: int, hi: int) -> int:
    """Number of distinct zeros of h = sum signs*chains on [lo, hi] (ends included), exactly."""
    if not is_piecewise_rational(chains):
        raise ValueError("exact counting needs piecewise-rational chains")
    ends = [Fraction(lo)] + [Fraction(v) for br in breaks for v in (br.lo, br.hi)] + [Fraction(hi)]
    total = 0
    for a, b in zip(ends[0::2], ends[1::2]):
        mid = (a + b) / 2
        num, den = sp.Poly(0, _X, domain="ZZ"), sp.Poly(1, _X, domain="ZZ")
        for ch, s in zip(chains, signs):
            p, q = piece_fraction(ch, mid)
            num, den = num * q + s * p * den, den * q
        if num.is_zero:
            raise Uncertain("f and g coincide on a whole piece")
        total += int(num.sqf_part().count_roots(sp.Rational(a.numerator, a.denominator),
                                                sp.Rational(b.numerator, b.denominator)))
    return total


def certified_zero_count(chains: list[Chain], signs: tuple[int, ...], lo: int, hi: int, delta: float = 1e-3) -> int:
    """Zeros of h on [lo, hi]: the interval-certified count, and for piecewise-rational h also the exact
    sympy count on the certified pieces; a mismatch is a bug and raises VerificationError."""
    res = analyze(chains, signs, lo, hi, delta=delta)
    count = res.zero_count()
    if is_piecewise_rational(chains):
        exact = exact_zero_count(chains, signs, res.breaks, lo, hi)
        if exact != count:
            raise VerificationError(f"exact zero count {exact} != interval count {count} for {chains}")
    return count


def _sign(v: Fraction) -> int:
    return (v > 0) - (v < 0)


def exact_slopes(chain: Chain, breaks: list[Bracket], lo: int, hi: int) -> list[int]:
    """Sign of f' on each gap between consecutive events (critical points and breakpoints), exactly.

    On each piece the critical points are the real roots of N = P'Q - PQ' (f' = N/Q^2), isolated by
    sympy on the closed rational piece and refined below 1e-6 (certified critical points are at least
    1e-3 apart); the sign of N is evaluated exactly between them. A root of N
    without a sign change (a flat point) raises Uncertain.
    """
    ends = [Fraction(lo)] + [Fraction(v) for br in breaks for v in (br.lo, br.hi)] + [Fraction(hi)]
    slopes: list[int] = []
    for a, b in zip(ends[0::2], ends[1::2]):
        p, q = piece_fraction(chain, (a + b) / 2)
        num = p.diff(_X) * q - p * q.diff(_X)
        iso = num.sqf_part().intervals(inf=sp.Rational(a.numerator, a.denominator),
                                       sup=sp.Rational(b.numerator, b.denominator), eps=sp.Rational(1, 10**6))
        iso = sorted((Fraction(int(s.p), int(s.q)), Fraction(int(t.p), int(t.q))) for (s, t), _ in iso)
        if iso:
            points = [a] + [(iso[i][1] + iso[i + 1][0]) / 2 for i in range(len(iso) - 1)] + [b]
        else:
            points = [(a + b) / 2]
        signs = [_sign(_eval(num, t)) for t in points]
        if 0 in signs or any(s == t for s, t in zip(signs, signs[1:])):
            raise Uncertain("a flat critical point or an undecided derivative sign")
        slopes += signs
    return slopes


def certified_slopes(chain: Chain, lo: int, hi: int, delta: float = 1e-3):
    """Interval-certified analysis with critical points; for a piecewise-rational f the derivative signs
    are also derived exactly with sympy, and a mismatch raises VerificationError."""
    res = analyze([chain], (1,), lo, hi, zeros=False, crits=True, delta=delta)
    if is_piecewise_rational([chain]):
        exact = exact_slopes(chain, res.breaks, lo, hi)
        if exact != res.slopes:
            raise VerificationError(f"exact derivative signs {exact} != interval signs {res.slopes} for {chain}")
    return res
