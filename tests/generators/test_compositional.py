"""Compositional settings: hand-computed cases for every test template, the exact helpers against brute force,
OMEGA weak-point regressions, the settings' splits, and 200 items per (template, level) under -m slow."""
from __future__ import annotations

import random
from fractions import Fraction
from itertools import permutations

import pytest
import sympy

from generators import registry
from generators.compositional import piecewise_chain as pw
from generators.compositional import poly_exact as pe
from generators.compositional.circles_algebra import (
    CIRCLE_KINDS,
    circle_equation,
    circle_satisfies_construction,
    draw_circle,
    meeting_polynomial,
)
from generators.compositional.grid_chips import expected_max
from generators.compositional.matrix_rank import bareiss_rank, expected_rank, minor_rank, shortcut_answers
from generators.compositional.n_gon import histogram, score, shortcut_values
from generators.compositional.parametric_intersection import (
    k_distribution_by_formula,
    k_distribution_by_permutations,
)
from generators.compositional.vertex_color import holds_by_rotation, holds_by_structure
from generators.family import Reject
from generators.settings import make_record
from tests.generators.shortcut_probes import HIT_LIMIT, MODAL_LIMIT, rates, setting_of_template

TEMPLATES = {
    "comp_polynomial_gcd": "comp_polynomial_gcd_test",
    "comp_n_gon": "comp_n_gon_test",
    "comp_circles_algebra": "comp_circles_algebra_test",
    "comp_parametric_intersection": "comp_parametric_intersection_test",
    "comp_matrix_rank": "comp_matrix_rank_test",
    "comp_vertex_color": "comp_vertex_color_test",
    "comp_grid_chips": "comp_grid_chips_test",
}
TRAIN_PAIRS = {
    "comp_polynomial_gcd": ("algebra_polynomial_roots", "arithmetic_gcd"),
    "comp_n_gon": ("geometry_polygon_rotation", "combinatory_pattern_matching"),
    "comp_circles_algebra": ("geometry_circle", "algebra_func_intersection"),
    "comp_parametric_intersection": ("combinatory_probability_no_specific_letter_fixed", "algebra_func_intersection"),
    "comp_matrix_rank": ("arithmetic_matrix_rank", "combinatory_probability_no_specific_letter_fixed"),
    "comp_vertex_color": ("geometry_polygon_color", "combinatory_probability_no_specific_letter_fixed"),
    "comp_grid_chips": ("logic_puzzles_grid_chip", "combinatory_probability_no_specific_letter_fixed"),
}


def _fam(name):
    return registry.get_family(name)


def _records(name, level, count, seed=11):
    fam = _fam(name)
    seen: set[str] = set()
    return [make_record(fam, setting_key=name, setting_name=name, axis=fam.axis, split="test", level=level,
                        seed=seed, index=i, seen=seen) for i in range(count)]


# ---------------------------------------------------------------- registration and splits
def test_all_seven_settings_are_registered_with_their_pairs():
    settings = registry.settings("compositional")
    assert sorted(settings) == sorted(TEMPLATES)
    for name, setting in settings.items():
        assert setting.train_family_names == TRAIN_PAIRS[name]
        assert setting.test_family_name == TEMPLATES[name]
        fam = _fam(TEMPLATES[name])
        assert fam.axis == "compositional" and len(fam.levels) >= 3
        assert name not in registry.families()  # templates are named apart from their settings


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_train_split_is_the_union_of_both_skills_and_test_is_the_template(name):
    setting = registry.get_setting(name)
    train = list(setting.records("train", n=1, seed=3, levels=(1,)))
    assert sorted({r.family for r in train}) == sorted(TRAIN_PAIRS[name])
    assert all(r.split == "train" and r.axis == "compositional" for r in train)
    test = list(setting.records("test", n=1, seed=3, levels=(1, 2)))
    assert [r.family for r in test] == [TEMPLATES[name]] * 2 and [r.level for r in test] == [1, 2]
    assert not {r.id for r in train} & {r.id for r in test}


