"""Shared base of the four draw-then-shuffle probability families (OMEGA combinatory_probability_*).

"Form a word by drawing L letters from a multiset, shuffle it; what is the probability of <event>? Answer m+n
for p = m/n in lowest terms." Subclasses only say which event they ask about and how to phrase it; the exact
probability comes from :mod:`generators.combinatorics.shuffle_events` (method 1 in ``solve``, the independent
method 2 in ``check``). Instances with p = 0 or p = 1 are re-drawn.
"""
from __future__ import annotations

import random
from abc import abstractmethod
from fractions import Fraction
from typing import Any, ClassVar

from generators.combinatorics.letter_multiset import canonical_letter_key, random_multiset, render_multiset
from generators.combinatorics.shuffle_events import probability_by_formula, probability_by_permutations
from generators.family import Family, Problem, Reject

# OMEGA combi_config: word length 2,3,4,4,5 (here 2..6, see below); multiset size 4,6,8,10,11; letter types max(3, level). The sizes
# were YAML ranges of which the original read only the lower end (OMEGA weak point #16); here the size is drawn
# from a range starting there (upper ends ours). With a fixed size level 1 had a single possible answer. The
# probability depends only on the letter counts, so problems are de-duplicated up to renaming letters
# (``instance_key``); the wide size and type ranges give every level hundreds of genuinely distinct problems.
SHUFFLE_LEVELS: dict[int, dict[str, Any]] = {
    1: {"length": 2, "total": (4, 20), "types": (2, 7)},
    2: {"length": 3, "total": (6, 20), "types": (3, 7)},
    3: {"length": 4, "total": (8, 18), "types": (3, 6)},
    4: {"length": 5, "total": (12, 20), "types": (4, 7)},
    5: {"length": 6, "total": (14, 20), "types": (4, 7)},
}
# Issue 16: OMEGA's word lengths 2,3,4,4,5 made levels 3 and 4 the same task; here the length grows at every
# level (2..6), so level L+1 has more positions to shuffle (L! permutations, the ladder test's proxy) and a
# larger denominator.

_SETUPS = (
    "Form a word by randomly choosing {length} letters from the multiset {multiset}: the letters are drawn one "
    "at a time without replacement, each remaining letter equally likely, and written down in the order drawn. "
    "Then shuffle the word by rearranging its {length} positions with a uniformly random permutation.",
    "From the multiset {multiset}, {length} letters are drawn at random without replacement (every remaining "
    "letter equally likely at each draw) and written left to right in the order drawn to make a word. The "
    "letters of this word are then shuffled: a permutation of its {length} positions is chosen uniformly at random.",
)
_ANSWER_FORM = " Write this probability as m/n with m and n coprime positive integers and give m + n."


def draw_letter_and_n(rng: random.Random, letters: dict[str, int], kind: str) -> dict[str, Any]:
    """A random special letter x and n in [1, min(3, copies of x in the multiset)] (OMEGA's range)."""
    x = rng.choice(sorted(letters))
    return {"kind": kind, "letter": x, "n": rng.randint(1, min(3, letters[x]))}


def answer_from_probability(p: Fraction) -> int:
    return p.numerator + p.denominator


class LetterShuffleProbability(Family):
    """Base class; subclasses set ``event_kind`` and implement ``draw_event`` and ``event_question``."""

    def instance_key(self, params) -> str:
        """Renaming the letters gives the same problem: dedupe and split by the canonical form."""
        return canonical_letter_key(params)

    domain = "combinatorics"
    answer_type = "int"
    levels = SHUFFLE_LEVELS
    version = "2"  # issue 16: word length grows at every level (levels 4-5 are one letter longer)
    test_items = 40  # items per level in the default generic test run (200 under -m slow)
    event_kind: ClassVar[str]

    def draw_event(self, rng: random.Random, letters: dict[str, int]) -> dict[str, Any]:
        """The event dict (see shuffle_events) for this family; may depend on the multiset."""
        return {"kind": self.event_kind}

    @abstractmethod
    def event_question(self, event: dict[str, Any]) -> str:
        """The sentence asking for the probability of ``event``."""

    def generate(self, rng: random.Random, level: int) -> Problem:
        knobs = self.levels[level]
        total = rng.randint(*knobs["total"])
        letters = random_multiset(rng, rng.randint(knobs["types"][0], min(knobs["types"][1], total)), total)
        event = self.draw_event(rng, letters)
        p = probability_by_permutations(letters, knobs["length"], event)
        if p in (0, 1):
            raise Reject(f"probability {p} is trivial")
        setup = rng.choice(_SETUPS).format(length=knobs["length"], multiset=render_multiset(letters))
        question = f"{setup} {self.event_question(event)}{_ANSWER_FORM}"
        params = {"letters": letters, "length": knobs["length"], "event": event}
        return Problem(question=question, params=params)


    def instance_level(self, params) -> int | None:
        """Levels draw disjoint word lengths (in the instance key), so the instance shows its level."""
        return self.level_with(length=params["length"])

    def solve(self, params: dict[str, Any]) -> int:
        p = probability_by_permutations(params["letters"], params["length"], params["event"])
        return answer_from_probability(p)

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        p = probability_by_formula(params["letters"], params["length"], params["event"])
        return isinstance(answer, int) and 0 < p < 1 and answer == answer_from_probability(p)
