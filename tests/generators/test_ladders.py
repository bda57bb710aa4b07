"""Issue 16: every exploratory family's ladder climbs - a measurable difficulty proxy strictly grows with level.

Each family's docstring says what makes level L+1 harder; the proxy here measures it on drawn instances
(the median over a few items per level): search size, solution steps, answer magnitude, or the number of
pieces (components, diagonals, cells, letters). The function-analysis families are measured on their draws
(nesting depth), without the certified solve.
"""
from __future__ import annotations

import math
import random
import statistics
from fractions import Fraction

import pytest

from generators import registry
from generators.family import Reject
from generators.numbertheory.qr_sum import find_kth, search_depth


def _size(m) -> int:
    return len(m) * len(m[0])


def _digits(x) -> int:
    return len(str(abs(int(x))))


# family -> proxy(params, answer); answer is None for the families measured on draws only
PROXIES = {
    "algebra_linear_equation": lambda p, a: len(p["unknowns"]),
    "algebra_polynomial_roots": lambda p, a: len(p["coefficients"]) * 100
    + statistics.mean(abs(Fraction(r).numerator) + Fraction(r).denominator for r in p["roots"]),
    "arithmetic_gcd": lambda p, a: _digits(max(p["p"], p["q"])),
    "arithmetic_list_prime_factors": lambda p, a: _digits(p["n"]),
    "arithmetic_matrix_determinant": lambda p, a: _size(p["matrix"]),
    "arithmetic_matrix_eigenvalues": lambda p, a: _size(p["matrix"]),
    "arithmetic_matrix_inverse": lambda p, a: _size(p["matrix"]),
    "arithmetic_matrix_multiplication": lambda p, a: len(p["a"]) * len(p["a"][0]) * len(p["b"][0]),
    "arithmetic_matrix_power": lambda p, a: _size(p["matrix"]) * p["power"],
    "arithmetic_matrix_rank": lambda p, a: _size(p["matrix"]),
    "arithmetic_matrix_svd": lambda p, a: _size(p["matrix"]),
    "arithmetic_mixed": lambda p, a: len(p["expression"]) + sum(len(t) for t in p["definition_texts"]),
    "combinatory_distribution": lambda p, a: a,
    "combinatory_pattern_matching": lambda p, a: p["length"],
    "combinatory_probability_at_least_n_specific_fixed": lambda p, a: math.factorial(p["length"]),
    "combinatory_probability_exactly_n_specific_fixed": lambda p, a: math.factorial(p["length"]),
    "combinatory_probability_no_fixed_points": lambda p, a: math.factorial(p["length"]),
    "combinatory_probability_no_specific_letter_fixed": lambda p, a: math.factorial(p["length"]),
    "geometry_basic": lambda p, a: p["length"],
    "geometry_circle": lambda p, a: p["length"],
    "geometry_polygon": lambda p, a: p["length"],
    "geometry_triangle": lambda p, a: p["length"],
    "geometry_perpendicular_intersection": lambda p, a: len(p["diagonals"]) * (len(p["diagonals"]) - 1) // 2,
    "geometry_polygon_chords": lambda p, a: len(p["diagonals"]) * p["n"],
    "geometry_polygon_color": lambda p, a: len(p["colours"]) ** 2,
    "geometry_polygon_rotation": lambda p, a: len(p["diagonals"]) * p["n"],
    "logic_gridworld_blocked": lambda p, a: p["width"] * p["height"],
    "logic_gridworld_knight_move": lambda p, a: p["width"] * p["height"],
    "logic_gridworld_rookmove": lambda p, a: p["width"] * p["height"],
    "logic_puzzles_grid_chip": lambda p, a: p["side"] ** 2,
    "logic_zebralogic": lambda p, a: math.factorial(p["houses"]) ** len(p["categories"]),
    "numbertheory_lte_qr": lambda p, a: a,
    "numbertheory_ordered_lte": lambda p, a: a,
    "numbertheory_qr_sum": lambda p, a: math.log10(search_depth(p, find_kth(p))),
}
# the proxy's statistic over a level's items: the median, except where a level mixes templates of very
# different depth (qr_sum), where the mean of log10(depth) is the steadier figure
STATISTIC = {"numbertheory_qr_sum": statistics.mean}
FUNC_FAMILIES = sorted(n for n, f in registry.families().items() if f.axis == "exploratory" and n.startswith("algebra_func_"))
SLOW_DRAWS = {"geometry_basic": 4, "geometry_circle": 4, "geometry_polygon": 4, "geometry_triangle": 4,
              "geometry_polygon_rotation": 6, "logic_zebralogic": 6, "numbertheory_qr_sum": 61}


def test_every_exploratory_family_has_a_proxy():
    exploratory = {n for n, f in registry.families().items() if f.axis == "exploratory"}
    assert exploratory == set(PROXIES) | set(FUNC_FAMILIES)


def _items(fam, level: int, count: int, seed: int = 7):
    rng = random.Random(f"ladder|{fam.name}|{level}|{seed}")
    out = []
    while len(out) < count:
        try:
            problem = fam.generate(rng, level)
        except Reject:
            continue
        out.append(problem.params)
    return out


@pytest.mark.parametrize("name", sorted(PROXIES))
def test_ladder_proxy_strictly_grows(name):
    fam = registry.get_family(name)
    count = SLOW_DRAWS.get(name, 15)
    medians = []
    for level in fam.level_range:
        values = [PROXIES[name](p, fam.solve(p)) for p in _items(fam, level, count)]
        medians.append(STATISTIC.get(name, statistics.median)(values))
    assert all(a < b for a, b in zip(medians, medians[1:])), f"{name}: median proxy by level {medians}"


@pytest.mark.parametrize("name", FUNC_FAMILIES)
def test_function_ladder_nesting_grows(name):
    """Function families: level L+1 composes one more component (on draws; the certified solve is not needed)."""
    fam = registry.get_family(name)
    medians = []
    for level in fam.level_range:
        rng = random.Random(f"ladder|{name}|{level}")
        depths = []
        while len(depths) < 10:
            try:
                params = fam.draw(rng, level)
            except Reject:  # a draw may be refused (e.g. a hard case that could not be built): draw again
                continue
            depths.append(len(params["f"]) + len(params.get("g", [])))
        medians.append(statistics.median(depths))
    assert all(a < b for a, b in zip(medians, medians[1:])), f"{name}: nesting by level {medians}"


def test_every_exploratory_docstring_states_the_ladder():
    """The family's module docstring (or the shared function-family one) says what makes L+1 harder."""
    import sys

    from generators.algebra import func_family

    for name, fam in registry.families().items():
        if fam.axis != "exploratory":
            continue
        doc = (sys.modules[type(fam).__module__].__doc__ or "") + (type(fam).__doc__ or "")
        if name.startswith("algebra_func_"):
            doc += func_family.__doc__
        assert "level L+1" in doc or "Level L+1" in doc, f"{name}: the docstring does not state its ladder"
