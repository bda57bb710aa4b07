"""Zebra puzzles: the attribute vocabulary, the clue types, drawing true clues and rendering them in English.

A puzzle has ``n`` houses in a row (0-based internally, numbered 1..n from left to right in the text) and
``m`` attributes (categories); every category has ``n`` values and every house holds exactly one value of
each category. An *item* is ``[category, value]`` (indices into the puzzle's own lists). A solution is
``pos[category][value] = house``.

Clues are JSON dicts ``{"type": T, "x": item, "y": item, "house": h}`` (``y``/``house`` only where used):

* ``at`` x lives in house h; ``not_at`` x does not live in house h;
* ``same`` x and y are the same person; ``not_same`` x and y are different people (different categories);
* ``left_of`` x lives directly left of y (pos x + 1 = pos y); ``before`` x lives somewhere left of y;
* ``next_to`` |pos x - pos y| = 1; ``one_between`` |pos x - pos y| = 2.
"""
from __future__ import annotations

import random
from itertools import accumulate

Item = tuple[int, int]
Solution = list[list[int]]  # pos[category][value] -> house

# category -> (label shown in the attribute list, phrase for "the person with value v", values)
CATEGORIES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "name": ("Name", "{v}", ("Alice", "Bob", "Carol", "David", "Emma", "Frank", "Grace")),
    "nationality": ("Nationality", "the {v}", ("Brazilian", "Canadian", "Dane", "Egyptian", "Finn", "Greek",
                                                "Kenyan")),
    "pet": ("Pet", "the owner of the {v}", ("cat", "dog", "parrot", "goldfish", "hamster", "rabbit", "turtle")),
    "drink": ("Drink", "the {v} drinker", ("tea", "coffee", "milk", "water", "juice", "cocoa", "lemonade")),
    "colour": ("House colour", "the person in the {v} house", ("red", "blue", "green", "yellow", "white",
                                                                "purple", "orange")),
    "hobby": ("Hobby", "the person who enjoys {v}", ("chess", "painting", "gardening", "hiking", "knitting",
                                                     "photography", "cooking")),
    "car": ("Car", "the {v} driver", ("Ford", "Toyota", "BMW", "Honda", "Tesla", "Volvo", "Fiat")),
    "food": ("Favourite food", "the person who likes {v}", ("pizza", "sushi", "pasta", "tacos", "curry", "salad",
                                                            "soup")),
    "music": ("Music", "the {v} fan", ("jazz", "rock", "classical", "pop", "blues", "reggae", "folk")),
    "sport": ("Sport", "the person who plays {v}", ("tennis", "soccer", "golf", "volleyball", "cricket",
                                                    "basketball", "baseball")),
    "job": ("Job", "the {v}", ("teacher", "doctor", "pilot", "chef", "lawyer", "nurse", "engineer")),
    "flower": ("Flower", "the person who grows {v}", ("roses", "tulips", "lilies", "daisies", "orchids", "irises",
                                                      "peonies")),
}
CATEGORY_KEYS = tuple(sorted(CATEGORIES))

CLUE_TYPES = ("at", "not_at", "same", "not_same", "left_of", "before", "next_to", "one_between")
# relative frequencies when drawing clues (position facts are strong, so they are drawn less often)
CLUE_WEIGHTS = (0.06, 0.10, 0.24, 0.14, 0.12, 0.12, 0.12, 0.10)
_CUM_WEIGHTS = list(accumulate(CLUE_WEIGHTS))  # what random.choices builds from CLUE_WEIGHTS


def clue_holds(clue: dict, pos: Solution) -> bool:
    """Whether ``clue`` is true in the full assignment ``pos`` (the direct definition of each type)."""
    x = pos[clue["x"][0]][clue["x"][1]]
    kind = clue["type"]
    if kind == "at":
        return x == clue["house"]
    if kind == "not_at":
        return x != clue["house"]
    y = pos[clue["y"][0]][clue["y"][1]]
    return {
        "same": x == y,
        "not_same": x != y,
        "left_of": x + 1 == y,
        "before": x < y,
        "next_to": abs(x - y) == 1,
        "one_between": abs(x - y) == 2,
    }[kind]


