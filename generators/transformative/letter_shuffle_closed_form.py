"""trans_prob_letter_test: shuffled-word probabilities for words far too long to enumerate.

Trained skill (combinatory_probability_no_specific_letter_fixed): words of 2-5 letters, answered by listing the
draws and the shuffles. Test: words of 6 to 48 letters (up to 48! shuffles), given outright or drawn from a
multiset; a closed form is needed:

* ``none`` / ``exactly``: a letter x fills a positions of an L-letter word; after a uniform shuffle exactly n of
  those positions still hold x with probability C(a, n) C(L - a, a - n) / C(L, a) (choose where the a copies
  of x go); for a drawn word, average over the hypergeometric number of x's drawn;
* ``expected``: the expected number of positions that still hold their letter is sum_x a_x^2 / L (linearity);
  for a drawn word, E[a_x^2] = Var + mean^2 of the hypergeometric count;
* ``derangement``: no position keeps its letter (explicit words only): the multiset-derangement count by
  inclusion-exclusion over how many positions of each letter are forced to keep it.

The answer is m + n for the value m/n, or - when m + n would exceed 10^12 (long drawn words, derangements
of long words) - the value rounded to 6 decimals (answer type ``decimal:6`` for that item; values below 1e-4
or within 1e-9 of a rounding boundary are re-drawn).

solve: the closed forms above.
check: independent routes - ``none`` / ``exactly`` by inclusion-exclusion over sets of x-positions forced to keep
x (P(a given k-set keeps x) = (a)_k / (L)_k); ``expected`` as sum over letters and n of n P(exactly n), with the
drawn count's distribution summed term by term; ``derangement`` through the rook polynomials
prod_x sum_j C(a_x, j)^2 j! t^j of the blocks (permutation level, not word level); and for words of at most 6
letters every shuffle is enumerated (``shuffle_events``).
"""
from __future__ import annotations

import random
from fractions import Fraction
from math import comb, factorial, prod
from typing import Any

from generators.answers import decimal_places, format_decimal, near_rounding_boundary
from generators.combinatorics.letter_multiset import ALPHABET, random_composition, render_multiset
from generators.combinatorics.pattern_matching import round_half_up
from generators.combinatorics.shuffle_events import probability_by_permutations
from generators.compositional.bag_draws import falling
from generators.family import Family, Problem, Reject
from generators.instance_key import letter_counts_key, params_key
from generators.registration import register_family

BRUTE_FORCE_MAX_LENGTH = 6
VARIANTS = ("none", "exactly", "expected", "derangement")

_WORD = ("The letters of the {length}-letter word {word} are shuffled: a permutation of its {length} positions is "
         "chosen uniformly at random and the letters are rearranged accordingly.")
_DRAWN = ("A word is formed by drawing {length} letters at random, without replacement, from the multiset "
          "{multiset} (every remaining letter equally likely at each draw) and writing them left to right in the "
          "order drawn. Its {length} positions are then shuffled by a uniformly random permutation.")
_ASK = {
    "none": " What is the probability that none of the positions that held the letter '{x}' before the shuffle "
            "still holds '{x}' after it?",
    "exactly": " What is the probability that exactly {n} of the positions that held the letter '{x}' before the "
               "shuffle still hold '{x}' after it?",
    "expected": " What is the expected number of positions that hold the same letter after the shuffle as before "
                "it?",
    "derangement": " What is the probability that no position holds the same letter after the shuffle as before it?",
}
_FORM = " Write the answer as m/n with m and n coprime positive integers and give m + n."
_DECIMAL_FORM = " Give the exact value rounded to {places} decimal places."
EXACT_FORM_LIMIT = 10**12  # when m + n would be larger, the question asks for a rounded decimal instead
PLACES = 6
MIN_DECIMAL_VALUE = Fraction(1, 10**4)


# ---------------------------------------------------------------- closed forms (solve)
def keep_exactly(length: int, a: int, n: int) -> Fraction:
    if n < 0 or n > a or a - n > length - a:
        return Fraction(0)
    return Fraction(comb(a, n) * comb(length - a, a - n), comb(length, a))


def hypergeometric(pool: int, copies: int, length: int) -> dict[int, Fraction]:
    """P(a copies of x among ``length`` draws from a pool of ``pool`` items holding ``copies`` x's)."""
    return {a: Fraction(comb(copies, a) * comb(pool - copies, length - a), comb(pool, length))
            for a in range(max(0, length - (pool - copies)), min(copies, length) + 1)}


