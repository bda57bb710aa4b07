"""Matrix families: exact answers against independent sympy/numpy recomputation, level ladders, regressions."""
from __future__ import annotations

import random

import numpy as np
import pytest
import sympy

from generators import registry
from generators.arithmetic import matrix_common as mc
from generators.family import Reject
from tests.generators.kit import family_records


def _records(name: str, level: int, count: int, seed: int = 11):
    return family_records(name, level, count, seed)


# ---------------------------------------------------------------- shared helpers
def test_exact_helpers_agree_with_sympy_on_random_matrices():
    rng = random.Random(5)
    for _ in range(150):
        n = rng.randint(1, 7)
        m = mc.random_square(rng, n, rng.choice([1, 3, 30]), rng.choice(mc.MATRIX_KINDS))
        sm = sympy.Matrix(m)
        det = mc.bareiss_det(m)
        assert det == sm.det()
        assert mc.exact_rank(m) == sm.rank()
        p = rng.randint(1, 5)
        assert sympy.Matrix(mc.mat_pow(m, p)) == sm**p
        if det:
            assert sympy.Matrix(mc.fraction_inverse(m)) == sm.inv()
            x, d = mc.fraction_free_adjugate(m)
            assert abs(d) == abs(det)
            assert mc.mat_mul(m, x) == [[d * (i == j) for j in range(n)] for i in range(n)]


def test_matrix_kinds_have_their_shape():
    rng = random.Random(1)
    sym = mc.random_square(rng, 6, 9, "symmetric")
    upper = mc.random_square(rng, 6, 9, "upper_triangular")
    assert all(sym[i][j] == sym[j][i] for i in range(6) for j in range(6))
    assert all(upper[i][j] == 0 for i in range(6) for j in range(i))
    with pytest.raises(ValueError):
        mc.random_square(rng, 3, 3, "diagonal")


def test_nearest_int_rejects_halves_and_rounds_the_rest():
    from fractions import Fraction

    assert mc.nearest_int_or_reject(Fraction(7, 3)) == 2
    assert mc.nearest_int_or_reject(Fraction(-8, 3)) == -3
    for half in (Fraction(5, 2), Fraction(-5, 2), Fraction(10**12 + 1, 2 * 10**12) + 3):
        with pytest.raises(Reject):
            mc.nearest_int_or_reject(half)


# ---------------------------------------------------------------- determinant (weak point #7)
def test_determinant_known_cases():
    fam = registry.get_family("arithmetic_matrix_determinant")
    assert fam.solve({"matrix": [[2, 0, 0], [0, 3, 0], [0, 0, 5]], "modulus": 1000}) == 30
    assert fam.solve({"matrix": [[1, 2], [3, 4]], "modulus": 1000}) == 998  # det -2
    big = [[10**4 if i == j else 0 for j in range(3)] for i in range(3)]
    assert fam.solve({"matrix": big, "modulus": 1000}) == 0
    assert fam.check({"matrix": [[1, 2], [3, 4]], "modulus": 1000}, 998)
    assert not fam.check({"matrix": [[1, 2], [3, 4]], "modulus": 1000}, 2)


@pytest.mark.parametrize("level", [6, 7])
def test_determinant_exact_at_level_6_and_7_regression(level):
    """OMEGA #7: a float determinant mod 1000 is wrong on most large items; ours must equal sympy's exact det."""
    recs = _records("arithmetic_matrix_determinant", level, 40)
    float_wrong = 0
    for r in recs:
        m = r.params["matrix"]
        exact = int(sympy.Matrix(m).det(method="bareiss"))
        assert exact != 0
        assert r.answer == exact % 1000
        float_wrong += int(round(np.linalg.det(np.array(m, dtype=float)))) % 1000 != r.answer
    # the regression is real: float64 would have got a good share of these wrong
    assert float_wrong >= 5


@pytest.mark.parametrize("level", range(1, 8))
def test_determinant_levels_follow_the_ladder(level):
    fam = registry.get_family("arithmetic_matrix_determinant")
    knobs = fam.levels[level]
    recs = _records("arithmetic_matrix_determinant", level, 30)
    kinds = set()
    for r in recs:
        m = r.params["matrix"]
        assert len(m) == knobs["n"] and all(len(row) == knobs["n"] for row in m)
        assert max(abs(x) for row in m for x in row) <= knobs["max_abs_entry"]
        assert 0 <= r.answer < 1000 and "1000" in r.question
        kinds.add(r.params["matrix_kind"])
    assert kinds <= set(knobs["matrix_kinds"]) and "plain" in kinds


