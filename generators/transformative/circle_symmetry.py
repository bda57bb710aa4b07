"""trans_circles_test: circle questions where coordinates explode but symmetry (or Gaussian integers) answers at once.

Trained skill (geometry_circle): build a configuration point by point in coordinates and measure one
quantity. Test: configurations with up to 60 points on a circle, or circles through up to millions of
candidate lattice points, where coordinates are hopeless but the answer is an exact integer:

* ``sum_squares``: P at distance d from the centre of a regular n-gon of circumradius R: sum |PA_k|^2 = n (R^2 + d^2)
  (the cross terms sum to zero over the roots of unity);
* ``sum_fourth``: sum |PA_k|^4 = n ((R^2 + d^2)^2 + 2 R^2 d^2) for n >= 3;
* ``vertex_product``: product of the distances from one vertex to the other n - 1 vertices = n R^(n-1)
  (the derivative of z^n - R^n at z = R);
* ``axis_product``: P on the ray from the centre through A_1 at distance d: prod |PA_k| = |d^n - R^n|;
* ``lattice``: the number of lattice points on x^2 + y^2 = N is 4 (d_1(N) - d_3(N)), i.e. 4 prod (e + 1) over
  primes p = 1 (mod 4), and 0 when a prime p = 3 (mod 4) divides N to an odd power;
* ``centre_triangles``: triangles with vertices among n equally spaced points on a circle that contain the centre
  strictly inside: C(n, 3) - n C(floor(n/2), 2) (the others fit in a closed half circle, counted from its
  first point).

solve: the closed forms above. check: independent brute force - 50-digit mpmath coordinates summed or
multiplied over all vertices (the exact integer must match to 1e-30 relative); every x in [-sqrt N, sqrt N]
tried for lattice points; every triple of points tested by its arcs for the triangles.
"""
from __future__ import annotations

import random
from math import comb, isqrt
from typing import Any

import mpmath
import sympy

from generators.family import Family, Problem, Reject
from generators.registry import register_family

VARIANTS = ("sum_squares", "sum_fourth", "vertex_product", "axis_product", "lattice", "centre_triangles")
_POLYGON = ("A regular {n}-gon $A_1A_2\\ldots A_{{{n}}}$ is inscribed in the circle of radius {R} centred at the "
            "origin O, with $A_1 = ({R}, 0)$.")


