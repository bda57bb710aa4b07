"""logic_gridworld_blocked: count right/up lattice paths across a grid that avoid blocked cells.

solve: a forward dynamic programme over the cells (exact integers).
check: a first-blocked-cell decomposition with binomial coefficients (inclusion-exclusion over the sorted
blocked cells, O(k^2) in the number of blocked cells), and on small grids also a depth-first enumeration
of every path.

Levels follow the OMEGA ladder: width and height in [5,9], [10,19], [20,29], [30,39], [40,49]; the
initial number of blocked cells is drawn from [min(8, 1.5W), 1.5W]. Instances with no path are re-drawn,
and while the count exceeds one million more cells are blocked (cells with 0 < paths-through < total,
drawn with probability proportional to the number of paths through them, a few per round while the count
is far above the cap, always keeping the count positive).

Ladder: level L+1 has a larger grid (side 5-9, 10-19, 20-29, 30-39, 40-49), so the search space grows (the
test's proxy: the number of cells).
"""
from __future__ import annotations

import math
import random
from math import comb
from collections.abc import Iterable
from bisect import bisect_right, insort
from itertools import accumulate
from operator import mul

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

ANSWER_CAP = 10**6
DFS_MAX_CELLS = 100  # depth-first enumeration in check only on grids this small
_MAX_BATCH = 8

_QUESTIONS = (
    "{convention} You start in cell (0, 0) and must reach cell ({tx}, {ty}). Each step moves one cell to "
    "the right (x increases by 1) or one cell up (y increases by 1), and you may never enter a blocked cell. "
    "The blocked cells are: {blocked}. How many different paths are there? Give the answer as an integer.",
    "{convention} The following cells are blocked: {blocked}. A walker starts at (0, 0) and moves only "
    "right (from (x, y) to (x + 1, y)) or up (from (x, y) to (x, y + 1)), never stepping onto a blocked "
    "cell. In how many ways can the walker reach ({tx}, {ty})? Answer with an integer.",
    "{convention} Count the monotone paths from (0, 0) to ({tx}, {ty}) that use only unit steps right "
    "or up and avoid every one of these blocked cells: {blocked}. Give the number of paths as an integer.",
)


def _blocked_rows(width: int, height: int, blocked: Iterable[Cell]) -> list[list[int]]:
    """Per column, the sorted rows of its blocked cells (cells outside the grid are ignored)."""
    rows: list[list[int]] = [[] for _ in range(width)]
    for x, y in blocked:
        if 0 <= x < width and 0 <= y < height:
            rows[x].append(y)
    return [sorted(set(col)) for col in rows]


def _column_sums(width: int, height: int, rows: list[list[int]], f: list[list[int]] | None = None,
                 first: int = 0) -> list[list[int]]:
    """Paths from (0, 0) per column: a cell's count is the sum, over the unblocked run of its column up to
    it, of the counts one column to the left (the paths whose last step right lands in that run).

    With ``f`` and ``first`` given, only columns ``first`` and up are recomputed (in place): blocking cells
    in column ``first`` and to the right of it leaves the columns left of it as they were.
    """
    if f is None:
        f = [[] for _ in range(width)]
    prev = f[first - 1] if first else [1] + [0] * (height - 1)  # x = -1: a virtual column feeding (0, 0)
    for x in range(first, width):
        col: list[int] = []
        start = 0
        for y in rows[x]:
            col += accumulate(prev[start:y])
            col.append(0)
            start = y + 1
        col += accumulate(prev[start:])
        f[x] = col
        prev = col
    return f


def paths_from_start(width: int, height: int, blocked: frozenset[Cell] | set[Cell]) -> list[list[int]]:
    """``f[x][y]`` = number of right/up paths from (0, 0) to (x, y) avoiding ``blocked``."""
    return _column_sums(width, height, _blocked_rows(width, height, blocked))


