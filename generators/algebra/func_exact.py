"""Exact zero counts and derivative signs for piecewise-rational composites (no sin, cos or exp), FLINT.

Between consecutive certified breakpoints (corners and poles, located by ``func_roots``) a chain of
linear, quadratic, |.| and rational components is one rational function P/Q with integer coefficients:
the sign of every |.| argument is fixed on the piece and is read exactly at a rational midpoint. The
zeros of f (or of f - g) on the piece are the real roots of the square-free numerator, counted exactly
by a Sturm sequence in rational arithmetic (python-flint's ``fmpq_poly``; an end point that is a root is
tested exactly and divided out first) on the closed rational piece. Piece ends are rational points
inside the breakpoint brackets, where the certified analysis has already excluded zeros, and the outer
ends are the exact interval ends, so zeros there are counted exactly too. Critical points are the real
roots of N = P'Q - PQ'; f' = N/Q^2 changes sign at a root exactly when its multiplicity in N is odd (read
from the exact square-free factorisation of N), and its sign at the piece's left end is evaluated exactly.

Speed (issue 18): these were sympy ``count_roots`` / ``intervals`` calls (pure Python); the FLINT forms
decide the same exact counts and signs (``tests/generators/test_func_exact.py`` compares them).
"""
from __future__ import annotations

from fractions import Fraction

from flint import fmpq, fmpq_poly, fmpz_poly

from generators.algebra.func_model import TRANSCENDENTAL_KINDS, Chain
from generators.algebra.func_roots import Bracket, Uncertain, analyze
from generators.family import VerificationError

_X1 = fmpz_poly([0, 1])
_ONE = fmpz_poly([1])


def is_piecewise_rational(chains: list[Chain]) -> bool:
    return not any(c["kind"] in TRANSCENDENTAL_KINDS for ch in chains for c in ch)


def _q(t: Fraction) -> fmpq:
    return fmpq(t.numerator, t.denominator)


def _sign(v) -> int:
    return (v > 0) - (v < 0)


def piece_fraction(chain: Chain, mid: Fraction) -> tuple[fmpz_poly, fmpz_poly]:
    """(P, Q) with f = P/Q on the piece containing the rational point ``mid`` (integer polynomials)."""
    p, q = _X1, _ONE
    at = _q(mid)
    for c in chain:
        k = c["kind"]
        if k == "lin":
            p = c["a"] * p + c["b"] * q
        elif k == "quad":
            q2 = q * q
            p = c["a"] * p * p + c["b"] * p * q + c["c"] * q2
            q = q2
        elif k == "abs":
            shifted = p - c["b"] * q
            s = _sign(shifted(at)) * _sign(q(at))
            if s == 0:
                raise Uncertain("a piece midpoint sits on a corner")
            p = c["a"] * s * shifted + c["c"] * q
        else:
            p, q = c["a"] * p + c["b"] * q, c["c"] * p + c["d"] * q
    return p, q


def _sqf(p: fmpz_poly) -> fmpz_poly:
    """The square-free part of a nonzero integer polynomial (same distinct roots)."""
    return p // p.gcd(p.derivative())


def _variations(seq: list[fmpq_poly], t: fmpq) -> int:
    out, prev = 0, 0
    for s in seq:
        v = _sign(s(t))
        if v:
            if prev and v != prev:
                out += 1
            prev = v
    return out


def roots_in(p: fmpz_poly, a: Fraction, b: Fraction) -> int:
    """Number of distinct real roots of the square-free integer polynomial ``p`` in the closed [a, b] (a < b),
    exactly: a root at an end is found by exact evaluation and divided out, the open interval is counted
    by Sturm's theorem (sign variations of the Sturm sequence at a and at b, neither a root)."""
    count = 0
    qa, qb = _q(a), _q(b)
    for t, qt in ((a, qa), (b, qb)):
        if p.degree() >= 1 and p(qt) == 0:
            count += 1
            p = p // fmpz_poly([-t.numerator, t.denominator])  # exact: d x - n is primitive
    if p.degree() < 1:
        return count
    seq = [fmpq_poly(p), fmpq_poly(p.derivative())]
    while seq[-1].degree() >= 1:
        r = seq[-2] % seq[-1]
        if r.is_zero():
            break
        seq.append(-r)
    return count + _variations(seq, qa) - _variations(seq, qb)


