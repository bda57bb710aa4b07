"""trans_de_moivre_test: polynomial-root questions whose roots are roots of unity (or of z^n = w), where the
trained rational-root search finds nothing and De Moivre's formula is the way in.

Trained skill (algebra_polynomial_roots): find rational roots of a polynomial by factoring. Test variants:

* ``product``: prod_{k} P(w^k) over the n-th roots of unity w^k (k = 0..n-1, or 1..n-1): the resultant of
  x^n - 1 and P; asked exactly, or modulo 1000 when large (AIME 2024 II #13 is one such instance);
* ``region``: how many solutions of z^n = w lie in a quadrant or half-plane, for w = r e^{i pi p/q} written with
  surds (arguments (theta + 2 pi k) / n);
* ``power_sum``: sum over the roots z_k of z^n = a of (z_k + c)^m: by the roots-of-unity filter
  n * sum_{n | j} C(m, j) c^(m-j) a^(j/n);
* ``cos_sum``: sum_{k=0}^{n-1} cos^m(2 pi k / n) = 2^-m n sum_{j : n | m - 2j} C(m, j), a rational p/q -> p + q.

solve: the closed forms above (sympy's exact resultant for ``product``; exact rational arguments for
``region``). check: independent routes - ``product`` and ``cos_sum`` by 60-digit mpmath evaluation at the
roots of unity (the exact answer must match to 1e-30 relative); ``region`` by numpy's companion-matrix
eigenvalues of z^n - w (roots on an axis are recognised by exact argument arithmetic never being needed:
every off-axis root is at least 0.4% of |z| away from the axes at these sizes); ``power_sum`` exactly by
Newton's identities on (z - c)^n - a.
"""
from __future__ import annotations

import random
from fractions import Fraction
from math import comb
from typing import Any

import mpmath
import numpy as np
import sympy

from generators.family import Family, Problem, Reject
from generators.registry import register_family

X = sympy.Symbol("x")
EXACT_LIMIT = 10**9  # larger products are asked modulo 1000
REGIONS = {
    "q1": ("lie in the open first quadrant (real part > 0 and imaginary part > 0)", Fraction(0), Fraction(1, 2)),
    "q2": ("lie in the open second quadrant (real part < 0 and imaginary part > 0)", Fraction(1, 2), Fraction(1)),
    "q3": ("lie in the open third quadrant (real part < 0 and imaginary part < 0)", Fraction(1), Fraction(3, 2)),
    "q4": ("lie in the open fourth quadrant (real part > 0 and imaginary part < 0)", Fraction(3, 2), Fraction(2)),
    "upper": ("have positive imaginary part", Fraction(0), Fraction(1)),
    "lower": ("have negative imaginary part", Fraction(1), Fraction(2)),
}
# angles (in units of pi) with exact cos/sin, and how w = r e^{i theta} is written for a scale s
_ANGLES = [Fraction(k, 4) for k in range(8)] + [Fraction(k, 6) for k in range(12) if k % 3]


def _poly_tex(coeffs: list[int], var: str) -> str:
    """coeffs lowest first, in powers of ``var`` (e.g. \\omega^{k}), written highest first."""
    terms = []
    for power in range(len(coeffs) - 1, -1, -1):
        c = coeffs[power]
        if c == 0:
            continue
        mono = "" if power == 0 else (var if power == 1 else f"{var}^{{{power}}}")
        mag = abs(c)
        body = str(mag) if not mono else (mono if mag == 1 else f"{mag}{mono}")
        terms.append(("-" if c < 0 else "") + body if not terms else (" - " if c < 0 else " + ") + body)
    return "".join(terms) or "0"


def _power_tex(power: int) -> str:
    return "\\omega^{k}" if power == 1 else f"\\omega^{{{power}k}}"


