"""comp_circles_algebra_test: points of a composite function's graph on K concentric copies of a constructed circle.

Skill A (geometry_circle): pin down a circle from a construction - centre and radius, centre and a point,
a diameter, three points, centre and a tangent line, or the midpoint of a segment as centre through a third
point. Skill B (algebra_func_intersection): count the meeting points of a composite function's graph with
another curve. The test needs both: the circle must first be found (centre and radius), then the circles with
that centre and radii 1, 2, ..., K times its radius are each intersected with y = f(x), where f is a chain of
linear, quadratic and absolute-value components (the function-analysis families' notation), and the counts are
added (concentric circles of different radii are disjoint). Asking about K circles (K = 3..6) spreads the
answers; items are drawn again when the total equals a shortcut: 0, 2, two or four points per circle, the
first circle's count alone or times K. The constructions are the harder ones of the circle family (diameter,
three points, tangent line, midpoint centre), never a stated centre and radius.

Every quantity is exact. The circle is rational (centre in Q^2, r^2 in Q); f is unfolded into polynomial
pieces split at rational |.| corners (chains with an irrational corner are re-drawn); on each piece the
meeting points are the real roots of (x - h)^2 + (P(x) - k)^2 - r^2, counted distinctly on (lo, hi].

solve: circle from the construction's formulas, roots counted with sympy's ``count_roots``.
check: the circle must satisfy the construction's defining properties (points on it, tangency distance,
centre placement), the pieces must agree with direct evaluation of the chain, and the count is redone with a
hand-rolled Sturm sequence over Fractions.
"""
from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

from generators.algebra.func_model import render_chain
from generators.compositional import piecewise_chain as pw
from generators.compositional import poly_exact as pe
from generators.family import Family, Problem, Reject
from generators.registration import register_family

CIRCLE_KINDS = ("center_radius", "center_point", "diameter", "three_points", "tangent_line", "midpoint_through")
COORD = 6  # coordinates drawn in [-COORD, COORD]

_QUESTIONS = (
    "{circle} For k = 1, 2, ..., {K}, let {name}_k be the circle with the same centre as {name} and radius k times "
    "the radius of {name} (so {name}_1 = {name}). Let $f(x) = {f}$. How many points of the graph of $y = f(x)$ lie "
    "on at least one of the circles {name}_1, ..., {name}_{K}? Give the answer as an integer.",
    "{circle} Consider the function $f(x) = {f}$ and the {K} circles that share the centre of {name} and have radii "
    "1, 2, ..., {K} times the radius of {name}. Count the points that lie on the graph of $y = f(x)$ and on at least "
    "one of these circles. Answer with an integer.",
)


def _pt(p: list[int]) -> str:
    return f"({p[0]}, {p[1]})"


def _draw_point(rng: random.Random) -> list[int]:
    return [rng.randint(-COORD, COORD), rng.randint(-COORD, COORD)]


def draw_circle(rng: random.Random, kind: str) -> dict[str, Any]:
    """Construction data of a circle of ``kind``; :class:`Reject` on a degenerate draw."""
    if kind == "center_radius":
        return {"kind": kind, "center": _draw_point(rng), "radius": rng.randint(1, 6)}
    if kind == "center_point":
        c, p = _draw_point(rng), _draw_point(rng)
        if c == p:
            raise Reject("point equals centre")
        return {"kind": kind, "center": c, "point": p}
    if kind == "diameter":
        a, b = _draw_point(rng), _draw_point(rng)
        if a == b:
            raise Reject("degenerate diameter")
        return {"kind": kind, "a": a, "b": b}
    if kind == "three_points":
        a, b, c = (_draw_point(rng) for _ in range(3))
        if (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]) == 0:
            raise Reject("collinear points")
        return {"kind": kind, "a": a, "b": b, "c": c}
    if kind == "tangent_line":
        c = _draw_point(rng)
        la, lb = rng.randint(-4, 4), rng.randint(-4, 4)
        if la == 0 and lb == 0:
            raise Reject("no line")
        lc = rng.randint(-12, 12)
        if la * c[0] + lb * c[1] == lc:
            raise Reject("centre on the tangent line")
        return {"kind": kind, "center": c, "line": [la, lb, lc]}
    if kind == "midpoint_through":
        a, b, p = (_draw_point(rng) for _ in range(3))
        if a == b or 2 * p[0] == a[0] + b[0] and 2 * p[1] == a[1] + b[1]:
            raise Reject("degenerate midpoint construction")
        return {"kind": kind, "a": a, "b": b, "point": p}
    raise ValueError(f"unknown circle kind {kind!r}")


