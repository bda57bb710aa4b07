"""English rendering of a pruned construction program and its measured quantity.

One sentence per counted command (grouping commands such as ``line`` and ``triangle`` are never stated
on their own: they show up as "line AB" or "triangle ABC" where they are used). A free point that only
serves as the start of the next command is folded into it ("Let A and B be points with AB = 7.").
Orientation words (counterclockwise, closer to, other than) pin every choice down, so the described
figure is determined up to a rotation and translation, which leave the asked quantity unchanged.
"""
from __future__ import annotations

import random
from typing import Any

from generators.geometry.construct_program import CIRCLE, LINE, POLYGON, TRIANGLE, element_types, polygon_vertices

POLYGON_NAMES = {3: "triangle", 4: "square", 5: "pentagon", 6: "hexagon", 7: "heptagon", 8: "octagon",
                 9: "nonagon", 10: "decagon", 11: "hendecagon", 12: "dodecagon"}
ANSWER_FORM = "Express your answer as a decimal rounded to 2 decimal places."


class Namer:
    """How each element is referred to in the text."""

    def __init__(self, program: list[dict[str, Any]]):
        self.types = element_types(program)
        self.vertices = polygon_vertices(program)

    def __call__(self, eid: str) -> str:
        etype = self.types[eid]
        if etype == LINE:
            return f"line {eid}"
        if etype == CIRCLE:
            return f"circle {eid}"
        if etype == TRIANGLE:
            return "triangle " + "".join(self.vertices[eid])
        if etype == POLYGON:
            verts = self.vertices[eid]
            return f"{POLYGON_NAMES.get(len(verts), f'{len(verts)}-gon')} " + "".join(verts)
        return eid

    def shape_word(self, eid: str) -> str:
        n = len(self.vertices[eid])
        return "square" if n == 4 else f"regular {POLYGON_NAMES.get(n, f'{n}-gon')}"


def _orientation(pick: list[str]) -> str:
    return "counterclockwise" if pick[0] == "ccw" else "clockwise"


def _choice(pick: list[str], name) -> str:
    if pick[0] == "near":
        return f"the one closer to {name(pick[1])}"
    return f"the one other than {name(pick[1])}"


def _sentence(cmd: dict[str, Any], name: Namer, rng: random.Random) -> str | None:
    op, nums, out = cmd["op"], cmd.get("nums", []), cmd["out"]
    a = [name(x) for x in cmd["args"]]
    x = out[0]  # a new element is introduced by its bare id ("Let l1 be the line ...")
    if op == "free_point":
        return f"Let {x} be a point."
    if op == "point_at_distance":
        return rng.choice((f"Let {x} be a point at distance {nums[0]} from {a[0]}.",
                           f"Let {x} be a point such that {a[0]}{x} = {nums[0]}."))
    if op in ("line", "triangle"):
        return None
    if op == "midpoint":
        return rng.choice((f"Let {x} be the midpoint of segment {a[0]}{a[1]}.",
                           f"Point {x} is the midpoint of segment {a[0]}{a[1]}."))
    if op == "point_on_ray":
        return f"Let {x} be the point on ray {a[0]}{a[1]} such that {a[0]}{x} = {nums[0]}."
    if op == "perp_line":
        return f"Let {x} be the line through {a[0]} perpendicular to {a[1]}."
    if op == "parallel_line":
        return f"Let {x} be the line through {a[0]} parallel to {a[1]}."
    if op == "perp_bisector":
        return f"Let {x} be the perpendicular bisector of segment {a[0]}{a[1]}."
    if op == "angle_bisector":
        return f"Let {x} be the bisector of angle {a[0]}{a[1]}{a[2]}."
    if op == "foot":
        return rng.choice((f"Let {x} be the foot of the perpendicular from {a[0]} to {a[1]}.",
                           f"Let {x} be the orthogonal projection of {a[0]} onto {a[1]}."))
    if op == "reflect_line":
        return f"Let {x} be the reflection of {a[0]} across {a[1]}."
    if op == "reflect_point":
        return rng.choice((f"Let {x} be the reflection of {a[0]} through the point {a[1]}.",
                           f"Let {x} be the point such that {a[1]} is the midpoint of segment {a[0]}{x}."))
    if op == "rotate":
        return rng.choice((
            f"Let {x} be the image of {a[0]} under the rotation about {a[1]} by {nums[0]} degrees counterclockwise.",
            f"Rotating {a[0]} about {a[1]} by {nums[0]} degrees counterclockwise gives the point {x}.",
        ))
    if op == "intersect_lines":
        return f"Let {x} be the intersection of {a[0]} and {a[1]}."
    if op == "circle_center_radius":
        return f"Let {x} be the circle with centre {a[0]} and radius {nums[0]}."
    if op == "circle_center_point":
        return f"Let {x} be the circle centred at {a[0]} passing through {a[1]}."
    if op == "circle_three_points":
        return f"Let {x} be the circle through {a[0]}, {a[1]} and {a[2]}."
    if op == "circle_tangent_line":
        return f"Let {x} be the circle centred at {a[0]} that is tangent to {a[1]}."
    if op == "center":
        return f"Let {x} be the centre of {a[0]}."
    if op == "point_on_circle":
        return f"Let {x} be a point on {a[0]}."
    if op == "intersect_line_circle":
        if cmd["pick"][0] == "other":
            return f"{a[0][0].upper() + a[0][1:]} meets {a[1]} at {name(cmd['pick'][1])} and at a second point {x}."
        return f"Of the two points where {a[0]} meets {a[1]}, let {x} be {_choice(cmd['pick'], name)}."
    if op == "intersect_circles":
        if cmd["pick"][0] == "other":
            return f"Circles {cmd['args'][0]} and {cmd['args'][1]} meet at {name(cmd['pick'][1])} and at a second point {x}."
        return f"Of the two points where {a[0]} and {a[1]} meet, let {x} be {_choice(cmd['pick'], name)}."
    if op == "tangent_point":
        return (f"Of the two points where a tangent line from {a[0]} touches {a[1]}, "
                f"let {x} be {_choice(cmd['pick'], name)}.")
    if op == "tangent_line":
        return f"Let {x} be the tangent line to {a[1]} at {a[0]}."
    if op == "point_two_distances":
        p, q = a
        return (f"Let {x} be the point with {p}{x} = {nums[0]} and {q}{x} = {nums[1]} such that "
                f"{p}, {q}, {x} are in {_orientation(cmd['pick'])} order.")
    if op == "equilateral_point":
        p, q = a
        return (f"Let {x} be the point such that {p}{q}{x} is an equilateral triangle with "
                f"{p}, {q}, {x} in {_orientation(cmd['pick'])} order.")
    if op == "centroid":
        return f"Let {x} be the centroid of {a[0]}."
    if op == "circumcenter":
        return f"Let {x} be the circumcentre of {a[0]}."
    if op == "incenter":
        return f"Let {x} be the incentre of {a[0]}."
    if op == "orthocenter":
        return f"Let {x} be the orthocentre of {a[0]}."
    if op == "circumcircle":
        return f"Let {x} be the circumcircle of {a[0]}."
    if op == "incircle":
        return f"Let {x} be the incircle of {a[0]}."
    if op in ("regular_polygon", "regular_polygon_vertex", "regular_polygon_side", "rotate_polygon"):
        verts = name.vertices[out[0]]
        label = "".join(verts)
        order = ", ".join(verts)
        shape = name.shape_word(out[0])
        if op == "regular_polygon":
            return (f"Let {label} be a {shape} with centre {a[0]} and circumradius {nums[0]}, "
                    f"with its vertices {order} in counterclockwise order.")
        if op == "regular_polygon_vertex":
            return (f"Let {label} be the {shape} with centre {a[0]} that has {a[1]} as a vertex, "
                    f"with its vertices {order} in counterclockwise order.")
        if op == "regular_polygon_side":
            return (f"Let {label} be the {shape} with side {a[0]}{a[1]} whose vertices {order} "
                    f"go around it in counterclockwise order.")
        old = name.vertices[cmd["args"][0]]
        return (f"Rotating {a[0]} about {a[1]} by {nums[0]} degrees counterclockwise gives "
                f"{name(out[0])}, where {old[0]} goes to {verts[0]}, {old[1]} goes to {verts[1]}, and so on.")
    if op == "polygon_circumcircle":
        return f"Let {x} be the circumscribed circle of {a[0]}."
    if op == "polygon_incircle":
        return f"Let {x} be the inscribed circle of {a[0]}."
    raise ValueError(f"no wording for {op!r}")