def closed_form(params: dict[str, Any]) -> int:
    v = params["variant"]
    n = params.get("n")
    if v == "sum_squares":
        d2 = params["px"] ** 2 + params["py"] ** 2
        return n * (params["R"] ** 2 + d2)
    if v == "sum_fourth":
        r2, d2 = params["R"] ** 2, params["px"] ** 2 + params["py"] ** 2
        return n * ((r2 + d2) ** 2 + 2 * r2 * d2)
    if v == "vertex_product":
        return n * params["R"] ** (n - 1)
    if v == "axis_product":
        return abs(params["d"] ** n - params["R"] ** n)
    if v == "lattice":
        count = 4
        for p, e in sympy.factorint(params["N"]).items():
            if p % 4 == 1:
                count *= e + 1
            elif p % 4 == 3 and e % 2:
                return 0
        return count
    if v == "centre_triangles":
        return comb(n, 3) - n * comb(n // 2, 2)
    raise ValueError(f"unknown variant {v!r}")


def _vertices(n: int, radius: int) -> list[tuple]:
    return [(radius * mpmath.cos(2 * mpmath.pi * k / n), radius * mpmath.sin(2 * mpmath.pi * k / n)) for k in range(n)]


def brute_force(params: dict[str, Any]):
    v = params["variant"]
    if v == "lattice":
        n_val = params["N"]
        count = 0
        for x in range(-isqrt(n_val), isqrt(n_val) + 1):
            y2 = n_val - x * x
            y = isqrt(y2)
            if y * y == y2:
                count += 1 if y == 0 else 2
        return count
    if v == "centre_triangles":
        n = params["n"]
        count = 0
        for i in range(n):
            for j in range(i + 1, n):
                for k in range(j + 1, n):
                    arcs = (j - i, k - j, n - k + i)
                    if max(arcs) * 2 < n:  # every arc shorter than a half circle: centre strictly inside
                        count += 1
        return count
    with mpmath.workdps(50):
        n, radius = params["n"], params["R"]
        verts = _vertices(n, radius)
        if v in ("sum_squares", "sum_fourth"):
            px, py = mpmath.mpf(params["px"]), mpmath.mpf(params["py"])
            power = 1 if v == "sum_squares" else 2
            return sum(((px - x) ** 2 + (py - y) ** 2) ** power for x, y in verts)
        if v == "vertex_product":
            x0, y0 = verts[0]
            return mpmath.fprod(mpmath.sqrt((x0 - x) ** 2 + (y0 - y) ** 2) for x, y in verts[1:])
        d = mpmath.mpf(params["d"])
        return mpmath.fprod(mpmath.sqrt((d - x) ** 2 + y**2) for x, y in verts)


def _lattice_n(rng: random.Random, bound: int) -> int:
    for _ in range(200):
        value = rng.choice((1, 2, 4))
        for p in (5, 13, 17, 29, 37, 41):
            if rng.random() < 0.45:
                value *= p ** rng.randint(1, 3)
        for p in (3, 7, 11):
            if rng.random() < 0.3:
                value *= p ** rng.choice((1, 2, 2))
        if 25 <= value <= bound:
            return value
    raise Reject("no lattice radius in range")


@register_family
class CircleSymmetry(Family):
    name = "trans_circles_test"
    axis = "transformative"
    domain = "geometry"
    description = "Sums/products of distances to many points on a circle, lattice points on circles, centre triangles"
    answer_type = "int"
    levels = {
        1: {"n": (5, 8), "N": 10**3, "R": (1, 3), "d": (1, 4)},
        2: {"n": (8, 14), "N": 10**4, "R": (1, 5), "d": (1, 6)},
        3: {"n": (12, 24), "N": 10**5, "R": (2, 7), "d": (1, 9)},
        4: {"n": (20, 40), "N": 10**6, "R": (2, 9), "d": (2, 12)},
        5: {"n": (36, 60), "N": 10**7, "R": (3, 12), "d": (3, 15)},
    }
    test_items = 100  # items per level in the generic default test; 200 per level run under -m slow

    def generate(self, rng: random.Random, level: int) -> Problem:
        kn = self.levels[level]
        variant = rng.choice(VARIANTS)
        n = rng.randint(*kn["n"])
        params: dict[str, Any] = {"variant": variant}
        if variant in ("sum_squares", "sum_fourth"):
            radius = rng.randint(*kn["R"])
            px, py = rng.randint(-kn["d"][1], kn["d"][1]), rng.randint(-kn["d"][1], kn["d"][1])
            params.update({"n": n, "R": radius, "px": px, "py": py})
            power = "^{2}" if variant == "sum_squares" else "^{4}"
            question = (_POLYGON.format(n=n, R=radius) + f" Let $P = ({px}, {py})$. Compute "
                        f"$\\sum_{{k=1}}^{{{n}}} |PA_k|{power}$. Give the answer as an integer.")
        elif variant == "vertex_product":
            radius = rng.choice((1, 2, 2)) if n <= 30 else 1
            params.update({"n": n, "R": radius})
            question = (_POLYGON.format(n=n, R=radius) + " Compute the product of the distances from $A_1$ to the "
                        f"other {n - 1} vertices, $|A_1A_2| \\cdot |A_1A_3| \\cdots |A_1A_{{{n}}}|$. Give the "
                        "answer as an integer.")
        elif variant == "axis_product":
            n = min(n, 16)
            radius = rng.randint(1, 3)
            d = rng.randint(1, 4)
            if d == radius:
                raise Reject("P is a vertex")
            params.update({"n": n, "R": radius, "d": d})
            question = (_POLYGON.format(n=n, R=radius) + f" Let $P = ({d}, 0)$. Compute the product "
                        f"$|PA_1| \\cdot |PA_2| \\cdots |PA_{{{n}}}|$. Give the answer as an integer.")
        elif variant == "lattice":
            params["N"] = _lattice_n(rng, kn["N"])
            question = (f"How many points (x, y) with both coordinates integers lie on the circle "
                        f"$x^2 + y^2 = {params['N']}$? Give the answer as an integer.")
        else:
            params["n"] = n
            question = (f"{n} points are equally spaced on a circle. How many triangles whose three vertices are among "
                        "these points contain the centre of the circle strictly in their interior? Give the answer "
                        "as an integer.")
        if closed_form(params) == 0:
            raise Reject("zero answer")
        return Problem(question=question, params=params)

    def solve(self, params: dict[str, Any]) -> int:
        return closed_form(params)

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        if not isinstance(answer, int):
            return False
        value = brute_force(params)
        if isinstance(value, int):
            return value == answer
        with mpmath.workdps(50):
            return abs(value - answer) <= mpmath.mpf(10) ** -30 * max(1, abs(answer))