def describe_circle(circle: dict[str, Any], name: str) -> str:
    k = circle["kind"]
    if k == "center_radius":
        return f"Let {name} be the circle with centre {_pt(circle['center'])} and radius {circle['radius']}."
    if k == "center_point":
        return f"Let {name} be the circle centred at {_pt(circle['center'])} that passes through {_pt(circle['point'])}."
    if k == "diameter":
        return (f"Let A = {_pt(circle['a'])} and B = {_pt(circle['b'])}, and let {name} be the circle with diameter "
                f"AB.")
    if k == "three_points":
        return (f"Let A = {_pt(circle['a'])}, B = {_pt(circle['b'])} and C = {_pt(circle['c'])}, and let {name} be "
                f"the circle through A, B and C.")
    if k == "tangent_line":
        a, b, c = circle["line"]
        return (f"Let l be the line {_linear_text(a, b)} = {c}, and let {name} be the circle centred at "
                f"{_pt(circle['center'])} that is tangent to l.")
    if k == "midpoint_through":
        return (f"Let A = {_pt(circle['a'])}, B = {_pt(circle['b'])} and P = {_pt(circle['point'])}. Let M be the "
                f"midpoint of segment AB, and let {name} be the circle centred at M that passes through P.")
    raise ValueError(f"unknown circle kind {k!r}")


def _linear_text(a: int, b: int) -> str:
    terms = []
    for coef, var in ((a, "x"), (b, "y")):
        if coef == 0:
            continue
        body = var if abs(coef) == 1 else f"{abs(coef)}{var}"
        sign = "-" if coef < 0 else "+"
        terms.append(("-" + body if sign == "-" else body) if not terms else f" {sign} {body}")
    return "".join(terms)


def circle_equation(circle: dict[str, Any]) -> tuple[Fraction, Fraction, Fraction]:
    """(h, k, r^2) of the constructed circle, from the constructions' closed-form formulas."""
    k = circle["kind"]
    if k == "center_radius":
        (h, v), r = circle["center"], circle["radius"]
        return Fraction(h), Fraction(v), Fraction(r * r)
    if k == "center_point":
        (h, v), (px, py) = circle["center"], circle["point"]
        return Fraction(h), Fraction(v), Fraction((px - h) ** 2 + (py - v) ** 2)
    if k in ("diameter", "midpoint_through"):
        (ax, ay), (bx, by) = circle["a"], circle["b"]
        h, v = Fraction(ax + bx, 2), Fraction(ay + by, 2)
        px, py = (ax, ay) if k == "diameter" else circle["point"]
        return h, v, (px - h) ** 2 + (py - v) ** 2
    if k == "three_points":
        (ax, ay), (bx, by), (cx, cy) = circle["a"], circle["b"], circle["c"]
        d = 2 * (ax * (by - cy) + bx * (cy - ay) + cx * (ay - by))
        sa, sb, sc = ax * ax + ay * ay, bx * bx + by * by, cx * cx + cy * cy
        h = Fraction(sa * (by - cy) + sb * (cy - ay) + sc * (ay - by), d)
        v = Fraction(sa * (cx - bx) + sb * (ax - cx) + sc * (bx - ax), d)
        return h, v, (ax - h) ** 2 + (ay - v) ** 2
    if k == "tangent_line":
        (h, v), (a, b, c) = circle["center"], circle["line"]
        return Fraction(h), Fraction(v), Fraction((a * h + b * v - c) ** 2, a * a + b * b)
    raise ValueError(f"unknown circle kind {k!r}")


def circle_satisfies_construction(circle: dict[str, Any], h: Fraction, v: Fraction, r2: Fraction) -> bool:
    """The defining properties of the construction hold for the circle (h, v, r^2)."""

    def on(p) -> bool:
        return (p[0] - h) ** 2 + (p[1] - v) ** 2 == r2

    k = circle["kind"]
    if r2 <= 0:
        return False
    if k == "center_radius":
        return [h, v] == circle["center"] and r2 == circle["radius"] ** 2
    if k == "center_point":
        return [h, v] == circle["center"] and on(circle["point"])
    if k == "diameter":  # both ends on the circle and the centre between them
        a, b = circle["a"], circle["b"]
        return on(a) and on(b) and 2 * h == a[0] + b[0] and 2 * v == a[1] + b[1]
    if k == "midpoint_through":
        a, b = circle["a"], circle["b"]
        return on(circle["point"]) and 2 * h == a[0] + b[0] and 2 * v == a[1] + b[1]
    if k == "three_points":
        return on(circle["a"]) and on(circle["b"]) and on(circle["c"])
    if k == "tangent_line":  # tangency: the line meets the circle in exactly one point (zero discriminant)
        a, b, c = circle["line"]
        if [h, v] != circle["center"]:
            return False
        if b != 0:  # y = (c - a x) / b substituted: quadratic in x with zero discriminant
            qa = 1 + Fraction(a * a, b * b)
            qb = -2 * h - 2 * Fraction(a, b) * (Fraction(c, b) - v)
            qc = h * h + (Fraction(c, b) - v) ** 2 - r2
        else:
            qa, qb, qc = Fraction(1), -2 * v, v * v + (Fraction(c, a) - h) ** 2 - r2
        return qb * qb - 4 * qa * qc == 0
    return False


