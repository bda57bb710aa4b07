"""Function-analysis families: certified solve vs independent scan, known cases, regressions of OMEGA bugs."""
from __future__ import annotations

import random
import re
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp
from sympy.parsing.sympy_parser import implicit_multiplication_application, parse_expr, standard_transformations

from generators import registry
from generators.algebra import func_scan as scan
from generators.algebra.func_exact import exact_slopes, exact_zero_count
from generators.algebra.func_extrema import extrema
from generators.algebra.func_family import COMPONENT_LADDER, rounded
from generators.algebra.func_interval import enclose
from generators.algebra.func_model import X, chain_expr, draw_chain, render_chain, validate_chain
from generators.algebra.func_roots import Uncertain, analyze
from generators.family import Reject
from generators.settings import make_record

FAMILIES = (
    "algebra_func_zeros", "algebra_func_intersection", "algebra_func_intersection_coords", "algebra_func_extrema",
    "algebra_func_extrema_coords", "algebra_func_derivative_sign", "algebra_func_area", "algebra_func_integral",
)


def lin(a, b):
    return {"kind": "lin", "a": a, "b": b}


def quad(a, b, c):
    return {"kind": "quad", "a": a, "b": b, "c": c}


def absc(a, b, c):
    return {"kind": "abs", "a": a, "b": b, "c": c}


def rat(a, b, c, d):
    return {"kind": "rat", "a": a, "b": b, "c": c, "d": d}


def sin(a, b, c, d):
    return {"kind": "sin", "a": a, "b": b, "c": c, "d": d}


def fam(name):
    return registry.get_family(name)


def solve_and_check(name, params):
    f = fam(name)
    ans = f.compute(dict(params))
    assert f.check(dict(params), ans)
    return ans


def records(name, level, n, seed=11):
    f = fam(name)
    seen: set[str] = set()
    return [make_record(f, setting_key=name, setting_name=name, axis="exploratory", split="test", level=level,
                        seed=seed, index=i, seen=seen) for i in range(n)]


# ---------------------------------------------------------------- contract and ladder

def test_all_eight_families_registered_exploratory_algebra():
    for name in FAMILIES:
        f = fam(name)
        assert f.axis == "exploratory" and f.domain == "algebra"
        assert sorted(f.levels) == [1, 2, 3, 4, 5]
        assert [f.levels[lv]["components"] for lv in range(1, 6)] == [2, 3, 4, 5, 6]


@pytest.mark.parametrize("name", ["algebra_func_intersection", "algebra_func_intersection_coords", "algebra_func_area"])
def test_intersection_coords_level_fallback_regression(name):
    # the original fell back to a linear-vs-quadratic pair regardless of level; here depth always follows the ladder
    for lv in (1, 3):
        for r in records(name, lv, 2):
            assert len(r.params["f"]) == COMPONENT_LADDER[lv]
            assert len(r.params["g"]) == COMPONENT_LADDER[lv] - 1


def test_same_seed_same_records():
    a = [r.to_json() for r in records("algebra_func_zeros", 2, 3, seed=5)]
    b = [r.to_json() for r in records("algebra_func_zeros", 2, 3, seed=5)]
    assert a == b


# ---------------------------------------------------------------- rendering and model

_TRANSFORMS = standard_transformations + (implicit_multiplication_application,)


def _latex_to_sympy(tex: str) -> sp.Expr:
    s = tex
    while "\\frac{" in s:  # innermost-last: replace the first \frac{A}{B} whose groups we can match
        i = s.index("\\frac{")
        j, depth = i + 6, 1
        while depth:
            depth += {"{": 1, "}": -1}.get(s[j], 0)
            j += 1
        k, depth = j + 1, 1
        while depth:
            depth += {"{": 1, "}": -1}.get(s[k], 0)
            k += 1
        s = s[:i] + "((" + s[i + 6:j - 1] + ")/(" + s[j + 1:k - 1] + "))" + s[k:]
    s = s.replace("\\left|", "Abs(").replace("\\right|", ")").replace("\\left(", "(").replace("\\right)", ")")
    s = s.replace("\\sin", "sin").replace("\\cos", "cos").replace("\\pi", "pi ")
    s = re.sub(r"e\^\{", "exp(", s)  # exponent groups are the only remaining braces besides ^{2}
    s = s.replace("^{2}", "**2").replace("}", ")").replace("{", "(")
    return parse_expr(s, local_dict={"x": X, "pi": sp.pi}, transformations=_TRANSFORMS)


