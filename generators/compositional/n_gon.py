"""comp_n_gon_test: expected score = (pattern occurrences in a random word) x (s-sided regions of a rotated figure).

Skill A (geometry_polygon_rotation): draw diagonals in a regular n-gon, rotate the drawing by r vertex positions,
superimpose the copy, and count the regions with exactly s sides. Skill B (combinatory_pattern_matching): the
expected number of occurrences of a regular-expression pattern in a word drawn without replacement. The test
gives one figure drawn by skill A's own generator and one word drawn by skill B's own generator (test level L
uses level L of both, so levels 1-2 are exactly the training distributions). A player scores R points for every
occurrence of the pattern, R being the number of s-sided regions; asked: the expected score

    E[K R] = R E[K],   rounded to 2 decimals (exact value first, half up).

Neither part can be skipped: R >= 1 is computed on the superimposed figure (the rotation changes the count: the
unrotated drawing gives a different number), and E[K] > 0 is not an integer. Items are drawn again when the
answer equals a one-skill shortcut: E[K] or R alone, 2 E[K], E[K] times the count for s - 1 or s + 1 sides,
the total number of regions, the count of the unrotated drawing or twice it (as if the two copies did not
interact); or when the exact value is within 1e-9 of
a rounding boundary.

solve: skill A's arrangement (exact planar arrangement, side histogram) times skill B's linearity formula.
check: skill A's check route (face corner counts by polygon clipping, cross-checked with the region count) times
skill B's check route (enumeration of the words with ``re.fullmatch``).
"""
from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

from generators.answers import format_decimal, near_rounding_boundary
from generators.combinatorics.letter_multiset import canonical_letter_key
from generators.combinatorics.pattern_expectation import expectation_by_enumeration, expectation_by_linearity
from generators.family import Family, Problem, Reject
from generators.geometry.polygon_arrangement import build_arrangement
from generators.geometry.polygon_clipping import face_corner_counts
from generators.geometry.polygon_common import chords_from_params, format_chords
from generators.geometry.polygon_concurrency import region_count
from generators.geometry.polygon_rotation import superimposed_diagonals
from generators.registration import register_family

PLACES = 2
MIN_EXPECTATION = Fraction(1, 20)
POLYGON_FAMILY = "geometry_polygon_rotation"
PATTERN_FAMILY = "combinatory_pattern_matching"
_FIGURE = (
    "A regular {n}-gon has its vertices labelled 1 to {n} counter-clockwise, and the diagonals {chords} are drawn. "
    "The whole figure is then rotated counter-clockwise about the centre of the polygon by {r} vertex position{rs}, "
    "and the rotated copy is superimposed on the original. All the diagonals of both copies together divide the "
    "interior of the polygon into regions; let R be the number of these regions that are polygons with exactly "
    "{s} sides (a side is a maximal straight segment of a region's boundary). "
)
_SCORE = (
    " Let K be the number of occurrences of '{pattern}' in the word. A player scores R points for every "
    "occurrence, K R points in all. What is the expected score? Give the exact expected value rounded to 2 decimal "
    "places."
)


def histogram(params: dict[str, Any], rotated: bool = True) -> dict[int, int]:
    n = params["n"]
    chords = chords_from_params(params["diagonals"])
    return build_arrangement(n, superimposed_diagonals(n, chords, params["r"]) if rotated else chords).side_histogram()


def score(params: dict[str, Any]) -> Fraction:
    w = params["word"]
    e = expectation_by_linearity(w["letters"], w["length"], w["kind"], w["x"], w["y"])
    return e * histogram(params).get(params["s"], 0)


def shortcut_values(params: dict[str, Any]) -> set[str]:
    w = params["word"]
    e = expectation_by_linearity(w["letters"], w["length"], w["kind"], w["x"], w["y"])
    hist, plain = histogram(params), histogram(params, rotated=False)
    s = params["s"]
    guesses = [e, Fraction(hist.get(s, 0)), 2 * e, e * hist.get(s - 1, 0), e * hist.get(s + 1, 0),
               e * sum(hist.values()), e * plain.get(s, 0), 2 * e * plain.get(s, 0), e * 2 * len(params["diagonals"])]
    return {format_decimal(g, PLACES) for g in guesses}


