"""algebra_linear_equation and algebra_polynomial_roots: known cases, ladders, regressions, 200 per level (slow)."""
from __future__ import annotations

import random
from fractions import Fraction

import pytest
import sympy

from generators import registry
from generators.algebra import named_constants as nc
from generators.algebra.polynomial_roots import poly_from_roots, render_polynomial, second_largest_answer
from tests.generators.kit import family_records


def _records(name: str, level: int, count: int, seed: int = 11):
    return family_records(name, level, count, seed)


# ---------------------------------------------------------------- named constants (composed modules)
def test_definitions_evaluate_to_their_value_both_ways():
    rng = random.Random(4)
    kinds = set()
    for _ in range(200):
        value = rng.randint(-500, 500)
        d = nc.define_constant(rng, rng.choice("abcdk"), value)
        kinds.add(d["kind"])
        assert d["value"] == value == nc.value_from_text(d)
        assert d["text"] in nc.sentence(d)
    assert kinds == {"expr", "equation"}


# ---------------------------------------------------------------- algebra_linear_equation
def test_linear_equation_known_case():
    fam = registry.get_family("algebra_linear_equation")
    # x + y = 5, x - y = 1  ->  x = 3, y = 2 ; the second equation is shown as "x = y + 1"
    params = {"matrix": [[1, 1], [1, -1]], "rhs": [5, 1], "unknowns": ["x", "y"], "ask": 1,
              "equations": ["x + y = 5", "x = y + 1"], "definitions": []}
    assert fam.solve(params) == 2
    assert fam.check(params, 2) and not fam.check(params, 3)
    named = dict(params, equations=["x + y = k", "x = y + 1"],
                 definitions=[{"name": "k", "kind": "equation", "text": "2*k - 3 = 7", "value": 5}])
    assert fam.check(named, 2)
    assert not fam.check(dict(named, equations=["x + y = k", "x = y - 1"]), 2)  # text disagrees


@pytest.mark.parametrize("level", range(1, 6))
def test_linear_equation_levels(level):
    fam = registry.get_family("algebra_linear_equation")
    knobs = fam.levels[level]
    recs = _records("algebra_linear_equation", level, 25)
    for r in recs:
        p = r.params
        k = knobs["unknowns"]
        assert len(p["unknowns"]) == k == len(p["equations"]) and sympy.Matrix(p["matrix"]).det() != 0
        assert max(abs(c) for row in p["matrix"] for c in row) <= knobs["max_abs_coefficient"]
        assert abs(r.answer) <= knobs["max_abs_solution"]
        lo, hi = knobs["modules"]
        assert len(p["definitions"]) <= hi - 1
        names = {d["name"] for d in p["definitions"]}
        assert not names & set(p["unknowns"])
        for d in p["definitions"]:
            assert nc.sentence(d) in r.question
        # substituting the full solution back satisfies every shown equation
        sol = sympy.Matrix(p["matrix"]).LUsolve(sympy.Matrix(p["rhs"]))
        env = {u: v for u, v in zip(p["unknowns"], sol)}
        env.update({d["name"]: d["value"] for d in p["definitions"]})
        for eq in p["equations"]:
            lhs, rhs = eq.split("=")
            assert sympy.sympify(lhs, locals=env) == sympy.sympify(rhs, locals=env)
        assert sol[p["ask"]] == r.answer
    if knobs["modules"][0] >= 2:
        assert all(r.params["definitions"] for r in recs)


# ---------------------------------------------------------------- algebra_polynomial_roots (weak point #17)
def test_polynomial_helpers_known_cases():
    roots = [Fraction(1, 2), Fraction(-3), Fraction(1, 2), Fraction(2, 3)]
    assert second_largest_answer(roots) == 1 + 2  # distinct: 2/3 > 1/2 > -3 -> 1/2
    assert second_largest_answer([Fraction(-3, 4), Fraction(5), Fraction(5)]) == -3 + 4
    coeffs = poly_from_roots([Fraction(1, 2), Fraction(-3)], Fraction(2))  # 2(2x - 1)(x + 3) = 4x^2 + 10x - 6
    assert coeffs == [4, 10, -6]
    assert render_polynomial([Fraction(3, 2), -1, 0, "k"], "x") == "(3/2)*x^3 - x^2 + k"
    assert render_polynomial([-1, Fraction(-1, 3), 5], "t") == "-t^2 - (1/3)*t + 5"


def test_polynomial_roots_known_case():
    fam = registry.get_family("algebra_polynomial_roots")
    params = {"variable": "x", "equation": "6*x^3 - 5*x^2 - 2*x + 1 = 0", "definitions": [],
              "coefficients": [6, -5, -2, 1], "roots": ["1/3", "-1/2", 1], "scale": 1}
    # (3x - 1)(2x + 1)(x - 1) = 6x^3 - 5x^2 - 2x + 1; distinct roots 1 > 1/3 > -1/2
    assert fam.solve(params) == 1 + 3
    assert fam.check(params, 4) and not fam.check(params, 3)
    assert not fam.check(dict(params, equation="6*x^3 - 5*x^2 - 2*x + 2 = 0"), 4)


@pytest.mark.parametrize("level", range(1, 6))
def test_polynomial_roots_all_levels_produce_problems_regression(level):
    """OMEGA #17: with 2-3 composed modules the original produced 0 problems at levels 2-5."""
    fam = registry.get_family("algebra_polynomial_roots")
    knobs = fam.levels[level]
    recs = _records("algebra_polynomial_roots", level, 25)
    assert len(recs) == 25
    composed = 0
    for r in recs:
        p = r.params
        roots = [Fraction(x) for x in p["roots"]]
        assert len(roots) == knobs["degree"] and len(set(roots)) >= 2
        x = sympy.Symbol("x")
        found = sympy.roots(sympy.Poly([sympy.Rational(c) for c in p["coefficients"]], x))
        assert sorted(found) == sorted(set(sympy.Rational(str(q)) for q in roots))
        distinct = sorted(set(roots), reverse=True)
        assert r.answer == distinct[1].numerator + distinct[1].denominator
        composed += bool(p["definitions"]) or not p["equation"].endswith("= 0")
    if knobs["modules"][0] >= 2:
        assert composed == len(recs)  # every item really has its extra module(s)
    else:
        assert composed == 0


def test_polynomial_roots_are_mostly_non_integer():
    roots = [Fraction(x) for r in _records("algebra_polynomial_roots", 3, 40) for x in r.params["roots"]]
    share = sum(q.denominator > 1 for q in roots) / len(roots)
    assert 0.75 <= share <= 1


def test_polynomial_roots_difficulty_rises_with_level():
    def mean_digits(level):
        recs = _records("algebra_polynomial_roots", level, 20)
        return sum(len(str(abs(Fraction(c).numerator))) for r in recs for c in r.params["coefficients"]) / len(recs)

    d = [mean_digits(lv) for lv in (1, 3, 5)]
    assert d == sorted(d) and d[2] > 3 * d[0]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["algebra_linear_equation", "algebra_polynomial_roots"])
@pytest.mark.parametrize("level", range(1, 6))
def test_algebra_200_per_level(name, level):
    assert len(_records(name, level, 200, seed=3)) == 200
