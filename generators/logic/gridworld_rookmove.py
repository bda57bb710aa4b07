"""logic_gridworld_rookmove: fewest right/up rook moves across a grid with blocked cells.

A move slides any positive number of cells to the right or up, never onto or across a blocked cell.
10-20% of the cells (never the start or the goal) are blocked; instances whose goal cannot be reached
are re-drawn, so the question never needs an "impossible" answer.

solve: dynamic programme over the cells in row-major order, carrying for each cell the best distance
among the cells that can slide into it from the left and from below (O(W*H)).
check: 0-1 breadth-first search over (cell, direction) states: continuing a slide costs 0, starting a
new slide costs 1.

Ladder: level L+1 has a larger grid (side 5-9, 10-19, 20-29, 30-39, 40-49), so the search space (cells,
the test's proxy) and the number of moves grow. Guessability (issue 16): in small grids the answer is
almost always 2-4 (56% one value at level 1), so level 1 blocks 20-30% of the cells and levels 1-2 thin
their most common answers (``keep``, generators.balance).
"""
from __future__ import annotations

import random
from collections import deque
from functools import lru_cache

from generators.balance import thin
from generators.family import Family, Problem, Reject
from generators.instance_key import canonical_grid_cells, params_key
from generators.logic.grid_common import (
    Cell,
    cells_from_params,
    cells_to_params,
    coordinate_convention,
    format_cells,
    sample_cells,
)
from generators.registration import register_family

INF = float("inf")

_QUESTIONS = (
    "{convention} A rook starts on (0, 0) and wants to reach ({tx}, {ty}). In one move it slides any "
    "positive number of cells either to the right (increasing x) or up (increasing y); it may not stop on "
    "or pass over a blocked cell. The blocked cells are: {blocked}. What is the minimum number of moves? "
    "Give the answer as an integer.",
    "{convention} These cells are blocked: {blocked}. A rook on (0, 0) moves only rightwards or upwards, "
    "any number of cells per move, and can neither land on nor jump over a blocked cell. Find the fewest "
    "moves that take it to ({tx}, {ty}). Answer with an integer.",
)


@lru_cache(maxsize=256)
def fewest_moves_dp(width: int, height: int, blocked: frozenset[Cell]) -> int | None:
    """Row-by-row DP: ``left[x][y]`` / ``below[x][y]`` hold the best distance of any cell that can slide
    into (x, y) from the left / from below without crossing a blocked cell. Column by column: ``dist``,
    ``left`` and ``below`` of column x need only column x - 1. Cached, so ``solve`` repeats the
    reachability test of generation for free."""
    free = [[True] * height for _ in range(width)]
    for x, y in blocked:
        if 0 <= x < width and 0 <= y < height:
            free[x][y] = False
    prev_free = [False] * height
    prev_dist = prev_left = [INF] * height
    for x in range(width):
        col_free = free[x]
        dist = [INF] * height
        left = [INF] * height
        run_below = INF  # min(below, dist) of the cell under (x, y), INF across a blocked cell
        for y in range(height):
            if not col_free[y]:
                run_below = INF
                continue
            lf = INF
            if prev_free[y]:
                lf = prev_left[y] if prev_left[y] < prev_dist[y] else prev_dist[y]
            left[y] = lf
            if x == 0 and y == 0:
                d = 0
            else:
                d = 1 + (lf if lf < run_below else run_below)
            dist[y] = d
            run_below = run_below if run_below < d else d
        prev_free, prev_dist, prev_left = col_free, dist, left
    best = prev_dist[height - 1]
    return None if best == INF else int(best)


