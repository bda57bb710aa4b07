"""The FLINT exact counts of ``func_exact`` decide what sympy's exact root counting decides (issue 18).

sympy (``Poly.count_roots`` / ``Poly.intervals``, the former implementation) is the reference: the same
distinct-root counts on closed rational intervals (end points that are roots included), the same
derivative signs, and Uncertain in the same cases (flat points, roots at piece ends).
"""
from __future__ import annotations

import random
from fractions import Fraction

import pytest
import sympy as sp
from flint import fmpz_poly

from generators.algebra import func_hard as hard
from generators.algebra.func_exact import _sqf, exact_slopes, exact_zero_count, piece_fraction, roots_in
from generators.algebra.func_model import draw_chain
from generators.algebra.func_roots import Bracket, Uncertain

_X = sp.Symbol("x")


def _sympy(p: fmpz_poly) -> sp.Poly:
    return sp.Poly([int(c) for c in reversed(p.coeffs())], _X, domain="ZZ")


def _rat(t: Fraction) -> sp.Rational:
    return sp.Rational(t.numerator, t.denominator)


def _sympy_slopes(chain, breaks, lo, hi) -> list[int]:
    """The former sympy form of ``exact_slopes`` (isolating intervals, signs evaluated between them)."""
    ends = [Fraction(lo)] + [Fraction(v) for br in breaks for v in (br.lo, br.hi)] + [Fraction(hi)]
    out = []
    for a, b in zip(ends[0::2], ends[1::2]):
        p, q = (_sympy(t) for t in piece_fraction(chain, (a + b) / 2))
        num = p.diff(_X) * q - p * q.diff(_X)
        iso = sorted(num.sqf_part().intervals(inf=_rat(a), sup=_rat(b), eps=sp.Rational(1, 10**6)))
        iso = [(Fraction(int(s.p), int(s.q)), Fraction(int(t.p), int(t.q))) for (s, t), _ in iso]
        points = [a] + [(iso[i][1] + iso[i + 1][0]) / 2 for i in range(len(iso) - 1)] + [b] if iso else [(a + b) / 2]
        signs = [int(sp.sign(num.eval(_rat(t)))) for t in points]
        if 0 in signs or any(s == t for s, t in zip(signs, signs[1:])):
            raise Uncertain("flat")
        out += signs
    return out


def _sympy_zero_count(chains, signs, breaks, lo, hi) -> int:
    """The former sympy form of ``exact_zero_count`` (Sturm counting of the square-free numerator)."""
    ends = [Fraction(lo)] + [Fraction(v) for br in breaks for v in (br.lo, br.hi)] + [Fraction(hi)]
    total = 0
    for a, b in zip(ends[0::2], ends[1::2]):
        num, den = sp.Poly(0, _X, domain="ZZ"), sp.Poly(1, _X, domain="ZZ")
        for ch, s in zip(chains, signs):
            p, q = (_sympy(t) for t in piece_fraction(ch, (a + b) / 2))
            num, den = num * q + s * p * den, den * q
        if num.is_zero:
            raise Uncertain("coincide")
        total += int(num.sqf_part().count_roots(_rat(a), _rat(b)))
    return total


def _outcome(fn, *args):
    try:
        return fn(*args)
    except Uncertain:
        return "uncertain"


def test_roots_in_counts_what_sympy_counts_with_roots_at_the_ends():
    rng = random.Random(3)
    at_end = 0
    for _ in range(600):
        p = fmpz_poly([rng.randint(-3, 3) for _ in range(rng.randint(1, 4))])
        for _ in range(rng.randint(0, 4)):
            r = Fraction(rng.randint(-6, 6), rng.choice([1, 2, 3]))
            p = p * fmpz_poly([-r.numerator, r.denominator])
        if p.is_zero() or p.degree() < 1:
            continue
        sq = _sqf(p)
        a = Fraction(rng.randint(-8, 7), rng.choice([1, 2, 3]))
        b = a + Fraction(rng.randint(1, 12), rng.choice([1, 2, 3]))
        at_end += int(sq(a.numerator) == 0) if a.denominator == 1 else 0
        assert roots_in(sq, a, b) == _sympy(sq).count_roots(_rat(a), _rat(b))
    assert at_end > 20  # the end-point branch is exercised


@pytest.mark.parametrize("seed", [1, 2])
def test_exact_forms_agree_with_sympy_on_arbitrary_pieces(seed):
    rng = random.Random(seed)
    flat = 0
    for i in range(120):
        x0 = Fraction(rng.randint(-12, 12), rng.choice([1, 2, 4]))
        f = hard.flat_chain(rng, rng.randint(3, 5), x0, 0.0) if i % 2 else None
        f = f or draw_chain(rng, rng.randint(1, 4), 0.0)
        lo, hi = rng.randint(-10, 0), rng.randint(1, 10)
        breaks = [Bracket(c, c + 1e-7, "corner") for c in sorted(rng.uniform(lo, hi) for _ in range(rng.randint(0, 2)))]
        want = _outcome(_sympy_slopes, f, breaks, lo, hi)
        flat += want == "uncertain"
        assert _outcome(exact_slopes, f, breaks, lo, hi) == want
        g = draw_chain(rng, rng.randint(1, 3), 0.0)
        for chains, signs in (([f], (1,)), ([f, g], (1, -1))):
            assert _outcome(exact_zero_count, chains, signs, breaks, lo, hi) == _outcome(
                _sympy_zero_count, chains, signs, breaks, lo, hi)
    assert flat >= 1  # flat extrema (even-multiplicity critical points) reach the Uncertain branch