def test_rendered_formula_is_the_function():
    rng = random.Random(3)
    for _ in range(150):
        ch = draw_chain(rng, rng.randint(1, 4))
        validate_chain(ch)
        parsed = _latex_to_sympy(render_chain(ch))
        exact = chain_expr(ch)
        for t in (-2.3, 0.7, 4.1):
            want, got = exact.subs(X, t).evalf(30), parsed.subs(X, t).evalf(30)
            if want.is_finite and abs(want) < 1e12:
                assert abs(want - got) <= 1e-12 * (1 + abs(want)), (render_chain(ch), t)


def test_interval_enclosures_contain_sampled_values_and_derivatives():
    rng = random.Random(9)
    for _ in range(80):
        ch = draw_chain(rng, rng.randint(1, 4))
        e = chain_expr(ch)
        d1 = sp.diff(e, X)
        fs = [sp.lambdify(X, q, "mpmath") for q in (e, d1)]
        a = rng.uniform(-10, 10)
        b = a + 10 ** rng.uniform(-5, 0)
        jet = enclose(ch, np.array([a]), np.array([b]))
        for t in np.linspace(a, b, 5):
            for f, encl in zip(fs, jet):
                try:
                    v = float(f(t))
                except (ZeroDivisionError, ValueError):
                    continue
                if np.isfinite(v):
                    assert encl[0][0] - 1e-9 * abs(v) <= v <= encl[1][0] + 1e-9 * abs(v)


# ---------------------------------------------------------------- regressions of the original's numeric failures

def test_corner_extrema_counted_regression():
    # the original never counted |.| corners: 2|x-1|+3 gave no extremum
    res = analyze([[absc(2, 1, 3)]], (1,), -10, 10, zeros=False, crits=True)
    assert [k for _, k in extrema(res)] == ["min"]
    # |x^2 - 4|: corner minima at -2 and 2, a smooth maximum at 0
    params = {"f": [quad(1, 0, -4), absc(1, 0, 0)], "lo": -10, "hi": 10, "level": 1}
    assert solve_and_check("algebra_func_extrema", {**params, "ask": "extrema"}) == 3
    assert solve_and_check("algebra_func_extrema", {**params, "ask": "minima"}) == 2
    assert solve_and_check("algebra_func_extrema_coords", {**params, "ask": "rightmost_min"}) == "2.00"
    assert solve_and_check("algebra_func_extrema_coords", {**params, "ask": "leftmost_ext"}) == "-2.00"


def test_endpoint_zeros_counted_regression():
    # sin(3 pi x) on [-10, 10]: the original found 59 instead of 61 (zeros at +-10 missed)
    ch = [sin(1, 3, 0, 0)]
    res = analyze([ch], (1,), -10, 10)
    assert res.zero_at_lo and res.zero_at_hi and res.zero_count() == 61
    assert len(scan.zero_positions(scan.scan([ch], (1,), -10, 10, 2.5e-4))) == 61
    # through the family: sin(pi x) has 21 zeros on [-10, 10], both ends included
    params = {"f": [sin(1, 1, 0, 0)], "lo": -10, "hi": 10, "level": 1}
    assert solve_and_check("algebra_func_zeros", params) == 21


def test_derivative_sign_aliasing_regression():
    # f' of sin(3 pi x) changes sign 60 times; 200 samples alias. f' > 0 on 31 intervals, < 0 on 30.
    params = {"f": [sin(1, 3, 0, 0)], "lo": -10, "hi": 10, "level": 1}
    assert solve_and_check("algebra_func_derivative_sign", {**params, "ask": "increasing"}) == 31
    assert solve_and_check("algebra_func_derivative_sign", {**params, "ask": "decreasing"}) == 30


