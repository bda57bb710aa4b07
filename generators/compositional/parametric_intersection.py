"""comp_parametric_intersection_test: a function family whose parameter comes out of a letter-shuffle experiment.

Skill A (combinatory_probability_no_specific_letter_fixed): draw a word from a multiset, shuffle it, and find
the distribution of K = the number of positions that held a chosen letter and still hold it. Skill B
(algebra_func_intersection): count the intersections of two composite functions on [-10, 10]. The test joins
them: g depends on K (g(x) = dK x + c, a chain shifted by dK, or K times a chain plus c), and the question asks
for the probability that the graphs of f and g meet in exactly / at least t points of [-10, 10], or for the
expected number of meeting points, as m/n -> m + n.

Functions are lin / quad / abs chains unfolded into exact polynomial pieces (``piecewise_chain``); the
meeting points for K = j are the distinct real roots of f - g_j on the common refinement of the pieces.

Items are drawn again when the counts for K >= 1 do not matter: if treating every K >= 1 like K = 1 gives the
same answer, the item would reduce to P(K = 0), the trained quantity alone.

solve: P(K = j) by enumerating every position permutation of every drawn sub-multiset, counts by sympy's
``count_roots``. check: P(K = j) by the closed-form arrangement count over ordered draws (the formula of
``shuffle_events``), pieces confirmed by direct evaluation, counts by a hand-rolled Sturm sequence.
Instances whose K-distribution makes the asked quantity trivial (probability 0 or 1, constant count) or whose
graphs coincide on a whole piece are re-drawn.
"""
from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

from generators.algebra.func_model import render_chain
from itertools import permutations

from generators.combinatorics.letter_multiset import (
    random_multiset,
    render_multiset,
    sub_multisets,
    unordered_draw_probability,
)
from generators.combinatorics.shuffle_events import letter_fixed_exactly_share, ordered_draw_weights
from generators.compositional import piecewise_chain as pw
from generators.compositional import poly_exact as pe
from generators.family import Family, Problem, Reject
from generators.instance_key import letters_renamed, params_key
from generators.registration import register_family

WINDOW = (Fraction(-10), Fraction(10))
RESERVED_LETTERS = frozenset("kmnx")
QUESTION_KINDS = ("exactly", "at_least", "expected")

_SETUP = (
    "A word is formed by drawing {length} letters at random, without replacement, from the multiset {multiset} "
    "(every remaining letter equally likely at each draw) and writing them left to right in the order drawn. The "
    "word is then shuffled: its {length} positions are rearranged by a uniformly random permutation. Let K be the "
    "number of positions that held the letter '{letter}' before the shuffle and still hold '{letter}' after it "
    "(K = 0 if the word has no '{letter}'). Define $f(x) = {f}$ and $g(x) = {g}$, where K is the number just described."
)
_ASK = {
    "exactly": " What is the probability that the graphs of $y = f(x)$ and $y = g(x)$ meet in exactly {t} point{s} "
               "with $-10 \\le x \\le 10$?",
    "at_least": " What is the probability that the graphs of $y = f(x)$ and $y = g(x)$ meet in at least {t} "
                "point{s} with $-10 \\le x \\le 10$?",
    "expected": " What is the expected number of points with $-10 \\le x \\le 10$ at which the graphs of $y = f(x)$ "
                "and $y = g(x)$ meet?",
}
_FORM = " Write the answer as m/n with m and n coprime positive integers and give m + n."


def _signed(v: int) -> str:
    return "" if v == 0 else (f" + {v}" if v > 0 else f" - {-v}")


def _times_k(d: int) -> str:
    return "K" if d == 1 else f"{d}K"


def render_g(g: dict[str, Any]) -> str:
    if g["form"] == "slope":
        return f"{_times_k(g['d'])}x{_signed(g['c'])}"
    if g["form"] == "shift":
        return f"{render_chain(g['chain'])} + {_times_k(g['d'])}"
    if g["form"] == "scale":
        return f"K\\left({render_chain(g['chain'])}\\right){_signed(g['c'])}"
    raise ValueError(f"unknown g form {g['form']!r}")


def g_pieces(g: dict[str, Any], k: int, base: list[pw.Piece] | None = None) -> list[pw.Piece]:
    """Pieces of g for parameter K = k (``base``: the pieces of g's chain, if already computed)."""
    if g["form"] == "slope":
        return [pw.Piece(None, None, pe.normalize([g["c"], g["d"] * k]))]
    base = base if base is not None else pw.chain_pieces(g["chain"])
    if g["form"] == "shift":
        return [pw.Piece(p.lo, p.hi, pe.add(p.poly, [Fraction(g["d"] * k)])) for p in base]
    if g["form"] == "scale":
        return [pw.Piece(p.lo, p.hi, pe.add(pe.scale(p.poly, k), [Fraction(g["c"])])) for p in base]
    raise ValueError(f"unknown g form {g['form']!r}")


