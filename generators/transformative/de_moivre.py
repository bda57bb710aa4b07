"""trans_de_moivre_test: where the roots of an expanded polynomial lie, when it has no rational root at all.

Trained skill (algebra_polynomial_roots): find the rational roots of an expanded integer polynomial by the
rational-root test and synthetic division. Test: the same kind of object, P(x) = (x + a)^n - b written out
expanded (degree 9 to 30), but b is not an n-th power of an integer, so P has **no rational root** (if
(x + a) = r is rational with r^n = b then r is an integer): the trained procedure finds nothing, at every
level, and degree >= 5 rules out solving by formula. The insight: spot the binomial expansion, write
x = -a + R e^{i theta_k} with R = |b|^{1/n} and theta_k = (2 pi k + arg b) / n (De Moivre), and count:

* ``half_plane``: how many roots have real part greater than c  <=>  cos theta_k > (a + c) / R;
* ``disc``: how many roots lie strictly inside the circle |x| = M  <=>  cos theta_k > (a^2 + R^2 - M^2) / (2aR).

Thresholds are drawn so that the cosine bound u lies in (-0.95, 0.95), which spreads the answers over 1..n-1.
Items are drawn again when some |cos theta_k - u| < 1e-8 (so the count is exact) or when the count equals a
guess that needs no root location (0, n, half or a quarter of n, 1 or 2 = the real roots).

solve: De Moivre's formula with 60-digit mpmath. check: exact and independent of De Moivre. The coefficients are
re-expanded by repeated multiplication; the rational-root claim is re-derived with an integer n-th root; the count
comes from the Routh array (sign changes of its first column count the roots in the right half-plane) of P(w + c)
for the half-plane question, and of (1 - w)^n P(M (1 + w)/(1 - w)) for the disc (the Cayley map sends |x| < M to
Re w < 0). A vanishing first-column entry (a root on the boundary) fails the check.
"""
from __future__ import annotations

import random
from math import comb, gcd
from typing import Any

import mpmath
import sympy

from generators.family import Family, Problem, Reject
from generators.registration import register_family

X = sympy.Symbol("x")
MARGIN = mpmath.mpf("1e-8")
QUESTIONS = ("half_plane", "disc")
_ASK = {
    "half_plane": "How many of the {n} complex roots of P (counted with multiplicity) have real part greater than "
                  "{c}? Give the answer as an integer.",
    "disc": "How many of the {n} complex roots of P (counted with multiplicity) lie strictly inside the circle "
            "|x| = {M} in the complex plane? Give the answer as an integer.",
}


def coefficients(a: int, b: int, n: int) -> list[int]:
    """Coefficients of (x + a)^n - b, highest power first (binomial theorem)."""
    out = [comb(n, k) * a ** (n - k) for k in range(n, -1, -1)]
    out[-1] -= b
    return out


def render_poly(coeffs_high_first: list[int]) -> str:
    n = len(coeffs_high_first) - 1
    parts = []
    for i, c in enumerate(coeffs_high_first):
        d = n - i
        if c == 0:
            continue
        mag = abs(c)
        body = ("" if mag == 1 and d else str(mag)) + ("x" if d >= 1 else "") + (f"^{{{d}}}" if d >= 2 else "")
        sign = "-" if c < 0 else "+"
        parts.append((("-" if sign == "-" else "") if not parts else f" {sign} ") + body)
    return "".join(parts)


def _cosines(a: int, b: int, n: int) -> tuple[mpmath.mpf, list[mpmath.mpf]]:
    R = mpmath.root(abs(mpmath.mpf(b)), n)
    phase = mpmath.pi if b < 0 else 0
    return R, [mpmath.cos((2 * mpmath.pi * k + phase) / n) for k in range(n)]


def threshold(params: dict[str, Any], R) -> mpmath.mpf:
    a = params["a"]
    if params["question"] == "half_plane":
        return (a + params["c"]) / R
    return (a * a + R * R - params["M"] ** 2) / (2 * a * R)


