"""Combinatorics families: hand-computed cases, the two exact methods against a literal simulation, and
solve-vs-check over many generated items per level."""
from __future__ import annotations

import json
import random
from fractions import Fraction
from itertools import permutations

import pytest

from generators import registry
from generators.answers import near_rounding_boundary
from generators.combinatorics.box_counting import (
    brute_force_distributions,
    labeled_by_boxes,
    labeled_by_letters,
    unlabeled_by_burnside,
    unlabeled_by_canonical_forms,
)
from generators.combinatorics.distribution import distribution_question
from generators.combinatorics.letter_multiset import random_composition, render_multiset, sub_multisets
from generators.combinatorics.pattern_expectation import (
    PATTERN_KINDS,
    expectation_by_enumeration,
    expectation_by_linearity,
    pattern_text,
)
from generators.combinatorics.pattern_matching import round_half_up
from generators.combinatorics.shuffle_events import (
    multiset_derangement_share,
    probability_by_formula,
    probability_by_permutations,
)
from generators.settings import make_record

SHUFFLE_FAMILIES = [
    "combinatory_probability_no_fixed_points",
    "combinatory_probability_no_specific_letter_fixed",
    "combinatory_probability_exactly_n_specific_fixed",
    "combinatory_probability_at_least_n_specific_fixed",
]



def _records(name: str, level: int, count: int, seed: int = 11):
    fam = registry.get_family(name)
    seen: set[str] = set()
    return [make_record(fam, setting_key=name, setting_name=name, axis="exploratory", split="test", level=level,
                        seed=seed, index=i, seen=seen) for i in range(count)]


def literal_shuffle_probability(letters: dict[str, int], length: int, event: dict) -> Fraction:
    """The question read literally: every copy is a distinct tile; all ordered draws, all position shuffles."""
    tiles = [ch for ch in sorted(letters) for _ in range(letters[ch])]
    good = total = 0
    for draw in permutations(range(len(tiles)), length):
        word = [tiles[i] for i in draw]
        for perm in permutations(range(length)):
            shuffled = [word[j] for j in perm]
            fixed = [i for i in range(length) if shuffled[i] == word[i]]
            special = sum(1 for i in fixed if word[i] == event.get("letter"))
            kind = event["kind"]
            ok = {
                "no_fixed_points": not fixed,
                "no_letter_fixed": special == 0,
                "exactly_letter_fixed": special == event.get("n"),
                "at_least_letter_fixed": special >= event.get("n", 0),
            }[kind]
            good += ok
            total += 1
    return Fraction(good, total)


ALL_FAMILIES = SHUFFLE_FAMILIES + ["combinatory_distribution", "combinatory_pattern_matching"]


@pytest.mark.parametrize("name", ALL_FAMILIES)
def test_same_seed_same_bytes(name):
    level = max(registry.get_family(name).level_range)
    first = [r.to_json() for r in _records(name, level, 4, seed=5)]
    assert first == [r.to_json() for r in _records(name, level, 4, seed=5)]
    assert first != [r.to_json() for r in _records(name, level, 4, seed=6)]


# ------------------------------------------------------------------ helpers
def test_random_composition_is_positive_and_sums():
    rng = random.Random(3)
    for _ in range(200):
        parts = random_composition(rng, 11, 5)
        assert len(parts) == 5 and sum(parts) == 11 and min(parts) >= 1


def test_sub_multisets_enumerates_exactly_the_bounded_vectors():
    got = list(sub_multisets((2, 1, 3), 3))
    expected = [(a, b, c) for a in range(3) for b in range(2) for c in range(4) if a + b + c == 3]
    assert got == sorted(expected)


def test_ordered_draw_weights_match_a_walk_over_every_draw_sequence():
    """The per-count-vector DP gives, key for key and in the same order, the probabilities of a literal walk
    over every ordered draw sequence (callers iterate the dict)."""
    from math import prod

    from generators.combinatorics.shuffle_events import ordered_draw_weights

    rng = random.Random(3)
    for _ in range(25):
        counts = tuple(rng.randint(1, 4) for _ in range(rng.randint(1, 5)))
        length = rng.randint(0, min(5, sum(counts)))
        walked: dict[tuple[int, ...], int] = {}

        def walk(remaining, drawn, weight, left):
            if left == 0:
                walked[tuple(drawn)] = walked.get(tuple(drawn), 0) + weight
                return
            for i, c in enumerate(remaining):
                if c:
                    remaining[i] -= 1
                    drawn[i] += 1
                    walk(remaining, drawn, weight * c, left - 1)
                    remaining[i] += 1
                    drawn[i] -= 1

        walk(list(counts), [0] * len(counts), 1, length)
        pool = sum(counts)
        denominator = prod(range(pool - length + 1, pool + 1))
        want = {k: Fraction(v, denominator) for k, v in walked.items()}
        got = ordered_draw_weights(counts, length)
        assert list(got.items()) == list(want.items())
        assert sum(got.values()) == 1