@pytest.mark.parametrize("name", sorted(TEMPLATES.values()))
def test_same_seed_same_items(name):
    a = [r.to_json() for r in _records(name, 1, 3, seed=5)]
    b = [r.to_json() for r in _records(name, 1, 3, seed=5)]
    assert a == b
    assert a != [r.to_json() for r in _records(name, 1, 3, seed=6)]


@pytest.mark.parametrize("name", sorted(TEMPLATES.values()))
def test_a_few_items_per_level_agree_and_state_the_answer_form(name):
    for level in _fam(name).level_range:
        for r in _records(name, level, 4):
            q = r.question
            assert ("integer" in q or "m + n" in q or "p + q" in q or "decimal places" in q), q
            assert r.answer_type == _fam(name).answer_type


# ---------------------------------------------------------------- exact root counting
def test_sturm_and_sympy_counts_agree_on_random_polynomials():
    rng = random.Random(4)
    for _ in range(400):
        p = pe.normalize([Fraction(rng.randint(-6, 6), rng.randint(1, 3)) for _ in range(rng.randint(2, 7))])
        if len(p) < 2:
            continue
        if rng.random() < 0.4:
            p = pe.mul(p, p)  # repeated roots
        lo = rng.choice([None, Fraction(rng.randint(-5, 5), rng.randint(1, 2))])
        hi = None if lo is None and rng.random() < 0.5 else Fraction(rng.randint(6, 9))
        assert pe.sturm_count(p, lo, hi) == pe.sympy_count(p, lo, hi)


def test_sturm_counts_distinct_roots_and_half_open_ends():
    p = pe.mul(pe.power([Fraction(-1), Fraction(1)], 3), [Fraction(2), Fraction(1)])  # (x - 1)^3 (x + 2)
    assert pe.sturm_count(p, None, None) == 2
    assert pe.sturm_count(p, Fraction(-2), Fraction(1)) == 1  # (-2, 1]: only x = 1
    assert pe.count_on_interval(p, Fraction(-2), Fraction(1), lo_closed=True, hi_closed=False) == 1


def test_function_tangent_to_circle_counts_once_regression_weak_point_13():
    # OMEGA's numeric intersection finder missed or double counted tangencies; x^2 + y^2 = 25 and y = x^2 - 5
    # meet at (+-3, 4) and touch at (0, -5): three points
    chain = [{"kind": "quad", "a": 1, "b": 0, "c": -5}]
    curve = meeting_polynomial(Fraction(0), Fraction(0), Fraction(25))
    pieces = pw.chain_pieces(chain)
    assert pw.count_points_on_pieces(pieces, curve, counter=pe.sturm_count) == 3
    assert pw.count_points_on_pieces(pieces, curve, counter=pe.sympy_count) == 3


def test_roots_at_window_ends_are_counted_regression_weak_point_13():
    # zeros exactly at x = +-10 were missed by the original scan; f(x) = x^2 - 100 meets y = 0 at both ends
    pieces = pw.chain_pieces([{"kind": "quad", "a": 1, "b": 0, "c": -100}])
    assert pw.count_points_on_pieces(pieces, lambda p: p, window=(Fraction(-10), Fraction(10))) == 2


def test_abs_corners_split_pieces_and_match_direct_evaluation():
    chain = [{"kind": "lin", "a": 2, "b": -1}, {"kind": "abs", "a": -3, "b": 1, "c": 2},
             {"kind": "quad", "a": 1, "b": 0, "c": -4}]
    pieces = pw.chain_pieces(chain)
    assert [p.hi for p in pieces] == [Fraction(1), None]
    assert pw.pieces_match_chain(chain, pieces)
    # (-3|2x - 2| + 2)^2 = 4 <=> |2x - 2| in {0, 4/3}: x = 1, 1/3, 5/3
    assert pw.count_points_on_pieces(pieces, lambda p: p) == 3


