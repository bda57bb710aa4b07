"""Build a sympy expression from a parsed answer (worker only; sympy is never imported by the caller).

Guards before sympy sees a node: integer powers of numbers above ``MAX_RESULT_BITS`` bits, exponents
above ``MAX_EXPONENT`` and factorials above ``MAX_FACTORIAL`` raise ``TooLarge`` instead of letting
sympy try to compute 2^(2^40) or (10^8)!. Decimals become exact Rationals (no Floats anywhere).
"""
from __future__ import annotations

import sympy

from .errors import ParseError, TooLarge
from .limits import MAX_EXPONENT, MAX_FACTORIAL, MAX_RESULT_BITS

_FUNCS = {
    "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan, "sec": sympy.sec, "csc": sympy.csc, "cot": sympy.cot,
    "asin": sympy.asin, "acos": sympy.acos, "atan": sympy.atan, "sinh": sympy.sinh, "cosh": sympy.cosh,
    "tanh": sympy.tanh, "exp": sympy.exp, "sqrt": sympy.sqrt, "abs": sympy.Abs, "floor": sympy.floor,
    "ceil": sympy.ceiling, "binomial": sympy.binomial,
}


def _bits(value: sympy.Rational) -> int:
    return max(int(value.p).bit_length(), int(value.q).bit_length())


def _power(base, exp):
    if exp.is_Number and abs(exp) > MAX_EXPONENT and base not in (0, 1, -1):
        raise TooLarge("exponent too large")
    if base.is_Rational and exp.is_Integer and abs(int(exp)) * _bits(base) > MAX_RESULT_BITS and base not in (0, 1, -1):
        raise TooLarge("power too large")
    if exp.is_Rational and not exp.is_Integer and base.is_Rational and base < 0 and exp.q % 2 == 1:
        return sympy.real_root(base, int(exp.q)) ** int(exp.p)  # (-8)^(1/3) = -2, as written by hand
    return sympy.Pow(base, exp)


def to_sympy(node: tuple, opts, symbols: dict | None = None):
    symbols = {} if symbols is None else symbols
    kind = node[0]
    if kind == "num":
        return sympy.Rational(node[1].numerator, node[1].denominator)
    if kind == "sym":
        name = node[1]
        if name in opts.constants:
            return sympy.E if name == "e" else sympy.I
        if name not in symbols:
            # variables are real (as in the random-point test); positive when the record says so
            symbols[name] = sympy.Symbol(name, positive=True) if opts.positive else sympy.Symbol(name, real=True)
        return symbols[name]
    if kind == "const":
        return {"pi": sympy.pi, "E": sympy.E, "I": sympy.I, "oo": sympy.oo, "zoo": sympy.zoo}[node[1]]
    if kind == "add":
        return sympy.Add(*[to_sympy(t, opts, symbols) for t in node[1]])
    if kind == "neg":
        return -to_sympy(node[1], opts, symbols)
    if kind == "mul":
        return sympy.Mul(*[to_sympy(f, opts, symbols) for f in node[1]])
    if kind == "div":
        den = to_sympy(node[2], opts, symbols)
        if den == 0:
            raise ParseError("division by zero")
        return to_sympy(node[1], opts, symbols) / den
    if kind == "pow":
        return _power(to_sympy(node[1], opts, symbols), to_sympy(node[2], opts, symbols))
    if kind == "func":
        name = node[1]
        args = [to_sympy(a, opts, symbols) for a in node[2]]
        if name == "log":
            return sympy.log(args[0], args[1]) if len(args) == 2 else sympy.log(args[0])
        if name == "root":
            if args[1].is_Integer and int(args[1]) % 2 == 1 and args[0].is_real and args[0].is_negative:
                return sympy.real_root(args[0], args[1])
            return sympy.root(args[0], args[1])
        if name == "factorial":
            if args[0].is_Number and abs(args[0]) > MAX_FACTORIAL:
                raise TooLarge("factorial too large")
            return sympy.factorial(args[0])
        return _FUNCS[name](*args)
    if kind == "pct":
        value = to_sympy(node[1], opts, symbols)
        return value / 100 if opts.percent == "divide" else value
    if kind == "deg":
        value = to_sympy(node[1], opts, symbols)
        return value * sympy.pi / 180 if opts.degree == "radians" else value
    raise ParseError(f"cannot convert {kind}")
