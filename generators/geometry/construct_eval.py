"""Primary evaluator of construction programs: Cartesian coordinates (x, y) in a number context.

Points are ``(x, y)``, lines ``(px, py, ux, uy)`` with a unit direction, circles ``(cx, cy, r)``,
triangles and polygons tuples of points. Every command refuses near-degenerate input by raising
:class:`Degenerate` (coincident points, near-parallel lines, near-tangent line/circle or circle/circle
pairs, ambiguous choices, collinear triangles, runaway coordinates), with the thresholds below, which
the independent complex-number evaluator (``construct_complex``) shares.
"""
from __future__ import annotations

from typing import Any

from generators.geometry.construct_numbers import Instance

EPS_POINT = 1e-6  # two points closer than this are "the same point"
SIN_MIN = 1e-3  # |sin| of the angle between lines / at a triangle corner must exceed this
TANGENT_REL = 1e-3  # relative margin from tangency for line/circle and circle/circle meetings
TIE_REL = 1e-3  # "closer to X": the two distances must differ by this (relative) margin
ON_TOL = 1e-6  # "other than X": X must lie this close to one of the two meeting points
MAX_COORD = 1e4  # coordinates or radii beyond this are runaway constructions


class Degenerate(Exception):
    """A command met a (near-)degenerate configuration at this instantiation."""


# --- small vector helpers (work for floats and mpf alike)
def _sub(p, q):
    return (p[0] - q[0], p[1] - q[1])


def _cross(u, v):
    return u[0] * v[1] - u[1] * v[0]


def _dot(u, v):
    return u[0] * v[0] + u[1] * v[1]


def _dist(ctx, p, q):
    dx, dy = p[0] - q[0], p[1] - q[1]
    return ctx.sqrt(dx * dx + dy * dy)


def _point(p):
    if abs(p[0]) > MAX_COORD or abs(p[1]) > MAX_COORD:
        raise Degenerate("point runs away")
    return p


def _line_through(ctx, p, q):
    d = _dist(ctx, p, q)
    if d < EPS_POINT:
        raise Degenerate("line through coincident points")
    return (p[0], p[1], (q[0] - p[0]) / d, (q[1] - p[1]) / d)


def _line_pd(ctx, p, ux, uy):
    n = ctx.sqrt(ux * ux + uy * uy)
    if n < EPS_POINT:
        raise Degenerate("zero direction")
    return (p[0], p[1], ux / n, uy / n)


def _meet_lines(l1, l2):
    s = l1[2] * l2[3] - l1[3] * l2[2]  # sin of the angle between the unit directions
    if abs(s) < SIN_MIN:
        raise Degenerate("near-parallel lines")
    t = ((l2[0] - l1[0]) * l2[3] - (l2[1] - l1[1]) * l2[2]) / s
    return _point((l1[0] + t * l1[2], l1[1] + t * l1[3]))


def _foot(p, line):
    t = (p[0] - line[0]) * line[2] + (p[1] - line[1]) * line[3]
    return (line[0] + t * line[2], line[1] + t * line[3])


def _rotate(ctx, p, c, theta):
    cs, sn = ctx.cos(theta), ctx.sin(theta)
    dx, dy = p[0] - c[0], p[1] - c[1]
    return _point((c[0] + cs * dx - sn * dy, c[1] + sn * dx + cs * dy))


def _radians(ctx, degrees):
    return ctx.num(degrees) * ctx.pi / 180


def _triangle_ok(ctx, a, b, c):
    for p, q, r in ((a, b, c), (b, c, a), (c, a, b)):
        dq, dr = _dist(ctx, p, q), _dist(ctx, p, r)
        if dq < EPS_POINT or dr < EPS_POINT or abs(_cross(_sub(q, p), _sub(r, p))) < SIN_MIN * dq * dr:
            raise Degenerate("flat triangle")
    return (a, b, c)


def _circle(ctx, c, r):
    if r < EPS_POINT or r > MAX_COORD:
        raise Degenerate("bad radius")
    return (_point(c)[0], c[1], r)


def _line_circle_points(ctx, line, circ):
    """Both meeting points of a line and a circle, by the quadratic in the line parameter."""
    w = (line[0] - circ[0], line[1] - circ[1])
    b = w[0] * line[2] + w[1] * line[3]
    c = w[0] * w[0] + w[1] * w[1] - circ[2] * circ[2]
    h = abs(w[0] * line[3] - w[1] * line[2])  # distance from the centre to the line
    if circ[2] - h < TANGENT_REL * circ[2]:
        raise Degenerate("line misses or nearly touches the circle")
    s = ctx.sqrt(b * b - c)
    return [(line[0] + t * line[2], line[1] + t * line[3]) for t in (-b - s, -b + s)]


