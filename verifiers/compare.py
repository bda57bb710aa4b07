"""Dispatch an extracted answer to the comparer for its answer type; map errors to verdict reasons.

``compare`` runs in the calling process with the ``FAST`` backend (raises ``NeedsSymbolic`` when sympy is
needed) and again inside the worker with the symbolic backend. Grids are handled in ``api`` (they need
metrics, never sympy).
"""
from __future__ import annotations

import re

from .choice import compare_choice
from .compare_expression import compare_expression
from .compare_numeric import compare_decimal, compare_int, compare_rational
from .compare_structured import compare_matrix, compare_set, compare_tuple
from .errors import NeedsSymbolic, TooLarge, VerifierError
from .exact import try_evaluate
from .intervals import compare_interval, parse_intervals
from .limits import MAX_ANSWER_CHARS
from .scalar import Backend, gold_node
from .verdict import Outcome

_DECIMAL = re.compile(r"^decimal:(\d+)$")


class GoldError(ValueError):
    """The record's gold answer does not fit its answer type."""


def check_gold(answer_type: str, gold) -> None:
    """Raise GoldError when ``gold`` is not a valid encoding for ``answer_type``."""
    if answer_type in ("int", "choice"):
        if isinstance(gold, bool) or not isinstance(gold, int) and not (isinstance(gold, str) and re.fullmatch(r"[+-]?\d+", gold.strip())):
            raise GoldError(f"{answer_type} gold must be an integer, got {gold!r}")
    elif answer_type in ("set", "tuple"):
        if not isinstance(gold, (list, tuple)):
            raise GoldError(f"{answer_type} gold must be a list, got {type(gold).__name__}")
    elif answer_type in ("matrix", "grid"):
        if not isinstance(gold, (list, tuple)) or not gold or not all(isinstance(r, (list, tuple)) for r in gold):
            raise GoldError(f"{answer_type} gold must be a list of rows")
    elif _DECIMAL.match(answer_type):
        if not re.fullmatch(r"\s*[+-]?\d+(\.\d+)?\s*", str(gold)):
            raise GoldError(f"decimal gold must be a fixed-point string, got {gold!r}")
    elif answer_type not in ("rational", "expression", "interval"):
        raise GoldError(f"unknown answer type {answer_type!r}")
    _check_gold_values(answer_type, gold)


def _check_gold_values(answer_type: str, gold) -> None:
    """Parse the gold's values (no sympy): a malformed gold is the record's fault, not the model's."""
    try:
        if answer_type == "rational":
            if try_evaluate(gold_node(gold)) is None:
                raise GoldError(f"rational gold is not a rational number: {gold!r}")
        elif answer_type == "expression":
            for side in str(gold).split("="):  # a gold equation has two sides
                gold_node(side)
        elif answer_type in ("set", "tuple"):
            for value in gold:
                gold_node(value)
        elif answer_type == "matrix":
            for row in gold:
                for value in row:
                    gold_node(value)
        elif answer_type == "interval":
            parse_intervals(str(gold))
        elif answer_type == "grid":
            if any(not isinstance(c, int) or isinstance(c, bool) for row in gold for c in row):
                raise GoldError("grid cells must be integers")
    except VerifierError as exc:
        raise GoldError(f"{answer_type} gold cannot be read: {gold!r}") from exc


def compare(answer_type: str, pred_text: str, gold, params: dict | None, backend: Backend) -> Outcome:
    """Compare one extracted answer with the gold; raises NeedsSymbolic on the fast backend."""
    params = params or {}
    if len(pred_text) > MAX_ANSWER_CHARS:
        return Outcome.fail("too large")
    try:
        m = _DECIMAL.match(answer_type)
        if m:
            return compare_decimal(pred_text, gold, params, backend, int(m.group(1)))
        handler = _HANDLERS.get(answer_type)
        if handler is None:
            return Outcome.fail("invalid gold")
        return handler(pred_text, gold, params, backend)
    except NeedsSymbolic:
        raise
    except TooLarge:
        return Outcome.fail("too large")
    except VerifierError as exc:
        return Outcome.fail(exc.reason)
    except (RecursionError, OverflowError, MemoryError):
        return Outcome.fail("too large")
    except (ValueError, ZeroDivisionError, ArithmeticError, KeyError, IndexError, TypeError):
        return Outcome.fail("unparsable")


_HANDLERS = {
    "int": compare_int,
    "rational": compare_rational,
    "expression": compare_expression,
    "set": compare_set,
    "tuple": compare_tuple,
    "interval": compare_interval,
    "matrix": compare_matrix,
    "choice": compare_choice,
}
