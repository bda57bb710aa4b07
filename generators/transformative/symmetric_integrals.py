"""trans_integrations_test: definite integrals with no usable antiderivative that a symmetry or an identity settles.

Trained skill (algebra_func_integral): integrate by finding an antiderivative. Test: the integrand has no
elementary antiderivative (or a hopeless one), but the value is exact:

* ``odd_even``: int_{-a}^{a} E(x) / (1 + b^{O(x)}) dx with E even and O odd (plus, at higher levels, an odd term
  that integrates to 0). Pairing x with -x gives E(x) (1/(1+b^O) + 1/(1+b^-O)) = E(x): the value is
  int_0^a E(x) dx;
* ``king``: int_0^a S(x) h(x) / (h(x) + h(a - x)) dx with S(x) = S(a - x): adding the x -> a - x copy gives
  half of int_0^a S;
* ``trig_king``: int_0^{pi/2} (c1 sin^m x + c2 cos^m x) / (sin^m x + cos^m x) dx = (c1 + c2) pi / 4;
* ``x_sin``: int_0^pi x sin^k x dx = (pi / 2) int_0^pi sin^k x dx (x -> pi - x), then Wallis: a rational
  multiple of pi^2 (k even) or pi (k odd);
* ``inverse``: int_{f(0)}^{f(a)} f^{-1}(y) dy for an increasing polynomial f whose inverse has no closed form:
  by the area identity it is a f(a) - int_0^a f(x) dx.

Answers are r, r*pi or r*pi^2 with r = p/q rational (the question states which); the answer is p + q.

solve: the identities above, in exact rationals.
check: 30-digit mpmath quadrature of the integrand exactly as stated (for ``inverse``, f^{-1} evaluated by
Newton's method at every quadrature node), which must match the exact value to 1e-20 relative (1e-12 for ``inverse``, integrated at 20 digits).
"""
from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np

from generators.family import Family, Problem, Reject
from generators.registration import register_family

QUAD_DIGITS = 30
MATCH_DIGITS = 20
PI_POWER_TEXT = {0: "I = r", 1: "I = r\\pi", 2: "I = r\\pi^{2}"}
_FORM = (" The value can be written as ${form}$ with $r = p/q$ a positive rational number in lowest terms. "
         "What is p + q?")


# ---------------------------------------------------------------- polynomial helpers (lowest degree first)
def poly_tex(coeffs: list[int], var: str = "x") -> str:
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


def poly_integral(coeffs: list[int], lo: Fraction, hi: Fraction) -> Fraction:
    return sum((Fraction(c, p + 1) * (Fraction(hi) ** (p + 1) - Fraction(lo) ** (p + 1)) for p, c in
                enumerate(coeffs)), Fraction(0))


def poly_value(coeffs: list[int], x):
    acc = 0
    for c in reversed(coeffs):
        acc = acc * x + c
    return acc


def _double_factorial_ratio(k: int) -> Fraction:
    """(k-1)!! / k!!."""
    num = den = 1
    for t in range(k - 1, 0, -2):
        num *= t
    for t in range(k, 0, -2):
        den *= t
    return Fraction(num, den)


# ---------------------------------------------------------------- exact values (solve)
def exact_value(params: dict[str, Any]) -> tuple[Fraction, int]:
    """(r, e) with I = r * pi^e."""
    v = params["variant"]
    if v == "odd_even":
        return poly_integral(params["even"], Fraction(0), Fraction(params["a"])), 0
    if v == "king":
        a = Fraction(params["a"])
        alpha, beta = params["alpha"], params["beta"]
        return (alpha * a + beta * a**3 / 6) / 2, 0
    if v == "trig_king":
        return Fraction(params["c1"] + params["c2"], 4), 1
    if v == "x_sin":
        k = params["k"]
        ratio = _double_factorial_ratio(k)
        return (ratio / 2, 2) if k % 2 == 0 else (ratio, 1)
    if v == "inverse":
        a = Fraction(params["a"])
        return a * poly_value(params["f"], a) - poly_integral(params["f"], Fraction(0), a), 0
    raise ValueError(f"unknown variant {v!r}")


