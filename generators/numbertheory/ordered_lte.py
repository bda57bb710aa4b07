"""numbertheory_ordered_lte (OMEGA "triple count"): count integers or tuples under power-divisibility conditions.

Templates (every range stated exactly, answer = N mod 1000):

* ``power_divisibility``: #{a : lo <= a <= b^p, b^q | a^b}, lo in {0, 1}. With lo = 0 the integer a = 0 is
  counted (b^q divides 0); the original generator dropped it (OMEGA weak point #12).
* ``power_sum``: ordered pairs / triples / quadruples with lo <= x_i <= b^p and b^q | sum c_i x_i^b.
* ``coprime_power_sum``: ordered triples with 1 <= x_i <= U, gcd(x, y, z) = 1 stated plainly, and
  b^q | sum c_i x_i^k.

solve counts on residue classes (valuations for one variable, cyclic convolution of residue-class histograms for
tuples, Moebius inversion for the coprime condition). check counts the same instance by brute force over every
integer / tuple when the range allows it, otherwise by a different algorithm (a scan for the least solution plus
a brute-force prefix for one variable; a value-by-value distribution walk for tuples).
Levels are bands of the true count N (disjoint, rising) with template mixes that can reach them.

Ladder: level L+1's answers lie in a higher disjoint band (2-20, 21-200, 201-2000, 2001-50000, above 50000),
so the search for the least solution runs longer (the test's proxy: the answer).
"""
from __future__ import annotations

import random
import json
from functools import lru_cache, reduce
from math import gcd
from typing import Any

import numpy as np

from generators.family import Family, Problem, Reject
from generators.instance_key import params_key
from generators.numbertheory.congruence_counting import (
    brute_count_coprime_tuples,
    brute_count_power_divisible,
    brute_count_tuples,
    count_coprime_tuples,
    count_multiples,
    count_power_divisible,
    count_tuples_by_residues,
    count_tuples_value_by_value,
    least_power_multiplier_by_scan,
    powmod_array,
)
from generators.registration import register_family

BRUTE_LIMIT = 1_000_000  # integers / tuples a check may enumerate outright
PREFIX_LIMIT = 100_000  # length of the brute-forced prefix when the full range is too long
MAX_RANGE = 800  # largest upper bound b^p of a power_sum variable (keeps the value-by-value check fast)
MAX_MODULUS = 2187  # largest b^q in the tuple templates
COPRIME_MAX = 100  # largest U of the coprime template (its check is always brute force)
MAX_SINGLE_MODULUS = 10**8  # largest b^q of power_divisibility (exact int64 brute force, short scans)
INNER_TRIES = 20  # draws within one template before the whole item is re-drawn

_VARS = {2: ("x", "y"), 3: ("x", "y", "z"), 4: ("w", "x", "y", "z")}
_TUPLE_NAMES = {2: "pairs", 3: "triples", 4: "quadruples"}
_ASKS = (
    "Find the remainder when N is divided by 1000.",
    "What is N mod 1000 (the remainder of N on division by 1000)?",
)


def render_power_sum(coeffs: list[int], exponent: int, names: tuple[str, ...]) -> str:
    """``2x^3 + y^3 - 3z^3``"""
    out = ""
    for c, v in zip(coeffs, names):
        mag = "" if abs(c) == 1 else str(abs(c))
        term = f"{mag}{v}^{exponent}"
        out += (("-" if c < 0 else "") + term) if not out else ((" - " if c < 0 else " + ") + term)
    return out


def true_count(params: dict[str, Any]) -> int:
    """N by the residue-class methods."""
    t = params["template"]
    if t == "power_divisibility":
        return count_power_divisible(params["base"], params["p"], params["q"], params["lo"])
    if t == "power_sum":
        return count_tuples_by_residues(params["coeffs"], params["base"], params["base"] ** params["q"],
                                        params["lo"], params["base"] ** params["p"])
    if t == "coprime_power_sum":
        return count_coprime_tuples(params["coeffs"], params["exponent"], params["base"] ** params["q"], params["hi"])
    raise ValueError(f"unknown template {t!r}")


def drawn_count(params: dict[str, Any]) -> int:
    """``true_count``, remembered for the last draws: ``generate`` and ``instance_level`` both need it."""
    return _remembered_count(json.dumps(params, sort_keys=True))


@lru_cache(maxsize=64)
def _remembered_count(text: str) -> int:
    return true_count(json.loads(text))


