"""Logic families: hand-computed cases, OMEGA weak-point regressions and many solve-vs-check items."""
from __future__ import annotations

import random
from itertools import accumulate

import pytest

from generators import registry
from generators.logic.grid_common import cells_from_params
from generators.logic.gridworld_blocked import (
    ANSWER_CAP,
    count_by_enumeration,
    _draw_index,
    count_by_first_blocked_cell,
    paths_from_start,
    paths_to_end,
)
from generators.logic.gridworld_knight_move import astar_distance, bfs_distance, leaper_steps
from generators.logic.gridworld_rookmove import fewest_moves_01bfs, fewest_moves_dp
from generators.logic.puzzles_grid_chip import (
    fill_greedily,
    max_chips_by_search,
    max_chips_formula,
    maximal_count_formula,
    maximal_counts_by_search,
)
from generators.logic.zebra_clues import clue_holds, draw_true_clue, random_solution
from generators.logic.zebra_cnf import count_models_dpll, enumerate_all
from generators.logic.zebra_solver import IncrementalRoot, SearchLimit, solve_by_propagation
from generators.settings import make_record


def _items(name: str, level: int, count: int, seed: int = 99):
    fam = registry.get_family(name)
    seen: set[str] = set()
    return [
        make_record(fam, setting_key=name, setting_name=name, axis=fam.axis, split="test", level=level,
                    seed=seed, index=i, seen=seen)
        for i in range(count)
    ]


# ---------------------------------------------------------------- logic_gridworld_blocked

def test_blocked_hand_computed_cases():
    fam = registry.get_family("logic_gridworld_blocked")
    # 3x3, centre blocked: 6 paths in all, 2*2 of them through the centre
    assert fam.solve({"width": 3, "height": 3, "blocked": [[1, 1]]}) == 2
    # 4 columns x 3 rows, nothing blocked: C(5, 2) = 10
    assert fam.solve({"width": 4, "height": 3, "blocked": []}) == 10
    # a wall (1, 0), (1, 1) leaves only paths that climb to the top row before crossing column 1
    assert fam.solve({"width": 3, "height": 3, "blocked": [[1, 0], [1, 1]]}) == 1
    # axes matter: blocking (2, 0) on a 3-wide, 2-high grid removes exactly one of the 3 paths
    assert fam.solve({"width": 3, "height": 2, "blocked": [[2, 0]]}) == 2
    assert fam.check({"width": 3, "height": 3, "blocked": [[1, 1]]}, 2)
    assert not fam.check({"width": 3, "height": 3, "blocked": [[1, 1]]}, 3)


