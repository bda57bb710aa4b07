"""trans_gridworld_test: monotone paths on astronomically large grids past a rule-defined wall, modulo a prime.

Trained skill (logic_gridworld_blocked): count right/up paths avoiding listed blocked cells by filling in a
table, one entry per cell. Test: the target (a, b) has a, b between about 3 * 10^4 and 10^12, so the table has
(a + 1)(b + 1) >= 10^9 entries at every level (10^9 at L1 up to about 10^23 at L5; the generator rejects any
smaller grid), and the blocked cells are every cell above a diagonal wall (and, from L3, also below a second
one). The answer is asked modulo a stated prime p < 1000. Two insights solve it exactly:

* reflection principle: with the cells y - x > s blocked, the paths to (a, b) number C(a + b, a) - C(a + b, c),
  c = a + s + 1; with the cells y - x < -t blocked as well, André's repeated reflection in both walls gives
  sum_k [C(n, a + kW) - C(n, c + kW)], n = a + b, W = s + t + 2 (only the terms with 0 <= index <= n count);
* Lucas's theorem: C(n, k) mod p is the product of the digit binomials C(n_i, k_i) in base p.

The generator draws a, c (and the lower reflection index) digit by digit below the digits of n = a + b, so the
unconstrained count and every single-reflection term are non-zero mod p: ignoring a wall never gives the
answer (items where it would, or where the answer is 0 mod p, are drawn again).

solve: the reflection sum with every binomial by Lucas's theorem.
check: each binomial from factorials with the factors p removed (Legendre's formula for the power of p and the
generalised Wilson theorem n!_p = (-1)^(n // p) (n mod p)! (n // p)!_p), and the reflection sum written as
André's alternating sum over reflection words (upper-first and lower-first chains), not the periodic form.
The exact (not reduced) formulas are compared with the trained table on small grids in the tests.
"""
from __future__ import annotations

import random
from math import comb, factorial
from typing import Any

from generators.family import Family, Problem, Reject
from generators.logic.grid_common import coordinate_convention
from generators.registration import register_family

VARIANTS = ("diagonal", "band")
MIN_TABLE_CELLS = 10**9  # the trained table would need at least this many entries
_ASK = (" You start in cell (0, 0) and must reach cell ({a}, {b}), moving one cell right (x increases by 1) or one "
        "cell up (y increases by 1) at each step, never entering a blocked cell. Let N be the number of different "
        "paths. What is the remainder when N is divided by the prime {p}? Give the answer as an integer from 0 to "
        "{pm}.")


def _primes(lo: int, hi: int) -> list[int]:
    return [q for q in range(max(2, lo), hi + 1) if all(q % d for d in range(2, int(q**0.5) + 1))]


# ------------------------------------------------------------------ exact counts (small grids, tests)
def count_diagonal(a: int, b: int, s: int) -> int:
    """Paths (0,0) -> (a,b) never entering a cell with y - x > s (exact integer)."""
    c = a + s + 1
    return comb(a + b, a) - (comb(a + b, c) if c <= a + b else 0)


def count_band(a: int, b: int, s: int, t: int) -> int:
    """Paths (0,0) -> (a,b) staying in -t <= y - x <= s (exact integer, periodic reflection form)."""
    return _band_terms(a, b, s, t, comb)


def _band_terms(a: int, b: int, s: int, t: int, binom) -> int:
    n, c, width = a + b, a + s + 1, s + t + 2
    total = 0
    reach = n // width + 2
    for k in range(-reach, reach + 1):
        for idx, sign in ((a + k * width, 1), (c + k * width, -1)):
            if 0 <= idx <= n:
                total += sign * binom(n, idx)
    return total


# ------------------------------------------------------------------ binomials modulo a prime
def binom_lucas(n: int, k: int, p: int) -> int:
    """C(n, k) mod p by Lucas's theorem (product of base-p digit binomials)."""
    if k < 0 or k > n:
        return 0
    out = 1
    while n or k:
        ni, ki = n % p, k % p
        if ki > ni:
            return 0
        out = out * comb(ni, ki) % p
        n //= p
        k //= p
    return out


