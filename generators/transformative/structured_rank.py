"""trans_matrix_rank_test: the rank of a large matrix given by a formula, where row reduction is hopeless.

Trained skill (arithmetic_matrix_rank): row-reduce a small explicit matrix. Test: n runs from 8 to 150 and the
matrix is given by a rule for its entries; the rank follows from structure instead:

* ``poly``: a_ij = P(i, j), a sum of products of linear forms in i and j. A = V_i C V_j^T with Vandermonde
  factors of full column rank (n > degree), so rank A = rank C, the rank of P's small coefficient matrix;
* ``periodic``: a_ij = f((j - i) mod m) or f((i + j) mod m) with period m <= n (m = n is a circulant). Rows
  and columns only depend on residues, and the m x m block is a (permuted) circulant, whose rank is
  m - deg gcd(f(x), x^m - 1): one lost dimension per m-th root of unity at which f vanishes;
* ``named``: min(i, j), max(i, j), |i - j|, gcd(i, j), [i divides j], binomial(i + j - 2, i - 1), all
  nonsingular (triangular / Smith / distance-matrix determinants), so the rank is n.

solve: the insight formulas above (coefficient-matrix rank; polynomial gcd degree; n).
check: the n x n matrix is built from the rule and the claimed rank r is certified from both sides: the rank
over F_p is at least r (which bounds the rank over Q from below), and n - r exact integer null vectors,
independent mod p, bound it from above (finite differences and Vandermonde-solved vectors for ``poly``;
periodic differences and shifted quotients (x^m - 1)/gcd for ``periodic``). How the candidate vectors are
produced does not matter: each is verified exactly, so a wrong candidate can only make the check fail. For
n <= 30 the rank is also recomputed by fraction-free elimination.
"""
from __future__ import annotations

import random
from math import comb, gcd, lcm
from typing import Any

import sympy

from generators.arithmetic.matrix_common import fraction_rank
from generators.compositional.matrix_rank import bareiss_rank
from generators.family import Family, Problem, Reject
from generators.registry import register_family
from generators.transformative.modular_rank import exact_null_mask, rank_mod_p

BRUTE_FORCE_MAX_N = 30
NAMED = ("min", "max", "absdiff", "gcd", "divides", "pascal")
_NAMED_TEXT = {
    "min": "a_{ij} = \\min(i, j)",
    "max": "a_{ij} = \\max(i, j)",
    "absdiff": "a_{ij} = |i - j|",
    "gcd": "a_{ij} = \\gcd(i, j)",
    "divides": "a_{ij} = [\\,i \\text{ divides } j\\,]",
    "pascal": "a_{ij} = \\binom{i + j - 2}{i - 1}",
}
_QUESTIONS = (
    "Let A be the {n} x {n} matrix whose entry in row i and column j ($1 \\le i, j \\le {n}$) is ${rule}$. What is "
    "the rank of A?",
    "For $1 \\le i, j \\le {n}$ define ${rule}$, and let $A = (a_{{ij}})$ be the resulting {n} x {n} matrix. "
    "Determine the rank of A over the rational numbers.",
)
_ANSWER = " Give the answer as an integer."

Poly2 = dict[tuple[int, int], int]  # (power of i, power of j) -> coefficient


# ---------------------------------------------------------------- poly structure
def _linear_text(form: list[int]) -> str:
    a, b, c = form
    out = ""
    for coef, var in ((a, "i"), (b, "j"), (c, "")):
        if coef == 0:
            continue
        body = (str(abs(coef)) if abs(coef) != 1 or not var else "") + var
        if not out:
            out = ("-" if coef < 0 else "") + body
        else:
            out += (" - " if coef < 0 else " + ") + body
    return out or "0"


def render_poly_terms(terms: list[dict]) -> str:
    parts = []
    for t in terms:
        body = "".join(f"({_linear_text(f)})" for f in t["factors"])
        coef = t["coef"]
        mag = "" if abs(coef) == 1 else str(abs(coef))
        if not parts:
            parts.append(("-" if coef < 0 else "") + mag + body)
        else:
            parts.append((" - " if coef < 0 else " + ") + mag + body)
    return "a_{ij} = " + "".join(parts)