def _circle_circle_points(ctx, c1, c2):
    """Both meeting points of two circles, via the radical line."""
    d = _dist(ctx, c1, c2)
    r1, r2 = c1[2], c2[2]
    margin = TANGENT_REL * max(r1, r2)
    if not (abs(r1 - r2) + margin < d < r1 + r2 - margin):
        raise Degenerate("circles miss or nearly touch")
    a = (d * d + r1 * r1 - r2 * r2) / (2 * d)
    h = ctx.sqrt(r1 * r1 - a * a)
    ex, ey = (c2[0] - c1[0]) / d, (c2[1] - c1[1]) / d
    bx, by = c1[0] + a * ex, c1[1] + a * ey
    # the first is to the left of the ray c1 -> c2, the second to the right
    return [(bx - h * ey, by + h * ex), (bx + h * ey, by - h * ex)]


def _choose(ctx, points, pick, env):
    rule = pick[0]
    ref = env[pick[1]]
    d0, d1 = _dist(ctx, points[0], ref), _dist(ctx, points[1], ref)
    if rule == "near":
        if abs(d0 - d1) < TIE_REL * (1 + d0 + d1):
            raise Degenerate("tie between the two candidates")
        return _point(points[0] if d0 < d1 else points[1])
    if rule == "other":
        near, far = (d0, points[1]) if d0 < d1 else (d1, points[0])
        if near > ON_TOL:
            raise Degenerate("reference point is not a meeting point")
        return _point(far)
    raise ValueError(f"unknown pick rule {rule!r}")


def _circumcenter(ctx, a, b, c):
    """Meeting point of the perpendicular bisectors of ab and bc."""
    m1 = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
    m2 = ((b[0] + c[0]) / 2, (b[1] + c[1]) / 2)
    l1 = _line_pd(ctx, m1, -(b[1] - a[1]), b[0] - a[0])
    l2 = _line_pd(ctx, m2, -(c[1] - b[1]), c[0] - b[0])
    return _meet_lines(l1, l2)


def _bisector_line(ctx, p, q, r):
    """Internal bisector at q of angle pqr, through the point where it meets segment pr."""
    dp, dr = _dist(ctx, q, p), _dist(ctx, q, r)
    if dp < EPS_POINT or dr < EPS_POINT:
        raise Degenerate("angle with a zero arm")
    if abs(_cross(_sub(p, q), _sub(r, q))) < SIN_MIN * dp * dr:
        raise Degenerate("straight or zero angle")
    # angle bisector theorem: the foot divides pr in the ratio qp : qr
    foot = ((dr * p[0] + dp * r[0]) / (dp + dr), (dr * p[1] + dp * r[1]) / (dp + dr))
    return _line_through(ctx, q, foot)


def _regular_from_angle(ctx, centre, radius, theta0, n):
    step = 2 * ctx.pi / n
    return tuple(
        _point((centre[0] + radius * ctx.cos(theta0 + k * step), centre[1] + radius * ctx.sin(theta0 + k * step)))
        for k in range(n)
    )


def _check_n(n):
    if not (3 <= n <= 40):
        raise ValueError(f"polygon side count {n} out of range")


def _vertex_centroid(poly):
    n = len(poly)
    return (sum(p[0] for p in poly) / n, sum(p[1] for p in poly) / n)


# --- one handler per command: (ctx, inst, cmd, env, argument values, nums, op) -> output values
def _op_free_point(ctx, inst, cmd, env, a, nums, op):
    return [(ctx.num(inst.coordinate()), ctx.num(inst.coordinate()))]


def _op_point_at_distance(ctx, inst, cmd, env, a, nums, op):
    phi = ctx.num(inst.direction())
    return [_point((a[0][0] + nums[0] * ctx.cos(phi), a[0][1] + nums[0] * ctx.sin(phi)))]


def _op_line(ctx, inst, cmd, env, a, nums, op):
    return [_line_through(ctx, a[0], a[1])]


def _op_midpoint(ctx, inst, cmd, env, a, nums, op):
    if _dist(ctx, a[0], a[1]) < EPS_POINT:
        raise Degenerate("midpoint of coincident points")
    return [((a[0][0] + a[1][0]) / 2, (a[0][1] + a[1][1]) / 2)]


def _op_point_on_ray(ctx, inst, cmd, env, a, nums, op):
    ray = _line_through(ctx, a[0], a[1])
    return [_point((ray[0] + nums[0] * ray[2], ray[1] + nums[0] * ray[3]))]


