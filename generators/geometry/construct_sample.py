"""Random construction programs: a family-specific rigid seed, then random typed commands, each screened
at a few float instantiations (degenerate or duplicate steps are dropped, never kept).

The builder keeps, for every element, the bit set of commands it depends on, so the length of any
measured quantity after pruning is known without pruning (see ``construct_measure``).
"""
from __future__ import annotations

import random
from typing import Any

from generators.geometry.construct_eval import Degenerate, run_command
from generators.geometry.construct_numbers import FloatContext, Instance
from generators.geometry.construct_program import (
    CIRCLE,
    LINE,
    OPS,
    POINT,
    POLYGON,
    TRIANGLE,
    new_vertex_count,
)

SCREEN_INSTANCES = 3
SAME_TOL = 1e-9  # float screening: two elements this close at every instance are the same element
MAX_POLYGON_VERTICES = 20

NICE_ANGLES = (15, 20, 30, 36, 40, 45, 50, 60, 72, 75, 80, 90, 100, 105, 108, 120, 135, 144, 150)
POLYGON_SIDES = (4, 5, 6, 7, 8, 9, 10, 11, 12)
POLYGON_SIDE_WEIGHTS = (3, 3, 3, 1, 2, 1, 1, 1, 1)

# Command weights after the seed. Free commands (free_point, point_at_distance, point_on_circle,
# regular_polygon) appear only in the seed, so every program is rigid: determined by its stated numbers
# up to a rotation and translation. A free point added later could give a "theorem" invariant (an
# inscribed angle), but such a quantity usually flips to its supplement when the point crosses to the
# other arc or side, which 20 random instantiations need not catch; the question would be ill-posed.
BASIC_WEIGHTS = {
    "line": 3.0, "midpoint": 2.0,
    "point_on_ray": 1.2, "perp_line": 1.5, "parallel_line": 1.0, "perp_bisector": 1.0,
    "angle_bisector": 1.0, "foot": 1.2, "reflect_line": 1.2, "reflect_point": 0.8, "rotate": 1.5,
    "intersect_lines": 3.0,
}
GROUP_WEIGHTS = {
    "circle": {
        "circle_center_radius": 1.0, "circle_center_point": 1.5, "circle_three_points": 1.2,
        "circle_tangent_line": 1.2, "center": 1.0, "intersect_line_circle": 3.0,
        "intersect_circles": 2.0, "tangent_point": 1.2, "tangent_line": 1.0,
    },
    "triangle": {
        "point_two_distances": 1.0, "equilateral_point": 1.0, "triangle": 2.5, "centroid": 1.5,
        "circumcenter": 1.5, "incenter": 1.5, "orthocenter": 1.5, "circumcircle": 1.2, "incircle": 1.2,
        "intersect_line_circle": 1.5,  # so that circumcircles and incircles get used, not only measured
    },
    "polygon": {
        "regular_polygon_vertex": 0.8, "regular_polygon_side": 0.8,
        "rotate_polygon": 0.8, "polygon_circumcircle": 1.0, "polygon_incircle": 1.0, "intersect_line_circle": 1.5,
    },
}


def _angle(rng: random.Random) -> int:
    return rng.choice(NICE_ANGLES) if rng.random() < 0.7 else rng.randint(10, 170)


def _sides(rng: random.Random) -> int:
    return rng.choices(POLYGON_SIDES, weights=POLYGON_SIDE_WEIGHTS)[0]


