"""trans_matrix_rank_test: the rank of an n x n matrix given by a rule, n from 2,000 to 10^6.

Trained skill (arithmetic_matrix_rank): row-reduce a small explicit integer matrix. Test: n >= 2,000 at every
level, so Gaussian elimination on A would take more than n^3 / 3 > 2.6 * 10^9 multiply-adds (and A has at
least 4 * 10^6 entries); the rank follows from the rule's structure instead:

* ``poly``: a_ij = P(i, j), a polynomial written out in expanded form. A = V_i C V_j^T with Vandermonde factors
  V (n rows 1..n, columns 1, i, i^2, ...) of full column rank since n > deg P, so rank A = rank C, the rank of
  the small coefficient matrix C (c_ab = coefficient of i^a j^b). C is drawn as L R with inner size r, so its
  rank r is strictly below min(#powers of i, #powers of j): counting the monomials over-estimates it.
* ``periodic``: a_ij = c_((i + j) mod m) or c_((j - i) mod m) with a short period m. Rows (and columns) repeat
  with period m, so rank A is the rank of the m x m (permuted) circulant block, which is the number of m-th
  roots of unity w with F(w) != 0, F(x) = sum_k c_k x^k: m - deg gcd(F, x^m - 1). The c_k are drawn as F =
  (product of cyclotomic polynomials Phi_d, some d >= 3) * h mod x^m - 1, so non-real roots of unity matter.

Items are drawn again when the rank equals a guess that needs no structure: n, m, min(#i-powers, #j-powers),
the number of non-zero c_k, or m minus the real roots +-1 of F.

solve: rank of C by fraction-free (Bareiss) elimination; m - deg gcd(F, x^m - 1) by sympy. check: independent of
both formulas. The leading k x k block of A itself is built from the rule (k = deg P + 3 for ``poly``, k = min(n,
2m) for ``periodic``) and its rank computed exactly over Q by FLINT (``exact_rank``). For
``poly`` the rank of every leading block with k > deg P equals rank C (same Vandermonde argument), and for
``periodic`` any block with k >= m already contains every distinct row and column.
"""
from __future__ import annotations

import random
from itertools import combinations
from math import gcd
from typing import Any

import sympy

from generators.arithmetic.matrix_common import exact_rank
from generators.compositional.matrix_rank import bareiss_rank
from generators.family import Family, Problem, Reject
from generators.registration import register_family

MIN_N = 2000  # elimination on A: > n^3 / 3 > 2.6e9 operations at every level
_QUESTIONS = (
    "Let A be the {n} x {n} matrix whose entry in row i and column j ($1 \\le i, j \\le {n}$) is ${rule}$. What is "
    "the rank of A?",
    "For $1 \\le i, j \\le {n}$ define ${rule}$, and let $A = (a_{{ij}})$ be the resulting {n} x {n} matrix. "
    "Determine the rank of A over the rational numbers.",
)
_ANSWER = " Give the answer as an integer."
_X = sympy.Symbol("x")


# ---------------------------------------------------------------- poly structure
def render_poly(coef: list[list[int]]) -> str:
    """a_{ij} = sum c_ab i^a j^b, highest total degree first."""
    terms = sorted(((a, b, v) for a, row in enumerate(coef) for b, v in enumerate(row) if v),
                   key=lambda t: (-(t[0] + t[1]), -t[0]))
    out = ""
    for a, b, v in terms:
        mono = ("i" + (f"^{{{a}}}" if a > 1 else "") if a else "") + ("j" + (f"^{{{b}}}" if b > 1 else "") if b else "")
        body = (str(abs(v)) if abs(v) != 1 or not mono else "") + mono
        out += (("-" if v < 0 else "") if not out else (" - " if v < 0 else " + ")) + body
    return "a_{ij} = " + out


def poly_entry(coef: list[list[int]], i: int, j: int) -> int:
    return sum(v * i**a * j**b for a, row in enumerate(coef) for b, v in enumerate(row) if v)


