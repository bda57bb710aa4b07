"""Transformative settings: hand-computed cases for every test template (classic results where they exist),
the insight formulas against brute force, the rank certificates, the settings' splits, and 200 items per
(template, level) under -m slow."""
from __future__ import annotations

import random
from fractions import Fraction
from itertools import permutations

import pytest
import sympy

from generators import registry
from generators.family import Reject
from generators.settings import make_record
from tests.generators.shortcut_probes import HIT_LIMIT, MODAL_LIMIT, rates, setting_of_template
from generators.transformative.circle_symmetry import (
    MIN_STEPS,
    net_rotation,
    shortcut_values,
    value_by_matrix_power,
)
from generators.transformative.circle_symmetry import exact_value as circle_value
from generators.transformative.de_moivre import (
    coefficients,
    count_by_de_moivre,
    count_by_routh,
    has_rational_root,
)
from generators.transformative.letter_shuffle_closed_form import (
    brute_force_value,
    closed_form,
    derangement_by_inclusion_exclusion,
    derangement_by_rook_polynomials,
    independent_value,
)
from generators.transformative.nested_abs_intersection import (
    count_forward,
    nested_chain,
    nested_solutions,
    tent_chain,
    tent_solutions,
)
from generators.transformative.structured_grid_paths import (
    MIN_TABLE_CELLS,
    binom_lucas,
    binom_wilson,
    count_band,
    count_diagonal,
    count_mod_p,
    count_mod_p_by_reflection_words,
)
from generators.transformative.structured_rank import (
    MIN_N,
    leading_block,
    rank_by_leading_block,
    rank_by_structure,
    shortcut_ranks,
)
from generators.transformative.symmetric_integrals import exact_value, numeric_value

TEMPLATES = {
    "trans_matrix_rank": ("arithmetic_matrix_rank", "trans_matrix_rank_test"),
    "trans_func_intersection": ("algebra_func_intersection", "trans_func_intersection_test"),
    "trans_de_moivre": ("algebra_polynomial_roots", "trans_de_moivre_test"),
    "trans_prob_letter": ("combinatory_probability_no_specific_letter_fixed", "trans_prob_letter_test"),
    "trans_integrations": ("algebra_func_integral", "trans_integrations_test"),
    "trans_gridworld": ("logic_gridworld_blocked", "trans_gridworld_test"),
    "trans_circles": ("geometry_circle", "trans_circles_test"),
}


def _fam(name):
    return registry.get_family(name)


def _records(name, level, count, seed=11):
    fam = _fam(name)
    seen: set[str] = set()
    return [make_record(fam, setting_key=name, setting_name=name, axis=fam.axis, split="test", level=level,
                        seed=seed, index=i, seen=seen) for i in range(count)]


# ---------------------------------------------------------------- registration and splits
def test_all_seven_settings_are_registered_with_their_trained_family():
    settings = registry.settings("transformative")
    assert sorted(settings) == sorted(TEMPLATES)
    for name, setting in settings.items():
        trained, template = TEMPLATES[name]
        assert setting.train_family_names == (trained,)
        assert setting.test_family_name == template
        assert _fam(template).axis == "transformative" and len(_fam(template).levels) >= 3


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_train_is_the_familiar_family_and_test_is_the_template(name):
    setting = registry.get_setting(name)
    train = list(setting.records("train", n=1, seed=3, levels=(1,)))
    assert [r.family for r in train] == [TEMPLATES[name][0]]
    test = list(setting.records("test", n=1, seed=3, levels=(1, 3)))
    assert [r.family for r in test] == [TEMPLATES[name][1]] * 2


@pytest.mark.parametrize("name", sorted(t for _, t in TEMPLATES.values()))
def test_same_seed_same_items(name):
    a = [r.to_json() for r in _records(name, 1, 3, seed=5)]
    assert a == [r.to_json() for r in _records(name, 1, 3, seed=5)]
    assert a != [r.to_json() for r in _records(name, 1, 3, seed=6)]