def _op_perp_line(ctx, inst, cmd, env, a, nums, op):
    return [(a[0][0], a[0][1], -a[1][3], a[1][2])]


def _op_parallel_line(ctx, inst, cmd, env, a, nums, op):
    return [(a[0][0], a[0][1], a[1][2], a[1][3])]


def _op_perp_bisector(ctx, inst, cmd, env, a, nums, op):
    seg = _line_through(ctx, a[0], a[1])
    return [((a[0][0] + a[1][0]) / 2, (a[0][1] + a[1][1]) / 2, -seg[3], seg[2])]


def _op_angle_bisector(ctx, inst, cmd, env, a, nums, op):
    return [_bisector_line(ctx, a[0], a[1], a[2])]


def _op_foot(ctx, inst, cmd, env, a, nums, op):
    return [_foot(a[0], a[1])]


def _op_reflect_line(ctx, inst, cmd, env, a, nums, op):
    f = _foot(a[0], a[1])
    return [_point((2 * f[0] - a[0][0], 2 * f[1] - a[0][1]))]


def _op_reflect_point(ctx, inst, cmd, env, a, nums, op):
    return [_point((2 * a[1][0] - a[0][0], 2 * a[1][1] - a[0][1]))]


def _op_rotate(ctx, inst, cmd, env, a, nums, op):
    return [_rotate(ctx, a[0], a[1], _radians(ctx, nums[0]))]


def _op_intersect_lines(ctx, inst, cmd, env, a, nums, op):
    return [_meet_lines(a[0], a[1])]


def _op_circle_center_radius(ctx, inst, cmd, env, a, nums, op):
    return [_circle(ctx, a[0], ctx.num(nums[0]))]


def _op_circle_center_point(ctx, inst, cmd, env, a, nums, op):
    return [_circle(ctx, a[0], _dist(ctx, a[0], a[1]))]


def _op_circle_three_points(ctx, inst, cmd, env, a, nums, op):
    tri = _triangle_ok(ctx, a[0], a[1], a[2])
    o = _circumcenter(ctx, *tri)
    return [_circle(ctx, o, _dist(ctx, o, a[0]))]


def _op_circle_tangent_line(ctx, inst, cmd, env, a, nums, op):
    f = _foot(a[0], a[1])
    return [_circle(ctx, a[0], _dist(ctx, a[0], f))]


def _op_center(ctx, inst, cmd, env, a, nums, op):
    return [(a[0][0], a[0][1])]


def _op_point_on_circle(ctx, inst, cmd, env, a, nums, op):
    phi = ctx.num(inst.direction())
    c = a[0]
    return [(c[0] + c[2] * ctx.cos(phi), c[1] + c[2] * ctx.sin(phi))]


def _op_intersect_line_circle(ctx, inst, cmd, env, a, nums, op):
    return [_choose(ctx, _line_circle_points(ctx, a[0], a[1]), cmd["pick"], env)]


def _op_intersect_circles(ctx, inst, cmd, env, a, nums, op):
    return [_choose(ctx, _circle_circle_points(ctx, a[0], a[1]), cmd["pick"], env)]


def _op_tangent_point(ctx, inst, cmd, env, a, nums, op):
    p, c = a[0], a[1]
    d = _dist(ctx, p, c)
    if d < c[2] * (1 + TANGENT_REL):
        raise Degenerate("point inside or nearly on the circle")
    # the touching points lie on the circle with diameter from p to the centre
    thales = ((p[0] + c[0]) / 2, (p[1] + c[1]) / 2, d / 2)
    return [_choose(ctx, _circle_circle_points(ctx, c, thales), cmd["pick"], env)]


def _op_tangent_line(ctx, inst, cmd, env, a, nums, op):
    p, c = a[0], a[1]
    if abs(_dist(ctx, p, c) - c[2]) > ON_TOL:
        raise Degenerate("tangent point is not on the circle")
    return [_line_pd(ctx, p, -(p[1] - c[1]), p[0] - c[0])]


def _op_point_two_distances(ctx, inst, cmd, env, a, nums, op):
    p, q = a[0], a[1]
    base = _dist(ctx, p, q)
    d1, d2 = ctx.num(nums[0]), ctx.num(nums[1])
    margin = TANGENT_REL * max(d1, d2)
    if not (abs(d1 - d2) + margin < base < d1 + d2 - margin):
        raise Degenerate("no such triangle")
    x = (d1 * d1 - d2 * d2 + base * base) / (2 * base)
    y = ctx.sqrt(d1 * d1 - x * x)
    if cmd["pick"][0] == "cw":
        y = -y
    ux, uy = (q[0] - p[0]) / base, (q[1] - p[1]) / base
    return [_point((p[0] + x * ux - y * uy, p[1] + x * uy + y * ux))]