def paths_to_end(width: int, height: int, blocked: frozenset[Cell] | set[Cell]) -> list[list[int]]:
    """``g[x][y]`` = number of right/up paths from (x, y) to (W-1, H-1) avoiding ``blocked`` (the paths from
    the start of the grid turned by a half turn)."""
    turned = [(width - 1 - x, height - 1 - y) for x, y in blocked]
    return [col[::-1] for col in reversed(paths_from_start(width, height, turned))]


def count_by_first_blocked_cell(width: int, height: int, blocked: frozenset[Cell]) -> int:
    """Paths avoiding ``blocked`` = all paths minus, for each blocked cell b, the paths whose first blocked
    cell is b. ``first[b]`` is the number of paths to b that avoid every other blocked cell."""

    def lattice(a: Cell, b: Cell) -> int:
        dx, dy = b[0] - a[0], b[1] - a[1]
        return comb(dx + dy, dx) if dx >= 0 and dy >= 0 else 0

    start, end = (0, 0), (width - 1, height - 1)
    if start in blocked or end in blocked:
        return 0
    order = sorted(blocked, key=lambda c: (c[0] + c[1], c[0]))
    first: list[int] = []
    for i, b in enumerate(order):
        value = lattice(start, b)
        bx, by = b
        for j in range(i):
            ax, ay = order[j]
            if ax <= bx and ay <= by:
                value -= first[j] * comb(bx - ax + by - ay, bx - ax)
        first.append(value)
    return lattice(start, end) - sum(fb * lattice(b, end) for fb, b in zip(first, order))


def count_by_enumeration(width: int, height: int, blocked: frozenset[Cell], limit: int) -> int:
    """Walk every path explicitly (depth first); stops early once more than ``limit`` paths are found."""
    end = (width - 1, height - 1)
    if (0, 0) in blocked:
        return 0
    found = 0
    stack: list[Cell] = [(0, 0)]
    while stack:
        x, y = stack.pop()
        if (x, y) == end:
            found += 1
            if found > limit:
                return found
            continue
        if x + 1 < width and (x + 1, y) not in blocked:
            stack.append((x + 1, y))
        if y + 1 < height and (x, y + 1) not in blocked:
            stack.append((x, y + 1))
    return found