@pytest.mark.slow
@pytest.mark.parametrize("level", range(1, 8))
def test_determinant_200_per_level(level):
    assert len(_records("arithmetic_matrix_determinant", level, 200, seed=3)) == 200


# ---------------------------------------------------------------- inverse (weak point #18)
def test_inverse_known_case():
    fam = registry.get_family("arithmetic_matrix_inverse")
    # A = [[2, 1], [1, 1]], A^-1 = [[1, -1], [-1, 2]]; with s = 3 the scaled inverse is [[3, -3], [-3, 6]]
    base = {"matrix": [[2, 1], [1, 1]], "scale": 3}
    expected = {"sum": 3, "abs_sum": 15, "trace": 9, "max_abs_entry": 6}
    for stat, value in expected.items():
        params = dict(base, statistic=stat)
        assert fam.solve(params) == value and fam.check(params, value) and not fam.check(params, value + 1)
    params = dict(base, statistic="entry", row=0, col=1)
    assert fam.solve(params) == -3
    # s = 1: A^-1 of [[4, 1], [2, 1]] is [[1/2, -1/2], [-1, 2]]: entry (1,1) is 0.5 exactly - a rounding tie
    assert mc.fraction_inverse([[4, 1], [2, 1]])[0][0] == sympy.Rational(1, 2)


@pytest.mark.parametrize("level", [1, 4, 7])
def test_inverse_answers_are_exact_and_far_from_half_regression(level):
    """OMEGA #18: rounding a float inverse near .5 is fragile; ours rounds the exact value, never near .5."""
    from fractions import Fraction

    recs = _records("arithmetic_matrix_inverse", level, 25)
    for r in recs:
        p = r.params
        inv = sympy.Matrix(p["matrix"]).inv() * p["scale"]
        value = {
            "sum": sum(inv),
            "abs_sum": sum(abs(x) for x in inv),
            "trace": inv.trace(),
            "max_abs_entry": max(inv, key=abs),
            "entry": inv[p.get("row", 0), p.get("col", 0)],
        }[p["statistic"]]
        exact = Fraction(int(value.p), int(value.q))
        assert abs(exact - r.answer) < Fraction(1, 2) - Fraction(1, 10**9)
        assert str(p["scale"]) in r.question and "nearest integer" in r.question
    assert len({r.params["statistic"] for r in recs}) >= 3


# ---------------------------------------------------------------- eigenvalues and SVD (weak point #18)
def _mp50(values_fn, m):
    import mpmath

    ctx = mpmath.MPContext()
    ctx.dps = 50
    return values_fn(ctx, ctx.matrix(m))


@pytest.mark.parametrize("level", [1, 5, 7])
def test_eigenvalue_answers_match_50_digit_values_and_avoid_half(level):
    from generators.arithmetic.matrix_spectral import eigen_quantity

    for r in _records("arithmetic_matrix_eigenvalues", level, 15):
        m = r.params["matrix"]
        assert all(m[i][j] == m[j][i] for i in range(len(m)) for j in range(len(m)))
        vals = _mp50(lambda ctx, a: list(ctx.eigsy(a, eigvals_only=True)), m)
        q = eigen_quantity(vals, r.params["quantity"])
        assert abs(q - r.answer) < 0.5 - 1e-9


@pytest.mark.parametrize("level", [1, 5, 7])
def test_svd_answers_match_50_digit_values_and_avoid_half(level):
    from generators.arithmetic.matrix_spectral import singular_quantity

    for r in _records("arithmetic_matrix_svd", level, 15):
        vals = _mp50(lambda ctx, a: [abs(x) for x in ctx.svd_r(a, compute_uv=False)], r.params["matrix"])
        q = singular_quantity(vals, r.params["quantity"])
        assert abs(q - r.answer) < 0.5 - 1e-9