def expected_by_moments(counts: dict[str, int], length: int, drawn: bool) -> Fraction:
    if not drawn:
        return Fraction(sum(a * a for a in counts.values()), length)
    pool = sum(counts.values())
    total = Fraction(0)
    for k in counts.values():
        mean = Fraction(length * k, pool)
        var = (Fraction(length * k * (pool - k), pool * pool) * Fraction(pool - length, pool - 1)
               if pool > 1 else Fraction(0))
        total += var + mean * mean
    return total / length


def derangement_by_inclusion_exclusion(counts: dict[str, int]) -> Fraction:
    """Words with no letter kept, by inclusion-exclusion over k_x forced positions per letter, grouped by K = sum k_x:
    sum_K (L - K)! [t^K] prod_x sum_k (-1)^k C(a_x, k) t^k / (a_x - k)!, times prod a_x! / L! (words -> shuffles)."""
    length = sum(counts.values())
    poly = [Fraction(1)]
    for a in counts.values():
        factor = [Fraction((-1) ** k * comb(a, k), factorial(a - k)) for k in range(a + 1)]
        poly = [sum((poly[i] * factor[k - i] for i in range(len(poly)) if 0 <= k - i < len(factor)), Fraction(0))
                for k in range(len(poly) + len(factor) - 1)]
    words = sum((c * factorial(length - k) for k, c in enumerate(poly)), Fraction(0))
    return words * prod(factorial(a) for a in counts.values()) / factorial(length)


def closed_form(params: dict[str, Any]) -> Fraction:
    v, length, counts, drawn = params["variant"], params["length"], params["counts"], params["drawn"]
    if v == "expected":
        return expected_by_moments(counts, length, drawn)
    if v == "derangement":
        return derangement_by_inclusion_exclusion(counts)
    n = 0 if v == "none" else params["n"]
    x = params["letter"]
    if not drawn:
        return keep_exactly(length, counts[x], n)
    dist = hypergeometric(sum(counts.values()), counts[x], length)
    return sum((p * keep_exactly(length, a, n) for a, p in dist.items()), Fraction(0))


# ---------------------------------------------------------------- independent routes (check)
def keep_exactly_by_inclusion_exclusion(length: int, a: int, n: int) -> Fraction:
    """sum_k (-1)^(k-n) C(k, n) S_k with S_k = C(a, k) (a)_k / (L)_k."""
    total = Fraction(0)
    for k in range(n, a + 1):
        total += (-1) ** (k - n) * comb(k, n) * comb(a, k) * Fraction(falling(a, k), falling(length, k))
    return total


def _drawn_count_terms(pool: int, copies: int, length: int) -> dict[int, Fraction]:
    """The hypergeometric law rebuilt from sequential draw probabilities C(L, a) (K)_a (N-K)_(L-a) / (N)_L."""
    out = {}
    for a in range(0, min(copies, length) + 1):
        w = Fraction(comb(length, a) * falling(copies, a) * falling(pool - copies, length - a), falling(pool, length))
        if w:
            out[a] = w
    return out


def derangement_by_rook_polynomials(counts: dict[str, int]) -> Fraction:
    length = sum(counts.values())
    rook = [1]
    for a in counts.values():
        block = [comb(a, j) ** 2 * factorial(j) for j in range(a + 1)]
        rook = [sum(rook[i] * block[k - i] for i in range(len(rook)) if 0 <= k - i < len(block))
                for k in range(len(rook) + len(block) - 1)]
    perms = sum((-1) ** k * r * factorial(length - k) for k, r in enumerate(rook))
    return Fraction(perms, factorial(length))


def independent_value(params: dict[str, Any]) -> Fraction:
    v, length, counts, drawn = params["variant"], params["length"], params["counts"], params["drawn"]
    pool = sum(counts.values())
    if v == "derangement":
        return derangement_by_rook_polynomials(counts)
    if v == "expected":
        total = Fraction(0)
        for k in counts.values():
            law = _drawn_count_terms(pool, k, length) if drawn else {k: Fraction(1)}
            for a, p in law.items():
                total += p * sum((n * keep_exactly_by_inclusion_exclusion(length, a, n) for n in range(a + 1)),
                                 Fraction(0))
        return total
    n = 0 if v == "none" else params["n"]
    k = counts[params["letter"]]
    law = _drawn_count_terms(pool, k, length) if drawn else {k: Fraction(1)}
    return sum((p * keep_exactly_by_inclusion_exclusion(length, a, n) for a, p in law.items()), Fraction(0))


