"""Shared scalar machinery: prepare and parse one answer value, decode a gold value, compare two values.

``scalar_equal`` decides with exact Fractions when both sides are rational and hands everything else to a
``backend`` - ``FAST`` in the calling process (raises ``NeedsSymbolic``, so the comparison moves to the
sympy worker) or the worker's symbolic backend.

Approximate decimals: a prediction written as a plain decimal with at least ``MIN_APPROX_DIGITS`` (6)
significant digits equals an exact non-integer gold when it is that gold rounded (half away from zero) or
truncated at the prediction's own number of places: 0.333333 = 1/3 and 1.5707963 = pi/2, but 0.333 != 1/3,
3.14 != pi and 2.0000001 != 2.
"""
from __future__ import annotations

import functools
import re
from fractions import Fraction
from typing import NamedTuple, Protocol

from .errors import NeedsSymbolic, ParseError
from .exact import decimal_literal, round_half_away, truncate, try_evaluate
from .normalize import clean, has_top_level, join_digit_groups, last_side, strip_units, unwrap_text
from .mathast import free_symbols
from .parser import parse

MIN_APPROX_DIGITS = 6
_PLAIN_NUMBER = re.compile(r"^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:\s*/\s*[+-]?\d+)?\s*$")
_CONST_LETTERS = ("e", "i")
_SEVERAL = re.compile(r",|;|\bor\b|\band\b|\\text\{\s*(?:or|and)\s*\}")


class Options(NamedTuple):
    percent: str = "divide"  # "divide" (50% = 1/2) or "unit" (50% = 50)
    degree: str = "unit"  # "unit" (30° = 30) or "radians" (30° = pi/6)
    constants: frozenset = frozenset(_CONST_LETTERS)  # which of e, i are Euler's number / the imaginary unit
    positive: bool = False  # variables range over positive reals (params["assumptions"] == "positive")


class Backend(Protocol):
    def equal(self, pred: tuple, gold: tuple, opts: Options) -> bool | None: ...
    def rounded_match(self, value: Fraction, places: int, gold: tuple, opts: Options) -> bool: ...
    def approx(self, node: tuple, opts: Options) -> Fraction: ...
    def proportional(self, pred: tuple, gold: tuple, opts: Options) -> bool | None: ...


class FastBackend:
    """The calling process: anything beyond exact rationals goes to the worker."""

    def equal(self, pred, gold, opts):
        raise NeedsSymbolic("closed form")

    def rounded_match(self, value, places, gold, opts):
        raise NeedsSymbolic("closed form")

    def approx(self, node, opts):
        raise NeedsSymbolic("closed form")

    def proportional(self, pred, gold, opts):
        raise NeedsSymbolic("equation")


FAST = FastBackend()


def prepare(text: str, numeric: bool) -> str:
    """Clean an extracted answer for scalar parsing (units, ``x =``, digit groups, ``\\text``).
    Several answers ("x = 5 or x = 6", "5, 6") are refused rather than reduced to the last one."""
    text = clean(text)
    for _ in range(2):
        if numeric:
            text = join_digit_groups(text)
        text = strip_units(text, words=numeric)
        if has_top_level(text, _SEVERAL):
            raise ParseError("several answers")
        text = last_side(text)
    return unwrap_text(text).strip()


def parse_pred(text: str) -> tuple:
    return parse(text, "latex")


def gold_node(gold) -> tuple:
    """A gold value (int, Fraction, numeric or sympy-syntax string, LaTeX as a fallback) as an AST."""
    if isinstance(gold, bool):
        raise ParseError("boolean gold")
    if isinstance(gold, int):
        return ("num", Fraction(gold), str(gold))
    if isinstance(gold, Fraction):
        return ("num", gold, str(gold))
    if isinstance(gold, float):
        return ("num", Fraction(repr(gold)), repr(gold))
    return _gold_text_node(str(gold).strip())


@functools.lru_cache(maxsize=4096)
def _gold_text_node(text: str) -> tuple:
    if _PLAIN_NUMBER.match(text):
        if "/" in text:
            num, den = text.split("/")
            if int(den) == 0:
                raise ParseError("zero denominator in gold")
            return ("num", Fraction(int(num), int(den)), text)
        return ("num", Fraction(text), text)
    try:
        return parse(text, "sympy")
    except ParseError:
        return parse(clean(text), "latex")


def options_for(gold: tuple, params: dict | None, **overrides) -> Options:
    gold_syms = free_symbols(gold)
    constants = frozenset(c for c in _CONST_LETTERS if c not in gold_syms)
    positive = bool(params) and str(params.get("assumptions", "")).lower() == "positive"
    return Options(constants=constants, positive=positive, **overrides)


def non_constant_symbols(node: tuple, opts: Options) -> set[str]:
    return {s for s in free_symbols(node) if s not in opts.constants}


def scalar_equal(pred: tuple, gold: tuple, opts: Options, backend: Backend,
                 approximate_irrational: bool = True) -> tuple[bool | None, str]:
    """(equal?, method). ``None`` means undecided (counted as incorrect).

    With ``approximate_irrational=False`` (exact ``expression`` answers) a decimal is never accepted for a
    gold that is not a rational number: 3.14159 is not pi. A decimal still equals a rational gold it
    rounds to, and an exact decimal equals a gold that is rational in disguise (2.0 = sqrt(4))."""
    if pred == gold:  # identical trees (also covers oo = oo, which no evaluator can compare)
        return True, "exact"
    pv = try_evaluate(pred, opts.percent, opts.degree)
    gv = try_evaluate(gold, opts.percent, opts.degree)
    dec = decimal_literal(pred)
    approx_ok = dec is not None and dec[2] >= MIN_APPROX_DIGITS
    if pv is not None and gv is not None:
        if pv == gv:
            return True, "exact"
        if approx_ok and gv.denominator != 1 and pv in (round_half_away(gv, dec[1]), truncate(gv, dec[1])):
            return True, "rounded-decimal"
        return False, "exact"
    gold_vars = non_constant_symbols(gold, opts)
    if approx_ok and not gold_vars and approximate_irrational:
        return backend.rounded_match(dec[0], dec[1], gold, opts), "rounded-decimal"
    return backend.equal(pred, gold, opts), "symbolic"