def test_irrational_corner_is_refused():
    with pytest.raises(pw.IrrationalCorner):
        pw.chain_pieces([{"kind": "quad", "a": 1, "b": 0, "c": 0}, {"kind": "abs", "a": 1, "b": 2, "c": 0}])


# ---------------------------------------------------------------- comp_circles_algebra
@pytest.mark.parametrize("kind", CIRCLE_KINDS)
def test_every_circle_construction_satisfies_its_definition(kind):
    rng = random.Random(kind)
    made = 0
    while made < 30:
        try:
            circle = draw_circle(rng, kind)
        except Reject:
            continue
        made += 1
        assert circle_satisfies_construction(circle, *circle_equation(circle))


def test_circle_through_three_points_hand_case():
    circle = {"kind": "three_points", "a": [0, 0], "b": [4, 0], "c": [0, 2]}
    assert circle_equation(circle) == (Fraction(2), Fraction(1), Fraction(5))
    fam = _fam("comp_circles_algebra_test")
    params = {"circle": circle, "chain": [{"kind": "lin", "a": 0, "b": 1}], "copies": 1}  # y = 1: through the centre
    assert fam.solve(params) == 2 and fam.check(params, 2)
    # radius sqrt(5), 2 sqrt(5), 3 sqrt(5): the horizontal line through the centre meets each circle twice
    params["copies"] = 3
    assert fam.solve(params) == 6 and fam.check(params, 6)
    # y = (x - 2)^2 + 1 has its vertex at the centre: with u = (x - 2)^2, u + u^2 = 5 k^2 has one positive root u,
    # so two points on each circle
    params = {"circle": circle, "chain": [{"kind": "quad", "a": 1, "b": -4, "c": 5}], "copies": 2}
    assert fam.solve(params) == 4 and fam.check(params, 4)


def test_circle_items_dodge_the_shortcuts():
    from generators.compositional.circles_algebra import shortcut_counts

    for r in _records("comp_circles_algebra_test", 1, 10):
        q = r.params
        assert q["circle"]["kind"] != "center_radius" and q["copies"] >= 3
        h, v, r2 = circle_equation(q["circle"])
        counts = [pw.count_points_on_pieces(pw.chain_pieces(q["chain"]), meeting_polynomial(h, v, r2 * k * k))
                  for k in range(1, q["copies"] + 1)]
        assert sum(counts) == r.answer and r.answer not in shortcut_counts(counts)


# ---------------------------------------------------------------- comp_parametric_intersection
def test_k_distribution_hand_case_and_both_methods():
    letters = {"a": 2, "b": 2}
    dist = k_distribution_by_permutations(letters, 2, "a")
    assert dist == {0: Fraction(1, 2), 1: Fraction(1, 3), 2: Fraction(1, 6)}
    assert k_distribution_by_formula(letters, 2, "a") == dist


def test_parametric_expectation_hand_case():
    # f = x^2, g = Kx: x^2 = Kx meets once for K = 0 and twice otherwise: E = 1/2 * 1 + 1/2 * 2 = 3/2 -> 5
    fam = _fam("comp_parametric_intersection_test")
    params = {"letters": {"a": 2, "b": 2}, "length": 2, "letter": "a",
              "f": [{"kind": "quad", "a": 1, "b": 0, "c": 0}], "g": {"form": "slope", "d": 1, "c": 0},
              "question_kind": "expected", "t": None}
    assert fam.solve(params) == 5 and fam.check(params, 5)
    params.update({"question_kind": "exactly", "t": 2})
    assert fam.solve(params) == 3 and fam.check(params, 3)


