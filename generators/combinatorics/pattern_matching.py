"""combinatory_pattern_matching: expected number of occurrences of a regex-like pattern in a randomly drawn word.

The expectation is an exact Fraction (OMEGA weak point #18: the original summed floats and called ``round``);
the answer is that value rounded half-up to 2 decimals with ``format_decimal``, and instances whose exact value
lies within 1e-9 of a rounding boundary, or which round to 0.00, are re-drawn. solve uses linearity of
expectation; check enumerates every ordered draw, matches blocks with ``re.fullmatch`` and rounds with
``decimal`` (ROUND_HALF_UP) rather than ``format_decimal``.

Ladder: level L+1 forms a longer word (length 2..6) from a larger multiset, so there are more placements to
count (the test's proxy: the word length).
"""
from __future__ import annotations

import random
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Any

from generators.answers import format_decimal, near_rounding_boundary
from generators.combinatorics.letter_multiset import random_multiset, render_multiset
from generators.combinatorics.pattern_expectation import (
    PATTERN_KINDS,
    expectation_by_enumeration,
    expectation_by_linearity,
    pattern_text,
)
from generators.family import Family, Problem, Reject
from generators.combinatorics.letter_multiset import canonical_letter_key
from generators.registration import register_family

PLACES = 2

_MEANINGS = {
    "gap": "the block starts with {x} and ends with {y}, with any letters (possibly none) in between",
    "gap_same": "the block starts with {x} and ends with {x}, with any letters (possibly none) in between",
    "head_plus": "the block is one {x} followed by one or more {y}'s and nothing else",
    "plus_tail": "the block is one or more {x}'s followed by a single {y} and nothing else",
    "head_star": "the block is one {x} followed by zero or more {y}'s and nothing else",
    "star_tail": "the block is zero or more {x}'s followed by a single {y} and nothing else",
}
_SETUPS = (
    "Form a word by randomly choosing {length} letters from the multiset {multiset}: the letters are drawn one at a "
    "time without replacement, each remaining letter equally likely, and written left to right in the order drawn.",
    "From the multiset {multiset}, {length} letters are drawn at random without replacement (every remaining letter "
    "equally likely at each draw) and written left to right in the order drawn to make a word.",
)
_DEFINITION = (
    " An occurrence of the pattern '{pattern}' (regular-expression notation: '.' is any single letter, '*' is zero "
    "or more repetitions of the symbol before it, '+' is one or more) is a pair of positions i < j such that the "
    "block of consecutive letters from position i through position j matches the whole pattern, that is, "
    "{meaning}. Overlapping occurrences all count, and every block has at least two letters because i < j."
    " What is the expected number of occurrences of '{pattern}' in the word? Give the exact expected value rounded "
    "to {places} decimal places."
)


def round_half_up(value: Fraction, places: int) -> str:
    """Round with the ``decimal`` module (an independent route to the same fixed-point string)."""
    with localcontext() as ctx:
        ctx.prec = 60
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        return str(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


@register_family
class CombinatoryPatternMatching(Family):
    name = "combinatory_pattern_matching"
    domain = "combinatorics"
    description = "Expected number of occurrences of a regex-like pattern in a word drawn without replacement"
    answer_type = f"decimal:{PLACES}"
    test_items = 40  # items per level in the default generic test run (200 under -m slow)
    # OMEGA combi_config: word length 2,3,4,5,6; multiset size 4,6,9,10,12 (the lower ends of YAML ranges, the
    # only part the original read); 2-5 letter types. Sizes here are drawn from ranges starting there; L1-L2
    # ranges are wide enough that each split holds hundreds of problems distinct up to renaming letters.
    levels = {
        1: {"length": 2, "total": (4, 10), "types": (2, 4)},
        2: {"length": 3, "total": (6, 10), "types": (2, 4)},
        3: {"length": 4, "total": (9, 10), "types": (3, 4)},
        4: {"length": 5, "total": (10, 12), "types": (3, 5)},
        5: {"length": 6, "total": (12, 14), "types": (4, 5)},
    }

    def instance_key(self, params) -> str:
        """Renaming the letters gives the same problem: dedupe and split by the canonical form."""
        return canonical_letter_key(params)

    def generate(self, rng: random.Random, level: int) -> Problem:
        knobs = self.levels[level]
        letters = random_multiset(rng, rng.randint(*knobs["types"]), rng.randint(*knobs["total"]))
        kind = rng.choice(PATTERN_KINDS)
        x, y = rng.sample(sorted(letters), 2)
        value = expectation_by_linearity(letters, knobs["length"], kind, x, y)
        if near_rounding_boundary(value, PLACES):
            raise Reject(f"expected value {value} is within 1e-9 of a rounding boundary")
        if format_decimal(value, PLACES) == format_decimal(Fraction(0), PLACES):
            raise Reject(f"expected value {value} rounds to zero")
        pattern = pattern_text(kind, x, y)
        question = rng.choice(_SETUPS).format(length=knobs["length"], multiset=render_multiset(letters))
        question += _DEFINITION.format(pattern=pattern, meaning=_MEANINGS[kind].format(x=x, y=y), places=PLACES)
        params = {"letters": letters, "length": knobs["length"], "kind": kind, "x": x, "y": y, "pattern": pattern}
        return Problem(question=question, params=params)

    def solve(self, params: dict[str, Any]) -> str:
        value = expectation_by_linearity(params["letters"], params["length"], params["kind"], params["x"], params["y"])
        return format_decimal(value, PLACES)

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        value = expectation_by_enumeration(params["letters"], params["length"], params["pattern"])
        return (answer == round_half_up(value, PLACES) and not near_rounding_boundary(value, PLACES)
                and params["pattern"] == pattern_text(params["kind"], params["x"], params["y"]))