def random_solution(rng: random.Random, houses: int, categories: int) -> Solution:
    pos = []
    for _ in range(categories):
        order = list(range(houses))
        rng.shuffle(order)
        pos.append(order)
    return pos


def houses_to_values(pos: Solution) -> list[list[int]]:
    """``at_house[category][house]`` -> the value of that category living there (the inverse of ``pos``)."""
    m, n = len(pos), len(pos[0])
    at_house = [[0] * n for _ in range(m)]
    for c in range(m):
        for v, h in enumerate(pos[c]):
            at_house[c][h] = v
    return at_house


def draw_true_clue(rng: random.Random, pos: Solution, at_house: list[list[int]] | None = None) -> dict | None:
    """A random clue that holds in ``pos`` (``None`` when the drawn type does not fit this size);
    ``at_house`` is :func:`houses_to_values` of ``pos`` when the caller already has it."""
    m, n = len(pos), len(pos[0])
    if at_house is None:
        at_house = houses_to_values(pos)

    def item_in(house: int) -> list[int]:
        c = rng.randrange(m)
        return [c, at_house[c][house]]

    kind = rng.choices(CLUE_TYPES, cum_weights=_CUM_WEIGHTS)[0]  # = weights=CLUE_WEIGHTS, summed once
    if kind in ("at", "not_at"):
        c, v = rng.randrange(m), rng.randrange(n)
        house = pos[c][v]
        if kind == "not_at":
            house = rng.choice([h for h in range(n) if h != house])
        return {"type": kind, "x": [c, v], "house": house}
    if kind in ("same", "not_same"):
        if m < 2:
            return None
        c1, c2 = rng.sample(range(m), 2)
        v1 = rng.randrange(n)
        h = pos[c1][v1]
        v2 = at_house[c2][h] if kind == "same" else rng.choice([v for v in range(n) if pos[c2][v] != h])
        return {"type": kind, "x": [c1, v1], "y": [c2, v2]}
    gap = {"left_of": 1, "next_to": 1, "one_between": 2, "before": None}[kind]
    if gap is None:
        h1, h2 = sorted(rng.sample(range(n), 2))
    else:
        if n <= gap:
            return None
        h1 = rng.randrange(n - gap)
        h2 = h1 + gap
        if kind != "left_of" and rng.random() < 0.5:
            h1, h2 = h2, h1
    x, y = item_in(h1), item_in(h2)
    if x == y:
        return None
    return {"type": kind, "x": x, "y": y}


def clue_key(clue: dict) -> tuple:
    """A canonical key, so that a clue and its mirror image (for symmetric types) count as one."""
    if clue["type"] in ("at", "not_at"):
        return (clue["type"], tuple(clue["x"]), clue["house"])
    x, y = tuple(clue["x"]), tuple(clue["y"])
    if clue["type"] in ("same", "not_same", "next_to", "one_between"):
        x, y = min(x, y), max(x, y)
    return (clue["type"], x, y)


class ZebraText:
    """Renders items, clues and the attribute table of one puzzle."""

    def __init__(self, categories: list[str], values: list[list[str]]):
        self.categories = categories
        self.values = values

    def item(self, item: list[int]) -> str:
        c, v = item
        return CATEGORIES[self.categories[c]][1].format(v=self.values[c][v])

    def clue(self, clue: dict) -> str:
        x = self.item(clue["x"])
        kind = clue["type"]
        if kind == "at":
            text = f"{x} lives in house {clue['house'] + 1}."
        elif kind == "not_at":
            text = f"{x} does not live in house {clue['house'] + 1}."
        else:
            y = self.item(clue["y"])
            text = {
                "same": f"{x} and {y} are the same person.",
                "not_same": f"{x} and {y} are different people.",
                "left_of": f"{x} lives directly to the left of {y}.",
                "before": f"{x} lives somewhere to the left of {y}.",
                "next_to": f"{x} and {y} live next to each other.",
                "one_between": f"There is exactly one house between the houses of {x} and {y}.",
            }[kind]
        return text[0].upper() + text[1:]

    def table(self) -> str:
        lines = []
        for c, key in enumerate(self.categories):
            lines.append(f"- {CATEGORIES[key][0]}: {', '.join(self.values[c])}")
        return "\n".join(lines)
