"""combinatory_probability_no_fixed_points: probability that a shuffled drawn word keeps no letter in place.

Ladder: level L+1 shuffles a longer word (length 2..6, ``SHUFFLE_LEVELS``), so more permutations to account
for (the test's proxy: length!).
"""
from __future__ import annotations

from typing import Any

from generators.combinatorics.letter_shuffle_family import LetterShuffleProbability
from generators.registration import register_family


@register_family
class ProbabilityNoFixedPoints(LetterShuffleProbability):
    name = "combinatory_probability_no_fixed_points"
    description = "Draw letters from a multiset into a word, shuffle it: probability that no position keeps its letter"
    event_kind = "no_fixed_points"

    def event_question(self, event: dict[str, Any]) -> str:
        return ("What is the probability that no position of the shuffled word holds the same letter it held "
                "before the shuffle?")
