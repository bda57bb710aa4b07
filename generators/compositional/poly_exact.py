"""Exact univariate polynomials over the rationals and two independent ways to count their real roots.

A polynomial is a list of ``Fraction`` coefficients, lowest degree first (``[c0, c1, c2]`` is c0 + c1 x + c2 x^2),
with no trailing zeros (the zero polynomial is ``[]``).

* :func:`sturm_count` - a hand-rolled Sturm sequence over Fractions on the square-free part: the number of
  *distinct* real roots in a half-open interval (lo, hi], either end possibly infinite.
* :func:`sympy_count` - sympy's ``Poly.count_roots`` on the square-free part (closed interval), adjusted to the
  same half-open convention. Used as the second, independent route.

:func:`count_on_interval` turns either counter into a count on any interval with chosen open/closed ends.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import sympy

Poly = list[Fraction]
X = sympy.Symbol("x")


def normalize(p: Sequence) -> Poly:
    out = [Fraction(c) for c in p]
    while out and out[-1] == 0:
        out.pop()
    return out


def degree(p: Poly) -> int:
    return len(p) - 1


def add(p: Poly, q: Poly) -> Poly:
    n = max(len(p), len(q))
    return normalize([(p[i] if i < len(p) else 0) + (q[i] if i < len(q) else 0) for i in range(n)])


def scale(p: Poly, c: Fraction | int) -> Poly:
    return normalize([c * a for a in p])


def sub(p: Poly, q: Poly) -> Poly:
    return add(p, scale(q, -1))


def mul(p: Poly, q: Poly) -> Poly:
    if not p or not q:
        return []
    out = [Fraction(0)] * (len(p) + len(q) - 1)
    for i, a in enumerate(p):
        if a:
            for j, b in enumerate(q):
                out[i + j] += a * b
    return normalize(out)


def power(p: Poly, k: int) -> Poly:
    out: Poly = [Fraction(1)]
    for _ in range(k):
        out = mul(out, p)
    return out


def compose(outer: Poly, inner: Poly) -> Poly:
    """outer(inner(x)) by Horner's scheme."""
    out: Poly = []
    for c in reversed(outer):
        out = add(mul(out, inner), [Fraction(c)])
    return out


def evaluate(p: Poly, x: Fraction | int) -> Fraction:
    acc = Fraction(0)
    for c in reversed(p):
        acc = acc * x + c
    return acc


def derivative(p: Poly) -> Poly:
    return normalize([i * p[i] for i in range(1, len(p))])


def divmod_poly(p: Poly, q: Poly) -> tuple[Poly, Poly]:
    if not q:
        raise ZeroDivisionError("division by the zero polynomial")
    rem = list(p)
    quot = [Fraction(0)] * max(0, len(p) - len(q) + 1)
    lead = q[-1]
    while len(rem) >= len(q) and rem:
        shift = len(rem) - len(q)
        f = rem[-1] / lead
        quot[shift] = f
        for i, c in enumerate(q):
            rem[i + shift] -= f * c
        rem = normalize(rem)
    return normalize(quot), rem


def gcd(p: Poly, q: Poly) -> Poly:
    """Monic gcd by the Euclidean algorithm (``[]`` only when both are zero)."""
    a, b = normalize(p), normalize(q)
    while b:
        a, b = b, divmod_poly(a, b)[1]
    return scale(a, 1 / a[-1]) if a else []


def squarefree_part(p: Poly) -> Poly:
    """p / gcd(p, p'): the same roots, each simple."""
    p = normalize(p)
    if len(p) <= 1:
        return p
    return divmod_poly(p, gcd(p, derivative(p)))[0]