def _factorial_without_p(n: int, p: int) -> int:
    """n! with every factor p removed, mod p (generalised Wilson theorem)."""
    out = 1
    while n:
        out = out * (-1 if (n // p) % 2 else 1) * factorial(n % p) % p
        n //= p
    return out % p


def _legendre(n: int, p: int) -> int:
    e, q = 0, p
    while q <= n:
        e += n // q
        q *= p
    return e


def binom_wilson(n: int, k: int, p: int) -> int:
    """C(n, k) mod p from factorials: Legendre's exponent of p, then the p-free factorials."""
    if k < 0 or k > n:
        return 0
    if _legendre(n, p) - _legendre(k, p) - _legendre(n - k, p) > 0:
        return 0
    den = _factorial_without_p(k, p) * _factorial_without_p(n - k, p) % p
    return _factorial_without_p(n, p) * pow(den, p - 2, p) % p


# ------------------------------------------------------------------ the two counting routes
def count_mod_p(params: dict[str, Any]) -> int:
    """Periodic reflection form, binomials by Lucas."""
    a, b, s, p = params["a"], params["b"], params["s"], params["p"]
    def binom(n: int, k: int) -> int:
        return binom_lucas(n, k, p)
    if params["variant"] == "diagonal":
        return (binom(a + b, a) - binom(a + b, a + s + 1)) % p
    return _band_terms(a, b, s, params["t"], binom) % p


def count_mod_p_by_reflection_words(params: dict[str, Any]) -> int:
    """André's alternating sum over reflection words, binomials from factorials (check route)."""
    a, b, s, p = params["a"], params["b"], params["s"], params["p"]
    n = a + b
    e = b - a  # final value of y - x; up-step count of a path ending at y - x = u is (n + u) / 2

    def paths_to(u: int) -> int:
        return binom_wilson(n, (n + u) // 2, p) if abs(u) <= n and (n + u) % 2 == 0 else 0

    def upper(u: int) -> int:  # reflect in y - x = s + 1
        return 2 * (s + 1) - u

    total = paths_to(e)
    if params["variant"] == "diagonal":
        return (total - paths_to(upper(e))) % p
    t = params["t"]

    def lower(u: int) -> int:  # reflect in y - x = -(t + 1)
        return -2 * (t + 1) - u

    for first, second in ((upper, lower), (lower, upper)):
        u, sign, steps = e, -1, 0
        while True:
            u = first(u) if steps % 2 == 0 else second(u)
            steps += 1
            if abs(u) > n:
                break
            total += sign * paths_to(u)
            sign = -sign
    return total % p


def shortcut_residues(params: dict[str, Any]) -> list[int]:
    """What ignoring a wall (or everything) gives, mod p."""
    a, b, s, p = params["a"], params["b"], params["s"], params["p"]
    n = a + b
    free = binom_lucas(n, a, p)
    out = [free, 0, (-binom_lucas(n, a + s + 1, p)) % p, binom_lucas(n, a + s + 1, p)]
    if params["variant"] == "band":
        out.append((free - binom_lucas(n, a - params["t"] - 1, p)) % p)  # lower wall only
        out.append((free - binom_lucas(n, a + s + 1, p)) % p)  # upper wall only
        out.append((free - binom_lucas(n, a + s + 1, p) - binom_lucas(n, a - params["t"] - 1, p)) % p)
    return out


def _value(digits: list[int], p: int) -> int:
    return sum(d * p**i for i, d in enumerate(digits))


def rule_text(params: dict[str, Any]) -> str:
    s = params["s"]
    upper = f"y > x + {s}" if s else "y > x"
    if params["variant"] == "diagonal":
        return f"Every cell (x, y) with {upper} is blocked; all other cells are open."
    return f"Every cell (x, y) with {upper} or with x > y + {params['t']} is blocked; all other cells are open."


@register_family
class StructuredGridPaths(Family):
    name = "trans_gridworld_test"
    axis = "transformative"
    domain = "logic"
    description = ("Paths on >= 10^9-cell grids past one or two diagonal walls, modulo a prime "
                   "(reflection principle + Lucas)")
    answer_type = "int"
    version = "2"
    test_items = 40  # items per level in the generic default test; 200 per level run under -m slow
    levels = {
        1: {"p": (53, 97), "digits": 3, "variants": ("diagonal",)},
        2: {"p": (101, 199), "digits": 3, "variants": ("diagonal",)},
        3: {"p": (101, 199), "digits": 4, "variants": ("diagonal", "band")},
        4: {"p": (211, 499), "digits": 4, "variants": ("diagonal", "band")},
        5: {"p": (503, 997), "digits": 5, "variants": ("diagonal", "band")},
    }
    max_attempts = 4000

    def generate(self, rng: random.Random, level: int) -> Problem:
        kn = self.levels[level]
        p = rng.choice(_primes(*kn["p"]))
        variant = rng.choice(kn["variants"])
        nd = [rng.randint(0, p - 1) for _ in range(kn["digits"] - 1)] + [rng.randint(1, p - 1)]
        n = _value(nd, p)
        a = _value([rng.randint(0, d) for d in nd], p)
        b = n - a
        if (a + 1) * (b + 1) < MIN_TABLE_CELLS:
            raise Reject("grid small enough for the trained table")
        c = _value([rng.randint(0, d) for d in nd], p)  # upper reflection index a + s + 1
        if not (max(a, b) + 1 <= c <= n):
            raise Reject("the upper wall would block the target or miss every path")
        params: dict[str, Any] = {"variant": variant, "a": a, "b": b, "s": c - a - 1, "p": p}
        if variant == "band":
            c2 = _value([rng.randint(0, d) for d in nd], p)  # lower reflection index a - t - 1
            if not (0 <= c2 <= min(a, b) - 1) or 3 * (c - c2) < n:
                raise Reject("the lower wall would block the target, or the walls are too close")
            params["t"] = a - c2 - 1
        answer = count_mod_p(params)
        if answer in shortcut_residues(params):
            raise Reject("ignoring a wall would give the same residue")
        question = (f"{coordinate_convention(a + 1, b + 1)} {rule_text(params)}"
                    + _ASK.format(a=a, b=b, p=p, pm=p - 1))
        return Problem(question=question, params=params)

    def instance_key(self, params: dict) -> str:
        q = params
        return f"{self.name}|{q['variant']}|{q['a']}|{q['b']}|{q['s']}|{q.get('t')}|{q['p']}"

    def solve(self, params: dict[str, Any]) -> int:
        return count_mod_p(params)

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        a, b, s = params["a"], params["b"], params["s"]
        if (a + 1) * (b + 1) < MIN_TABLE_CELLS or b - a > s or a - b > params.get("t", a):
            return False
        return isinstance(answer, int) and answer == count_mod_p_by_reflection_words(params)
