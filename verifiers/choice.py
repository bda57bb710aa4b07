"""Comparer for multiple-choice answers (answer_type ``choice``; the gold is the 0-based option index).

The prediction may name the option by its label or by its text:
1. a label - params["labels"] when given (e.g. ["1", "2", "3"]), else the letters A, B, C, ... (A = 0);
   "(B)", "B.", "\\text{(B)}", "Option B", "B) 42" all read as B;
2. the option text - params["choices"] (case, spacing, $ and \\text ignored; numbers compared by value);
3. only when neither applies, a bare integer is taken as the 0-based index itself.
A label match wins over a text match, and a text match over a bare index.
"""
from __future__ import annotations

import re
import string

from .exact import try_evaluate
from .normalize import clean, unwrap_text
from .parser import parse
from .verdict import Outcome

_PREFIX = re.compile(r"^(?:option|choice|answer)\s*[:\s]\s*", re.IGNORECASE)
# "B", "(B)", "(B) 42", "B) 42", "B. 42", "B: 42" - trailing text only after a delimiter, so "A or B" is no label
_LABEL = re.compile(r"^(?:([A-Za-z0-9]{1,3})|\(\s*([A-Za-z0-9]{1,3})\s*\)\s*(?:.*)|([A-Za-z0-9]{1,3})\s*[.:)](?:\s+.*)?)$", re.DOTALL)
_INT = re.compile(r"^[+-]?\d+$")


def _norm(text: str) -> str:
    text = unwrap_text(clean(str(text)))
    return re.sub(r"\s+", " ", text).strip().strip(".").lower()


def _value(text: str):
    try:
        return try_evaluate(parse(text))
    except Exception:  # noqa: BLE001 - option texts are free-form; a failed parse just means "not a number"
        return None


def _text_index(text: str, choices: list) -> int | None:
    target = _norm(text)
    for i, option in enumerate(choices):
        if _norm(option) == target:
            return i
    value = _value(target)
    if value is not None:
        hits = [i for i, option in enumerate(choices) if _value(_norm(option)) == value]
        if len(hits) == 1:
            return hits[0]
    return None


def resolve(pred_text: str, params: dict) -> tuple[int | None, str]:
    """(option index, how it was read) for a prediction."""
    choices = list(params.get("choices") or []) if params else []
    labels = [str(x) for x in params["labels"]] if params and params.get("labels") else None
    raw = _norm(pred_text)
    text = _PREFIX.sub("", raw).strip()
    m = _LABEL.match(text)
    if m:
        label = m.group(1) or m.group(2) or m.group(3)
        if labels is not None:
            lowered = [x.lower() for x in labels]
            if label.lower() in lowered:
                return lowered.index(label.lower()), "label"
        elif len(label) == 1 and label.isalpha():
            index = string.ascii_lowercase.index(label.lower())
            if not choices or index < len(choices):
                return index, "label"
    if choices:
        index = _text_index(raw, choices)
        index = _text_index(text, choices) if index is None else index
        if index is not None:
            return index, "text"
    if _INT.match(text) and not (labels and any(_INT.match(x) for x in labels)):
        return int(text), "index"
    return None, "none"


def compare_choice(pred_text: str, gold, params: dict, backend=None) -> Outcome:
    index, method = resolve(pred_text, params or {})
    if index is None:
        return Outcome.fail("unparsable", method)
    ok = index == int(gold)
    return Outcome(ok, index, f"choice-{method}", None if ok else "incorrect")