# ---------------------------------------------------------------- trans_matrix_rank
def _full(spec, n):
    from generators.transformative.structured_rank import periodic_entry, poly_entry

    if spec["structure"] == "poly":
        return [[poly_entry(spec["coef"], i, j) for j in range(1, n + 1)] for i in range(1, n + 1)]
    return [[periodic_entry(spec, i, j) for j in range(1, n + 1)] for i in range(1, n + 1)]


@pytest.mark.parametrize("spec,rank", [
    ({"structure": "poly", "coef": [[0, 1], [1, 0]]}, 2),  # i + j
    ({"structure": "poly", "coef": [[0, 0], [0, 1]]}, 1),  # i j
    ({"structure": "poly", "coef": [[0, 0, 1], [0, -2, 0], [1, 0, 0]]}, 3),  # (i - j)^2
    # (i + j)^2 - (i - j)^2 = 4ij: 3 powers of i and of j are written, the rank is 1
    ({"structure": "poly", "coef": [[0, 0, 0], [0, 4, 0], [0, 0, 0]]}, 1),
    ({"structure": "periodic", "period": 6, "kind": "diff", "values": [1, 1, 1, 0, 0, 0]}, 4),  # window 3
    ({"structure": "periodic", "period": 4, "kind": "sum", "values": [1, -1, 1, -1]}, 1),  # (-1)^(i+j)
    ({"structure": "periodic", "period": 5, "kind": "diff", "values": [1, 0, 0, 0, 0]}, 5),  # i = j mod 5
    # 1 + x + x^2 = Phi_3 vanishes at the two primitive cube roots of unity among the 6th roots
    ({"structure": "periodic", "period": 6, "kind": "sum", "values": [1, 1, 1, 0, 0, 0]}, 4),
])
def test_structured_rank_hand_cases(spec, rank):
    assert rank_by_structure(spec) == rank == rank_by_leading_block(spec, 40)
    assert sympy.Matrix(_full(spec, 16)).rank() == rank


def test_window_circulant_rank_formula():
    # first row 1,...,1 (s ones): rank m - gcd(m, s) + 1
    from math import gcd

    for m in range(5, 16):
        for s in range(2, m):
            spec = {"structure": "periodic", "period": m, "kind": "diff", "values": [1] * s + [0] * (m - s)}
            assert rank_by_structure(spec) == m - gcd(m, s) + 1 == rank_by_leading_block(spec, 10**6)


def test_items_are_too_large_to_row_reduce_and_dodge_the_counting_guesses():
    for level in (1, 3, 5):
        for r in _records("trans_matrix_rank_test", level, 12):
            spec, n = r.params["spec"], r.params["n"]
            assert n >= MIN_N and n**3 // 3 > 10**9
            assert r.answer not in shortcut_ranks(spec, n)
            if spec["structure"] == "poly":
                coef = spec["coef"]
                assert r.answer < min(len(coef), len(coef[0]))  # strictly below the monomial count


def test_leading_block_rank_is_the_rank_of_larger_blocks():
    # the check's block already has the full rank: a 2x larger block has the same rank
    for r in _records("trans_matrix_rank_test", 2, 8, seed=4):
        spec = r.params["spec"]
        k = len(leading_block(spec, r.params["n"]))
        assert sympy.Matrix(_full(spec, k + 6)).rank() == r.answer


# ---------------------------------------------------------------- trans_func_intersection
def test_nested_absolute_value_hand_cases():
    # ||x| - 2| = 1: x = +-1, +-3
    assert nested_solutions([1, 1], [0, 2], Fraction(1)) == [-3, -1, 1, 3]
    # |||x| - 1| - 1| = 0: |x| - 1 = +-1 -> |x| in {0, 2}: x in {-2, 0, 2}
    assert nested_solutions([1, 1, 1], [0, 1, 1], Fraction(0)) == [-2, 0, 2]
    assert count_forward(nested_chain([1, 1, 1], [0, 1, 1]), Fraction(0), Fraction(0), None) == 3


def test_tent_map_hand_cases():
    # T_k(x) = 0 has 2^k solutions in [-1, 1]; T_1 = 2|x| - 1 meets y = x at x = -1/3 and x = 1
    for k in range(1, 7):
        assert tent_solutions(k, Fraction(0), Fraction(0)) == 2**k
    assert tent_solutions(1, Fraction(1), Fraction(0)) == 2
    assert count_forward(tent_chain(1), Fraction(1), Fraction(0), (Fraction(-1), Fraction(1))) == 2