def render_product_factor(coeffs: list[int]) -> str:
    terms = []
    for power in range(len(coeffs) - 1, -1, -1):
        c = coeffs[power]
        if c == 0:
            continue
        mono = "" if power == 0 else _power_tex(power)
        mag = abs(c)
        body = str(mag) if not mono else (mono if mag == 1 else f"{mag}{mono}")
        terms.append(("-" if c < 0 else "") + body if not terms else (" - " if c < 0 else " + ") + body)
    return "".join(terms)


def render_w(angle: Fraction, s: int) -> str:
    """r e^{i pi angle} written as a + bi with surds (r = s, s*sqrt2 or 2s as the angle needs)."""
    quarter = angle.denominator in (1, 2)
    if quarter:
        k = int(angle * 2) % 4
        return [f"{s}", f"{s}i" if s != 1 else "i", f"-{s}", f"-{s}i" if s != 1 else "-i"][k]
    if angle.denominator == 4:
        re_sign = 1 if angle < Fraction(1, 2) or angle > Fraction(3, 2) else -1
        im_sign = 1 if angle < 1 else -1
        a, b = s * re_sign, s * im_sign
        return f"{a} {'+' if b > 0 else '-'} {abs(b) if abs(b) != 1 else ''}i"
    # multiples of pi/6 off the axes: 2s(cos, sin) with values sqrt3/2 and 1/2
    cos_v = float(mpmath.cos(mpmath.pi * angle.numerator / angle.denominator))
    sin_v = float(mpmath.sin(mpmath.pi * angle.numerator / angle.denominator))
    big_re = abs(cos_v) > 0.7
    re_txt = f"{s}\\sqrt{{3}}" if big_re else f"{s}"
    im_txt = f"{s}" if big_re else f"{s}\\sqrt{{3}}"
    re_txt = re_txt.replace("1\\sqrt", "\\sqrt") if s == 1 else re_txt
    im_txt = im_txt.replace("1\\sqrt", "\\sqrt") if s == 1 else im_txt
    im_txt = "" if im_txt == "1" else im_txt
    return f"{'-' if cos_v < 0 else ''}{re_txt} {'+' if sin_v > 0 else '-'} {im_txt}i"


def w_modulus_squared(angle: Fraction, s: int) -> int:
    if angle.denominator in (1, 2):
        return s * s
    return 2 * s * s if angle.denominator == 4 else 4 * s * s


# ---------------------------------------------------------------- closed forms (solve)
def product_by_resultant(coeffs: list[int], n: int, skip_one: bool) -> int:
    p = sympy.Poly(list(reversed(coeffs)), X)
    value = int(sympy.resultant(sympy.Poly(X**n - 1, X), p))  # x^n - 1 is monic: = prod over its roots of P
    if skip_one:
        at_one = sum(coeffs)
        if at_one == 0 or value % at_one:
            raise ArithmeticError("P(1) must be a non-zero divisor of the full product")
        value //= at_one
    return value


def region_count_exact(n: int, angle: Fraction, region: str) -> int:
    _, lo, hi = REGIONS[region]
    count = 0
    for k in range(n):
        phi = ((angle + 2 * k) / n) % 2  # argument of the k-th root, in units of pi
        if lo < phi < hi:
            count += 1
    return count