def brute_force_value(params: dict[str, Any]) -> Fraction:
    """Every shuffle enumerated (words of at most 6 letters)."""
    v, length, counts = params["variant"], params["length"], params["counts"]
    letters = dict(counts)
    if v == "derangement":
        return probability_by_permutations(letters, length, {"kind": "no_fixed_points"})
    if v in ("none", "exactly"):
        n = 0 if v == "none" else params["n"]
        return probability_by_permutations(letters, length, {"kind": "exactly_letter_fixed",
                                                             "letter": params["letter"], "n": n})
    return sum((n * probability_by_permutations(letters, length, {"kind": "exactly_letter_fixed", "letter": x,
                                                                  "n": n})
                for x in sorted(letters) for n in range(1, min(letters[x], length) + 1)), Fraction(0))


@register_family
class LongWordShuffle(Family):
    name = "trans_prob_letter_test"
    axis = "transformative"
    domain = "combinatorics"
    description = "Shuffled-word probabilities for 6-48 letter words: closed forms where enumeration explodes"
    answer_type = "int"
    extra_answer_types = (f"decimal:{PLACES}",)
    levels = {
        1: {"length": (6, 8), "types": (2, 3), "extra": (0, 3)},
        2: {"length": (9, 12), "types": (3, 4), "extra": (0, 5)},
        3: {"length": (14, 20), "types": (3, 5), "extra": (0, 8)},
        4: {"length": (22, 32), "types": (4, 6), "extra": (0, 12)},
        5: {"length": (36, 48), "types": (4, 7), "extra": (0, 20)},
    }
    test_items = 40  # items per level in the generic default test; 200 per level run under -m slow

    def generate(self, rng: random.Random, level: int) -> Problem:
        kn = self.levels[level]
        length = rng.randint(*kn["length"])
        types = rng.randint(*kn["types"])
        variant = rng.choice(VARIANTS)
        if variant == "derangement":  # enough letter kinds that a derangement is not vanishingly rare
            types = max(types, length // 5)
        drawn = variant != "derangement" and rng.random() < 0.5
        total = length + (rng.randint(*kn["extra"]) if drawn else 0)
        names = sorted(rng.sample([c for c in ALPHABET if c not in "mn"], types))  # m, n: the answer form
        counts = dict(zip(names, random_composition(rng, total, types)))
        if variant == "derangement" and max(counts.values()) * 2 > length:
            raise Reject("a letter fills more than half the word: no derangement exists")
        params: dict[str, Any] = {"variant": variant, "length": length, "counts": counts, "drawn": drawn}
        if variant in ("none", "exactly"):
            params["letter"] = rng.choice(names)
            if variant == "exactly":
                params["n"] = rng.randint(1, max(1, min(3, counts[params["letter"]])))
        value = closed_form(params)
        if variant != "expected" and value in (0, 1):
            raise Reject("trivial probability")
        if drawn:
            setup = _DRAWN.format(length=length, multiset=render_multiset(counts))
        else:
            word = [c for c in names for _ in range(counts[c])]
            rng.shuffle(word)
            params["word"] = "".join(word)
            setup = _WORD.format(length=length, word=params["word"])
        ask = _ASK[variant].format(x=params.get("letter"), n=params.get("n"))
        if value.numerator + value.denominator < EXACT_FORM_LIMIT:
            params["form"] = "m+n"
            return Problem(question=setup + ask + _FORM, params=params)
        if value < MIN_DECIMAL_VALUE or near_rounding_boundary(value, PLACES):
            raise Reject("decimal form too small or too close to a rounding boundary")
        params["form"] = f"decimal:{PLACES}"
        return Problem(question=setup + ask + _DECIMAL_FORM.format(places=PLACES), params=params,
                       answer_type=f"decimal:{PLACES}")

    @staticmethod
    def _render(value: Fraction, form: str) -> int | str:
        if form == "m+n":
            return value.numerator + value.denominator
        return format_decimal(value, decimal_places(form))

    def instance_key(self, params: dict) -> str:
        """The probability depends on the letter counts only: letter names and the order of the shown word do
        not matter; the asked letter is told apart by its count."""
        named = [params["letter"]] if "letter" in params else []
        return params_key(params, drop=("word", "counts", "letter", *self.key_ignored_params),
                          counts=letter_counts_key(params["counts"], named))

    def solve(self, params: dict[str, Any]) -> int | str:
        return self._render(closed_form(params), params["form"])

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        if not params["drawn"]:
            word = params["word"]
            if {c: word.count(c) for c in sorted(set(word))} != {c: k for c, k in params["counts"].items() if k}:
                return False
        value = independent_value(params)
        if params["length"] <= BRUTE_FORCE_MAX_LENGTH and brute_force_value(params) != value:
            return False
        if params["form"] == "m+n":
            return isinstance(answer, int) and value > 0 and answer == value.numerator + value.denominator
        places = decimal_places(params["form"])
        return not near_rounding_boundary(value, places) and answer == round_half_up(value, places)
