"""Independent evaluator of construction programs on complex numbers (the checker's route).

Points are complex numbers, lines pairs ``(a, b)`` of distinct points, circles ``(centre, radius)``,
shapes tuples of points. The formulas are the complex-plane ones (reflection by conjugation, rotation
by multiplication with e^{i theta}, the conjugate-determinant circumcentre, H = A + B + C - 2O, regular
polygons as the fixed point of a rotation, ...), not the Cartesian ones of ``construct_eval``. Free
elements are drawn with their own parametrisation, so a check never replays the solver's numbers.
The degeneracy thresholds are shared with ``construct_eval`` so both refuse the same configurations.
"""
from __future__ import annotations

from typing import Any

from generators.geometry.construct_eval import (
    EPS_POINT,
    MAX_COORD,
    ON_TOL,
    SIN_MIN,
    TANGENT_REL,
    TIE_REL,
    Degenerate,
)
from generators.geometry.construct_numbers import Instance


def _pt(z):
    if abs(z.real) > MAX_COORD or abs(z.imag) > MAX_COORD:
        raise Degenerate("point runs away")
    return z


def _sin_between(ctx, u, v):
    """|sin| of the angle between the directions u and v (both non-zero)."""
    return abs((u * ctx.conj(v)).imag) / (abs(u) * abs(v))


def _line(a, b):
    if abs(b - a) < EPS_POINT:
        raise Degenerate("line through coincident points")
    return (a, b)


def _reflect(ctx, z, line):
    a, b = line
    return a + (b - a) * ctx.conj((z - a) / (b - a))


def _meet(ctx, l1, l2):
    a, b = l1
    c, d = l2
    if _sin_between(ctx, b - a, d - c) < SIN_MIN:
        raise Degenerate("near-parallel lines")
    ca, cb, cc, cd = ctx.conj(a), ctx.conj(b), ctx.conj(c), ctx.conj(d)
    num = (ca * b - a * cb) * (c - d) - (a - b) * (cc * d - c * cd)
    den = (ca - cb) * (c - d) - (a - b) * (cc - cd)
    return _pt(num / den)


def _line_distance(ctx, z, line):
    a, b = line
    return abs(((z - a) * ctx.conj(b - a)).imag) / abs(b - a)


def _triangle(ctx, a, b, c):
    for p, q, r in ((a, b, c), (b, c, a), (c, a, b)):
        if abs(q - p) < EPS_POINT or abs(r - p) < EPS_POINT or _sin_between(ctx, q - p, r - p) < SIN_MIN:
            raise Degenerate("flat triangle")
    return (a, b, c)


def _circumcentre(ctx, a, b, c):
    na, nb, nc = abs(a) ** 2, abs(b) ** 2, abs(c) ** 2
    den = ctx.conj(a) * (b - c) + ctx.conj(b) * (c - a) + ctx.conj(c) * (a - b)
    return _pt((na * (b - c) + nb * (c - a) + nc * (a - b)) / den)


def _circle(o, r):
    if r < EPS_POINT or r > MAX_COORD:
        raise Degenerate("bad radius")
    return (_pt(o), r)


def _two_on_circle(ctx, o, r, toward, cos_angle):
    """The two points of circle (o, r) at angle +-acos(cos_angle) from the direction ``toward``."""
    alpha = ctx.acos(cos_angle)
    e = toward / abs(toward)
    return [o + r * e * ctx.expj(alpha), o + r * e * ctx.expj(-alpha)]


def _circles_meet(ctx, c1, c2):
    (o1, r1), (o2, r2) = c1, c2
    d = abs(o2 - o1)
    margin = TANGENT_REL * max(r1, r2)
    if not (abs(r1 - r2) + margin < d < r1 + r2 - margin):
        raise Degenerate("circles miss or nearly touch")
    return _two_on_circle(ctx, o1, r1, o2 - o1, (r1 * r1 + d * d - r2 * r2) / (2 * r1 * d))


def _choose(ctx, points, pick, env):
    ref = env[pick[1]]
    d0, d1 = abs(points[0] - ref), abs(points[1] - ref)
    if pick[0] == "near":
        if abs(d0 - d1) < TIE_REL * (1 + d0 + d1):
            raise Degenerate("tie between the two candidates")
        return _pt(points[0] if d0 < d1 else points[1])
    if pick[0] == "other":
        if min(d0, d1) > ON_TOL:
            raise Degenerate("reference point is not a meeting point")
        return _pt(points[1] if d0 < d1 else points[0])
    raise ValueError(f"unknown pick rule {pick[0]!r}")


