"""arithmetic_matrix_power: one exact statistic of A^p for a small integer matrix A.

Sizes, entry range and the exponent p grow with the level (OMEGA's ladder); level 1 also draws
upper-triangular matrices, later levels only plain or symmetric ones. The statistic is the sum of the
entries of A^p, the sum of their absolute values, or one entry (OMEGA disabled the trace). Exact integers
(entries reach about 1e15 at level 7, well within Python ints).

solve: binary exponentiation with hand-written products. check: sympy ``Matrix ** p``.

Ladder: level L+1 has a larger matrix and a higher power, so more and larger products (the test's proxy:
entries x power).
"""
from __future__ import annotations

import random

import sympy

from generators.arithmetic.matrix_common import (
    KIND_WORDS,
    format_matrix,
    mat_pow,
    matrix_statistic,
    random_square,
    statistic_phrase,
)
from generators.family import Family, Problem
from generators.registration import register_family

STATISTICS = ("sum", "abs_sum", "entry")
_ALL_KINDS = ("plain", "symmetric", "upper_triangular")
_LATER_KINDS = ("plain", "symmetric")

_WORDINGS = (
    "Let A be the {kind}{n}x{n} matrix {m}. Compute {stat}, where A^{p} = A·A·…·A ({p} factors). Give an integer.",
    "For A = {m}, what is {stat}? Here A^{p} is the product of {p} copies of A.",
    "Raise the {kind}matrix A = {m} to the power {p} and report {stat}.",
)


@register_family
class ArithmeticMatrixPower(Family):
    name = "arithmetic_matrix_power"
    domain = "arithmetic"
    description = "An exact statistic of A^p for an integer matrix A; n, entries and p grow with the level"
    answer_type = "int"
    levels = {
        1: {"n": 3, "max_abs_entry": 3, "power": (2, 3), "matrix_kinds": _ALL_KINDS},
        2: {"n": 4, "max_abs_entry": 4, "power": (3, 4), "matrix_kinds": _LATER_KINDS},
        3: {"n": 5, "max_abs_entry": 5, "power": (4, 5), "matrix_kinds": _LATER_KINDS},
        4: {"n": 6, "max_abs_entry": 6, "power": (4, 5), "matrix_kinds": _LATER_KINDS},
        5: {"n": 8, "max_abs_entry": 12, "power": (5, 7), "matrix_kinds": _LATER_KINDS},
        6: {"n": 10, "max_abs_entry": 14, "power": (6, 8), "matrix_kinds": _LATER_KINDS},
        7: {"n": 12, "max_abs_entry": 16, "power": (7, 9), "matrix_kinds": _LATER_KINDS},
    }

    def generate(self, rng: random.Random, level: int) -> Problem:
        knobs = self.levels[level]
        n = knobs["n"]
        kind = rng.choice(knobs["matrix_kinds"])
        m = random_square(rng, n, knobs["max_abs_entry"], kind)
        p = rng.randint(*knobs["power"])
        statistic = rng.choice(STATISTICS)
        params = {"matrix": m, "matrix_kind": kind, "power": p, "statistic": statistic}
        if statistic == "entry":
            params["row"], params["col"] = rng.randrange(n), rng.randrange(n)
        stat = statistic_phrase(statistic, f"A^{p}", params.get("row", 0), params.get("col", 0))
        question = rng.choice(_WORDINGS).format(kind=KIND_WORDS[kind], n=n, m=format_matrix(m), p=p, stat=stat)
        return Problem(question=question, params=params)


    def instance_level(self, params) -> int | None:
        """Levels draw disjoint matrix orders (in the instance key), so the instance shows its level."""
        return self.level_with(n=len(params["matrix"]))

    def solve(self, params: dict) -> int:
        result = mat_pow(params["matrix"], params["power"])
        return int(matrix_statistic(result, params["statistic"], params.get("row", 0), params.get("col", 0)))

    def check(self, params: dict, answer: int) -> bool:
        result = sympy.Matrix(params["matrix"]) ** params["power"]
        kind = params["statistic"]
        if kind == "sum":
            value = sum(result)
        elif kind == "abs_sum":
            value = sum(abs(x) for x in result)
        else:
            value = result[params["row"], params["col"]]
        return isinstance(answer, int) and int(value) == answer
