"""algebra_linear_equation: k linear equations in k unknowns with an integer solution; ask for one unknown.

The solution vector is drawn first, then a random invertible integer matrix A, and the right-hand sides
are A·x, so the answer is an integer by construction. Each equation is shown with its terms spread over
both sides (and sometimes the same constant added to both). As in OMEGA, levels add unknowns (2 to 6)
and composed modules: with m modules, m−1 of the shown coefficients or constants are replaced by names
defined first ("Let k = …" / "Suppose 3*k + 4 = 19."). OMEGA's entropy budget is replaced by explicit
bounds on the coefficients and on the solution, both growing with the level.

solve: Gauss–Jordan over Fractions on the stored (A, b). check: the question's own text (definitions and
equations) is re-read exactly (``poly_text``; every equation must be linear) and FLINT's exact solver must
find a unique solution with the same value.

Ladder: level L+1 has one more unknown (2..6) with larger coefficients and more named sub-steps, so
elimination takes more steps (the test's proxy: the number of unknowns).
"""
from __future__ import annotations

import random
from fractions import Fraction
from itertools import product
from math import gcd

from flint import fmpq, fmpq_mat

from generators.algebra.named_constants import define_constant, sentence, value_from_text
from generators.algebra.poly_text import read_equation
from generators.arithmetic.expression_tree import VARIABLE_NAMES
from generators.arithmetic.matrix_common import bareiss_det, fraction_inverse
from generators.canonical_form import CanonicalFormTooHard, matrix_up_to_row_and_column_permutations
from generators.family import Family, Problem, Reject
from generators.instance_key import canonical_json, params_key
from generators.registration import register_family

_WORDINGS = (
    "{defs}Solve the system of equations {eqs} for {vars}. What is {ask}? Give an integer.",
    "{defs}Given {eqs}, find the value of {ask}.",
    "{defs}The unknowns {vars} satisfy {eqs}. Determine {ask}.",
)


def _fmpq(value) -> fmpq:
    value = Fraction(value)
    return fmpq(value.numerator, value.denominator)


def render_side(terms: list[tuple[int | str, str | None]]) -> str:
    """A sum of terms ``(coefficient, variable)``; a coefficient may be a name, a variable may be None."""
    parts: list[str] = []
    for coef, var in terms:
        if isinstance(coef, str):
            sign, body = "+", f"{coef}*{var}" if var else coef
        else:
            sign = "-" if coef < 0 else "+"
            mag = abs(coef)
            body = (var if mag == 1 else f"{mag}*{var}") if var else str(mag)
        if not parts:
            parts.append(body if sign == "+" else f"-{body}")
        else:
            parts.append(f"{sign} {body}")
    return " ".join(parts) if parts else "0"


