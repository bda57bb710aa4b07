"""geometry_polygon_color: red/blue colourings of the vertices of a regular polygon under rotations.

Vertices are labelled 1..n counter-clockwise. Rotating by r positions (counter-clockwise, r = 0..n-1) moves
the vertex at position i to position i + r (mod n); the question states this direction explicitly. With X
the asked colour and Y the other one, three variants (OMEGA's 40/20/40 mix):

* ``complete``: three vertices are uncoloured; of the 8 ways to colour them, count those for which some
  rotation (r = 0 included) moves every X vertex onto a position that was originally Y;
* ``after``: for a given r, count the X vertices that land on positions originally coloured Y;
* ``best``: the largest such count over all n rotations.

(The counts in ``after`` and ``best`` do not depend on the direction of rotation, but the wording fixes
it anyway.) solve: explicit loops over the colour lists. check: bitmask arithmetic - a rotation is a
cyclic shift of the X-mask, a landing count is a popcount of the shifted mask AND the Y-mask, and the 8
completions are the 3-bit integers spread onto the uncoloured positions.

Levels: n in [6,7], [8,9], [10,11], [12,13], [14,15]. Level L+1 has a larger polygon, so more rotations
to try and more vertices to compare per rotation (n^2 comparisons, the test's proxy).

Guessability (issue 16): OMEGA coloured each vertex by a coin, so "best" and "after" answers bunched on one
or two values (38% "2" at level 1); the number of X vertices is now uniform in 1..n/2, and level 1 thins
its two most common answers.
"""
from __future__ import annotations

import random

from generators.balance import thin
from generators.family import Family, Problem, Reject
from generators.instance_key import params_key
from generators.registration import register_family

COLOURS = ("red", "blue")
UNCOLOURED = "uncoloured"

_SETUP = (
    "The vertices of a regular {n}-gon are labelled 1 to {n} in counter-clockwise order and coloured as "
    "follows: {listing}. Rotating the polygon counter-clockwise about its centre by r positions "
    "(r = 0, 1, ..., {last}; a rotation by r turns it through r/{n} of a full turn) moves the vertex at position i "
    "to position i + r, counted modulo {n}, while the positions keep their original colours for comparison. "
)
_ASK = {
    "complete": "Each of the {u} uncoloured vertices is to be coloured red or blue, giving 8 possible "
    "colourings. For how many of these 8 colourings is there a rotation (the rotation by 0 included) after "
    "which every {x} vertex sits on a position that was originally {y}? Give the answer as an integer.",
    "after": "After a rotation by r = {r} positions, how many {x} vertices sit on positions that were "
    "originally {y}? Give the answer as an integer.",
    "best": "Over all rotations r = 0, 1, ..., {last}, what is the largest possible number of {x} vertices "
    "that end up on positions that were originally {y}? Give the answer as an integer.",
}


def _other(colour: str) -> str:
    return COLOURS[1 - COLOURS.index(colour)]


def landed(colours: list[str], r: int, x: str) -> int:
    """Vertices of colour x that a rotation by r puts on a position originally of the other colour."""
    n, y = len(colours), _other(x)
    return sum(1 for i in range(n) if colours[i] == x and colours[(i + r) % n] == y)


def fits(colours: list[str], x: str) -> bool:
    """Some rotation (0 included) puts every x vertex on an originally other-coloured position."""
    n, y = len(colours), _other(x)
    return any(all(colours[(i + r) % n] == y for i in range(n) if colours[i] == x) for r in range(n))


def count_completions(colours: list[str], x: str) -> int:
    holes = [i for i, c in enumerate(colours) if c == UNCOLOURED]
    total = 0
    for k in range(1 << len(holes)):
        filled = list(colours)
        for bit, i in enumerate(holes):
            filled[i] = COLOURS[(k >> bit) & 1]
        total += fits(filled, x)
    return total


def _mask(colours: list[str], colour: str) -> int:
    return sum(1 << i for i, c in enumerate(colours) if c == colour)


