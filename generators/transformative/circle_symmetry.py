"""trans_circles_test: a circle construction step repeated N >= 10^9 times; chase the symmetry, not the points.

Trained skill (geometry_circle): chase a point through a short chain of constructions on a circle (rotations
about the centre, reflections in lines through it, ...) and measure a length. Test: one "move" built from
exactly those operations (rotations about the centre A by whole degrees, reflections in lines through A at
given angles to ray AB, an even number of them) is applied N times to the point B on the circle, with N from
10^9 (L1) up to 10^18 (L5), and the question asks for the chord |B P_N| or the distance from P_N to line AB,
to 2 decimals. Chasing coordinates move by move needs N >= 10^9 steps at every level. The insight: each
reflection S(phi) composes with the others as S(phi) S(psi) = R(2(phi - psi)), S(phi) R(a) = S(phi - a/2),
R(a) S(phi) = S(phi + a/2), so an even number of them make one rotation by a whole number Theta of degrees;
P_N is B turned by N * Theta mod 360, and |B P_N| = 2R |sin(N Theta / 2)|, dist(P_N, AB) = R |sin(N Theta)|.

Items are drawn again when the answer equals what a shortcut gives: a single move (N = 1), no move (0),
the diameter, the rotations alone (reflections ignored), the reflections with the opposite orientation, or
N taken as 1 mod the period of the rotation's own angles only; and when the exact value is within 1e-9 of a
rounding boundary.

solve: the composition rules above with exact angles, then N * Theta mod 360 by integer arithmetic and one
50-digit sine.
check: the move as a product of 2 x 2 orthogonal matrices (50-digit mpmath), raised to the N-th power by
repeated squaring (about log2 N products), applied to B = (R, 0); the distances are measured from the
resulting coordinates.
"""
from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

import mpmath

from generators.answers import format_decimal, near_rounding_boundary
from generators.family import Family, Problem, Reject
from generators.registration import register_family

PLACES = 2
MIN_STEPS = 10**9
MEASURES = ("chord", "line")
_ASK = {
    "chord": "What is the distance between P_{N} and B?",
    "line": "What is the distance from P_{N} to line AB?",
}


# ------------------------------------------------------------------ exact composition (solve)
def net_rotation(ops: list[list]) -> Fraction:
    """Angle (degrees, mod 360) of the composed move; ops applied in order, each ["rot", a] or ["ref", phi]."""
    kind, ang = "rot", Fraction(0)  # the identity so far
    for op, val in ops:
        val = Fraction(val)
        if op == "rot":  # new = R(val) o current
            ang = ang + val if kind == "rot" else ang + val / 2
        elif kind == "rot":  # S(val) o R(ang) = S(val - ang/2)
            kind, ang = "ref", val - ang / 2
        else:  # S(val) o S(ang) = R(2 (val - ang))
            kind, ang = "rot", 2 * (val - ang)
    if kind != "rot":
        raise ValueError("an odd number of reflections is a reflection, not a rotation")
    return ang % 360


def value_from_angle(radius: int, theta_deg: Fraction, measure: str) -> mpmath.mpf:
    with mpmath.workdps(50):
        turn = mpmath.pi * mpmath.mpf(theta_deg.numerator) / theta_deg.denominator  # theta in radians, times 180
        if measure == "chord":
            return 2 * radius * abs(mpmath.sin(turn / 360))
        return radius * abs(mpmath.sin(turn / 180))


def exact_value(params: dict[str, Any]) -> mpmath.mpf:
    theta = (net_rotation(params["ops"]) * params["N"]) % 360
    return value_from_angle(params["R"], theta, params["measure"])


# ------------------------------------------------------------------ matrices (check)
def _matrix(op: str, val: Fraction):
    t = mpmath.pi * mpmath.mpf(val.numerator) / val.denominator / 180
    if op == "rot":
        return mpmath.matrix([[mpmath.cos(t), -mpmath.sin(t)], [mpmath.sin(t), mpmath.cos(t)]])
    return mpmath.matrix([[mpmath.cos(2 * t), mpmath.sin(2 * t)], [mpmath.sin(2 * t), -mpmath.cos(2 * t)]])


def value_by_matrix_power(params: dict[str, Any]) -> mpmath.mpf:
    with mpmath.workdps(50 + len(str(params["N"]))):
        move = mpmath.eye(2)
        for op, val in params["ops"]:
            move = _matrix(op, Fraction(val)) * move
        power, base, n = mpmath.eye(2), move, params["N"]
        while n:
            if n & 1:
                power = base * power
            base = base * base
            n >>= 1
        r = params["R"]
        x, y = power[0, 0] * r, power[1, 0] * r  # image of B = (R, 0)
        if params["measure"] == "chord":
            return mpmath.sqrt((x - r) ** 2 + y**2)
        return abs(y)


