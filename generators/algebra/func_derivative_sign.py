"""algebra_func_derivative_sign: on how many maximal open intervals f' > 0 (or f' < 0) on (lo, hi) inside (-10, 10).

The set {x : f is differentiable at x and f'(x) > 0} is split by critical points, corners and poles; its
connected components are counted. Solve: certified events (critical points, corners, poles) and a certified
sign of f' on each gap between them (for piecewise-rational f also exactly, FLINT). Check: independent
scan of the sampled f' sign with corner and pole cells read off the stage arguments.

Ladder: level L+1 nests one more component. At levels 4 and 5 a share of items (27-57 % measured at 30
items per level) have a certified flat extremum (f' with a triple zero, ``func_hard``), where the sign of
f' changes although f' is nearly 0 over a wide stretch.
"""
from __future__ import annotations

import random
from typing import Any

from generators.algebra import func_hard as hard
from generators.algebra import func_scan as scan
from generators.algebra.func_family import SCAN_SPACING, SEPARATION, FuncFamily, draw_interval, fx, ladder, prefilter
from generators.algebra.func_exact import certified_slopes
from generators.registration import register_family

ASKS = {"increasing": (1, "f'(x) > 0"), "decreasing": (-1, "f'(x) < 0")}
_WORDINGS = (
    "Let {f}. Consider the set of $x$ in the open interval $({lo}, {hi})$ at which $f$ is differentiable and "
    "${cond}$. Into how many maximal open intervals does this set split? Answer with an integer.",
    "For {f}, how many maximal connected open intervals inside $({lo}, {hi})$ satisfy ${cond}$ at every "
    "point? Points where $f$ is undefined or not differentiable separate intervals. Give an integer.",
)


@register_family
class FuncDerivativeSign(FuncFamily):
    name = "algebra_func_derivative_sign"
    description = "Number of maximal intervals in (lo, hi) inside (-10, 10) where f' > 0 (or < 0) for a composite function"
    answer_type = "int"
    # issue 16: counts 1 allowed, the over-common small counts thinned (were 38-72% one answer at levels 1-2)
    levels = ladder(min_count=1, max_count=40, keep={1: 0.3, 2: 0.5, 3: 0.6})
    version = "4"  # issue 18: answer estimate screened first; issue 16: certified hard cases at L4-L5

    def draw(self, rng: random.Random, level: int) -> dict[str, Any]:
        if hard.wants_hard(rng, level, 0.35):  # certified flat extrema at the top levels (func_hard)
            return {**hard.draw_flat_extremum(rng, self.levels[level]["components"], *draw_interval(rng)),
                    "ask": rng.choice(sorted(ASKS))}
        f = self.draw_chain(rng, level)
        lo, hi = draw_interval(rng)
        return {"f": f, "lo": lo, "hi": hi,
                "ask": rng.choice(sorted(ASKS))}

    def question(self, params: dict[str, Any], rng: random.Random) -> str:
        return rng.choice(_WORDINGS).format(f=fx(params["f"]), cond=ASKS[params["ask"]][1], lo=params["lo"],
                                            hi=params["hi"])

    def screen(self, params: dict[str, Any]) -> int:
        return prefilter([params["f"]], (1,), params["lo"], params["hi"]).runs(ASKS[params["ask"]][0])

    def compute(self, params: dict[str, Any]) -> int:
        touches = hard.certificate_points(params)
        if touches:
            res = hard.certified_flat_slopes(params["f"], params["lo"], params["hi"], touches[0], SEPARATION)
        else:
            res = certified_slopes(params["f"], params["lo"], params["hi"], SEPARATION)
        direction = ASKS[params["ask"]][0]
        return self.count_in_range(sum(1 for s in res.slopes if s == direction), params["level"])

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        sc = scan.scan([params["f"]], (1,), params["lo"], params["hi"], SCAN_SPACING)
        return isinstance(answer, int) and scan.monotone_runs(sc, ASKS[params["ask"]][0]) == answer
