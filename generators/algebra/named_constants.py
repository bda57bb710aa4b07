"""Named integer constants defined by small sub-problems: OMEGA's "composed modules" for algebra families.

A problem with m modules replaces m−1 of its integer constants by names that are defined first, either
as an arithmetic expression ("Let k = 3 * (-4) + 19.") or by a one-variable linear equation
("Suppose 4*k - 7 = 21."). A definition is JSON data:
``{"name", "kind": "expr" | "equation", "text", "value"}``; ``text`` is exactly what the question shows.

``value_from_text`` re-reads a definition from its text (used by checks), independently of how it was built.
"""
from __future__ import annotations

import random

from fractions import Fraction

from generators.algebra.poly_text import read_equation, read_polynomial, univariate_coefficients
from generators.arithmetic.expression_tree import evaluate, random_leaf, random_tree, render


def define_constant(rng: random.Random, name: str, value: int) -> dict:
    """A definition of ``name`` whose value is the integer ``value``."""
    if rng.random() < 0.5:
        tree, u = random_tree(rng, rng.randint(2, 3), 12, ops=("+", "-", "*"))
        gap = value - int(u)
        node = tree if gap == 0 else (["+", tree, gap] if gap > 0 else ["-", tree, -gap])
        if evaluate(node) != value:  # cannot happen: the tree has integer leaves and no division
            raise AssertionError("definition does not evaluate to its value")
        return {"name": name, "kind": "expr", "text": render(node), "value": value}
    a = random_leaf(rng, 9)
    b = random_leaf(rng, 20)
    c = a * value + b
    sign = "+" if b > 0 else "-"
    return {"name": name, "kind": "equation", "text": f"{a}*{name} {sign} {abs(b)} = {c}", "value": value}


def sentence(defn: dict) -> str:
    """The sentence that introduces a definition in a question."""
    if defn["kind"] == "expr":
        return f"Let {defn['name']} = {defn['text']}."
    return f"Suppose {defn['text']}."


def value_from_text(defn: dict) -> Fraction:
    """The definition's value re-read from its text alone (an exact parse, see ``poly_text``)."""
    if defn["kind"] == "expr":
        poly = read_polynomial(defn["text"], [])
        return poly.get((), Fraction(0))
    coeffs = univariate_coefficients(read_equation(defn["text"], [defn["name"]]))
    if len(coeffs) != 2:
        raise ValueError(f"definition {defn['text']!r} is not a linear equation in {defn['name']}")
    c1, c0 = coeffs
    return -c0 / c1