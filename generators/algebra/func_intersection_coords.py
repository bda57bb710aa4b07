"""algebra_func_intersection_coords: an x-coordinate built from the intersections of two composite functions.

Asked (decimal to 2 places): the leftmost or the rightmost intersection's x, or the sum of all of them.
Solve: certified brackets of the roots of f - g, each refined by ``mpmath.findroot`` at 30 digits inside
its bracket; exact end-point roots are exact. Check: independent scan brackets refined with findroot on
the sympy-derived mpmath form, plus touching points verified exactly (``func_hard``). Values within 1e-6
of a rounding boundary are rejected.

Ladder: level L+1 nests one more component in f and in g. At levels 4 and 5 a share of items (20-30 %
measured) have a certified tangency at a rational x0 (``func_hard``), which the asked leftmost /
rightmost / sum includes exactly although no sign change marks it.
"""
from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

import mpmath

from generators.algebra import func_hard as hard
from generators.algebra import func_scan as scan
from generators.algebra.func_family import (DOMAIN, SCAN_SPACING, SEPARATION, FuncFamily, fx, ladder, prefilter,
                                            rounded)
from generators.algebra.func_roots import analyze, mp_value, refine
from generators.answers import format_decimal
from generators.instance_key import canonical_json, params_key
from generators.registration import register_family

ASKS = {
    "leftmost": "the $x$-coordinate of the leftmost intersection point",
    "rightmost": "the $x$-coordinate of the rightmost intersection point",
    "sum": "the sum of the $x$-coordinates of all intersection points",
}
_WORDINGS = (
    "Let {f} and {g}. Consider every point with ${lo} \\le x \\le {hi}$ where the graphs of $f$ and $g$ meet. "
    "Find {what}. Round your answer to 2 decimal places.",
    "The graphs of {f} and {g} cross or touch at finitely many points with $x \\in [{lo}, {hi}]$. "
    "What is {what}? Give the value rounded to 2 decimal places.",
)


def combine(xs: list, ask: str):
    xs = sorted(xs)
    return xs[0] if ask == "leftmost" else xs[-1] if ask == "rightmost" else sum(xs)


@register_family
class FuncIntersectionCoords(FuncFamily):
    name = "algebra_func_intersection_coords"
    description = "Leftmost / rightmost / sum of intersection x-coordinates of two composite functions, to 2 dp"
    answer_type = "decimal:2"
    levels = ladder(min_count=1, max_count=12)
    version = "2"

    def instance_key(self, params: dict) -> str:
        """f = g is g = f (and |f - g| = |g - f|): the pair of functions is unordered; the level is a knob."""
        f, g = sorted((params["f"], params["g"]), key=canonical_json)
        return params_key(params, drop=self.key_ignored_params, f=f, g=g)

    def draw(self, rng: random.Random, level: int) -> dict[str, Any]:
        if hard.wants_hard(rng, level, 0.2):  # certified tangencies at the top levels (func_hard)
            n = self.levels[level]["components"]
            return {**hard.draw_tangent_pair(rng, n, n - 1, *DOMAIN), "ask": rng.choice(sorted(ASKS))}
        return {"f": self.draw_chain(rng, level), "g": self.draw_chain(rng, level, fewer=1),
                "lo": DOMAIN[0], "hi": DOMAIN[1], "ask": rng.choice(sorted(ASKS))}

    def question(self, params: dict[str, Any], rng: random.Random) -> str:
        return rng.choice(_WORDINGS).format(f=fx(params["f"]), g=fx(params["g"], "g"), what=ASKS[params["ask"]],
                                            lo=params["lo"], hi=params["hi"])

    def screen(self, params: dict[str, Any]) -> None:
        prefilter([params["f"], params["g"]], (1, -1), params["lo"], params["hi"], 1)

    def compute(self, params: dict[str, Any]) -> str:
        chains, signs = [params["f"], params["g"]], (1, -1)
        touches = hard.certificate_points(params)
        if touches:
            with mpmath.workdps(40):
                xs = hard.certified_points(chains, signs, params["lo"], params["hi"], touches, SEPARATION)
                self.count_in_range(len(xs), params["level"])
                return rounded(combine(xs, params["ask"]))
        res = analyze(chains, signs, params["lo"], params["hi"], delta=SEPARATION)
        self.count_in_range(res.zero_count(), params["level"])
        with mpmath.workdps(40):
            xs = [refine(lambda t: mp_value(chains, signs, t), (z.lo, z.hi)) for z in res.zeros]
            xs += [mpmath.mpf(params["lo"])] * res.zero_at_lo + [mpmath.mpf(params["hi"])] * res.zero_at_hi
            return rounded(combine(xs, params["ask"]))

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        chains, signs = [params["f"], params["g"]], (1, -1)
        sc = scan.scan(chains, signs, params["lo"], params["hi"], SCAN_SPACING)
        with mpmath.workdps(40):
            xs = hard.checked_zero_positions(chains, signs, sc)  # sign changes and verified touching zeros
            if not xs:
                return False
            value = combine(xs, params["ask"])
            return format_decimal(Fraction(mpmath.nstr(value, 35, min_fixed=-99, max_fixed=99)), 2) == answer