def test_backward_unwinding_matches_forward_pieces_on_random_nests():
    rng = random.Random(3)
    for _ in range(150):
        depth = rng.randint(1, 6)
        a = [1] + [rng.randint(1, 3) for _ in range(depth - 1)]
        b = [rng.randint(-3, 3)] + [rng.randint(-2, 6) for _ in range(depth - 1)]
        c = Fraction(rng.randint(0, 8), rng.choice((1, 2)))
        assert len(nested_solutions(a, b, c)) == count_forward(nested_chain(a, b), Fraction(0), c, None)


def test_tent_branches_match_forward_pieces_on_random_lines():
    rng = random.Random(5)
    for _ in range(100):
        k = rng.randint(1, 6)
        m, q = Fraction(rng.randint(-5, 5), rng.randint(1, 4)), Fraction(rng.randint(-4, 4), rng.randint(1, 4))
        assert tent_solutions(k, m, q) == count_forward(tent_chain(k), m, q, (Fraction(-1), Fraction(1)))


# ---------------------------------------------------------------- trans_de_moivre
def test_de_moivre_hand_cases():
    # (x - 1)^4 = 16: x = 1 + 2 i^k = 3, 1 + 2i, -1, 1 - 2i
    half = {"n": 4, "a": -1, "b": 16, "question": "half_plane", "c": 0}
    disc = {"n": 4, "a": -1, "b": 16, "question": "disc", "M": 2}
    assert count_by_de_moivre(half)[0] == 3 == count_by_routh(half)
    assert count_by_de_moivre(disc)[0] == 1 == count_by_routh(disc)
    assert coefficients(-1, 16, 4) == [1, -4, 6, -4, -15]
    assert has_rational_root(-1, 16, 4) and not has_rational_root(2, 17, 4) and not has_rational_root(1, -16, 4)


def test_de_moivre_count_matches_routh_and_numeric_roots():
    import numpy as np

    rng = random.Random(8)
    checked = 0
    for _ in range(300):
        n, a = rng.randint(3, 12), rng.choice((-3, -2, -1, 1, 2, 3))
        b = rng.choice((1, -1)) * rng.randint(2, 3**n)
        params = {"n": n, "a": a, "b": b, "question": rng.choice(("half_plane", "disc")),
                  "c": rng.randint(-6, 6), "M": rng.randint(1, 6)}
        count, gap = count_by_de_moivre(params)
        routh = count_by_routh(params)
        if gap < 1e-6 or routh is None:
            continue
        roots = np.roots([float(v) for v in coefficients(a, b, n)])
        numeric = sum(z.real > params["c"] for z in roots) if params["question"] == "half_plane" else \
            sum(abs(z) < params["M"] for z in roots)
        assert count == routh == numeric, params
        checked += 1
    assert checked > 200


def test_de_moivre_items_have_no_rational_root_and_no_trivial_count():
    for level in (1, 5):
        for r in _records("trans_de_moivre_test", level, 15):
            q = r.params
            assert not has_rational_root(q["a"], q["b"], q["n"])
            assert 2 < r.answer < q["n"] and q.get("c") != -q["a"]


def test_long_word_hand_cases():
    # "aabb": P(no a kept) = C(2, 2)/C(4, 2) = 1/6; the only derangement is bbaa: 1/6; E[kept] = (4 + 4)/4 = 2
    base = {"length": 4, "counts": {"a": 2, "b": 2}, "drawn": False, "word": "aabb"}
    assert closed_form({**base, "variant": "none", "letter": "a"}) == Fraction(1, 6)
    assert closed_form({**base, "variant": "derangement"}) == Fraction(1, 6)
    assert closed_form({**base, "variant": "expected"}) == 2


