"""Find the answer inside a (reasoning-stripped) response: strict and flex extraction for math types.

strict: the last complete ``\\boxed{...}`` / ``\\fbox{...}`` (balanced braces, escaped ``\\{ \\}`` ignored);
        for set answers, several boxes on that last line are joined ("\\boxed{1}, \\boxed{2}").
flex:   strict, else the last anchored line ("final answer is ...", "the answer is ...", "Answer: ..."),
        else - for numeric types only - the last number in the response.
All scans are linear in the (already length-capped) text.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from .limits import MAX_BOX_CANDIDATES


class Extraction(NamedTuple):
    text: str | None
    method: str  # boxed, anchored, last_number, none


NONE = Extraction(None, "none")
NUMERIC_TYPES = ("int", "rational", "decimal")

_BOX_START = re.compile(r"\\(?:boxed|fbox)\s*\{")
_BOX_BARE = re.compile(r"\\boxed[ \t]+([^\s$]+)")
_BRACES = re.compile(r"\\.|[{}]", re.DOTALL)
_ANCHORS = re.compile(
    r"final\s+answer\s*(?:is|:|=)?|the\s+answer\s+is\s*:?|(?:^|\n)[ \t*#>_]*answer\s*\**\s*[:：]",
    re.IGNORECASE,
)
_HOPE = re.compile(r"\.?\s*I hope it is correct.*$", re.IGNORECASE | re.DOTALL)
_NUMBER = re.compile(
    r"\\[dt]?frac\{-?\d+\}\{\d+\}"
    r"|(?<![\w.])-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[ \t]*/[ \t]*\d+)?(?![\w])"
)
_JOINER = re.compile(r"^[ \t,;$]*(?:and|or)?[ \t,;$]*$", re.IGNORECASE)
_ANCHOR_WINDOW = 4_000
_NUMBER_WINDOW = 2_000


def _brace_matches(text: str, start: int) -> dict[int, int]:
    """Map the position of each unescaped '{' at or after ``start`` to its matching '}' (one pass)."""
    matches: dict[int, int] = {}
    stack: list[int] = []
    for m in _BRACES.finditer(text, start):
        ch = m.group()
        if ch == "{":
            stack.append(m.start())
        elif ch == "}" and stack:
            matches[stack.pop()] = m.start()
    return matches


def boxed_spans(text: str) -> list[tuple[int, int, str]]:
    """Complete boxes as (start, end, content), in text order; at most MAX_BOX_CANDIDATES, the last ones."""
    starts = [m for m in _BOX_START.finditer(text)][-MAX_BOX_CANDIDATES:]
    if not starts:
        return []
    matches = _brace_matches(text, starts[0].end() - 1)
    spans = []
    for m in starts:
        open_pos = m.end() - 1
        close = matches.get(open_pos)
        if close is not None:
            spans.append((m.start(), close + 1, text[open_pos + 1 : close]))
    return spans


def last_boxed(text: str, join_line: bool = False) -> str | None:
    """Content of the last complete box (the outermost when nested); optionally join boxes on its line."""
    spans = boxed_spans(text)
    if not spans:
        bare = None
        for bare in _BOX_BARE.finditer(text):
            pass
        return bare.group(1) if bare else None
    last = max(spans, key=lambda s: s[1])
    if not join_line:
        return last[2]
    group = [last]
    for span in reversed([s for s in spans if s[1] <= last[0]]):
        if span[1] > group[0][0] or not _JOINER.match(text[span[1] : group[0][0]]):
            break
        group.insert(0, span)
    return ", ".join(s[2] for s in group)


def _clean_anchored(tail: str) -> str | None:
    line = tail.lstrip(" \t*:")
    if line.startswith("\n"):  # the answer sits on the next non-empty line
        line = line.lstrip()
    line = line.split("\n", 1)[0]
    line = _HOPE.sub("", line).strip().strip("*").strip()
    line = line.rstrip(".").rstrip()
    return line or None


def anchored(text: str) -> str | None:
    """Text after the last "final answer is" / "the answer is" / "Answer:" anchor, up to the line end."""
    window = text[-_ANCHOR_WINDOW:]
    last = None
    for last in _ANCHORS.finditer(window):
        pass
    return _clean_anchored(window[last.end() :]) if last else None


def last_number(text: str) -> str | None:
    """The last number-looking token (integer, decimal, 1,000-style, p/q or \\frac{p}{q})."""
    for window in (text[-_NUMBER_WINDOW:], text):
        last = None
        for last in _NUMBER.finditer(window):
            pass
        if last:
            return last.group()
        if len(window) == len(text):
            break
    return None


def extract_strict(text: str, answer_type: str) -> Extraction:
    content = last_boxed(text, join_line=answer_type == "set")
    return Extraction(content, "boxed") if content is not None else NONE


def extract_flex(text: str, answer_type: str) -> Extraction:
    strict = extract_strict(text, answer_type)
    if strict.text is not None:
        return strict
    found = anchored(text)
    if found is not None:
        return Extraction(found, "anchored")
    if answer_type.split(":")[0] in NUMERIC_TYPES:
        number = last_number(text)
        if number is not None:
            return Extraction(number, "last_number")
    return NONE
