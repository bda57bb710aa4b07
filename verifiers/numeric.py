"""High-precision evaluation of a parsed answer with mpmath, and the random-point identity test.

Used only inside the sandbox worker. ``identity`` evaluates both sides at seeded random points (the same
points for the same pair, run after run), each at 40 and at 80 significant digits, and calls a point
*equal* when the difference vanishes relative to the values (or shrinks with the working precision, the
signature of rounding noise) and *different* when a difference is stable across both precisions.
Relative, never absolute, tolerances: 1/2004! and 1/2006! are different numbers.
"""
from __future__ import annotations

import hashlib
import random
from fractions import Fraction

import mpmath

from .errors import ParseError, TooLarge
from .exact import try_evaluate
from .limits import MAX_RESULT_BITS

LOW_DPS, HIGH_DPS = 40, 80
POINT_TRIES = 12
POINTS_NEEDED = 4


class NotFinite(ArithmeticError):
    """The value is infinite, NaN or undefined at this point."""


def _fraction(value: Fraction):
    return mpmath.mpf(value.numerator) / value.denominator


_FUNCS = {
    "sin": mpmath.sin, "cos": mpmath.cos, "tan": mpmath.tan, "sec": mpmath.sec, "csc": mpmath.csc,
    "cot": mpmath.cot, "asin": mpmath.asin, "acos": mpmath.acos, "atan": mpmath.atan, "sinh": mpmath.sinh,
    "cosh": mpmath.cosh, "tanh": mpmath.tanh, "exp": mpmath.exp, "sqrt": mpmath.sqrt, "abs": abs,
    "floor": mpmath.floor, "ceil": mpmath.ceil, "factorial": mpmath.factorial, "binomial": mpmath.binomial,
}


def _real_root(x, n):
    if n == int(n) and int(n) % 2 == 1 and mpmath.im(x) == 0 and mpmath.re(x) < 0:
        return -mpmath.root(-mpmath.re(x), int(n))
    return mpmath.root(x, n) if n == int(n) else mpmath.power(x, 1 / n)


def _rational_exponent(node: tuple) -> Fraction | None:
    try:
        return try_evaluate(node)
    except (ParseError, TooLarge):
        return None


def evaluate(node: tuple, env: dict, opts) -> object:
    """mpmath value of ``node`` at the current working precision; symbols from ``env``."""
    kind = node[0]
    if kind == "num":
        return _fraction(node[1])
    if kind == "sym":
        name = node[1]
        if name in opts.constants:
            return mpmath.e if name == "e" else mpmath.j
        return env[name]
    if kind == "const":
        name = node[1]
        if name == "pi":
            return +mpmath.pi
        if name == "E":
            return +mpmath.e
        if name == "I":
            return mpmath.j
        raise NotFinite(name)
    if kind == "add":
        return mpmath.fsum(evaluate(t, env, opts) for t in node[1])
    if kind == "neg":
        return -evaluate(node[1], env, opts)
    if kind == "mul":
        out = mpmath.mpf(1)
        for f in node[1]:
            out *= evaluate(f, env, opts)
        return out
    if kind == "div":
        den = evaluate(node[2], env, opts)
        if den == 0:
            raise NotFinite("division by zero")
        return evaluate(node[1], env, opts) / den
    if kind == "pow":
        base, exp = evaluate(node[1], env, opts), evaluate(node[2], env, opts)
        if base == 0 and mpmath.re(exp) <= 0:
            raise NotFinite("0 to a non-positive power")
        if mpmath.im(base) == 0 and base < 0:
            rational = _rational_exponent(node[2])
            if rational is not None and rational.denominator % 2 == 1:  # (-8)^(1/3) = -2, as in to_sympy
                return mpmath.power(_real_root(base, rational.denominator), rational.numerator)
        return mpmath.power(base, exp)
    if kind == "func":
        name = node[1]
        args = [evaluate(a, env, opts) for a in node[2]]
        if name == "log":
            if args[0] == 0:
                raise NotFinite("log 0")
            return mpmath.log(args[0]) / mpmath.log(args[1]) if len(args) == 2 else mpmath.log(args[0])
        if name == "root":
            return _real_root(args[0], args[1])
        if name in ("floor", "ceil") and mpmath.im(args[0]) != 0:
            raise NotFinite("floor of a complex number")
        return _FUNCS[name](*args)
    if kind == "pct":
        value = evaluate(node[1], env, opts)
        return value / 100 if opts.percent == "divide" else value
    if kind == "deg":
        value = evaluate(node[1], env, opts)
        return value * mpmath.pi / 180 if opts.degree == "radians" else value
    raise ParseError(f"cannot evaluate {kind}")