# ---------------------------------------------------------------- comp_polynomial_gcd
def test_polynomial_gcd_hand_case():
    # P = 6(x - 1)(x + 2)(x - 3), Q = 4(x - 1)(x + 2)^2: D = 2(x - 1)(x + 2), D(2) = 8
    fam = _fam("comp_polynomial_gcd_test")
    params = {"p_scale": 6, "p_factors": [[-2, 1, 1], [1, 1, 1], [3, 1, 1]],
              "q_scale": 4, "q_factors": [[-2, 1, 2], [1, 1, 1]], "c": 2}
    x = sympy.Symbol("x")
    params["p"] = [int(c) for c in reversed(sympy.Poly(6 * (x - 1) * (x + 2) * (x - 3), x).all_coeffs())]
    params["q"] = [int(c) for c in reversed(sympy.Poly(4 * (x - 1) * (x + 2) ** 2, x).all_coeffs())]
    assert fam.solve(params) == 8 and fam.check(params, 8)
    assert not fam.check(params, 4)  # forgetting the content gcd gives (x - 1)(x + 2) at 2 = 4


# ---------------------------------------------------------------- comp_matrix_rank
def test_rank_helpers_agree_with_sympy():
    rng = random.Random(9)
    for _ in range(300):
        r, c = rng.choice([(2, 2), (2, 3), (3, 3)])
        m = [[rng.randint(-2, 2) for _ in range(c)] for _ in range(r)]
        exact = sympy.Matrix(m).rank()
        assert bareiss_rank(m) == exact == minor_rank(m)


def test_expected_rank_hand_case():
    # {a: 1, b: 1}, 2 letters, letter a: the shuffle keeps a in place with probability 1/2
    from generators.combinatorics.shuffle_events import probability_by_formula, probability_by_permutations

    event = {"kind": "no_letter_fixed", "letter": "a"}
    p = probability_by_permutations({"a": 1, "b": 1}, 2, event)
    assert p == Fraction(1, 2) == probability_by_formula({"a": 1, "b": 1}, 2, event)
    assert expected_rank(p, 3, 1) == 2
    assert expected_rank(Fraction(1, 3), 4, 1) == 2  # 4/3 + 2/3


def test_expected_rank_items_need_both_skills():
    fam = _fam("comp_matrix_rank_test")
    mat = _fam("arithmetic_matrix_rank")
    for level in (1, 2):
        for r in _records("comp_matrix_rank_test", level, 10):
            q = r.params
            # both matrices come from skill A's generator at the same level (its training distribution)
            assert len(q["A1"]["matrix"]) == mat.levels[level]["n"] == len(q["A2"]["matrix"])
            assert q["length"] == _fam("combinatory_probability_no_specific_letter_fixed").levels[level]["length"]
            r1, r2 = mat.solve(q["A1"]), mat.solve(q["A2"])
            assert r1 != r2 and fam.solve(q) == r.answer
            from generators.combinatorics.shuffle_events import probability_by_formula

            p = probability_by_formula(q["letters"], q["length"], q["event"])
            assert 0 < p < 1
            assert r.answer not in shortcut_answers(p, r1, r2, len(q["A1"]["matrix"]), q["A1"]["inner_dimension"],
                                                    q["A2"]["inner_dimension"])


# ---------------------------------------------------------------- comp_vertex_color
def test_aime_2024_octagon_count():
    # AIME 2024 I #11: 115 of the 256 red/blue colourings of an octagon can be turned blue-onto-red
    assert sum(holds_by_rotation(mask, 8, "blue_onto_red") for mask in range(256)) == 115
    assert sum(holds_by_structure([i for i in range(8) if mask >> i & 1], 8, "blue_onto_red")
               for mask in range(256)) == 115


def test_rotation_tests_agree_on_all_small_colourings():
    for n in range(3, 11):
        for mask in range(1 << n):
            blue = [i for i in range(n) if mask >> i & 1]
            for event in ("blue_onto_red", "invariant"):
                assert holds_by_rotation(mask, n, event) == holds_by_structure(blue, n, event)


