"""Number-theory families: hand-computed cases, regression tests for OMEGA weak point #12, the two counting routes
against plain loops, and solve-vs-check over many generated items per level."""
from __future__ import annotations

import json
import random
from math import gcd

import numpy as np
import pytest

from generators import registry
from generators.numbertheory.congruence_counting import (
    count_coprime_tuples,
    count_power_divisible,
    count_tuples_by_residues,
    count_tuples_value_by_value,
    least_power_multiplier,
    least_power_multiplier_by_scan,
    mobius_table,
)
from generators.numbertheory.digit_properties import (
    TEMPLATES,
    holds_by_text,
    mask_by_digit_matrix,
    mask_by_place_values,
)
from generators.numbertheory.lte_qr import compute_answer, has_integer_root, scan_answer
from generators.numbertheory.ordered_lte import independent_count, true_count
from generators.numbertheory.prime_power_roots import positive_roots, roots_by_lifting, roots_by_scan
from generators.numbertheory.qr_sum import find_kth, quotient_plus_remainder
from generators.settings import make_record


def _records(name: str, level: int, count: int, seed: int = 11):
    fam = registry.get_family(name)
    seen: set[str] = set()
    return [make_record(fam, setting_key=name, setting_name=name, axis="exploratory", split="test", level=level,
                        seed=seed, index=i, seen=seen) for i in range(count)]


@pytest.mark.parametrize("name", ["numbertheory_ordered_lte", "numbertheory_lte_qr", "numbertheory_qr_sum"])
def test_same_seed_same_bytes(name):
    first = [r.to_json() for r in _records(name, 5, 4, seed=5)]
    assert first == [r.to_json() for r in _records(name, 5, 4, seed=5)]
    assert first != [r.to_json() for r in _records(name, 5, 4, seed=6)]


# ------------------------------------------------------------------ numbertheory_ordered_lte
def test_ordered_lte_counts_a_zero_regression():
    # 0 <= a <= 3^4 with 3^3 | a^3 means 3 | a: a = 0, 3, ..., 81 -> 28 (the original generator answered 27)
    params = {"template": "power_divisibility", "base": 3, "p": 4, "q": 3, "lo": 0}
    assert true_count(params) == 28 == independent_count(params)
    assert registry.get_family("numbertheory_ordered_lte").solve(params) == 28
    assert true_count({**params, "lo": 1}) == 27
    # every generated "0 <= a" item counts a = 0, confirmed by a plain loop
    for level in (1, 2, 3):
        for rec in _records("numbertheory_ordered_lte", level, 30):
            p = rec.params
            if p["template"] == "power_divisibility" and p["lo"] == 0 and p["base"] ** p["p"] <= 50_000:
                b, hi, mod = p["base"], p["base"] ** p["p"], p["base"] ** p["q"]
                assert pow(0, b, mod) == 0
                assert true_count(p) == sum(1 for a in range(0, hi + 1) if pow(a, b, mod) == 0)
                assert "0 \u2264 a" in rec.question


def test_ordered_lte_aime_2025_triples():
    # AIME 2025: triples 1 <= a, b, c <= 3^6 with 3^7 | a^3 + b^3 + c^3 -> N mod 1000 = 735
    params = {"template": "power_sum", "coeffs": [1, 1, 1], "base": 3, "p": 6, "q": 7, "lo": 1}
    assert true_count(params) % 1000 == 735
    assert independent_count(params) == true_count(params)


def test_least_power_multiplier_two_ways():
    for b in range(2, 13):
        for q in range(1, 9):
            assert least_power_multiplier(b, q) == least_power_multiplier_by_scan(b, q)
    assert least_power_multiplier(12, 5) == 2 * 3  # 12 | ... : v2 >= ceil(10/12) = 1, v3 >= ceil(5/12) = 1


def test_power_divisibility_range_bounds_are_inclusive():
    assert count_power_divisible(2, 4, 2, 0) == 9  # even a in [0, 16]
    assert count_power_divisible(2, 4, 2, 1) == 8


