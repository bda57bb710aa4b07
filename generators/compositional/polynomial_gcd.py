"""comp_polynomial_gcd_test: the greatest common divisor in Z[x] of two integer polynomials, evaluated at a point.

Skill A (algebra_polynomial_roots): find the rational roots of an expanded integer polynomial. Skill B
(arithmetic_gcd): greatest common divisors of integers. The test needs both: P and Q are shown expanded; their
gcd D in Z[x] (positive leading coefficient) is gcd(content P, content Q) times the product of the shared
linear factors (q x - p), each to the smaller of its two multiplicities. The question asks for D(c) at a small
integer c, an integer.

P = s_P * prod (q_i x - p_i)^{m_i} with primitive linear factors, so by Gauss's lemma its content is |s_P|.
Items with gcd(s_P, s_Q) = 1 are drawn again: there the primitive (monic-content) gcd would already be the
answer and the integer-gcd skill would not be needed.

solve: sympy's ``gcd`` of the two expanded integer polynomials (over ZZ), evaluated at c.
check: the stored factorisations must expand to exactly the shown coefficients; D is rebuilt from them as
gcd(|s_P|, |s_Q|) (Stein's binary gcd) times the shared factors with minimum multiplicity; and that D must
divide both P and Q exactly over Q with coprime cofactors (a Euclidean gcd over Fractions of the cofactors is 1).
"""
from __future__ import annotations

import math
import random
from fractions import Fraction
from typing import Any

import sympy

from generators.arithmetic.gcd import binary_gcd
from generators.compositional import poly_exact as pe
from generators.family import Family, Problem, Reject
from generators.instance_key import canonical_json, params_key
from generators.registration import register_family

X = sympy.Symbol("x")

_QUESTIONS = (
    "Let P(x) = {p} and Q(x) = {q}. Let D(x) be the greatest common divisor of P(x) and Q(x) in Z[x] (integer "
    "coefficients, including the greatest common divisor of the integer contents), normalised to have a positive "
    "leading coefficient. What is D({c})? Give the answer as an integer.",
    "Consider the integer polynomials P(x) = {p} and Q(x) = {q}. Among all polynomials with integer coefficients "
    "that divide both P and Q in Z[x], let D(x) be the one of largest degree and, among those, with the largest "
    "positive leading coefficient (every other common divisor divides it). Compute D({c}) as an integer.",
)


def factor_product(scale: int, factors: list[list[int]]) -> pe.Poly:
    """scale * prod (q x - p)^m for factors [p, q, m]."""
    poly: pe.Poly = [Fraction(scale)]
    for p, q, m in factors:
        poly = pe.mul(poly, pe.power([Fraction(-p), Fraction(q)], m))
    return poly


def render_int_poly(coeffs_low_first: list[int]) -> str:
    """3x^4 - 2x^2 + x - 7 from coefficients lowest degree first."""
    terms = []
    for power in range(len(coeffs_low_first) - 1, -1, -1):
        c = coeffs_low_first[power]
        if c == 0:
            continue
        mono = "" if power == 0 else ("x" if power == 1 else f"x^{power}")
        mag = abs(c)
        body = str(mag) if not mono else (mono if mag == 1 else f"{mag}{mono}")
        if not terms:
            terms.append(("-" if c < 0 else "") + body)
        else:
            terms.append((" - " if c < 0 else " + ") + body)
    return "".join(terms) or "0"


def _draw_root(rng: random.Random, max_num: int, max_den: int, p_integer: float) -> tuple[int, int]:
    q = 1 if rng.random() < p_integer else rng.randint(2, max_den)
    while True:
        p = rng.randint(-max_num, max_num)
        if Fraction(p, q).denominator == q:
            return p, q


def gcd_from_factors(params: dict[str, Any]) -> pe.Poly:
    """gcd(|s_P|, |s_Q|) * prod over shared roots of (q x - p)^min(m_P, m_Q)."""
    mult_p = {(p, q): m for p, q, m in params["p_factors"]}
    mult_q = {(p, q): m for p, q, m in params["q_factors"]}
    shared = [[p, q, min(m, mult_q[(p, q)])] for (p, q), m in sorted(mult_p.items()) if (p, q) in mult_q]
    return factor_product(binary_gcd(params["p_scale"], params["q_scale"]), shared)


