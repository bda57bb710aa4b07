"""Multisets of letters shared by the combinatorics families: drawing letter counts, rendering, sub-multisets.

A multiset is a ``dict`` letter -> count with sorted keys (JSON-friendly, deterministic order).
"""
from __future__ import annotations

import random
import string
from collections.abc import Iterator
from fractions import Fraction
from functools import lru_cache
from math import comb, prod

ALPHABET = string.ascii_lowercase


def random_composition(rng: random.Random, total: int, parts: int) -> list[int]:
    """A uniformly random composition of ``total`` into ``parts`` positive integers (stars and bars)."""
    if not 1 <= parts <= total:
        raise ValueError(f"cannot split {total} into {parts} positive parts")
    cuts = sorted(rng.sample(range(1, total), parts - 1))
    bounds = [0, *cuts, total]
    return [bounds[i + 1] - bounds[i] for i in range(parts)]


def random_multiset(rng: random.Random, types: int, total: int) -> dict[str, int]:
    """``types`` distinct random letters whose counts form a random composition of ``total``."""
    letters = sorted(rng.sample(ALPHABET, types))
    counts = random_composition(rng, total, types)
    return dict(zip(letters, counts))


def render_multiset(letters: dict[str, int]) -> str:
    """``{a: 2, b: 1}``: every letter with its number of copies, in alphabetical order."""
    return "{" + ", ".join(f"{ch}: {letters[ch]}" for ch in sorted(letters)) + "}"


def sub_multisets(counts: tuple[int, ...], size: int) -> Iterator[tuple[int, ...]]:
    """Every vector ``s`` with ``0 <= s[i] <= counts[i]`` and ``sum(s) == size``, in lexicographic order."""
    counts = tuple(counts)
    if not counts:
        if size == 0:
            yield ()
        return
    last = len(counts) - 1
    capacity = [0] * (last + 2)  # capacity[i] = sum(counts[i:])
    for i in range(last, -1, -1):
        capacity[i] = capacity[i + 1] + counts[i]
    found: list[tuple[int, ...]] = []

    def extend(i: int, left: int, prefix: tuple[int, ...]) -> None:
        if i == last:
            if 0 <= left <= counts[i]:
                found.append(prefix + (left,))
            return
        for first in range(max(0, left - capacity[i + 1]), min(counts[i], left) + 1):
            extend(i + 1, left - first, prefix + (first,))

    extend(0, size, ())
    yield from found


@lru_cache(maxsize=65536)
def sub_multiset_tuple(counts: tuple[int, ...], size: int) -> tuple[tuple[int, ...], ...]:
    """:func:`sub_multisets` as a cached tuple (the counting DPs ask for the same ones many times)."""
    return tuple(sub_multisets(counts, size))


def unordered_draw_probability(counts: tuple[int, ...], drawn: tuple[int, ...]) -> Fraction:
    """Probability that drawing ``sum(drawn)`` items without replacement yields exactly ``drawn`` (hypergeometric)."""
    return Fraction(prod(comb(c, d) for c, d in zip(counts, drawn)), comb(sum(counts), sum(drawn)))


def canonical_letter_key(params: dict) -> str:
    """A key equal for instances that differ only by renaming the letters of the multiset.

    Letters named elsewhere in ``params`` (a ``pattern`` string, or any single-letter value such as an
    event's letter or ``x``/``y``) get canonical labels in order of first appearance; the remaining
    letters are interchangeable and only their counts are kept. Other values are kept as they are.
    """
    import json

    letters: dict[str, int] = params["letters"]
    order: list[str] = []

    def note(ch: str) -> None:
        if ch in letters and ch not in order:
            order.append(ch)

    def visit(key: str, value) -> None:
        if key == "pattern" and isinstance(value, str):
            for ch in value:
                note(ch)
        elif isinstance(value, str) and len(value) == 1:
            note(value)
        elif isinstance(value, dict):
            for k in sorted(value):
                visit(k, value[k])
        elif isinstance(value, (list, tuple)):
            for v in value:
                visit(key, v)

    for k in sorted(params):
        if k != "letters":
            visit(k, params[k])
    label = {c: f"L{i}" for i, c in enumerate(order)}

    def relabel(key: str, value):
        if key == "pattern" and isinstance(value, str):
            return "".join(label.get(ch, ch) for ch in value)
        if isinstance(value, str) and len(value) == 1:
            return label.get(value, value)
        if isinstance(value, dict):
            return {k: relabel(k, v) for k, v in sorted(value.items())}
        if isinstance(value, (list, tuple)):
            return [relabel(key, v) for v in value]
        return value

    canon = {k: relabel(k, v) for k, v in sorted(params.items()) if k != "letters"}
    canon["named_letters"] = [[label[c], letters[c]] for c in order]
    canon["other_letter_counts"] = sorted(n for c, n in letters.items() if c not in label)
    return json.dumps(canon, sort_keys=True)