def _op_equilateral_point(ctx, inst, cmd, env, a, nums, op):
    p, q = a[0], a[1]
    side = _dist(ctx, p, q)
    if side < EPS_POINT:
        raise Degenerate("equilateral triangle on coincident points")
    h = ctx.sqrt(ctx.num(3)) / 2
    if cmd["pick"][0] == "cw":
        h = -h
    mx, my = (p[0] + q[0]) / 2, (p[1] + q[1]) / 2
    return [_point((mx - h * (q[1] - p[1]), my + h * (q[0] - p[0])))]


def _op_triangle(ctx, inst, cmd, env, a, nums, op):
    return [_triangle_ok(ctx, a[0], a[1], a[2])]


def _op_centroid(ctx, inst, cmd, env, a, nums, op):
    t = a[0]
    m1 = _line_through(ctx, t[0], ((t[1][0] + t[2][0]) / 2, (t[1][1] + t[2][1]) / 2))
    m2 = _line_through(ctx, t[1], ((t[2][0] + t[0][0]) / 2, (t[2][1] + t[0][1]) / 2))
    return [_meet_lines(m1, m2)]


def _op_circumcenter(ctx, inst, cmd, env, a, nums, op):
    t = a[0]
    o = _circumcenter(ctx, *t)
    return [o] if op == "circumcenter" else [_circle(ctx, o, _dist(ctx, o, t[0]))]


def _op_incenter(ctx, inst, cmd, env, a, nums, op):
    t = a[0]
    i = _meet_lines(_bisector_line(ctx, t[1], t[0], t[2]), _bisector_line(ctx, t[0], t[1], t[2]))
    if op == "incenter":
        return [i]
    return [_circle(ctx, i, _dist(ctx, i, _foot(i, _line_through(ctx, t[0], t[1]))))]


def _op_orthocenter(ctx, inst, cmd, env, a, nums, op):
    t = a[0]
    alt_a = _line_pd(ctx, t[0], -(t[2][1] - t[1][1]), t[2][0] - t[1][0])
    alt_b = _line_pd(ctx, t[1], -(t[0][1] - t[2][1]), t[0][0] - t[2][0])
    return [_meet_lines(alt_a, alt_b)]


def _op_regular_polygon(ctx, inst, cmd, env, a, nums, op):
    r, n = nums
    _check_n(n)
    poly = _regular_from_angle(ctx, a[0], ctx.num(r), ctx.num(inst.direction()), n)
    return [poly, *poly]


def _op_regular_polygon_vertex(ctx, inst, cmd, env, a, nums, op):
    (n,) = nums
    _check_n(n)
    o, p = a
    radius = _dist(ctx, o, p)
    if radius < EPS_POINT:
        raise Degenerate("vertex at the centre")
    poly = (p,) + _regular_from_angle(ctx, o, radius, ctx.atan2(p[1] - o[1], p[0] - o[0]), n)[1:]
    return [poly, *poly[1:]]


def _op_regular_polygon_side(ctx, inst, cmd, env, a, nums, op):
    (n,) = nums
    _check_n(n)
    p, q = a
    side = _dist(ctx, p, q)
    if side < EPS_POINT:
        raise Degenerate("side of zero length")
    # centre: on the left normal of pq through its midpoint, at distance (side/2)*cot(pi/n)
    apothem = side / 2 * ctx.cos(ctx.pi / n) / ctx.sin(ctx.pi / n)
    ux, uy = (q[0] - p[0]) / side, (q[1] - p[1]) / side
    o = ((p[0] + q[0]) / 2 - apothem * uy, (p[1] + q[1]) / 2 + apothem * ux)
    radius = _dist(ctx, o, p)
    rest = _regular_from_angle(ctx, o, radius, ctx.atan2(p[1] - o[1], p[0] - o[0]), n)[2:]
    poly = (p, q) + rest
    return [poly, *rest]


def _op_rotate_polygon(ctx, inst, cmd, env, a, nums, op):
    theta = _radians(ctx, nums[0])
    poly = tuple(_rotate(ctx, v, a[1], theta) for v in a[0])
    return [poly, *poly]


