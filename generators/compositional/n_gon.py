"""comp_n_gon_test: segments drawn by pattern matches on a random word around a polygon, then rotated and superimposed.

Skill A (geometry_polygon_rotation): draw segments between vertices of a regular n-gon, turn the figure by r
vertices and superimpose it on the original. Skill B (combinatory_pattern_matching): the expected number of
blocks of a random word that match a regular-expression pattern. The test: a word of n letters is drawn
from a multiset and written on the vertices 1..n; a segment joins vertices i < j whenever the block of letters
on vertices i..j matches the pattern; the figure is rotated by r vertices and superimposed. Asked: the
expected number of distinct segments in the combined figure, or of segments that lie in both copies, rounded
to 2 decimals.

For blocks of at least two letters every pattern kind fixes the letters of some positions (x.*y fixes the
two ends; xy+ / xy* fix the whole block as x y...y; x+y / x*y as x...x y), so a block match is a set of
position constraints.

solve: linearity of expectation over segments. Segment c is in the rotated copy when its pre-image d is in
the original, so E|S u rS| = sum_c P(A_c) + P(A_d) - P(A_c and A_d) and E|S n rS| = sum_c P(A_c and A_d);
a set of position constraints holds with probability prod_letters falling(count, uses) / falling(N, positions)
(draws without replacement are exchangeable).
check: every word over {pattern letters, one stand-in for the rest} is enumerated depth first with its
sequential draw probability; blocks are matched with ``re.fullmatch`` and the two copies compared as sets.
The exact value is rounded with the ``decimal`` module; instances within 1e-9 of a rounding boundary or with an
expectation below 0.1 are re-drawn.
"""
from __future__ import annotations

import random
import re
from fractions import Fraction
from typing import Any

from generators.answers import format_decimal, near_rounding_boundary
from generators.combinatorics.letter_multiset import random_multiset, render_multiset
from generators.combinatorics.pattern_expectation import PATTERN_KINDS, pattern_text
from generators.combinatorics.pattern_matching import round_half_up
from generators.compositional.bag_draws import falling
from generators.family import Family, Problem, Reject
from generators.instance_key import letters_renamed, params_key
from generators.registry import register_family

PLACES = 2
MIN_VALUE = Fraction(1, 10)
QUANTITIES = ("union", "common")

_MEANINGS = {
    "gap": "starts with {x} and ends with {y}, whatever lies between",
    "gap_same": "starts and ends with {x}, whatever lies between",
    "head_plus": "is one {x} followed only by copies of {y} (at least one)",
    "plus_tail": "is one or more copies of {x} followed by a single final {y}",
    "head_star": "is one {x} followed only by copies of {y}",
    "star_tail": "is a run of copies of {x} followed by a single final {y}",
}
_SETUP = (
    "The vertices of a regular {n}-gon are labelled 1 to {n} counter-clockwise. A word of {n} letters is formed by "
    "drawing letters at random, without replacement, from the multiset {multiset} (every remaining letter equally "
    "likely at each draw); the i-th letter drawn is written on vertex i. For every pair of vertices i < j, the "
    "segment joining them (a side of the polygon or a diagonal) is drawn when the letters on vertices i, i+1, ..., j, "
    "read in this order, match the regular expression '{pattern}' as a whole, that is, the block {meaning}. The "
    "whole drawing is then rotated about the centre of the polygon so that each vertex k moves to the position of "
    "vertex k + {r} (labels taken modulo {n}), and the rotated copy is superimposed on the original drawing."
)
_ASK = {
    "union": " What is the expected number of distinct segments in the combined figure (a segment present in both "
             "copies counts once)?",
    "common": " What is the expected number of segments that are present in both the original drawing and the "
              "rotated copy?",
}
_FORM = " Give the exact expected value rounded to {places} decimal places."


def block_constraints(kind: str, x: str, y: str, i: int, j: int) -> dict[int, str]:
    """Position -> letter forced by a match of the block i..j (1-based, i < j)."""
    if kind == "gap":
        return {i: x, j: y}
    if kind == "gap_same":
        return {i: x, j: x}
    if kind in ("head_plus", "head_star"):
        return {i: x, **{p: y for p in range(i + 1, j + 1)}}
    if kind in ("plus_tail", "star_tail"):
        return {**{p: x for p in range(i, j)}, j: y}
    raise ValueError(f"unknown pattern kind {kind!r}")


def _constraint_probability(letters: dict[str, int], forced: dict[int, str]) -> Fraction:
    uses: dict[str, int] = {}
    for ch in forced.values():
        uses[ch] = uses.get(ch, 0) + 1
    num = 1
    for ch, k in uses.items():
        num *= falling(letters.get(ch, 0), k)
    return Fraction(num, falling(sum(letters.values()), len(forced)))


def _joint(a: dict[int, str], b: dict[int, str]) -> dict[int, str] | None:
    merged = dict(a)
    for pos, ch in b.items():
        if merged.setdefault(pos, ch) != ch:
            return None
    return merged