@pytest.mark.parametrize("seed", range(8))
def test_tuple_counts_match_plain_loops(seed):
    rng = random.Random(seed)
    m = rng.choice((4, 8, 9, 25, 27))
    k = rng.randint(2, 4)
    coeffs = [rng.choice((1, -1, 2, 3)) for _ in range(rng.randint(2, 3))]
    lo, hi = rng.choice((0, 1)), rng.randint(3, 14)
    rng_vals = range(lo, hi + 1)
    if len(coeffs) == 2:
        loop = sum(1 for x in rng_vals for y in rng_vals if (coeffs[0] * x**k + coeffs[1] * y**k) % m == 0)
    else:
        loop = sum(1 for x in rng_vals for y in rng_vals for z in rng_vals
                   if (coeffs[0] * x**k + coeffs[1] * y**k + coeffs[2] * z**k) % m == 0)
    assert count_tuples_by_residues(coeffs, k, m, lo, hi) == loop
    assert count_tuples_value_by_value(coeffs, k, m, lo, hi) == loop


def test_coprime_count_matches_plain_loop():
    coeffs, k, m, hi = [1, 2, -1], 2, 9, 12
    loop = sum(1 for x in range(1, hi + 1) for y in range(1, hi + 1) for z in range(1, hi + 1)
               if gcd(gcd(x, y), z) == 1 and (x * x + 2 * y * y - z * z) % m == 0)
    assert count_coprime_tuples(coeffs, k, m, hi) == loop


def test_mobius_table_small_values():
    assert mobius_table(12)[1:] == [1, -1, -1, 0, -1, 1, -1, 0, 0, 1, -1, 0]


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_ordered_lte_items_are_checked_and_well_formed(level):
    fam = registry.get_family("numbertheory_ordered_lte")
    low, high = fam.levels[level]["band"]
    for rec in _records("numbertheory_ordered_lte", level, 25):
        n = true_count(rec.params)
        assert low <= n <= high and rec.answer == n % 1000
        assert "1000" in rec.question and "\u2264" in rec.question
        assert json.loads(json.dumps(rec.params)) == rec.params
        if rec.params["template"] == "coprime_power_sum":
            assert "gcd(x, y, z) = 1" in rec.question


@pytest.mark.slow
@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_ordered_lte_200_items_per_level(level):
    assert len(_records("numbertheory_ordered_lte", level, 200)) == 200


# ------------------------------------------------------------------ numbertheory_lte_qr


def _literal_least_prime(k: int, c: int, a: int) -> int:
    p = 2
    while True:
        if all(p % d for d in range(2, p)) and any((n**k + c) % p**a == 0 for n in range(1, p**a + 1)):
            return p
        p += 1


def test_lte_qr_aime_2024_least_prime_fourth_power():
    # AIME 2024: least p with p^2 | n^4 + 1 is 17; least m with 17^2 | m^4 + 1 is 110
    params = {"template": "least_prime_root", "k": 4, "c": 1, "a": 2, "max_prime": 40}
    assert compute_answer(params) == 110 == scan_answer(params)


def test_lte_qr_template1_uses_asked_modulus_regression():
    # OMEGA weak point #12: template 1 tested p^b where the question asked p^a. Here p is defined through p^2 and
    # m through p^3; the least root mod 17^2 (110) is not a root mod 17^3, whose least root is 399.
    params = {"template": "least_prime_higher_root", "k": 4, "c": 1, "a": 2, "b": 3, "max_prime": 40}
    answer = compute_answer(params)
    assert answer == 399 == scan_answer(params)
    assert (answer**4 + 1) % 17**3 == 0 and all((m**4 + 1) % 17**3 for m in range(1, answer))
    assert (110**4 + 1) % 17**3 != 0
    # every generated instance, read literally with plain loops: p from p^a, m from p^b
    for level in (1, 2, 3):
        for rec in _records("numbertheory_lte_qr", level, 40):
            prm = rec.params
            if prm["template"] != "least_prime_higher_root":
                continue
            k, c, a, b = prm["k"], prm["c"], prm["a"], prm["b"]
            p = _literal_least_prime(k, c, a)
            assert f"divisible by p^{a}." in rec.question and f"divisible by p^{b}." in rec.question
            assert rec.answer == next(m for m in range(1, p**b + 1) if (m**k + c) % p**b == 0)


