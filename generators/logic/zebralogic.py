"""logic_zebralogic: zebra (Einstein) puzzles generated from scratch, with a provably unique solution.

Generation: draw ``n`` houses and ``m`` categories (the level sets the grid size), a random solution, then
true clues of the types in ``zebra_clues`` one at a time, each chosen to rule out a rival solution that the
propagation solver found, until the solver proves the solution unique; then every clue whose removal keeps the solution unique is dropped (in random order), so no clue is
redundant. The question asks either for the house number of one item, or for one attribute of one person
from a numbered list of options (the answer is the option's number). Both answers are integers.

Level ladder (houses x categories): L1 4 x 2, L2 4 x 3, L3 4 x 4, L4 5 x 4-5, L5 6 x 5-6. (OMEGA
took puzzles from the ZebraLogic dataset with cumulative size caps 2..6; here the size bands are disjoint.)
Level L+1 has a larger grid, so the candidate assignments (n!)^m, the test's proxy, grow with the level.

Guessability (issue 16): the answer is a house or option number in 1..n, so level 1 has 4 houses (with 2 or
3 houses a constant guess scored 40-50%); and an item is never asked about when a single clue gives its
answer away (its house stated, or it "is" the asked attribute's owner, or, with two houses, placed by one
"not"/left-of clue) - that was 7.5% of the items at every level.

solve: the propagation-and-backtracking solver (``zebra_solver``).
check: for puzzles with at most 1,000 candidate assignments, enumeration of every assignment; above that,
an independent CNF encoding solved by DPLL (``zebra_cnf``). Either way the check requires exactly one
solution and recomputes the answer from it.
"""
from __future__ import annotations

import math
import random
from functools import lru_cache

from generators.canonical_form import graph_key
from generators.family import Family, Problem, Reject
from generators.instance_key import params_key
from generators.logic.zebra_clues import (
    CATEGORIES,
    CATEGORY_KEYS,
    Solution,
    ZebraText,
    clue_holds,
    clue_key,
    draw_true_clue,
    houses_to_values,
    random_solution,
)
from generators.logic.zebra_cnf import count_models_dpll, enumerate_all
from generators.logic.zebra_solver import IncrementalRoot, SearchLimit, solve_by_propagation, solve_compiled
from generators.registration import register_family

ENUMERATION_MAX = 1000  # candidate assignments (n!)^m up to which check enumerates them all
MAX_NODES = 20_000  # propagation-solver nodes per uniqueness test during generation

_INTRO = (
    "There are {n} houses in a row, numbered 1 to {n} from left to right. Each house is home to exactly one "
    "person. Every person has exactly one value of each attribute below, and no value is shared by two people:\n"
    "{table}\n\nClues:\n{clues}\n\n"
)


def _answer(params: dict, pos: Solution) -> int:
    item = params["item"]
    house = pos[item[0]][item[1]]
    if params["ask"] == "house":
        return house + 1
    category = params["category"]
    value = next(v for v in range(params["houses"]) if pos[category][v] == house)
    return params["options"].index(value) + 1


_SYMMETRIC_CLUES = ("same", "not_same", "next_to", "one_between")  # x and y play the same role
_RELATIONS = {
    "at": None,
    "not_at": None,
    "same": lambda hx, hy: hx == hy,
    "not_same": lambda hx, hy: hx != hy,
    "left_of": lambda hx, hy: hx + 1 == hy,
    "before": lambda hx, hy: hx < hy,
    "next_to": lambda hx, hy: abs(hx - hy) == 1,
    "one_between": lambda hx, hy: abs(hx - hy) == 2,
}


def reveals_house(clue: dict, item: list[int], n: int) -> bool:
    """Whether ``clue`` alone pins down the house of ``item`` (a giveaway when that is asked)."""
    if clue["x"] == item and clue["type"] in ("at", "not_at"):
        allowed = [h for h in range(n) if (h == clue["house"]) == (clue["type"] == "at")]
        return len(allowed) == 1
    if clue["type"] in ("at", "not_at") or item not in (clue["x"], clue["y"]):
        return False
    return _houses_allowed(clue["type"], n, clue["x"][0] == clue["y"][0], clue["x"] == item) == 1