def _draw_poly(rng: random.Random, kn: dict) -> dict:
    # r, then the gap to the smaller number of powers, drawn uniformly, so that no fixed offset from the
    # monomial count is a good guess; the other degree may be larger still
    r = rng.randint(*kn["r"])
    low = r + rng.randint(*kn["gap"]) - 1  # min(#i-powers, #j-powers) = low + 1 = r + gap
    di, dj = low, low + rng.randint(0, 2)
    if rng.random() < 0.5:
        di, dj = dj, di
    left = [[rng.randint(-2, 2) for _ in range(r)] for _ in range(di + 1)]
    right = [[rng.randint(-2, 2) for _ in range(dj + 1)] for _ in range(r)]
    coef = [[sum(left[a][k] * right[k][b] for k in range(r)) for b in range(dj + 1)] for a in range(di + 1)]
    if not any(coef[di]) or not any(row[dj] for row in coef):
        raise Reject("the top power of i or j vanished")
    if any(not any(row) for row in coef) or any(not any(col) for col in zip(*coef)):
        raise Reject("a power of i or j is missing")
    return {"structure": "poly", "coef": coef}


# ---------------------------------------------------------------- periodic structure
def _poly_mul(p: list[int], q: list[int]) -> list[int]:
    out = [0] * (len(p) + len(q) - 1)
    for i, x in enumerate(p):
        for j, y in enumerate(q):
            out[i + j] += x * y
    return out


def cyclotomic(d: int) -> list[int]:
    """Coefficients of Phi_d, lowest power first."""
    return [int(c) for c in reversed(sympy.Poly(sympy.cyclotomic_poly(d, _X), _X).all_coeffs())]


def _totient(d: int) -> int:
    return sum(1 for k in range(1, d + 1) if gcd(k, d) == 1)