# ---------------------------------------------------------------- rendering and numerics
def _odd_tex(odd: dict) -> str:
    if odd["kind"] == "poly":
        return poly_tex(odd["coeffs"])
    return f"\\sin({odd['c']}x)" if odd["c"] != 1 else "\\sin x"


def _odd_value(odd: dict, x):
    return poly_value(odd["coeffs"], x) if odd["kind"] == "poly" else mpmath.sin(odd["c"] * x)


def _base_tex(base: str) -> str:
    return "e" if base == "e" else base


def _base_value(base: str):
    return mpmath.e if base == "e" else mpmath.mpf(int(base))


def _h_tex(h: dict, a: int | None) -> str:
    """h(x) (a is None) or h(a - x), with the constant folded into the argument."""
    shifted = "x + " + str(h["c"]) if a is None else f"{a + h['c']} - x"
    if h["kind"] == "sqrt":
        return f"\\sqrt{{{shifted}}}"
    if h["kind"] == "power":
        return f"({shifted})^{{{h['k']}}}"
    return f"{h['c']}^{{{'x' if a is None else f'{a} - x'}}}"


def _h_value(h: dict, x):
    if h["kind"] == "sqrt":
        return mpmath.sqrt(x + h["c"])
    if h["kind"] == "power":
        return (x + h["c"]) ** h["k"]
    return mpmath.power(h["c"], x)


def render(params: dict[str, Any]) -> str:
    v = params["variant"]
    if v == "odd_even":
        extra = ""
        if params.get("odd_term"):
            k, c = params["odd_term"]["k"], params["odd_term"]["c"]
            mono = ("x" if k == 1 else f"x^{{{k}}}") + "\\cos x"
            mag = "" if abs(c) == 1 else str(abs(c))
            extra = f" + {mag}{mono}" if c > 0 else f" - {mag}{mono}"
        return (f"I = \\int_{{-{params['a']}}}^{{{params['a']}}} \\left(\\frac{{{poly_tex(params['even'])}}}"
                f"{{1 + {_base_tex(params['base'])}^{{{_odd_tex(params['odd'])}}}}}{extra}\\right)\\,dx")
    if v == "king":
        a, h, alpha, beta = params["a"], params["h"], params["alpha"], params["beta"]
        if beta:
            b = "" if beta == 1 else str(beta)
            sym = f"\\left({alpha} + {b}x({a} - x)\\right)"
        else:
            sym = "" if alpha == 1 else str(alpha)
        return (f"I = \\int_{{0}}^{{{a}}} {sym}\\frac{{{_h_tex(h, None)}}}{{{_h_tex(h, None)} + {_h_tex(h, a)}}}"
                f"\\,dx")
    if v == "trig_king":
        m, c1, c2 = params["m"], params["c1"], params["c2"]
        num = poly_tex([0])
        num = (f"{c1 if c1 != 1 else ''}\\sin^{{{m}}} x + {c2 if c2 != 1 else ''}\\cos^{{{m}}} x" if c1 and c2 else
               (f"{c1 if c1 != 1 else ''}\\sin^{{{m}}} x" if c1 else f"{c2 if c2 != 1 else ''}\\cos^{{{m}}} x"))
        return f"I = \\int_{{0}}^{{\\pi/2}} \\frac{{{num}}}{{\\sin^{{{m}}} x + \\cos^{{{m}}} x}}\\,dx"
    if v == "x_sin":
        return f"I = \\int_{{0}}^{{\\pi}} x\\sin^{{{params['k']}}} x\\,dx"
    if v == "inverse":
        f, a = params["f"], params["a"]
        return (f"Let $f(x) = {poly_tex(f)}$, an increasing function on the real line, and let $g$ be its inverse "
                f"function. Let $I = \\int_{{{poly_value(f, 0)}}}^{{{poly_value(f, a)}}} g(y)\\,dy$.")
    raise ValueError(f"unknown variant {v!r}")


