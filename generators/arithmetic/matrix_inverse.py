"""arithmetic_matrix_inverse: one statistic of the inverse of a scaled integer matrix, to the nearest integer.

As in OMEGA, the matrix shown is A/s with A an integer matrix and s = 2·n·(entry bound), so the inverse
asked about is s·A⁻¹, whose entries are of order one. The statistic (sum of entries, sum of absolute
values, trace, the largest-magnitude entry, or one entry) is computed exactly over Fractions and then
rounded. An instance whose exact value lies within 1e-9 of a .5 boundary is re-drawn (weak point #18),
so the rounding convention can never matter. We keep OMEGA's nearest-integer form rather than asking for
the reduced fraction because at the top levels the exact value has a denominator of about 25 digits.

solve: FLINT's exact rational inverse (``fmpz_mat.inv``). check: an integer-only fraction-free adjugate X with A·X = d·I
(verified by multiplication), from which the statistic is recomputed.

Ladder: level L+1 has a larger matrix (n = 3, 4, 6, 7, 9, 10, 12) with larger entries, so Gauss-Jordan
elimination takes more steps (the test's proxy: the number of entries).
"""
from __future__ import annotations

import random
from fractions import Fraction

from flint import fmpz_mat

from generators.arithmetic.matrix_common import (
    KIND_WORDS,
    SQUARE_LADDER,
    format_matrix,
    fraction_free_adjugate,
    mat_mul,
    matrix_statistic,
    nearest_int_or_reject,
    random_square_nonsingular,
    statistic_phrase,
)
from generators.family import Family, Problem
from generators.registration import register_family

STATISTICS = ("sum", "abs_sum", "trace", "max_abs_entry", "entry")

_WORDINGS = (
    "Let A be the {kind}{n}x{n} matrix {m} and let B = (1/{s})·A. Compute {stat}, rounded to the nearest "
    "integer.",
    "The matrix B is obtained by dividing every entry of the {kind}integer matrix {m} by {s}. Find {stat} "
    "and round it to the nearest integer.",
    "Define B = A/{s} where A = {m}. What is {stat}? Give the nearest integer.",
)


def _scaled_inverse_statistic(inverse: list[list[Fraction]], scale: int, params: dict) -> Fraction:
    scaled = [[scale * x for x in row] for row in inverse]
    return matrix_statistic(scaled, params["statistic"], params.get("row", 0), params.get("col", 0))


def _divide(adj: list[list[int]], d: int) -> list[list[Fraction]]:
    return [[Fraction(x, d) for x in row] for row in adj]


@register_family
class ArithmeticMatrixInverse(Family):
    name = "arithmetic_matrix_inverse"
    domain = "arithmetic"
    description = "A statistic of the inverse of a scaled n×n integer matrix, rounded to the nearest integer"
    answer_type = "int"
    levels = SQUARE_LADDER
    test_items = 60  # the lead's generic test; 200 per level run in tests/generators/test_matrix.py (slow)

    def generate(self, rng: random.Random, level: int) -> Problem:
        knobs = self.levels[level]
        n, bound = knobs["n"], knobs["max_abs_entry"]
        kind = rng.choice(knobs["matrix_kinds"])
        m = random_square_nonsingular(rng, n, bound, kind)
        scale = 2 * n * bound
        statistic = rng.choice(STATISTICS)
        params = {"matrix": m, "matrix_kind": kind, "scale": scale, "statistic": statistic}
        if statistic == "entry":
            params["row"], params["col"] = rng.randrange(n), rng.randrange(n)
        # exact value first: re-draw near a rounding boundary or when the largest entry is ambiguous
        adj, d = fraction_free_adjugate(m)  # the fast integer route; solve() uses FLINT
        nearest_int_or_reject(_scaled_inverse_statistic(_divide(adj, d), scale, params))
        stat = statistic_phrase(statistic, "the inverse matrix B⁻¹", params.get("row", 0), params.get("col", 0))
        question = rng.choice(_WORDINGS).format(kind=KIND_WORDS[kind], n=n, m=format_matrix(m), s=scale, stat=stat)
        return Problem(question=question, params=params)


    def instance_level(self, params) -> int | None:
        """Levels draw disjoint matrix orders (in the instance key), so the instance shows its level."""
        return self.level_with(n=len(params["matrix"]))

    def solve(self, params: dict) -> int:
        inverse = fmpz_mat([list(row) for row in params["matrix"]]).inv()  # exact, over Q
        exact = [[Fraction(int(x.p), int(x.q)) for x in row] for row in inverse.tolist()]
        value = _scaled_inverse_statistic(exact, params["scale"], params)
        return round(value)

    def check(self, params: dict, answer: int) -> bool:
        m = params["matrix"]
        n = len(m)
        adj, d = fraction_free_adjugate(m)
        if d == 0 or mat_mul(m, adj) != [[d * (i == j) for j in range(n)] for i in range(n)]:
            return False
        value = _scaled_inverse_statistic(_divide(adj, d), params["scale"], params)
        return isinstance(answer, int) and abs(value - answer) < Fraction(1, 2)