def _finite(value) -> bool:
    return mpmath.isfinite(value)


def _point(rng: random.Random, names: list[str], positive: bool) -> dict:
    env = {}
    for name in names:
        num = rng.randint(1, 40)
        den = rng.randint(1, 9)
        if not positive and rng.random() < 0.5:
            num = -num
        env[name] = Fraction(num, den) + Fraction(rng.randint(1, 97), 1009)
    return env


def seed_for(*nodes: tuple) -> int:
    return int.from_bytes(hashlib.sha256(repr(nodes).encode()).digest()[:8], "big")


def _pair(a: tuple, b: tuple, env: dict, opts, dps: int):
    with mpmath.workdps(dps):
        menv = {k: _fraction(v) for k, v in env.items()}
        va, vb = evaluate(a, menv, opts), evaluate(b, menv, opts)
        if not (_finite(va) and _finite(vb)):
            raise NotFinite("not finite")
        return va, vb


def compare_at(a: tuple, b: tuple, env: dict, opts) -> bool | None:
    """True (equal), False (different) or None (undecidable) at one point."""
    a1, b1 = _pair(a, b, env, opts, LOW_DPS)
    a2, b2 = _pair(a, b, env, opts, HIGH_DPS)
    with mpmath.workdps(HIGH_DPS):
        d1, d2 = abs(a1 - b1), abs(a2 - b2)
        scale = max(abs(a2), abs(b2))
        if d2 == 0 or d2 <= scale * mpmath.mpf(10) ** (-(HIGH_DPS - 12)):
            return True
        if abs(d2 - d1) <= d2 * mpmath.mpf(10) ** (-(LOW_DPS - 15)):
            return False  # a difference that does not move with the precision is real
        if d2 <= d1 * mpmath.mpf(10) ** (-(HIGH_DPS - LOW_DPS - 12)):
            return True  # shrinks with the precision: cancellation noise around zero
        return None


def identity(a: tuple, b: tuple, names: list[str], opts) -> bool | None:
    """Random-point identity: False on any conclusive difference, True when enough points agree."""
    rng = random.Random(seed_for(a, b))
    needed = POINTS_NEEDED if names else 1
    agreeing = 0
    for _ in range(POINT_TRIES if names else 1):
        env = _point(rng, names, opts.positive)
        try:
            verdict = compare_at(a, b, env, opts)
        except (NotFinite, ZeroDivisionError, ValueError, OverflowError, KeyError):
            continue
        if verdict is False:
            return False
        if verdict:
            agreeing += 1
            if agreeing >= needed:
                return True
    return None


def approx(node: tuple, opts, dps: int = 60) -> Fraction:
    """A real constant as a Fraction accurate to about ``dps`` digits."""
    with mpmath.workdps(dps + 10):
        value = evaluate(node, {}, opts)
        if not _finite(value):
            raise NotFinite("not finite")
        if mpmath.im(value) != 0 and abs(mpmath.im(value)) > abs(value) * mpmath.mpf(10) ** (-dps):
            raise ParseError("not a real number")
        man, exp = mpmath.mpf(mpmath.re(value)).man_exp
        if not man:
            return Fraction(0)
        if abs(exp) > MAX_RESULT_BITS:
            raise TooLarge("value out of range")
        return Fraction(int(man)) * Fraction(2) ** exp