def g_value(g: dict[str, Any], k: int, x: Fraction) -> Fraction:
    """g_K(x) straight from the definition (no pieces), for the check."""
    if g["form"] == "slope":
        return g["d"] * k * x + g["c"]
    inner = pw.evaluate_chain(g["chain"], x)
    return inner + g["d"] * k if g["form"] == "shift" else k * inner + g["c"]


def meeting_counts(f_chain: list[dict], g: dict[str, Any], ks, counter) -> dict[int, int]:
    """K -> number of meeting points on the window, for every K in ``ks``."""
    f_pieces = pw.chain_pieces(f_chain)
    base = pw.chain_pieces(g["chain"]) if "chain" in g else None
    out = {}
    for k in ks:
        diff = pw.combine_pieces(f_pieces, g_pieces(g, k, base), pe.sub)
        out[k] = pw.count_points_on_pieces(diff, lambda p: p, window=WINDOW, counter=counter)
    return out


def k_distribution_by_permutations(letters: dict[str, int], length: int, letter: str) -> dict[int, Fraction]:
    """P(K = j): drawn sub-multisets (hypergeometric) times every permutation of the word's positions."""
    names = sorted(letters)
    counts = tuple(letters[c] for c in names)
    special = names.index(letter)
    top = min(letters[letter], length)
    dist = {j: Fraction(0) for j in range(top + 1)}
    perms = list(permutations(range(length)))
    for drawn in sub_multisets(counts, length):
        word = [i for i, d in enumerate(drawn) for _ in range(d)]
        tally = [0] * (top + 1)
        for perm in perms:
            tally[sum(1 for pos, src in enumerate(perm) if word[pos] == special == word[src])] += 1
        weight = unordered_draw_probability(counts, drawn)
        for j, c in enumerate(tally):
            if c:
                dist[j] += weight * Fraction(c, len(perms))
    return dist


def k_distribution_by_formula(letters: dict[str, int], length: int, letter: str) -> dict[int, Fraction]:
    """P(K = j): ordered draws (sequential weights) times C(a,j) C(L-a,a-j) (L-a)! a! / L! for a copies drawn."""
    names = sorted(letters)
    counts = tuple(letters[c] for c in names)
    special = names.index(letter)
    top = min(letters[letter], length)
    dist = {j: Fraction(0) for j in range(top + 1)}
    for drawn, w in ordered_draw_weights(counts, length).items():
        for j in range(top + 1):
            dist[j] += w * letter_fixed_exactly_share(length, drawn[special], j)
    return dist


def two_valued(counts: dict[int, int], dist: dict[int, Fraction]) -> dict[int, int]:
    """The shortcut's view of the counts: K = 0 and 'K >= 1' (every K >= 1 counted like K = 1)."""
    return {k: counts[0] if k == 0 else counts[min(1, max(dist))] for k in dist}


def answer_from(dist: dict[int, Fraction], counts: dict[int, int], kind: str, t: int) -> Fraction:
    if kind == "exactly":
        return sum((p for j, p in dist.items() if counts[j] == t), Fraction(0))
    if kind == "at_least":
        return sum((p for j, p in dist.items() if counts[j] >= t), Fraction(0))
    return sum((p * counts[j] for j, p in dist.items()), Fraction(0))


