"""``--model_args`` handling: split ``k=v,k2=v2`` text and coerce string values to Python types.

Coercion rules for string values: ``true/false`` → bool, ``none/null`` → None, integers → int,
decimals and exponents → float, ``{...}``/``[...]`` → parsed JSON; anything else stays a string.
Keys are normalised to snake case (``tensor-parallel-size`` → ``tensor_parallel_size``).
"""
from __future__ import annotations

import json
import re

from models.base import BackendError

_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?")


def coerce_value(value: object) -> object:
    """Turn one ``--model_args`` string into bool/None/int/float/JSON; non-strings pass unchanged."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    low = text.lower()
    if low == "true":
        return True
    if low == "false":
        return False
    if low in ("none", "null"):
        return None
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    if (text.startswith("{") and text.endswith("}")) or (text.startswith("[") and text.endswith("]")):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise BackendError(f"model arg value {text!r} looks like JSON but does not parse: {exc.msg}") from None
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def normalise_key(key: str) -> str:
    """``tensor-parallel-size`` → ``tensor_parallel_size``; rejects empty or non-identifier keys."""
    norm = key.strip().replace("-", "_")
    if not norm.isidentifier():
        raise BackendError(f"invalid model arg name {key!r}")
    return norm


def coerce_model_args(model_args: dict | None) -> dict:
    """Normalise keys and coerce values of a model-args mapping (a new dict; input untouched)."""
    out: dict = {}
    for key, value in (model_args or {}).items():
        out[normalise_key(str(key))] = coerce_value(value)
    return out


def split_top_level(text: str, sep: str = ",") -> list[str]:
    """Split on ``sep`` outside brackets and quotes, so JSON values may contain commas."""
    parts: list[str] = []
    depth = 0
    quote: str | None = None
    current: list[str] = []
    for ch in text:
        if quote:
            current.append(ch)
            if ch == quote:
                quote = None
            continue
        if ch in "'\"":
            quote = ch
        elif ch in "{[(":
            depth += 1
        elif ch in "}])":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    if quote or depth != 0:
        raise BackendError(f"unbalanced quotes or brackets in model args {text!r}")
    parts.append("".join(current))
    return [p for p in (s.strip() for s in parts) if p]


def parse_model_args(text: str | None) -> dict:
    """Parse ``k=v,k2=v2`` (values may be JSON with commas) into a coerced dict."""
    if not text or not text.strip():
        return {}
    raw: dict = {}
    for item in split_top_level(text):
        key, eq, value = item.partition("=")
        if not eq:
            raise BackendError(f"model arg {item!r} is not of the form key=value")
        raw[key] = value
    return coerce_model_args(raw)
