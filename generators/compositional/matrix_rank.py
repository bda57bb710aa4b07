"""comp_matrix_rank_test: the probability that a matrix filled from a randomly drawn word has a given rank.

Skill A (arithmetic_matrix_rank): the exact rank of a small integer matrix. Skill B
(combinatory_probability_no_specific_letter_fixed): probabilities of words drawn without replacement from a
multiset. The test joins them: every letter stands for an integer, r*c letters are drawn from a multiset and
written row by row into an r x c matrix, and the question asks for the probability that the matrix has rank
t, as m/n -> m + n.

solve: enumeration of the multisets of r rows that the pool can supply; each stands for r!/prod(mult!) ordered
words of equal probability prod falling(copies, drawn) / falling(N, rc) (row order changes neither the weight
nor the rank); the rank by fraction-free (Bareiss) integer elimination.
check: drawn sub-multisets with hypergeometric weights times every distinct arrangement of each (equally
likely given the sub-multiset), rank as the largest order of a non-vanishing minor.
"""
from __future__ import annotations

import random
from collections.abc import Iterator
from functools import lru_cache
from fractions import Fraction
from itertools import combinations
from math import comb, factorial, prod
from typing import Any

from generators.combinatorics.letter_multiset import random_multiset, render_multiset, sub_multisets
from generators.compositional.bag_draws import falling
from generators.family import Family, Problem, Reject
from generators.registry import register_family

VALUES = (-2, -1, 0, 1, 2, 3)
RESERVED_LETTERS = frozenset("mn")  # the answer form names m and n

_QUESTIONS = (
    "{setup} What is the probability that the matrix has rank {t}?",
    "{setup} Find the probability that the rank of the matrix (over the rational numbers) equals {t}.",
)
_SETUP = (
    "Each letter stands for an integer: {values}. A word of {size} letters is formed by drawing letters at random, "
    "without replacement, from the multiset {multiset} (every remaining letter equally likely at each draw), in "
    "the order drawn. The word is written row by row into a {r} x {c} matrix: the first {c} letters, replaced by "
    "their numbers, form row 1, the next {c} form row 2, and so on."
)
_FORM = " Write the probability as m/n with m and n coprime positive integers and give m + n."


def bareiss_rank(m: list[list[int]]) -> int:
    """Rank of an integer matrix by fraction-free elimination with row and column pivot search."""
    a = [list(row) for row in m]
    rows, cols = len(a), len(a[0]) if a else 0
    rank, prev = 0, 1
    for col in range(cols):
        piv = next((r for r in range(rank, rows) if a[r][col] != 0), None)
        if piv is None:
            continue
        a[rank], a[piv] = a[piv], a[rank]
        p = a[rank][col]
        for r in range(rank + 1, rows):
            arc = a[r][col]
            a[r] = [(x * p - arc * y) // prev for x, y in zip(a[r], a[rank])]
        prev = p
        rank += 1
        if rank == rows:
            break
    return rank


def _det(m: list[list[int]]) -> int:
    """Determinant by cofactor expansion along the first row (small orders only)."""
    if len(m) == 1:
        return m[0][0]
    if len(m) == 2:
        return m[0][0] * m[1][1] - m[0][1] * m[1][0]
    return sum((-1) ** j * m[0][j] * _det([row[:j] + row[j + 1:] for row in m[1:]]) for j in range(len(m)) if m[0][j])


def minor_rank(m: list[list[int]]) -> int:
    """Largest k with a non-zero k x k minor (3 x 3 and 2 x c spelled out, general orders by cofactors)."""
    rows, cols = len(m), len(m[0])
    if rows == cols == 3:
        (a, b, c), (d, e, f), (g, h, i) = m
        if a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g):
            return 3
        if (a * e - b * d or a * f - c * d or b * f - c * e or a * h - b * g or a * i - c * g or b * i - c * h
                or d * h - e * g or d * i - f * g or e * i - f * h):
            return 2
        return 1 if any(v for row in m for v in row) else 0
    if rows == 2:
        top, bot = m
        if any(top[x] * bot[y] - top[y] * bot[x] for x in range(cols) for y in range(x + 1, cols)):
            return 2
        return 1 if any(top) or any(bot) else 0
    for k in range(min(rows, cols), 0, -1):
        for rs in combinations(range(rows), k):
            for cs in combinations(range(cols), k):
                if _det([[m[r][c] for c in cs] for r in rs]):
                    return k
    return 0


def _to_matrix(word: list[int], r: int, c: int) -> list[list[int]]:
    return [word[i * c:(i + 1) * c] for i in range(r)]


@lru_cache(maxsize=64)
def _rank_distribution_cached(values: tuple[int, ...], counts: tuple[int, ...], r: int, c: int
                              ) -> tuple[tuple[int, Fraction], ...]:
    return tuple(_rank_distribution_by_draws(list(values), list(counts), r, c).items())


def rank_distribution_by_draws(values: list[int], counts: list[int], r: int, c: int) -> dict[int, Fraction]:
    """Ordered draws, each weighted by the product of remaining copies; ranks by Bareiss elimination.

    Memoised on the inputs (generate and solve ask for the same instance); check never uses this function.
    """
    return dict(_rank_distribution_cached(tuple(values), tuple(counts), r, c))


