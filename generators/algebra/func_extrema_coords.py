"""algebra_func_extrema_coords: the x-coordinate of a specified local extremum of a composite function.

Asked (decimal to 2 places): the leftmost / rightmost local minimum, maximum or extremum, or the local
maximum with the largest value / the local minimum with the smallest value. Solve: certified events
(critical points and corners; exact FLINT cross-check of f' signs for piecewise-rational f) refined at 30
digits (findroot on f' or on the |.| argument inside the certified bracket). Check: independent scan sign
changes of f', refined with findroot on the sympy-derived mpmath forms. Rounding-boundary cases (1e-6) and
near-ties in value (1e-6) are rejected.

Ladder: level L+1 nests one more component. At levels 4 and 5 a share of items (40-57 % measured at 30
items per level) have a certified flat extremum at a rational x0 (f' with a triple zero, ``func_hard``).
"""
from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

import mpmath

from generators.algebra import func_hard as hard
from generators.algebra import func_scan as scan
from generators.algebra.func_extrema import extrema
from generators.algebra.func_family import (DOMAIN, SCAN_SPACING, SEPARATION, FuncFamily, fx, ladder, prefilter,
                                            rounded)
from generators.algebra.func_exact import certified_slopes
from generators.algebra.func_roots import mp_jet, refine
from generators.answers import format_decimal
from generators.family import Reject
from generators.registration import register_family

ASKS = {
    "leftmost_min": "the leftmost local minimum", "leftmost_max": "the leftmost local maximum",
    "leftmost_ext": "the leftmost local extremum", "rightmost_min": "the rightmost local minimum",
    "rightmost_max": "the rightmost local maximum", "rightmost_ext": "the rightmost local extremum",
    "highest_max": "the local maximum with the largest function value",
    "lowest_min": "the local minimum with the smallest function value",
}
TIE_MARGIN = mpmath.mpf("1e-6")
_WORDINGS = (
    "Let {f}. Among the local extrema of $f$ in the open interval $({lo}, {hi})$ (non-differentiable corners "
    "included, points where $f$ is undefined excluded), find the $x$-coordinate of {what}. "
    "Round to 2 decimal places.",
    "For {f} on $({lo}, {hi})$, what is the $x$-coordinate of {what} of $f$? Corners where $f$ is not "
    "differentiable can be extrema. Give the answer rounded to 2 decimal places.",
)


def pick(points: list[tuple], ask: str):
    """points: (approximate x, kind, exact) with exact() -> (x, y) refined at high precision.

    Returns the refined x asked for, or None when the asked kind is absent. Only the candidates that
    can matter are refined: one for leftmost / rightmost, the three best by approximate value otherwise.
    """
    where, want = ask.split("_")
    pts = sorted((p for p in points if want == "ext" or p[1] == want), key=lambda p: p[0])
    if not pts:
        return None
    if where == "leftmost":
        return pts[0][2]()[0]
    if where == "rightmost":
        return pts[-1][2]()[0]
    sign = -1 if where == "highest" else 1
    best = sorted(pts, key=lambda p: sign * p[3])[:3]
    ranked = sorted((p[2]() for p in best), key=lambda xy: sign * xy[1])
    if len(ranked) > 1 and abs(ranked[0][1] - ranked[1][1]) < TIE_MARGIN:
        raise Reject("two extrema with nearly equal values")
    return ranked[0][0]


@register_family
class FuncExtremaCoords(FuncFamily):
    name = "algebra_func_extrema_coords"
    description = "x-coordinate of a specified local extremum of a composite function on (-10, 10), to 2 dp"
    answer_type = "decimal:2"
    levels = ladder()
    version = "2"

    def draw(self, rng: random.Random, level: int) -> dict[str, Any]:
        if hard.wants_hard(rng, level, 0.35):  # certified flat extrema at the top levels (func_hard)
            return {**hard.draw_flat_extremum(rng, self.levels[level]["components"], *DOMAIN),
                    "ask": rng.choice(sorted(ASKS))}
        return {"f": self.draw_chain(rng, level), "lo": DOMAIN[0], "hi": DOMAIN[1], "ask": rng.choice(sorted(ASKS))}

    def question(self, params: dict[str, Any], rng: random.Random) -> str:
        return rng.choice(_WORDINGS).format(f=fx(params["f"]), what=ASKS[params["ask"]], lo=params["lo"],
                                            hi=params["hi"])

    def screen(self, params: dict[str, Any]) -> None:
        prefilter([params["f"]], (1,), params["lo"], params["hi"])

    def compute(self, params: dict[str, Any]) -> str:
        ch = params["f"]
        touches = hard.certificate_points(params)
        if touches:
            res = hard.certified_flat_slopes(ch, params["lo"], params["hi"], touches[0], SEPARATION)
        else:
            res = certified_slopes(ch, params["lo"], params["hi"], SEPARATION)
        kinds = dict(extrema(res))
        points = []
        with mpmath.workdps(40):
            for ev in res.events:
                if ev.mid not in kinds:
                    continue
                if ev.kind == "crit":
                    g = (lambda t: mp_jet(ch, t)[1])
                else:  # a corner: the |.| argument of component ev.stage vanishes
                    g = (lambda t, k=ev.stage: mp_jet(ch[:k], t)[0] - ch[k]["b"])

                def exact(g=g, br=(ev.lo, ev.hi)):
                    x = refine(g, br)
                    return x, mp_jet(ch, x)[0]
                points.append((ev.mid, kinds[ev.mid], exact, mp_jet(ch, mpmath.mpf(ev.mid))[0]))
            x = pick(points, params["ask"])
            if x is None:
                raise Reject("the asked kind of extremum is absent")
            return rounded(x)

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        ch = params["f"]
        sc = scan.scan([ch], (1,), params["lo"], params["hi"], SCAN_SPACING)
        f = scan.mp_function([ch], (1,))
        df = scan.mp_derivative([ch], (1,))
        corners = {cell: stage for cell, _, stage in sc.corner_where}
        points = []
        with mpmath.workdps(40):
            for j, k, kind in scan.extremum_cells(sc):
                cell = next((c for c in range(j, k) if c in corners), None)
                if cell is not None:
                    g = scan.mp_function([ch], (1,), upto=corners[cell])
                    b = ch[corners[cell]]["b"]
                    lo_hi = (sc.x[cell], sc.x[cell + 1])
                    func = (lambda t, g=g, b=b: g(t) - b)
                else:
                    lo_hi, func = (sc.x[j], sc.x[k]), df

                def exact(func=func, lo_hi=lo_hi):
                    x = scan.root_in(func, *lo_hi)
                    return x, f(x)
                points.append((float(sc.x[j]), kind, exact, float(sc.value[j])))
            try:
                x = pick(points, params["ask"])
            except Reject:
                return False
            if x is None:
                return False
            return format_decimal(Fraction(mpmath.nstr(x, 35, min_fixed=-99, max_fixed=99)), 2) == answer
