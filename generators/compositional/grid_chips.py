"""comp_grid_chips_test: the expected maximum number of chips of a colour picked by a letter-shuffle event.

Skill A (logic_puzzles_grid_chip, ``max`` variant): with some chips already on an s x s grid (one colour per row
and per column), the largest number of chips of a colour Y the grid can hold: (rows free of the other colour) x
(columns free of it). Skill B (combinatory_probability_no_specific_letter_fixed): the probability p that, after
a word drawn from a multiset is shuffled, no position that held a chosen letter still holds it. The test puts
one grid (drawn by skill A's own generator) and one word experiment (drawn by skill B's own generator, test level
L using level L of both, so levels 1-2 are exactly the training distributions) together: if the event happens
the target colour is one colour, otherwise the other, and the question asks for the expected maximum number of
chips of the target colour:

    E = p * max_Y1 + (1 - p) * max_Y2,   answered as m + n for m/n in lowest terms.

max_black != max_white, so p matters, and 0 < p < 1, so both maxima matter. Items are drawn again when the
answer equals a one-skill shortcut: either maximum alone, p or 1 - p alone, p replaced by 1/2 or 1 - p, or a
maximum guessed as s^2, s^2 minus the chips (of the other colour), or s times the rows free of the other
colour; and when either true maximum equals such a guess (e.g. no chip of the other colour on the grid).

solve: the grid-chip formula for both colours and p by enumerating the position permutations.
check: the grid-chip family's exhaustive search over row and column colours for both colours, and p by
sequential draws with the closed-form shuffle probability.
"""
from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

from generators.combinatorics.letter_multiset import canonical_letter_key, render_multiset
from generators.combinatorics.shuffle_events import probability_by_formula, probability_by_permutations
from generators.family import Family, Problem, Reject
from generators.instance_key import canonical_json
from generators.logic.puzzles_grid_chip import COLOURS, chips_normal_form, max_chips_by_search, max_chips_formula
from generators.registration import register_family

RESERVED_LETTERS = frozenset("mn")
GRID_FAMILY = "logic_puzzles_grid_chip"
LETTER_FAMILY = "combinatory_probability_no_specific_letter_fixed"

_SETUP = (
    "A square grid has {s} rows, numbered 1 to {s} from top to bottom, and {s} columns, numbered 1 to {s} from left "
    "to right. There is an unlimited supply of black chips and of white chips. Chips must obey two rules: each cell "
    "holds at most one chip, and all chips in the same row, as well as all chips in the same column, have the same "
    "colour. The following chips are already on the grid and must stay there: {chips}. Next, a word of {length} "
    "letters is formed by drawing letters at random, without replacement, from the multiset {multiset} (every "
    "remaining letter equally likely at each draw), in the order drawn, and the word is shuffled by rearranging its "
    "{length} positions with a uniformly random permutation. If none of the positions that held the letter '{x}' "
    "before the shuffle still holds '{x}' after it (a word with no '{x}' counts as this case), the target colour is "
    "{c1}; otherwise it is {c2}. Let X be the largest possible number of chips of the target colour on the grid "
    "(counting the chips already placed) when further chips are added under the rules. What is the expected value "
    "of X? Write it as m/n with m and n coprime positive integers and give m + n."
)


def _mn(v: Fraction) -> int:
    return v.numerator + v.denominator


def _chips_text(chips: list[list]) -> str:
    return "; ".join(f"a {colour} chip in row {r}, column {c}" for r, c, colour in chips)


def expected_max(p: Fraction, first: int, second: int) -> Fraction:
    return p * first + (1 - p) * second


def naive_maxima(side: int, chips: list[list], colour: str) -> set[int]:
    other = [ch for ch in chips if ch[2] != colour]
    rows_free = side - len({ch[0] for ch in other})
    return {side * side, side * side - len(other), side * rows_free, side * side - len(chips)}


