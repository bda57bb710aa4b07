"""Comparer for ``expression`` answers: a closed form or a formula in named variables.

The gold is a sympy-syntax string (``x**2 + 2*x + 1``, ``sqrt(2)/2``, ``E``, ``I``, ``oo``); the prediction
is LaTeX or plain text. Variable names matter (2x+1 != 2t+1). ``e`` and ``i`` in the prediction are Euler's
number and the imaginary unit unless the gold uses a variable of that name. Degrees convert to radians
when the gold involves pi (30° = pi/6) and are a unit otherwise (30° = 30), percent divides by 100. ``y = 2x + 1`` is read as its right side; a gold equation
(``y = 2*x + 1``) is matched by any equation whose (left - right) is a non-zero constant multiple of the
gold's. Equality itself is decided by the backend (random-point high-precision evaluation plus a sympy
proof, see ``symbolic``); with params["assumptions"] == "positive" the variables are taken positive
(then sqrt(1/n) = 1/sqrt(n)). A decimal is accepted only when it equals the gold exactly or the gold is a
rational number it rounds to (0.3333333 for 1/3): 3.14159 for pi, or 1.5707963 for pi/2, is an
approximation of an irrational exact answer and is rejected.
"""
from __future__ import annotations

import re

from .errors import ParseError
from .normalize import clean, split_top, strip_units, unwrap_text
from .mathast import contains
from .scalar import Backend, gold_node, options_for, parse_pred, prepare, scalar_equal
from .verdict import Outcome

_EQUALS = re.compile("=")


def _equation_sides(text: str, sympy_syntax: bool) -> tuple[tuple, tuple]:
    parts = split_top(text, _EQUALS)
    if len(parts) != 2:
        raise ParseError("not a single equation")
    if sympy_syntax:
        return gold_node(parts[0]), gold_node(parts[1])
    return parse_pred(parts[0]), parse_pred(parts[1])


def _difference(sides: tuple[tuple, tuple]) -> tuple:
    return ("add", (sides[0], ("neg", sides[1])))


def compare_expression(pred_text: str, gold, params: dict, backend: Backend) -> Outcome:
    gold_text = str(gold)
    if len(split_top(gold_text, _EQUALS)) == 2:
        gold_diff = _difference(_equation_sides(gold_text, True))
        text = unwrap_text(strip_units(clean(pred_text), words=False))
        pred_diff = _difference(_equation_sides(text, False))
        opts = options_for(gold_diff, params, degree="radians")
        equal = backend.proportional(pred_diff, gold_diff, opts)
        reason = None if equal else ("undecided" if equal is None else "incorrect")
        return Outcome(bool(equal), text, "equation", reason)
    gnode = gold_node(gold_text)
    text = prepare(pred_text, numeric=False)
    node = parse_pred(text)
    if contains(node, "pm"):
        return Outcome.fail("incorrect", "symbolic", text)
    opts = options_for(gnode, params, degree="radians" if contains(gnode, "const") and "'pi'" in repr(gnode) else "unit")
    # an exact closed form: a decimal approximation of an irrational gold (3.14159 for pi) is not the answer
    equal, method = scalar_equal(node, gnode, opts, backend, approximate_irrational=False)
    if equal is None:
        return Outcome(False, text, method, "undecided")
    return Outcome(equal, text, method, None if equal else "incorrect")