def test_derivative_sign_poles_split_intervals_regression():
    # 1/x + 1/(x-3)-style poles must split intervals (the original merged across them); f = 1/x: f' < 0 on 2
    res = analyze([[rat(0, 1, 1, 0)]], (1,), -10, 10, zeros=False, crits=True)
    assert res.slopes == [-1, -1] and [b.kind for b in res.events] == ["pole"]
    f = [lin(1, 0), rat(0, 1, 1, 0), lin(1, 0), rat(1, 0, 1, -3)]  # t = 1/x, then t/(t-3): poles at 0 and 1/3
    params = {"f": f, "lo": -10, "hi": 10, "level": 1, "ask": "increasing"}
    assert solve_and_check("algebra_func_derivative_sign", params) == 3


def test_roots_not_merged_by_two_decimal_rounding_regression():
    # the original rounded roots to 2 dp before de-duplicating: roots 0 and 0.0016 became one
    ch = [lin(5, 0), lin(5, 0), lin(5, 0), lin(5, 0), quad(1, -1, 0)]  # (625x)^2 - 625x
    res = analyze([ch], (1,), -10, 10)
    assert res.zero_count() == 2
    assert len(scan.zero_positions(scan.scan([ch], (1,), -10, 10, 2.5e-4))) == 2


def test_tangency_is_rejected_not_guessed():
    with pytest.raises(Uncertain):
        analyze([[quad(1, -2, 1)]], (1,), -10, 10)  # (x-1)^2: a double root
    with pytest.raises(Uncertain):
        analyze([[absc(1, 2, 0)]], (1,), -10, 10)  # |x-2|: a zero on the corner


def test_area_never_uses_placeholder_regression():
    # the original silently answered 5.0 when quadrature failed; here a pole inside [a, b] is rejected
    f = fam("algebra_func_area")
    params = {"f": [rat(0, 1, 1, 0), lin(1, 0)], "g": [lin(1, 0)], "a": -1, "b": 1, "level": 1}
    with pytest.raises((Uncertain, Reject)):
        f.compute(params)
    # known value: area between x^2 and x over [-1, 2] is 11/6
    params = {"f": [quad(1, 0, 0), lin(1, 0)], "g": [lin(1, 0)], "a": -1, "b": 2, "level": 1}
    assert solve_and_check("algebra_func_area", params) == "1.83"


def test_coordinates_stored_at_asked_precision_regression():
    # the original stored 4 dp while asking 2 dp; x^2 - 3 = x at (1 -+ sqrt 13)/2
    params = {"f": [quad(1, 0, -3)], "g": [lin(1, 0)], "lo": -10, "hi": 10, "level": 1}
    assert solve_and_check("algebra_func_intersection_coords", {**params, "ask": "leftmost"}) == "-1.30"
    assert solve_and_check("algebra_func_intersection_coords", {**params, "ask": "rightmost"}) == "2.30"
    assert solve_and_check("algebra_func_intersection_coords", {**params, "ask": "sum"}) == "1.00"
    for r in records("algebra_func_intersection_coords", 1, 3) + records("algebra_func_extrema_coords", 1, 3):
        assert re.fullmatch(r"-?\d+\.\d\d", r.ground_truth) and r.answer_type == "decimal:2"
        assert "2 decimal places" in r.question


def test_absent_extremum_kind_rejects_instead_of_looping_regression():
    # the original's `while not extrema` could spin forever; an absent kind is a bounded Reject
    with pytest.raises(Reject):
        fam("algebra_func_extrema_coords").compute(
            {"f": [quad(1, 0, 0), lin(1, 0)], "lo": -10, "hi": 10, "level": 1, "ask": "leftmost_max"})


def test_rounding_boundary_rejected():
    with pytest.raises(Reject):
        rounded(Fraction(1, 200))
    assert rounded(Fraction(1, 3)) == "0.33"


# ---------------------------------------------------------------- hand-computed cases

