"""arithmetic_matrix_determinant: the exact determinant of an integer matrix, reported modulo 1000.

The determinant is computed exactly (fraction-free Bareiss elimination, own code) and checked with FLINT's
``fmpz_mat.det`` (multimodular / fraction-free library code), so the answer stays right at every size (OMEGA weak point #7: the original used a
float determinant and was wrong on half of the level-6 and almost all level-7 items). Singular matrices
are re-drawn.

Guessability (issue 16): an upper-triangular determinant is just the product of the diagonal, so that kind
is drawn only at levels 1-2 and there 1 time in 6 (it was a third of every level); and a large random
determinant is divisible by 1000 about 12-16% of the time from level 5 on, so a draw whose answer is 0 is
kept only 1 time in 100 (then 0 is about as likely as any other residue).

Ladder: level L+1 has a larger matrix (n = 3, 4, 6, 7, 9, 10, 12) with larger entries (bound 10..35), so
the elimination takes more steps on bigger numbers; the test proxy is the number of digits of |det|.
"""
from __future__ import annotations

import random

from flint import fmpz_mat

from generators.arithmetic.matrix_common import (
    KIND_WORDS,
    MATRIX_KINDS,
    SQUARE_LADDER,
    bareiss_det,
    format_matrix,
    random_square,
)
from generators.balance import thin
from generators.canonical_form import square_matrix_key
from generators.family import Family, Problem, Reject
from generators.instance_key import params_key
from generators.registration import register_family

_MODULUS = 1000
_ZERO_KEEP = 0.01  # keep-probability of a draw whose determinant is 0 mod 1000
# kind weights (plain, symmetric, upper_triangular): triangular only at the two lowest levels
_KIND_WEIGHTS = {1: (3, 2, 1), 2: (3, 2, 1)}
_NO_TRIANGULAR = (3, 2, 0)
LEVELS = {lv: {**knobs, "matrix_kinds": MATRIX_KINDS if lv in _KIND_WEIGHTS else MATRIX_KINDS[:2],
               "kind_weights": _KIND_WEIGHTS.get(lv, _NO_TRIANGULAR)}
          for lv, knobs in SQUARE_LADDER.items()}

_WORDINGS = (
    "Let A be the {kind}{n}x{n} integer matrix {m}. Compute the determinant of A and report the remainder "
    "when it is divided by 1000, as an integer between 0 and 999.",
    "Find det(M) mod 1000 for the {kind}{n}x{n} matrix M = {m}. Give the least non-negative remainder "
    "(an integer from 0 to 999).",
    "Consider the {kind}matrix {m}. What is the remainder when its determinant is divided by 1000? "
    "Answer with an integer in the range 0 to 999.",
)
_NEGATIVE_NOTE = " (A negative determinant still has a remainder in 0..999; for example -1234 leaves 766.)"


@register_family
class ArithmeticMatrixDeterminant(Family):
    name = "arithmetic_matrix_determinant"
    domain = "arithmetic"
    description = "Exact determinant of an n×n integer matrix modulo 1000; n and the entry range grow with the level"
    answer_type = "int"
    levels = LEVELS
    version = "2"  # issue 16: triangular kind rare and low-level only; 0 mod 1000 thinned

    def generate(self, rng: random.Random, level: int) -> Problem:
        knobs = self.levels[level]
        n, bound = knobs["n"], knobs["max_abs_entry"]
        kind = rng.choices(MATRIX_KINDS, weights=knobs["kind_weights"])[0]
        m = random_square(rng, n, bound, kind)
        det = bareiss_det(m)
        if det == 0:
            raise Reject("singular matrix")
        thin(rng, det % _MODULUS, {0: _ZERO_KEEP})
        text = rng.choice(_WORDINGS).format(kind=KIND_WORDS[kind], n=n, m=format_matrix(m))
        question = text + _NEGATIVE_NOTE
        return Problem(question=question, params={"matrix": m, "matrix_kind": kind, "modulus": _MODULUS})

    def instance_key(self, params: dict) -> str:
        """det(M) = det(Mᵀ) = det(P·M·Pᵀ): the matrix up to transposing and relabelling its indices (one
        permutation on rows and columns; a full normal form, see ``generators.canonical_form``)."""
        return params_key(params, drop=self.key_ignored_params, matrix=square_matrix_key(params["matrix"]))


    def instance_level(self, params) -> int | None:
        """Levels draw disjoint matrix orders (in the instance key), so the instance shows its level."""
        return self.level_with(n=len(params["matrix"]))

    def solve(self, params: dict) -> int:
        return bareiss_det(params["matrix"]) % params["modulus"]

    def check(self, params: dict, answer: int) -> bool:
        det = int(fmpz_mat([list(row) for row in params["matrix"]]).det())
        return isinstance(answer, int) and 0 <= answer < params["modulus"] and det % params["modulus"] == answer
