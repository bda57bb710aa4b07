"""logic_gridworld_knight_move: fewest (a, b)-leaper moves from (0, 0) to a cell near the top-right corner.

An (a, b)-leaper moves a cells along one axis and b along the other (eight directions), staying inside the
W x H grid. x is always the column (0 <= x < W) and y the row (0 <= y < H), in the question, in ``solve``
and in ``check`` alike (OMEGA weak point #10: the original bounded x by the height and y by the width,
and could ask for a target outside the grid). The target is drawn inside the grid, in the last four
columns and rows; unreachable targets are re-drawn.

solve: breadth-first search from the start (layer by layer; generation runs it in ``complete``, only for drafts
the split keeps, and ``solve`` reuses the cached distance).
check: A* search with a consistent lower bound (each move changes |dx| + |dy| by at most a + b and each
coordinate by at most max(a, b)), plus a parity test for leapers that keep the colour of a cell.

Ladder: level L+1 has a larger grid (side 5-9, 10-19, 20-29, 30-39, 40-49), so the search space grows (the
test's proxy: the number of cells).
"""
from __future__ import annotations

import heapq
import random
from functools import lru_cache

from generators.family import Family, Problem, Reject
from generators.instance_key import params_key
from generators.logic.grid_common import Cell, coordinate_convention, in_grid
from generators.registration import register_family

# a < b, a != b, {a, b} != {2, 4}, a + b <= 7, 1 <= a, b <= 6 (the OMEGA leaper set)
LEAPERS = ((1, 2), (1, 3), (1, 4), (1, 5), (1, 6), (2, 3), (2, 5), (3, 4))

_QUESTIONS = (
    "{convention} A piece starts on (0, 0). Each move takes it {a} cells along one axis and {b} cells "
    "along the other, in any direction: from (x, y) it may jump to (x \u00b1 {a}, y \u00b1 {b}) or "
    "(x \u00b1 {b}, y \u00b1 {a}), provided the new cell is inside the grid. What is the smallest number "
    "of moves that brings the piece to {target}? Give the answer as an integer.",
    "{convention} A ({a}, {b})-leaper sits on cell (0, 0). One move shifts it by {a} in one coordinate "
    "and by {b} in the other, with either sign for each, and it may never leave the grid. How many moves "
    "does it need at minimum to land on {target}? Answer with an integer.",
)


def leaper_steps(a: int, b: int) -> list[Cell]:
    """The eight (or four, when a == b) displacement vectors of an (a, b)-leaper, in a fixed order."""
    return sorted({(sx * p, sy * q) for p, q in ((a, b), (b, a)) for sx in (1, -1) for sy in (1, -1)})


@lru_cache(maxsize=256)
def bfs_distance(width: int, height: int, a: int, b: int, target: Cell) -> int | None:
    """Fewest moves from (0, 0) to ``target`` by breadth-first search; ``None`` when unreachable.

    Cells are numbered ``x * height + y``; the search goes layer by layer. Cached, so ``solve`` repeats
    the reachability test of generation for free."""
    if not (0 <= target[0] < width and 0 <= target[1] < height):
        return None
    goal = target[0] * height + target[1]
    moves = leaper_steps(a, b)
    seen = bytearray(width * height)
    seen[0] = 1
    layer, depth = [(0, 0)], 0
    while layer:
        if any(x * height + y == goal for x, y in layer):
            return depth
        depth += 1
        grown = []
        for x, y in layer:
            for dx, dy in moves:
                nx, ny = x + dx, y + dy
                if 0 <= nx < width and 0 <= ny < height:
                    k = nx * height + ny
                    if not seen[k]:
                        seen[k] = 1
                        grown.append((nx, ny))
        layer = grown
    return None