def expand_terms(terms: list[dict]) -> Poly2:
    total: Poly2 = {}
    for t in terms:
        acc: Poly2 = {(0, 0): t["coef"]}
        for a, b, c in t["factors"]:
            nxt: Poly2 = {}
            for (pi, pj), v in acc.items():
                for (di, dj), w in (((1, 0), a), ((0, 1), b), ((0, 0), c)):
                    if w:
                        key = (pi + di, pj + dj)
                        nxt[key] = nxt.get(key, 0) + v * w
            acc = nxt
        for k, v in acc.items():
            total[k] = total.get(k, 0) + v
    return {k: v for k, v in total.items() if v}


def coefficient_matrix(poly: Poly2) -> list[list[int]]:
    di = max((k[0] for k in poly), default=0)
    dj = max((k[1] for k in poly), default=0)
    return [[poly.get((a, b), 0) for b in range(dj + 1)] for a in range(di + 1)]


def eval_terms(terms: list[dict], i: int, j: int) -> int:
    total = 0
    for t in terms:
        v = t["coef"]
        for a, b, c in t["factors"]:
            v *= a * i + b * j + c
        total += v
    return total


def _draw_poly(rng: random.Random, kn: dict) -> dict:
    n_terms = rng.randint(*kn["terms"])
    terms = []
    for _ in range(n_terms):
        k = rng.randint(1, kn["max_factors"])
        factors = []
        for _ in range(k):
            form = [rng.randint(-3, 3), rng.randint(-3, 3), rng.randint(-4, 4)]
            if form[0] == form[1] == 0:
                form[rng.randrange(2)] = rng.choice((1, -1, 2))
            factors.append(form)
        terms.append({"coef": rng.choice((1, 1, 1, -1, 2, -2, 3)), "factors": factors})
    poly = expand_terms(terms)
    if not poly:
        raise Reject("the rule is identically zero")
    return {"structure": "poly", "terms": terms}


def poly_null_vectors(terms: list[dict], n: int) -> list[list[int]]:
    """Null vectors of A = V_i C V_j^T: finite differences of order dj + 1, plus Vandermonde lifts of null(C)."""
    c_mat = sympy.Matrix(coefficient_matrix(expand_terms(terms)))
    dj = c_mat.cols - 1
    out = []
    for s in range(n - dj - 1):
        v = [0] * n
        for t in range(dj + 2):
            v[s + t] = (-1) ** t * comb(dj + 1, t)
        out.append(v)
    vander = sympy.Matrix([[sympy.Integer(j) ** b for j in range(1, dj + 2)] for b in range(dj + 1)])
    for w in c_mat.nullspace():
        sol = vander.LUsolve(w)
        den = lcm(*[int(sympy.fraction(x)[1]) for x in sol])
        v = [int(x * den) for x in sol] + [0] * (n - dj - 1)
        out.append(v)
    return out


# ---------------------------------------------------------------- periodic structure
_FACTORS = ("one_minus", "one_plus", "triple", "window", "alt")


def _factor_poly(kind: str, a: int) -> list[int]:
    """Coefficients (lowest first) of 1 - x^a, 1 + x^a, 1 + x^a + x^2a, 1 + x + ... + x^(a-1), 1 - x^a + x^2a."""
    if kind == "window":
        return [1] * a
    out = [0] * (2 * a + 1 if kind in ("triple", "alt") else a + 1)
    out[0] = 1
    out[a] = -1 if kind == "one_minus" else (1 if kind != "alt" else -1)
    if kind in ("triple", "alt"):
        out[2 * a] = 1
    return out


def _int_poly_mul(p: list[int], q: list[int]) -> list[int]:
    out = [0] * (len(p) + len(q) - 1)
    for i, x in enumerate(p):
        for j, y in enumerate(q):
            out[i + j] += x * y
    return out


