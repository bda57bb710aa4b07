"""comp_vertex_color_test: rotation properties of a polygon colouring completed by random draws from a bag.

Skill A (geometry_polygon_color): reason about red/blue colourings of a regular n-gon under rotations (can the
blue vertices be turned onto red positions, is the colouring rotation-invariant). Skill B
(combinatory_probability_no_specific_letter_fixed): probabilities of draws without replacement from a multiset.
The test joins them: some vertices are already coloured; the others are coloured by chips drawn at random
from a bag, and the question asks for the probability of the rotation property, as m/n -> m + n. The event
"blue can be rotated onto red" is the AIME 2024 I #11 idea; here the colouring comes from a bag instead of
fair coins, and part of it may be fixed.

solve: every completion as a bitmask (grouped by its number of blue chips, weight
falling(B, j) falling(R, m - j) / falling(R + B, m)), the property tested by rotating the bitmask.
check: the same completions enumerated as combinations of positions; "blue onto red" is decided by the
difference set (some shift k avoids every difference b - b' of blue positions), invariance by the string
test (the colour string occurs inside its own doubling at a shift strictly between 0 and n).
"""
from __future__ import annotations

import random
from fractions import Fraction
from itertools import combinations
from typing import Any

from generators.compositional.bag_draws import falling
from generators.family import Family, Problem, Reject
from generators.registration import register_family

EVENTS = ("blue_onto_red", "invariant")

_SETUP = (
    "The vertices of a regular {n}-gon are labelled 1 to {n} clockwise. {fixed}The {m} {still} coloured as "
    "follows: a bag holds {chips}; chips are drawn from it one at a time at random without "
    "replacement, and the i-th chip drawn gives its colour to the i-th lowest-labelled vertex that was not yet "
    "coloured, until every vertex has a colour."
)
_ASK = {
    "blue_onto_red": " What is the probability that the polygon can then be rotated about its centre (possibly by "
                     "zero) so that every blue vertex ends up at a position where there was originally a red "
                     "vertex?",
    "invariant": " What is the probability that some rotation of the polygon about its centre by a positive angle "
                 "smaller than a full turn maps the colouring onto itself, so that every vertex lands on a vertex "
                 "of the same colour?",
}
_FORM = " Write the probability as m/n with m and n coprime positive integers and give m + n."


def _fixed_text(fixed: dict[str, list[int]]) -> str:
    parts = []
    for colour in ("red", "blue"):
        vs = fixed[colour]
        if vs:
            label = "Vertex" if len(vs) == 1 else "Vertices"
            verb = "is" if len(vs) == 1 else "are"
            parts.append(f"{label} {', '.join(map(str, vs))} {verb} already {colour}.")
    return " ".join(parts) + " " if parts else ""


def _rotate(mask: int, k: int, n: int, full: int) -> int:
    return ((mask << k) | (mask >> (n - k))) & full if k else mask


def holds_by_rotation(blue: int, n: int, event: str) -> bool:
    full = (1 << n) - 1
    if event == "blue_onto_red":
        return any(_rotate(blue, k, n, full) & blue == 0 for k in range(n))
    return any(_rotate(blue, k, n, full) == blue for k in range(1, n))


def holds_by_structure(blue_positions: list[int], n: int, event: str) -> bool:
    if event == "blue_onto_red":
        differences = {(a - b) % n for a in blue_positions for b in blue_positions}
        return len(differences) < n
    s = "".join("b" if i in set(blue_positions) else "r" for i in range(n))
    return (s + s).find(s, 1) < n


def _weight(red: int, blue: int, m: int, j: int) -> Fraction:
    return Fraction(falling(blue, j) * falling(red, m - j), falling(red + blue, m))


@register_family
class VertexColourRotation(Family):
    name = "comp_vertex_color_test"
    axis = "compositional"
    domain = "geometry"
    description = "Probability that a bag-drawn polygon colouring can be rotated blue-onto-red / is rotation-invariant"
    answer_type = "int"
    # n-gon sizes follow geometry_polygon_color; fixed = pre-coloured vertices
    levels = {
        1: {"n": (6, 7), "fixed": (0, 1), "max_blue": 4},
        2: {"n": (8, 9), "fixed": (0, 2), "max_blue": 4},
        3: {"n": (10, 11), "fixed": (2, 3), "max_blue": 5},
        4: {"n": (12, 13), "fixed": (3, 4), "max_blue": 5},
        5: {"n": (14, 15), "fixed": (3, 5), "max_blue": 6},
    }
    test_items = 50  # items per level in the generic default test; 200 per level run under -m slow

    def generate(self, rng: random.Random, level: int) -> Problem:
        kn = self.levels[level]
        n = rng.randint(*kn["n"])
        k = rng.randint(*kn["fixed"])
        fixed_vertices = sorted(rng.sample(range(1, n + 1), k))
        fixed_blue = sorted(v for v in fixed_vertices if rng.random() < 0.35)
        fixed_red = [v for v in fixed_vertices if v not in fixed_blue]
        m = n - k
        blue = rng.randint(1, kn["max_blue"])
        red = rng.randint(max(1, m - blue), m + 6)
        event = rng.choice(EVENTS)
        params = {"n": n, "fixed": {"red": fixed_red, "blue": fixed_blue}, "bag": {"red": red, "blue": blue},
                  "event": event}
        p = self._probability_by_masks(params)
        if p in (0, 1):
            raise Reject("trivial probability")
        still = "remaining vertex is" if m == 1 else "remaining vertices are"
        chips = f"{red} red chip{'s' if red != 1 else ''} and {blue} blue chip{'s' if blue != 1 else ''}"
        question = _SETUP.format(n=n, fixed=_fixed_text(params["fixed"]), m=m, still=still, chips=chips)
        return Problem(question=question + _ASK[event] + _FORM, params=params)

    @staticmethod
    def _free(params: dict[str, Any]) -> list[int]:
        fixed = set(params["fixed"]["red"]) | set(params["fixed"]["blue"])
        return [v for v in range(1, params["n"] + 1) if v not in fixed]

    def _probability_by_masks(self, params: dict[str, Any]) -> Fraction:
        n, event = params["n"], params["event"]
        red, blue = params["bag"]["red"], params["bag"]["blue"]
        free = self._free(params)
        m = len(free)
        base = sum(1 << (v - 1) for v in params["fixed"]["blue"])
        good = [0] * (m + 1)  # good[j] = completions with j blue chips that have the property
        for sub in range(1 << m):
            j = sub.bit_count()
            if j > blue or m - j > red:
                continue
            mask = base
            for i in range(m):
                if sub >> i & 1:
                    mask |= 1 << (free[i] - 1)
            if holds_by_rotation(mask, n, event):
                good[j] += 1
        return sum((good[j] * _weight(red, blue, m, j) for j in range(m + 1)), Fraction(0))

    def solve(self, params: dict[str, Any]) -> int:
        p = self._probability_by_masks(params)
        return p.numerator + p.denominator

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        n, event = params["n"], params["event"]
        red, blue = params["bag"]["red"], params["bag"]["blue"]
        free = self._free(params)
        m = len(free)
        fixed_blue = [v - 1 for v in params["fixed"]["blue"]]
        total, p = Fraction(0), Fraction(0)
        for j in range(0, min(m, blue) + 1):
            if m - j > red:
                continue
            w = _weight(red, blue, m, j)
            for chosen in combinations(free, j):
                total += w
                if holds_by_structure(fixed_blue + [v - 1 for v in chosen], n, event):
                    p += w
        return total == 1 and 0 < p < 1 and isinstance(answer, int) and answer == p.numerator + p.denominator