@register_family
class ParametricIntersection(Family):
    name = "comp_parametric_intersection_test"
    axis = "compositional"
    domain = "algebra"
    description = "Probability/expectation of an intersection count whose parameter is a shuffled-word statistic"
    answer_type = "int"
    # word knobs follow combinatory_probability_*; f and g grow as in algebra_func_intersection
    levels = {
        1: {"length": 2, "total": (4, 12), "types": (2, 4), "f_chain": (1, 1), "g_forms": ("slope",), "g_chain": (1, 1),
            "kinds": ("quad", "abs")},
        2: {"length": 3, "total": (6, 12), "types": (2, 4),
            "f_chain": (1, 2), "g_forms": ("slope", "shift"), "g_chain": (1, 1),
            "kinds": ("lin", "quad", "abs")},
        3: {"length": 4, "total": (8, 12), "types": (3, 4),
            "f_chain": (2, 2), "g_forms": ("shift", "scale"), "g_chain": (1, 1),
            "kinds": ("lin", "quad", "abs")},
        4: {"length": 4, "total": (10, 14), "types": (3, 5), "f_chain": (2, 3), "g_forms": ("slope", "shift", "scale"),
            "g_chain": (1, 2), "kinds": ("lin", "quad", "abs")},
        5: {"length": 5, "total": (11, 14), "types": (4, 5),
            "f_chain": (3, 3), "g_forms": ("shift", "scale"), "g_chain": (2, 2),
            "kinds": ("lin", "quad", "abs")},
    }
    test_items = 15  # items per level in the generic default test; 200 per level run under -m slow

    def generate(self, rng: random.Random, level: int) -> Problem:
        kn = self.levels[level]
        total = rng.randint(*kn["total"])
        letters = random_multiset(rng, min(rng.randint(*kn["types"]), total), total)
        if RESERVED_LETTERS & set(letters):
            raise Reject("a letter would clash with the variable x, the parameter K or the answer form m/n")
        letter = rng.choice(sorted(letters))
        f_chain = pw.draw_piecewise_chain(rng, rng.randint(*kn["f_chain"]), kn["kinds"])
        form = rng.choice(kn["g_forms"])
        g: dict[str, Any] = {"form": form}
        if form == "slope":
            g.update({"d": rng.randint(1, 3), "c": rng.randint(-6, 6)})
        elif form == "shift":
            g.update({"d": rng.randint(2, 12), "chain": pw.draw_piecewise_chain(rng, rng.randint(*kn["g_chain"]),
                                                                                 kn["kinds"])})
        else:  # scale
            g.update({"chain": pw.draw_piecewise_chain(rng, rng.randint(*kn["g_chain"]), kn["kinds"]),
                      "c": rng.randint(-5, 5)})
        try:
            counts = meeting_counts(f_chain, g, range(min(letters[letter], kn["length"]) + 1), pe.sturm_count)
        except pw.IrrationalCorner as exc:
            raise Reject(str(exc)) from exc
        except ValueError as exc:  # the graphs coincide on a piece: infinitely many meeting points
            raise Reject(str(exc)) from exc
        if len(set(counts.values())) < 2:
            raise Reject("the count does not depend on K")
        dist = k_distribution_by_formula(letters, kn["length"], letter)
        support = [j for j, p in dist.items() if p > 0]
        if len({counts[j] for j in support}) < 2:
            raise Reject("the count does not depend on K")
        kind = rng.choice(QUESTION_KINDS)
        t = rng.choice(sorted({counts[j] for j in support} - ({0} if kind == "at_least" else set())))
        value = answer_from(dist, counts, kind, t)
        if answer_from(dist, two_valued(counts, dist), kind, t) == value:
            raise Reject("treating every K >= 1 like K = 1 gives the same answer (the item reduces to P(K = 0))")
        if kind != "expected" and value in (0, 1):
            raise Reject("trivial probability")
        if kind == "expected" and value == 0:
            raise Reject("no meeting points at all")
        setup = _SETUP.format(length=kn["length"], multiset=render_multiset(letters), letter=letter,
                              f=render_chain(f_chain), g=render_g(g))
        ask = _ASK[kind].format(t=t, s="" if t == 1 else "s")
        params = {"letters": letters, "length": kn["length"], "letter": letter, "f": f_chain, "g": g,
                  "question_kind": kind, "t": t if kind != "expected" else None}
        return Problem(question=setup + ask + _FORM, params=params)

    def _answer(self, params: dict[str, Any], method, counter) -> int:
        dist = method(params["letters"], params["length"], params["letter"])
        counts = meeting_counts(params["f"], params["g"], sorted(dist), counter)
        value = answer_from(dist, counts, params["question_kind"], params["t"] or 0)
        return value.numerator + value.denominator

    def instance_key(self, params: dict) -> str:
        """Renaming the letters of the multiset gives the same problem (``letters_renamed``)."""
        return params_key(letters_renamed(params), drop=self.key_ignored_params)

    def solve(self, params: dict[str, Any]) -> int:
        return self._answer(params, k_distribution_by_permutations, pe.sympy_count)

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        f, g = params["f"], params["g"]
        if not pw.pieces_match_chain(f, pw.chain_pieces(f)):
            return False
        for k in range(min(params["letters"][params["letter"]], params["length"]) + 1):
            for pc in g_pieces(g, k):
                for x in (pc.lo, pc.hi, pw._interior_point(pc.lo, pc.hi)):
                    if x is not None and g_value(g, k, x) != pe.evaluate(pc.poly, x):
                        return False
        return isinstance(answer, int) and answer == self._answer(params, k_distribution_by_formula, pe.sturm_count)