def integrand(params: dict[str, Any]):
    v = params["variant"]
    if v == "odd_even":
        base = _base_value(params["base"])
        term = params.get("odd_term")

        def f(x):
            val = poly_value(params["even"], x) / (1 + mpmath.power(base, _odd_value(params["odd"], x)))
            if term:
                val += term["c"] * x ** term["k"] * mpmath.cos(x)
            return val
        return f, -params["a"], params["a"]
    if v == "king":
        a, h = params["a"], params["h"]

        def f(x):
            s = params["alpha"] + params["beta"] * x * (a - x)
            return s * _h_value(h, x) / (_h_value(h, x) + _h_value(h, a - x))
        return f, 0, a
    if v == "trig_king":
        m, c1, c2 = params["m"], params["c1"], params["c2"]
        return (lambda x: (c1 * mpmath.sin(x) ** m + c2 * mpmath.cos(x) ** m) /
                (mpmath.sin(x) ** m + mpmath.cos(x) ** m)), 0, mpmath.pi / 2
    if v == "x_sin":
        return (lambda x: x * mpmath.sin(x) ** params["k"]), 0, mpmath.pi
    if v == "inverse":
        coeffs, a = params["f"], params["a"]
        deriv = [p * c for p, c in enumerate(coeffs)][1:]
        xs = np.linspace(0.0, float(a), 4001)
        fs = np.polyval(list(reversed(coeffs)), xs)

        def g(y):
            x = mpmath.mpf(float(np.interp(float(y), fs, xs)))  # a float start, then Newton to full precision
            for _ in range(60):
                step = (poly_value(coeffs, x) - y) / poly_value(deriv, x)
                x -= step
                if abs(step) <= abs(x) * mpmath.mpf(10) ** -(mpmath.mp.dps - 3):
                    break
            return x
        return g, poly_value(coeffs, 0), poly_value(coeffs, a)
    raise ValueError(f"unknown variant {v!r}")


def _digits(params: dict[str, Any]) -> tuple[int, int]:
    """(working digits, digits that must match); the inverse runs Newton at every node, so it works at 20."""
    return (20, 12) if params["variant"] == "inverse" else (QUAD_DIGITS, MATCH_DIGITS)


def numeric_value(params: dict[str, Any]):
    with mpmath.workdps(_digits(params)[0]):
        f, lo, hi = integrand(params)
        if params["variant"] == "odd_even" and params["odd"]["kind"] == "poly":
            return mpmath.quad(f, [lo, 0, hi])
        return mpmath.quad(f, [lo, hi])


# ---------------------------------------------------------------- family
def _draw(rng: random.Random, variant: str, kn: dict) -> dict[str, Any]:
    if variant == "odd_even":
        even = [0] * (2 * rng.randint(0, kn["even_deg"]) + 1)
        for p in range(0, len(even), 2):
            even[p] = rng.randint(0, 5)
        even[-1] = rng.randint(1, 5)
        if kn["odd_poly_deg"] == 1 or rng.random() < 0.3:
            odd = {"kind": "poly", "coeffs": [0, rng.choice((1, 2, -1))]}
        elif rng.random() < 0.5:
            odd = {"kind": "sin", "c": rng.randint(1, 3)}
        else:
            deg = rng.choice([d for d in (3, 5) if d <= kn["odd_poly_deg"]] or [3])
            coeffs = [0] * (deg + 1)
            for p in range(1, deg + 1, 2):
                coeffs[p] = rng.randint(-2, 2)
            coeffs[deg] = rng.choice((1, -1))
            odd = {"kind": "poly", "coeffs": coeffs}
        params = {"variant": variant, "a": rng.randint(1, 3), "even": even, "odd": odd,
                  "base": rng.choice(("e", "2", "3"))}
        if kn["odd_term"] and rng.random() < 0.5:
            params["odd_term"] = {"k": rng.choice((1, 3)), "c": rng.choice((1, 2, -1, 3))}
        return params
    if variant == "king":
        kind = rng.choice(("sqrt", "power", "exp"))
        h = {"kind": kind, "c": rng.randint(1, 4) if kind != "exp" else rng.randint(2, 5)}
        if kind == "power":
            h["k"] = rng.randint(2, 4)
        beta = rng.randint(0, 3) if kn["sym_poly"] else 0
        return {"variant": variant, "a": rng.randint(1, 4), "h": h, "alpha": rng.randint(1, 6), "beta": beta}
    if variant == "trig_king":
        c1, c2 = rng.randint(0, 5), rng.randint(0, 5)
        if c1 + c2 == 0:
            c1 = 1
        return {"variant": variant, "m": rng.randint(*kn["trig_m"]), "c1": c1, "c2": c2}
    if variant == "x_sin":
        return {"variant": variant, "k": rng.randint(*kn["sin_k"])}
    if variant == "inverse":
        deg = rng.choice(kn["inverse_deg"])
        coeffs = [rng.randint(-3, 3)] + [0] * deg
        for p in range(1, deg + 1, 2):
            coeffs[p] = rng.randint(1, 3)  # odd powers with positive coefficients: strictly increasing
        return {"variant": variant, "f": coeffs, "a": rng.randint(1, 2)}
    raise ValueError(f"unknown variant {variant!r}")