def independent_count(params: dict[str, Any]) -> int:
    """N by brute force where the range allows, otherwise by the second algorithms."""
    t = params["template"]
    if t == "power_divisibility":
        b, p, q, lo = params["base"], params["p"], params["q"], params["lo"]
        hi = b**p
        if hi - lo + 1 <= BRUTE_LIMIT:
            return brute_count_power_divisible(b, p, q, lo)
        m = least_power_multiplier_by_scan(b, q)
        # the solutions form the ideal mZ; confirm that shape by brute force on a prefix of the range
        prefix = np.arange(lo, lo + PREFIX_LIMIT, dtype=np.int64)
        hits = np.flatnonzero(powmod_array(prefix, b, b**q) == 0) + lo
        if not np.array_equal(hits, np.arange(-(-lo // m) * m, lo + PREFIX_LIMIT, m)):
            return -1
        return count_multiples(m, lo, hi)
    if t == "power_sum":
        b, lo = params["base"], params["lo"]
        hi, modulus = b ** params["p"], b ** params["q"]
        if (hi - lo + 1) ** len(params["coeffs"]) <= BRUTE_LIMIT:
            return brute_count_tuples(params["coeffs"], b, modulus, lo, hi)
        return count_tuples_value_by_value(params["coeffs"], b, modulus, lo, hi)
    if t == "coprime_power_sum":
        return brute_count_coprime_tuples(params["coeffs"], params["exponent"], params["base"] ** params["q"],
                                          params["hi"])
    raise ValueError(f"unknown template {t!r}")


def _coefficients(rng: random.Random, r: int, base: int) -> list[int]:
    """Nonzero coefficients prime to the base, with no common factor and a positive leading one."""
    choices = [c for c in range(-6, 7) if c % base != 0]
    coeffs = [rng.choice(choices) for _ in range(r)]
    coeffs[0] = abs(coeffs[0])  # a leading minus sign only flips the congruence
    if reduce(gcd, coeffs) != 1:
        coeffs[0] = 1
    return coeffs


def render_power(base: int, exponent: int) -> str:
    return str(base) if exponent == 1 else f"{base}^{exponent}"


@register_family
class NumberTheoryOrderedLte(Family):
    name = "numbertheory_ordered_lte"
    domain = "number_theory"
    description = "Count integers or ordered tuples in a stated range under power-divisibility conditions, mod 1000"
    answer_type = "int"
    test_items = 40  # items per level in the default generic test run (200 under -m slow)
    # band: the true count N (before mod 1000); templates: which statements this level draws from
    levels = {
        1: {"band": (2, 20), "templates": ("power_divisibility", "pairs")},
        2: {"band": (21, 200), "templates": ("power_divisibility", "pairs", "triples")},
        3: {"band": (201, 2000), "templates": ("power_divisibility", "pairs", "triples", "coprime")},
        4: {"band": (2001, 50_000), "templates": ("power_divisibility", "triples", "quadruples", "coprime")},
        5: {"band": (50_001, 10**9), "templates": ("power_divisibility", "triples", "quadruples", "coprime")},
    }

    def generate(self, rng: random.Random, level: int) -> Problem:
        low, high = self.levels[level]["band"]
        kind = rng.choice(self.levels[level]["templates"])
        # a few bounded re-draws inside the chosen template keep the template mix even across levels
        for _ in range(INNER_TRIES):
            if kind == "power_divisibility":
                params, question = self._draw_single(rng, low, high)
            elif kind == "coprime":
                params, question = self._draw_coprime(rng)
            else:
                params, question = self._draw_tuple(rng, {"pairs": 2, "triples": 3, "quadruples": 4}[kind])
            if params is not None and low <= drawn_count(params) <= high:
                return Problem(question=f"{question} {rng.choice(_ASKS)}", params=params)
        raise Reject(f"{kind}: no count in the level band [{low}, {high}] after {INNER_TRIES} draws")

    def _draw_single(self, rng, low, high):
        b = rng.randint(2, 12)
        q = rng.randint(2, max(q for q in range(1, 40) if b**q <= MAX_SINGLE_MODULUS))
        lo = rng.choice((0, 1))
        fits = [p for p in range(1, 60) if b**p <= 10**12 and low <= count_power_divisible(b, p, q, lo) <= high]
        if not fits:
            return None, ""
        p = rng.choice(fits)
        params = {"template": "power_divisibility", "base": b, "p": p, "q": q, "lo": lo}
        question = (f"Let N be the number of integers a with {lo} \u2264 a \u2264 {render_power(b, p)} such that "
                    f"{render_power(b, q)} divides a^{b}.")
        return params, question

    def _draw_tuple(self, rng, r):
        b = rng.choice((2, 3, 5, 7))
        p = rng.randint(1, max(p for p in range(1, 20) if b**p <= MAX_RANGE))
        q = rng.randint(1, max(q for q in range(1, 20) if b**q <= MAX_MODULUS))
        lo = rng.choice((0, 1))
        coeffs = _coefficients(rng, r, b)
        names = _VARS[r]
        params = {"template": "power_sum", "coeffs": coeffs, "base": b, "p": p, "q": q, "lo": lo}
        question = (f"Let N be the number of ordered {_TUPLE_NAMES[r]} ({', '.join(names)}) of integers with "
                    f"{lo} \u2264 {', '.join(names)} \u2264 {render_power(b, p)} such that "
                    f"{render_power_sum(coeffs, b, names)} is divisible by {render_power(b, q)}.")
        return params, question

    def _draw_coprime(self, rng):
        b = rng.choice((2, 3, 5, 7))
        k = rng.choice((2, 3, 4))
        q = rng.randint(1, max(q for q in range(1, 20) if b**q <= 400))
        hi = rng.randint(5, COPRIME_MAX)
        coeffs = _coefficients(rng, 3, b)
        names = _VARS[3]
        params = {"template": "coprime_power_sum", "coeffs": coeffs, "exponent": k, "base": b, "q": q, "hi": hi}
        question = (f"Let N be the number of ordered triples (x, y, z) of integers with 1 \u2264 x, y, z \u2264 {hi} "
                    f"such that gcd(x, y, z) = 1 (no integer greater than 1 divides all three) and "
                    f"{render_power_sum(coeffs, k, names)} is divisible by {render_power(b, q)}.")
        return params, question

    def instance_key(self, params: dict[str, Any]) -> str:
        """The variables of a tuple template range over the same interval, so the coefficient order is free."""
        if "coeffs" in params:
            return params_key(params, drop=self.key_ignored_params, coeffs=sorted(params["coeffs"]))
        return params_key(params, drop=self.key_ignored_params)


    def instance_level(self, params) -> int | None:
        """Levels draw disjoint band of the true counts (in the instance key), so the instance shows its level."""
        return self.level_with(band=drawn_count(params))

    def solve(self, params: dict[str, Any]) -> int:
        return true_count(params) % 1000

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        n = independent_count(params)
        return isinstance(answer, int) and n >= 0 and answer == n % 1000