def count_by_de_moivre(params: dict[str, Any]) -> tuple[int, mpmath.mpf]:
    """(count, distance of the nearest cos theta_k to the bound)."""
    with mpmath.workdps(60):
        R, cosines = _cosines(params["a"], params["b"], params["n"])
        u = threshold(params, R)
        if params["question"] == "disc" and params["a"] < 0:
            count = sum(1 for cs in cosines if cs < u)  # dividing by 2aR < 0 flips the inequality
        else:
            count = sum(1 for cs in cosines if cs > u)
        return count, min(abs(cs - u) for cs in cosines)


def routh_right_half_plane(coeffs_high_first: list[int]) -> int | None:
    """Roots with positive real part, by the Routh array (exact, fraction-free: every row is kept as a positive
    multiple of the true row, reduced by its gcd); None when a first-column entry vanishes."""
    c = list(coeffs_high_first)
    while c and c[0] == 0:
        c.pop(0)
    n = len(c) - 1
    width = n // 2 + 2

    def pad(row: list[int]) -> list[int]:
        return row + [0] * (width - len(row))

    rows = [pad(c[0::2]), pad(c[1::2])]
    for _ in range(2, n + 1):
        up, cur = rows[-2], rows[-1]
        if cur[0] == 0:
            return None
        sign = 1 if cur[0] > 0 else -1
        new = [sign * (cur[0] * up[j + 1] - up[0] * cur[j + 1]) for j in range(width - 1)] + [0]
        g = gcd(*new)
        rows.append([v // g for v in new] if g else new)
    first = [r[0] for r in rows[: n + 1]]
    if any(v == 0 for v in first):
        return None
    return sum(1 for u, v in zip(first, first[1:]) if (u > 0) != (v > 0))


def _poly_mul(p: list[int], q: list[int]) -> list[int]:
    """Product of two integer polynomials, coefficients lowest power first."""
    out = [0] * (len(p) + len(q) - 1)
    for i, u in enumerate(p):
        if u:
            for j, v in enumerate(q):
                out[i + j] += u * v
    return out


def count_by_routh(params: dict[str, Any]) -> int | None:
    """Independent exact count: shift (half-plane) or Cayley map w = (x - M)/(x + M) (disc), then Routh."""
    a, b, n = params["a"], params["b"], params["n"]
    low = list(reversed(coefficients_by_expansion(a, b, n)))  # lowest power first
    if params["question"] == "half_plane":
        c = params["c"]
        shifted = [0] * (n + 1)  # P(w + c) by Horner's scheme on polynomials
        for coef in reversed(low):
            shifted = _poly_mul(shifted, [c, 1])[: n + 1]
            shifted[0] += coef
        return routh_right_half_plane(list(reversed(shifted)))
    M = params["M"]
    mapped = [0] * (n + 1)
    plus = [1]
    minus_pows = [[1]]
    for _ in range(n):
        minus_pows.append(_poly_mul(minus_pows[-1], [1, -1]))
    for k, coef in enumerate(low):
        term = _poly_mul(plus, minus_pows[n - k])
        for i, v in enumerate(term):
            mapped[i] += coef * M**k * v
        plus = _poly_mul(plus, [1, 1])
    if mapped[n] == 0:
        return None  # x = -M is a root: on the circle
    right = routh_right_half_plane(list(reversed(mapped)))
    return None if right is None else n - right  # no root on the imaginary axis (Routh would have stopped)


def coefficients_by_expansion(a: int, b: int, n: int) -> list[int]:
    """(x + a)^n - b by repeated multiplication by (x + a), highest power first (check route)."""
    p = [1]
    for _ in range(n):
        p = _poly_mul(p, [a, 1])
    p[0] -= b
    return list(reversed(p))


def has_rational_root(a: int, b: int, n: int) -> bool:
    """(x + a)^n = b has a rational solution iff b is the n-th power of an integer (rational-root theorem)."""
    if b < 0 and n % 2 == 0:
        return False
    root, exact = sympy.integer_nthroot(abs(b), n)
    return bool(exact)


def symmetry_guesses(n: int) -> set[int]:
    """Counts a solver could guess without locating the roots: none, all, half, a quarter, 1 or 2 (real roots)."""
    return {0, n, n // 2, (n + 1) // 2, n // 4, (n + 3) // 4, 1, 2}


def _is_nth_power(v: int, n: int) -> bool:
    if v < 0:
        return n % 2 == 1 and _is_nth_power(-v, n)
    r = round(v ** (1.0 / n))
    return any((r + d) ** n == v for d in (-1, 0, 1) if r + d >= 0)


@register_family
class DeMoivreRoots(Family):
    name = "trans_de_moivre_test"
    axis = "transformative"
    domain = "algebra"
    description = ("Where the roots of an expanded (x + a)^n - b lie (half-plane / disc counts) when no rational "
                   "root exists: De Moivre, not the rational-root test")
    answer_type = "int"
    version = "2"
    test_items = 40  # items per level in the generic default test; 200 per level run under -m slow
    levels = {
        1: {"n": (9, 12), "a": 2, "R": (1.5, 4.0)},
        2: {"n": (12, 15), "a": 3, "R": (1.5, 5.0)},
        3: {"n": (15, 19), "a": 4, "R": (1.5, 6.0)},
        4: {"n": (19, 24), "a": 5, "R": (1.5, 6.0)},
        5: {"n": (24, 30), "a": 6, "R": (1.5, 6.0)},
    }

    def generate(self, rng: random.Random, level: int) -> Problem:
        kn = self.levels[level]
        n = rng.randint(*kn["n"])
        a = rng.choice([v for v in range(-kn["a"], kn["a"] + 1) if v])
        target_r = rng.uniform(*kn["R"])
        b = max(2, round(target_r**n * rng.uniform(0.8, 1.25))) * rng.choice((1, -1))
        if _is_nth_power(b, n):
            raise Reject("b is an n-th power: P would have a rational root")
        question = rng.choice(QUESTIONS)
        R = abs(b) ** (1.0 / n)
        params: dict[str, Any] = {"n": n, "a": a, "b": b, "question": question}
        if question == "half_plane":
            lo, hi = -a - 0.95 * R, -a + 0.95 * R
            choices = [c for c in range(int(lo) - 1, int(hi) + 2) if lo < c < hi and c != -a]  # c = -a: the centre
            if not choices:
                raise Reject("no integer threshold inside the root circle")
            params["c"] = rng.choice(choices)
        else:
            lo, hi = abs(abs(a) - R), abs(a) + R  # |x| ranges over [| |a| - R |, |a| + R] on the root circle
            choices = [M for M in range(1, int(hi) + 1) if lo + 0.05 * R < M < hi - 0.05 * R]
            if not choices:
                raise Reject("no integer radius crossing the root circle")
            params["M"] = rng.choice(choices)
        count, gap = count_by_de_moivre(params)
        if gap < MARGIN:
            raise Reject("a root lies too close to the boundary")
        if count in symmetry_guesses(n):
            raise Reject("the count equals a symmetry guess (none, all, half, a quarter, the real roots)")
        if count_by_routh(params) is None:
            raise Reject("the Routh array of this instance is singular (the check could not certify it)")
        poly = render_poly(coefficients(a, b, n))
        ask = _ASK[question].format(n=n, c=params.get("c"), M=params.get("M"))
        return Problem(question=f"Let $P(x) = {poly}$. {ask}", params=params)

    def instance_key(self, params: dict) -> str:
        q = params
        return f"{self.name}|{q['n']}|{q['a']}|{q['b']}|{q['question']}|{q.get('c')}|{q.get('M')}"

    def solve(self, params: dict[str, Any]) -> int:
        return count_by_de_moivre(params)[0]

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        if not isinstance(answer, int) or has_rational_root(params["a"], params["b"], params["n"]):
            return False
        return answer == count_by_routh(params)