@lru_cache(maxsize=None)
def _houses_allowed(kind: str, n: int, same_category: bool, is_x: bool) -> int:
    """How many houses the x side (or the y side) of a two-item clue of ``kind`` can occupy."""
    rel = _RELATIONS[kind]
    pairs = [(hx, hy) for hx in range(n) for hy in range(n) if rel(hx, hy) and not (same_category and hx == hy)]
    return len({hx if is_x else hy for hx, hy in pairs})


def reveals_option(clue: dict, item: list[int], category: int, n: int) -> bool:
    """Whether ``clue`` alone pins down which value of ``category`` shares ``item``'s house.

    Only a clue relating ``item`` to a value of ``category`` says anything about it: "same" states the
    answer, and any clue forcing two different houses leaves one value when there are two houses.
    """
    if clue["type"] in ("at", "not_at") or item not in (clue["x"], clue["y"]):
        return False
    other = clue["y"] if clue["x"] == item else clue["x"]
    if other[0] != category:
        return False
    can_share, must_share = _sharing(clue["type"], n)
    return must_share or (not can_share and n == 2)


@lru_cache(maxsize=None)
def _sharing(kind: str, n: int) -> tuple[bool, bool]:
    """Whether a clue of ``kind`` allows, and whether it forces, its two items into one house."""
    rel = _RELATIONS[kind]
    return rel(0, 0), not any(rel(hx, hy) for hx in range(n) for hy in range(n) if hx != hy)