def shortcut_answers(params: dict[str, Any], p: Fraction, first: int, second: int) -> set[int]:
    side, chips = params["side"], params["chips"]
    out = {_mn(p), _mn(1 - p), first + 1, second + 1}
    for q in (p, 1 - p, Fraction(1, 2)):
        for g1 in naive_maxima(side, chips, params["first"]) | {first}:
            for g2 in naive_maxima(side, chips, params["second"]) | {second}:
                if q != p or (g1, g2) != (first, second):
                    out.add(_mn(expected_max(q, g1, g2)))
    return out


def _get(name: str):
    from generators.registry import get_family

    return get_family(name)


@register_family
class GridChipsFromShuffle(Family):
    name = "comp_grid_chips_test"
    axis = "compositional"
    domain = "logic"
    description = ("Expected maximum chips of a colour chosen by a letter-shuffle event "
                   "(grid chips + shuffle probability)")
    answer_type = "int"
    version = "2"
    test_items = 30  # items per level in the generic default test; 200 per level run under -m slow
    levels = {lv: {"grid_level": lv, "letter_level": lv} for lv in range(1, 6)}
    max_attempts = 3000

    def generate(self, rng: random.Random, level: int) -> Problem:
        kn = self.levels[level]
        grid = _get(GRID_FAMILY).generate(rng, kn["grid_level"]).params
        if grid["variant"] != "max":
            raise Reject("skill A drew its other variant")
        first = rng.choice(COLOURS)
        second = COLOURS[1 - COLOURS.index(first)]
        side, chips = grid["side"], grid["chips"]
        m1, m2 = max_chips_formula(side, chips, first), max_chips_formula(side, chips, second)
        if m1 == m2 or 0 in (m1, m2):
            raise Reject("equal or empty maxima")
        if m1 in naive_maxima(side, chips, first) or m2 in naive_maxima(side, chips, second):
            raise Reject("a maximum equals a count that ignores the row/column rule (e.g. no chip of the other colour)")
        word = _get(LETTER_FAMILY).generate(rng, kn["letter_level"]).params
        if RESERVED_LETTERS & set(word["letters"]):
            raise Reject("a letter would clash with the m/n answer form")
        params = {"side": side, "chips": chips, "first": first, "second": second, "letters": word["letters"],
                  "length": word["length"], "event": word["event"]}
        p = probability_by_permutations(word["letters"], word["length"], word["event"])
        if _mn(expected_max(p, m1, m2)) in shortcut_answers(params, p, m1, m2):
            raise Reject("a one-skill shortcut gives the same answer")
        question = _SETUP.format(s=side, chips=_chips_text(chips), length=word["length"],
                                 multiset=render_multiset(word["letters"]), x=word["event"]["letter"],
                                 c1=first, c2=second)
        return Problem(question=question, params=params)

    def instance_key(self, params: dict) -> str:
        q = params
        word = canonical_letter_key({"letters": q["letters"], "length": q["length"], "event": q["event"]})
        # the grid up to row/column permutations, transposition and colour swap (first = target if the event happens)
        grid = canonical_json(chips_normal_form(q["side"], q["chips"], q["first"]))
        return f"{self.name}|{q['side']}|{grid}|{word}"

    def solve(self, params: dict[str, Any]) -> int:
        p = probability_by_permutations(params["letters"], params["length"], params["event"])
        side, chips = params["side"], params["chips"]
        return _mn(expected_max(p, max_chips_formula(side, chips, params["first"]),
                                max_chips_formula(side, chips, params["second"])))

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        p = probability_by_formula(params["letters"], params["length"], params["event"])
        side, chips = params["side"], params["chips"]
        m1 = max_chips_by_search(side, chips, params["first"])
        m2 = max_chips_by_search(side, chips, params["second"])
        return isinstance(answer, int) and 0 < p < 1 and m1 != m2 and answer == _mn(expected_max(p, m1, m2))
