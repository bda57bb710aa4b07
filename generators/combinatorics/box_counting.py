"""Counting distributions of a multiset of letters into boxes of prescribed sizes, by independent routes.

A distribution assigns every letter to a box so that box i receives exactly ``sizes[i]`` letters; copies of a
letter are identical and the order inside a box does not matter, so a distribution is a table ``t[box][letter]``
with row sums ``sizes`` and column sums ``counts``. For unlabeled boxes, tables that differ by permuting boxes of
equal size are the same distribution.

* labeled: :func:`labeled_by_boxes` (box-by-box DP) vs :func:`labeled_by_letters` (letter-by-letter DP).
* unlabeled: :func:`unlabeled_by_burnside` (orbit counting: average of fixed tables over box permutations,
  grouped by cycle type) vs :func:`unlabeled_by_canonical_forms` (DP over canonical tables, equal-size boxes in
  non-decreasing order).
* both: :func:`brute_force_distributions` assigns positions of the spelled-out word to boxes one combination at a
  time and de-duplicates canonical forms in a set (small instances only).
"""
from __future__ import annotations

from collections import Counter
from functools import lru_cache
from itertools import combinations
from math import factorial, prod
from operator import sub

from generators.combinatorics.letter_multiset import sub_multiset_tuple


def _minus(a: tuple[int, ...], b: tuple[int, ...], times: int = 1) -> tuple[int, ...] | None:
    out = tuple(map(sub, a, b)) if times == 1 else tuple(x - times * y for x, y in zip(a, b))
    return out if min(out, default=0) >= 0 else None


def labeled_by_boxes(counts: tuple[int, ...], sizes: tuple[int, ...]) -> int:
    """Box by box: choose the sub-multiset of each box from what is left (memoised on what is left); the
    last box can only take everything that is left."""
    last = len(sizes) - 1

    @lru_cache(maxsize=None)
    def ways(i: int, left: tuple[int, ...]) -> int:
        if i >= last:
            return int(sum(left) == sizes[i]) if i == last else int(not any(left))
        # every v is contained in ``left``, so what remains is never negative
        return sum(ways(i + 1, tuple(map(sub, left, v))) for v in sub_multiset_tuple(left, sizes[i]))

    return ways(0, tuple(counts))


def _bounded_compositions(total: int, caps: tuple[int, ...]):
    if not caps:
        if total == 0:
            yield ()
        return
    for first in range(max(0, total - sum(caps[1:])), min(caps[0], total) + 1):
        for rest in _bounded_compositions(total - first, caps[1:]):
            yield (first, *rest)


def labeled_by_letters(counts: tuple[int, ...], sizes: tuple[int, ...]) -> int:
    """Letter by letter: split the copies of each letter among the boxes' free capacities (memoised on them);
    the last letter can only fill exactly the capacity that is left."""
    last = len(counts) - 1

    @lru_cache(maxsize=None)
    def ways(j: int, caps: tuple[int, ...]) -> int:
        if j >= last:
            return int(sum(caps) == counts[j]) if j == last else int(not any(caps))
        return sum(ways(j + 1, tuple(c - s for c, s in zip(caps, split)))
                   for split in _bounded_compositions(counts[j], caps))

    return ways(0, tuple(sizes))


def integer_partitions(n: int, largest: int | None = None):
    """Partitions of n as non-increasing tuples."""
    largest = n if largest is None else largest
    if n == 0:
        yield ()
        return
    for first in range(min(n, largest), 0, -1):
        for rest in integer_partitions(n - first, first):
            yield (first, *rest)


def _centralizer_size(partition: tuple[int, ...]) -> int:
    """z_lambda = prod i^m_i m_i!: permutations of n with cycle type lambda number n!/z_lambda."""
    return prod(part**mult * factorial(mult) for part, mult in Counter(partition).items())


