"""combinatory_probability_no_specific_letter_fixed: probability that a chosen letter keeps none of its places.

Ladder: level L+1 shuffles a longer word (length 2..6, ``SHUFFLE_LEVELS``), so more permutations to account
for (the test's proxy: length!).
"""
from __future__ import annotations

import random
from typing import Any

from generators.combinatorics.letter_shuffle_family import LetterShuffleProbability
from generators.registration import register_family


@register_family
class ProbabilityNoSpecificLetterFixed(LetterShuffleProbability):
    name = "combinatory_probability_no_specific_letter_fixed"
    description = "Draw letters into a word, shuffle it: probability that no position that held a given letter keeps it"
    event_kind = "no_letter_fixed"

    def draw_event(self, rng: random.Random, letters: dict[str, int]) -> dict[str, Any]:
        return {"kind": self.event_kind, "letter": rng.choice(sorted(letters))}

    def event_question(self, event: dict[str, Any]) -> str:
        x = event["letter"]
        return (f"What is the probability that none of the positions that held the letter '{x}' before the shuffle "
                f"still holds '{x}' after it? (If the word contains no '{x}', this counts as happening.)")
