"""trans_func_intersection_test: intersections with deeply nested absolute values, where plotting and case splits explode.

Trained skill (algebra_func_intersection): count where two composite functions of depth 2-6 meet, by sampling
or splitting into cases. Test: a function nested 3 to 8 levels deep in |.|, with up to 2^depth linear pieces:

* ``nested``: F(x) = |a_k |... a_2 |x - b_1| - b_2 ...| - b_k|, meeting the horizontal line y = c on the whole
  real line. Insight: unwind from the outside - |u - b| = t has the solutions u = b +- t (one when t = 0,
  none when t < 0), and an inner |.| can only take values >= 0 - so the solution set is propagated backwards
  level by level.
* ``tent``: T_k(x) = 2|T_{k-1}(x)| - 1 with T_0(x) = x (written out as 2|2|...|x|...| - 1| - 1), meeting a line
  y = m x + q on [-1, 1]. Insight: T_k has 2^k linear branches between the points x_s = -1 + s / 2^(k-1), where
  it takes the values +1, -1, +1, ... alternately, so one solves one linear equation per branch.

Items whose count is a power-of-two piece count (2^(d-1), 2^d or 2^(d+1) for depth d) are drawn again: "each
linear piece meets the other graph once" would answer them without the insight.

solve: the insight (backward propagation of targets; the branch structure of T_k).
check: the function is unfolded forward into its exact linear pieces (``piecewise_chain``: every |.| corner
computed from the inner piece) and the meeting points are counted piece by piece with a Sturm sequence.
"""
from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

from generators.compositional import piecewise_chain as pw
from generators.compositional import poly_exact as pe
from generators.family import Family, Problem, Reject
from generators.registration import register_family

_NESTED_Q = (
    "Let $f(x) = {f}$. How many points of intersection does the graph of $y = f(x)$ have with the horizontal line "
    "$y = {c}$? Give the count as an integer.",
    "How many real solutions does the equation ${f} = {c}$ have? Give the answer as an integer.",
)
_TENT_Q = (
    "Let $f(x) = {f}$ and $g(x) = {g}$. At how many distinct values of $x$ in the closed interval $[-1, 1]$ do the "
    "graphs of $f$ and $g$ meet? Give the count as an integer.",
    "How many solutions does $f(x) = g(x)$ have with $-1 \\le x \\le 1$, where $f(x) = {f}$ and $g(x) = {g}$? "
    "Give the count as an integer.",
)


def _frac_tex(v: Fraction) -> str:
    v = Fraction(v)
    if v.denominator == 1:
        return str(v.numerator)
    sign = "-" if v < 0 else ""
    return f"{sign}\\frac{{{abs(v.numerator)}}}{{{v.denominator}}}"


def render_nested(a: list[int], b: list[int]) -> str:
    """|a_k |... a_2 |x - b_1| - b_2 ...| - b_k| with a_1 = 1 implied."""
    s = "x" if b[0] == 0 else (f"x - {b[0]}" if b[0] > 0 else f"x + {-b[0]}")
    s = f"\\left|{s}\\right|"
    for ai, bi in zip(a[1:], b[1:]):
        inner = s if ai == 1 else f"{ai}{s}"
        s = f"\\left|{inner} - {bi}\\right|" if bi > 0 else (f"\\left|{inner} + {-bi}\\right|" if bi else
                                                                 f"\\left|{inner}\\right|")
    return s


def render_tent(k: int) -> str:
    s = "x"
    for _ in range(k):
        s = f"2\\left|{s}\\right| - 1"
    return s


def render_line(m: Fraction, q: Fraction) -> str:
    if m == 0:
        return _frac_tex(q)
    slope = "" if m == 1 else ("-" if m == -1 else _frac_tex(m))
    if q == 0:
        return f"{slope}x"
    return f"{slope}x {'+' if q > 0 else '-'} {_frac_tex(abs(q))}"


# ---------------------------------------------------------------- insight solvers
def nested_solutions(a: list[int], b: list[int], c: Fraction) -> list[Fraction]:
    """All x with F(x) = c, by propagating the targets from the outermost |.| inwards."""
    targets = {Fraction(c)}
    for level in range(len(a) - 1, -1, -1):
        new: set[Fraction] = set()
        for t in targets:
            if t < 0:
                continue
            for u in {b[level] + t, b[level] - t}:  # the argument a_level * u_prev - b_level equals +-t
                value = Fraction(u, a[level])
                if level == 0 or value >= 0:  # every inner level is an absolute value
                    new.add(value)
        targets = new
    return sorted(targets)


def tent_solutions(k: int, m: Fraction, q: Fraction) -> int:
    """Meeting points of T_k with y = m x + q on [-1, 1] from the branch structure (|m| < 2^k)."""
    step = Fraction(1, 2 ** (k - 1))
    points = set()
    for s in range(2**k):
        x0, x1 = -1 + s * step, -1 + (s + 1) * step
        v0, v1 = (1, -1) if s % 2 == 0 else (-1, 1)
        d0, d1 = v0 - (m * x0 + q), v1 - (m * x1 + q)
        if d0 == 0:
            points.add(x0)
        if d1 == 0:
            points.add(x1)
        if d0 * d1 < 0:
            points.add(x0 + (x1 - x0) * d0 / (d0 - d1))
    return len(points)