def _row_up_to_sign(row: list[int]) -> list[list[int]]:
    """The row divided by its content, with the sign fixed without looking at the column order (the sorted
    entries must exceed those of the negated row); both signs when that does not decide."""
    content = 0
    for c in row:
        content = gcd(content, c)
    row = [c // content for c in row] if content else list(row)
    plus, minus = sorted(row), sorted(-c for c in row)
    if plus == minus:
        return [row, [-c for c in row]]
    return [row if plus > minus else [-c for c in row]]


def system_normal_form(matrix: list[list[int]], rhs: list[int], ask: int) -> list:
    """A system A·x = b with unknown ``ask`` asked, up to reordering equations, reordering (renaming) unknowns
    and multiplying an equation by a nonzero number: the rows [A | b] scaled to content 1 with a canonical
    sign, then the least form over equation and unknown orders (the b column and the asked unknown marked).
    A row whose sign the entries cannot fix is tried both ways (at most 2^6 tries)."""
    k = len(matrix[0]) if matrix else 0
    choices = [_row_up_to_sign([*row, b]) for row, b in zip(matrix, rhs)]
    marks = ["ask" if j == ask else "unknown" for j in range(k)] + ["rhs"]
    forms = []
    for rows in product(*choices):
        try:
            forms.append(["pq", matrix_up_to_row_and_column_permutations(list(rows), column_marks=marks)])
        except CanonicalFormTooHard:
            forms.append(["raw", sorted(rows)])
    return min(forms, key=canonical_json)


@register_family
class AlgebraLinearEquation(Family):
    name = "algebra_linear_equation"
    domain = "algebra"
    description = "Solve k linear equations in k unknowns (integer solution) for one unknown; k grows 2→6"
    answer_type = "int"
    levels = {
        1: {"unknowns": 2, "max_abs_coefficient": 6, "max_abs_solution": 10, "modules": (1, 1)},
        2: {"unknowns": 3, "max_abs_coefficient": 9, "max_abs_solution": 15, "modules": (2, 3)},
        3: {"unknowns": 4, "max_abs_coefficient": 12, "max_abs_solution": 20, "modules": (2, 3)},
        4: {"unknowns": 5, "max_abs_coefficient": 16, "max_abs_solution": 30, "modules": (2, 3)},
        5: {"unknowns": 6, "max_abs_coefficient": 20, "max_abs_solution": 40, "modules": (3, 4)},
    }
    test_items = 100  # the lead's generic test; 200 per level run in tests/generators/test_algebra_exact.py (slow)

    def generate(self, rng: random.Random, level: int) -> Problem:
        knobs = self.levels[level]
        k, cmax = knobs["unknowns"], knobs["max_abs_coefficient"]
        names = rng.sample(VARIABLE_NAMES, k + knobs["modules"][1])
        unknowns, spare = sorted(names[:k]), names[k:]
        x = [rng.randint(-knobs["max_abs_solution"], knobs["max_abs_solution"]) for _ in range(k)]
        a = [[rng.randint(-cmax, cmax) for _ in range(k)] for _ in range(k)]
        if bareiss_det(a) == 0:
            raise Reject("singular system")
        b = [sum(c * v for c, v in zip(row, x)) for row in a]

        # spread every equation over two sides: (coefficient, variable) terms, constants have variable None
        sides = []
        for row, rhs in zip(a, b):
            left, right = [], []
            for coef, var in zip(row, unknowns):
                if coef:
                    (left if rng.random() < 0.75 else right).append([coef, var])
            for term in right:
                term[0] = -term[0]
            shift = rng.randint(-cmax, cmax) if rng.random() < 0.4 else 0
            if shift:
                left.append([shift, None])
            right.append([rhs + shift, None])
            sides.append((left, right))

        # composed modules: name some shown integers (|value| ≥ 2) and define them first
        definitions = []
        modules = rng.randint(*knobs["modules"])
        slots = [t for left, right in sides for t in left + right if abs(t[0]) >= 2]
        if len(slots) < modules - 1:
            raise Reject("not enough shown integers to name")
        for name, term in zip(spare, rng.sample(slots, modules - 1)):
            definitions.append(define_constant(rng, name, term[0]))
            term[0] = name
        equations = [f"{render_side(l)} = {render_side(r)}" for l, r in sides]
        ask = rng.randrange(k)
        question = rng.choice(_WORDINGS).format(
            defs="".join(sentence(d) + " " for d in definitions),
            eqs="; ".join(equations),
            vars=", ".join(unknowns),
            ask=unknowns[ask],
        )
        params = {"matrix": a, "rhs": b, "unknowns": unknowns, "ask": ask, "equations": equations,
                  "definitions": definitions}
        return Problem(question=question, params=params)

    def instance_key(self, params: dict) -> str:
        """The linear system, whatever the unknowns' letters and order, the named constants, the side each term
        is written on, the order of the equations or a nonzero multiple of one equation; and which unknown is
        asked: a full normal form (see :func:`system_normal_form`)."""
        return params_key(params, drop=("unknowns", "equations", "definitions", "matrix", "rhs", "ask",
                                        *self.key_ignored_params),
                          system=system_normal_form(params["matrix"], params["rhs"], params["ask"]))


    def instance_level(self, params) -> int | None:
        """Levels draw disjoint number of unknownss (in the instance key), so the instance shows its level."""
        return self.level_with(unknowns=len(params["matrix"]))

    def solve(self, params: dict) -> int:
        inv = fraction_inverse(params["matrix"])
        value = sum(c * v for c, v in zip(inv[params["ask"]], params["rhs"]))
        if Fraction(value).denominator != 1:
            raise ValueError("non-integer solution: the system was built wrongly")
        return int(value)

    def check(self, params: dict, answer: int) -> bool:
        unknowns = params["unknowns"]
        k = len(unknowns)
        constants = {d["name"]: value_from_text(d) for d in params["definitions"]}
        try:
            shown = [read_equation(text, unknowns, constants) for text in params["equations"]]
        except (ValueError, ZeroDivisionError):
            return False
        if len(shown) != k or any(sum(m) > 1 for eq in shown for m in eq):
            return False  # not k linear equations
        columns = [tuple(int(i == j) for j in range(k)) for i in range(k)]
        const = (0,) * k
        a = fmpq_mat(k, k, [_fmpq(eq.get(col, 0)) for eq in shown for col in columns])
        b = fmpq_mat(k, 1, [_fmpq(-eq.get(const, 0)) for eq in shown])
        try:
            solution = a.solve(b)  # FLINT's exact solver; singular (no unique solution) raises
        except ZeroDivisionError:
            return False
        return isinstance(answer, int) and solution[params["ask"], 0] == answer