def test_blocked_three_counting_methods_agree_on_random_grids():
    rng = random.Random(5)
    for _ in range(300):
        w, h = rng.randint(1, 7), rng.randint(1, 7)
        cells = [(x, y) for x in range(w) for y in range(h) if (x, y) not in ((0, 0), (w - 1, h - 1))]
        blocked = frozenset(rng.sample(cells, rng.randint(0, len(cells) // 2)))
        dp = paths_from_start(w, h, blocked)[w - 1][h - 1]
        assert count_by_first_blocked_cell(w, h, blocked) == dp
        assert count_by_enumeration(w, h, blocked, limit=10**6) == dp


def test_blocked_draw_index_replays_random_choices():
    """The cap loop's weighted draw (running sums over every cell, zero weights included, weights removed
    after drawing) picks the same cell and consumes the same randomness as rng.choices on the list of
    positive weights alone: the generated grids depend on it."""
    rng = random.Random(4)
    for trial in range(300):
        size = rng.randint(1, 40)
        weights = [rng.choice([0, 0, 1, rng.randint(1, 10**30)]) for _ in range(size)]
        if not any(weights):
            weights[rng.randrange(size)] = rng.randint(1, 10**20)
        positions = [k for k, w in enumerate(weights) if w]
        cum = list(accumulate(weights))
        last = positions[-1]
        seed = rng.randrange(10**9)
        mine, theirs = random.Random(seed), random.Random(seed)
        left = [weights[k] for k in positions]  # the original's candidate list
        removed = []
        for _ in range(rng.randint(1, 5)):
            if not any(left):
                break
            i = theirs.choices(range(len(left)), weights=left)[0]
            k = _draw_index(mine, cum, last, removed)
            assert k == positions[i]
            removed.append((k, weights[k]))
            left[i] = 0
        assert mine.random() == theirs.random()


def test_blocked_path_count_tables_match_a_cell_by_cell_dp():
    rng = random.Random(6)
    for _ in range(40):
        w, h = rng.randint(1, 9), rng.randint(1, 9)
        cells = [(x, y) for x in range(w) for y in range(h)]
        blocked = frozenset(rng.sample(cells, rng.randint(0, len(cells) // 2)))
        f, g = paths_from_start(w, h, blocked), paths_to_end(w, h, blocked)
        for x in range(w):
            for y in range(h):
                if (x, y) in blocked:
                    want_f = want_g = 0
                else:
                    want_f = 1 if (x, y) == (0, 0) else (f[x - 1][y] if x else 0) + (f[x][y - 1] if y else 0)
                    want_g = 1 if (x, y) == (w - 1, h - 1) else (
                        (g[x + 1][y] if x + 1 < w else 0) + (g[x][y + 1] if y + 1 < h else 0))
                assert f[x][y] == want_f and g[x][y] == want_g


def _check_blocked_records(recs, lo, hi):
    for r in recs:
        p = r.params
        assert lo <= p["width"] <= hi and lo <= p["height"] <= hi
        blocked = cells_from_params(p["blocked"])
        assert (0, 0) not in blocked and (p["width"] - 1, p["height"] - 1) not in blocked
        assert all(0 <= x < p["width"] and 0 <= y < p["height"] for x, y in blocked)
        assert 0 < r.answer <= ANSWER_CAP
        assert f"({p['width'] - 1}, {p['height'] - 1})" in r.question


@pytest.mark.parametrize("level", [1, 2, 3])
def test_blocked_200_items_per_level(level):
    lo, hi = registry.get_family("logic_gridworld_blocked").levels[level]["size"]
    _check_blocked_records(_items("logic_gridworld_blocked", level, 200), lo, hi)


@pytest.mark.parametrize("level", [4, 5])
def test_blocked_large_levels_quick(level):
    lo, hi = registry.get_family("logic_gridworld_blocked").levels[level]["size"]
    _check_blocked_records(_items("logic_gridworld_blocked", level, 15), lo, hi)


@pytest.mark.slow
@pytest.mark.parametrize("level", [4, 5])
def test_blocked_large_levels_200_items(level):
    lo, hi = registry.get_family("logic_gridworld_blocked").levels[level]["size"]
    _check_blocked_records(_items("logic_gridworld_blocked", level, 200), lo, hi)


LOGIC_FAMILIES = ["logic_gridworld_blocked", "logic_gridworld_knight_move", "logic_gridworld_rookmove",
                  "logic_puzzles_grid_chip", "logic_zebralogic"]


@pytest.mark.parametrize("name", LOGIC_FAMILIES)
def test_logic_families_are_deterministic_and_leave_global_random_alone(name):
    random.seed(321)
    expected = random.random()
    random.seed(321)
    a = [r.to_json() for r in _items(name, 3, 4, seed=3)]
    assert random.random() == expected
    b = [r.to_json() for r in _items(name, 3, 4, seed=3)]
    c = [r.to_json() for r in _items(name, 3, 4, seed=4)]
    assert a == b and a != c


# ---------------------------------------------------------------- logic_gridworld_knight_move

def test_knight_axes_not_swapped_regression():
    """OMEGA weak point #10: x must range over the W columns and y over the H rows."""
    fam = registry.get_family("logic_gridworld_knight_move")
    # 3 columns x 5 rows, (1, 4)-leaper: (0, 0) -> (1, 4) -> (2, 0) is the only way, 2 moves.
    params = {"width": 3, "height": 5, "a": 1, "b": 4, "target": [2, 0]}
    assert fam.solve(params) == 2
    assert fam.check(params, 2)
    # with the axes swapped (x < 5, y < 3) the same target is unreachable: the bug changes answers
    assert bfs_distance(5, 3, 1, 4, (2, 0)) is None
    # a knight on 4 columns x 5 rows needs 5 moves to (3, 0); on the transposed board only 3
    assert bfs_distance(4, 5, 1, 2, (3, 0)) == 5 == astar_distance(4, 5, 1, 2, (3, 0))
    assert bfs_distance(5, 4, 1, 2, (3, 0)) == 3


def test_knight_targets_lie_inside_the_stated_grid_regression():
    """OMEGA weak point #10, second half: the original could ask for a target outside the grid."""
    for level in (1, 2):
        for r in _items("logic_gridworld_knight_move", level, 100, seed=10):
            p = r.params
            tx, ty = p["target"]
            assert 0 <= tx < p["width"] and 0 <= ty < p["height"]
            assert tx >= p["width"] - 4 and ty >= p["height"] - 4
            assert f"{p['width']} columns and {p['height']} rows" in r.question
            assert f"({tx}, {ty})" in r.question
            assert r.answer == bfs_distance(p["width"], p["height"], p["a"], p["b"], (tx, ty))


def test_knight_hand_computed_and_search_agreement():
    assert len(leaper_steps(1, 2)) == 8
    # ordinary knight on 8x8 from a corner to the opposite corner: 6 moves
    assert bfs_distance(8, 8, 1, 2, (7, 7)) == 6 == astar_distance(8, 8, 1, 2, (7, 7))
    # (1, 3)-leaper keeps x + y even: (1, 0) is unreachable
    assert bfs_distance(9, 9, 1, 3, (1, 0)) is None and astar_distance(9, 9, 1, 3, (1, 0)) is None
    rng = random.Random(8)
    for _ in range(300):
        w, h = rng.randint(2, 12), rng.randint(2, 12)
        a, b = rng.choice([(1, 2), (1, 3), (2, 3), (1, 4), (3, 4), (2, 5), (1, 6)])
        t = (rng.randrange(w), rng.randrange(h))
        assert bfs_distance(w, h, a, b, t) == astar_distance(w, h, a, b, t)


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_knight_200_items_per_level(level):
    recs = _items("logic_gridworld_knight_move", level, 200)
    assert all(r.answer >= 1 for r in recs)
    assert len({r.params["a"] * 10 + r.params["b"] for r in recs}) >= 6  # the leaper set is really used


# ---------------------------------------------------------------- logic_gridworld_rookmove

def test_rook_hand_computed_cases():
    fam = registry.get_family("logic_gridworld_rookmove")
    assert fam.solve({"width": 3, "height": 3, "blocked": []}) == 2
    assert fam.solve({"width": 3, "height": 3, "blocked": [[1, 0]]}) == 2
    # up to (0, 1), right to (1, 1), up to (1, 2), right to (2, 2)
    params = {"width": 3, "height": 3, "blocked": [[1, 0], [0, 2], [2, 1]]}
    assert fam.solve(params) == 4 and fam.check(params, 4) and not fam.check(params, 3)
    assert fewest_moves_dp(3, 3, frozenset({(1, 0), (0, 1)})) is None
    assert fewest_moves_01bfs(3, 3, frozenset({(1, 0), (0, 1)})) is None


def test_rook_dp_and_01bfs_agree_on_random_grids():
    rng = random.Random(12)
    for _ in range(400):
        w, h = rng.randint(1, 9), rng.randint(1, 9)
        cells = [(x, y) for x in range(w) for y in range(h) if (x, y) not in ((0, 0), (w - 1, h - 1))]
        blocked = frozenset(rng.sample(cells, rng.randint(0, len(cells) // 2)))
        assert fewest_moves_dp(w, h, blocked) == fewest_moves_01bfs(w, h, blocked)


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_rook_200_items_per_level(level):
    fam = registry.get_family("logic_gridworld_rookmove")
    lo, hi = fam.levels[level]["size"]
    for r in _items("logic_gridworld_rookmove", level, 200):
        p = r.params
        assert lo <= p["width"] <= hi and lo <= p["height"] <= hi
        frac = len(p["blocked"]) / (p["width"] * p["height"])
        f_lo, f_hi = fam.levels[level]["blocked_fraction"]
        assert f_lo - 0.01 <= frac <= f_hi + 0.01
        assert r.answer >= 2  # start and goal differ in both coordinates


# ---------------------------------------------------------------- logic_puzzles_grid_chip

def test_grid_chip_max_chips_is_free_rows_times_free_cols_regression():
    """OMEGA weak point #9: the original added the constraint cells to free rows x free columns."""
    fam = registry.get_family("logic_puzzles_grid_chip")
    params = {"variant": "max", "side": 4, "chips": [[1, 1, "black"], [2, 2, "white"]], "target": "white"}
    # white chips fit in rows 2-4 and columns 2-4 (row 1 and column 1 hold a black chip): 3 x 3
    assert fam.solve(params) == 9
    assert fam.check(params, 9)
    assert not fam.check(params, 9 + 2)  # the original's answer (constraint cells added)
    params = {"variant": "max", "side": 5, "chips": [[1, 1, "black"], [1, 2, "black"], [3, 3, "white"]],
              "target": "black"}
    assert fam.solve(params) == 4 * 4 and fam.check(params, 16)


def test_grid_chip_count_variant_hand_computed():
    fam = registry.get_family("logic_puzzles_grid_chip")
    # rows B B W W W, columns B W W B W: 2 x 2 black + 3 x 3 white
    rows, cols = "BBWWW", "BWWBW"
    name = {"B": "black", "W": "white"}
    chips = [[r + 1, c + 1, name[rows[r]]] for r in range(5) for c in range(5)
             if rows[r] == cols[c] and (r == c or (r, c) in {(0, 3), (1, 0), (2, 1), (3, 4)})]
    params = {"variant": "count", "side": 5, "chips": sorted(chips)}
    assert fam.solve(params) == 13 and fam.check(params, 13) and not fam.check(params, 12)


def _all_valid_placements(side):
    """Every placement on a side x side grid (cell -> None/'black'/'white') obeying the two rules."""
    cells = [(r, c) for r in range(1, side + 1) for c in range(1, side + 1)]
    out = []
    for values in __import__("itertools").product((None, "black", "white"), repeat=len(cells)):
        grid = {cell: v for cell, v in zip(cells, values) if v}
        lines_ok = all(
            len({v for (r, c), v in grid.items() if (r if axis == 0 else c) == k}) <= 1
            for axis in (0, 1) for k in range(1, side + 1)
        )
        if lines_ok:
            out.append(grid)
    return out


def test_grid_chip_formulas_match_exhaustive_placements_on_3x3():
    """Enumerate all 3^9 placements: the max-chips and maximal-count formulas are what the rules imply."""
    side = 3
    placements = _all_valid_placements(side)
    valid = {frozenset(g.items()) for g in placements}

    def maximal(g):
        for r in range(1, side + 1):
            for c in range(1, side + 1):
                if (r, c) not in g:
                    for colour in ("black", "white"):
                        if frozenset({**g, (r, c): colour}.items()) in valid:
                            return False
        return True

    maximal_ones = [g for g in placements if maximal(g)]
    rng = random.Random(3)
    for _ in range(40):
        base = rng.choice(placements)
        chips = sorted([r, c, v] for (r, c), v in base.items())
        containing = [g for g in placements if all(g.get((r, c)) == v for r, c, v in chips)]
        for target in ("black", "white"):
            best = max(sum(1 for v in g.values() if v == target) for g in containing)
            assert max_chips_formula(side, chips, target) == best == max_chips_by_search(side, chips, target)
        maxi = [g for g in maximal_ones if all(g.get((r, c)) == v for r, c, v in chips)]
        assert maximal_counts_by_search(side, chips) == {len(g) for g in maxi}
    # every maximal placement has a chip in every row and column; its listed chips pin the count
    for g in maximal_ones:
        chips = sorted([r, c, v] for (r, c), v in g.items())
        assert maximal_count_formula(side, chips) == len(g) == len(fill_greedily(side, chips))


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_grid_chip_200_items_per_level(level):
    side = level + 5  # sides 6..10
    recs = _items("logic_puzzles_grid_chip", level, 200)
    variants = {r.params["variant"] for r in recs}
    assert variants == {"max", "count"}
    for r in recs:
        assert r.params["side"] == side and 0 < r.answer <= side * side
        if r.params["variant"] == "count":  # every row and column has a listed chip
            assert {c[0] for c in r.params["chips"]} == set(range(1, side + 1))
            assert {c[1] for c in r.params["chips"]} == set(range(1, side + 1))


# ---------------------------------------------------------------- logic_zebralogic

def _zebra_params(clues, item, houses=2, ask="house", **extra):
    return {"houses": houses, "categories": ["name", "pet"], "values": [["Alice", "Bob"], ["cat", "dog"]][:houses],
            "clues": clues, "item": item, "ask": ask, **extra}


def test_zebra_hand_computed_two_by_two():
    fam = registry.get_family("logic_zebralogic")
    clues = [{"type": "at", "x": [0, 0], "house": 0},  # Alice lives in house 1
             {"type": "not_same", "x": [0, 0], "y": [1, 0]}]  # Alice does not own the cat
    params = _zebra_params(clues, item=[1, 0])  # where does the cat owner live?
    assert fam.solve(params) == 2 and fam.check(params, 2) and not fam.check(params, 1)
    # which pet does Alice own? options listed as 1. cat, 2. dog
    params = _zebra_params(clues, item=[0, 0], ask="option", category=1, options=[0, 1])
    assert fam.solve(params) == 2
    params = _zebra_params(clues, item=[0, 0], ask="option", category=1, options=[1, 0])
    assert fam.solve(params) == 1
    # without the first clue the puzzle has two solutions: solve refuses it and check rejects any answer
    ambiguous = _zebra_params(clues[1:], item=[1, 0])
    with pytest.raises(ValueError):
        fam.solve(ambiguous)
    assert not fam.check(ambiguous, 1) and not fam.check(ambiguous, 2)


def _sorted_solutions(sols):
    return sorted(tuple(tuple(row) for row in s) for s in sols)


def test_zebra_three_solvers_agree_on_random_clue_sets():
    """Propagation, DPLL and plain enumeration find the same solution sets (unique or not)."""
    rng = random.Random(21)
    for _ in range(120):
        n, m = rng.choice([(2, 2), (2, 3), (3, 2), (3, 3)])
        pos = random_solution(rng, n, m)
        clues = [c for c in (draw_true_clue(rng, pos) for _ in range(rng.randint(0, 6))) if c]
        if rng.random() < 0.3:  # sometimes an arbitrary (possibly false) clue, so 0 solutions occur too
            other = random_solution(rng, n, m)
            extra = draw_true_clue(rng, other)
            if extra:
                clues.append(extra)
        want = _sorted_solutions(enumerate_all(clues, n, m, limit=10**6))
        assert _sorted_solutions(solve_by_propagation(clues, n, m, limit=10**6)) == want
        assert _sorted_solutions(count_models_dpll(clues, n, m, limit=10**6)) == want
        assert all(all(clue_holds(c, s) for c in clues) for s in enumerate_all(clues, n, m, limit=10**6))


def test_zebra_incremental_root_searches_like_a_fresh_solve():
    """Clues added one at a time to IncrementalRoot give the same solutions (in the same order) and the same
    node count as solving the whole clue list from scratch: the search budget trips at the same size."""
    rng = random.Random(8)
    for _ in range(60):
        n, m = rng.choice([(3, 3), (4, 3), (4, 4), (5, 4)])
        pos = random_solution(rng, n, m)
        state = IncrementalRoot(n, m)
        clues = []
        for _ in range(rng.randint(1, 10)):
            clue = draw_true_clue(rng, pos)
            if clue is None:
                continue
            clues.append(clue)
            state.add(clue)
            for limit in (1, 2, 3):
                assert state.solutions(limit=limit, max_nodes=10**6) == solve_by_propagation(clues, n, m, limit=limit)
            for budget in (1, 2, 5, 20):
                fresh = incremental = "ok"
                try:
                    solve_by_propagation(clues, n, m, limit=2, max_nodes=budget)
                except SearchLimit:
                    fresh = "limit"
                try:
                    state.solutions(limit=2, max_nodes=budget)
                except SearchLimit:
                    incremental = "limit"
                assert fresh == incremental


def test_zebra_generated_puzzles_are_unique_and_minimal():
    for level in (2, 3, 4):
        for r in _items("logic_zebralogic", level, 6, seed=17):
            p = r.params
            n, m = p["houses"], len(p["categories"])
            sols = count_models_dpll(p["clues"], n, m, limit=2)
            assert len(sols) == 1
            assert all(clue_holds(c, sols[0]) for c in p["clues"])
            for i in range(len(p["clues"])):  # every clue is needed
                rest = p["clues"][:i] + p["clues"][i + 1:]
                assert len(count_models_dpll(rest, n, m, limit=2)) == 2
            for i in range(1, len(p["clues"]) + 1):
                assert f"\n{i}. " in r.question
            if p["ask"] == "option":
                assert "Options:" in r.question and 1 <= r.answer <= n
            else:
                assert "which house" in r.question and 1 <= r.answer <= n


@pytest.mark.parametrize("level", [1, 2, 3])
def test_zebra_200_items_per_level(level):
    fam = registry.get_family("logic_zebralogic")
    knobs = fam.levels[level]
    recs = _items("logic_zebralogic", level, 200)
    assert {r.params["ask"] for r in recs} == {"house", "option"} or level == 1
    for r in recs:
        assert knobs["houses"][0] <= r.params["houses"] <= knobs["houses"][1]
        assert knobs["categories"][0] <= len(r.params["categories"]) <= knobs["categories"][1]


@pytest.mark.parametrize("level", [4, 5])
def test_zebra_large_levels_quick(level):
    assert len(_items("logic_zebralogic", level, 12)) == 12


@pytest.mark.slow
@pytest.mark.parametrize("level", [4, 5])
def test_zebra_large_levels_200_items(level):
    assert len(_items("logic_zebralogic", level, 200)) == 200


@pytest.mark.parametrize("name, level", [("logic_gridworld_knight_move", 1), ("logic_gridworld_knight_move", 4),
                                         ("logic_gridworld_rookmove", 1), ("logic_gridworld_rookmove", 3)])
def test_reachability_in_complete_gives_the_items_of_one_generate(name, level):
    """knight/rook test reachability in ``complete`` (only for drafts the split keeps): the items of every
    split are those of the same family doing all of its work in one ``generate``."""
    from generators.settings import SPLIT_BUCKETS

    family = registry.get_family(name)

    class Monolithic(type(family)):
        def draft(self, rng, lv):
            return type(family).complete(self, type(family).draft(self, rng, lv))

        def complete(self, problem):
            return problem

    def items(fam, split):
        seen: set[str] = set()
        return [make_record(fam, setting_key=name, setting_name=name, axis=fam.axis, split=split, level=level,
                            seed=5, index=i, bucket=SPLIT_BUCKETS[split], seen=seen).to_json() for i in range(6)]

    for split in ("train", "test_out"):
        assert items(family, split) == items(Monolithic(), split)