def _draw_periodic(rng: random.Random, kn: dict, n: int) -> dict:
    circulant = rng.random() < kn["p_circulant"]
    m = n if circulant else rng.randint(*kn["period"])
    if circulant:
        f = [1]
        for _ in range(rng.randint(*kn["factors"])):
            f = _int_poly_mul(f, _factor_poly(rng.choice(_FACTORS), rng.randint(1, kn["max_shift"])))
        if len(f) > m:
            raise Reject("first row longer than the period")
        values = f + [0] * (m - len(f))
    else:
        style = rng.choice(("random", "residue", "sign", "indicator"))
        if style == "random":
            values = [rng.randint(-2, 3) for _ in range(m)]
        elif style == "residue":
            values = list(range(m))
        elif style == "sign":
            values = [(-1) ** k for k in range(m)]
        else:
            values = [1 if k % rng.randint(1, max(1, m // 2)) == 0 else 0 for k in range(m)]
    if not any(values):
        raise Reject("zero rule")
    return {"structure": "periodic", "period": m, "kind": rng.choice(("diff", "sum")), "values": values}


def _periodic_index(kind: str, i: int, j: int, m: int) -> int:
    return (j - i) % m if kind == "diff" else (i + j) % m


def render_periodic(spec: dict, n: int) -> str:
    m, kind, values = spec["period"], spec["kind"], spec["values"]
    arg = "(j - i) \\bmod " + str(m) if kind == "diff" else "(i + j) \\bmod " + str(m)
    if m == n:
        nz = [(k, v) for k, v in enumerate(values) if v]
        listed = ", ".join(f"c_{{{k}}} = {v}" for k, v in nz)
        return (f"a_{{ij}} = c_{{{arg}}}$, where ${listed}$, and $c_k = 0$ for every other $k$ in "
                f"$0, 1, \\ldots, {n - 1}")
    return f"a_{{ij}} = c_{{{arg}}}$, where $(c_0, c_1, \\ldots, c_{{{m - 1}}}) = ({', '.join(map(str, values))})"


_X = sympy.Symbol("x")


def _gcd_with_xm1(values: list[int], m: int) -> sympy.Poly:
    """gcd(f(x), x^m - 1) over ZZ (monic: x^m - 1 is monic and primitive)."""
    f = sympy.Poly(list(reversed(values)), _X, domain="ZZ")
    return sympy.gcd(f, sympy.Poly(_X**m - 1, _X, domain="ZZ"))


def periodic_rank_by_gcd(spec: dict) -> int:
    return spec["period"] - _gcd_with_xm1(spec["values"], spec["period"]).degree()


def periodic_null_vectors(spec: dict, n: int) -> list[list[int]]:
    """Candidates: differences of indices one period apart, and block vectors from (x^m - 1)/gcd quotients."""
    m, values = spec["period"], spec["values"]
    out = []
    for j in range(1, n - m + 1):
        v = [0] * n
        v[j - 1], v[j - 1 + m] = 1, -1
        out.append(v)
    reflected = [values[(-k) % m] for k in range(m)]
    for f in (values, reflected):
        g = _gcd_with_xm1(f, m)
        quotient, rem = sympy.div(sympy.Poly(_X**m - 1, _X, domain="ZZ"), g)
        if not rem.is_zero:
            raise ArithmeticError("gcd does not divide x^m - 1")
        h_int = [int(c) for c in reversed(quotient.all_coeffs())]
        for flip in (False, True):
            for shift in range(g.degree()):
                w = [0] * m
                for k, c in enumerate(h_int):
                    w[(k + shift) % m] = c
                if flip:
                    w = [w[(-k) % m] for k in range(m)]
                # entry j of the vector carries the residue class of j
                out.append([w[j % m] for j in range(1, m + 1)] + [0] * (n - m))
    return out


# ---------------------------------------------------------------- named structure
def named_entry(kind: str, i: int, j: int) -> int:
    if kind == "min":
        return min(i, j)
    if kind == "max":
        return max(i, j)
    if kind == "absdiff":
        return abs(i - j)
    if kind == "gcd":
        return gcd(i, j)
    if kind == "divides":
        return 1 if j % i == 0 else 0
    if kind == "pascal":
        return comb(i + j - 2, i - 1)
    raise ValueError(f"unknown named matrix {kind!r}")


# ---------------------------------------------------------------- family
def build_matrix(spec: dict, n: int) -> list[list[int]]:
    s = spec["structure"]
    idx = range(1, n + 1)
    if s == "poly":
        return [[eval_terms(spec["terms"], i, j) for j in idx] for i in idx]
    if s == "periodic":
        m, kind, values = spec["period"], spec["kind"], spec["values"]
        return [[values[_periodic_index(kind, i, j, m)] for j in idx] for i in idx]
    if s == "named":
        return [[named_entry(spec["name"], i, j) for j in idx] for i in idx]
    raise ValueError(f"unknown structure {s!r}")


def rank_by_structure(spec: dict, n: int) -> int:
    s = spec["structure"]
    if s == "poly":
        return fraction_rank(coefficient_matrix(expand_terms(spec["terms"])))
    if s == "periodic":
        return periodic_rank_by_gcd(spec)
    if s == "named":
        return n
    raise ValueError(f"unknown structure {s!r}")


def candidate_null_vectors(spec: dict, n: int) -> list[list[int]]:
    s = spec["structure"]
    if s == "poly":
        return poly_null_vectors(spec["terms"], n)
    if s == "periodic":
        return periodic_null_vectors(spec, n)
    return []


def certified_rank(matrix: list[list[int]], candidates: list[list[int]]) -> tuple[int, int]:
    """(lower bound from F_p rank, upper bound n - independent exact null vectors among the candidates)."""
    n = len(matrix)
    lower = rank_mod_p(matrix)
    verified = [v for v, ok in zip(candidates, exact_null_mask(matrix, candidates)) if ok]
    # exact null vectors whose F_p rank is k contain k vectors independent over Q: rank_Q <= n - k
    independent = rank_mod_p(verified) if verified else 0
    return lower, n - independent


@register_family
class StructuredMatrixRank(Family):
    name = "trans_matrix_rank_test"
    axis = "transformative"
    domain = "arithmetic"
    description = "Rank of a large formula-defined matrix (polynomial, periodic/circulant, classic) via its structure"
    answer_type = "int"
    levels = {
        1: {"n": (8, 12), "structures": ("poly", "periodic"), "terms": (1, 2), "max_factors": 2,
            "period": (2, 4), "p_circulant": 0.0, "factors": (1, 1), "max_shift": 2},
        2: {"n": (12, 24), "structures": ("poly", "periodic", "named"), "terms": (2, 3), "max_factors": 2,
            "period": (3, 6), "p_circulant": 0.3, "factors": (1, 1), "max_shift": 4},
        3: {"n": (24, 48), "structures": ("poly", "periodic", "periodic", "named"), "terms": (2, 3), "max_factors": 3,
            "period": (4, 9), "p_circulant": 0.6, "factors": (1, 2), "max_shift": 6},
        4: {"n": (48, 96), "structures": ("poly", "periodic", "periodic"), "terms": (2, 3), "max_factors": 3,
            "period": (6, 12), "p_circulant": 0.7, "factors": (2, 2), "max_shift": 9},
        5: {"n": (96, 150), "structures": ("poly", "periodic", "periodic"), "terms": (3, 4), "max_factors": 4,
            "period": (8, 16), "p_circulant": 0.8, "factors": (2, 3), "max_shift": 12},
    }
    test_items = 20  # items per level in the generic default test; 200 per level run under -m slow

    def generate(self, rng: random.Random, level: int) -> Problem:
        kn = self.levels[level]
        n = rng.randint(*kn["n"])
        structure = rng.choice(kn["structures"])
        if structure == "poly":
            spec = _draw_poly(rng, kn)
            rule = render_poly_terms(spec["terms"])
        elif structure == "periodic":
            spec = _draw_periodic(rng, kn, n)
            rule = render_periodic(spec, n)
        else:
            spec = {"structure": "named", "name": rng.choice(NAMED)}
            rule = _NAMED_TEXT[spec["name"]]
        if structure != "named" and rank_by_structure(spec, n) == n and rng.random() < 0.8:
            raise Reject("mostly keep rank-deficient structured instances")
        question = rng.choice(_QUESTIONS).format(n=n, rule=rule) + _ANSWER
        return Problem(question=question, params={"n": n, "spec": spec})

    def solve(self, params: dict[str, Any]) -> int:
        return rank_by_structure(params["spec"], params["n"])

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        n, spec = params["n"], params["spec"]
        if not isinstance(answer, int):
            return False
        matrix = build_matrix(spec, n)
        if n <= BRUTE_FORCE_MAX_N and bareiss_rank(matrix) != answer:
            return False
        lower, upper = certified_rank(matrix, candidate_null_vectors(spec, n))
        return lower == upper == answer
