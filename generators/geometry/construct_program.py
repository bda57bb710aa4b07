"""The construction language of the geometry construction families: element types, the command table,
and program bookkeeping (dependencies, pruning to one measured quantity, relabelling, length counting).

A program is a JSON list of commands ``{"op", "args", "nums", "pick", "out"}``:

* ``op``   - a name from :data:`OPS`;
* ``args`` - ids of earlier elements (typed by ``OpSpec.args``);
* ``nums`` - the given numbers stated in the question (integer lengths, integer degrees, polygon sides);
* ``pick`` - how one of two intersection points is chosen: ``["near", X]`` (the one closer to point X),
  ``["other", X]`` (the one that is not X, X lying on both objects), ``["ccw"]`` / ``["cw"]``
  (orientation of the new triangle); absent for commands without a choice;
* ``out``  - ids of the new elements; polygon commands also name their new vertices (``out[1:]``).

A measure is ``{"kind", "args", "unit"}`` with kind in :data:`MEASURES`.
Free commands (``OpSpec.free``) draw their position afresh at every instantiation; everything else is
determined by its arguments and numbers, which is what makes a measured quantity invariant.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

POINT, LINE, CIRCLE, TRIANGLE, POLYGON = "point", "line", "circle", "triangle", "polygon"
SHAPE = "shape"  # an argument slot that accepts a triangle or a polygon


@dataclass(frozen=True)
class OpSpec:
    args: tuple[str, ...]
    out: str
    nums: int = 0
    group: str = "basic"  # basic | circle | triangle | polygon
    free: bool = False  # draws free parameters at every instantiation
    trivial: bool = False  # only groups or names existing elements; not counted in the length
    pick: bool = False  # needs a selection rule


OPS: dict[str, OpSpec] = {
    # basic
    "free_point": OpSpec((), POINT, free=True),
    "point_at_distance": OpSpec((POINT,), POINT, nums=1, free=True),
    "line": OpSpec((POINT, POINT), LINE, trivial=True),
    "midpoint": OpSpec((POINT, POINT), POINT),
    "point_on_ray": OpSpec((POINT, POINT), POINT, nums=1),
    "perp_line": OpSpec((POINT, LINE), LINE),
    "parallel_line": OpSpec((POINT, LINE), LINE),
    "perp_bisector": OpSpec((POINT, POINT), LINE),
    "angle_bisector": OpSpec((POINT, POINT, POINT), LINE),
    "foot": OpSpec((POINT, LINE), POINT),
    "reflect_line": OpSpec((POINT, LINE), POINT),
    "reflect_point": OpSpec((POINT, POINT), POINT),
    "rotate": OpSpec((POINT, POINT), POINT, nums=1),
    "intersect_lines": OpSpec((LINE, LINE), POINT),
    # circle
    "circle_center_radius": OpSpec((POINT,), CIRCLE, nums=1, group="circle"),
    "circle_center_point": OpSpec((POINT, POINT), CIRCLE, group="circle"),
    "circle_three_points": OpSpec((POINT, POINT, POINT), CIRCLE, group="circle"),
    "circle_tangent_line": OpSpec((POINT, LINE), CIRCLE, group="circle"),
    "center": OpSpec((CIRCLE,), POINT, group="circle"),
    "point_on_circle": OpSpec((CIRCLE,), POINT, group="circle", free=True),
    "intersect_line_circle": OpSpec((LINE, CIRCLE), POINT, group="circle", pick=True),
    "intersect_circles": OpSpec((CIRCLE, CIRCLE), POINT, group="circle", pick=True),
    "tangent_point": OpSpec((POINT, CIRCLE), POINT, group="circle", pick=True),
    "tangent_line": OpSpec((POINT, CIRCLE), LINE, group="circle"),
    # triangle
    "point_two_distances": OpSpec((POINT, POINT), POINT, nums=2, group="triangle", pick=True),
    "equilateral_point": OpSpec((POINT, POINT), POINT, group="triangle", pick=True),
    "triangle": OpSpec((POINT, POINT, POINT), TRIANGLE, group="triangle", trivial=True),
    "centroid": OpSpec((TRIANGLE,), POINT, group="triangle"),
    "circumcenter": OpSpec((TRIANGLE,), POINT, group="triangle"),
    "incenter": OpSpec((TRIANGLE,), POINT, group="triangle"),
    "orthocenter": OpSpec((TRIANGLE,), POINT, group="triangle"),
    "circumcircle": OpSpec((TRIANGLE,), CIRCLE, group="triangle"),
    "incircle": OpSpec((TRIANGLE,), CIRCLE, group="triangle"),
    # polygon (all polygons are regular; their vertices are named in out[1:])
    "regular_polygon": OpSpec((POINT,), POLYGON, nums=2, group="polygon", free=True),  # centre; r, n
    "regular_polygon_vertex": OpSpec((POINT, POINT), POLYGON, nums=1, group="polygon"),  # centre, vertex; n
    "regular_polygon_side": OpSpec((POINT, POINT), POLYGON, nums=1, group="polygon"),  # side P->Q; n
    "rotate_polygon": OpSpec((POLYGON, POINT), POLYGON, nums=1, group="polygon"),  # degrees ccw
    "polygon_circumcircle": OpSpec((POLYGON,), CIRCLE, group="polygon"),
    "polygon_incircle": OpSpec((POLYGON,), CIRCLE, group="polygon"),
}

# measured quantities: kind -> argument types
MEASURES: dict[str, tuple[str, ...]] = {
    "distance": (POINT, POINT),
    "point_line_distance": (POINT, LINE),
    "angle": (POINT, POINT, POINT),  # angle at the middle point, unit "degrees" or "radians"
    "radius": (CIRCLE,),
    "area": (SHAPE,),
    "triangle_area": (POINT, POINT, POINT),
}

# which numbers of a command are lengths and which are angles (for the "answer equals a given" filter)
LENGTH_NUMS = {"point_at_distance": (0,), "point_on_ray": (0,), "circle_center_radius": (0,),
               "point_two_distances": (0, 1), "regular_polygon": (0,)}
ANGLE_NUMS = {"rotate": (0,), "rotate_polygon": (0,)}


def new_vertex_count(op: str, nums: list[int], arg_vertex_count: int = 0) -> int:
    """How many new vertex points a polygon command names after the polygon itself."""
    if op == "regular_polygon":
        return nums[1]
    if op == "regular_polygon_vertex":
        return nums[0] - 1
    if op == "regular_polygon_side":
        return nums[0] - 2
    if op == "rotate_polygon":
        return arg_vertex_count
    return 0


def polygon_vertices(program: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Polygon/triangle id -> its vertex ids in counterclockwise labelling order."""
    verts: dict[str, list[str]] = {}
    for cmd in program:
        op, args, out = cmd["op"], cmd["args"], cmd["out"]
        if op == "triangle":
            verts[out[0]] = list(args)
        elif op in ("regular_polygon", "rotate_polygon"):
            verts[out[0]] = list(out[1:])
        elif op == "regular_polygon_vertex":
            verts[out[0]] = [args[1]] + list(out[1:])
        elif op == "regular_polygon_side":
            verts[out[0]] = [args[0], args[1]] + list(out[1:])
    return verts


