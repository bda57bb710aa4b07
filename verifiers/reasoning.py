"""Remove reasoning blocks (<think>...</think> and the like) from a response.

A response cut off inside an unfinished reasoning block has no answer: ``strip_reasoning`` returns
``None`` instead of handing the partial reasoning to the extractors. A closing tag with no opening tag
(chat templates that pre-fill ``<think>``) means everything before it was reasoning.
"""
from __future__ import annotations

import re

_TAG = re.compile(
    r"<\s*(/?)\s*(?:think|thinking|reasoning|thought|scratchpad)\s*>"
    r"|<\|(begin|end)_of_thought\|>",
    re.IGNORECASE,
)


def strip_reasoning(text: str) -> str | None:
    """Text outside reasoning blocks, or ``None`` when the text ends inside an unfinished block."""
    if "<" not in text:
        return text
    pieces: list[str] = []
    depth = 0
    keep_from = 0
    for m in _TAG.finditer(text):
        closing = bool(m.group(1)) or m.group(2) == "end"
        if not closing:
            if depth == 0:
                pieces.append(text[keep_from : m.start()])
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:
                keep_from = m.end()
        else:  # orphan closing tag: everything so far was reasoning
            pieces = []
            keep_from = m.end()
    if depth > 0:
        return None
    pieces.append(text[keep_from:])
    return "".join(pieces)
