"""arithmetic_matrix_svd: a quantity of the singular values of a square integer matrix, rounded.

Design decision (as for the eigenvalue family): singular values are irrational in general, so we keep
OMEGA's random integer matrices and nearest-integer answers and make the rounding safe (weak point
#18): an instance is re-drawn when the value lies within 1e-6 of a .5 boundary (screened in float64; see
matrix_spectral). Quantities as in OMEGA: the largest singular value, the sum of all singular values (nuclear norm)
and the gap σmax − σmin.

solve: mpmath ``svd_r`` at 30 digits. check: numpy/LAPACK ``svd`` in float64.

Ladder: level L+1 has a larger matrix (n = 4, 5, 6, 7, 9, 10, 12) with larger entries (the test's proxy: the
number of entries).
"""
from __future__ import annotations

import random

from generators.arithmetic.matrix_common import format_matrix, random_matrix
from generators.arithmetic.matrix_spectral import (
    arb_singular_quantity,
    arb_singular_values,
    float_near_half,
    np_singular_values,
    round_ball,
    singular_quantity,
)
from generators.canonical_form import matrix_lines_key
from generators.family import Family, Problem, Reject
from generators.instance_key import params_key
from generators.registration import register_family

QUANTITIES = {
    "largest": "the largest singular value of A",
    "sum": "the sum of all singular values of A (counted with multiplicity)",
    "spread": "the difference between the largest and the smallest singular value of A",
}

_WORDINGS = (
    "Let A be the {n}x{n} matrix {m}. Find {q}, rounded to the nearest integer.",
    "Consider the integer matrix A = {m}. Compute {q} and round it to the nearest integer.",
    "What is {q} for A = {m}? Give the nearest integer.",
)


@register_family
class ArithmeticMatrixSvd(Family):
    name = "arithmetic_matrix_svd"
    domain = "arithmetic"
    description = "A rounded quantity of the singular values of an n×n integer matrix; n grows with the level"
    answer_type = "int"
    levels = {
        1: {"n": 4, "max_abs_entry": 4},
        2: {"n": 5, "max_abs_entry": 6},
        3: {"n": 6, "max_abs_entry": 10},
        4: {"n": 7, "max_abs_entry": 12},
        5: {"n": 9, "max_abs_entry": 18},
        6: {"n": 10, "max_abs_entry": 22},
        7: {"n": 12, "max_abs_entry": 26},
    }
    test_items = 40  # the lead's generic test; 200 per level run in tests/generators/test_matrix.py (slow)

    def generate(self, rng: random.Random, level: int) -> Problem:
        knobs = self.levels[level]
        n = knobs["n"]
        m = random_matrix(rng, n, n, knobs["max_abs_entry"])
        quantity = rng.choice(sorted(QUANTITIES))
        if float_near_half(singular_quantity(np_singular_values(m), quantity)):
            raise Reject("quantity too close to a rounding boundary")
        question = rng.choice(_WORDINGS).format(n=n, m=format_matrix(m), q=QUANTITIES[quantity])
        return Problem(question=question, params={"matrix": m, "quantity": quantity})

    def instance_key(self, params: dict) -> str:
        """The answer does not change under Mᵀ or P·M·Q (rows and columns reordered independently): the
        matrix up to those (a full normal form over permutations, see ``generators.canonical_form``)."""
        return params_key(params, drop=self.key_ignored_params, matrix=matrix_lines_key(params["matrix"]))


    def instance_level(self, params) -> int | None:
        """Levels draw disjoint matrix orders (in the instance key), so the instance shows its level."""
        return self.level_with(n=len(params["matrix"]))

    def solve(self, params: dict) -> int:
        quantity = params["quantity"]
        return round_ball(lambda m: arb_singular_quantity(arb_singular_values(m), quantity), params["matrix"])

    def check(self, params: dict, answer: int) -> bool:
        value = singular_quantity(np_singular_values(params["matrix"]), params["quantity"])
        return isinstance(answer, int) and abs(value - answer) < 0.5