def test_closed_forms_match_every_shuffle_on_short_words():
    rng = random.Random(12)
    for _ in range(60):
        length = rng.randint(3, 6)
        counts = {"a": rng.randint(1, 3), "b": rng.randint(1, 3), "c": rng.randint(0, 2)}
        counts = {k: v for k, v in counts.items() if v}
        drawn = rng.random() < 0.5 and sum(counts.values()) > length
        if not drawn:
            length = sum(counts.values())
        variant = rng.choice(("none", "exactly", "expected", "derangement" if not drawn else "none"))
        params = {"variant": variant, "length": length, "counts": counts, "drawn": drawn, "letter": "a", "n": 1}
        exact = closed_form(params)
        assert exact == independent_value(params) == brute_force_value(params)


def test_derangement_two_ways_on_long_words():
    for counts in ({"a": 5, "b": 7, "c": 9}, {"a": 10, "b": 10, "c": 10, "d": 10}, {"a": 1, "b": 1, "c": 1, "d": 1}):
        assert derangement_by_inclusion_exclusion(counts) == derangement_by_rook_polynomials(counts)
    assert derangement_by_rook_polynomials({c: 1 for c in "abcd"}) == Fraction(9, 24)  # ordinary derangements D_4


# ---------------------------------------------------------------- trans_integrations
@pytest.mark.parametrize("params,r,e", [
    ({"variant": "odd_even", "a": 1, "even": [0, 0, 1], "odd": {"kind": "poly", "coeffs": [0, 1]}, "base": "e"},
     Fraction(1, 3), 0),
    ({"variant": "trig_king", "m": 2, "c1": 1, "c2": 0}, Fraction(1, 4), 1),
    ({"variant": "x_sin", "k": 1}, Fraction(1), 1),
    ({"variant": "x_sin", "k": 2}, Fraction(1, 4), 2),
    ({"variant": "inverse", "f": [0, 1, 0, 1], "a": 1}, Fraction(5, 4), 0),  # 1 * 2 - (1/4 + 1/2)
    ({"variant": "king", "a": 2, "h": {"kind": "sqrt", "c": 1}, "alpha": 3, "beta": 0}, Fraction(3), 0),
])
def test_integral_hand_cases(params, r, e):
    assert exact_value(params) == (r, e)
    import mpmath

    with mpmath.workdps(30):
        assert abs(numeric_value(params) - mpmath.mpf(r.numerator) / r.denominator * mpmath.pi**e) < 1e-12


# ---------------------------------------------------------------- trans_gridworld
def _dp(width, height, blocked):
    from generators.logic.gridworld_blocked import paths_from_start

    return paths_from_start(width, height, frozenset(blocked))[width - 1][height - 1]


def test_grid_hand_cases():
    assert count_diagonal(3, 3, 0) == 5  # Catalan number C_3
    assert count_diagonal(10, 10, 0) == 16796  # C_10
    assert count_band(2, 2, 1, 1) == 4  # RU/UR twice
    assert count_band(3, 3, 0, 0) == 0
    assert count_band(4, 4, 1, 0) == 1  # forced staircase, up first
    assert binom_lucas(10**12, 10**6, 7) == binom_wilson(10**12, 10**6, 7)


def test_grid_formulas_match_the_table_on_random_shapes():
    rng = random.Random(6)
    for _ in range(300):
        a, b, s, t = rng.randint(1, 13), rng.randint(1, 13), rng.randint(0, 5), rng.randint(0, 5)
        if b - a > s or a - b > t:
            continue
        band = frozenset((x, y) for x in range(a + 1) for y in range(b + 1) if y - x > s or x - y > t)
        upper = frozenset((x, y) for x in range(a + 1) for y in range(b + 1) if y - x > s)
        assert count_band(a, b, s, t) == _dp(a + 1, b + 1, band)
        assert count_diagonal(a, b, s) == _dp(a + 1, b + 1, upper)
        for p in (2, 3, 5, 7, 13):
            for params, exact in (({"variant": "band", "a": a, "b": b, "s": s, "t": t, "p": p}, count_band(a, b, s, t)),
                                  ({"variant": "diagonal", "a": a, "b": b, "s": s, "p": p}, count_diagonal(a, b, s))):
                assert count_mod_p(params) == exact % p == count_mod_p_by_reflection_words(params)