# ------------------------------------------------------------------ hand-computed cases
def test_no_fixed_points_hand_case_two_letters():
    # {e:1, i:2, s:1}, 2 letters: "ii" (prob 1/6) can never be deranged; distinct pairs are swapped with prob 1/2
    letters = {"e": 1, "i": 2, "s": 1}
    p = probability_by_permutations(letters, 2, {"kind": "no_fixed_points"})
    assert p == Fraction(5, 6) * Fraction(1, 2) == Fraction(5, 12)
    assert probability_by_formula(letters, 2, {"kind": "no_fixed_points"}) == p


def test_no_fixed_points_of_distinct_letters_is_the_derangement_ratio():
    letters = {"a": 1, "b": 1, "c": 1, "d": 1}
    assert probability_by_permutations(letters, 4, {"kind": "no_fixed_points"}) == Fraction(9, 24)
    assert multiset_derangement_share((1, 1, 1, 1)) == Fraction(9, 24)


def test_multiset_derangement_share_known_values():
    assert multiset_derangement_share((2,)) == 0  # "aa" keeps both a's in place
    assert multiset_derangement_share((2, 2)) == Fraction(4, 24)  # "aabb" -> only "bbaa": 2!*2! of 24 perms
    assert multiset_derangement_share((1, 2)) == 0  # "abb": b's have only one non-b slot


@pytest.mark.parametrize("seed", range(12))
def test_both_methods_match_the_literal_reading(seed):
    rng = random.Random(seed)
    types = rng.randint(2, 3)
    counts = random_composition(rng, rng.randint(types, 6), types)
    letters = dict(zip("abc", counts))
    length = rng.randint(1, min(4, sum(counts)))
    letter = rng.choice(sorted(letters))
    n = rng.randint(1, 2)
    for event in ({"kind": "no_fixed_points"}, {"kind": "no_letter_fixed", "letter": letter},
                  {"kind": "exactly_letter_fixed", "letter": letter, "n": n},
                  {"kind": "at_least_letter_fixed", "letter": letter, "n": n}):
        expected = literal_shuffle_probability(letters, length, event)
        assert probability_by_permutations(letters, length, event) == expected, event
        assert probability_by_formula(letters, length, event) == expected, event


# ------------------------------------------------------------------ generated items
@pytest.mark.parametrize("name", SHUFFLE_FAMILIES)
@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_shuffle_items_are_checked_and_well_formed(name, level):
    for rec in _records(name, level, 15):
        p = probability_by_formula(rec.params["letters"], rec.params["length"], rec.params["event"])
        assert 0 < p < 1 and rec.answer == p.numerator + p.denominator
        assert "m + n" in rec.question and str(rec.params["length"]) in rec.question
        assert json.loads(json.dumps(rec.params)) == rec.params
        knobs = registry.get_family(name).levels[level]
        total = sum(rec.params["letters"].values())
        assert knobs["total"][0] <= total <= knobs["total"][1] and knobs["types"][0] <= len(rec.params["letters"]) <= knobs["types"][1]


@pytest.mark.slow
@pytest.mark.parametrize("name", SHUFFLE_FAMILIES)
@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_shuffle_200_items_per_level(name, level):
    assert len(_records(name, level, 200)) == 200


# ------------------------------------------------------------------ combinatory_distribution


def test_distribution_hand_cases():
    # {a:2, b:2} into two boxes of 2: labeled aa|bb, ab|ab, bb|aa = 3; unlabeled {aa,bb}, {ab,ab} = 2
    assert labeled_by_boxes((2, 2), (2, 2)) == 3 == labeled_by_letters((2, 2), (2, 2))
    assert unlabeled_by_burnside((2, 2), (2, 2)) == 2 == unlabeled_by_canonical_forms((2, 2), (2, 2))
    # four distinct letters into two boxes of 2: C(4,2) = 6 labeled, 3 unlabeled
    assert labeled_by_boxes((1, 1, 1, 1), (2, 2)) == 6
    assert unlabeled_by_burnside((1, 1, 1, 1), (2, 2)) == 3
    # six distinct letters into three unlabeled pairs: 6!/(2!^3 3!) = 15 perfect matchings
    assert unlabeled_by_burnside((1,) * 6, (2, 2, 2)) == 15 == unlabeled_by_canonical_forms((1,) * 6, (2, 2, 2))
    # boxes of different sizes are told apart by size: unlabeled = labeled
    assert unlabeled_by_burnside((2, 1, 1), (1, 3)) == labeled_by_boxes((2, 1, 1), (1, 3)) == 3


