"""Exact reading of the algebra a question shows: polynomial text to Fraction coefficients (used by checks).

The algebra families' checks re-read the rendered question, independently of the params its answer came
from. The text is integers, names, ``+ - * / ^`` and parentheses (``^`` and ``**`` both mean a power);
``read_polynomial`` walks Python's parse tree of it and multiplies out exactly, with Fractions. Anything
else (a float, a call, a name that is neither a variable nor a known constant, a power that is not a
non-negative integer, a division by a non-constant) is a ValueError, so a check fails rather than guesses.
"""
from __future__ import annotations

import ast
from fractions import Fraction

Polynomial = dict[tuple[int, ...], Fraction]  # exponent of each variable (in the order given) -> coefficient


def read_polynomial(text: str, variables: list[str], constants: dict[str, Fraction] | None = None) -> Polynomial:
    """The polynomial ``text`` in ``variables`` (constants substituted); zero coefficients dropped."""
    try:
        tree = ast.parse(text.replace("^", "**").strip(), mode="eval")
    except SyntaxError as exc:
        raise ValueError(f"cannot read {text!r}: {exc.msg}") from None
    index = {name: i for i, name in enumerate(variables)}
    return _Reader(index, constants or {}).read(tree.body)


def read_equation(text: str, variables: list[str], constants: dict[str, Fraction] | None = None) -> Polynomial:
    """``lhs = rhs`` as the polynomial lhs − rhs."""
    sides = text.split("=")
    if len(sides) != 2:
        raise ValueError(f"not one equation: {text!r}")
    lhs, rhs = (read_polynomial(side, variables, constants) for side in sides)
    return _add(lhs, {m: -c for m, c in rhs.items()})


def univariate_coefficients(poly: Polynomial) -> list[Fraction]:
    """Coefficients of a one-variable polynomial, highest power first ([0] for the zero polynomial)."""
    if not poly:
        return [Fraction(0)]
    degree = max(m[0] for m in poly)
    return [poly.get((k,), Fraction(0)) for k in range(degree, -1, -1)]


def _add(a: Polynomial, b: Polynomial) -> Polynomial:
    out = dict(a)
    for m, c in b.items():
        s = out.get(m, 0) + c
        if s:
            out[m] = s
        else:
            out.pop(m, None)
    return out


def _mul(a: Polynomial, b: Polynomial) -> Polynomial:
    out: Polynomial = {}
    for ma, ca in a.items():
        for mb, cb in b.items():
            m = tuple(x + y for x, y in zip(ma, mb))
            s = out.get(m, 0) + ca * cb
            if s:
                out[m] = s
            else:
                out.pop(m, None)
    return out


class _Reader:
    def __init__(self, index: dict[str, int], constants: dict[str, Fraction]):
        self.index = index
        self.constants = constants
        self.one = (0,) * len(index)

    def constant(self, value) -> Polynomial:
        value = Fraction(value)
        return {self.one: value} if value else {}

    def read(self, node: ast.AST) -> Polynomial:
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return self.constant(node.value)
        if isinstance(node, ast.Name):
            if node.id in self.index:
                exps = [0] * len(self.index)
                exps[self.index[node.id]] = 1
                return {tuple(exps): Fraction(1)}
            if node.id in self.constants:
                return self.constant(self.constants[node.id])
            raise ValueError(f"unknown name {node.id!r}")
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = self.read(node.operand)
            return {m: -c for m, c in inner.items()} if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp):
            left = self.read(node.left)
            right = self.read(node.right)
            if isinstance(node.op, ast.Add):
                return _add(left, right)
            if isinstance(node.op, ast.Sub):
                return _add(left, {m: -c for m, c in right.items()})
            if isinstance(node.op, ast.Mult):
                return _mul(left, right)
            if isinstance(node.op, ast.Div):
                if set(right) != {self.one}:
                    raise ValueError("division by zero or by a non-constant")
                return {m: c / right[self.one] for m, c in left.items()}
            if isinstance(node.op, ast.Pow):
                exponent = right.get(self.one, Fraction(0)) if set(right) <= {self.one} else None
                if exponent is None or exponent.denominator != 1 or not 0 <= exponent <= 64:
                    raise ValueError("a power that is not a small non-negative integer")
                out = self.constant(1)
                for _ in range(int(exponent)):
                    out = _mul(out, left)
                return out
        raise ValueError(f"cannot read {ast.dump(node)[:60]}")
