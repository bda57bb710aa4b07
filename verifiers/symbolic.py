"""The worker's comparison backend: numeric identity first, then a sympy proof; both must agree.

``equal(pred, gold)``:
1. random-point evaluation at 40 and 80 digits (``numeric.identity``): a conclusive difference anywhere
   is a mismatch (fast, and no simplify call is spent on wrong answers);
2. a proof that pred - gold is zero: structural equality, ``expand``, ``cancel(together(.))``,
   ``simplify``, and finally ``equals(0)``;
3. proven and numerically equal (or numerically inconclusive, e.g. outside the evaluator's domain) ->
   equal; numerically equal but unproven -> ``None`` (verdict "undecided", counted as incorrect);
   numerically inconclusive and the difference a number sympy knows is non-zero -> not equal.
Runs only inside the sandbox worker, under its wall-clock limit.
"""
from __future__ import annotations

from fractions import Fraction

import sympy

from . import numeric
from .errors import ParseError
from .exact import round_half_away, truncate
from .mathast import free_symbols
from .to_sympy import to_sympy


def _names(*nodes: tuple, opts) -> list[str]:
    names: set[str] = set()
    for node in nodes:
        names |= free_symbols(node)
    return sorted(n for n in names if n not in opts.constants)


def prove_zero(diff) -> tuple[bool, object]:
    """(proven zero?, the most simplified difference reached)."""
    if diff == 0:
        return True, diff
    for step in (sympy.expand, lambda d: sympy.cancel(sympy.together(d)), sympy.simplify):
        diff = step(diff)
        if diff == 0:
            return True, diff
    return diff.equals(0) is True, diff


class SympyBackend:
    def equal(self, pred: tuple, gold: tuple, opts) -> bool | None:
        names = _names(pred, gold, opts=opts)
        numeric_verdict = numeric.identity(pred, gold, names, opts)
        if numeric_verdict is False:
            return False
        symbols: dict = {}
        a, b = to_sympy(pred, opts, symbols), to_sympy(gold, opts, symbols)
        proven, diff = prove_zero(a - b)
        if proven:
            return True
        if numeric_verdict is None and diff.is_number and diff.is_zero is False:
            return False  # e.g. oo - 5: not evaluable at points, but sympy knows it is not zero
        return None

    def rounded_match(self, value: Fraction, places: int, gold: tuple, opts) -> bool:
        exact = numeric.approx(gold, opts, dps=max(60, places + 30))
        return value in (round_half_away(exact, places), truncate(exact, places))

    def approx(self, node: tuple, opts) -> Fraction:
        return numeric.approx(node, opts)

    def proportional(self, pred: tuple, gold: tuple, opts) -> bool | None:
        """Is pred = k * gold for a constant k != 0 (two equations with the same solution set)?"""
        names = _names(pred, gold, opts=opts)
        symbols: dict = {}
        a, b = to_sympy(pred, opts, symbols), to_sympy(gold, opts, symbols)
        if b == 0:
            raise ParseError("degenerate gold equation")
        ratio = sympy.simplify(a / b)
        if ratio.free_symbols or ratio == 0 or not ratio.is_finite:
            return False
        if ratio.is_Rational:  # second opinion: pred - k * gold vanishes at random points
            scaled = ("mul", (("num", Fraction(int(ratio.p), int(ratio.q)), str(ratio)), gold))
            return numeric.identity(pred, scaled, names, opts) is not False
        return True


SYMPY = SympyBackend()