def power_sum_filter(n: int, a: int, c: int, m: int) -> int:
    return n * sum(comb(m, j) * c ** (m - j) * a ** (j // n) for j in range(0, m + 1, n))


def cos_sum_filter(n: int, m: int) -> Fraction:
    hits = sum(comb(m, j) for j in range(m + 1) if (m - 2 * j) % n == 0)
    return Fraction(n * hits, 2**m)


# ---------------------------------------------------------------- independent routes (check)
def product_numeric(coeffs: list[int], n: int, skip_one: bool) -> mpmath.mpc:
    with mpmath.workdps(60):
        acc = mpmath.mpc(1)
        for k in range(1 if skip_one else 0, n):
            z = mpmath.expjpi(mpmath.mpf(2 * k) / n)
            acc *= sum(c * z**p for p, c in enumerate(coeffs))
        return acc


def region_count_numeric(n: int, angle: Fraction, region: str, s: int) -> int:
    w = complex(mpmath.sqrt(w_modulus_squared(angle, s)) * mpmath.expjpi(mpmath.mpf(angle.numerator) /
                                                                          angle.denominator))
    roots = np.roots([1] + [0] * (n - 1) + [-w])
    tol = 1e-7 * abs(w) ** (1 / n)
    count = 0
    for z in roots:
        re = 0 if abs(z.real) < tol else (1 if z.real > 0 else -1)
        im = 0 if abs(z.imag) < tol else (1 if z.imag > 0 else -1)
        count += {"q1": re > 0 < im, "q2": re < 0 < im, "q3": re < 0 and im < 0, "q4": re > 0 > im,
                  "upper": im > 0, "lower": im < 0}[region]
    return count


def power_sum_newton(n: int, a: int, c: int, m: int) -> int:
    """Power sum p_m of the roots of (z - c)^n - a by Newton's identities (exact integers)."""
    coeffs = [comb(n, i) * (-c) ** (n - i) for i in range(n + 1)]  # (z - c)^n, lowest degree first
    coeffs[0] -= a
    monic = list(reversed(coeffs))  # z^n + e1' z^(n-1) + ... with e_k' = monic[k]
    p = [n]
    for k in range(1, m + 1):
        total = -k * monic[k] if k <= n else 0
        for i in range(1, min(k, n + 1)):
            total -= monic[i] * p[k - i]
        p.append(total)
    return p[m]


def cos_sum_numeric(n: int, m: int) -> mpmath.mpf:
    with mpmath.workdps(60):
        return sum(mpmath.cos(2 * mpmath.pi * k / n) ** m for k in range(n))


def _close(exact: Fraction | int, approx) -> bool:
    with mpmath.workdps(60):
        e = mpmath.mpf(Fraction(exact).numerator) / Fraction(exact).denominator
        return abs(mpmath.mpc(approx) - e) <= mpmath.mpf(10) ** -30 * max(1, abs(e))


@register_family
class DeMoivreRoots(Family):
    name = "trans_de_moivre_test"
    axis = "transformative"
    domain = "algebra"
    description = "Roots of unity / z^n = w: products over roots, root regions, power sums, cosine sums (De Moivre)"
    answer_type = "int"
    levels = {
        1: {"n": (3, 6), "deg": (1, 1), "coef": 3, "m": (2, 5), "angles": "axes"},
        2: {"n": (5, 9), "deg": (1, 2), "coef": 3, "m": (4, 8), "angles": "quarter"},
        3: {"n": (7, 13), "deg": (2, 2), "coef": 3, "m": (6, 12), "angles": "all"},
        4: {"n": (11, 20), "deg": (2, 3), "coef": 4, "m": (10, 18), "angles": "all"},
        5: {"n": (17, 30), "deg": (2, 4), "coef": 4, "m": (16, 26), "angles": "all"},
    }
    test_items = 100  # items per level in the generic default test; 200 per level run under -m slow

    def generate(self, rng: random.Random, level: int) -> Problem:
        kn = self.levels[level]
        n = rng.randint(*kn["n"])
        variant = rng.choice(("product", "region", "power_sum", "cos_sum"))
        if variant == "product":
            deg = rng.randint(*kn["deg"])
            coeffs = [rng.randint(-kn["coef"], kn["coef"]) for _ in range(deg + 1)]
            coeffs[deg] = rng.choice((1, -1, 2))
            if coeffs[0] == 0:
                coeffs[0] = rng.choice((1, 2, -1, 3))
            skip_one = rng.random() < 0.3 and sum(coeffs) != 0
            try:
                value = product_by_resultant(coeffs, n, skip_one)
            except ArithmeticError as exc:
                raise Reject(str(exc)) from exc
            if value == 0:
                raise Reject("a root of unity is a root of P")
            modular = abs(value) >= EXACT_LIMIT
            k_range = "k = 1, 2, \\ldots, " + str(n - 1) if skip_one else "k = 0, 1, \\ldots, " + str(n - 1)
            ask = ("Find the remainder when this product is divided by 1000 (an integer from 0 to 999)."
                   if modular else "Give the value of this product as an integer.")
            question = (f"Let $\\omega = \\cos\\frac{{2\\pi}}{{{n}}} + i\\sin\\frac{{2\\pi}}{{{n}}}$. Consider the "
                        f"product $\\prod ({render_product_factor(coeffs)})$ over ${k_range}$. It is an integer. "
                        + ask)
            params = {"variant": variant, "n": n, "coeffs": coeffs, "skip_one": skip_one, "modular": modular}
        elif variant == "region":
            pool = {"axes": [a for a in _ANGLES if a.denominator in (1, 2)],
                    "quarter": [a for a in _ANGLES if a.denominator in (1, 2, 4)], "all": _ANGLES}[kn["angles"]]
            angle = rng.choice(pool)
            s = rng.randint(1, 4) if angle.denominator != 1 and angle.denominator != 2 else rng.randint(1, 9) ** 2
            region = rng.choice(sorted(REGIONS))
            if region_count_exact(n, angle, region) == 0:
                raise Reject("empty region")
            question = (f"How many of the {n} complex solutions of $z^{{{n}}} = {render_w(angle, s)}$ "
                        f"{REGIONS[region][0]}? Give the answer as an integer.")
            params = {"variant": variant, "n": n, "angle": str(angle), "s": s, "region": region}
        elif variant == "power_sum":
            a = rng.choice([v for v in range(-5, 6) if v not in (0,)])
            c = rng.choice((1, 2, -1, 3, -2))
            m = rng.randint(max(n, kn["m"][0]), max(n, kn["m"][1]) + 2)
            question = (f"Let $z_1, z_2, \\ldots, z_{{{n}}}$ be the {n} complex solutions of $z^{{{n}}} = {a}$. "
                        f"Compute $\\sum_{{k=1}}^{{{n}}} (z_k {'+' if c > 0 else '-'} {abs(c)})^{{{m}}}$. "
                        "Give the answer as an integer.")
            params = {"variant": variant, "n": n, "a": a, "c": c, "m": m}
        else:
            m = rng.randint(*kn["m"])
            value = cos_sum_filter(n, m)
            question = (f"Compute $\\sum_{{k=0}}^{{{n - 1}}} \\cos^{{{m}}}\\left(\\frac{{2\\pi k}}{{{n}}}\\right)$. "
                        "Write the value as p/q with p and q coprime positive integers and give p + q.")
            if value <= 0:
                raise Reject("non-positive sum")
            params = {"variant": variant, "n": n, "m": m}
        return Problem(question=question, params=params)

    def solve(self, params: dict[str, Any]) -> int:
        v = params["variant"]
        if v == "product":
            value = product_by_resultant(params["coeffs"], params["n"], params["skip_one"])
            return value % 1000 if params["modular"] else value
        if v == "region":
            return region_count_exact(params["n"], Fraction(params["angle"]), params["region"])
        if v == "power_sum":
            return power_sum_filter(params["n"], params["a"], params["c"], params["m"])
        value = cos_sum_filter(params["n"], params["m"])
        return value.numerator + value.denominator

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        if not isinstance(answer, int):
            return False
        v = params["variant"]
        if v == "product":
            approx = product_numeric(params["coeffs"], params["n"], params["skip_one"])
            with mpmath.workdps(60):
                exact = int(mpmath.nint(approx.real))
            if not _close(exact, approx):
                return False
            return answer == (exact % 1000 if params["modular"] else exact)
        if v == "region":
            return answer == region_count_numeric(params["n"], Fraction(params["angle"]), params["region"],
                                                  params["s"])
        if v == "power_sum":
            return answer == power_sum_newton(params["n"], params["a"], params["c"], params["m"])
        approx = cos_sum_numeric(params["n"], params["m"])
        value = Fraction(answer)  # p + q is checked against the numeric value through the exact fraction
        exact = cos_sum_filter(params["n"], params["m"])
        return _close(exact, approx) and value == exact.numerator + exact.denominator