def preimage(i: int, j: int, r: int, n: int) -> tuple[int, int]:
    """The segment that the rotation (vertex k -> k + r) carries onto segment i-j."""
    a, b = (i - 1 - r) % n + 1, (j - 1 - r) % n + 1
    return (a, b) if a < b else (b, a)


def expectation_by_linearity(params: dict[str, Any]) -> Fraction:
    letters, n, r = params["letters"], params["n"], params["r"]
    kind, x, y = params["kind"], params["x"], params["y"]
    total = Fraction(0)
    for i in range(1, n + 1):
        for j in range(i + 1, n + 1):
            d = preimage(i, j, r, n)
            ci, cd = block_constraints(kind, x, y, i, j), block_constraints(kind, x, y, *d)
            both = _joint(ci, cd)
            p_both = _constraint_probability(letters, both) if both is not None else Fraction(0)
            if params["quantity"] == "common":
                total += p_both
            else:
                total += _constraint_probability(letters, ci) + _constraint_probability(letters, cd) - p_both
    return total


def expectation_by_enumeration(params: dict[str, Any]) -> Fraction:
    letters, n, r = params["letters"], params["n"], params["r"]
    regex = re.compile(pattern_text(params["kind"], params["x"], params["y"]))
    named = sorted({params["x"], params["y"]})
    pool = {ch: letters[ch] for ch in named}
    others = [ch for ch in sorted(letters) if ch not in named]
    if others:
        pool[others[0]] = sum(letters[ch] for ch in others)  # the pattern cannot tell the others apart
    cache: dict[str, bool] = {}
    numerator = 0
    word: list[str] = []
    matched: list[list[tuple[int, int]]] = [[]]  # segments found so far, one list per prefix length

    def walk(weight: int) -> None:
        nonlocal numerator
        if len(word) == n:
            segs = set(matched[-1])
            turned = {tuple(sorted(((a - 1 + r) % n + 1, (b - 1 + r) % n + 1))) for a, b in segs}
            numerator += weight * len(segs | turned if params["quantity"] == "union" else segs & turned)
            return
        for ch in sorted(pool):
            left = pool[ch]
            if not left:
                continue
            pool[ch] -= 1
            word.append(ch)
            j = len(word)
            text = "".join(word)
            new = []
            for i in range(1, j):
                block = text[i - 1:]
                hit = cache.get(block)
                if hit is None:
                    hit = cache[block] = regex.fullmatch(block) is not None
                if hit:
                    new.append((i, j))
            matched.append(matched[-1] + new)
            walk(weight * left)
            matched.pop()
            word.pop()
            pool[ch] += 1

    walk(1)
    return Fraction(numerator, falling(sum(letters.values()), n))


@register_family
class RotatedPatternSegments(Family):
    name = "comp_n_gon_test"
    axis = "compositional"
    domain = "geometry"
    description = "Expected segments of a pattern-matched word drawing on an n-gon after rotating and superimposing"
    answer_type = f"decimal:{PLACES}"
    levels = {
        1: {"n": 5, "total": (6, 7), "types": (2, 3)},
        2: {"n": 6, "total": (7, 9), "types": (3, 3)},
        3: {"n": 7, "total": (8, 10), "types": (3, 4)},
        4: {"n": 8, "total": (9, 11), "types": (3, 4)},
        5: {"n": 9, "total": (10, 12), "types": (4, 5)},
    }
    test_items = 20  # items per level in the generic default test; 200 per level run under -m slow

    def generate(self, rng: random.Random, level: int) -> Problem:
        kn = self.levels[level]
        n = kn["n"]
        letters = random_multiset(rng, rng.randint(*kn["types"]), rng.randint(*kn["total"]))
        names = sorted(letters)
        kind = rng.choice(PATTERN_KINDS)
        x, y = rng.sample(names, 2)
        params = {"letters": letters, "n": n, "r": rng.randint(1, n - 1), "kind": kind, "x": x,
                  "y": x if kind == "gap_same" else y, "quantity": rng.choice(QUANTITIES)}
        value = expectation_by_linearity(params)
        if value < MIN_VALUE:
            raise Reject("expected value too small to be informative at 2 decimals")
        if near_rounding_boundary(value, PLACES):
            raise Reject("too close to a rounding boundary")
        meaning = _MEANINGS[kind].format(x=f"'{x}'", y=f"'{params['y']}'")
        question = _SETUP.format(n=n, multiset=render_multiset(letters), pattern=pattern_text(kind, x, params["y"]),
                                 meaning=meaning, r=params["r"])
        question += _ASK[params["quantity"]] + _FORM.format(places=PLACES)
        return Problem(question=question, params=params)

    def instance_key(self, params: dict) -> str:
        """Renaming the letters of the multiset gives the same problem (``letters_renamed``)."""
        return params_key(letters_renamed(params), drop=self.key_ignored_params)

    def solve(self, params: dict[str, Any]) -> str:
        return format_decimal(expectation_by_linearity(params), PLACES)

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        value = expectation_by_enumeration(params)
        return not near_rounding_boundary(value, PLACES) and answer == round_half_up(value, PLACES)
