"""arithmetic_matrix_eigenvalues: a quantity of the (real) spectrum of a symmetric integer matrix, rounded.

Design decision: eigenvalues of random integer matrices are irrational, and building matrices with a
known integer spectrum would change what the family measures, so we keep OMEGA's random symmetric
matrices (OMEGA also forced its "plain" type to symmetric) and its nearest-integer answers, and make the
rounding safe instead (weak point #18): an instance is re-drawn when the quantity lies within 1e-6 of
a .5 boundary (screened in float64; see matrix_spectral for why that is rigorous). Quantities: the largest |λ| (OMEGA's "largest
eigenvalue by absolute value" returned |λ|, and we ask for it as such), Σ|λ|, the largest λ, the smallest
λ, and the spread λmax − λmin.

solve: mpmath (Householder + implicit QL, 30 digits). check: numpy/LAPACK ``eigvalsh`` in float64.

Ladder: level L+1 has a larger matrix (n = 3, 4, 6, 7, 9, 10, 12) with larger entries, so the characteristic
polynomial has a higher degree (the test's proxy: the number of entries).
"""
from __future__ import annotations

import random

from generators.arithmetic.matrix_common import format_matrix, random_square
from generators.arithmetic.matrix_spectral import (
    arb_eigen_quantity,
    arb_symmetric_eigenvalues,
    eigen_quantity,
    float_near_half,
    np_symmetric_eigenvalues,
    round_ball,
)
from generators.canonical_form import square_matrix_key
from generators.family import Family, Problem, Reject
from generators.instance_key import params_key
from generators.registration import register_family

QUANTITIES = {
    "max_abs": "the largest absolute value of an eigenvalue of A",
    "abs_sum": "the sum of the absolute values of all eigenvalues of A (counted with multiplicity)",
    "largest": "the largest eigenvalue of A",
    "smallest": "the smallest eigenvalue of A",
    "spread": "the difference between the largest and the smallest eigenvalue of A",
}

_WORDINGS = (
    "Let A be the symmetric {n}x{n} matrix {m}. Find {q}, rounded to the nearest integer.",
    "A = {m} is a real symmetric matrix, so all of its eigenvalues are real. Compute {q} and round it to "
    "the nearest integer.",
    "For the symmetric matrix A = {m}, what is {q}? Give the nearest integer.",
)


@register_family
class ArithmeticMatrixEigenvalues(Family):
    name = "arithmetic_matrix_eigenvalues"
    domain = "arithmetic"
    description = "A rounded quantity of the eigenvalues of a symmetric n×n integer matrix; n grows with the level"
    answer_type = "int"
    levels = {
        1: {"n": 3, "max_abs_entry": 10},
        2: {"n": 4, "max_abs_entry": 12},
        3: {"n": 6, "max_abs_entry": 15},
        4: {"n": 7, "max_abs_entry": 18},
        5: {"n": 9, "max_abs_entry": 25},
        6: {"n": 10, "max_abs_entry": 30},
        7: {"n": 12, "max_abs_entry": 35},
    }
    test_items = 40  # the lead's generic test; 200 per level run in tests/generators/test_matrix.py (slow)

    def generate(self, rng: random.Random, level: int) -> Problem:
        knobs = self.levels[level]
        n = knobs["n"]
        m = random_square(rng, n, knobs["max_abs_entry"], "symmetric")
        quantity = rng.choice(sorted(QUANTITIES))
        if float_near_half(eigen_quantity(np_symmetric_eigenvalues(m), quantity)):
            raise Reject("quantity too close to a rounding boundary")
        question = rng.choice(_WORDINGS).format(n=n, m=format_matrix(m), q=QUANTITIES[quantity])
        return Problem(question=question, params={"matrix": m, "quantity": quantity})

    def instance_key(self, params: dict) -> str:
        """The spectrum of a symmetric M is that of P·M·Pᵀ: the matrix up to relabelling its indices (one
        permutation on rows and columns; a full normal form, see ``generators.canonical_form``)."""
        return params_key(params, drop=self.key_ignored_params,
                          matrix=square_matrix_key(params["matrix"], transpose_too=False))


    def instance_level(self, params) -> int | None:
        """Levels draw disjoint matrix orders (in the instance key), so the instance shows its level."""
        return self.level_with(n=len(params["matrix"]))

    def solve(self, params: dict) -> int:
        quantity = params["quantity"]
        return round_ball(lambda m: arb_eigen_quantity(arb_symmetric_eigenvalues(m), quantity), params["matrix"])

    def check(self, params: dict, answer: int) -> bool:
        m = params["matrix"]
        if any(m[i][j] != m[j][i] for i in range(len(m)) for j in range(i)):
            return False
        value = eigen_quantity(np_symmetric_eigenvalues(m), params["quantity"])
        return isinstance(answer, int) and abs(value - answer) < 0.5
