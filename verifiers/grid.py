"""C-ARC grid answers: extraction, a safe hand-written parser, and the exact / colour / shape metrics.

strict: the first ``[[...]]`` (balanced) after the first "output" (case-insensitive) in the response;
flex:   the last balanced two-level list anywhere in the response.
The parser accepts only brackets, commas, whitespace and integers (no eval, no literal_eval); the grid
must be rectangular and have the gold's shape, otherwise it does not count as parsed (as in C-ARC, where
a response without a valid 10x10 grid is invalid). Metrics on a parsed grid:
exact (every cell equal), color (same set of non-zero colours), shape (same set of 8-connected
non-zero components, each translated to the top-left, colour ignored).
"""
from __future__ import annotations

import re

from .limits import MAX_GRID_SIDE

_OPEN2 = re.compile(r"\[\s*\[")
_BRACKETS = re.compile(r"[\[\]]")
_TOKENS = re.compile(r"\s*(\[|\]|,|-?\d+)")


def _close_of(text: str, open_pos: int) -> int:
    depth = 0
    for m in _BRACKETS.finditer(text, open_pos):
        depth += 1 if m.group() == "[" else -1
        if depth == 0:
            return m.end()
    return -1


def extract_strict(text: str) -> str | None:
    marker = text.lower().find("output")
    if marker < 0:
        return None
    m = _OPEN2.search(text, marker)
    if not m:
        return None
    end = _close_of(text, m.start())
    return text[m.start() : end] if end > 0 else None


def extract_flex(text: str) -> str | None:
    """The last outermost balanced bracket span whose first element is itself a list."""
    stack: list[int] = []
    last = None
    for m in _BRACKETS.finditer(text):
        if m.group() == "[":
            stack.append(m.start())
        elif stack:
            start = stack.pop()
            if not stack and _OPEN2.match(text, start):
                last = (start, m.end())
    return text[last[0] : last[1]] if last else None


def _tokens(text: str) -> list[str] | None:
    tokens: list[str] = []
    pos = 0
    text = text.rstrip()
    limit = 4 * MAX_GRID_SIDE * (MAX_GRID_SIDE + 1)
    while pos < len(text):
        m = _TOKENS.match(text, pos)
        if not m or len(tokens) > limit:
            return None
        tokens.append(m.group(1))
        pos = m.end()
    return tokens


def _parse_list(tokens: list[str], i: int, item) -> tuple[list, int]:
    """'[' item (',' item)* ','? ']' starting at tokens[i]; returns (items, next index)."""
    if tokens[i] != "[":
        raise ValueError("expected [")
    i += 1
    items = []
    while tokens[i] != "]":
        value, i = item(tokens, i)
        items.append(value)
        if tokens[i] == ",":
            i += 1
        elif tokens[i] != "]":
            raise ValueError("expected , or ]")
    return items, i + 1


def _int_item(tokens: list[str], i: int) -> tuple[int, int]:
    if tokens[i] in ("[", "]", ","):
        raise ValueError("expected an integer")
    return int(tokens[i]), i + 1


def _row_item(tokens: list[str], i: int) -> tuple[list[int], int]:
    return _parse_list(tokens, i, _int_item)


def parse_grid(text: str) -> list[list[int]] | None:
    """A rectangular, non-empty list of int rows (at most MAX_GRID_SIDE a side), or None."""
    tokens = _tokens(text)
    if not tokens:
        return None
    try:
        grid, end = _parse_list(tokens, 0, _row_item)
    except (ValueError, IndexError):
        return None
    if end != len(tokens) or not grid or not grid[0]:
        return None
    if len(grid) > MAX_GRID_SIDE or len(grid[0]) > MAX_GRID_SIDE or any(len(r) != len(grid[0]) for r in grid):
        return None
    return grid


def colours(grid: list[list[int]]) -> frozenset[int]:
    return frozenset(c for row in grid for c in row if c != 0)


def shapes(grid: list[list[int]]) -> frozenset[frozenset[tuple[int, int]]]:
    """Normalised shapes of the 8-connected components of non-zero cells (colour ignored)."""
    rows, cols = len(grid), len(grid[0])
    seen = [[False] * cols for _ in range(rows)]
    found = set()
    for r in range(rows):
        for c in range(cols):
            if grid[r][c] == 0 or seen[r][c]:
                continue
            cells = []
            stack = [(r, c)]
            seen[r][c] = True
            while stack:
                y, x = stack.pop()
                cells.append((y, x))
                for dy in (-1, 0, 1):
                    for dx in (-1, 0, 1):
                        ny, nx = y + dy, x + dx
                        if 0 <= ny < rows and 0 <= nx < cols and not seen[ny][nx] and grid[ny][nx] != 0:
                            seen[ny][nx] = True
                            stack.append((ny, nx))
            top = min(y for y, _ in cells)
            left = min(x for _, x in cells)
            found.add(frozenset((y - top, x - left) for y, x in cells))
    return frozenset(found)


def metrics(pred: list[list[int]] | None, gold: list[list[int]]) -> dict:
    """{"exact", "color", "shape", "parsed"}; all False unless the prediction parsed with the gold's shape."""
    if pred is None or len(pred) != len(gold) or len(pred[0]) != len(gold[0]):
        return {"exact": False, "color": False, "shape": False, "parsed": False}
    return {
        "exact": pred == gold,
        "color": colours(pred) == colours(gold),
        "shape": shapes(pred) == shapes(gold),
        "parsed": True,
    }
