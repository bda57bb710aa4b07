"""arithmetic_mixed and arithmetic_list_prime_factors: known cases, ladders, regressions, 200 per level (slow)."""
from __future__ import annotations

import math
import random
from fractions import Fraction

import pytest
import sympy
from sympy.parsing.sympy_parser import parse_expr

from generators import registry
from generators.arithmetic import expression_tree as et
from generators.arithmetic.list_prime_factors import is_prime_mr
from tests.generators.kit import family_records


def _records(name: str, level: int, count: int, seed: int = 11):
    return family_records(name, level, count, seed)


# ---------------------------------------------------------------- expression trees
def test_render_keeps_meaning_for_every_operator_pair():
    ops = et.OPS
    for outer in ops:
        for inner in ops:
            for tree in ([outer, [inner, 7, 3], 2], [outer, 5, [inner, 6, -4]]):
                text = et.render(tree)
                assert sympy.Rational(parse_expr(text)) == sympy.Rational(str(et.evaluate(tree))), text


def test_render_known_texts():
    assert et.render(["-", 10, ["-", 4, 3]]) == "10 - (4 - 3)"
    assert et.render(["/", 12, ["*", 2, 3]]) == "12 / (2 * 3)"
    assert et.render(["*", ["+", 1, 2], -3]) == "(1 + 2) * (-3)"
    assert et.render(["+", ["-", 1, 2], 3]) == "1 - 2 + 3"
    assert et.evaluate(["/", 1, ["-", 2, "t"]], {"t": Fraction(1, 2)}) == Fraction(2, 3)


def test_random_trees_have_the_requested_leaves_and_no_zero_division():
    rng = random.Random(3)
    for _ in range(300):
        leaves = rng.randint(2, 12)
        tree, value = et.random_tree(rng, leaves, 150)
        assert et.count_leaves(tree) == leaves
        assert et.evaluate(tree) == value
        assert all(abs(et.get_at(tree, p)) >= 2 for p in et.leaf_paths(tree))


# ---------------------------------------------------------------- arithmetic_mixed
def test_mixed_known_cases():
    fam = registry.get_family("arithmetic_mixed")
    params = {"tree": ["/", ["+", 1, 2], 4], "definitions": [], "expression": "(1 + 2) / 4", "definition_texts": []}
    assert fam.solve(params) == "3/4"
    assert fam.check(params, "3/4") and not fam.check(params, "6/8") and not fam.check(params, "1")
    composed = {"tree": ["*", "t", -6], "definitions": [{"name": "t", "tree": ["-", 1, ["/", 1, 3]]}],
                "expression": "t * (-6)", "definition_texts": ["1 - 1 / 3"]}
    assert fam.solve(composed) == "-4" and fam.check(composed, "-4")
    # the check reads the shown text: a text that disagrees with the tree fails
    assert not fam.check(dict(composed, expression="t * 6"), "-4")


def _mixed_mean_leaves(level: int) -> float:
    """Check the records of one level and return their mean number of leaves."""
    fam = registry.get_family("arithmetic_mixed")
    lo, hi = fam.levels[level]["entropy"]
    recs = _records("arithmetic_mixed", level, 40)
    leaves = []
    for r in recs:
        value = Fraction(r.answer)
        assert r.answer == (str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}")
        assert len(str(abs(value.numerator))) + (len(str(value.denominator)) if value.denominator > 1 else 0) <= hi + 2
        assert "p/q" in r.question
        assert bool(r.params["definitions"]) == (fam.levels[level]["modules"] == (2, 2))
        leaves.append(et.count_leaves(r.params["tree"]) + sum(et.count_leaves(d["tree"]) for d in r.params["definitions"]))
    assert {r.answer_type for r in recs} == {"rational"}
    return sum(leaves) / len(leaves)


@pytest.mark.parametrize("level", range(1, 6))
def test_mixed_levels(level):
    assert _mixed_mean_leaves(level) >= 2


def test_mixed_difficulty_rises_with_level():
    mean_leaves = [_mixed_mean_leaves(level) for level in (1, 3, 5)]
    assert mean_leaves == sorted(mean_leaves) and mean_leaves[-1] > 2 * mean_leaves[0]


def test_mixed_mixes_integer_and_fraction_answers():
    answers = [r.answer for lv in (1, 3) for r in _records("arithmetic_mixed", lv, 40)]
    assert any("/" in a for a in answers) and any("/" not in a for a in answers)


# ---------------------------------------------------------------- arithmetic_list_prime_factors (weak point #17)
def test_list_prime_factors_knob_is_min_second_prime_regression():
    """OMEGA #17: the YAML key max_value really meant the minimum second-largest prime; name and honour it."""
    fam = registry.get_family("arithmetic_list_prime_factors")
    mins = [fam.levels[lv]["min_second_prime"] for lv in sorted(fam.levels)]
    assert mins == [25, 100, 200, 400, 800]
    assert all("max_value" not in knobs for knobs in fam.levels.values())
    for lv in sorted(fam.levels):
        for r in _records("arithmetic_list_prime_factors", lv, 25):
            assert r.answer >= fam.levels[lv]["min_second_prime"]


def test_list_prime_factors_known_cases():
    fam = registry.get_family("arithmetic_list_prime_factors")
    p = {"n": 2**3 * 29 * 31 * 31 * 101, "min_second_prime": 25}  # distinct primes 2, 29, 31, 101
    assert fam.solve(p) == 31
    assert fam.check(p, 31)
    assert not fam.check(p, 29)  # two primes above 29
    assert not fam.check(p, 101)  # nothing above the largest
    assert not fam.check({"n": 31 * 37 * 41, "min_second_prime": 25}, 31)
    assert not fam.check({"n": 4 * 37 * 41, "min_second_prime": 40}, 37)  # below the level's minimum
    assert fam.check({"n": 3 * 37**2 * 41**3, "min_second_prime": 25}, 37)


def test_miller_rabin_matches_sympy():
    rng = random.Random(2)
    for n in list(range(0, 3000)) + [rng.randrange(10**20) for _ in range(300)] + [3215031751, 2152302898747]:
        assert is_prime_mr(n) == sympy.isprime(n), n


@pytest.mark.parametrize("level", range(1, 6))
def test_list_prime_factors_levels(level):
    fam = registry.get_family("arithmetic_list_prime_factors")
    lo, hi = fam.levels[level]["entropy"]
    for r in _records("arithmetic_list_prime_factors", level, 30):
        n = r.params["n"]
        primes = sorted(sympy.factorint(n))
        assert len(primes) >= 2 and r.answer == primes[-2]
        assert lo - 1 <= math.log10(n) <= hi + 1
        shown = r.params.get("definition", {}).get("text")
        if shown is not None:
            assert int(parse_expr(shown)) == n and str(n) not in r.question
        else:
            assert str(n) in r.question


def test_list_prime_factors_top_level_uses_definitions():
    recs = _records("arithmetic_list_prime_factors", 5, 40)
    assert 5 <= sum("definition" in r.params for r in recs) <= 35


@pytest.mark.slow
@pytest.mark.parametrize("name", ["arithmetic_mixed", "arithmetic_list_prime_factors"])
@pytest.mark.parametrize("level", range(1, 6))
def test_arithmetic_200_per_level(name, level):
    assert len(_records(name, level, 200, seed=3)) == 200
