"""Logic families: hand-computed cases, OMEGA weak-point regressions and many solve-vs-check items."""
from __future__ import annotations

import random

import pytest

from generators import registry
from generators.logic.grid_common import cells_from_params
from generators.logic.gridworld_blocked import (
    ANSWER_CAP,
    count_by_enumeration,
    count_by_first_blocked_cell,
    paths_from_start,
)
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


def test_blocked_same_seed_same_bytes():
    a = [r.to_json() for r in _items("logic_gridworld_blocked", 3, 5, seed=3)]
    b = [r.to_json() for r in _items("logic_gridworld_blocked", 3, 5, seed=3)]
    c = [r.to_json() for r in _items("logic_gridworld_blocked", 3, 5, seed=4)]
    assert a == b and a != c