# ---------------------------------------------------------------- forward check
def nested_chain(a: list[int], b: list[int]) -> list[dict[str, Any]]:
    chain: list[dict[str, Any]] = [{"kind": "abs", "a": 1, "b": b[0], "c": 0}]
    for ai, bi in zip(a[1:], b[1:]):
        chain.append({"kind": "lin", "a": ai, "b": 0})
        chain.append({"kind": "abs", "a": 1, "b": bi, "c": 0})
    return chain


def tent_chain(k: int) -> list[dict[str, Any]]:
    return [{"kind": "abs", "a": 2, "b": 0, "c": -1} for _ in range(k)]


def count_forward(chain: list[dict[str, Any]], m: Fraction, q: Fraction,
                  window: tuple[Fraction, Fraction] | None) -> int:
    pieces = pw.chain_pieces(chain)
    line = pe.normalize([q, m])
    return pw.count_points_on_pieces(pieces, lambda p: pe.sub(p, line), window=window, counter=pe.sturm_count)


def piece_count_guesses(depth: int) -> set[int]:
    """'Each of the 2^depth linear pieces meets the other graph once' and its neighbours 2^(depth -+ 1)."""
    return {2 ** (depth - 1), 2**depth, 2 ** (depth + 1)}


@register_family
class NestedAbsoluteIntersections(Family):
    name = "trans_func_intersection_test"
    axis = "transformative"
    domain = "algebra"
    description = "Intersections with deeply nested |.| functions (2^depth pieces): backward unwinding / branch count"
    answer_type = "int"
    levels = {
        1: {"depth": (3, 4), "tent": (2, 3), "max_a": 1},
        2: {"depth": (4, 5), "tent": (3, 4), "max_a": 1},
        3: {"depth": (5, 5), "tent": (4, 4), "max_a": 2},
        4: {"depth": (6, 7), "tent": (5, 6), "max_a": 2},
        5: {"depth": (7, 8), "tent": (7, 8), "max_a": 3},
    }
    test_items = 30  # items per level in the generic default test; 200 per level run under -m slow

    def generate(self, rng: random.Random, level: int) -> Problem:
        kn = self.levels[level]
        if rng.random() < 0.5:
            depth = rng.randint(*kn["depth"])
            a = [1] + [rng.randint(1, kn["max_a"]) for _ in range(depth - 1)]
            b = [rng.randint(-3, 3)] + [rng.randint(1, depth + 3) for _ in range(depth - 1)]
            c = Fraction(rng.randint(0, 2 * depth), rng.choice((1, 1, 2)))
            n_sol = len(nested_solutions(a, b, c))
            if n_sol < 2 or (n_sol == 2 and rng.random() < 0.6):
                raise Reject("too few solutions (a single symmetric pair is thinned out: f is even)")
            if n_sol in piece_count_guesses(depth):
                raise Reject("the count equals a power-of-two piece count")
            question = rng.choice(_NESTED_Q).format(f=render_nested(a, b), c=_frac_tex(c))
            params = {"variant": "nested", "a": a, "b": b, "c": str(c)}
        else:
            k = rng.randint(*kn["tent"])
            m = Fraction(rng.randint(-4, 4), rng.choice((1, 2, 3, 4)))
            q = Fraction(rng.randint(-3, 3), rng.choice((1, 2, 3, 4)))
            if abs(m) >= 2**k:
                raise Reject("line as steep as a branch")
            if tent_solutions(k, m, q) in {0} | piece_count_guesses(k):
                raise Reject("no meeting point, or one per linear piece (a guess from the piece count)")
            question = rng.choice(_TENT_Q).format(f=render_tent(k), g=render_line(m, q))
            params = {"variant": "tent", "k": k, "m": str(m), "q": str(q)}
        return Problem(question=question, params=params)

    def solve(self, params: dict[str, Any]) -> int:
        if params["variant"] == "nested":
            return len(nested_solutions(params["a"], params["b"], Fraction(params["c"])))
        return tent_solutions(params["k"], Fraction(params["m"]), Fraction(params["q"]))

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        if params["variant"] == "nested":
            chain = nested_chain(params["a"], params["b"])
            count = count_forward(chain, Fraction(0), Fraction(params["c"]), None)
            sols = nested_solutions(params["a"], params["b"], Fraction(params["c"]))
            if any(pw.evaluate_chain(chain, x) != Fraction(params["c"]) for x in sols):
                return False
        else:
            count = count_forward(tent_chain(params["k"]), Fraction(params["m"]), Fraction(params["q"]),
                                  (Fraction(-1), Fraction(1)))
        return isinstance(answer, int) and answer == count
