"""The exact reader of question algebra (generators.algebra.poly_text) against sympy, and the two checks
that use it (linear_equation, polynomial_roots) refusing tampered text."""
from __future__ import annotations

import random
from fractions import Fraction

import pytest
import sympy

from generators import registry
from generators.algebra.poly_text import read_equation, read_polynomial, univariate_coefficients

registry.load_all()


def _random_expr(rng: random.Random, names: list[str], depth: int) -> str:
    if depth == 0 or rng.random() < 0.25:
        leaf = rng.choice(names + [str(rng.randint(0, 30)), f"({rng.randint(-9, 9)})", f"({rng.randint(1, 9)}/{rng.randint(1, 9)})"])
        return leaf
    op = rng.choice(["+", "-", "*", "^", "/", "neg"])
    a = _random_expr(rng, names, depth - 1)
    if op == "neg":
        return f"-({a})"
    if op == "^":
        return f"({a})^{rng.randint(0, 3)}"
    if op == "/":
        return f"({a})/{rng.randint(1, 7)}"
    return f"({a}) {op} ({_random_expr(rng, names, depth - 1)})"


def test_reads_polynomials_exactly_like_sympy():
    rng = random.Random(11)
    names = ["x", "y", "k"]
    symbols = sympy.symbols("x y")
    for _ in range(400):
        text = _random_expr(rng, names, 4)
        got = read_polynomial(text, ["x", "y"], {"k": Fraction(-7, 3)})
        expr = sympy.sympify(text.replace("^", "**"), locals={"k": sympy.Rational(-7, 3)})
        ref = sympy.Poly(sympy.expand(expr), *symbols).as_dict() if expr != 0 else {}
        assert got == {m: Fraction(int(c.p), int(c.q)) for m, c in ref.items() if c != 0}, text


def test_univariate_coefficients_and_equations():
    poly = read_equation("3*y^2 - y = 2*y^2 + 5", ["y"])
    assert univariate_coefficients(poly) == [1, -1, -5]
    assert univariate_coefficients(read_equation("x = x", ["x"])) == [0]


@pytest.mark.parametrize("text", ["1.5*x", "sin(x)", "x^(1/2)", "x/y", "x/0", "2^x", "z + 1", "x ==", "x = 1 = 2", "x^99"])
def test_refuses_what_is_not_polynomial_text(text):
    with pytest.raises(ValueError):
        read_equation(text if "=" in text else text + " = 0", ["x", "y"])


def _record(name: str):
    return next(iter(registry.get_setting(name).records("test_out", n=1, seed=3)))


def test_linear_equation_check_reads_the_shown_equations():
    fam = registry.get_family("algebra_linear_equation")
    rec = _record("algebra_linear_equation")
    assert fam.check(rec.params, rec.answer)
    assert not fam.check(rec.params, rec.answer + 1)
    eqs = list(rec.params["equations"])
    lhs, rhs = eqs[0].split("=")
    tampered = {**rec.params, "equations": [f"{lhs}= {rhs} + 1"] + eqs[1:]}
    # the shifted right-hand side moves the solution (the system is invertible), so the old answer fails
    assert not fam.check(tampered, rec.answer) or fam.solve({**rec.params, "rhs": [rec.params["rhs"][0] + 1, *rec.params["rhs"][1:]]}) == rec.answer
    u = rec.params["unknowns"][0]
    assert not fam.check({**rec.params, "equations": [f"{lhs} + {u}*{u} = {rhs}"] + eqs[1:]}, rec.answer)
    assert not fam.check({**rec.params, "equations": eqs[1:]}, rec.answer)  # one equation short


def test_polynomial_roots_check_reads_the_shown_equation():
    fam = registry.get_family("algebra_polynomial_roots")
    rec = _record("algebra_polynomial_roots")
    assert fam.check(rec.params, rec.answer)
    lhs, rhs = rec.params["equation"].split("=")
    assert not fam.check({**rec.params, "equation": f"{lhs}= {rhs} + 1"}, rec.answer)
    assert not fam.check({**rec.params, "equation": f"{lhs}= {rhs} + sin(1)"}, rec.answer)