def test_lte_qr_largest_root_is_bounded_regression():
    # OMEGA weak point #12: template 2 asked for an unbounded "largest m"; here the bound m < p^b is stated
    for rec in _records("numbertheory_lte_qr", 3, 60):
        prm = rec.params
        if prm["template"] == "least_prime_largest_root":
            p = _literal_least_prime(prm["k"], prm["c"], prm["a"])
            assert f"m < p^{prm['b']}" in rec.question and rec.answer < p ** prm["b"]
            modulus = p ** prm["b"]
            assert rec.answer == max(m for m in range(1, modulus) if (m ** prm["k"] + prm["c"]) % modulus == 0)


def test_lte_qr_least_root_is_positive_regression():
    # OMEGA weak point #12: template 3's "minimum integer n" could be 0 (or unbounded below); n = 0 solves
    # n^2 - 4 = 0 (mod 4) but the least positive solution is 2
    params = {"template": "least_root", "k": 2, "c": -4, "p": 2, "e": 2}
    assert compute_answer(params) == 2 == scan_answer(params)
    for rec in _records("numbertheory_lte_qr", 3, 40):
        if rec.params["template"] == "least_root":
            assert "least positive integer n" in rec.question and rec.answer >= 1


def test_lte_qr_root_counts_by_hand():
    assert positive_roots(roots_by_lifting(2, 1, 5, 1), 5) == [2, 3]
    assert positive_roots(roots_by_lifting(2, 1, 5, 2), 25) == [7, 18]
    assert positive_roots(roots_by_lifting(3, 1, 7, 1), 7) == [3, 5, 6]
    assert compute_answer({"template": "count_roots", "j": 3, "c": 1, "p": 7, "e": 1}) == 3
    assert compute_answer({"template": "count_plus_least_root", "j": 3, "c": 1, "p": 7, "e": 1}) == 3 + 3
    # p = 2: m^2 = -1 (mod 4) has no solution; mod 2 it has m = 1
    assert compute_answer({"template": "count_roots", "j": 2, "c": 1, "p": 2, "e": 2}) == 0
    assert compute_answer({"template": "count_roots", "j": 2, "c": 1, "p": 2, "e": 1}) == 1
    # m^2 = 2 (mod 7): m = 3, 4
    assert compute_answer({"template": "count_roots", "j": 2, "c": -2, "p": 7, "e": 1}) == 2


def test_integer_root_cases_are_excluded():
    assert has_integer_root(2, -4) and has_integer_root(3, 8) and has_integer_root(3, -27) and has_integer_root(5, -1)
    assert not has_integer_root(2, 4) and not has_integer_root(4, 1) and not has_integer_root(2, -3)


@pytest.mark.parametrize("seed", range(10))
def test_lifting_matches_scanning(seed):
    rng = random.Random(seed)
    for _ in range(20):
        k, c = rng.randint(1, 6), rng.randint(-6, 6)
        p, e = rng.choice((2, 3, 5, 7, 11)), rng.randint(1, 4)
        assert roots_by_lifting(k, c, p, e) == [int(r) for r in roots_by_scan(k, c, p**e)]


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_lte_qr_items_are_checked_and_well_formed(level):
    fam = registry.get_family("numbertheory_lte_qr")
    low, high = fam.levels[level]["band"]
    for rec in _records("numbertheory_lte_qr", level, 25):
        assert low <= rec.answer <= high
        assert json.loads(json.dumps(rec.params)) == rec.params
        assert "largest" not in rec.question or "m <" in rec.question


@pytest.mark.slow
@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_lte_qr_200_items_per_level(level):
    assert len(_records("numbertheory_lte_qr", level, 200)) == 200


# ------------------------------------------------------------------ numbertheory_qr_sum


QR = "numbertheory_qr_sum"