def _bisector(ctx, p, q, r):
    if abs(p - q) < EPS_POINT or abs(r - q) < EPS_POINT:
        raise Degenerate("angle with a zero arm")
    if _sin_between(ctx, p - q, r - q) < SIN_MIN:
        raise Degenerate("straight or zero angle")
    return (q, q + (p - q) / abs(p - q) + (r - q) / abs(r - q))


def _regular(ctx, centre, first, n):
    omega = ctx.expj(2 * ctx.pi / n)
    out, z = [], first - centre
    for _ in range(n):
        out.append(_pt(centre + z))
        z *= omega
    return tuple(out)


def _outputs(ctx, inst: Instance, cmd: dict[str, Any], env: dict[str, Any]) -> list[Any]:
    op, nums = cmd["op"], cmd.get("nums", [])
    a = [env[x] for x in cmd["args"]]
    j = ctx.cnum(0, 1)
    if op == "free_point":
        return [ctx.cnum(ctx.num(inst.coordinate()), ctx.num(inst.coordinate()))]
    if op == "point_at_distance":
        return [_pt(a[0] + nums[0] * ctx.expj(ctx.num(inst.direction())))]
    if op == "line":
        return [_line(a[0], a[1])]
    if op == "midpoint":
        if abs(a[0] - a[1]) < EPS_POINT:
            raise Degenerate("midpoint of coincident points")
        return [(a[0] + a[1]) / 2]
    if op == "point_on_ray":
        p, q = _line(a[0], a[1])
        return [_pt(p + nums[0] * (q - p) / abs(q - p))]
    if op == "perp_line":
        la, lb = a[1]
        return [(a[0], a[0] + j * (lb - la))]
    if op == "parallel_line":
        la, lb = a[1]
        return [(a[0], a[0] + (lb - la))]
    if op == "perp_bisector":
        p, q = _line(a[0], a[1])
        m = (p + q) / 2
        return [(m, m + j * (q - p))]
    if op == "angle_bisector":
        return [_bisector(ctx, a[0], a[1], a[2])]
    if op == "foot":
        return [(a[0] + _reflect(ctx, a[0], a[1])) / 2]
    if op == "reflect_line":
        return [_pt(_reflect(ctx, a[0], a[1]))]
    if op == "reflect_point":
        return [_pt(2 * a[1] - a[0])]
    if op == "rotate":
        return [_pt(a[1] + (a[0] - a[1]) * ctx.expj(ctx.num(nums[0]) * ctx.pi / 180))]
    if op == "intersect_lines":
        return [_meet(ctx, a[0], a[1])]
    if op == "circle_center_radius":
        return [_circle(a[0], ctx.num(nums[0]))]
    if op == "circle_center_point":
        return [_circle(a[0], abs(a[1] - a[0]))]
    if op == "circle_three_points":
        tri = _triangle(ctx, a[0], a[1], a[2])
        o = _circumcentre(ctx, *tri)
        return [_circle(o, abs(a[0] - o))]
    if op == "circle_tangent_line":
        return [_circle(a[0], _line_distance(ctx, a[0], a[1]))]
    if op == "center":
        return [a[0][0]]
    if op == "point_on_circle":
        o, r = a[0]
        return [o + r * ctx.expj(ctx.num(inst.direction()))]
    if op == "intersect_line_circle":
        (la, lb), (o, r) = a
        f = (o + _reflect(ctx, o, (la, lb))) / 2
        h = abs(o - f)
        if r - h < TANGENT_REL * r:
            raise Degenerate("line misses or nearly touches the circle")
        s = ctx.sqrt(r * r - h * h)
        u = (lb - la) / abs(lb - la)
        return [_choose(ctx, [f + s * u, f - s * u], cmd["pick"], env)]
    if op == "intersect_circles":
        return [_choose(ctx, _circles_meet(ctx, a[0], a[1]), cmd["pick"], env)]
    if op == "tangent_point":
        p, (o, r) = a
        d = abs(p - o)
        if d < r * (1 + TANGENT_REL):
            raise Degenerate("point inside or nearly on the circle")
        return [_choose(ctx, _two_on_circle(ctx, o, r, p - o, r / d), cmd["pick"], env)]
    if op == "tangent_line":
        p, (o, r) = a
        if abs(abs(p - o) - r) > ON_TOL:
            raise Degenerate("tangent point is not on the circle")
        return [(p, p + j * (p - o))]
    if op == "point_two_distances":
        p, q = a
        base = abs(q - p)
        d1, d2 = ctx.num(nums[0]), ctx.num(nums[1])
        margin = TANGENT_REL * max(d1, d2)
        if not (abs(d1 - d2) + margin < base < d1 + d2 - margin):
            raise Degenerate("no such triangle")
        left, right = _two_on_circle(ctx, p, d1, q - p, (d1 * d1 + base * base - d2 * d2) / (2 * d1 * base))
        return [_pt(left if cmd["pick"][0] == "ccw" else right)]
    if op == "equilateral_point":
        p, q = a
        if abs(q - p) < EPS_POINT:
            raise Degenerate("equilateral triangle on coincident points")
        sign = 1 if cmd["pick"][0] == "ccw" else -1
        return [_pt(p + (q - p) * ctx.expj(sign * ctx.pi / 3))]
    if op == "triangle":
        return [_triangle(ctx, a[0], a[1], a[2])]
    if op == "centroid":
        t = a[0]
        return [(t[0] + t[1] + t[2]) / 3]
    if op in ("circumcenter", "circumcircle", "orthocenter"):
        t = a[0]
        o = _circumcentre(ctx, *t)
        if op == "circumcenter":
            return [o]
        if op == "orthocenter":
            return [_pt(t[0] + t[1] + t[2] - 2 * o)]
        return [_circle(o, abs(t[0] - o))]
    if op in ("incenter", "incircle"):
        x, y, z = a[0]
        wx, wy, wz = abs(y - z), abs(z - x), abs(x - y)
        perimeter = wx + wy + wz
        centre = (wx * x + wy * y + wz * z) / perimeter
        if op == "incenter":
            return [centre]
        area = abs((ctx.conj(y - x) * (z - x)).imag) / 2
        return [_circle(centre, 2 * area / perimeter)]
    if op == "regular_polygon":
        r, n = nums
        o = a[0]
        poly = _regular(ctx, o, o + r * ctx.expj(ctx.num(inst.direction())), n)
        return [poly, *poly]
    if op == "regular_polygon_vertex":
        o, p = a
        if abs(p - o) < EPS_POINT:
            raise Degenerate("vertex at the centre")
        poly = _regular(ctx, o, p, nums[0])
        return [poly, *poly[1:]]
    if op == "regular_polygon_side":
        p, q = a
        if abs(q - p) < EPS_POINT:
            raise Degenerate("side of zero length")
        omega = ctx.expj(2 * ctx.pi / nums[0])
        centre = (q - omega * p) / (1 - omega)  # the rotation by 2*pi/n about it maps p to q
        poly = _regular(ctx, centre, p, nums[0])
        return [poly, *poly[2:]]
    if op == "rotate_polygon":
        turn = ctx.expj(ctx.num(nums[0]) * ctx.pi / 180)
        c = a[1]
        poly = tuple(_pt(c + (v - c) * turn) for v in a[0])
        return [poly, *poly]
    if op in ("polygon_circumcircle", "polygon_incircle"):
        poly = a[0]
        o = _circumcentre(ctx, poly[0], poly[1], poly[2])
        big_r = abs(poly[0] - o)
        if op == "polygon_circumcircle":
            return [_circle(o, big_r)]
        return [_circle(o, big_r * ctx.cos(ctx.pi / len(poly)))]
    raise ValueError(f"unknown construction command {op!r}")


