"""Answer types and their rendering into the HF ``ground_truth`` string."""
from __future__ import annotations

import json
import re
from fractions import Fraction
from typing import Any

BASE_TYPES = ("int", "rational", "decimal", "expression", "set", "tuple", "interval", "matrix", "grid", "choice")
_DECIMAL = re.compile(r"^decimal:(\d+)$")


def is_valid_answer_type(answer_type: str) -> bool:
    if _DECIMAL.match(answer_type):
        return True
    return answer_type in BASE_TYPES and answer_type != "decimal"


def decimal_places(answer_type: str) -> int | None:
    m = _DECIMAL.match(answer_type)
    return int(m.group(1)) if m else None


def format_rational(value: Fraction | int) -> str:
    value = Fraction(value)
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def format_decimal(value: Fraction, places: int) -> str:
    """Round an exact value half away from zero to ``places`` decimals, as a fixed-point string."""
    value = Fraction(value)
    scale = 10**places
    scaled = abs(value) * scale
    q, r = divmod(scaled.numerator, scaled.denominator)
    if 2 * r >= scaled.denominator:
        q += 1
    sign = "-" if value < 0 and q != 0 else ""
    digits = str(q).rjust(places + 1, "0")
    return f"{sign}{digits[:-places]}.{digits[-places:]}" if places else f"{sign}{digits}"


def near_rounding_boundary(value: Fraction, places: int, eps: Fraction = Fraction(1, 10**9)) -> bool:
    """True when ``value`` lies within ``eps`` of a half-unit boundary at ``places`` decimals."""
    scaled = abs(Fraction(value)) * 10**places
    frac = scaled - (scaled.numerator // scaled.denominator)
    return abs(frac - Fraction(1, 2)) * Fraction(1, 10**places) < eps


def ground_truth_string(answer: Any, answer_type: str) -> str:
    """Render a canonical typed answer as the HF ``ground_truth`` string."""
    if answer_type in ("int", "choice"):
        return str(int(answer))
    if answer_type == "rational":
        return format_rational(Fraction(answer)) if not isinstance(answer, str) else answer
    if decimal_places(answer_type) is not None or answer_type == "expression":
        return str(answer)
    if answer_type == "set":
        return "\\{" + ", ".join(str(a) for a in answer) + "\\}"
    if answer_type == "tuple":
        return "(" + ", ".join(str(a) for a in answer) + ")"
    if answer_type == "interval":
        return str(answer)
    if answer_type in ("matrix", "grid"):
        return json.dumps(answer, separators=(", ", ": "))
    return str(answer)
