"""geometry_polygon_rotation: draw diagonals of a regular polygon, rotate the figure by r vertex positions,
superimpose the copy, and count the regions with exactly s sides.

The drawing is the polygon with the union of the original diagonals and their images (diagonal i-j goes to
(i+r)-(j+r), labels mod n); a diagonal that lands on a drawn one is drawn once. The regions are the faces of
this exact arrangement; a side is a maximal straight piece of a region's boundary. OMEGA weak point #14:
the original rasterised a 10000x10000 image and counted sides with OpenCV polygon approximation; here the
arrangement is computed geometrically.

solve: half-edge face tracing on the 60-digit arrangement (``polygon_arrangement``).
check: repeated convex splitting of the polygon by each diagonal line (``polygon_clipping``) gives the side
count of every face, and the total number of faces must equal Euler's count 1 + D + sum(m - 1) computed from
label interleaving and Ceva concurrency tests (``polygon_concurrency``).

Levels: k = 2, 3, 4, 5, 6 diagonals; level 6: k in [7, 12] on n in [20, 24]. OMEGA drew n in [6, 11] at
levels 1-5 (the same 8.5-gon on average, issue 16); here n grows too: [6,7], [7,9], [8,10], [9,11], [10,12].
Level L+1 therefore has more drawn chords (2k after the rotation) and more regions to classify (the test's
proxy: the number of regions). r is drawn from 1..n-1 and s from the side counts that occur; "1 region"
(s a rare side count) is thinned at levels 1-5 so it is not a good constant guess.
"""
from __future__ import annotations

import random
from fractions import Fraction

from generators.balance import thin
from generators.family import Family, Problem, Reject
from generators.geometry.polygon_arrangement import build_arrangement
from generators.geometry.polygon_clipping import face_corner_counts
from generators.geometry.polygon_common import (
    Chord,
    chords_from_params,
    chords_to_params,
    format_chords,
    rotate_chord,
    sample_diagonals,
)
from generators.geometry.polygon_concurrency import region_count
from generators.instance_key import canonical_chords, params_key
from generators.registration import register_family

_QUESTIONS = (
    "A regular {n}-gon has its vertices labelled 1 to {n} counter-clockwise, and the diagonals {chords} are "
    "drawn. The whole figure is then rotated counter-clockwise about the centre of the polygon by {r} vertex "
    "{positions} ({angle} degrees), so the polygon lands on itself and each drawn diagonal i\u2013j lands on "
    "the position of diagonal (i+{r})\u2013(j+{r}) (labels counted modulo {n}). The rotated copy is "
    "superimposed on the original figure. All the diagonals of both copies together divide the interior of "
    "the polygon into regions. How many of these regions are polygons with exactly {s} sides? (A side is a "
    "maximal straight segment of a region's boundary.) Give the answer as an integer.",
    "In a regular {n}-gon with vertices numbered 1 through {n} counter-clockwise, draw the diagonals "
    "{chords}. Make a copy of the drawing, turn it counter-clockwise about the centre by {r}/{n} of a full "
    "turn, so that vertex position i moves to vertex position i+{r} (mod {n}), and lay it on top of the "
    "original. Counting every region into which all of these diagonals cut the polygon, how many regions "
    "have exactly {s} sides, where a side means a maximal straight part of the region's boundary? Answer "
    "with an integer.",
)


def superimposed_diagonals(n: int, diagonals: list[Chord], r: int) -> list[Chord]:
    return sorted(set(diagonals) | {rotate_chord(c, r, n) for c in diagonals})


def _angle_text(n: int, r: int) -> str:
    angle = Fraction(360 * r, n)
    return str(angle.numerator) if angle.denominator == 1 else f"{angle.numerator}/{angle.denominator}"


@register_family
class GeometryPolygonRotation(Family):
    name = "geometry_polygon_rotation"
    domain = "geometry"
    description = "Regions with s sides after superimposing a rotated copy of a diagonal drawing in a regular polygon"
    answer_type = "int"
    levels = {
        # polygon sizes are ranges wide enough that, up to rotation and reflection (the instance key), level 1
        # holds several hundred distinct figures: 200 per split with no instance in two splits
        1: {"diagonals": (2, 2), "polygon_n": (6, 12), "keep": {1: 0.6}},
        2: {"diagonals": (3, 3), "polygon_n": (7, 12), "keep": {1: 0.6}},
        3: {"diagonals": (4, 4), "polygon_n": (8, 12), "keep": {1: 0.6}},
        4: {"diagonals": (5, 5), "polygon_n": (9, 12), "keep": {1: 0.6}},
        5: {"diagonals": (6, 6), "polygon_n": (10, 12), "keep": {1: 0.6}},
        6: {"diagonals": (7, 12), "polygon_n": (20, 24)},
    }
    version = "3"  # issue 16: n grows with the level; answer 1 thinned at levels 1-5
    test_items = 30  # levels 5-6 take 20-65 ms an item; the slow suite runs 200 per level

    def generate(self, rng: random.Random, level: int) -> Problem:
        knobs = self.levels[level]
        n = rng.randint(*knobs["polygon_n"])
        k = rng.randint(*knobs["diagonals"])
        r = rng.randint(1, n - 1)
        diagonals = sample_diagonals(rng, n, k)
        hist = build_arrangement(n, superimposed_diagonals(n, diagonals, r)).side_histogram()
        if not hist:
            raise Reject("no regions")
        s = rng.choice(sorted(hist))
        thin(rng, hist[s], knobs.get("keep"))
        question = rng.choice(_QUESTIONS).format(
            n=n, chords=format_chords(diagonals), r=r, angle=_angle_text(n, r), s=s,
            positions="position" if r == 1 else "positions",
        )
        return Problem(question=question, params={"n": n, "diagonals": chords_to_params(diagonals), "r": r, "s": s})

    def instance_key(self, params: dict) -> str:
        """The diagonals up to a symmetry of the polygon, and r up to direction: the figure D + rot_r(D) is
        rot_r of D + rot_(n-r)(D), and a reflection turns rotation by r into rotation by n - r."""
        n, r = params["n"], params["r"]
        return params_key(params, diagonals=canonical_chords(n, params["diagonals"]), r=min(r, n - r))


    def instance_level(self, params) -> int | None:
        """Levels draw disjoint number of diagonalss (in the instance key), so the instance shows its level."""
        return self.level_with(diagonals=len(params["diagonals"]))

    def solve(self, params: dict) -> int:
        n = params["n"]
        drawn = superimposed_diagonals(n, chords_from_params(params["diagonals"]), params["r"])
        return build_arrangement(n, drawn).side_histogram().get(params["s"], 0)

    def check(self, params: dict, answer: int) -> bool:
        n = params["n"]
        drawn = superimposed_diagonals(n, chords_from_params(params["diagonals"]), params["r"])
        corners = face_corner_counts(n, drawn)
        if len(corners) != region_count(n, drawn):
            return False
        return isinstance(answer, int) and corners.count(params["s"]) == answer
