"""Number-theory families: hand-computed cases, regression tests for OMEGA weak point #12, the two counting routes
against plain loops, and solve-vs-check over many generated items per level."""
from __future__ import annotations

import json
import random
from math import gcd

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
from generators.numbertheory.ordered_lte import independent_count, true_count
from generators.settings import make_record


def _records(name: str, level: int, count: int, seed: int = 11):
    fam = registry.get_family(name)
    seen: set[str] = set()
    return [make_record(fam, setting_key=name, setting_name=name, axis="exploratory", split="test", level=level,
                        seed=seed, index=i, seen=seen) for i in range(count)]


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
    # AIME 2025 I #15: triples 1 <= a, b, c <= 3^6 with 3^7 | a^3 + b^3 + c^3 -> N mod 1000 = 735
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