@register_family
class SymmetricIntegrals(Family):
    name = "trans_integrations_test"
    axis = "transformative"
    domain = "algebra"
    description = "Definite integrals without usable antiderivatives, settled by symmetry, King's rule, Wallis, inverses"
    answer_type = "int"
    levels = {
        1: {"variants": ("odd_even", "king"), "even_deg": 1, "odd_poly_deg": 1, "odd_term": False,
            "sym_poly": False, "trig_m": (2, 2), "sin_k": (2, 3), "inverse_deg": (3,)},
        2: {"variants": ("odd_even", "king", "trig_king"), "even_deg": 2, "odd_poly_deg": 3, "odd_term": False,
            "sym_poly": False, "trig_m": (2, 4), "sin_k": (2, 3), "inverse_deg": (3,)},
        3: {"variants": ("odd_even", "king", "trig_king", "inverse"), "even_deg": 2, "odd_poly_deg": 3,
            "odd_term": True, "sym_poly": True, "trig_m": (3, 6), "sin_k": (3, 4), "inverse_deg": (3,)},
        4: {"variants": ("odd_even", "king", "x_sin", "inverse"), "even_deg": 3, "odd_poly_deg": 5,
            "odd_term": True, "sym_poly": True, "trig_m": (4, 9), "sin_k": (3, 6), "inverse_deg": (3, 5)},
        5: {"variants": ("odd_even", "king", "trig_king", "x_sin", "inverse"), "even_deg": 4, "odd_poly_deg": 5,
            "odd_term": True, "sym_poly": True, "trig_m": (5, 12), "sin_k": (5, 9), "inverse_deg": (5, 7)},
    }
    test_items = 15  # items per level in the generic default test; 200 per level run under -m slow

    def generate(self, rng: random.Random, level: int) -> Problem:
        kn = self.levels[level]
        params = _draw(rng, rng.choice(kn["variants"]), kn)
        r, e = exact_value(params)
        if r <= 0:
            raise Reject("non-positive value")
        params["pi_power"] = e
        text = render(params) if params["variant"] == "inverse" else f"Let ${render(params)}$."
        question = text + _FORM.format(form=PI_POWER_TEXT[e])
        return Problem(question=question, params=params)

    def solve(self, params: dict[str, Any]) -> int:
        r, _ = exact_value(params)
        return r.numerator + r.denominator

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        r, e = exact_value(params)
        if e != params["pi_power"] or not isinstance(answer, int) or answer != r.numerator + r.denominator:
            return False
        approx = numeric_value(params)
        work, match = _digits(params)
        with mpmath.workdps(work):
            exact = mpmath.mpf(r.numerator) / r.denominator * mpmath.pi**e
            return abs(approx - exact) <= mpmath.mpf(10) ** -match * max(1, abs(exact))
