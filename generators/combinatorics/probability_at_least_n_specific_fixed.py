"""combinatory_probability_at_least_n_specific_fixed: probability that at least n places of a letter keep it.

Ladder: level L+1 shuffles a longer word (length 2..6, ``SHUFFLE_LEVELS``), so more permutations to account
for (the test's proxy: length!).
"""
from __future__ import annotations

import random
from typing import Any

from generators.combinatorics.letter_shuffle_family import LetterShuffleProbability, draw_letter_and_n
from generators.registration import register_family


@register_family
class ProbabilityAtLeastNSpecificFixed(LetterShuffleProbability):
    name = "combinatory_probability_at_least_n_specific_fixed"
    description = "Draw letters into a word, shuffle it: probability that at least n positions of one letter keep it"
    event_kind = "at_least_letter_fixed"

    def draw_event(self, rng: random.Random, letters: dict[str, int]) -> dict[str, Any]:
        return draw_letter_and_n(rng, letters, self.event_kind)

    def event_question(self, event: dict[str, Any]) -> str:
        x, n = event["letter"], event["n"]
        noun, verb = ("position", "holds") if n == 1 else ("positions", "hold")
        return (f"What is the probability that at least {n} {noun} that held the letter '{x}' before the shuffle "
                f"still {verb} '{x}' after it?")