def _op_polygon_circumcircle(ctx, inst, cmd, env, a, nums, op):
    poly = a[0]
    o = _vertex_centroid(poly)
    if op == "polygon_circumcircle":
        return [_circle(ctx, o, _dist(ctx, o, poly[0]))]
    mid = ((poly[0][0] + poly[1][0]) / 2, (poly[0][1] + poly[1][1]) / 2)
    return [_circle(ctx, o, _dist(ctx, o, mid))]


_HANDLERS = {
    "free_point": _op_free_point,
    "point_at_distance": _op_point_at_distance,
    "line": _op_line,
    "midpoint": _op_midpoint,
    "point_on_ray": _op_point_on_ray,
    "perp_line": _op_perp_line,
    "parallel_line": _op_parallel_line,
    "perp_bisector": _op_perp_bisector,
    "angle_bisector": _op_angle_bisector,
    "foot": _op_foot,
    "reflect_line": _op_reflect_line,
    "reflect_point": _op_reflect_point,
    "rotate": _op_rotate,
    "intersect_lines": _op_intersect_lines,
    "circle_center_radius": _op_circle_center_radius,
    "circle_center_point": _op_circle_center_point,
    "circle_three_points": _op_circle_three_points,
    "circle_tangent_line": _op_circle_tangent_line,
    "center": _op_center,
    "point_on_circle": _op_point_on_circle,
    "intersect_line_circle": _op_intersect_line_circle,
    "intersect_circles": _op_intersect_circles,
    "tangent_point": _op_tangent_point,
    "tangent_line": _op_tangent_line,
    "point_two_distances": _op_point_two_distances,
    "equilateral_point": _op_equilateral_point,
    "triangle": _op_triangle,
    "centroid": _op_centroid,
    "circumcenter": _op_circumcenter,
    "circumcircle": _op_circumcenter,
    "incenter": _op_incenter,
    "incircle": _op_incenter,
    "orthocenter": _op_orthocenter,
    "regular_polygon": _op_regular_polygon,
    "regular_polygon_vertex": _op_regular_polygon_vertex,
    "regular_polygon_side": _op_regular_polygon_side,
    "rotate_polygon": _op_rotate_polygon,
    "polygon_circumcircle": _op_polygon_circumcircle,
    "polygon_incircle": _op_polygon_circumcircle,
}


def _op_outputs(ctx, inst: Instance, cmd: dict[str, Any], env: dict[str, Any]) -> list[Any]:
    op = cmd["op"]
    handler = _HANDLERS.get(op)
    if handler is None:
        raise ValueError(f"unknown construction command {op!r}")
    return handler(ctx, inst, cmd, env, [env[x] for x in cmd["args"]], cmd.get("nums", []), op)


def run_command(ctx, inst: Instance, cmd: dict[str, Any], env: dict[str, Any]) -> None:
    """Evaluate one command into ``env`` (raises :class:`Degenerate`)."""
    values = _op_outputs(ctx, inst, cmd, env)
    for eid, value in zip(cmd["out"], values):
        env[eid] = value


def evaluate(ctx, inst: Instance, program: list[dict[str, Any]]) -> dict[str, Any]:
    """Evaluate a whole program at one instantiation; element id -> value."""
    env: dict[str, Any] = {}
    for cmd in program:
        run_command(ctx, inst, cmd, env)
    return env


def shoelace_area(poly) -> Any:
    twice = 0
    n = len(poly)
    for k in range(n):
        twice += _cross(poly[k], poly[(k + 1) % n])
    return abs(twice) / 2


def measure_value(ctx, measure: dict[str, Any], env: dict[str, Any]):
    """The measured quantity; angles in the unit the measure states."""
    kind = measure["kind"]
    a = [env[x] for x in measure["args"]]
    if kind == "distance":
        return _dist(ctx, a[0], a[1])
    if kind == "point_line_distance":
        p, line = a
        return abs((p[0] - line[0]) * line[3] - (p[1] - line[1]) * line[2])
    if kind == "angle":
        p, q, r = a
        u, v = _sub(p, q), _sub(r, q)
        if _dist(ctx, p, q) < EPS_POINT or _dist(ctx, r, q) < EPS_POINT:
            raise Degenerate("angle with a zero arm")
        rad = ctx.atan2(abs(_cross(u, v)), _dot(u, v))
        return rad * 180 / ctx.pi if measure["unit"] == "degrees" else rad
    if kind == "radius":
        return a[0][2]
    if kind == "area":
        return shoelace_area(a[0])
    if kind == "triangle_area":
        return abs(_cross(_sub(a[1], a[0]), _sub(a[2], a[0]))) / 2
    raise ValueError(f"unknown measure {kind!r}")