def _get(name: str):
    from generators.registry import get_family

    return get_family(name)


@register_family
class RotatedFigurePatternScore(Family):
    name = "comp_n_gon_test"
    axis = "compositional"
    domain = "geometry"
    description = "Expected score (pattern occurrences in a random word) x (s-sided regions of a rotated n-gon drawing)"
    answer_type = f"decimal:{PLACES}"
    version = "2"
    levels = {lv: {"polygon_level": lv, "pattern_level": lv} for lv in range(1, 6)}
    test_items = 20  # items per level in the generic default test; 200 per level run under -m slow
    max_attempts = 3000

    def generate(self, rng: random.Random, level: int) -> Problem:
        kn = self.levels[level]
        fig = _get(POLYGON_FAMILY).generate(rng, kn["polygon_level"]).params
        word = _get(PATTERN_FAMILY).generate(rng, kn["pattern_level"]).params
        params = {"n": fig["n"], "diagonals": fig["diagonals"], "r": fig["r"], "s": fig["s"], "word": word}
        value = score(params)
        e = expectation_by_linearity(word["letters"], word["length"], word["kind"], word["x"], word["y"])
        if e < MIN_EXPECTATION or value == 0:
            raise Reject("expected count too small or no s-sided region")
        if near_rounding_boundary(value, PLACES):
            raise Reject("too close to a rounding boundary")
        if format_decimal(value, PLACES) in shortcut_values(params):
            raise Reject("a one-skill shortcut gives the same answer")
        figure = _FIGURE.format(n=fig["n"], chords=format_chords(chords_from_params(fig["diagonals"])), r=fig["r"],
                                rs="" if fig["r"] == 1 else "s", s=fig["s"])
        question = "Separately, " + _word_text(word)
        return Problem(question=figure + question + _SCORE.format(pattern=word["pattern"]), params=params)

    def instance_key(self, params: dict) -> str:
        """The figure plus the word problem up to renaming its letters (``canonical_letter_key``)."""
        q = params
        return f"{self.name}|{q['n']}|{q['diagonals']}|{q['r']}|{q['s']}|{canonical_letter_key(q['word'])}"

    def solve(self, params: dict[str, Any]) -> str:
        return format_decimal(score(params), PLACES)

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        n = params["n"]
        drawn = superimposed_diagonals(n, chords_from_params(params["diagonals"]), params["r"])
        corners = face_corner_counts(n, drawn)
        if len(corners) != region_count(n, drawn):
            return False
        w = params["word"]
        value = expectation_by_enumeration(w["letters"], w["length"], w["pattern"]) * corners.count(params["s"])
        return not near_rounding_boundary(value, PLACES) and answer == format_decimal(value, PLACES)


def _word_text(word: dict[str, Any]) -> str:
    from generators.combinatorics.letter_multiset import render_multiset
    from generators.combinatorics.pattern_matching import _MEANINGS

    meaning = _MEANINGS[word["kind"]].format(x=f"'{word['x']}'", y=f"'{word['y']}'")
    return (f"a word is formed by drawing {word['length']} letters at random, without replacement, from the multiset "
            f"{render_multiset(word['letters'])} (every remaining letter equally likely at each draw) and writing them "
            f"left to right in the order drawn. An occurrence of the pattern '{word['pattern']}' (regular-expression "
            "notation: '.' is any single letter, '*' is zero or more repetitions of the symbol before it, '+' is one "
            "or more) is a pair of positions i < j such that the block of consecutive letters from position i "
            f"through position j matches the whole pattern, that is, {meaning}. Overlapping occurrences all count, "
            "and every block has at least two letters because i < j.")
