"""algebra_func_zeros: how many zeros a composite function has on an interval [lo, hi] inside [-10, 10], certified.

Solve: certified breakpoints and zeros by interval root isolation (``func_roots``); for piecewise-rational
functions the count is also taken exactly (FLINT) on every piece (``func_exact``) and both must agree.
A zero exactly at an end point is decided with exact sympy arithmetic and counted. Check: dense independent scan
(``func_scan``) counting sign changes away from poles plus exact end-point zeros, plus touching zeros
(``func_hard.touch_zeros``: a sign change of f' where f keeps its sign, refined, rationalised and verified
exactly with sympy).

Ladder: level L+1 nests one more component (3..7 at L1..L5 with the interval). At levels 4 and 5 about a
fifth to two fifths of the items (17-40 % measured) have double zeros built by construction
(``func_hard.draw_double_zero``): f touches the axis at a rational x0 without changing sign, so a count
of sign changes misses it; each is certified (f(x0) = f'(x0) = 0 exactly, f'' one-signed around it) and
counted once.
"""
from __future__ import annotations

import random
from typing import Any

from generators.algebra import func_hard as hard
from generators.algebra import func_scan as scan
from generators.algebra.func_family import SCAN_SPACING, SEPARATION, FuncFamily, draw_interval, fx, ladder, prefilter
from generators.algebra.func_exact import certified_zero_count
from generators.registration import register_family

_WORDINGS = (
    "Let {f}. How many distinct real numbers $x$ in the closed interval $[{lo}, {hi}]$ satisfy $f(x) = 0$? "
    "Points where $f$ is undefined do not count. Answer with an integer.",
    "Consider {f}. Count the zeros of $f$ on $[{lo}, {hi}]$ (end points included, each distinct $x$ counted "
    "once, points where $f$ is undefined excluded). Give the count as an integer.",
    "For {f}, find the number of distinct solutions of $f(x) = 0$ with ${lo} \\le x \\le {hi}$. "
    "Give your answer as an integer.",
)


@register_family
class FuncZeros(FuncFamily):
    name = "algebra_func_zeros"
    description = "Number of zeros of a composite function on [lo, hi] inside [-10, 10]; composition depth grows with the level"
    answer_type = "int"
    # issue 16: counts 1 allowed, the over-common small counts thinned (were 38-72% one answer at levels 1-2)
    levels = ladder(min_count=1, max_count=40, keep={1: 0.3, 2: 0.25})
    # deeper compositions over-produce 4 zeros (57% at level 5 with only 1 and 2 thinned)
    for _lv, _four in ((3, 0.5), (4, 0.4), (5, 0.2)):
        levels[_lv]["keep"] = {**levels[_lv]["keep"], 4: _four}
    del _lv, _four
    levels[5]["keep"][8] = 0.4  # once 4 is thinned, level 5 over-produces 8 (38% at n=40)
    version = "4"  # issue 18: answer estimate screened first; issue 16: certified hard cases at L4-L5

    def draw(self, rng: random.Random, level: int) -> dict[str, Any]:
        if hard.wants_hard(rng, level, 0.1):  # certified double zeros at the top levels (func_hard)
            return hard.draw_double_zero(rng, self.levels[level]["components"], *draw_interval(rng))
        f = self.draw_chain(rng, level)
        lo, hi = draw_interval(rng)
        return {"f": f, "lo": lo, "hi": hi}

    def question(self, params: dict[str, Any], rng: random.Random) -> str:
        return rng.choice(_WORDINGS).format(f=fx(params["f"]), lo=params["lo"], hi=params["hi"])

    def screen(self, params: dict[str, Any]) -> int:
        return prefilter([params["f"]], (1,), params["lo"], params["hi"],
                         self.levels[params["level"]]["min_count"]).zeros()

    def compute(self, params: dict[str, Any]) -> int:
        touches = hard.certificate_points(params)
        if touches:
            count = hard.certified_count([params["f"]], (1,), params["lo"], params["hi"], touches, SEPARATION)
        else:
            count = certified_zero_count([params["f"]], (1,), params["lo"], params["hi"], SEPARATION)
        return self.count_in_range(count, params["level"])

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        sc = scan.scan([params["f"]], (1,), params["lo"], params["hi"], SCAN_SPACING)
        return isinstance(answer, int) and hard.checked_zero_count([params["f"]], (1,), sc) == answer
