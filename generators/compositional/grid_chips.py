"""comp_grid_chips_test: chips drawn at random from a bag onto listed cells, judged by the one-colour-per-line rules.

Skill A (logic_puzzles_grid_chip): the rules "at most one chip per cell; all chips in a row, and all chips in a
column, share a colour", and the largest number of chips of a colour a grid can hold given the chips already
placed ((rows free of the other colour) x (columns free of it)). Skill B
(combinatory_probability_no_specific_letter_fixed): draws without replacement from a multiset. The test:
k cells are listed; k chips are drawn from a bag of black and white chips and put on the listed cells in order.
Asked: the probability that the placed chips obey the rules, or that they obey them and the grid can then hold
at least T chips of a given colour in total, as m/n -> m + n.

solve: all 2^k colourings of the listed cells, each weighted falling(B, #black) falling(W, #white) /
falling(B + W, k); legality by scanning rows and columns, the maximum by the grid-chip family's formula.
check: the listed cells split into connected groups (cells sharing a row or a column); a legal colouring is
exactly one colour per group, so only the 2^groups group colourings are enumerated, and the maximum is recounted
from the rows and columns the other colour's groups occupy.
"""
from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

from generators.compositional.bag_draws import falling
from generators.family import Family, Problem, Reject
from generators.logic.puzzles_grid_chip import COLOURS, max_chips_formula
from generators.registry import register_family

EVENTS = ("legal", "max_at_least")

_SETUP = (
    "A square grid has {s} rows and {s} columns, numbered 1 to {s}. Chips placed on it are meant to obey two rules: "
    "each cell holds at most one chip, and all chips in the same row, as well as all chips in the same column, have "
    "the same colour. A bag holds {black} black chip{bs} and {white} white chip{ws}. {k} chips are drawn from the "
    "bag one at a time at random without replacement, and the i-th chip drawn is put on the i-th of these cells: "
    "{cells}."
)
_ASK = {
    "legal": " What is the probability that the chips on the grid obey both rules?",
    "max_at_least": " What is the probability that the chips on the grid obey both rules and that, after adding "
                    "further chips of either colour without breaking the rules (the placed chips stay), the grid can "
                    "hold at least {t} {target} chips in total?",
}
_FORM = " Write the probability as m/n with m and n coprime positive integers and give m + n."


def _legal(side: int, chips: list[list]) -> bool:
    for index in (0, 1):
        seen: dict[int, str] = {}
        for chip in chips:
            if seen.setdefault(chip[index], chip[2]) != chip[2]:
                return False
    return True


def probability_by_colourings(params: dict[str, Any]) -> Fraction:
    side, cells, k = params["side"], params["cells"], len(params["cells"])
    black, white = params["bag"]["black"], params["bag"]["white"]
    den = falling(black + white, k)
    num = 0
    for mask in range(1 << k):
        nb = mask.bit_count()
        w = falling(black, nb) * falling(white, k - nb)
        if not w:
            continue
        chips = [[r, c, COLOURS[0] if mask >> i & 1 else COLOURS[1]] for i, (r, c) in enumerate(cells)]
        if not _legal(side, chips):
            continue
        if params["event"] == "max_at_least" and max_chips_formula(side, chips, params["target"]) < params["t"]:
            continue
        num += w
    return Fraction(num, den)


def cell_groups(cells: list[list[int]]) -> list[list[int]]:
    """Indices of the listed cells, grouped into classes of cells linked through shared rows or columns."""
    parent = list(range(len(cells)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(cells)):
        for j in range(i):
            if cells[i][0] == cells[j][0] or cells[i][1] == cells[j][1]:
                parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(cells)):
        groups.setdefault(find(i), []).append(i)
    return [groups[g] for g in sorted(groups)]


def probability_by_groups(params: dict[str, Any]) -> Fraction:
    side, cells, k = params["side"], params["cells"], len(params["cells"])
    black, white = params["bag"]["black"], params["bag"]["white"]
    groups = cell_groups(cells)
    total = Fraction(0)
    for mask in range(1 << len(groups)):
        colour = {i: COLOURS[0] if mask >> g & 1 else COLOURS[1] for g, members in enumerate(groups) for i in members}
        nb = sum(1 for c in colour.values() if c == COLOURS[0])
        if params["event"] == "max_at_least":
            other = COLOURS[1 - COLOURS.index(params["target"])]
            rows = {cells[i][0] for i, c in colour.items() if c == other}
            cols = {cells[i][1] for i, c in colour.items() if c == other}
            if (side - len(rows)) * (side - len(cols)) < params["t"]:
                continue
        total += Fraction(falling(black, nb) * falling(white, k - nb), falling(black + white, k))
    return total


@register_family
class GridChipsFromBag(Family):
    name = "comp_grid_chips_test"
    axis = "compositional"
    domain = "logic"
    description = "Probability that chips drawn from a bag onto listed cells obey the grid-chip rules (and leave room)"
    answer_type = "int"
    levels = {
        1: {"side": 4, "cells": (3, 4)},
        2: {"side": 5, "cells": (4, 5)},
        3: {"side": 6, "cells": (5, 7)},
        4: {"side": 7, "cells": (6, 9)},
        5: {"side": 8, "cells": (8, 11)},
    }
    test_items = 100  # items per level in the generic default test; 200 per level run under -m slow

    def generate(self, rng: random.Random, level: int) -> Problem:
        kn = self.levels[level]
        side = kn["side"]
        k = rng.randint(*kn["cells"])
        # cells inside a random block of rows and columns, so that some of them share lines
        rows = rng.sample(range(1, side + 1), rng.randint(2, side - 1))
        cols = rng.sample(range(1, side + 1), rng.randint(2, side - 1))
        block = [[r, c] for r in sorted(rows) for c in sorted(cols)]
        if len(block) < k:
            raise Reject("block too small")
        cells = rng.sample(block, k)
        black = rng.randint(1, k + 2)
        white = rng.randint(max(1, k - black), k + 2)
        event = rng.choice(EVENTS)
        params: dict[str, Any] = {"side": side, "cells": cells, "bag": {"black": black, "white": white},
                                  "event": event}
        if event == "max_at_least":
            params["target"] = rng.choice(COLOURS)
            params["t"] = rng.randint(max(1, side), side * side - 2 * side)
        p = probability_by_colourings(params)
        if p in (0, 1):
            raise Reject("trivial probability")
        cells_text = ", ".join(f"(row {r}, column {c})" for r, c in cells)
        question = _SETUP.format(s=side, black=black, bs="" if black == 1 else "s", white=white,
                                 ws="" if white == 1 else "s", k=k, cells=cells_text)
        ask = _ASK[event].format(t=params.get("t"), target=params.get("target"))
        return Problem(question=question + ask + _FORM, params=params)

    def solve(self, params: dict[str, Any]) -> int:
        p = probability_by_colourings(params)
        return p.numerator + p.denominator

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        p = probability_by_groups(params)
        return isinstance(answer, int) and 0 < p < 1 and answer == p.numerator + p.denominator