def _folded(cmd: dict[str, Any], nxt: dict[str, Any], name: Namer) -> str | None:
    """One sentence for "free point X" followed by a command that starts from X, else None."""
    x = cmd["out"][0]
    if not nxt["args"] or nxt["args"][0] != x:
        return None
    nums, y = nxt.get("nums", []), nxt["out"][0]
    if nxt["op"] == "point_at_distance":
        return f"Let {x} and {y} be points with {x}{y} = {nums[0]}."
    if nxt["op"] == "circle_center_radius":
        return f"Let {y} be a circle with centre {x} and radius {nums[0]}."
    if nxt["op"] == "regular_polygon":
        verts = name.vertices[nxt["out"][0]]
        return (f"Let {''.join(verts)} be a {name.shape_word(nxt['out'][0])} with centre {x} and circumradius "
                f"{nums[0]}, with its vertices {', '.join(verts)} in counterclockwise order.")
    return None


def measure_question(measure: dict[str, Any], name: Namer, rng: random.Random) -> str:
    kind, args = measure["kind"], measure["args"]
    a = [name(x) for x in args]
    if kind == "distance":
        return rng.choice((f"What is the length of segment {a[0]}{a[1]}?",
                           f"What is the distance between {a[0]} and {a[1]}?"))
    if kind == "point_line_distance":
        return f"What is the distance from {a[0]} to {a[1]}?"
    if kind == "angle":
        return f"What is the measure of angle {a[0]}{a[1]}{a[2]}, in {measure['unit']}?"
    if kind == "radius":
        return f"What is the radius of {a[0]}?"
    if kind == "area":
        return f"What is the area of {a[0]}?"
    if kind == "triangle_area":
        return f"What is the area of triangle {a[0]}{a[1]}{a[2]}?"
    raise ValueError(f"no wording for measure {kind!r}")


def render_question(program: list[dict[str, Any]], measure: dict[str, Any], rng: random.Random) -> str:
    """The full question: the construction, the asked quantity and the required answer form."""
    name = Namer(program)
    sentences: list[str] = []
    i = 0
    while i < len(program):
        cmd = program[i]
        if cmd["op"] == "free_point" and i + 1 < len(program):
            folded = _folded(cmd, program[i + 1], name)
            if folded:
                sentences.append(folded)
                i += 2
                continue
        text = _sentence(cmd, name, rng)
        if text:
            sentences.append(text)
        i += 1
    sentences.append(measure_question(measure, name, rng))
    sentences.append(ANSWER_FORM)
    return " ".join(sentences)

