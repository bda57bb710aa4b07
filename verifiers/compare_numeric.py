"""Comparers for the numeric scalar types: ``int``, ``rational`` and ``decimal:k``.

int       integer value equality. Accepts 1,000 / 1\\,000 / 1000.0 / $1000$ / \\text{1000} / 1000 \\text{ cm}
          / 10^3 (powers are evaluated exactly, guarded) / 2^{10} / 30^\\circ (degrees as a unit) /
          50\\% (percent as a unit); rejects 1000.5, 5m, 1,2,3 and \\pm 2021.
rational  exact Fraction equality: p/q, \\frac{p}{q}, \\dfrac, -\\frac, \\frac{-p}{q}, unreduced fractions,
          mixed numbers (3\\frac12), terminating and repeating decimals (0.\\overline{3}), percent = /100;
          a plain decimal with >= 6 significant digits that is the gold rounded or truncated also counts.
decimal:k the prediction's exact value (or a 50-digit evaluation of a closed form, in the worker) rounded
          half away from zero to k places must equal the gold's k-place value. So 0.347 and 0.35 both
          match "0.35" and 0.3 matches "0.30". With params["exact"] (the exact value, sympy syntax or
          p/q), a decimal with m > k places that is the exact value rounded or truncated to m places also
          counts (avoids double rounding: exact 0.3449 -> "0.34", prediction 0.345).
"""
from __future__ import annotations

from fractions import Fraction

from .errors import ParseError
from .exact import decimal_literal, round_half_away, truncate, try_evaluate
from .mathast import contains
from .scalar import Backend, Options, gold_node, non_constant_symbols, parse_pred, prepare, scalar_equal
from .verdict import Outcome


_MAX_SHOWN_BITS = 14_000  # Python refuses str() of ints above 4300 digits; such values are not shown


def canonical(value: Fraction) -> int | str | None:
    """int or "p/q" for the ``parsed`` field (None for values too long to print)."""
    if max(value.numerator.bit_length(), value.denominator.bit_length()) > _MAX_SHOWN_BITS:
        return None
    return value.numerator if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def format_fixed(value: Fraction, places: int) -> str | None:
    value = round_half_away(value, places)
    if value.numerator.bit_length() > _MAX_SHOWN_BITS:
        return None
    sign = "-" if value < 0 else ""
    digits = str(abs(value.numerator) * 10**places // value.denominator).rjust(places + 1, "0")
    return f"{sign}{digits[:-places]}.{digits[-places:]}" if places else f"{sign}{digits}"


def _parse(pred_text: str) -> tuple[str, tuple]:
    text = prepare(pred_text, numeric=True)
    node = parse_pred(text)
    if contains(node, "pm"):
        raise ParseError("\\pm gives two values")
    return text, node


def compare_exact_scalar(pred_text: str, gold, params: dict, backend: Backend, percent: str) -> Outcome:
    """int and rational: value equality with the percent rule given."""
    _, node = _parse(pred_text)
    gnode = gold_node(gold)
    opts = Options(percent=percent, degree="unit")
    pv = try_evaluate(node, opts.percent, opts.degree)
    if pv is None and non_constant_symbols(node, opts):
        return Outcome.fail("incorrect", "exact")
    equal, method = scalar_equal(node, gnode, opts, backend)
    parsed = canonical(pv) if pv is not None else prepare(pred_text, True)
    if equal is None:
        return Outcome(False, parsed, method, "undecided")
    return Outcome(bool(equal), parsed, method, None if equal else "incorrect")


def compare_int(pred_text: str, gold, params: dict, backend: Backend) -> Outcome:
    return compare_exact_scalar(pred_text, int(gold), params, backend, percent="unit")


def compare_rational(pred_text: str, gold, params: dict, backend: Backend) -> Outcome:
    return compare_exact_scalar(pred_text, gold, params, backend, percent="divide")


def _exact_value(params: dict, backend: Backend, opts: Options) -> Fraction | None:
    exact = params.get("exact") if params else None
    if exact is None:
        return None
    node = gold_node(exact)
    value = try_evaluate(node)
    return value if value is not None else backend.approx(node, opts)


def compare_decimal(pred_text: str, gold, params: dict, backend: Backend, places: int) -> Outcome:
    _, node = _parse(pred_text)
    gold_value = Fraction(str(gold).strip())
    opts = Options(percent="divide", degree="unit")
    value = try_evaluate(node, opts.percent, opts.degree)
    method = "decimal-round"
    if value is None:
        if non_constant_symbols(node, opts):
            return Outcome.fail("incorrect", method)
        value, method = backend.approx(node, opts), "numeric-round"
    rounded = round_half_away(value, places)
    if rounded == gold_value:
        return Outcome(True, format_fixed(value, places), method, None)
    dec = decimal_literal(node)
    if dec is not None and dec[1] > places:
        exact = _exact_value(params, backend, opts)
        if exact is not None and round_half_away(exact, places) == gold_value:
            if dec[0] in (round_half_away(exact, dec[1]), truncate(exact, dec[1])):
                return Outcome(True, format_fixed(value, places), "exact-round", None)
    return Outcome(False, format_fixed(value, places), method, "incorrect")