def command_dependencies(cmd: dict[str, Any]) -> list[str]:
    """Element ids a command reads: its arguments and the reference point of its pick rule."""
    deps = list(cmd["args"])
    pick = cmd.get("pick")
    if pick and len(pick) == 2:
        deps.append(pick[1])
    return deps


def ancestor_commands(program: list[dict[str, Any]], ids: list[str]) -> list[int]:
    """Indices (ascending) of the commands that the elements ``ids`` depend on, themselves included."""
    defined_by = {eid: i for i, cmd in enumerate(program) for eid in cmd["out"]}
    needed: set[int] = set()
    stack = [defined_by[e] for e in ids]
    while stack:
        i = stack.pop()
        if i in needed:
            continue
        needed.add(i)
        stack.extend(defined_by[d] for d in command_dependencies(program[i]))
    return sorted(needed)


def construction_length(program: list[dict[str, Any]]) -> int:
    """The counted length of a program: its commands that are not trivial (grouping/naming) ones."""
    return sum(1 for cmd in program if not OPS[cmd["op"]].trivial)


def element_types(program: list[dict[str, Any]]) -> dict[str, str]:
    """Element id -> type for every element a program defines."""
    types: dict[str, str] = {}
    for cmd in program:
        spec = OPS[cmd["op"]]
        types[cmd["out"][0]] = spec.out
        for vid in cmd["out"][1:]:
            types[vid] = POINT
    return types


def point_labels():
    """Point labels in order: A..Z, then A1..Z1, A2..Z2, ..."""
    letters = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    yield from letters
    k = 1
    while True:
        for ch in letters:
            yield f"{ch}{k}"
        k += 1


def prune_and_relabel(
    program: list[dict[str, Any]], measure: dict[str, Any]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Keep only the ancestors of ``measure`` and give the elements their display ids.

    Points become A, B, C, ... in order of definition; a line through two points is named by them
    ("AB"); other lines are l1, l2, ..., circles c1, c2, ..., triangles t1, ..., polygons p1, ... .
    """
    keep = ancestor_commands(program, list(measure["args"]))
    labels = point_labels()
    counters = {LINE: 0, CIRCLE: 0, TRIANGLE: 0, POLYGON: 0}
    prefix = {LINE: "l", CIRCLE: "c", TRIANGLE: "t", POLYGON: "p"}
    rename: dict[str, str] = {}
    out_prog: list[dict[str, Any]] = []
    for i in keep:
        cmd = program[i]
        spec = OPS[cmd["op"]]
        new_out = []
        for j, eid in enumerate(cmd["out"]):
            etype = spec.out if j == 0 else POINT
            if etype == POINT:
                rename[eid] = next(labels)
            elif cmd["op"] == "line":  # named after its two points, e.g. "AB" (never a point label)
                rename[eid] = "".join(rename[a] for a in cmd["args"])
            else:
                counters[etype] += 1
                rename[eid] = f"{prefix[etype]}{counters[etype]}"
            new_out.append(rename[eid])
        new_cmd: dict[str, Any] = {"op": cmd["op"], "args": [rename[a] for a in cmd["args"]],
                                   "nums": list(cmd.get("nums", [])), "out": new_out}
        pick = cmd.get("pick")
        if pick:
            new_cmd["pick"] = [pick[0]] + [rename[p] for p in pick[1:]]
        out_prog.append(new_cmd)
    new_measure = {"kind": measure["kind"], "args": [rename[a] for a in measure["args"]],
                   "unit": measure.get("unit")}
    return out_prog, new_measure


def given_numbers(program: list[dict[str, Any]]) -> tuple[list[int], list[int]]:
    """(stated lengths, stated angles in degrees) of a program."""
    lengths: list[int] = []
    angles: list[int] = []
    for cmd in program:
        nums = cmd.get("nums", [])
        lengths.extend(nums[k] for k in LENGTH_NUMS.get(cmd["op"], ()))
        angles.extend(nums[k] for k in ANGLE_NUMS.get(cmd["op"], ()))
    return lengths, angles