def _rotate(mask: int, r: int, n: int) -> int:
    r %= n
    full = (1 << n) - 1
    return ((mask << r) | (mask >> (n - r))) & full if r else mask


def answer_by_masks(params: dict) -> int:
    colours, x, n = params["colours"], params["colour"], len(params["colours"])
    y = _other(x)
    if params["variant"] == "after":
        return bin(_rotate(_mask(colours, x), params["r"], n) & _mask(colours, y)).count("1")
    if params["variant"] == "best":
        xm, ym = _mask(colours, x), _mask(colours, y)
        return max(bin(_rotate(xm, r, n) & ym).count("1") for r in range(n))
    holes = _mask(colours, UNCOLOURED)
    base_x = _mask(colours, x)
    hole_bits = [1 << i for i in range(n) if holes >> i & 1]
    good = 0
    for choice in range(8):  # bit b of ``choice`` set: hole b becomes x
        xm = base_x | sum(b for k, b in enumerate(hole_bits) if choice >> k & 1)
        # every x vertex must land on a non-x (hence y) position
        if any(_rotate(xm, r, n) & xm == 0 for r in range(n)):
            good += 1
    return good


@register_family
class GeometryPolygonColor(Family):
    name = "geometry_polygon_color"
    domain = "geometry"
    description = "Red/blue vertex colourings of a regular polygon under rotation: landing counts and completions"
    answer_type = "int"
    # keep: thinning of the answers a level over-produces (issue 16; generators.balance)
    version = "2"
    levels = {1: {"polygon_n": (6, 7), "keep": {2: 0.5, 1: 0.7}}, 2: {"polygon_n": (8, 9)}, 3: {"polygon_n": (10, 11)}, 4: {"polygon_n": (12, 13)},
              5: {"polygon_n": (14, 15)}}

    def generate(self, rng: random.Random, level: int) -> Problem:
        n = rng.randint(*self.levels[level]["polygon_n"])
        x = rng.choice(COLOURS)
        variant = rng.choices(("complete", "after", "best"), weights=(0.4, 0.2, 0.4))[0]
        # the number of x vertices is uniform in 1..n/2 (a per-vertex coin made the answers bunch)
        xs = set(rng.sample(range(n), rng.randint(1, n // 2)))
        colours = [x if i in xs else _other(x) for i in range(n)]
        if variant == "complete":
            for i in rng.sample(range(n), 3):
                colours[i] = UNCOLOURED
        if x not in colours and variant != "complete" or _other(x) not in colours:
            raise Reject("one colour missing")
        listing = ", ".join(f"vertex {i + 1} {c}" for i, c in enumerate(colours))
        params = {"variant": variant, "colours": colours, "colour": x}
        fields = {"n": n, "last": n - 1, "x": x, "y": _other(x), "u": 3}
        if variant == "after":
            params["r"] = rng.randint(1, n - 1)
            fields["r"] = params["r"]
        thin(rng, self.solve(params), self.levels[level].get("keep"))
        question = _SETUP.format(listing=listing, **fields) + _ASK[variant].format(**fields)
        return Problem(question=question, params=params)

    def instance_key(self, params: dict) -> str:
        """Colours relative to the asked one (X, the other Y, uncoloured U): swapping the names red and blue
        together with the asked colour gives the same problem. Rotations of the labelling are kept apart
        (a different-looking colouring; up to rotation level 1 holds only about 300 problems, too few for
        200 per split)."""
        x = params["colour"]
        rel = ["X" if c == x else "U" if c == UNCOLOURED else "Y" for c in params["colours"]]
        return params_key(params, drop=("colour", "colours", *self.key_ignored_params), colours=rel)

    def solve(self, params: dict) -> int:
        colours, x = params["colours"], params["colour"]
        if params["variant"] == "after":
            return landed(colours, params["r"], x)
        if params["variant"] == "best":
            return max(landed(colours, r, x) for r in range(len(colours)))
        return count_completions(colours, x)

    def check(self, params: dict, answer: int) -> bool:
        return isinstance(answer, int) and answer_by_masks(params) == answer