def _as_fraction(v: mpmath.mpf) -> Fraction:
    with mpmath.workdps(60):
        return Fraction(int(mpmath.nint(v * 10**40)), 10**40)


def shortcut_values(params: dict[str, Any]) -> list[str]:
    """2-decimal answers of the shortcuts listed in the module docstring."""
    r, measure, n, ops = params["R"], params["measure"], params["N"], params["ops"]
    theta = net_rotation(ops)
    rot_only = sum((Fraction(v) for op, v in ops if op == "rot"), Fraction(0))
    flipped = net_rotation([[op, -Fraction(v)] if op == "ref" else [op, v] for op, v in ops])
    angles = [theta, Fraction(0), Fraction(180), (rot_only * n) % 360, (flipped * n) % 360, rot_only % 360]
    out = [format_decimal(_as_fraction(value_from_angle(r, a, measure)), PLACES) for a in angles]
    out.append(format_decimal(Fraction(2 * r if measure == "chord" else r), PLACES))
    return out


def render(params: dict[str, Any]) -> str:
    r, ops = params["R"], params["ops"]
    lines = [v for op, v in ops if op == "ref"]
    text = (f"Let c1 be a circle with centre A and radius {r}, and let B be a point on circle c1. ")
    for k, phi in enumerate(lines, 1):
        text += (f"Let l{k} be the line through A that makes an angle of {phi} degrees, measured counterclockwise, "
                 f"with ray AB. ")
    steps, k = [], 0
    for op, v in ops:
        if op == "rot":
            steps.append(f"rotate it about A by {v} degree{'' if v == 1 else 's'} counterclockwise")
        else:
            k += 1
            steps.append(f"reflect it across line l{k}")
    text += ("A move takes a point X on circle c1 and does the following, in this order: " + ", then ".join(steps)
             + ". Let P_0 = B, and for every k >= 0 let P_{k+1} be the result of applying the move to P_k. "
             f"Let N = {params['N']}. ")
    return text + _ASK[params["measure"]] + " Express your answer as a decimal rounded to 2 decimal places."


@register_family
class CircleSymmetry(Family):
    name = "trans_circles_test"
    axis = "transformative"
    domain = "geometry"
    description = ("A circle move (rotations, reflections through the centre) repeated N >= 10^9 times: "
                   "compose it into one rotation instead of chasing points")
    answer_type = f"decimal:{PLACES}"
    version = "2"
    test_items = 30  # items per level in the generic default test; 200 per level run under -m slow
    levels = {
        1: {"N": (9, 10), "rotations": (1, 1), "reflections": 2},
        2: {"N": (10, 12), "rotations": (1, 2), "reflections": 2},
        3: {"N": (12, 14), "rotations": (1, 2), "reflections": 2},
        4: {"N": (14, 16), "rotations": (2, 2), "reflections": 4},
        5: {"N": (16, 18), "rotations": (2, 3), "reflections": 4},
    }

    def generate(self, rng: random.Random, level: int) -> Problem:
        kn = self.levels[level]
        lo, hi = kn["N"]
        n = rng.randint(10**lo, 10**hi)
        ops: list[list] = [["rot", rng.randint(1, 179)] for _ in range(rng.randint(*kn["rotations"]))]
        ops += [["ref", phi] for phi in rng.sample(range(1, 180), kn["reflections"])]
        rng.shuffle(ops)
        params: dict[str, Any] = {"R": rng.randint(2, 12), "ops": ops, "N": n, "measure": rng.choice(MEASURES)}
        value = _as_fraction(exact_value(params))
        if near_rounding_boundary(value, PLACES):
            raise Reject("too close to a rounding boundary")
        answer = format_decimal(value, PLACES)
        if answer in shortcut_values(params):
            raise Reject("a shortcut gives the same answer")
        return Problem(question=render(params), params=params)

    def instance_key(self, params: dict) -> str:
        q = params
        return f"{self.name}|{q['R']}|{q['ops']}|{q['N']}|{q['measure']}"

    def solve(self, params: dict[str, Any]) -> str:
        return format_decimal(_as_fraction(exact_value(params)), PLACES)

    def check(self, params: dict[str, Any], answer: Any) -> bool:
        if params["N"] < MIN_STEPS:
            return False
        value = _as_fraction(value_by_matrix_power(params))
        return not near_rounding_boundary(value, PLACES, Fraction(1, 10**7)) and answer == format_decimal(value, PLACES)
