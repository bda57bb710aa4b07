"""algebra_func_integral: a definite integral of a composite function, rounded to 2 decimals.

The integrand is continuous on [a, b] (instances with a pole there are rejected). Solve: certified
corners as cut points, exact sympy antiderivatives on polynomial pieces, 30-digit ``mpmath.quad`` with an
error estimate below 1e-15 elsewhere. Check: independent scan for corners, cut points refined by
findroot, composite 24-point Gauss-Legendre quadrature in float64. Answers within 1e-6 of a rounding
boundary are rejected. Trained on by the transformative integration setting.

Ladder: level L+1 nests one more component (and the value cap grows). At levels 4 and 5 a share of items
(40-45 % measured) have a pole at distance 1/q (q = 3..8) just outside [a, b] (``func_hard.pole_chain``),
certified by the same rigorous arb integration.
"""
from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

import mpmath

from generators.algebra import func_hard as hard
from generators.algebra import func_scan as scan
from generators.algebra.func_family import SCAN_SPACING, SEPARATION, FuncFamily, fx, ladder, prefilter, rounded
from generators.algebra.func_integrate import cut_points, integrate, pole_free
from generators.algebra.func_roots import analyze
from generators.answers import format_decimal
from generators.family import Reject
from generators.registration import register_family

_WORDINGS = (
    "Let {f}. Evaluate $\\int_{{{a}}}^{{{b}}} f(x)\\,dx$ and round the result to 2 decimal places.",
    "Compute the definite integral of {f} from $x = {a}$ to $x = {b}$. Give the value rounded to 2 decimal "
    "places.",
)


def draw_bounds(rng: random.Random) -> tuple[int, int]:
    a = rng.randint(-5, 4)
    return a, rng.randint(a + 1, min(5, a + 4))


def scan_cuts(sc: scan.Scan, chains: list, signs: tuple[int, ...], crossings: bool) -> list[float]:
    """Cut points found by the scan: corners (and crossings), refined with findroot."""
    cuts = [float(sc.x[0]), float(sc.x[-1])]
    with mpmath.workdps(30):
        for cell, ci, stage in sc.corner_where:
            g = scan.mp_function([chains[ci]], (1,), upto=stage)
            b = chains[ci][stage]["b"]
            cuts.append(float(scan.root_in(lambda t: g(t) - b, sc.x[cell], sc.x[cell + 1])))
        if crossings:
            h = scan.mp_function(chains, signs)
            cuts += [float(scan.root_in(h, lo, hi)) for lo, hi in scan.zero_positions(sc)]
    return sorted(cuts)


@register_family
class FuncIntegral(FuncFamily):
    name = "algebra_func_integral"
    description = "Definite integral of a composite function over an integer interval in [-5, 5], to 2 dp"
    answer_type = "decimal:2"
    levels = {lv: {**knobs, "max_value": cap} for (lv, knobs), cap in zip(ladder().items(), (50, 100, 150, 250, 500))}
    version = "2"

    def draw(self, rng: random.Random, level: int) -> dict[str, Any]:
        a, b = draw_bounds(rng)
        if hard.wants_hard(rng, level, 0.25):  # a pole just outside [a, b] at the top levels (func_hard)
            f, cert = hard.draw_pole_outside(rng, self.levels[level]["components"], a, b)
            return {"f": f, "a": a, "b": b, "certificate": cert}
        return {"f": self.draw_chain(rng, level), "a": a, "b": b}

    def question(self, params: dict[str, Any], rng: random.Random) -> str:
        return rng.choice(_WORDINGS).format(f=fx(params["f"]), a=params["a"], b=params["b"])

    def screen(self, params: dict[str, Any]) -> None:
        cap = self.levels[params["level"]]["max_value"]
        prefilter([params["f"]], (1,), params["a"], params["b"], area=(0, cap, False))

    def compute(self, params: dict[str, Any]) -> str:
        chains, signs = [params["f"]], (1,)
        res = analyze(chains, signs, params["a"], params["b"], zeros=False, delta=SEPARATION)
        pole_free(res)
        value = integrate(chains, signs, cut_points(res, chains, signs, crossings=False), absolute=False)
        if abs(value) > self.levels[params["level"]]["max_value"]:
            raise Reject("integral too large for the level")
        return rounded(value)

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        chains, signs = [params["f"]], (1,)
        sc = scan.scan(chains, signs, params["a"], params["b"], SCAN_SPACING)
        if sc.pole_cell.any():
            return False
        value = scan.gauss_legendre(scan.np_function(chains, signs), scan_cuts(sc, chains, signs, False))
        return format_decimal(Fraction(value), 2) == answer