def evaluate_complex(ctx, inst: Instance, program: list[dict[str, Any]]) -> dict[str, Any]:
    """Evaluate a program at one instantiation on complex numbers; element id -> value."""
    env: dict[str, Any] = {}
    for cmd in program:
        for eid, value in zip(cmd["out"], _outputs(ctx, inst, cmd, env)):
            env[eid] = value
    return env


def measure_complex(ctx, measure: dict[str, Any], env: dict[str, Any]):
    kind = measure["kind"]
    a = [env[x] for x in measure["args"]]
    if kind == "distance":
        return abs(a[0] - a[1])
    if kind == "point_line_distance":
        return _line_distance(ctx, a[0], a[1])
    if kind == "angle":
        p, q, r = a
        if abs(p - q) < EPS_POINT or abs(r - q) < EPS_POINT:
            raise Degenerate("angle with a zero arm")
        rad = abs(ctx.arg((p - q) * ctx.conj(r - q)))
        return rad * 180 / ctx.pi if measure["unit"] == "degrees" else rad
    if kind == "radius":
        return a[0][1]
    if kind == "area":
        poly = a[0]
        n = len(poly)
        return abs(sum((ctx.conj(poly[k]) * poly[(k + 1) % n]).imag for k in range(n))) / 2
    if kind == "triangle_area":
        x, y, z = a
        return abs((ctx.conj(y - x) * (z - x)).imag) / 2
    raise ValueError(f"unknown measure {kind!r}")
