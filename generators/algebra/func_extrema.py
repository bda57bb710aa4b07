"""algebra_func_extrema: how many local extrema (or minima, or maxima) a composite function has.

Solve: certified critical points (roots of f' isolated with enclosures of f' and f'') plus certified
corners; an event is an extremum when the certified sign of f' differs on its two sides (poles never
count, f is undefined there). For piecewise-rational f the signs of f' are also derived exactly with
FLINT (``func_exact``) and must agree. Check: independent scan counting sign changes of the sampled f' (a
chain-rule product of sympy-differentiated components) that do not straddle a pole.

Ladder: level L+1 nests one more component. At levels 4 and 5 a share of items (27-47 % measured at 30
items per level) have a flat extremum built by construction (``func_hard.flat_chain``): two stacked
quadratic vertices make f - f(x0) ~ c (x - x0)^4, so f' has a triple zero that interval root isolation
alone cannot separate; it is certified by the exact factorisation of f' around x0 with enclosures of the
remaining factors (``func_hard.certified_flat_slopes``).
"""
from __future__ import annotations

import random
from typing import Any

from generators.algebra import func_hard as hard
from generators.algebra import func_scan as scan
from generators.algebra.func_family import DOMAIN, SCAN_SPACING, SEPARATION, FuncFamily, fx, ladder, prefilter
from generators.algebra.func_exact import certified_slopes
from generators.algebra.func_roots import Analysis
from generators.registration import register_family

ASKS = {"extrema": "local extrema (local minima and local maxima together)", "minima": "local minima",
        "maxima": "local maxima"}
_WORDINGS = (
    "Let {f}. How many {what} does $f$ have in the open interval $({lo}, {hi})$? Corner points where $f$ is "
    "not differentiable count when they are extrema; points where $f$ is undefined never count. "
    "Answer with an integer.",
    "For {f}, count the {what} of $f$ strictly between $x = {lo}$ and $x = {hi}$ (include non-differentiable "
    "corners that are extrema; exclude points where $f$ is undefined). Give the count as an integer.",
)


def extrema(res: Analysis) -> list[tuple[float, str]]:
    """(position, 'min' | 'max') of each local extremum, from certified events and slope signs."""
    out = []
    for i, ev in enumerate(res.events):
        left, right = res.slopes[i], res.slopes[i + 1]
        if ev.kind != "pole" and left != right:
            out.append((ev.mid, "min" if left < 0 else "max"))
    return out


def kept(kinds: list[str], ask: str) -> int:
    return sum(1 for k in kinds if ask == "extrema" or k == ask[:3])


@register_family
class FuncExtrema(FuncFamily):
    name = "algebra_func_extrema"
    description = "Number of local extrema / minima / maxima of a composite function on (-10, 10)"
    answer_type = "int"
    # issue 16: one count (3) was 34-45% of levels 3-5; the over-common counts are thinned
    levels = ladder(min_count=2, max_count=40, keep={3: 0.35, 2: 0.7, 7: 0.6})
    levels[1]["keep"] = {**levels[1]["keep"], 20: 0.6}  # level 1: 20 extrema (one sine) was 33-35%
    version = "4"  # issue 18: answer estimate screened first; issue 16: certified hard cases at L4-L5

    def draw(self, rng: random.Random, level: int) -> dict[str, Any]:
        if hard.wants_hard(rng, level, 0.35):  # certified flat extrema at the top levels (func_hard)
            return {**hard.draw_flat_extremum(rng, self.levels[level]["components"], *DOMAIN),
                    "ask": rng.choice(sorted(ASKS))}
        return {"f": self.draw_chain(rng, level), "lo": DOMAIN[0], "hi": DOMAIN[1],
                "ask": rng.choice(sorted(ASKS))}

    def question(self, params: dict[str, Any], rng: random.Random) -> str:
        return rng.choice(_WORDINGS).format(f=fx(params["f"]), what=ASKS[params["ask"]], lo=params["lo"],
                                            hi=params["hi"])

    def screen(self, params: dict[str, Any]) -> int:
        return prefilter([params["f"]], (1,), params["lo"], params["hi"]).extrema(params["ask"])

    def compute(self, params: dict[str, Any]) -> int:
        touches = hard.certificate_points(params)
        if touches:
            res = hard.certified_flat_slopes(params["f"], params["lo"], params["hi"], touches[0], SEPARATION)
        else:
            res = certified_slopes(params["f"], params["lo"], params["hi"], SEPARATION)
        return self.count_in_range(kept([k for _, k in extrema(res)], params["ask"]), params["level"])

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        sc = scan.scan([params["f"]], (1,), params["lo"], params["hi"], SCAN_SPACING)
        return isinstance(answer, int) and kept([k for _, _, k in scan.extremum_cells(sc)], params["ask"]) == answer