def _draw_periodic(rng: random.Random, kn: dict) -> dict:
    m = rng.randint(*kn["period"])
    divisors = [d for d in range(3, m + 1) if m % d == 0 and _totient(d) <= m // 2]
    # every set of at most kn["factors"] cyclotomic factors removing at most m/2 dimensions, grouped by the
    # number of dimensions removed; that number is drawn uniformly, so no fixed "m - k" guess dominates
    by_loss: dict[int, list[tuple[int, ...]]] = {}
    for size in range(1, kn["factors"] + 1):
        for subset in combinations(divisors, size):
            loss = sum(map(_totient, subset))
            if loss <= m // 2:
                by_loss.setdefault(loss, []).append(subset)
    if not by_loss:
        raise Reject("no small non-real root-of-unity factor for this period")
    chosen = rng.choice(by_loss[rng.choice(sorted(by_loss))])
    f = [1]
    for d in chosen:
        f = _poly_mul(f, cyclotomic(d))
    if rng.random() < 0.3:
        f = _poly_mul(f, cyclotomic(rng.choice((1, 2))))
    f = _poly_mul(f, [rng.randint(-2, 2) for _ in range(rng.randint(1, kn["h"]))])
    values = [0] * m
    for k, c in enumerate(f):
        values[k % m] += c
    if not any(values) or max(abs(v) for v in values) > 9:
        raise Reject("zero or unwieldy rule")
    return {"structure": "periodic", "period": m, "kind": rng.choice(("diff", "sum")), "values": values}


def render_periodic(spec: dict) -> str:
    m, kind, values = spec["period"], spec["kind"], spec["values"]
    arg = "(j - i) \\bmod " + str(m) if kind == "diff" else "(i + j) \\bmod " + str(m)
    return f"a_{{ij}} = c_{{{arg}}}$, where $(c_0, c_1, \\ldots, c_{{{m - 1}}}) = ({', '.join(map(str, values))})"


def periodic_entry(spec: dict, i: int, j: int) -> int:
    m = spec["period"]
    return spec["values"][(j - i) % m if spec["kind"] == "diff" else (i + j) % m]


def periodic_rank_by_gcd(spec: dict) -> int:
    m = spec["period"]
    f = sympy.Poly(list(reversed(spec["values"])), _X, domain="ZZ")
    return m - sympy.gcd(f, sympy.Poly(_X**m - 1, _X, domain="ZZ")).degree()


# ---------------------------------------------------------------- both
def rank_by_structure(spec: dict) -> int:
    if spec["structure"] == "poly":
        return bareiss_rank(spec["coef"])
    return periodic_rank_by_gcd(spec)


def leading_block(spec: dict, n: int) -> list[list[int]]:
    """The leading k x k block of A, built from the rule (k as in the module docstring)."""
    if spec["structure"] == "poly":
        k = min(n, len(spec["coef"]) + len(spec["coef"][0]) + 1)
        entry = poly_entry
        arg = spec["coef"]
    else:
        k = min(n, 2 * spec["period"])
        entry = periodic_entry
        arg = spec
    return [[entry(arg, i, j) for j in range(1, k + 1)] for i in range(1, k + 1)]


def rank_by_leading_block(spec: dict, n: int) -> int:
    return exact_rank(leading_block(spec, n))


def shortcut_ranks(spec: dict, n: int) -> set[int]:
    """Ranks a solver could guess without the structure."""
    out = {n}
    if spec["structure"] == "poly":
        coef = spec["coef"]
        i_pows = sum(1 for row in coef if any(row))
        j_pows = sum(1 for col in zip(*coef) if any(col))
        out |= {min(i_pows, j_pows), max(i_pows, j_pows), sum(1 for row in coef for v in row if v)}
    else:
        m, values = spec["period"], spec["values"]
        at_one = sum(values) == 0
        at_minus_one = m % 2 == 0 and sum(v * (-1) ** k for k, v in enumerate(values)) == 0
        out |= {m, sum(1 for v in values if v), m - at_one, m - at_one - at_minus_one}
    return out


def _gcd_list(values: list[int]) -> int:
    g = 0
    for v in values:
        g = gcd(g, v)
    return g


@register_family
class StructuredMatrixRank(Family):
    name = "trans_matrix_rank_test"
    axis = "transformative"
    domain = "arithmetic"
    description = ("Rank of an n x n rule-defined matrix, n >= 2000 (expanded polynomial entries or a short "
                   "period): via the coefficient matrix or roots of unity")
    answer_type = "int"
    version = "2"
    test_items = 20  # items per level in the generic default test; 200 per level run under -m slow
    levels = {
        1: {"n": (2000, 5000), "r": (1, 3), "gap": (1, 5), "period": (8, 16), "factors": 2, "h": 3},
        2: {"n": (5000, 20000), "r": (2, 4), "gap": (1, 5), "period": (10, 18), "factors": 2, "h": 3},
        3: {"n": (20000, 10**5), "r": (2, 5), "gap": (1, 5), "period": (10, 18), "factors": 2, "h": 4},
        4: {"n": (10**5, 4 * 10**5), "r": (3, 6), "gap": (1, 5), "period": (12, 24), "factors": 3, "h": 4},
        5: {"n": (4 * 10**5, 10**6), "r": (3, 7), "gap": (1, 5), "period": (16, 30), "factors": 3, "h": 5},
    }
    max_attempts = 3000

    def generate(self, rng: random.Random, level: int) -> Problem:
        kn = self.levels[level]
        n = rng.randint(*kn["n"])
        if rng.random() < 0.4:
            spec = _draw_poly(rng, kn)
            rule = render_poly(spec["coef"])
        else:
            for _ in range(50):  # retry here, so that periodic rejections do not tilt the 40/60 structure mix
                try:
                    spec = _draw_periodic(rng, kn)
                    break
                except Reject:
                    continue
            else:
                raise Reject("no usable periodic rule for these draws")
            rule = render_periodic(spec)
        if rank_by_structure(spec) in shortcut_ranks(spec, n):
            raise Reject("the rank equals a structure-free guess")
        question = rng.choice(_QUESTIONS).format(n=n, rule=rule) + _ANSWER
        return Problem(question=question, params={"n": n, "spec": spec})

    def instance_key(self, params: dict) -> str:
        q = params
        spec = q["spec"]
        if spec["structure"] == "poly":
            # rank is unchanged by scaling the rule; key on the primitive coefficient matrix up to sign
            flat = [v for row in spec["coef"] for v in row]
            g = _gcd_list(flat)
            sign = 1 if next(v for v in flat if v) > 0 else -1
            body = [[sign * v // g for v in row] for row in spec["coef"]]
            return f"{self.name}|poly|{q['n']}|{body}"
        return f"{self.name}|periodic|{q['n']}|{spec['kind']}|{spec['values']}"

    def solve(self, params: dict[str, Any]) -> int:
        return rank_by_structure(params["spec"])

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        n, spec = params["n"], params["spec"]
        if not isinstance(answer, int) or n < MIN_N:
            return False
        if spec["structure"] == "poly" and n <= max(len(spec["coef"]), len(spec["coef"][0])):
            return False  # the Vandermonde factors would not have full column rank
        if spec["structure"] == "periodic" and n < spec["period"]:
            return False
        return answer == rank_by_leading_block(spec, n)
