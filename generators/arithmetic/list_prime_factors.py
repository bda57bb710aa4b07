"""arithmetic_list_prime_factors: the second-largest distinct prime factor of an integer N.

OMEGA's YAML called this knob ``max_value`` although it is the *minimum* second-largest prime (weak
point #17); here it is named ``min_second_prime``. N is built from its factorisation so that every
level is reachable without factoring random 25-digit numbers: the second-largest prime p₂ is drawn in
[min_second_prime, 8·min_second_prime], the largest prime p₁ > p₂ takes a share of the digit budget
(OMEGA's entropy range), and the rest is a cofactor made of primes below p₂. At the top level, with
2 modules, N is given through a definition "Let k = a·b + c" (0 < c < a).

solve: ``sympy.factorint``. check: a trial-division certificate that needs no factoring: the answer q
is prime and divides N, and after dividing out every integer 2..q what is left is a power of a single
prime (deterministic Miller–Rabin), i.e. exactly one distinct prime above q divides N.

Ladder: level L+1 has a larger digit budget and a larger least second prime, so N is longer and trial division
runs further (the test's proxy: digits of N).
"""
from __future__ import annotations

import bisect
import math
import random

import sympy
from sympy.parsing.sympy_parser import parse_expr

from generators.arithmetic.expression_tree import render
from generators.family import Family, Problem, Reject
from generators.instance_key import params_key
from generators.registration import register_family

_WORDINGS = (
    "What is the second-largest prime factor of {n}? (Count each distinct prime once.)",
    "List the distinct prime factors of {n}. Which one is the second largest?",
    "Find the second largest of the distinct primes that divide {n}.",
)
_COMPOSED = (
    "Let {k} = {d}. What is the second-largest prime factor of {k}? (Count each distinct prime once.)",
    "Suppose {k} = {d}. Find the second largest of the distinct primes that divide {k}.",
)
_MR_BASES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41)  # deterministic below 3.3e24


def is_prime_mr(n: int) -> bool:
    """Deterministic Miller–Rabin for n < 3.3·10^24 (first 13 prime bases)."""
    if n < 2:
        return False
    for p in _MR_BASES:
        if n % p == 0:
            return n == p
    if n >= 3_317_044_064_679_887_385_961_981:
        raise ValueError("is_prime_mr is only deterministic below 3.3e24")
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for a in _MR_BASES:
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def _random_prime(rng: random.Random, lo: int, hi: int) -> int:
    """A prime in [lo, hi]: the first prime at or after a uniform start point (Reject if none fits)."""
    p = sympy.nextprime(rng.randint(lo, hi) - 1)
    if p > hi:
        raise Reject("no prime in range after the start point")
    return int(p)


def _prime_power_base(r: int) -> int | None:
    """The prime p with r = p^e (e ≥ 1), or None when r is not a prime power."""
    for e in range(r.bit_length(), 0, -1):
        base = _iroot(r, e)
        if base >= 2 and base**e == r and is_prime_mr(base):
            return base
    return None


def _iroot(x: int, k: int) -> int:
    """floor(x ** (1/k)) for integers, exactly."""
    if k == 1:
        return x
    lo, hi = 0, 1 << (x.bit_length() // k + 1)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if mid**k <= x:
            lo = mid
        else:
            hi = mid - 1
    return lo


@register_family
class ArithmeticListPrimeFactors(Family):
    name = "arithmetic_list_prime_factors"
    domain = "arithmetic"
    description = "Second-largest distinct prime factor of N; N's digits and the minimum second prime grow with the level"
    answer_type = "int"
    levels = {
        1: {"min_second_prime": 25, "entropy": (4, 7), "modules": (1, 1)},
        2: {"min_second_prime": 100, "entropy": (8, 12), "modules": (1, 1)},
        3: {"min_second_prime": 200, "entropy": (12, 15), "modules": (1, 1)},
        4: {"min_second_prime": 400, "entropy": (15, 18), "modules": (1, 1)},
        5: {"min_second_prime": 800, "entropy": (18, 25), "modules": (1, 2)},
    }

    def generate(self, rng: random.Random, level: int) -> Problem:
        knobs = self.levels[level]
        entropy = rng.uniform(*knobs["entropy"])
        low = knobs["min_second_prime"]
        p2 = _random_prime(rng, low, 8 * low)
        a = math.log10(p2)
        # the largest prime takes between a bit more than p2's digits and all that remains of the budget
        top = max(a + 0.3, entropy - a)
        d1 = rng.uniform(a + 0.05, top)
        p1 = _random_prime(rng, max(p2 + 1, int(10 ** (d1 - 0.05))), int(10**d1) + 10)
        n = p2 * p1
        if rng.random() < 0.25:  # a repeated prime, when it fits: the question is about distinct primes
            repeat = p1 if rng.random() < 0.5 else p2
            if math.log10(n * repeat) <= entropy + 0.5:
                n *= repeat
        small_primes = list(sympy.primerange(2, p2))
        while math.log10(n) < entropy - 0.3:  # fill the budget with primes below p2 that still fit
            room = 10 ** (entropy + 0.5 - math.log10(n))
            n *= rng.choice(small_primes[: bisect.bisect_right(small_primes, room)])
        if math.log10(n) > entropy + 1:
            raise Reject("overshot the digit budget")
        params: dict = {"n": n, "min_second_prime": low}
        modules = rng.randint(*knobs["modules"])
        if modules == 1:
            question = rng.choice(_WORDINGS).format(n=n)
        else:
            # k = f1·f2 + c with f1 about half of N's digits and 0 < c < f1, so no part gives N away
            half = len(str(n)) // 2
            f1 = rng.randint(10 ** (half - 1), 10**half)
            f2, c = divmod(n, f1)
            if c == 0:
                raise Reject("the definition would show a factorisation")
            tree = ["+", ["*", f1, f2], c]
            name = rng.choice(("k", "m", "q", "w"))
            params["definition"] = {"name": name, "text": render(tree)}
            question = rng.choice(_COMPOSED).format(k=name, d=render(tree))
        return Problem(question=question, params=params)

    def instance_key(self, params: dict) -> str:
        """The number N (the generation knob ``min_second_prime`` is not part of the problem)."""
        return params_key(params, drop=("min_second_prime", *self.key_ignored_params))

    def solve(self, params: dict) -> int:
        primes = sorted(sympy.factorint(params["n"]))
        return int(primes[-2])

    def check(self, params: dict, answer: int) -> bool:
        n = params["n"]
        if "definition" in params and int(parse_expr(params["definition"]["text"])) != n:
            return False
        if not isinstance(answer, int) or answer < params["min_second_prime"] or n % answer:
            return False
        if any(answer % d == 0 for d in range(2, math.isqrt(answer) + 1)):
            return False
        rest = n
        for d in range(2, answer + 1):
            while rest % d == 0:
                rest //= d
        return rest > 1 and _prime_power_base(rest) is not None