def test_spectral_known_cases():
    eig = registry.get_family("arithmetic_matrix_eigenvalues")
    svd = registry.get_family("arithmetic_matrix_svd")
    m = [[2, 1], [1, 2]]  # eigenvalues 1 and 3
    assert [eig.solve({"matrix": m, "quantity": q}) for q in ("max_abs", "abs_sum", "largest", "smallest", "spread")] == [3, 4, 3, 1, 2]
    m = [[0, 4], [-6, 0]]  # singular values 6 and 4
    assert [svd.solve({"matrix": m, "quantity": q}) for q in ("largest", "sum", "spread")] == [6, 10, 2]
    assert svd.check({"matrix": m, "quantity": "sum"}, 10) and not svd.check({"matrix": m, "quantity": "sum"}, 11)
    # a non-symmetric matrix is refused by the eigenvalue check
    assert not eig.check({"matrix": [[1, 2], [3, 4]], "quantity": "largest"}, 5)


def test_certified_spectral_route_agrees_with_mpmath_on_hard_spectra():
    """solve's arb route (charpoly + rigorous root isolation) against the 30-digit mpmath route, on matrices
    with repeated eigenvalues, zero singular values and a rectangular shape; a .5 value is refused."""
    import random

    from flint import arb
    from generators.arithmetic import matrix_spectral as sp

    rng = random.Random(18)
    cases = [[[2, 0, 0], [0, 2, 0], [0, 0, 5]], [[1, 1], [1, 1]], [[0, 0], [0, 0]], [[3, -1, 4], [3, -1, 4]]]
    for _ in range(60):
        n = rng.randint(2, 6)
        m = [[rng.randint(-9, 9) for _ in range(n)] for _ in range(n)]
        cases.append([[m[i][j] + m[j][i] for j in range(n)] for i in range(n)])
        cases.append(m[:-1] + [list(m[0])])  # singular
    for m in cases:
        square = len(m) == len(m[0])
        if square and all(m[i][j] == m[j][i] for i in range(len(m)) for j in range(len(m))):
            for q in ("max_abs", "abs_sum", "largest", "smallest", "spread"):
                exact = sp.eigen_quantity(sp.mp_symmetric_eigenvalues(m), q)
                got = sp.round_ball(lambda x: sp.arb_eigen_quantity(sp.arb_symmetric_eigenvalues(x), q), m)
                assert got == round(exact), (m, q)
        for q in ("largest", "sum", "spread"):
            exact = sp.singular_quantity(sp.mp_singular_values(m), q)
            if sp.float_near_half(float(exact)):
                continue
            got = sp.round_ball(lambda x: sp.arb_singular_quantity(sp.arb_singular_values(x), q), m)
            assert got == round(exact), (m, q)
    assert len(sp.arb_singular_values([[3, -1, 4], [3, -1, 4]])) == 2
    with pytest.raises(ArithmeticError):
        sp.round_ball(lambda x: arb(x) / 2, 5)


def test_float_screen_margin():
    from generators.arithmetic.matrix_spectral import float_near_half, mp_to_fraction
    import mpmath

    assert float_near_half(2.5000001) and float_near_half(-7.4999999) and not float_near_half(2.49)
    assert mp_to_fraction(mpmath.mpf(-2.5)) == sympy.Rational(-5, 2)


# ---------------------------------------------------------------- multiplication and power
def test_multiplication_and_power_known_cases():
    mul = registry.get_family("arithmetic_matrix_multiplication")
    a, b = [[1, 2], [3, 4]], [[5, 6], [7, 8]]  # AB = [[19, 22], [43, 50]]
    for stat, value in {"sum": 134, "abs_sum": 134, "trace": 69}.items():
        assert mul.solve({"a": a, "b": b, "statistic": stat}) == value
    assert mul.solve({"a": a, "b": b, "statistic": "entry", "row": 1, "col": 0}) == 43
    assert not mul.check({"a": a, "b": b, "statistic": "sum"}, 133)
    pw = registry.get_family("arithmetic_matrix_power")
    fib = [[1, 1], [1, 0]]  # Fibonacci: A^10 = [[89, 55], [55, 34]]
    assert pw.solve({"matrix": fib, "power": 10, "statistic": "sum"}) == 233
    assert pw.solve({"matrix": [[1, -1], [0, -1]], "power": 3, "statistic": "abs_sum"}) == 3  # [[1,-1],[0,-1]]
    assert pw.check({"matrix": fib, "power": 10, "statistic": "entry", "row": 1, "col": 1}, 34)


