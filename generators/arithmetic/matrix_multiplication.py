"""arithmetic_matrix_multiplication: one exact statistic of the product of two integer matrices.

A is r×k and B is k×c with r, k, c drawn from the level's size range; the statistic is the sum of the
entries of AB, the sum of their absolute values, one entry, or the trace (asked only when AB is square,
otherwise another statistic is drawn, so no silent fallback changes the question). Exact integers.

solve: triple loops over Python ints. check: sympy ``Matrix`` product.

Ladder: level L+1 has larger dimensions and entries, so the product needs more multiplications (the test's
proxy: rows x inner x columns).
"""
from __future__ import annotations

import random

import sympy

from generators.arithmetic.matrix_common import format_matrix, mat_mul, matrix_statistic, random_matrix, statistic_phrase
from generators.family import Family, Problem
from generators.instance_key import params_key, transpose
from generators.registration import register_family

STATISTICS = ("sum", "abs_sum", "trace", "entry")

_WORDINGS = (
    "Let A = {a} ({r}x{k}) and B = {b} ({k}x{c}). Compute {stat}. Give an integer.",
    "Multiply the {r}x{k} matrix A = {a} by the {k}x{c} matrix B = {b}. What is {stat}?",
    "Given A = {a} and B = {b}, find {stat}, as an integer.",
)


@register_family
class ArithmeticMatrixMultiplication(Family):
    name = "arithmetic_matrix_multiplication"
    domain = "arithmetic"
    description = "An exact statistic of the product of two integer matrices; sizes and entries grow with the level"
    answer_type = "int"
    levels = {
        1: {"dims": (3, 5), "max_abs_entry": 8},
        2: {"dims": (4, 6), "max_abs_entry": 10},
        3: {"dims": (6, 7), "max_abs_entry": 12},
        4: {"dims": (7, 8), "max_abs_entry": 15},
        5: {"dims": (9, 10), "max_abs_entry": 20},
        6: {"dims": (10, 11), "max_abs_entry": 25},
        7: {"dims": (12, 14), "max_abs_entry": 30},
    }

    def generate(self, rng: random.Random, level: int) -> Problem:
        knobs = self.levels[level]
        lo, hi = knobs["dims"]
        r, k, c = (rng.randint(lo, hi) for _ in range(3))
        a = random_matrix(rng, r, k, knobs["max_abs_entry"])
        b = random_matrix(rng, k, c, knobs["max_abs_entry"])
        statistic = rng.choice([s for s in STATISTICS if s != "trace" or r == c])
        params = {"a": a, "b": b, "statistic": statistic}
        if statistic == "entry":
            params["row"], params["col"] = rng.randrange(r), rng.randrange(c)
        stat = statistic_phrase(statistic, "the product AB", params.get("row", 0), params.get("col", 0))
        question = rng.choice(_WORDINGS).format(a=format_matrix(a), b=format_matrix(b), r=r, k=k, c=c, stat=stat)
        return Problem(question=question, params=params)

    def instance_key(self, params: dict) -> str:
        """(AB)^T = B^T A^T: the pair (A, B) and (B^T, A^T) ask the same sum, absolute sum and trace, and the
        (row, col) entry of one is the (col, row) entry of the other."""
        alt = {**params, "a": transpose(params["b"]), "b": transpose(params["a"])}
        if "row" in params and "col" in params:
            alt["row"], alt["col"] = params["col"], params["row"]
        return min(params_key(params, drop=self.key_ignored_params), params_key(alt, drop=self.key_ignored_params))

    def solve(self, params: dict) -> int:
        product = mat_mul(params["a"], params["b"])
        return int(matrix_statistic(product, params["statistic"], params.get("row", 0), params.get("col", 0)))

    def check(self, params: dict, answer: int) -> bool:
        product = sympy.Matrix(params["a"]) * sympy.Matrix(params["b"])
        kind = params["statistic"]
        if kind == "sum":
            value = sum(product)
        elif kind == "abs_sum":
            value = sum(abs(x) for x in product)
        elif kind == "trace":
            value = product.trace()
        else:
            value = product[params["row"], params["col"]]
        return isinstance(answer, int) and int(value) == answer
