"""arithmetic_matrix_rank: the exact rank over the rationals of an integer matrix built with low rank.

The matrix is a product L·R of random integer factors (n×k and k×n, k drawn in 1..n), so its rank is
usually k, but it can be smaller when the factors happen to be deficient. OMEGA drew k in 1..n−1, so
"not full rank" was always true and the rank took only n−1 values (issue 16: 36% guessable at level 1);
k = n makes full rank as likely as any other rank. The answer is
always the rank recomputed exactly from the matrix, never the construction's inner dimension (OMEGA weak
point #8: the original assumed the target rank and mislabelled about 0.3% of its low-level items).

solve: FLINT's exact integer rank (``exact_rank``). check: sympy's ``DomainMatrix`` rank over QQ (its exact
reduced-row-echelon code, much faster than ``Matrix.rank``), plus the bound rank ≤ k (a product of an
n×k and a k×n matrix cannot exceed k).

Ladder: level L+1 has a larger matrix (n = 4, 5, 6, 7, 9, 10, 12) with larger factor entries, so the
elimination runs longer on bigger numbers; the test proxy is the mean rank (the number of pivots found).
"""
from __future__ import annotations

import random

from sympy import QQ, ZZ
from sympy.polys.matrices import DomainMatrix

from generators.arithmetic.matrix_common import format_matrix, exact_rank, mat_mul, random_matrix
from generators.canonical_form import matrix_lines_key
from generators.family import Family, Problem
from generators.instance_key import params_key
from generators.registration import register_family

_WORDINGS = (
    "What is the rank of the {n}x{n} matrix {m}?",
    "Determine the rank (over the rational numbers) of the matrix A = {m}. Give an integer.",
    "Let A = {m}. Find the dimension of the column space of A.",
)


@register_family
class ArithmeticMatrixRank(Family):
    name = "arithmetic_matrix_rank"
    domain = "arithmetic"
    description = "Exact rank of a low-rank n×n integer matrix; n and the factor entries grow with the level"
    answer_type = "int"
    version = "2"  # issue 16: full rank possible (inner dimension up to n)
    # max_abs_factor_entry bounds the entries of the two factors L and R (OMEGA's |v|)
    levels = {
        1: {"n": 4, "max_abs_factor_entry": 4},
        2: {"n": 5, "max_abs_factor_entry": 6},
        3: {"n": 6, "max_abs_factor_entry": 10},
        4: {"n": 7, "max_abs_factor_entry": 12},
        5: {"n": 9, "max_abs_factor_entry": 18},
        6: {"n": 10, "max_abs_factor_entry": 22},
        7: {"n": 12, "max_abs_factor_entry": 26},
    }

    def generate(self, rng: random.Random, level: int) -> Problem:
        knobs = self.levels[level]
        n, bound = knobs["n"], knobs["max_abs_factor_entry"]
        inner = rng.randint(1, n)
        m = mat_mul(random_matrix(rng, n, inner, bound), random_matrix(rng, inner, n, bound))
        question = rng.choice(_WORDINGS).format(n=n, m=format_matrix(m))
        # inner_dimension is an upper bound recorded for analysis; the answer is recomputed from the matrix
        return Problem(question=question, params={"matrix": m, "inner_dimension": inner})

    def instance_key(self, params: dict) -> str:
        """The answer does not change under Mᵀ or P·M·Q (rows and columns reordered independently): the
        matrix up to those (a full normal form over permutations, see ``generators.canonical_form``).
        The recorded ``inner_dimension`` is not shown in the question, so it is not part of the instance."""
        return params_key(params, drop=("inner_dimension", *self.key_ignored_params),
                          matrix=matrix_lines_key(params["matrix"]))


    def instance_level(self, params) -> int | None:
        """Levels draw disjoint matrix orders (in the instance key), so the instance shows its level."""
        return self.level_with(n=len(params["matrix"]))

    def solve(self, params: dict) -> int:
        return exact_rank(params["matrix"])

    def check(self, params: dict, answer: int) -> bool:
        exact = DomainMatrix.from_list(params["matrix"], ZZ).convert_to(QQ).rank()
        return isinstance(answer, int) and answer == exact and answer <= params["inner_dimension"]