@pytest.mark.parametrize("level", range(1, 8))
def test_multiplication_and_power_ladders(level):
    mul = registry.get_family("arithmetic_matrix_multiplication")
    lo, hi = mul.levels[level]["dims"]
    for r in _records("arithmetic_matrix_multiplication", level, 20):
        a, b = r.params["a"], r.params["b"]
        assert all(lo <= d <= hi for d in (len(a), len(a[0]), len(b[0]))) and len(a[0]) == len(b)
        assert r.params["statistic"] != "trace" or len(a) == len(b[0])
    pw = registry.get_family("arithmetic_matrix_power")
    knobs = pw.levels[level]
    for r in _records("arithmetic_matrix_power", level, 20):
        assert len(r.params["matrix"]) == knobs["n"]
        assert knobs["power"][0] <= r.params["power"] <= knobs["power"][1]
        assert r.params["matrix_kind"] in knobs["matrix_kinds"]
        assert f"^{r.params['power']}" in r.question


# ---------------------------------------------------------------- rank (weak point #8)
def test_rank_is_exact_not_the_target_rank_regression():
    """OMEGA #8: L(n×k)·R(k×n) was labelled with rank k; a deficient factor gives a smaller true rank."""
    fam = registry.get_family("arithmetic_matrix_rank")
    left = [[1, 2], [2, 4], [3, 6], [-1, -2]]  # two dependent columns: rank 1
    right = [[1, 0, 2, 1], [0, 1, 1, 3]]
    params = {"matrix": mc.mat_mul(left, right), "inner_dimension": 2}
    assert fam.solve(params) == 1
    assert fam.check(params, 1) and not fam.check(params, 2)


@pytest.mark.parametrize("level", range(1, 8))
def test_rank_answers_equal_sympy_rank(level):
    fam = registry.get_family("arithmetic_matrix_rank")
    n = fam.levels[level]["n"]
    recs = _records("arithmetic_matrix_rank", level, 25)
    for r in recs:
        m = r.params["matrix"]
        assert len(m) == n
        assert r.answer == sympy.Matrix(m).rank() <= r.params["inner_dimension"] <= n
    assert len({r.answer for r in recs}) >= 2


def test_rank_full_rank_occurs_regression():
    """Issue 16: OMEGA's inner dimension stopped at n-1, so "not full rank" was always right (36% at L1)."""
    fam = registry.get_family("arithmetic_matrix_rank")
    recs = _records("arithmetic_matrix_rank", 1, 60)
    full = sum(r.answer == fam.levels[1]["n"] for r in recs)
    assert 0.1 <= full / len(recs) <= 0.35


def test_rank_sometimes_differs_from_the_inner_dimension():
    # at level 1 (4x4, factors in [-4, 4]) accidental deficiency happens; scan construction-level draws
    fam = registry.get_family("arithmetic_matrix_rank")
    rng = random.Random(0)
    differ = 0
    for _ in range(3000):
        p = fam.generate(rng, 1).params
        differ += fam.solve(p) != p["inner_dimension"]
    assert differ > 0


# ---------------------------------------------------------------- every matrix family: determinism, 200 per level
MATRIX_FAMILIES = [
    "arithmetic_matrix_determinant",
    "arithmetic_matrix_inverse",
    "arithmetic_matrix_eigenvalues",
    "arithmetic_matrix_multiplication",
    "arithmetic_matrix_power",
    "arithmetic_matrix_rank",
    "arithmetic_matrix_svd",
]


@pytest.mark.parametrize("name", MATRIX_FAMILIES)
def test_matrix_family_is_deterministic_and_levels_grow(name):
    a = [r.to_json() for r in _records(name, 2, 5, seed=4)]
    b = [r.to_json() for r in _records(name, 2, 5, seed=4)]
    assert a == b
    fam = registry.get_family(name)
    assert sorted(fam.levels) == list(range(1, 8))
    sizes = [_size(fam.levels[lv]) for lv in range(1, 8)]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]


def _size(knobs: dict) -> tuple:
    return (knobs.get("n") or knobs["dims"][0], max(v for k, v in knobs.items() if k.startswith("max_abs")))


@pytest.mark.slow
@pytest.mark.parametrize("name", MATRIX_FAMILIES[1:])
@pytest.mark.parametrize("level", range(1, 8))
def test_matrix_family_200_per_level(name, level):
    assert len(_records(name, level, 200, seed=3)) == 200