@register_family
class LogicZebralogic(Family):
    name = "logic_zebralogic"
    domain = "logic"
    description = "Generated zebra (Einstein) puzzles with a unique solution; the house/attribute grid grows with the level"
    answer_type = "int"
    levels = {
        1: {"houses": (4, 4), "categories": (2, 2)},
        2: {"houses": (4, 4), "categories": (3, 3)},
        3: {"houses": (4, 4), "categories": (4, 4)},
        4: {"houses": (5, 5), "categories": (4, 5)},
        5: {"houses": (6, 6), "categories": (5, 6)},
    }
    version = "2"  # issue 16: 4 houses from level 1; no item whose answer one clue states
    test_items = 30  # levels 4-5 take 35-80 ms an item; the slow suite runs 200 per level

    def generate(self, rng: random.Random, level: int) -> Problem:
        knobs = self.levels[level]
        n = rng.randint(*knobs["houses"])
        m = rng.randint(*knobs["categories"])
        keys = sorted(rng.sample(CATEGORY_KEYS, m))
        values = [sorted(rng.sample(CATEGORIES[k][2], n)) for k in keys]
        pos = random_solution(rng, n, m)
        clues = self._unique_clue_set(rng, pos, n, m)
        text = ZebraText(keys, values)

        ask_option = m > 1 and rng.random() < 0.5
        if ask_option:
            choices = [([c, v], cat) for c in range(m) for v in range(n) for cat in range(m)
                       if cat != c and not any(reveals_option(clue, [c, v], cat, n) for clue in clues)]
        else:
            choices = [([c, v], None) for c in range(m) for v in range(n)
                       if not any(reveals_house(clue, [c, v], n) for clue in clues)]
        if not choices:
            raise Reject("every question is answered by a single clue")
        item, category = rng.choice(choices)
        params = {"houses": n, "categories": keys, "values": values, "clues": clues, "item": item}
        intro = _INTRO.format(
            n=n, table=text.table(), clues="\n".join(f"{i + 1}. {text.clue(c)}" for i, c in enumerate(clues))
        )
        if ask_option:
            options = list(range(n))
            rng.shuffle(options)
            label = CATEGORIES[keys[category]][0].lower()
            listing = "\n".join(f"{i + 1}. {values[category][v]}" for i, v in enumerate(options))
            question = (
                f"{intro}Question: what is the {label} of {text.item(item)}?\nOptions:\n{listing}\n"
                f"Answer with the number of the correct option (an integer from 1 to {n})."
            )
            params.update(ask="option", category=category, options=options)
        else:
            question = f"{intro}Question: in which house does {text.item(item)} live? Give the house number as an integer."
            params.update(ask="house")
        return Problem(question=question, params=params)

    def _unique_clue_set(self, rng: random.Random, pos: Solution, n: int, m: int) -> list[dict]:
        """True clues until the solution is unique, then without every clue that is not needed."""

        def expensive() -> Reject:
            return Reject("uniqueness test too expensive")

        # each new clue holds in the hidden solution and fails in another solution the solver found,
        # so every round removes at least that rival
        clues: list[dict] = []
        keys: set[tuple] = set()
        state = IncrementalRoot(n, m)  # the solver's root fixpoint, kept up to date clue by clue
        at_house = houses_to_values(pos)
        for _ in range(4 * n * m):
            try:
                found = state.solutions(limit=2, max_nodes=MAX_NODES)
            except SearchLimit:
                raise expensive() from None
            rivals = [s for s in found if s != pos]
            if not rivals:
                break
            for _ in range(500):
                clue = draw_true_clue(rng, pos, at_house)
                if clue is not None and clue_key(clue) not in keys and not clue_holds(clue, rivals[0]):
                    break
            else:
                raise Reject("no clue separates the solution from a rival")
            if not clue_holds(clue, pos):
                raise RuntimeError(f"drew a false clue {clue}")  # a bug in draw_true_clue
            clues.append(clue)
            keys.add(clue_key(clue))
            state.add(clue)
        else:
            raise Reject("clues never pinned down the solution")
        compiled = state.compiled
        order = list(range(len(clues)))
        rng.shuffle(order)
        keep = [True] * len(clues)
        for i in order:
            keep[i] = False
            try:
                unique = len(solve_compiled([c for c, k in zip(compiled, keep) if k], n, m, limit=2,
                                            max_nodes=MAX_NODES)) == 1
            except SearchLimit:
                raise expensive() from None
            if not unique:
                keep[i] = True
        return [c for c, k in zip(clues, keep) if k]

    def instance_key(self, params: dict) -> str:
        """The puzzle up to renaming the values within each attribute, renaming or reordering the attributes,
        the order of the clues and the two sides of a symmetric clue: a full normal form (a canonical form of
        the graph of categories, values and clues, see ``generators.canonical_form``). The asked item, the
        asked attribute and the listed options (by position) are marked, so equal keys have equal answers."""
        n = params["houses"]
        m = len(params["values"])
        option_place = {}
        if params.get("ask") == "option":
            option_place = {(params["category"], v): i for i, v in enumerate(params["options"])}
        colours: list = [["category", params.get("ask") == "option" and params.get("category") == c]
                         for c in range(m)]
        vertex = {}
        edges: dict = {}
        for c in range(m):
            for v in range(n):
                vertex[(c, v)] = len(colours)
                colours.append(["value", [c, v] == list(params["item"]), option_place.get((c, v))])
                edges[(c, vertex[(c, v)])] = "has"
        for clue in params["clues"]:
            k = len(colours)
            colours.append(["clue", clue["type"], clue.get("house")])
            symmetric = clue["type"] in _SYMMETRIC_CLUES
            edges[(k, vertex[tuple(clue["x"])])] = "xy" if symmetric else "x"
            if "y" in clue:
                edges[(k, vertex[tuple(clue["y"])])] = "xy" if symmetric else "y"
        return params_key({"houses": n, "ask": params.get("ask"), "shape": [len(v) for v in params["values"]]},
                          puzzle=graph_key(colours, edges))


    def instance_level(self, params) -> int | None:
        """Levels draw disjoint houses and attributess (in the instance key), so the instance shows its level."""
        return self.level_with(houses=params["houses"], categories=len(params["values"]))

    def solve(self, params: dict) -> int:
        n, m = params["houses"], len(params["categories"])
        found = solve_by_propagation(params["clues"], n, m, limit=2, max_nodes=10**7)
        if len(found) != 1:
            raise ValueError(f"puzzle has {len(found)} solutions (at most 2 searched)")
        return _answer(params, found[0])

    def check(self, params: dict, answer: int) -> bool:
        n, m = params["houses"], len(params["categories"])
        if math.factorial(n) ** m <= ENUMERATION_MAX:
            found = enumerate_all(params["clues"], n, m, limit=2)
        else:
            found = count_models_dpll(params["clues"], n, m, limit=2)
        return len(found) == 1 and _answer(params, found[0]) == answer
