"""Expected number of pattern occurrences in a word drawn without replacement: two independent exact methods.

The word is formed by drawing ``length`` letters from a multiset without replacement, in draw order. An
occurrence of a pattern is a pair of positions i < j whose block w[i..j] (at least two letters) fully matches the
pattern as a regular expression. Pattern kinds, with x != y letters of the multiset:

``gap`` x.*y, ``gap_same`` x.*x, ``head_plus`` xy+, ``plus_tail`` x+y, ``head_star`` xy*, ``star_tail`` x*y.

* :func:`expectation_by_linearity`: linearity of expectation over blocks; the positions of a draw without
  replacement are exchangeable, so a block of L given letters has probability prod(c_a falling k_a) / N falling L.
* :func:`expectation_by_enumeration`: every distinct ordered word over {x, y, one representative of all other
  letters} with its sequential draw probability, occurrences counted with ``re.fullmatch`` on every block.
"""
from __future__ import annotations

import re
from fractions import Fraction
from math import comb, prod

PATTERN_KINDS = ("gap", "gap_same", "head_plus", "plus_tail", "head_star", "star_tail")


def pattern_text(kind: str, x: str, y: str) -> str:
    """The regular expression of ``kind`` with the letters substituted."""
    return {"gap": f"{x}.*{y}", "gap_same": f"{x}.*{x}", "head_plus": f"{x}{y}+", "plus_tail": f"{x}+{y}",
            "head_star": f"{x}{y}*", "star_tail": f"{x}*{y}"}[kind]


def falling(n: int, k: int) -> int:
    return prod(range(n - k + 1, n + 1)) if k >= 0 else 0


def expectation_by_linearity(letters: dict[str, int], length: int, kind: str, x: str, y: str) -> Fraction:
    """Sum over block lengths L >= 2 of (length - L + 1) blocks times the block's match probability."""
    n = sum(letters.values())
    cx, cy = letters[x], letters.get(y, 0)
    if kind == "gap":
        return comb(length, 2) * Fraction(cx * cy, n * (n - 1))
    if kind == "gap_same":
        return comb(length, 2) * Fraction(cx * (cx - 1), n * (n - 1))
    total = Fraction(0)
    for block in range(2, length + 1):
        if kind in ("head_plus", "head_star"):  # x then block-1 copies of y
            ways = cx * falling(cy, block - 1)
        elif kind in ("plus_tail", "star_tail"):  # block-1 copies of x then y
            ways = falling(cx, block - 1) * cy
        else:
            raise ValueError(f"unknown pattern kind {kind!r}")
        total += (length - block + 1) * Fraction(ways, falling(n, block))
    return total


def _occurrences(word: str, regex: re.Pattern[str]) -> int:
    return sum(1 for i in range(len(word)) for j in range(i + 1, len(word)) if regex.fullmatch(word, i, j + 1))


def expectation_by_enumeration(letters: dict[str, int], length: int, pattern: str) -> Fraction:
    """Enumerate every ordered draw over the letters the pattern names plus one stand-in for all the others."""
    named = sorted({ch for ch in pattern if ch.isalpha() and ch in letters})
    others = [ch for ch in sorted(letters) if ch not in named]
    pool = {ch: letters[ch] for ch in named}
    if others:
        pool[others[0]] = sum(letters[ch] for ch in others)  # '.' cannot tell the other letters apart
    regex = re.compile(pattern)
    n = sum(letters.values())
    numerator = 0

    def walk(word: str, remaining: dict[str, int], weight: int) -> None:
        nonlocal numerator
        if len(word) == length:
            numerator += weight * _occurrences(word, regex)
            return
        for ch, c in remaining.items():
            if c:
                remaining[ch] = c - 1
                walk(word + ch, remaining, weight * c)
                remaining[ch] = c

    walk("", pool, 1)
    return Fraction(numerator, falling(n, length))