def exact_zero_count(chains: list[Chain], signs: tuple[int, ...], breaks: list[Bracket], lo: int, hi: int) -> int:
    """Number of distinct zeros of h = sum signs*chains on [lo, hi] (ends included), exactly."""
    if not is_piecewise_rational(chains):
        raise ValueError("exact counting needs piecewise-rational chains")
    ends = [Fraction(lo)] + [Fraction(v) for br in breaks for v in (br.lo, br.hi)] + [Fraction(hi)]
    total = 0
    for a, b in zip(ends[0::2], ends[1::2]):
        mid = (a + b) / 2
        num, den = fmpz_poly([0]), _ONE
        for ch, s in zip(chains, signs):
            p, q = piece_fraction(ch, mid)
            num, den = num * q + s * p * den, den * q
        if num.is_zero():
            raise Uncertain("f and g coincide on a whole piece")
        total += roots_in(_sqf(num), a, b)
    return total


def certified_zero_count(chains: list[Chain], signs: tuple[int, ...], lo: int, hi: int, delta: float = 1e-3) -> int:
    """Zeros of h on [lo, hi]: the interval-certified count, and for piecewise-rational h also the exact
    (FLINT) count on the certified pieces; a mismatch is a bug and raises VerificationError."""
    res = analyze(chains, signs, lo, hi, delta=delta)
    count = res.zero_count()
    if is_piecewise_rational(chains):
        exact = exact_zero_count(chains, signs, res.breaks, lo, hi)
        if exact != count:
            raise VerificationError(f"exact zero count {exact} != interval count {count} for {chains}")
    return count


def exact_slopes(chain: Chain, breaks: list[Bracket], lo: int, hi: int) -> list[int]:
    """Sign of f' on each gap between consecutive events (critical points and breakpoints), exactly.

    On each piece [a, b] the critical points are the distinct real roots of N = P'Q - PQ' (f' = N/Q^2),
    counted exactly (``roots_in``) per factor of N's square-free factorisation. With no root the sign of
    f' is N's at the midpoint; with r roots it is N's sign at a, alternating r times. A root at a or b,
    or a root of even multiplicity (a flat point, where f' keeps its sign) raises Uncertain.
    """
    ends = [Fraction(lo)] + [Fraction(v) for br in breaks for v in (br.lo, br.hi)] + [Fraction(hi)]
    slopes: list[int] = []
    for a, b in zip(ends[0::2], ends[1::2]):
        p, q = piece_fraction(chain, (a + b) / 2)
        num = p.derivative() * q - p * q.derivative()
        if num.is_zero():
            raise Uncertain("a flat critical point or an undecided derivative sign")
        roots, even = 0, False
        for factor, mult in num.factor_squarefree()[1]:
            r = roots_in(factor, a, b)
            roots += r
            even |= r > 0 and mult % 2 == 0
        if not roots:
            slopes.append(_sign(num(_q((a + b) / 2))))
            continue
        first, last = _sign(num(_q(a))), _sign(num(_q(b)))
        if first == 0 or last == 0 or even:
            raise Uncertain("a flat critical point or an undecided derivative sign")
        slopes += [first if i % 2 == 0 else -first for i in range(roots + 1)]
    return slopes


def certified_slopes(chain: Chain, lo: int, hi: int, delta: float = 1e-3):
    """Interval-certified analysis with critical points; for a piecewise-rational f the derivative signs
    are also derived exactly (FLINT), and a mismatch raises VerificationError."""
    res = analyze([chain], (1,), lo, hi, zeros=False, crits=True, delta=delta)
    if is_piecewise_rational([chain]):
        exact = exact_slopes(chain, res.breaks, lo, hi)
        if exact != res.slopes:
            raise VerificationError(f"exact derivative signs {exact} != interval signs {res.slopes} for {chain}")
    return res