class ProgramBuilder:
    """Grows one raw program, screening every command at ``SCREEN_INSTANCES`` float instantiations."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.ctx = FloatContext()
        self.instances = [Instance(random.Random(rng.getrandbits(64))) for _ in range(SCREEN_INSTANCES)]
        self.envs: list[dict[str, Any]] = [{} for _ in range(SCREEN_INSTANCES)]
        self.cmds: list[dict[str, Any]] = []
        self.by_type: dict[str, list[str]] = {POINT: [], LINE: [], CIRCLE: [], TRIANGLE: [], POLYGON: []}
        self.mask: dict[str, int] = {}
        self.vertex_count: dict[str, int] = {}
        self.seed_size = 0  # commands placed by seed_program
        self._next = 0

    # -- element choice (biased towards recent elements, so dependency chains grow deep)
    def recent(self, etype: str, exclude: tuple[str, ...] = ()) -> str | None:
        pool = [e for e in self.by_type[etype] if e not in exclude]
        if not pool:
            return None
        if self.rng.random() < 0.6:
            return self.rng.choice(pool[-4:])
        return self.rng.choice(pool)

    def distinct_points(self, k: int) -> list[str] | None:
        chosen: list[str] = []
        for _ in range(k):
            p = self.recent(POINT, tuple(chosen))
            if p is None:
                return None
            chosen.append(p)
        return chosen

    # -- screening helpers
    @staticmethod
    def _dist(p, q) -> float:
        return ((p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2) ** 0.5

    def points_on_line(self, line_id: str) -> list[str]:
        out = []
        for p in self.by_type[POINT]:
            if all(abs((env[p][0] - env[line_id][0]) * env[line_id][3]
                       - (env[p][1] - env[line_id][1]) * env[line_id][2]) < SAME_TOL for env in self.envs):
                out.append(p)
        return out

    def points_on_circle(self, circle_id: str) -> list[str]:
        out = []
        for p in self.by_type[POINT]:
            if all(abs(self._dist(env[p], env[circle_id]) - env[circle_id][2]) < SAME_TOL
                   for env in self.envs):
                out.append(p)
        return out

    def _same(self, etype: str, a: str, b: str) -> bool:
        for env in self.envs:
            x, y = env[a], env[b]
            if etype == POINT:
                if self._dist(x, y) > SAME_TOL:
                    return False
            elif etype == LINE:
                if abs(x[2] * y[3] - x[3] * y[2]) > SAME_TOL:
                    return False
                if abs((y[0] - x[0]) * x[3] - (y[1] - x[1]) * x[2]) > SAME_TOL:
                    return False
            elif etype == CIRCLE:
                if self._dist(x, y) > SAME_TOL or abs(x[2] - y[2]) > SAME_TOL:
                    return False
            else:
                return False
        return True

    def _duplicate(self, etype: str, eid: str) -> bool:
        """Whether element ``eid`` is the same as an earlier element of its type (:meth:`_same`), with a cheap
        necessary condition at the first instance tried first."""
        env0 = self.envs[0]
        x = env0[eid]
        for old in self.by_type[etype]:
            y = env0[old]
            if etype == POINT:
                near = abs(x[0] - y[0]) <= SAME_TOL and abs(x[1] - y[1]) <= SAME_TOL
            elif etype == LINE:
                near = abs(x[2] * y[3] - x[3] * y[2]) <= SAME_TOL
            else:
                near = abs(x[2] - y[2]) <= SAME_TOL and abs(x[0] - y[0]) <= SAME_TOL
            if near and self._same(etype, eid, old):
                return True
        return False

    # -- adding a command
    def add(self, op: str, args: list[str], nums: list[int] | None = None, pick: list[str] | None = None) -> list[str] | None:
        """Screen and append one command; returns its output ids, or None when it was dropped."""
        spec = OPS[op]
        nums = list(nums or [])
        nverts = new_vertex_count(op, nums, self.vertex_count.get(args[0], 0) if args else 0)
        out = [f"e{self._next + k}" for k in range(1 + nverts)]
        cmd: dict[str, Any] = {"op": op, "args": list(args), "nums": nums, "out": out}
        if pick:
            cmd["pick"] = list(pick)
        try:
            for inst, env in zip(self.instances, self.envs):
                run_command(self.ctx, inst, cmd, env)
        except (Degenerate, ValueError, ZeroDivisionError, OverflowError):
            self._rollback(out)
            return None
        types = [spec.out] + [POINT] * nverts
        for eid, etype in zip(out, types):
            if etype in (POINT, LINE, CIRCLE) and self._duplicate(etype, eid):
                self._rollback(out)
                return None
        index = len(self.cmds)
        self.cmds.append(cmd)
        self._next += len(out)
        base = 1 << index
        for dep in args + ([pick[1]] if pick and len(pick) == 2 else []):
            base |= self.mask[dep]
        for eid, etype in zip(out, types):
            self.mask[eid] = base
            self.by_type[etype].append(eid)
        if spec.out == POLYGON:
            self.vertex_count[out[0]] = len(self.envs[0][out[0]])
        return out

    def _rollback(self, out: list[str]) -> None:
        for env in self.envs:
            for eid in out:
                env.pop(eid, None)

    @property
    def trivial_bits(self) -> int:
        return sum(1 << i for i, c in enumerate(self.cmds) if OPS[c["op"]].trivial)

    def group_bits(self, group: str) -> int:
        """Bits of the counted commands of ``group`` placed after the seed (the seed alone, e.g. "a circle
        of radius 9 through B", does not make a problem about circles)."""
        return sum(
            1 << i
            for i, c in enumerate(self.cmds)
            if i >= self.seed_size and OPS[c["op"]].group == group and not OPS[c["op"]].trivial
        )

    # -- random commands
    def random_args(self, op: str):
        """(args, nums, pick) for a determined ``op`` from the current elements, or None when it does
        not apply (free commands are only placed by :func:`seed_program`)."""
        rng = self.rng
        if op == "circle_center_radius":
            p = self.recent(POINT)
            return None if p is None else ([p], [rng.randint(2, 10)], None)
        if op in ("line", "midpoint", "perp_bisector", "reflect_point", "circle_center_point"):
            pts = self.distinct_points(2)
            return None if pts is None else (pts, [], None)
        if op == "point_on_ray":
            pts = self.distinct_points(2)
            return None if pts is None else (pts, [rng.randint(2, 12)], None)
        if op == "rotate":
            pts = self.distinct_points(2)
            return None if pts is None else (pts, [_angle(rng)], None)
        if op in ("perp_line", "parallel_line", "foot", "reflect_line", "circle_tangent_line"):
            p, line = self.recent(POINT), self.recent(LINE)
            return None if p is None or line is None else ([p, line], [], None)
        if op in ("angle_bisector", "circle_three_points", "triangle"):
            pts = self.distinct_points(3)
            return None if pts is None else (pts, [], None)
        if op == "intersect_lines":
            l1 = self.recent(LINE)
            l2 = self.recent(LINE, (l1,)) if l1 else None
            return None if l2 is None else ([l1, l2], [], None)
        if op in ("center", "polygon_circumcircle", "polygon_incircle"):
            etype = POLYGON if op.startswith("polygon") else CIRCLE
            c = self.recent(etype)
            return None if c is None else ([c], [], None)
        if op == "intersect_line_circle":
            line, c = self.recent(LINE), self.recent(CIRCLE)
            if line is None or c is None:
                return None
            on_both = [p for p in self.points_on_line(line) if p in set(self.points_on_circle(c))]
            return [line, c], [], self._meeting_pick(on_both, [line, c])
        if op == "intersect_circles":
            c1 = self.recent(CIRCLE)
            c2 = self.recent(CIRCLE, (c1,)) if c1 else None
            if c2 is None:
                return None
            on_both = [p for p in self.points_on_circle(c1) if p in set(self.points_on_circle(c2))]
            return [c1, c2], [], self._meeting_pick(on_both, [c1, c2])
        if op == "tangent_point":
            p, c = self.recent(POINT), self.recent(CIRCLE)
            if p is None or c is None:
                return None
            ref = self.reference_point([p, c], exclude=(p,))
            return None if ref is None else ([p, c], [], ["near", ref])
        if op == "tangent_line":
            c = self.recent(CIRCLE)
            on = self.points_on_circle(c) if c else []
            return None if not on else ([rng.choice(on), c], [], None)
        if op == "point_two_distances":
            pts = self.distinct_points(2)
            if pts is None:
                return None
            nums = self.triangle_sides(self._dist(self.envs[0][pts[0]], self.envs[0][pts[1]]))
            return None if nums is None else (pts, nums, [rng.choice(("ccw", "cw"))])
        if op == "equilateral_point":
            pts = self.distinct_points(2)
            return None if pts is None else (pts, [], [rng.choice(("ccw", "cw"))])
        if op in ("centroid", "circumcenter", "incenter", "orthocenter", "circumcircle", "incircle"):
            t = self.recent(TRIANGLE)
            return None if t is None else ([t], [], None)
        if op in ("regular_polygon_vertex", "regular_polygon_side"):
            pts, n = self.distinct_points(2), _sides(rng)
            return None if pts is None or not self.polygon_room(n) else (pts, [n], None)
        if op == "rotate_polygon":
            poly, c = self.recent(POLYGON), self.recent(POINT)
            if poly is None or c is None or not self.polygon_room(self.vertex_count[poly]):
                return None
            return [poly, c], [_angle(rng)], None
        raise ValueError(f"no argument rule for {op!r}")

    def _meeting_pick(self, on_both: list[str], args: list[str]) -> list[str] | None:
        if on_both and self.rng.random() < 0.75:
            return ["other", self.rng.choice(on_both)]
        ref = self.reference_point(args)
        return None if ref is None else ["near", ref]

    def reference_point(self, args: list[str], exclude: tuple[str, ...] = ()) -> str | None:
        """A point for a "closer to" rule, preferably one the arguments already depend on (so the
        rule adds no commands of its own to the pruned program)."""
        bits = 0
        for a in args:
            bits |= self.mask[a]
        pool = [p for p in self.by_type[POINT] if p not in exclude and self.mask[p] & ~bits == 0]
        if not pool:
            return self.recent(POINT, exclude)
        return self.rng.choice(pool)

    def polygon_room(self, n: int) -> bool:
        """Keep programs readable: at most ``MAX_POLYGON_VERTICES`` polygon corners in all."""
        return sum(self.vertex_count.values()) + n <= MAX_POLYGON_VERTICES

    def triangle_sides(self, base: float) -> list[int] | None:
        """Two integer side lengths in [2, 12] that make a proper triangle with ``base``."""
        options = [
            (d1, d2)
            for d1 in range(2, 13)
            for d2 in range(2, 13)
            if abs(d1 - d2) + 0.05 * max(d1, d2) < base < d1 + d2 - 0.05 * max(d1, d2)
        ]
        return list(self.rng.choice(options)) if options else None


def seed_program(builder: ProgramBuilder, family_group: str) -> None:
    """The rigid start of a program: fixed by given numbers up to a rotation and translation."""
    rng = builder.rng
    choice = rng.random()
    if family_group == "polygon" and choice < 0.6:
        (o,) = builder.add("free_point", [])
        builder.add("regular_polygon", [o], [rng.randint(2, 10), _sides(rng)])
        return
    if family_group == "circle" and choice < 0.5:
        (o,) = builder.add("free_point", [])
        (c,) = builder.add("circle_center_radius", [o], [rng.randint(2, 10)])
        builder.add("point_on_circle", [c])
        return
    (a,) = builder.add("free_point", [])
    (b,) = builder.add("point_at_distance", [a], [rng.randint(3, 12)])
    if family_group == "triangle":
        if choice < 0.7:
            sides = builder.triangle_sides(builder._dist(builder.envs[0][a], builder.envs[0][b]))
            out = builder.add("point_two_distances", [a, b], sides, ["ccw"])
        else:
            out = builder.add("equilateral_point", [a, b], [], ["ccw"])
        if out:
            builder.add("triangle", [a, b, out[0]])
    elif family_group == "polygon":
        builder.add("regular_polygon_side", [a, b], [_sides(rng)])


def build_raw_program(rng: random.Random, family_group: str, length: int) -> ProgramBuilder:
    """A screened raw program of about ``length`` commands for a family ("basic", "circle", ...)."""
    builder = ProgramBuilder(rng)
    seed_program(builder, family_group)
    builder.seed_size = len(builder.cmds)
    weights = dict(BASIC_WEIGHTS)
    if family_group != "basic":
        weights.update(GROUP_WEIGHTS[family_group])
    ops = list(weights)
    wts = [weights[o] for o in ops]
    tries = 0
    while len(builder.cmds) < length and tries < 6 * length:  # bounded: most steps succeed first time
        tries += 1
        op = rng.choices(ops, weights=wts)[0]
        drawn = builder.random_args(op)
        if drawn is None:
            continue
        args, nums, pick = drawn
        if OPS[op].pick and pick is None:
            continue
        builder.add(op, args, nums, pick)
    return builder