def _primitive(p: Sequence) -> list[int]:
    """A positive multiple of p with coprime integer coefficients (same roots, same signs)."""
    fr = [Fraction(c) for c in p]
    den = 1
    for c in fr:
        den = den * c.denominator // math.gcd(den, c.denominator)
    ints = [int(c * den) for c in fr]
    g = 0
    for c in ints:
        g = math.gcd(g, c)
    return [c // g for c in ints] if g > 1 else ints


def _int_trim(p: list[int]) -> list[int]:
    while p and p[-1] == 0:
        p.pop()
    return p


def _positive_pseudo_remainder(a: list[int], b: list[int]) -> list[int]:
    """Remainder of |lc(b)|^k * a by b (k = deg a - deg b + 1): integral and a positive multiple of a mod b."""
    rem = list(a)
    lead = b[-1]
    mult = abs(lead)
    sign = 1 if lead > 0 else -1
    while len(rem) >= len(b) and rem:
        shift = len(rem) - len(b)
        top = rem[-1]
        # rem <- mult * rem - sign * top * x^shift * b  (kills the leading term, positive factor mult)
        rem = [mult * c for c in rem]
        for i, c in enumerate(b):
            rem[i + shift] -= sign * top * c
        rem = _int_trim(rem)
    return rem


def _int_derivative(p: list[int]) -> list[int]:
    return _int_trim([i * p[i] for i in range(1, len(p))])


def _int_sign_at(p: list[int], x: Fraction | None, side: int) -> int:
    """Sign of p at x; x None means +infinity (side=+1) or -infinity (side=-1)."""
    if not p:
        return 0
    if x is None:
        lead = 1 if p[-1] > 0 else -1
        return lead if side > 0 or (len(p) - 1) % 2 == 0 else -lead
    num, den = x.numerator, x.denominator
    # den^deg * p(num/den) as an integer (same sign as p(x) since den > 0)
    acc = 0
    for i, c in enumerate(reversed(p)):
        acc = acc * num + c * den**i
    return (acc > 0) - (acc < 0)


def _sign_changes(signs: list[int]) -> int:
    nz = [s for s in signs if s]
    return sum(1 for a, b in zip(nz, nz[1:]) if a != b)


def _sturm_sequence(p: Poly) -> list[list[int]]:
    first = _primitive(p)
    seq = [first, _primitive(_int_derivative(first))]
    while True:
        r = _positive_pseudo_remainder(seq[-2], seq[-1])
        if not r:
            return seq
        seq.append([-c for c in _primitive(r)])


def sturm_count(p: Poly, lo: Fraction | None, hi: Fraction | None) -> int:
    """Distinct real roots of p in (lo, hi]; None is -infinity for lo and +infinity for hi.

    Sturm's theorem with every sequence member kept as a primitive integer polynomial (positive
    pseudo-remainders preserve the signs the theorem needs). The last member is gcd(p, p'); when it is not
    constant, p is replaced by its square-free part and the sequence is rebuilt.
    """
    p = normalize(p)
    if not p:
        raise ValueError("the zero polynomial has infinitely many roots")
    if len(p) == 1:
        return 0
    seq = _sturm_sequence(p)
    if len(seq[-1]) > 1:
        seq = _sturm_sequence(divmod_poly(p, normalize(seq[-1]))[0])
        if len(seq[0]) == 1:
            return 0
    at_lo = _sign_changes([_int_sign_at(s, lo, -1) for s in seq])
    at_hi = _sign_changes([_int_sign_at(s, hi, +1) for s in seq])
    return at_lo - at_hi


def rational_roots(p: Poly) -> list[Fraction]:
    """The distinct rational roots of p, sorted (by hand up to degree 2, sympy above)."""
    p = normalize(p)
    if len(p) <= 1:
        return []
    if len(p) == 2:
        return [-p[0] / p[1]]
    if len(p) == 3:
        c, b, a = p
        disc = b * b - 4 * a * c
        if disc < 0:
            return []
        num, den = disc.numerator, disc.denominator
        rn, rd = math.isqrt(num), math.isqrt(den)
        if rn * rn != num or rd * rd != den:
            return []
        root = Fraction(rn, rd)
        return sorted({(-b - root) / (2 * a), (-b + root) / (2 * a)})
    poly = sympy.Poly([sympy.Rational(c.numerator, c.denominator) for c in reversed(p)], X)
    return sorted({Fraction(int(r.p), int(r.q)) for r in sympy.roots(poly, filter="Q")})


def sympy_count(p: Poly, lo: Fraction | None, hi: Fraction | None) -> int:
    """Distinct real roots in (lo, hi] by sympy's root counter (closed interval, minus a root at lo)."""
    p = normalize(p)
    if not p:
        raise ValueError("the zero polynomial has infinitely many roots")
    if len(p) == 1:
        return 0
    poly = sympy.Poly([sympy.Rational(c.numerator, c.denominator) for c in reversed(p)], X).sqf_part()
    inf = None if lo is None else sympy.Rational(lo.numerator, lo.denominator)
    sup = None if hi is None else sympy.Rational(hi.numerator, hi.denominator)
    n = int(poly.count_roots(inf, sup))
    if lo is not None and evaluate(p, lo) == 0:
        n -= 1
    return n


def count_on_interval(
    p: Poly,
    lo: Fraction | None,
    hi: Fraction | None,
    *,
    lo_closed: bool,
    hi_closed: bool,
    counter=sturm_count,
) -> int:
    """Distinct real roots on the interval with the given ends (None = infinite, never closed)."""
    n = counter(p, lo, hi)
    if lo is not None and lo_closed and evaluate(p, lo) == 0:
        n += 1
    if hi is not None and not hi_closed and evaluate(p, hi) == 0:
        n -= 1
    return n


def to_sympy(p: Poly, x: sympy.Symbol = X) -> sympy.Expr:
    return sum((sympy.Rational(c.numerator, c.denominator) * x**i for i, c in enumerate(p)), sympy.Integer(0))