@pytest.mark.parametrize("seed", range(15))
def test_distribution_counts_agree_with_brute_force(seed):
    rng = random.Random(seed)
    types, boxes = rng.randint(1, 4), rng.randint(1, 4)
    total = rng.randint(max(types, boxes), 8)
    counts, sizes = tuple(random_composition(rng, total, types)), tuple(random_composition(rng, total, boxes))
    labeled = brute_force_distributions(counts, sizes, True)
    unlabeled = brute_force_distributions(counts, sizes, False)
    assert labeled_by_boxes(counts, sizes) == labeled == labeled_by_letters(counts, sizes)
    assert unlabeled_by_burnside(counts, sizes) == unlabeled == unlabeled_by_canonical_forms(counts, sizes)


def test_distribution_params_describe_the_asked_instance_regression():
    # OMEGA weak point #16: the original stored letters / box sizes / labeled flag of a different, discarded draw
    for level in (1, 3, 6):
        for rec in _records("combinatory_distribution", level, 30):
            p = rec.params
            assert rec.question in {distribution_question(p, v) for v in (0, 1)}
            assert render_multiset(p["letters"]) in rec.question
            assert ("unlabeled" in rec.question or "indistinguishable" in rec.question) == (not p["labeled"])
            knobs = registry.get_family("combinatory_distribution").levels[level]
            assert sum(p["letters"].values()) == sum(p["box_sizes"])
            assert knobs["letters"][0] <= sum(p["box_sizes"]) <= knobs["letters"][1]
            assert len(p["letters"]) == knobs["types"] and len(p["box_sizes"]) == knobs["boxes"]
            assert rec.answer == registry.get_family("combinatory_distribution").solve(p) >= 2


@pytest.mark.parametrize("level", [1, 2, 3, 4, 5, 6])
def test_distribution_items_are_checked(level):
    recs = _records("combinatory_distribution", level, 25)
    assert all(isinstance(r.answer, int) and r.answer >= 2 for r in recs)


@pytest.mark.slow
@pytest.mark.parametrize("level", [1, 2, 3, 4, 5, 6])
def test_distribution_200_items_per_level(level):
    assert len(_records("combinatory_distribution", level, 200)) == 200


# ------------------------------------------------------------------ combinatory_pattern_matching


def test_pattern_hand_cases():
    # {a:1, b:1}, two letters: "ab" with probability 1/2 holds one a.*b
    assert expectation_by_linearity({"a": 1, "b": 1}, 2, "gap", "a", "b") == Fraction(1, 2)
    # {a:2, b:1}, three letters: aab has aab, ab (2); aba has ab (1); baa none -> (2 + 1 + 0) / 3 = 1
    for kind in ("star_tail", "plus_tail"):
        assert expectation_by_linearity({"a": 2, "b": 1}, 3, kind, "a", "b") == 1
        assert expectation_by_enumeration({"a": 2, "b": 1}, 3, pattern_text(kind, "a", "b")) == 1
    # 'ab+' in the same words: only the block "ab" (aab, aba) -> 2/3
    assert expectation_by_linearity({"a": 2, "b": 1}, 3, "head_plus", "a", "b") == Fraction(2, 3)


@pytest.mark.parametrize("seed", range(20))
def test_pattern_linearity_matches_enumeration(seed):
    rng = random.Random(seed)
    length = rng.randint(2, 5)
    counts = random_composition(rng, rng.randint(max(length, 4), 9), rng.randint(2, 4))
    letters = dict(zip("abcd", counts))
    x, y = rng.sample(sorted(letters), 2)
    for kind in PATTERN_KINDS:
        assert expectation_by_linearity(letters, length, kind, x, y) == \
            expectation_by_enumeration(letters, length, pattern_text(kind, x, y)), kind


def test_pattern_matching_exact_expectation_not_float_regression():
    # OMEGA weak point #18: the original summed floats and used round(x, 2). Here {a:7, b:1}, two letters, a.*b
    # has the exact expectation 1/8 = 0.125: a float round gives 0.12, half-up gives 0.13, so such an instance
    # sits on a rounding boundary and is never generated.
    value = expectation_by_linearity({"a": 7, "b": 1}, 2, "gap", "a", "b")
    assert value == Fraction(1, 8)
    assert round(float(value), 2) == 0.12 and round_half_up(value, 2) == "0.13"
    assert near_rounding_boundary(value, 2)
    fam = registry.get_family("combinatory_pattern_matching")
    for level in (1, 3, 5):
        for rec in _records("combinatory_pattern_matching", level, 40):
            p = rec.params
            exact = expectation_by_enumeration(p["letters"], p["length"], p["pattern"])
            assert rec.answer == rec.ground_truth == round_half_up(exact, 2) == fam.solve(p)
            assert not near_rounding_boundary(exact, 2) and exact > 0
            assert rec.answer_type == "decimal:2" and len(rec.answer.split(".")[1]) == 2
            assert f"'{p['pattern']}'" in rec.question and "2 decimal places" in rec.question


@pytest.mark.slow
@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
def test_pattern_matching_200_items_per_level(level):
    assert len(_records("combinatory_pattern_matching", level, 200)) == 200
