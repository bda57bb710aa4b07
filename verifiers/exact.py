"""Exact rational evaluation of a parsed answer with ``fractions.Fraction`` (the fast path: no sympy).

Raises ``NotRational`` when the value is not a rational number this module can prove (symbols, surds that
are not perfect powers, pi, trigonometric functions...), and ``TooLarge`` when a guard fires (exponent
above ``MAX_EXPONENT``, a result above ``MAX_RESULT_BITS`` bits, a factorial above ``MAX_FACTORIAL``).
Options: ``percent`` is "divide" (50% = 1/2) or "unit" (50% = 50); ``degree`` is "unit" (30° = 30) or
"radians" (not rational: left to the symbolic path).
"""
from __future__ import annotations

import math
from fractions import Fraction

from .errors import NotRational, ParseError, TooLarge
from .limits import MAX_EXPONENT, MAX_FACTORIAL, MAX_RESULT_BITS

ONE = Fraction(1)


def _bits(value: Fraction) -> int:
    return max(value.numerator.bit_length(), value.denominator.bit_length())


def _check(value: Fraction) -> Fraction:
    if _bits(value) > MAX_RESULT_BITS:
        raise TooLarge("number too large")
    return value


def _int_root(n: int, k: int) -> int | None:
    """Exact non-negative integer k-th root of n >= 0, or None."""
    if n < 2:
        return n
    r = round(n ** (1.0 / k)) if n.bit_length() < 1000 else _newton_root(n, k)
    for cand in (r - 1, r, r + 1):
        if cand >= 0 and cand**k == n:
            return cand
    return None


def _newton_root(n: int, k: int) -> int:
    x = 1 << ((n.bit_length() + k - 1) // k)
    while True:
        y = ((k - 1) * x + n // x ** (k - 1)) // k
        if y >= x:
            return x
        x = y


def rational_root(value: Fraction, k: int) -> Fraction:
    """Exact k-th root of a rational, or NotRational."""
    if k <= 0 or k > 64:
        raise NotRational("root index")
    negative = value < 0
    if negative and k % 2 == 0:
        raise NotRational("even root of a negative number")
    num, den = _int_root(abs(value.numerator), k), _int_root(value.denominator, k)
    if num is None or den is None:
        raise NotRational("not a perfect power")
    root = Fraction(num, den)
    return -root if negative else root


def power(base: Fraction, exp: Fraction) -> Fraction:
    if exp.denominator != 1:
        return power(rational_root(base, exp.denominator), Fraction(exp.numerator))
    e = exp.numerator
    if base == 0:
        if e < 0:
            raise ParseError("division by zero")
        return ONE if e == 0 else Fraction(0)
    if base in (1, -1):
        return base ** (e % 2) if base == -1 else ONE
    if abs(e) > MAX_EXPONENT or abs(e) * _bits(base) > MAX_RESULT_BITS:
        raise TooLarge("exponent too large")
    return base**e


def _integer(value: Fraction, what: str) -> int:
    if value.denominator != 1:
        raise NotRational(f"{what} of a non-integer")
    return value.numerator


def _function(name: str, args: list[Fraction]) -> Fraction:
    if name == "abs":
        return abs(args[0])
    if name == "floor":
        return Fraction(math.floor(args[0]))
    if name == "ceil":
        return Fraction(math.ceil(args[0]))
    if name == "sqrt":
        return rational_root(args[0], 2)
    if name == "root":
        return rational_root(args[0], _integer(args[1], "root index"))
    if name == "factorial":
        n = _integer(args[0], "factorial")
        if n < 0:
            raise ParseError("factorial of a negative number")
        if n > MAX_FACTORIAL:
            raise TooLarge("factorial too large")
        return Fraction(math.factorial(n))
    if name == "binomial":
        n, k = _integer(args[0], "binomial"), _integer(args[1], "binomial")
        if n < 0 or n > 20 * MAX_FACTORIAL:
            raise NotRational("binomial outside the exact range")
        return Fraction(math.comb(n, k)) if 0 <= k else Fraction(0)
    raise NotRational(name)


def evaluate(node: tuple, percent: str = "divide", degree: str = "unit") -> Fraction:
    """The exact value of ``node`` (see module docstring)."""
    kind = node[0]
    if kind == "num":
        return node[1]
    if kind == "add":
        return _check(sum((evaluate(t, percent, degree) for t in node[1]), Fraction(0)))
    if kind == "neg":
        return -evaluate(node[1], percent, degree)
    if kind == "mul":
        out = ONE
        for f in node[1]:
            out = _check(out * evaluate(f, percent, degree))
        return out
    if kind == "div":
        num, den = evaluate(node[1], percent, degree), evaluate(node[2], percent, degree)
        if den == 0:
            raise ParseError("division by zero")
        return _check(num / den)
    if kind == "pow":
        return power(evaluate(node[1], percent, degree), evaluate(node[2], percent, degree))
    if kind == "func":
        return _check(_function(node[1], [evaluate(a, percent, degree) for a in node[2]]))
    if kind == "pct":
        value = evaluate(node[1], percent, degree)
        return value / 100 if percent == "divide" else value
    if kind == "deg":
        if degree != "unit":
            raise NotRational("degrees as radians")
        return evaluate(node[1], percent, degree)
    if kind == "pm":
        raise ParseError("ambiguous \\pm")
    raise NotRational(kind)


def try_evaluate(node: tuple, percent: str = "divide", degree: str = "unit") -> Fraction | None:
    """``evaluate`` or None when the value is not provably rational (TooLarge still propagates)."""
    try:
        return evaluate(node, percent, degree)
    except NotRational:
        return None


def decimal_literal(node: tuple) -> tuple[Fraction, int, int] | None:
    """(value, decimal places, significant digits) when ``node`` is a plain signed decimal literal."""
    sign = 1
    while node[0] == "neg":
        sign, node = -sign, node[1]
    if node[0] != "num" or "." not in node[2] or "(" in node[2] or " " in node[2]:
        return None
    text = node[2]
    places = len(text.split(".", 1)[1])
    significant = len(text.replace(".", "").lstrip("0"))
    return sign * node[1], places, significant


def round_half_away(value: Fraction, places: int) -> Fraction:
    scale = 10**places
    scaled = abs(value) * scale
    q, r = divmod(scaled.numerator, scaled.denominator)
    if 2 * r >= scaled.denominator:
        q += 1
    return Fraction(q if value >= 0 else -q, scale)


def truncate(value: Fraction, places: int) -> Fraction:
    scale = 10**places
    q = abs(value.numerator) * scale // value.denominator
    return Fraction(q if value >= 0 else -q, scale)
