"""algebra_func_intersection: how many times the graphs of two composite functions meet on [lo, hi] inside [-10, 10].

Solve: certified root isolation of f - g between the certified breakpoints of both functions; when both
are piecewise rational the count is also taken exactly (FLINT) per piece and both must agree.
Check: dense independent scan of f - g (sign changes away from poles, exact end-point values, touching
points verified exactly with sympy, ``func_hard.touch_zeros``).

Ladder: level L+1 nests one more component in f and in g. At levels 4 and 5 a share of items (measured
43-47 % of kept items at 30 items per level) are tangencies built by construction (``func_hard``): f and
g share a critical point x0 and their value there, so the graphs touch without crossing; certified exactly
and counted once.
"""
from __future__ import annotations

import random
from typing import Any

from generators.algebra import func_hard as hard
from generators.algebra import func_scan as scan
from generators.algebra.func_family import SCAN_SPACING, SEPARATION, FuncFamily, draw_interval, fx, ladder, prefilter
from generators.algebra.func_exact import certified_zero_count
from generators.instance_key import canonical_json, params_key
from generators.registration import register_family

_WORDINGS = (
    "Let {f} and {g}. At how many distinct values of $x$ in the closed interval $[{lo}, {hi}]$ do the graphs "
    "of $f$ and $g$ intersect, that is, $f(x) = g(x)$ with both defined? Answer with an integer.",
    "Given {f} and {g}, count the points of intersection of the two graphs for ${lo} \\le x \\le {hi}$ "
    "(count each distinct $x$ once). Give the count as an integer.",
    "How many solutions does $f(x) = g(x)$ have on $[{lo}, {hi}]$, where {f} and {g}? "
    "Only $x$ where both functions are defined count. Answer with an integer.",
)


@register_family
class FuncIntersection(FuncFamily):
    name = "algebra_func_intersection"
    description = "Number of intersections of two composite functions on [lo, hi] inside [-10, 10]; depth grows with the level"
    answer_type = "int"
    # issue 16: counts 1 allowed, the over-common small counts thinned (were 38-72% one answer at levels 1-2)
    levels = ladder(min_count=1, max_count=40, keep={1: 0.3, 2: 0.3})
    # 4 intersections is over-common at some levels (33-38% at levels 2, 4 and 5 before this)
    for _lv, _four in ((2, 0.5), (4, 0.6), (5, 0.4)):
        levels[_lv]["keep"] = {**levels[_lv]["keep"], 4: _four}
    del _lv, _four
    version = "4"  # issue 18: answer estimate screened first; issue 16: certified hard cases at L4-L5

    def instance_key(self, params: dict) -> str:
        """f = g is g = f (and |f - g| = |g - f|): the pair of functions is unordered; the level is a knob."""
        f, g = sorted((params["f"], params["g"]), key=canonical_json)
        return params_key(params, drop=self.key_ignored_params, f=f, g=g)

    def draw(self, rng: random.Random, level: int) -> dict[str, Any]:
        if hard.wants_hard(rng, level, 0.14):  # certified tangencies at the top levels (func_hard)
            n = self.levels[level]["components"]
            return hard.draw_tangent_pair(rng, n, n - 1, *draw_interval(rng))
        f = self.draw_chain(rng, level)
        lo, hi = draw_interval(rng)
        return {"f": f, "g": self.draw_chain(rng, level, fewer=1),
                "lo": lo, "hi": hi}

    def question(self, params: dict[str, Any], rng: random.Random) -> str:
        return rng.choice(_WORDINGS).format(f=fx(params["f"]), g=fx(params["g"], "g"), lo=params["lo"],
                                            hi=params["hi"])

    def screen(self, params: dict[str, Any]) -> int:
        return prefilter([params["f"], params["g"]], (1, -1), params["lo"], params["hi"],
                         self.levels[params["level"]]["min_count"]).zeros()

    def compute(self, params: dict[str, Any]) -> int:
        chains, touches = [params["f"], params["g"]], hard.certificate_points(params)
        if touches:
            count = hard.certified_count(chains, (1, -1), params["lo"], params["hi"], touches, SEPARATION)
        else:
            count = certified_zero_count(chains, (1, -1), params["lo"], params["hi"], SEPARATION)
        return self.count_in_range(count, params["level"])

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        sc = scan.scan([params["f"], params["g"]], (1, -1), params["lo"], params["hi"], SCAN_SPACING)
        return isinstance(answer, int) and hard.checked_zero_count([params["f"], params["g"]], (1, -1), sc) == answer