def meeting_polynomial(h: Fraction, v: Fraction, r2: Fraction):
    """P -> (x - h)^2 + (P - v)^2 - r^2 for a piece polynomial P."""
    dx = [-h, Fraction(1)]

    def curve(p: pe.Poly) -> pe.Poly:
        return pe.sub(pe.add(pe.mul(dx, dx), pe.power(pe.sub(p, [v]), 2)), [r2])

    return curve


def shortcut_counts(counts: list[int]) -> set[int]:
    """Totals a shortcut gives: 0, two (or four) points per circle, the first circle's count for every circle,
    the first circle alone."""
    k = len(counts)
    return {0, 2, 2 * k, 4 * k, counts[0] * k, counts[0]}


@register_family
class CircleFunctionIntersections(Family):
    name = "comp_circles_algebra_test"
    axis = "compositional"
    domain = "geometry"
    description = "Points shared by a constructed circle and the graph of a composite function (circle + intersections)"
    answer_type = "int"
    levels = {
        1: {"circles": ("diameter", "three_points", "midpoint_through"), "chain": (1, 2), "kinds": ("quad", "abs"),
            "copies": (3, 4)},
        2: {"circles": ("diameter", "three_points", "tangent_line"), "chain": (2, 2), "kinds": ("lin", "quad", "abs"),
            "copies": (3, 5)},
        3: {"circles": ("three_points", "tangent_line", "midpoint_through"), "chain": (2, 2),
            "kinds": ("lin", "quad", "abs"), "copies": (4, 5)},
        4: {"circles": ("three_points", "tangent_line", "midpoint_through"), "chain": (2, 3),
            "kinds": ("lin", "quad", "abs"), "copies": (4, 6)},
        5: {"circles": ("three_points", "tangent_line", "midpoint_through"), "chain": (3, 3),
            "kinds": ("lin", "quad", "abs"), "copies": (5, 6)},
    }
    test_items = 40  # items per level in the generic default test; 200 per level run under -m slow

    def generate(self, rng: random.Random, level: int) -> Problem:
        knobs = self.levels[level]
        circle = draw_circle(rng, rng.choice(knobs["circles"]))
        chain = pw.draw_piecewise_chain(rng, rng.randint(*knobs["chain"]), knobs["kinds"])
        if sum(c["kind"] == "quad" for c in chain) > 2:
            raise Reject("degree too high")
        try:
            pieces = pw.chain_pieces(chain)
        except pw.IrrationalCorner as exc:
            raise Reject(str(exc)) from exc
        copies = rng.randint(*knobs["copies"])
        h, v, r2 = circle_equation(circle)
        counts = [pw.count_points_on_pieces(pieces, meeting_polynomial(h, v, r2 * k * k))
                  for k in range(1, copies + 1)]
        if sum(counts) in shortcut_counts(counts):
            raise Reject("a shortcut (two points per circle, the first circle's count times K, ...) gives the answer")
        name = rng.choice(("ω", "Γ", "C"))
        question = rng.choice(_QUESTIONS).format(circle=describe_circle(circle, name), f=render_chain(chain),
                                                 name=name, K=copies)
        return Problem(question=question, params={"circle": circle, "chain": chain, "copies": copies})

    def instance_key(self, params: dict) -> str:
        q = params
        h, v, r2 = circle_equation(q["circle"])
        return f"{self.name}|{h}|{v}|{r2}|{q['chain']}|{q['copies']}"

    def solve(self, params: dict[str, Any]) -> int:
        pieces = pw.chain_pieces(params["chain"])
        h, v, r2 = circle_equation(params["circle"])
        return sum(pw.count_points_on_pieces(pieces, meeting_polynomial(h, v, r2 * k * k), counter=pe.sympy_count)
                   for k in range(1, params["copies"] + 1))

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        circle, chain = params["circle"], params["chain"]
        h, v, r2 = circle_equation(circle)
        if not circle_satisfies_construction(circle, h, v, r2):
            return False
        pieces = pw.chain_pieces(chain)
        if not pw.pieces_match_chain(chain, pieces):
            return False
        # the circles are concentric with different radii, hence disjoint: their counts add up
        count = sum(pw.count_points_on_pieces(pieces, meeting_polynomial(h, v, r2 * k * k), counter=pe.sturm_count)
                    for k in range(1, params["copies"] + 1))
        return isinstance(answer, int) and answer == count
