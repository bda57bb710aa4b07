"""Draw-then-shuffle probabilities: two independent exact methods for the letter-shuffle families.

A word is formed by drawing ``length`` letters without replacement from a multiset, in draw order; it is then
shuffled by a uniformly random permutation of its positions. A position is *fixed* when it holds the same letter
after the shuffle as before. Events (``event`` dicts):

* ``{"kind": "no_fixed_points"}``: no position is fixed;
* ``{"kind": "no_letter_fixed", "letter": x}``: no position that held ``x`` still holds ``x``;
* ``{"kind": "exactly_letter_fixed", "letter": x, "n": n}``: exactly ``n`` such positions;
* ``{"kind": "at_least_letter_fixed", "letter": x, "n": n}``: at least ``n`` such positions.

Method 1 (:func:`probability_by_permutations`): sum over drawn sub-multisets (hypergeometric weight) of the
fraction of all ``length!`` position permutations of one arrangement that satisfy the event.
Method 2 (:func:`probability_by_formula`): sum over ordered draws (sequential draw probabilities, carried
forward one draw at a time per count vector) of a closed form in the drawn letter counts: inclusion-exclusion for derangements of a multiset word, and a direct count
of arrangements for the one-letter events.
"""
from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from itertools import permutations, product
from math import comb, factorial, prod

import numpy as np

from generators.combinatorics.letter_multiset import sub_multisets, unordered_draw_probability

EVENT_KINDS = ("no_fixed_points", "no_letter_fixed", "exactly_letter_fixed", "at_least_letter_fixed")


@lru_cache(maxsize=None)
def _position_permutations(length: int) -> tuple[tuple[int, ...], ...]:
    return tuple(permutations(range(length)))


def _event_holds(kind: str, n: int, fixed_total: int, fixed_special: int) -> bool:
    if kind == "no_fixed_points":
        return fixed_total == 0
    if kind == "no_letter_fixed":
        return fixed_special == 0
    if kind == "exactly_letter_fixed":
        return fixed_special == n
    if kind == "at_least_letter_fixed":
        return fixed_special >= n
    raise ValueError(f"unknown event kind {kind!r}")


def _fraction_of_permutations(word: tuple[int, ...], kind: str, special: int, n: int) -> Fraction:
    """Share of the position permutations of ``word`` (letter indices) for which the event holds.

    The share does not depend on the letters' names or on the order of the positions, so it is enumerated
    once per canonical word (the special letter's count first, then the other counts sorted) and cached."""
    counts: dict[int, int] = {}
    for ch in word:
        counts[ch] = counts.get(ch, 0) + 1
    own = counts.pop(special, 0)
    return _canonical_fraction(own, tuple(sorted(counts.values())), kind, n)


@lru_cache(maxsize=None)
def _canonical_fraction(own: int, others: tuple[int, ...], kind: str, n: int) -> Fraction:
    """:func:`_fraction_of_permutations` of the word 0^own 1^others[0] 2^others[1] ... (0 is the special
    letter): every permutation of the positions is enumerated (numpy, all at once) and the event tested."""
    word = np.array([0] * own + [i + 1 for i, c in enumerate(others) for _ in range(c)], dtype=np.int8)
    perms = np.array(_position_permutations(word.size), dtype=np.int8).reshape(-1, word.size)
    same = word[perms] == word[None, :]  # position pos keeps its letter under perm (src = perm[pos])
    fixed_total = same.sum(axis=1)
    fixed_special = (same & (word == 0)[None, :]).sum(axis=1)
    good = sum(1 for t, sp in zip(fixed_total.tolist(), fixed_special.tolist()) if _event_holds(kind, n, t, sp))
    return Fraction(good, perms.shape[0])


def _event_parts(letters: dict[str, int], event: dict) -> tuple[tuple[str, ...], str, int, int]:
    names = tuple(sorted(letters))
    kind = event["kind"]
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    special = names.index(event["letter"]) if kind != "no_fixed_points" else -1
    return names, kind, special, int(event.get("n", 0))


def probability_by_permutations(letters: dict[str, int], length: int, event: dict) -> Fraction:
    """Method 1: hypergeometric sub-multisets times enumeration of all position permutations.

    Sub-multisets with the same canonical word share one enumerated fraction, so their hypergeometric
    numerators (products of binomials over the common C(N, length)) are added first."""
    names, kind, special, n = _event_parts(letters, event)
    return _probability_by_permutations(tuple(letters[ch] for ch in names), length, kind, special, n)


