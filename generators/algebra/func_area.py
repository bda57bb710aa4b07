"""algebra_func_area: the area between the graphs of two composite functions over an integer interval.

Area = integral of |f - g| over [a, b] (a, b integers in [-5, 5]); instances with a pole in [a, b] are
rejected. Solve: certified corners and crossings of f and g as cut points (60 digits), exact polynomial
antiderivatives or 30-digit ``mpmath.quad`` per piece. Check: independent scan for corners and crossings,
findroot refinement, float64 composite Gauss-Legendre of |f - g|. Rounded to 2 decimals with
near-boundary (1e-6) rejection; no fallback value ever replaces a failed computation.

Ladder: level L+1 nests one more component (and the area cap grows). At levels 4 and 5 a share of items
(32-52 % measured) have f with a pole at distance 1/q (q = 3..8) just outside [a, b]
(``func_hard.pole_chain``): the integrand is large near that end but the area is finite; the arb
enclosure certifies it as for every other item.
"""
from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

import numpy as np

from generators.algebra import func_hard as hard
from generators.algebra import func_scan as scan
from generators.algebra.func_family import SCAN_SPACING, SEPARATION, FuncFamily, fx, ladder, prefilter, rounded
from generators.algebra.func_integral import draw_bounds, scan_cuts
from generators.algebra.func_integrate import cut_points, integrate, pole_free
from generators.algebra.func_roots import analyze
from generators.answers import format_decimal
from generators.family import Reject
from generators.instance_key import canonical_json, params_key
from generators.registration import register_family

MIN_AREA = 0.05
_WORDINGS = (
    "Let {f} and {g}. Find the area of the region between the graphs of $f$ and $g$ for ${a} \\le x \\le {b}$, "
    "that is $\\int_{{{a}}}^{{{b}}} |f(x) - g(x)|\\,dx$. Round to 2 decimal places.",
    "Given {f} and {g}, compute the total area enclosed between the two curves over the interval "
    "$[{a}, {b}]$ (regions where $f > g$ and where $g > f$ both count positively). Round to 2 decimal places.",
)


@register_family
class FuncArea(FuncFamily):
    name = "algebra_func_area"
    description = "Area between the graphs of two composite functions over an integer interval, to 2 dp"
    answer_type = "decimal:2"
    levels = {lv: {**knobs, "max_value": cap} for (lv, knobs), cap in zip(ladder().items(), (50, 100, 150, 250, 500))}
    version = "2"

    def instance_key(self, params: dict) -> str:
        """f = g is g = f (and |f - g| = |g - f|): the pair of functions is unordered; the level is a knob."""
        f, g = sorted((params["f"], params["g"]), key=canonical_json)
        return params_key(params, drop=self.key_ignored_params, f=f, g=g)

    def draw(self, rng: random.Random, level: int) -> dict[str, Any]:
        a, b = draw_bounds(rng)
        if hard.wants_hard(rng, level, 0.25):  # f has a pole just outside [a, b] at the top levels (func_hard)
            f, cert = hard.draw_pole_outside(rng, self.levels[level]["components"], a, b)
            return {"f": f, "g": self.draw_chain(rng, level, fewer=1), "a": a, "b": b, "certificate": cert}
        return {"f": self.draw_chain(rng, level), "g": self.draw_chain(rng, level, fewer=1), "a": a, "b": b}

    def question(self, params: dict[str, Any], rng: random.Random) -> str:
        return rng.choice(_WORDINGS).format(f=fx(params["f"]), g=fx(params["g"], "g"), a=params["a"],
                                            b=params["b"])

    def screen(self, params: dict[str, Any]) -> None:
        prefilter([params["f"], params["g"]], (1, -1), params["a"], params["b"],
                  area=(MIN_AREA, self.levels[params["level"]]["max_value"], True))

    def compute(self, params: dict[str, Any]) -> str:
        chains, signs = [params["f"], params["g"]], (1, -1)
        res = analyze(chains, signs, params["a"], params["b"], zeros=True, delta=SEPARATION)
        pole_free(res)
        value = integrate(chains, signs, cut_points(res, chains, signs, crossings=True), absolute=True)
        if not MIN_AREA <= value <= self.levels[params["level"]]["max_value"]:
            raise Reject("area outside the level's range")
        return rounded(value)

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        chains, signs = [params["f"], params["g"]], (1, -1)
        sc = scan.scan(chains, signs, params["a"], params["b"], SCAN_SPACING)
        if sc.pole_cell.any():
            return False
        h = scan.np_function(chains, signs)
        value = scan.gauss_legendre(lambda x: np.abs(h(x)), scan_cuts(sc, chains, signs, True))
        return format_decimal(Fraction(value), 2) == answer