def test_lucas_and_wilson_binomials_agree_with_exact_ones():
    rng = random.Random(2)
    for _ in range(300):
        n = rng.randint(0, 3000)
        k = rng.randint(-2, n + 2)
        p = rng.choice((2, 3, 5, 53, 101, 997))
        exact = sympy.binomial(n, k) % p if 0 <= k <= n else 0
        assert binom_lucas(n, k, p) == exact == binom_wilson(n, k, p)


def test_grid_items_are_beyond_the_trained_table():
    for level in (1, 3, 5):
        for r in _records("trans_gridworld_test", level, 10):
            q = r.params
            assert (q["a"] + 1) * (q["b"] + 1) >= MIN_TABLE_CELLS
            assert 0 <= r.answer < q["p"]


# ---------------------------------------------------------------- trans_circles
def test_circle_move_composition_hand_cases():
    assert net_rotation([["ref", 10], ["ref", 40]]) == 60  # S(40) S(10) = R(60)
    assert net_rotation([["ref", 40], ["ref", 10]]) == 300
    assert net_rotation([["rot", 90], ["ref", 0], ["ref", 45]]) == 180
    assert net_rotation([["ref", 30], ["rot", 50], ["ref", 30]]) == 310  # conjugating a rotation by a reflection
    params = {"R": 1, "ops": [["rot", 90]], "N": 1, "measure": "chord"}
    assert abs(circle_value(params) - 2**0.5) < 1e-12 and abs(value_by_matrix_power(params) - 2**0.5) < 1e-12


def test_circle_closed_form_matches_chasing_the_points_move_by_move():
    import math

    rng = random.Random(12)
    for _ in range(150):
        ops = [["rot", rng.randint(1, 179)] for _ in range(rng.randint(0, 3))]
        ops += [["ref", rng.randint(0, 179)] for _ in range(rng.choice((0, 2, 4)))]
        rng.shuffle(ops)
        params = {"R": rng.randint(1, 9), "ops": ops, "N": rng.randint(1, 60), "measure": rng.choice(("chord", "line"))}
        x, y = float(params["R"]), 0.0
        for _ in range(params["N"]):
            for op, v in ops:
                t = math.radians(v)
                if op == "rot":
                    x, y = x * math.cos(t) - y * math.sin(t), x * math.sin(t) + y * math.cos(t)
                else:
                    x, y = x * math.cos(2 * t) + y * math.sin(2 * t), x * math.sin(2 * t) - y * math.cos(2 * t)
        chased = math.hypot(x - params["R"], y) if params["measure"] == "chord" else abs(y)
        assert abs(float(circle_value(params)) - chased) < 1e-8
        assert abs(float(value_by_matrix_power(params)) - chased) < 1e-8


def test_circle_items_need_more_than_a_billion_moves_and_dodge_the_shortcuts():
    for level in (1, 5):
        for r in _records("trans_circles_test", level, 15):
            assert r.params["N"] >= MIN_STEPS
            assert r.answer not in shortcut_values(r.params)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(t for _, t in TEMPLATES.values()))
def test_two_hundred_items_per_level_zero_disagreements(name):
    for level in _fam(name).level_range:
        recs = _records(name, level, 200, seed=2024)  # make_record raises on any solve/check disagreement
        assert len({r.id for r in recs}) == 200
        # issue 17: the named shortcuts match at most 10 % of the gold, no answer takes more than 35 % of a level
        m = rates(setting_of_template(name), recs)
        assert m["hit"] <= HIT_LIMIT and m["modal"] <= MODAL_LIMIT, (name, level, m)


def test_huge_fractions_are_asked_as_rounded_decimals():
    from generators.answers import format_decimal

    recs = _records("trans_prob_letter_test", 5, 40, seed=7)
    decimals = [r for r in recs if r.answer_type == "decimal:6"]
    assert decimals, "long words should sometimes need the decimal form"
    for r in decimals:
        value = closed_form(r.params)
        assert value.numerator + value.denominator >= 10**12
        assert r.answer == format_decimal(value, 6) and "6 decimal places" in r.question
    for r in recs:
        if r.answer_type == "int":
            assert r.answer < 10**12 and "m + n" in r.question