@lru_cache(maxsize=4096)
def _probability_by_permutations(counts: tuple[int, ...], length: int, kind: str, special: int, n: int) -> Fraction:
    """:func:`probability_by_permutations` on letter counts (cached: generation and ``solve`` ask twice)."""
    binomials = [[comb(c, d) for d in range(length + 1)] for c in counts]  # binomials[i][d] = C(counts[i], d)
    numerators: dict[tuple[int, tuple[int, ...]], int] = {}
    for drawn in sub_multisets(counts, length):
        own = drawn[special] if special >= 0 else 0
        others = tuple(sorted(d for i, d in enumerate(drawn) if d and i != special))
        ways = prod(row[d] for row, d in zip(binomials, drawn))
        numerators[own, others] = numerators.get((own, others), 0) + ways
    draws = comb(sum(counts), length)
    total = Fraction(0)
    for (own, others), ways in numerators.items():
        total += Fraction(ways, draws) * _canonical_fraction(own, others, kind, n)
    return total


def multiset_derangement_share(drawn: tuple[int, ...]) -> Fraction:
    """Probability that a uniform position shuffle of a word with letter counts ``drawn`` fixes no position.

    Inclusion-exclusion over which positions are forced to keep their letter, counting distinct words:
    sum over k (k_i <= drawn_i) of prod((-1)^k_i C(drawn_i, k_i)) (L - |k|)! / prod((drawn_i - k_i)!).
    Each distinct word arises from prod(drawn_i!) of the L! permutations. The share depends only on the
    multiset of the nonzero counts, so it is computed once per sorted count vector.
    """
    return _derangement_share(tuple(sorted(d for d in drawn if d)))


@lru_cache(maxsize=None)
def _derangement_share(drawn: tuple[int, ...]) -> Fraction:
    length = sum(drawn)
    words = 0
    for ks in product(*(range(d + 1) for d in drawn)):
        sign = -1 if sum(ks) % 2 else 1
        ways = prod(comb(d, k) for d, k in zip(drawn, ks))
        rest = factorial(length - sum(ks)) // prod(factorial(d - k) for d, k in zip(drawn, ks))
        words += sign * ways * rest
    return Fraction(words * prod(factorial(d) for d in drawn), factorial(length))


def letter_fixed_exactly_share(length: int, copies: int, j: int) -> Fraction:
    """Probability that exactly ``j`` of the ``copies`` positions holding a letter still hold it after a shuffle.

    Distinct arrangements with exactly j of the letter's own positions keeping it: C(a, j) C(L - a, a - j) times
    the arrangements of the other letters; divided by all arrangements this is C(a,j) C(L-a,a-j) (L-a)! a! / L!.
    """
    if j < 0 or j > copies:
        return Fraction(0)
    return Fraction(comb(copies, j) * comb(length - copies, copies - j) * factorial(length - copies)
                    * factorial(copies), factorial(length))


def _share_by_formula(drawn: tuple[int, ...], kind: str, special: int, n: int) -> Fraction:
    if kind == "no_fixed_points":
        return multiset_derangement_share(drawn)
    length = sum(drawn)
    copies = drawn[special]
    if kind == "no_letter_fixed":
        return letter_fixed_exactly_share(length, copies, 0)
    if kind == "exactly_letter_fixed":
        return letter_fixed_exactly_share(length, copies, n)
    return sum((letter_fixed_exactly_share(length, copies, j) for j in range(n, copies + 1)), Fraction(0))


@lru_cache(maxsize=4096)
def ordered_draw_weights(counts: tuple[int, ...], length: int) -> dict[tuple[int, ...], Fraction]:
    """Letter-count vector of the drawn word -> probability, accumulated over every ordered draw sequence.

    A sequence has probability prod(copies left of the drawn letter) / (N (N-1) ... (N-length+1)); the integer
    numerators are summed per count vector and divided once at the end. Cached: callers must not mutate
    the dict.
    """
    # the ordered draws, one letter at a time; sequences with the same counts so far continue alike, so
    # their summed numerators are carried forward together (level t holds every count vector of size t)
    layer: dict[tuple[int, ...], int] = {tuple(0 for _ in counts): 1}
    for _ in range(length):
        grown: dict[tuple[int, ...], int] = {}
        for drawn, weight in layer.items():
            for i, c in enumerate(counts):
                left = c - drawn[i]
                if left:
                    key = drawn[:i] + (drawn[i] + 1,) + drawn[i + 1:]
                    grown[key] = grown.get(key, 0) + weight * left
        layer = grown
    # in the order a depth-first walk over the draw sequences first reaches each count vector
    numerators = {key: layer[key] for key in sorted(layer, key=lambda v: [i for i, d in enumerate(v) for _ in range(d)])}
    pool = sum(counts)
    denominator = prod(range(pool - length + 1, pool + 1))
    return {key: Fraction(num, denominator) for key, num in numerators.items()}


def probability_by_formula(letters: dict[str, int], length: int, event: dict) -> Fraction:
    """Method 2: ordered sequential draws times the closed-form shuffle probability of the drawn counts."""
    names, kind, special, n = _event_parts(letters, event)
    counts = tuple(letters[ch] for ch in names)
    return sum(
        (w * _share_by_formula(drawn, kind, special, n) for drawn, w in ordered_draw_weights(counts, length).items()),
        Fraction(0),
    )