def _literal_kth(params: dict) -> int:
    d = params["d"]
    candidates = range(10**d - 1, 10 ** (d - 1) - 1, -1) if params["largest"] else range(10 ** (d - 1), 10**d)
    hits = [n for n in candidates if holds_by_text(params["template"], n, params)]
    return hits[params["k"] - 1]


def test_qr_sum_aime_2024_digit_change():
    # AIME 2024: greatest 4-digit N with every one-digit change to 1 divisible by 7 is 5694; Q + R = 5 + 694
    params = {"template": "one_digit_change", "d": 4, "k": 1, "largest": True, "m": 7, "t": 1, "s": 3}
    fam = registry.get_family(QR)
    assert find_kth(params) == 5694 and fam.solve(params) == 699 and fam.check(params, 699)


@pytest.mark.parametrize("template", TEMPLATES)
def test_digit_property_implementations_agree(template):
    rng = random.Random(template)
    for d in (1, 2, 3, 4):
        params = {"m": rng.randint(2, 13), "t": rng.randint(1, 9)}
        values = np.arange(10 ** (d - 1), 10**d)
        by_place = mask_by_place_values(template, values, d, params)
        assert np.array_equal(by_place, mask_by_digit_matrix(template, values, d, params))
        assert by_place.tolist() == [holds_by_text(template, int(v), params) for v in values]


def test_qr_sum_one_digit_numbers_are_well_defined_regression():
    # OMEGA: d = 1 crashed (int('')); with 10^0 the quotient is N and the remainder 0
    params = {"template": "digit_sum", "d": 1, "k": 1, "largest": True, "m": 4, "s": 0}
    fam = registry.get_family(QR)
    assert find_kth(params) == 8 and fam.solve(params) == 8 and fam.check(params, 8)


def test_qr_sum_keeps_zero_remainder_regression():
    # OMEGA dropped answers with R = 0 (or Q = 0). Largest 3-digit N with N and its reversal divisible by 11:
    # 990 (reversal 99); divided by 10 that is Q = 99, R = 0, so Q + R = 99
    params = {"template": "reversal", "d": 3, "k": 1, "largest": True, "m": 11, "s": 1}
    fam = registry.get_family(QR)
    assert find_kth(params) == 990 and quotient_plus_remainder(990, 1) == 99
    assert fam.solve(params) == 99 and fam.check(params, 99)


def test_qr_sum_excludes_zero_digits_explicitly_regression():
    # OMEGA: digit 0 made the lcm 0 and the number was skipped silently. Here the rule is stated: the smallest
    # 2-digit N with no digit 0, divisible by its digits and by 5 is 15 (10 is excluded by its 0)
    params = {"template": "digit_divisible", "d": 2, "k": 1, "largest": False, "m": 5, "s": 1}
    assert find_kth(params) == 15 and registry.get_family(QR).solve(params) == 1 + 5
    for rec in _records(QR, 4, 60):
        if rec.params["template"] == "digit_divisible":
            assert "no digit of N is 0" in rec.question


def test_qr_sum_direction_matches_wording_regression():
    # OMEGA: the chained template said "maximum N" but searched for the minimum; here every generated item is
    # re-solved by reading its question literally (plain loops over the whole d-digit range)
    for level in (1, 2, 3):
        for rec in _records(QR, level, 30):
            p = rec.params
            word = "largest" if p["largest"] else "smallest"
            assert word in rec.question and ("smallest" if p["largest"] else "largest") not in rec.question
            n = _literal_kth(p)
            assert rec.answer == n // 10 ** p["s"] + n % 10 ** p["s"]


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_qr_sum_items_are_checked_and_well_formed(level):
    fam = registry.get_family(QR)
    for rec in _records(QR, level, 20):
        p = rec.params
        assert p["d"] in fam.levels[level]["digits"] and 1 <= p["s"] <= p["d"] - 1
        assert f"{p['d']}-digit" in rec.question and "Q + R" in rec.question
        assert json.loads(json.dumps(p)) == p


@pytest.mark.slow
@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_qr_sum_200_items_per_level(level):
    assert len(_records(QR, level, 200)) == 200
