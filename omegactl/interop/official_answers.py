"""Infer an answer type and a typed gold answer from a release row's ``ground_truth`` string.

Public rows carry only a string, so the type comes from its shape, first match wins:

=================================  ==============  =======================================
ground truth                       answer_type     answer (what the verifier compares with)
=================================  ==============  =======================================
``42``, ``-7``                     ``int``         the integer
``3/4``, ``\\frac{3}{4}``, ``-\\dfrac{1}{2}``  ``rational``  ``"p/q"`` in lowest terms
``0.35``, ``-12.0``                ``decimal:k``   the string; k = the digits after the point
``[[0, 1], [2, 0]]`` (C-ARC only)  ``grid``        the list of rows (integers 0-9)
``[[1, 2], [3, 4]]``, pmatrix      ``matrix``      rows of element strings
``\\{1, 2\\}``                     ``set``         element strings
``(1, 2)``, ``1, 2``               ``tuple``       element strings (order matters)
``[1, 2)`` and other intervals     ``interval``    the string
anything else                      ``expression``  the string (sympy syntax or LaTeX)
=================================  ==============  =======================================

A list of lists of small integers is a ``grid`` only where the caller says grids are possible (C-ARC files
and rows whose prompt asks for ``output: [[...]]``); elsewhere it is a ``matrix``.
"""
from __future__ import annotations

import json
import re
from fractions import Fraction
from typing import Any

from generators.answers import format_rational

_INT = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?\d+\.(\d+)")
_SLASH = re.compile(r"([+-]?)(\d+)\s*/\s*(\d+)")
_FRAC = re.compile(r"([+-]?)\\[dt]?frac\s*\{\s*([+-]?)(\d+)\s*\}\s*\{\s*(\d+)\s*\}")
_MATRIX_ENV = re.compile(r"\\begin\{([pbBvV]?matrix)\}(.*)\\end\{\1\}", re.DOTALL)
_INTERVAL = re.compile(r"[\[(].*,.*[\])]", re.DOTALL)
_OPEN = "([{"
_CLOSE = ")]}"


def _strip_wrappers(text: str) -> str:
    text = text.strip()
    for left, right in (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")):
        if len(text) > len(left) + len(right) and text.startswith(left) and text.endswith(right):
            text = text[len(left): -len(right)].strip()
    return text


def split_top_level(text: str, sep: str = ",") -> list[str]:
    """Split at ``sep`` outside brackets and braces (``\\{``/``\\}`` count as braces)."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in text:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        if ch == sep and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    parts.append("".join(current).strip())
    return parts


def _encloses(text: str, left: str, right: str) -> bool:
    """``text`` is ``left ... right`` and the opening bracket closes only at the very end."""
    if not (text.startswith(left) and text.endswith(right)) or len(text) < len(left) + len(right):
        return False
    depth = 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
            if depth == 0 and i < len(text) - 1:
                return False
    return depth == 0


def _rational(text: str) -> str | None:
    m = _SLASH.fullmatch(text)
    if m:
        sign, num, den = m.group(1), int(m.group(2)), int(m.group(3))
    else:
        m = _FRAC.fullmatch(text)
        if not m:
            return None
        sign = "-" if (m.group(1) == "-") != (m.group(2) == "-") else ""
        num, den = int(m.group(3)), int(m.group(4))
    if den == 0:
        return None
    return format_rational(Fraction(-num if sign == "-" else num, den))


def _list_of_rows(text: str) -> list[list[Any]] | None:
    if not text.startswith("[["):
        return None
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, ValueError):
        return None
    if not isinstance(value, list) or not value or not all(isinstance(r, list) and r for r in value):
        return None
    if len({len(r) for r in value}) != 1:
        return None
    if not all(isinstance(x, (int, float, str)) and not isinstance(x, bool) for r in value for x in r):
        return None
    return value


def _is_grid(rows: list[list[Any]]) -> bool:
    return all(isinstance(x, int) and not isinstance(x, bool) and 0 <= x <= 9 for r in rows for x in r)


def _latex_matrix(text: str) -> list[list[str]] | None:
    m = _MATRIX_ENV.fullmatch(text)
    if not m or m.group(1).lower().startswith("v"):
        return None
    rows = [r.strip() for r in re.split(r"\\\\", m.group(2)) if r.strip()]
    cells = [[c.strip() for c in r.split("&")] for r in rows]
    if not cells or len({len(r) for r in cells}) != 1 or any(not c for r in cells for c in r):
        return None
    return cells


def infer_answer(ground_truth: str, *, grids: bool = False) -> tuple[str, Any]:
    """(answer_type, answer) for a release row's ground truth string (see the module table)."""
    text = _strip_wrappers(str(ground_truth))
    if _INT.fullmatch(text):
        return "int", int(text)
    m = _DECIMAL.fullmatch(text)
    if m:
        return f"decimal:{len(m.group(1))}", text
    rational = _rational(text)
    if rational is not None:
        return "rational", rational
    rows = _list_of_rows(text)
    if rows is not None:
        if grids and _is_grid(rows):
            return "grid", rows
        return "matrix", [[str(x) for x in r] for r in rows]
    cells = _latex_matrix(text)
    if cells is not None:
        return "matrix", cells
    for left, right in (("\\{", "\\}"), ("{", "}")):
        if _encloses(text, left, right):
            inner = text[len(left): -len(right)].strip()
            if inner and ("," in inner or left == "\\{"):
                return "set", split_top_level(inner)
    if _encloses(text, "(", ")") and "," in text:
        return "tuple", split_top_level(text[1:-1])
    if _INTERVAL.fullmatch(text) and text[0] in "[(" and text[-1] in "])":
        return "interval", text
    parts = split_top_level(text)
    if len(parts) > 1 and all(parts):
        return "tuple", parts
    return "expression", text