def fewest_moves_01bfs(width: int, height: int, blocked: frozenset[Cell]) -> int | None:
    """0-1 BFS on (x, y, direction); a state means "standing on (x, y) having just moved in direction"."""
    dirs = ((1, 0), (0, 1))
    goal = (width - 1, height - 1)
    if goal == (0, 0):
        return 0
    best: dict[tuple[int, int, int], int] = {}
    dq: deque[tuple[int, int, int, int]] = deque()
    for d, (dx, dy) in enumerate(dirs):
        if dx < width and dy < height and (dx, dy) not in blocked:
            best[(dx, dy, d)] = 1
            dq.append((1, dx, dy, d))
    while dq:
        cost, x, y, d = dq.popleft()
        if cost > best.get((x, y, d), cost):
            continue
        if (x, y) == goal:
            return cost
        for nd, (dx, dy) in enumerate(dirs):
            nx, ny = x + dx, y + dy
            if nx >= width or ny >= height or (nx, ny) in blocked:
                continue
            step = 0 if nd == d else 1
            if cost + step < best.get((nx, ny, nd), 1 << 30):
                best[(nx, ny, nd)] = cost + step
                if step == 0:
                    dq.appendleft((cost, nx, ny, nd))
                else:
                    dq.append((cost + 1, nx, ny, nd))
    return None


@register_family
class LogicGridworldRookmove(Family):
    name = "logic_gridworld_rookmove"
    domain = "logic"
    description = "Fewest right/up rook moves across a grid with blocked cells; the grid grows with the level"
    answer_type = "int"
    version = "2"  # issue 16: answers balanced at levels 1-2
    levels = {
        1: {"size": (5, 9), "blocked_fraction": (0.20, 0.30), "keep": {4: 0.6, 3: 0.7}},
        2: {"size": (10, 19), "blocked_fraction": (0.10, 0.20), "keep": {4: 0.6, 3: 0.85}},
        3: {"size": (20, 29), "blocked_fraction": (0.10, 0.20)},
        4: {"size": (30, 39), "blocked_fraction": (0.10, 0.20)},
        5: {"size": (40, 49), "blocked_fraction": (0.10, 0.20)},
    }

    def draft(self, rng: random.Random, level: int) -> Problem:
        """The drawn problem. Levels that thin their answers need the answer now; elsewhere the
        reachability test is left to :meth:`complete` (so drafts the split throws away skip it)."""
        knobs = self.levels[level]
        lo, hi = knobs["size"]
        width, height = rng.randint(lo, hi), rng.randint(lo, hi)
        f_lo, f_hi = knobs["blocked_fraction"]
        count = max(1, round(width * height * rng.uniform(f_lo, f_hi)))
        goal = (width - 1, height - 1)
        blocked = frozenset(sample_cells(rng, width, height, count, exclude=[(0, 0), goal]))
        tested = knobs.get("keep") is not None
        if tested:
            moves = fewest_moves_dp(width, height, blocked)
            if moves is None:
                raise Reject("goal unreachable")
            thin(rng, moves, knobs["keep"])
        question = rng.choice(_QUESTIONS).format(
            convention=coordinate_convention(width, height), tx=goal[0], ty=goal[1], blocked=format_cells(blocked)
        )
        return Problem(question=question, params={"width": width, "height": height, "blocked": cells_to_params(blocked)},
                       draft_state=None if tested else blocked)

    def complete(self, problem: Problem) -> Problem:
        if problem.draft_state is not None:
            p = problem.params
            if fewest_moves_dp(p["width"], p["height"], problem.draft_state) is None:
                raise Reject("goal unreachable")
        return problem

    def generate(self, rng: random.Random, level: int) -> Problem:
        return self.complete(self.draft(rng, level))

    def instance_key(self, params: dict) -> str:
        """Corner-to-corner moves right/up: swapping x and y, or reading the path backwards (a half turn of the
        grid), gives the same problem."""
        w, h, cells = canonical_grid_cells(params["width"], params["height"], params["blocked"])
        return params_key(params, drop=self.key_ignored_params, width=w, height=h, blocked=cells)


    def instance_level(self, params) -> int | None:
        """Levels draw both grid sides from disjoint ranges (in the instance key), so the instance shows its level."""
        level = self.level_with(size=params["width"])
        return level if level == self.level_with(size=params["height"]) else None

    def solve(self, params: dict) -> int:
        moves = fewest_moves_dp(params["width"], params["height"], cells_from_params(params["blocked"]))
        if moves is None:
            raise ValueError("goal unreachable")
        return moves

    def check(self, params: dict, answer: int) -> bool:
        moves = fewest_moves_01bfs(params["width"], params["height"], cells_from_params(params["blocked"]))
        return isinstance(answer, int) and moves == answer
