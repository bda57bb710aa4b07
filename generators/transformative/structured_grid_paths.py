"""trans_gridworld_test: monotone grid paths around large structured obstacles, counted by reflection and cuts.

Trained skill (logic_gridworld_blocked): count right/up paths avoiding a list of blocked cells by filling in a
table cell by cell. Test: grids up to 30 x 30 whose blocked cells form a region given by a rule, where the
table has up to 900 entries but a combinatorial insight gives the count directly:

* ``diagonal``: every cell with y > x + s is blocked. Reflection principle: the paths that enter the region touch
  the line y = x + s + 1; reflecting their first part across it gives C(a + b, a) - C(a + b, a + s + 1) for the
  target (a, b).
* ``band``: every cell with |x - y| > w is blocked. Repeated reflection in the two walls x - y = +-(w + 1):
  sum_k [N(e + 2kW) - N(2(w + 1) - e + 2kW)] with W = 2w + 2, e = a - b and N(t) the number of unconstrained
  paths whose final x - y is t.
* ``rectangle``: one solid rectangle of blocked cells. A path avoids it exactly when it passes below-right or
  above-left; each such path is cut where it first enters row y1 (right of the rectangle) or column x1 (above
  it), giving two sums of products of binomials.

solve: the formulas above. check: the trained method itself, a dynamic programme over every cell
(``logic.gridworld_blocked.paths_from_start``) with the blocked cells generated from the rule.
"""
from __future__ import annotations

import random
from math import comb
from typing import Any

from generators.family import Family, Problem, Reject
from generators.logic.grid_common import coordinate_convention
from generators.logic.gridworld_blocked import paths_from_start
from generators.registry import register_family

VARIANTS = ("diagonal", "band", "rectangle")
_ASK = (" You start in cell (0, 0) and must reach cell ({a}, {b}), moving one cell right (x increases by 1) or one "
        "cell up (y increases by 1) at each step, never entering a blocked cell. How many different paths are "
        "there? Give the answer as an integer.")


def _paths(dx: int, dy: int) -> int:
    return comb(dx + dy, dx) if dx >= 0 and dy >= 0 else 0


def count_diagonal(a: int, b: int, s: int) -> int:
    return _paths(a, b) - (comb(a + b, a + s + 1) if a + s + 1 <= a + b else 0)


def count_band(a: int, b: int, w: int) -> int:
    n, e = a + b, a - b
    width = 2 * w + 2

    def unconstrained(t: int) -> int:  # paths of n steps with final x - y = t
        if (n + t) % 2 or abs(t) > n:
            return 0
        return comb(n, (n + t) // 2)

    total = 0
    reach = n // width + 2
    for k in range(-reach, reach + 1):
        total += unconstrained(e + k * 2 * width) - unconstrained(2 * (w + 1) - e + k * 2 * width)
    return total


def count_rectangle(a: int, b: int, rect: list[int]) -> int:
    """Paths to (a, b) avoiding the cells x1 <= x <= x2, y1 <= y <= y2."""
    x1, x2, y1, y2 = rect
    below = sum(_paths(x, y1 - 1) * _paths(a - x, b - y1) for x in range(x2 + 1, a + 1)) if y1 >= 1 else 0
    above = sum(_paths(x1 - 1, y) * _paths(a - x1, b - y) for y in range(y2 + 1, b + 1)) if x1 >= 1 else 0
    return below + above


def blocked_cells(params: dict[str, Any]) -> set[tuple[int, int]]:
    w, h = params["width"], params["height"]
    v = params["variant"]
    cells = set()
    for x in range(w):
        for y in range(h):
            if v == "diagonal" and y > x + params["s"]:
                cells.add((x, y))
            elif v == "band" and abs(x - y) > params["w"]:
                cells.add((x, y))
            elif v == "rectangle":
                x1, x2, y1, y2 = params["rect"]
                if x1 <= x <= x2 and y1 <= y <= y2:
                    cells.add((x, y))
    return cells


def rule_text(params: dict[str, Any]) -> str:
    v = params["variant"]
    if v == "diagonal":
        s = params["s"]
        return f"Every cell (x, y) with y > x{f' + {s}' if s else ''} is blocked; all other cells are open."
    if v == "band":
        return f"Every cell (x, y) with |x - y| > {params['w']} is blocked; all other cells are open."
    x1, x2, y1, y2 = params["rect"]
    return (f"The cells (x, y) with {x1} \\le x \\le {x2} and {y1} \\le y \\le {y2} are blocked (a solid "
            f"rectangle); all other cells are open.")


@register_family
class StructuredGridPaths(Family):
    name = "trans_gridworld_test"
    axis = "transformative"
    domain = "logic"
    description = "Monotone paths past large rule-defined obstacles (diagonal, band, rectangle): reflection and cuts"
    answer_type = "int"
    levels = {
        1: {"size": (5, 9)},
        2: {"size": (9, 13)},
        3: {"size": (13, 17)},
        4: {"size": (18, 23)},
        5: {"size": (24, 30)},
    }
    test_items = 100  # items per level in the generic default test; 200 per level run under -m slow

    def generate(self, rng: random.Random, level: int) -> Problem:
        lo, hi = self.levels[level]["size"]
        variant = rng.choice(VARIANTS)
        width = rng.randint(lo, hi)
        params: dict[str, Any] = {"variant": variant, "width": width}
        if variant == "diagonal":
            s = rng.randint(0, max(1, width // 4))
            height = rng.randint(max(2, width - 3), width + s)
            params.update({"height": height, "s": s})
        elif variant == "band":
            w = rng.randint(1, max(1, width // 3))
            height = rng.randint(max(2, width - w), width + w)
            params.update({"height": height, "w": w})
        else:
            height = rng.randint(lo, hi)
            x1 = rng.randint(1, width - 3)
            x2 = rng.randint(x1, width - 2)
            y1 = rng.randint(1, height - 3)
            y2 = rng.randint(y1, height - 2)
            params.update({"height": height, "rect": [x1, x2, y1, y2]})
        a, b = width - 1, height - 1
        if self._formula(params) <= 0 or (a, b) in blocked_cells(params):
            raise Reject("no path")
        question = f"{coordinate_convention(width, height)} {rule_text(params)}" + _ASK.format(a=a, b=b)
        return Problem(question=question, params=params)

    @staticmethod
    def _formula(params: dict[str, Any]) -> int:
        a, b = params["width"] - 1, params["height"] - 1
        if params["variant"] == "diagonal":
            return count_diagonal(a, b, params["s"])
        if params["variant"] == "band":
            return count_band(a, b, params["w"])
        return count_rectangle(a, b, params["rect"])

    def solve(self, params: dict[str, Any]) -> int:
        return self._formula(params)

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        table = paths_from_start(params["width"], params["height"], frozenset(blocked_cells(params)))
        return isinstance(answer, int) and answer == table[params["width"] - 1][params["height"] - 1]