def test_known_integral_and_counts():
    # integral of |x| from -2 to 3 = 2 + 4.5
    assert solve_and_check("algebra_func_integral", {"f": [absc(1, 0, 0), lin(1, 0)], "a": -2, "b": 3,
                                                     "level": 1}) == "6.50"
    # integral of e^x from 0 to 1 = e - 1 (mpmath.quad path)
    ch = [{"kind": "exp", "a": 1, "b": 1, "c": 0}, lin(1, 0)]
    assert solve_and_check("algebra_func_integral", {"f": ch, "a": 0, "b": 1, "level": 1}) == "1.72"
    # x^2 - 4 and 2x - 1 meet where x^2 - 2x - 3 = 0: x = -1, 3
    assert solve_and_check("algebra_func_intersection", {"f": [quad(1, 0, -4)], "g": [lin(2, -1)], "lo": -10,
                                                         "hi": 10, "level": 1}) == 2
    # 2 sin(pi x) = x: x = 0 and one root in each of (0.5, 1) and (-1, -0.5); none for |x| > 1
    assert solve_and_check("algebra_func_intersection", {"f": [sin(2, 1, 0, 0)], "g": [lin(1, 0)],
                                                         "lo": -10, "hi": 10, "level": 1}) == 3


def test_certified_analysis_agrees_with_scan_on_random_chains():
    rng = random.Random(21)
    agreed = 0
    for _ in range(60):
        ch = draw_chain(rng, rng.randint(2, 5))
        try:
            res = analyze([ch], (1,), -10, 10, zeros=True, crits=True)
        except Uncertain:
            continue
        sc = scan.scan([ch], (1,), -10, 10, 2.5e-4)
        assert len(scan.zero_positions(sc)) == res.zero_count()
        assert len(scan.extremum_cells(sc)) == len(extrema(res))
        assert scan.monotone_runs(sc, 1) == sum(1 for s in res.slopes if s > 0)
        agreed += 1
    assert agreed >= 30


def test_exact_sympy_count_agrees_with_interval_count_on_rational_chains():
    rng = random.Random(8)
    compared = 0
    for _ in range(40):
        f, g = draw_chain(rng, rng.randint(2, 4), 0.0), draw_chain(rng, rng.randint(1, 3), 0.0)
        for chains, signs in (([f], (1,)), ([f, g], (1, -1))):
            try:
                res = analyze(chains, signs, -10, 10)
            except Uncertain:
                continue
            assert exact_zero_count(chains, signs, res.breaks, -10, 10) == res.zero_count()
            compared += 1
    assert compared >= 30


def test_exact_sympy_slopes_agree_with_interval_slopes_on_rational_chains():
    rng = random.Random(12)
    compared = 0
    for _ in range(40):
        f = draw_chain(rng, rng.randint(2, 4), 0.0)
        try:
            res = analyze([f], (1,), -10, 10, zeros=False, crits=True)
        except Uncertain:
            continue
        assert exact_slopes(f, res.breaks, -10, 10) == res.slopes
        compared += 1
    assert compared >= 20
    # rational critical points that sympy isolates exactly (x = -1, -5/6, -2/3): no false 'flat point'
    f = [quad(-3, -5, -3), quad(2, 4, 5)]
    res = analyze([f], (1,), -10, 10, zeros=False, crits=True)
    assert exact_slopes(f, res.breaks, -10, 10) == res.slopes == [-1, 1, -1, 1]


# ---------------------------------------------------------------- volume: >= 100 items per (family, level)
# (the default run gets 3 items per level from tests/generators/test_all_families.py via ``test_items``)

@pytest.mark.slow
@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("name", FAMILIES)
def test_hundred_items_per_level_solve_agrees_with_check(name, level):
    recs = records(name, level, 100, seed=2025)  # make_record raises VerificationError on any disagreement
    assert len({r.id for r in recs}) == 100
    f = fam(name)
    for r in recs:
        if f.answer_type == "int":
            knobs = f.levels[level]
            assert knobs["min_count"] <= r.answer <= knobs["max_count"]
        else:
            assert re.fullmatch(r"-?\d+\.\d\d", r.answer)