def _draw_index(rng: random.Random, cum: list[int], last: int, removed: list[tuple[int, int]]) -> int:
    """``rng.choices`` over the positive weights whose running sums (zero weights included, ``last`` the
    position of the last positive one) are ``cum``, less the weights ``removed`` since (pairs (position,
    weight)); returns a position. The same single ``rng.random()`` draw, the same float threshold against
    the same exact running sums, and the same clamp to the last candidate as ``rng.choices(range(len(w)),
    weights=w)[0]`` on the list of the positive weights alone, without building that list."""

    def running(k: int) -> int:
        return cum[k] - sum(w for j, w in removed if j <= k)

    if not removed:
        return bisect_right(cum, rng.random() * (cum[-1] + 0.0), 0, last)
    threshold = rng.random() * (running(len(cum) - 1) + 0.0)
    lo, hi = 0, last  # bisect_right(running sums, threshold), clamped to the last candidate
    while lo < hi:
        mid = (lo + hi) // 2
        if threshold < running(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def _cap_paths(rng: random.Random, width: int, height: int, blocked: set[Cell]) -> int:
    """Block more cells until at most ANSWER_CAP paths remain (never zero); returns the final count.

    ``f`` counts the paths from the start and ``t`` the paths from the end (``t`` is the start count of the
    grid turned by a half turn, so the paths through (x, y) are ``f[x][y] * t[W-1-x][H-1-y]``); after a
    round only the columns that the newly blocked cells can reach are recomputed.
    """
    rows = _blocked_rows(width, height, blocked)
    turned_rows = [[height - 1 - y for y in reversed(col)] for col in reversed(rows)]
    f = _column_sums(width, height, rows)
    total = f[-1][-1]
    if total == 0:
        raise Reject("no path")
    t = None
    t_first = 0
    for _ in range(width * height):
        if total <= ANSWER_CAP:
            return total
        t = _column_sums(width, height, turned_rows, t, t_first)
        through: list[int] = []  # paths through each cell, cells in (x, y) order
        for fx, tx in zip(f, reversed(t)):
            through += map(mul, fx, reversed(tx))
        # the candidates are the cells with 0 < through < total: cells on every path (through == total)
        # get weight 0 like the cells on none, and a zero weight is never drawn
        k = -1
        try:
            while True:
                k = through.index(total, k + 1)
                through[k] = 0
        except ValueError:
            pass
        cum = list(accumulate(through))
        if not cum[-1]:  # every path-carrying cell is on every path: total would be 1
            raise Reject("cannot lower the path count")
        last = len(through) - 1
        while not through[last]:
            last -= 1
        # far above the cap, block a few cells per round; their through-counts sum to less than the
        # total, so at least one path survives (paths through several of them are subtracted twice)
        batch = min(1 + int(math.log10(total / ANSWER_CAP)), _MAX_BATCH)
        removed: list[tuple[int, int]] = []
        removed_sum = 0
        lowest, highest = width, -1
        for _ in range(batch):
            i = _draw_index(rng, cum, last, removed)
            w = through[i]
            if removed_sum + w >= total:
                break
            removed_sum += w
            x, y = divmod(i, height)
            blocked.add((x, y))
            insort(rows[x], y)
            insort(turned_rows[width - 1 - x], height - 1 - y)
            lowest, highest = min(lowest, x), max(highest, x)
            removed.append((i, w))
            through[i] = 0
            if removed_sum == cum[-1]:  # no weight left
                break
        if highest >= 0:
            f = _column_sums(width, height, rows, f, lowest)
            t_first = width - 1 - highest
        else:
            t_first = width  # nothing blocked this round: both counts stand
        total = f[-1][-1]
    raise Reject("path count did not drop below the cap")


@register_family
class LogicGridworldBlocked(Family):
    name = "logic_gridworld_blocked"
    domain = "logic"
    description = "Count right/up paths across a grid that avoid blocked cells; the grid grows with the level"
    answer_type = "int"
    levels = {
        1: {"size": (5, 9)},
        2: {"size": (10, 19)},
        3: {"size": (20, 29)},
        4: {"size": (30, 39)},
        5: {"size": (40, 49)},
    }
    test_items = 60  # levels 4-5 take 15-40 ms an item; the slow suite runs 200 per level

    def generate(self, rng: random.Random, level: int) -> Problem:
        lo, hi = self.levels[level]["size"]
        width, height = rng.randint(lo, hi), rng.randint(lo, hi)
        most = (3 * width) // 2
        count = rng.randint(min(8, most), most)
        end = (width - 1, height - 1)
        blocked = sample_cells(rng, width, height, count, exclude=[(0, 0), end])
        _cap_paths(rng, width, height, blocked)
        question = rng.choice(_QUESTIONS).format(
            convention=coordinate_convention(width, height),
            tx=end[0],
            ty=end[1],
            blocked=format_cells(blocked),
        )
        return Problem(
            question=question,
            params={"width": width, "height": height, "blocked": cells_to_params(blocked)},
        )

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
        width, height = params["width"], params["height"]
        f = paths_from_start(width, height, cells_from_params(params["blocked"]))
        return f[width - 1][height - 1]

    def check(self, params: dict, answer: int) -> bool:
        width, height = params["width"], params["height"]
        blocked = cells_from_params(params["blocked"])
        if not isinstance(answer, int) or answer <= 0:
            return False
        if count_by_first_blocked_cell(width, height, blocked) != answer:
            return False
        if width * height <= DFS_MAX_CELLS:
            return count_by_enumeration(width, height, blocked, limit=answer) == answer
        return True