def test_vertex_colour_hand_case():
    # square, bag with 2 red and 2 blue: invariant under a quarter or half turn only when the blues are opposite
    fam = _fam("comp_vertex_color_test")
    params = {"n": 4, "fixed": {"red": [], "blue": []}, "bag": {"red": 2, "blue": 2}, "event": "invariant"}
    assert fam.solve(params) == 4  # 1/3
    assert fam.check(params, 4)


# ---------------------------------------------------------------- comp_grid_chips
def test_grid_chips_hand_case():
    from generators.logic.puzzles_grid_chip import max_chips_by_search, max_chips_formula

    # 4x4, a black chip at (1,1) and a white chip at (2,2): white fits in 3 rows x 3 columns, black likewise
    chips = [[1, 1, "black"], [2, 2, "white"]]
    assert max_chips_formula(4, chips, "white") == 9 == max_chips_by_search(4, chips, "white")
    chips = [[1, 1, "black"], [1, 2, "black"], [2, 3, "white"]]  # white: rows 2-4 x columns 3-4 = 6; black: 3 x 3
    assert max_chips_formula(4, chips, "white") == 6 and max_chips_formula(4, chips, "black") == 9
    assert expected_max(Fraction(1, 3), 6, 9) == 8


def test_grid_chip_items_need_both_skills():
    from generators.combinatorics.shuffle_events import probability_by_formula
    from generators.compositional.grid_chips import shortcut_answers
    from generators.logic.puzzles_grid_chip import max_chips_by_search

    for level in (1, 2):
        for r in _records("comp_grid_chips_test", level, 10):
            q = r.params
            assert q["side"] == _fam("logic_puzzles_grid_chip").levels[level]["side"]
            m1 = max_chips_by_search(q["side"], q["chips"], q["first"])
            m2 = max_chips_by_search(q["side"], q["chips"], q["second"])
            p = probability_by_formula(q["letters"], q["length"], q["event"])
            assert m1 != m2 and 0 < p < 1
            assert r.answer not in shortcut_answers(q, p, m1, m2)


# ---------------------------------------------------------------- comp_n_gon
def test_n_gon_score_hand_case():
    # square's two diagonals cross: 4 triangles; rotating by one vertex maps the drawing onto itself
    word = {"letters": {"a": 1, "b": 1}, "length": 2, "kind": "gap", "x": "a", "y": "b", "pattern": "a.*b"}
    params = {"n": 4, "diagonals": [[1, 3], [2, 4]], "r": 1, "s": 3, "word": word}
    assert histogram(params) == {3: 4}
    assert score(params) == 2  # the word is ab or ba, each with probability 1/2: E[K] = 1/2, R = 4


def test_n_gon_items_need_both_skills():
    from generators.combinatorics.pattern_expectation import expectation_by_enumeration

    for level in (1, 2):
        for r in _records("comp_n_gon_test", level, 8):
            q = r.params
            assert len(q["diagonals"]) == _fam("geometry_polygon_rotation").levels[level]["diagonals"][0]
            assert q["word"]["length"] == _fam("combinatory_pattern_matching").levels[level]["length"]
            e = expectation_by_enumeration(q["word"]["letters"], q["word"]["length"], q["word"]["pattern"])
            assert e > 0 and histogram(q).get(q["s"], 0) > 0
            assert r.answer not in shortcut_values(q)


# ---------------------------------------------------------------- 200 per (template, level)
@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(TEMPLATES.values()))
def test_two_hundred_items_per_level_zero_disagreements(name):
    for level in _fam(name).level_range:
        recs = _records(name, level, 200, seed=2024)  # make_record raises on any solve/check disagreement
        assert len({r.id for r in recs}) == 200
        # issue 17: the named shortcuts match at most 10 % of the gold, no answer takes more than 35 % of a level
        m = rates(setting_of_template(name), recs)
        assert m["hit"] <= HIT_LIMIT and m["modal"] <= MODAL_LIMIT, (name, level, m)
