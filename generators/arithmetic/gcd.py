"""arithmetic_gcd: the greatest common divisor of two integers built around a chosen gcd.

Ladder: level L+1 has a larger digit budget, so the operands are longer and the Euclidean algorithm runs more
steps (the test's proxy: digits of the larger operand).
"""
from __future__ import annotations

import math
import random

from generators.family import Family, Problem
from generators.instance_key import params_key
from generators.registration import register_family

_WORDINGS = (
    "What is the greatest common divisor of {p} and {q}?",
    "Find the highest common factor of {p} and {q}.",
    "Compute gcd({p}, {q}).",
    "Determine the largest positive integer that divides both {p} and {q}.",
)


def binary_gcd(a: int, b: int) -> int:
    """Stein's algorithm: an independent route to the gcd (shifts and subtractions, no division)."""
    a, b = abs(a), abs(b)
    if a == 0 or b == 0:
        return a or b
    shift = 0
    while (a | b) & 1 == 0:
        a >>= 1
        b >>= 1
        shift += 1
    while a & 1 == 0:
        a >>= 1
    while b:
        while b & 1 == 0:
            b >>= 1
        if a > b:
            a, b = b, a
        b -= a
    return a << shift


@register_family
class ArithmeticGcd(Family):
    name = "arithmetic_gcd"
    domain = "arithmetic"
    description = "Greatest common divisor of two integers; the digit budget grows with the level"
    answer_type = "int"
    # entropy = total decimal-digit budget of the two operands (OMEGA: 4-7, 10-12, 15-20, 20-25, 25-30)
    levels = {
        1: {"entropy": (4, 7)},
        2: {"entropy": (10, 12)},
        3: {"entropy": (15, 20)},
        4: {"entropy": (20, 25)},
        5: {"entropy": (25, 30)},
    }

    def generate(self, rng: random.Random, level: int) -> Problem:
        lo, hi = self.levels[level]["entropy"]
        entropy = rng.uniform(lo, hi)
        # split the digit budget between the gcd and the two cofactors
        g_digits = max(1.0, entropy * rng.uniform(0.15, 0.35))
        c_digits = max(1.0, (entropy - g_digits) / 2)
        g = rng.randint(2, max(2, int(10**g_digits)))
        while True:
            a = rng.randint(1, max(2, int(10**c_digits)))
            b = rng.randint(1, max(2, int(10**c_digits)))
            if a != b and math.gcd(a, b) == 1:
                break
        p, q = g * a, g * b
        question = rng.choice(_WORDINGS).format(p=p, q=q)
        return Problem(question=question, params={"p": p, "q": q})

    def instance_key(self, params: dict) -> str:
        """gcd(p, q) = gcd(q, p): the unordered pair."""
        return params_key(params, p=min(params["p"], params["q"]), q=max(params["p"], params["q"]))

    def solve(self, params: dict) -> int:
        return math.gcd(params["p"], params["q"])

    def check(self, params: dict, answer: int) -> bool:
        p, q = params["p"], params["q"]
        return (
            isinstance(answer, int)
            and answer > 0
            and p % answer == 0
            and q % answer == 0
            and binary_gcd(p // answer, q // answer) == 1
            and binary_gcd(p, q) == answer
        )