def _rank_distribution_by_draws(values: list[int], counts: list[int], r: int, c: int) -> dict[int, Fraction]:
    n, size = sum(counts), r * c
    types = len(counts)
    # every possible row as a tuple of numbers, with how many copies of each letter it uses
    rows = []
    for idx in range(types**c):
        seq = [(idx // types**k) % types for k in range(c)]
        used = tuple(seq.count(t) for t in range(types))
        if all(u <= cn for u, cn in zip(used, counts)):
            rows.append((tuple(values[i] for i in seq), used))
    num: dict[int, int] = {}
    chosen: list[int] = []
    left = list(counts)

    def walk(start: int) -> None:
        if len(chosen) == r:
            # an ordered word's weight is prod falling(count, copies drawn), the same for every row order;
            # the multiset of rows arises in r! / prod(multiplicity!) orders
            weight = prod(falling(cn, cn - lf) for cn, lf in zip(counts, left))
            orders = factorial(r) // prod(factorial(chosen.count(i)) for i in set(chosen))
            k = bareiss_rank([list(rows[i][0]) for i in chosen])
            num[k] = num.get(k, 0) + weight * orders
            return
        for i in range(start, len(rows)):
            used = rows[i][1]
            if any(u > lf for u, lf in zip(used, left)):
                continue
            for t in range(types):
                left[t] -= used[t]
            chosen.append(i)
            walk(i)
            chosen.pop()
            for t in range(types):
                left[t] += used[t]

    walk(0)
    den = prod(range(n - size + 1, n + 1))
    return {k: Fraction(v, den) for k, v in sorted(num.items())}


def distinct_words(counts: list[int], size: int) -> int:
    """Number of distinct words of ``size`` letters the pool can produce (sum of multinomials)."""
    return sum(factorial(size) // prod(factorial(d) for d in drawn) for drawn in sub_multisets(tuple(counts), size))


def _arrangements(drawn: list[int]) -> Iterator[list[int]]:
    """Every distinct sequence with drawn[i] copies of symbol i (lexicographic order)."""
    size = sum(drawn)
    seq: list[int] = []

    def rec() -> Iterator[list[int]]:
        if len(seq) == size:
            yield list(seq)
            return
        for i, left in enumerate(drawn):
            if left:
                drawn[i] -= 1
                seq.append(i)
                yield from rec()
                seq.pop()
                drawn[i] += 1

    yield from rec()


def rank_distribution_by_submultisets(values: list[int], counts: list[int], r: int, c: int) -> dict[int, Fraction]:
    """Hypergeometric sub-multisets times the uniformly likely distinct arrangements; ranks by minors."""
    size = r * c
    total = comb(sum(counts), size)
    out: dict[int, Fraction] = {}
    for drawn in sub_multisets(tuple(counts), size):
        weight = Fraction(prod(comb(cn, d) for cn, d in zip(counts, drawn)), total)
        arrangements = factorial(size) // prod(factorial(d) for d in drawn)
        tally: dict[int, int] = {}
        for seq in _arrangements(list(drawn)):
            k = minor_rank(_to_matrix([values[i] for i in seq], r, c))
            tally[k] = tally.get(k, 0) + 1
        for k, v in tally.items():
            out[k] = out.get(k, Fraction(0)) + weight * Fraction(v, arrangements)
    return dict(sorted(out.items()))


@register_family
class WordMatrixRank(Family):
    name = "comp_matrix_rank_test"
    axis = "compositional"
    domain = "arithmetic"
    description = "Probability that a matrix filled from a randomly drawn word has a given rank (rank + probability)"
    answer_type = "int"
    levels = {
        1: {"shape": (2, 2), "types": 3, "total": 5},
        2: {"shape": (2, 3), "types": 3, "total": 7},
        3: {"shape": (3, 3), "types": 3, "total": 9},
        4: {"shape": (3, 3), "types": 3, "total": 10},
        5: {"shape": (3, 3), "types": 4, "total": 9},
    }
    # distinct words of a drawn instance (the enumeration size of both methods) are capped per item
    max_words = 2500
    test_items = 20  # items per level in the generic default test; 200 per level run under -m slow

    def generate(self, rng: random.Random, level: int) -> Problem:
        kn = self.levels[level]
        r, c = kn["shape"]
        letters = random_multiset(rng, kn["types"], kn["total"])
        if RESERVED_LETTERS & set(letters):
            raise Reject("a letter would clash with the m/n answer form")
        names = sorted(letters)
        values = rng.sample(VALUES, len(names))
        counts = [letters[ch] for ch in names]
        if distinct_words(counts, r * c) > self.max_words:
            raise Reject("too many distinct words to enumerate quickly")
        dist = rank_distribution_by_draws(values, list(counts), r, c)
        possible = [k for k, p in dist.items() if 0 < p < 1]
        if not possible:
            raise Reject("the rank is certain")
        t = rng.choice(possible)
        setup = _SETUP.format(values=", ".join(f"{ch} = {v}" for ch, v in zip(names, values)), size=r * c,
                              multiset=render_multiset(letters), r=r, c=c)
        question = rng.choice(_QUESTIONS).format(setup=setup, t=t) + _FORM
        return Problem(question=question, params={"letters": letters, "values": dict(zip(names, values)),
                                                  "rows": r, "cols": c, "rank": t})

    @staticmethod
    def _inputs(params: dict[str, Any]) -> tuple[list[int], list[int]]:
        names = sorted(params["letters"])
        return [params["values"][ch] for ch in names], [params["letters"][ch] for ch in names]

    def solve(self, params: dict[str, Any]) -> int:
        values, counts = self._inputs(params)
        p = rank_distribution_by_draws(values, counts, params["rows"], params["cols"]).get(params["rank"], Fraction(0))
        return p.numerator + p.denominator

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        values, counts = self._inputs(params)
        dist = rank_distribution_by_submultisets(values, counts, params["rows"], params["cols"])
        p = dist.get(params["rank"], Fraction(0))
        return isinstance(answer, int) and sum(dist.values()) == 1 and 0 < p < 1 and answer == p.numerator + p.denominator