def _fixed_tables(counts: tuple[int, ...], cycles: list[tuple[int, int]]) -> int:
    """Tables fixed by a box permutation: boxes in one cycle (length c, size s) hold identical contents; the
    last cycle's boxes can only share out what is left, evenly."""
    last = len(cycles) - 1

    @lru_cache(maxsize=None)
    def ways(i: int, left: tuple[int, ...]) -> int:
        if i >= last:
            if i > last:
                return int(not any(left))
            length, size = cycles[i]
            return int(all(x % length == 0 for x in left) and sum(left) == length * size)
        length, size = cycles[i]
        total = 0
        if length == 1:  # v <= left, so nothing goes negative
            for v in sub_multiset_tuple(left, size):
                total += ways(i + 1, tuple(map(sub, left, v)))
            return total
        for v in sub_multiset_tuple(tuple(x // length for x in left), size):
            rest = _minus(left, v, length)
            if rest is not None:
                total += ways(i + 1, rest)
        return total

    return ways(0, tuple(counts))


def unlabeled_by_burnside(counts: tuple[int, ...], sizes: tuple[int, ...]) -> int:
    """Orbits of tables under permutations of equal-size boxes: (1/|G|) sum over g of fixed tables (Burnside).

    G is a product of symmetric groups, one per box size; permutations are grouped by cycle type, a type
    lambda of S_g occurring g!/z_lambda times, so the orbit count is the sum over types of Fix / prod z_lambda.
    """
    groups = sorted(Counter(sizes).items())
    # every z_lambda divides g!, so prod(g!) is a common denominator of all the weights 1 / prod(z_lambda)
    denominator = prod(factorial(mult) for _, mult in groups)
    numerator = 0

    def walk(gi: int, cycles: list[tuple[int, int]], z_product: int) -> None:
        nonlocal numerator
        if gi == len(groups):
            numerator += _fixed_tables(tuple(counts), cycles) * (denominator // z_product)
            return
        size, mult = groups[gi]
        for lam in integer_partitions(mult):
            walk(gi + 1, cycles + [(c, size) for c in lam], z_product * _centralizer_size(lam))

    walk(0, [], 1)
    if numerator % denominator:
        raise ArithmeticError("Burnside average is not an integer")
    return numerator // denominator


def unlabeled_by_canonical_forms(counts: tuple[int, ...], sizes: tuple[int, ...]) -> int:
    """Count canonical tables directly: boxes sorted by size, equal-size boxes' contents non-decreasing."""
    order = tuple(sorted(sizes))
    last = len(order) - 1

    @lru_cache(maxsize=None)
    def ways(i: int, left: tuple[int, ...], prev: tuple[int, ...] | None) -> int:
        floor = prev if i > 0 and i <= last and order[i] == order[i - 1] else None
        if i >= last:  # the last box takes everything that is left
            if i > last:
                return int(not any(left))
            return int(sum(left) == order[i] and (floor is None or left >= floor))
        total = 0
        for v in sub_multiset_tuple(left, order[i]):
            if floor is None or v >= floor:
                total += ways(i + 1, _minus(left, v), v)
        return total

    return ways(0, tuple(counts), None)


def distribution_assignments(counts: tuple[int, ...], sizes: tuple[int, ...]) -> int:
    """How many position-to-box assignments the brute force would walk (the multinomial N! / prod(s!))."""
    return factorial(sum(sizes)) // prod(factorial(s) for s in sizes)


def brute_force_distributions(counts: tuple[int, ...], sizes: tuple[int, ...], labeled: bool) -> int:
    """Spell the multiset as a word, give every box a combination of the remaining positions, keep the set of
    canonical forms (per-box letter counts; for unlabeled boxes, equal-size boxes sorted)."""
    word = [j for j, c in enumerate(counts) for _ in range(c)]
    seen: set[tuple] = set()

    def walk(i: int, free: tuple[int, ...], boxes: list[tuple[int, ...]]) -> None:
        if i == len(sizes):
            if labeled:
                seen.add(tuple(boxes))
            else:
                seen.add(tuple(sorted(zip(sizes, boxes))))
            return
        for chosen in combinations(free, sizes[i]):
            content = [0] * len(counts)
            for pos in chosen:
                content[word[pos]] += 1
            rest = tuple(p for p in free if p not in chosen)
            walk(i + 1, rest, boxes + [tuple(content)])

    walk(0, tuple(range(len(word))), [])
    return len(seen)
