"""Exact probabilities of ordered draws without replacement from a bag (multiset) of labelled items.

Draws without replacement are exchangeable: the probability that the first ``m`` draws show a given sequence
depends only on how many items of each label it contains, namely prod_c falling(count_c, k_c) / falling(N, m).
"""
from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from math import prod


def falling(n: int, k: int) -> int:
    """n (n-1) ... (n-k+1); 0 when k > n >= 0, 1 when k == 0."""
    if k < 0:
        raise ValueError("k must be non-negative")
    return prod(range(n - k + 1, n + 1)) if k <= n else 0


def sequence_probability(pool: Mapping[str, int], taken: Mapping[str, int]) -> Fraction:
    """Probability that a particular ordered sequence with ``taken[c]`` items of each label is drawn first."""
    total = sum(pool.values())
    m = sum(taken.values())
    num = prod(falling(pool.get(c, 0), k) for c, k in taken.items())
    return Fraction(num, falling(total, m))