def astar_distance(width: int, height: int, a: int, b: int, target: Cell) -> int | None:
    """Fewest moves by A* with the bound max(ceil(|dx|/m), ceil(|dy|/m), ceil((|dx|+|dy|)/(a+b)))."""
    m, s = max(a, b), a + b
    tx, ty = target

    def bound(cell: Cell) -> int:
        dx, dy = abs(tx - cell[0]), abs(ty - cell[1])
        return max(-(-dx // m), -(-dy // m), -(-(dx + dy) // s))

    # a leaper with a + b even never changes the parity of x + y
    if (a + b) % 2 == 0 and (tx + ty) % 2 != 0:
        return None
    steps = leaper_steps(a, b)
    best = {(0, 0): 0}
    heap = [(bound((0, 0)), 0, (0, 0))]
    while heap:
        f, g, cell = heapq.heappop(heap)
        if g > best.get(cell, g):
            continue
        if cell == target:
            return g
        for dx, dy in steps:
            nxt = (cell[0] + dx, cell[1] + dy)
            if not in_grid(nxt, width, height):
                continue
            if g + 1 < best.get(nxt, 1 << 30):
                best[nxt] = g + 1
                heapq.heappush(heap, (g + 1 + bound(nxt), g + 1, nxt))
    return None


@register_family
class LogicGridworldKnightMove(Family):
    name = "logic_gridworld_knight_move"
    domain = "logic"
    description = "Fewest (a,b)-leaper moves from a grid corner to a cell near the opposite corner"
    answer_type = "int"
    levels = {
        1: {"size": (5, 9)},
        2: {"size": (10, 19)},
        3: {"size": (20, 29)},
        4: {"size": (30, 39)},
        5: {"size": (40, 49)},
    }

    def draft(self, rng: random.Random, level: int) -> Problem:
        """The drawn problem; whether its target can be reached is left to :meth:`complete`."""
        lo, hi = self.levels[level]["size"]
        width, height = rng.randint(lo, hi), rng.randint(lo, hi)
        a, b = rng.choice(LEAPERS)
        if rng.random() < 0.5:
            a, b = b, a  # the order in the text does not change the piece
        corner = rng.random() < 0.25
        if corner:
            tx, ty = width - 1, height - 1
            target_text = f"the top-right corner cell ({tx}, {ty})"
        else:
            tx, ty = rng.randint(width - 4, width - 1), rng.randint(height - 4, height - 1)
            target_text = f"the cell ({tx}, {ty})"
        question = rng.choice(_QUESTIONS).format(
            convention=coordinate_convention(width, height), a=a, b=b, target=target_text
        )
        return Problem(
            question=question,
            params={"width": width, "height": height, "a": a, "b": b, "target": [tx, ty]},
        )

    def complete(self, problem: Problem) -> Problem:
        """Re-draw unreachable targets (the search runs only for drafts the split keeps)."""
        p = problem.params
        if bfs_distance(p["width"], p["height"], p["a"], p["b"], (p["target"][0], p["target"][1])) is None:
            raise Reject("target unreachable")
        return problem

    def generate(self, rng: random.Random, level: int) -> Problem:
        return self.complete(self.draft(rng, level))

    def instance_key(self, params: dict) -> str:
        """An (a, b)-leaper is a (b, a)-leaper; transposing the grid (swap x and y) keeps the start (0, 0)."""
        w, h, (tx, ty) = params["width"], params["height"], params["target"]
        board = min([w, h, [tx, ty]], [h, w, [ty, tx]])
        return params_key(params, drop=("width", "height", "target", "a", "b", *self.key_ignored_params),
                          leaper=sorted([params["a"], params["b"]]), board=board)


    def instance_level(self, params) -> int | None:
        """Levels draw both grid sides from disjoint ranges (in the instance key), so the instance shows its level."""
        level = self.level_with(size=params["width"])
        return level if level == self.level_with(size=params["height"]) else None

    def solve(self, params: dict) -> int:
        target = (params["target"][0], params["target"][1])
        dist = bfs_distance(params["width"], params["height"], params["a"], params["b"], target)
        if dist is None:
            raise ValueError("target unreachable")
        return dist

    def check(self, params: dict, answer: int) -> bool:
        width, height = params["width"], params["height"]
        target = (params["target"][0], params["target"][1])
        if not in_grid(target, width, height) or target == (0, 0):
            return False
        return isinstance(answer, int) and astar_distance(width, height, params["a"], params["b"], target) == answer