@register_family
class PolynomialGcdValue(Family):
    name = "comp_polynomial_gcd_test"
    axis = "compositional"
    domain = "algebra"
    description = "Value at a point of the Z[x]-gcd of two expanded polynomials with rational roots (roots + gcd)"
    answer_type = "int"
    # degree of P and Q, shared distinct roots, root sizes, share of integer roots, repeated roots, content sizes
    levels = {
        1: {"degree": (3, 3), "shared": (1, 1), "max_num": 5, "max_den": 1, "p_integer": 1.0, "repeat": 0.0,
            "content": (1, 6)},
        2: {"degree": (3, 4), "shared": (1, 2), "max_num": 6, "max_den": 3, "p_integer": 0.6, "repeat": 0.0,
            "content": (2, 12)},
        3: {"degree": (4, 5), "shared": (1, 2), "max_num": 7, "max_den": 4, "p_integer": 0.4, "repeat": 0.3,
            "content": (2, 24)},
        4: {"degree": (5, 6), "shared": (2, 3), "max_num": 9, "max_den": 5, "p_integer": 0.3, "repeat": 0.4,
            "content": (4, 60)},
        5: {"degree": (6, 7), "shared": (2, 4), "max_num": 12, "max_den": 6, "p_integer": 0.2, "repeat": 0.5,
            "content": (6, 120)},
    }
    test_items = 100  # items per level in the generic default test; 200 per level run under -m slow

    def _side(self, rng: random.Random, kn: dict, shared: list[list[int]], degree: int,
              taken: set[tuple[int, int]]) -> tuple[int, list[list[int]]]:
        factors = [list(f) for f in shared]
        used = sum(m for _, _, m in factors)
        while used < degree:
            p, q = _draw_root(rng, kn["max_num"], kn["max_den"], kn["p_integer"])
            if (p, q) in taken:
                continue  # a root private to this side must not be a root of the other side
            taken.add((p, q))
            m = 2 if rng.random() < kn["repeat"] and used + 2 <= degree else 1
            factors.append([p, q, m])
            used += m
        scale = rng.randint(*kn["content"]) * rng.choice((1, -1))
        return scale, sorted(factors)

    def generate(self, rng: random.Random, level: int) -> Problem:
        kn = self.levels[level]
        n_shared = rng.randint(*kn["shared"])
        roots: set[tuple[int, int]] = set()
        for _ in range(100):
            if len(roots) == n_shared:
                break
            roots.add(_draw_root(rng, kn["max_num"], kn["max_den"], kn["p_integer"]))
        else:
            raise Reject("could not draw distinct shared roots")
        deg_p, deg_q = rng.randint(*kn["degree"]), rng.randint(*kn["degree"])
        shared_p, shared_q = [], []
        for p, q in sorted(roots):
            mp = 2 if rng.random() < kn["repeat"] else 1
            mq = 2 if rng.random() < kn["repeat"] else 1
            shared_p.append([p, q, mp])
            shared_q.append([p, q, mq])
        if sum(f[2] for f in shared_p) > deg_p - 1 or sum(f[2] for f in shared_q) > deg_q - 1:
            raise Reject("shared part leaves no private root")
        taken = set(roots)
        s_p, f_p = self._side(rng, kn, shared_p, deg_p, taken)
        s_q, f_q = self._side(rng, kn, shared_q, deg_q, taken)
        if math.gcd(s_p, s_q) == 1:
            raise Reject("coprime contents: the integer-gcd skill would not be needed")
        params = {"p_scale": s_p, "p_factors": f_p, "q_scale": s_q, "q_factors": f_q}
        d = gcd_from_factors(params)
        c = rng.randint(-3, 3)
        if pe.evaluate(d, c) == 0:
            raise Reject("D vanishes at the evaluation point")
        p_coeffs = [int(v) for v in factor_product(s_p, f_p)]
        q_coeffs = [int(v) for v in factor_product(s_q, f_q)]
        params.update({"p": p_coeffs, "q": q_coeffs, "c": c})
        question = rng.choice(_QUESTIONS).format(p=render_int_poly(p_coeffs), q=render_int_poly(q_coeffs), c=c)
        return Problem(question=question, params=params)

    def instance_key(self, params: dict) -> str:
        """gcd(P, Q) = gcd(Q, P): the two polynomials are unordered (their factor lists are derived data)."""
        pair = sorted(([params["p"], params.get("p_scale")], [params["q"], params.get("q_scale")]), key=canonical_json)
        return params_key(params, drop=("p", "q", "p_factors", "q_factors", "p_scale", "q_scale",
                                        *self.key_ignored_params), polynomials=pair)

    def solve(self, params: dict[str, Any]) -> int:
        p = sympy.Poly(list(reversed(params["p"])), X, domain="ZZ")
        q = sympy.Poly(list(reversed(params["q"])), X, domain="ZZ")
        d = sympy.gcd(p, q)
        if d.LC() < 0:
            d = -d
        return int(d.eval(params["c"]))

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        if [int(v) for v in factor_product(params["p_scale"], params["p_factors"])] != params["p"]:
            return False
        if [int(v) for v in factor_product(params["q_scale"], params["q_factors"])] != params["q"]:
            return False
        d = gcd_from_factors(params)
        p_co, p_rem = pe.divmod_poly(pe.normalize(params["p"]), d)
        q_co, q_rem = pe.divmod_poly(pe.normalize(params["q"]), d)
        if p_rem or q_rem or len(pe.gcd(p_co, q_co)) != 1:
            return False
        content = binary_gcd(params["p_scale"], params["q_scale"])
        if any(Fraction(c).denominator != 1 for c in d) or d[-1] <= 0 or content <= 0:
            return False
        return isinstance(answer, int) and answer == pe.evaluate(d, params["c"])
