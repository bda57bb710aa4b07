"""Integer expression trees over + − × ÷: random construction, exact evaluation and unambiguous rendering.

A tree is JSON data so it can live in a record's ``params``: a leaf is an ``int`` or a variable name
(``str``), an inner node is ``[op, left, right]`` with ``op`` one of ``+ - * /``. Evaluation is exact
(``fractions.Fraction``). Rendering uses the usual precedence and adds only the parentheses it needs;
negative literals are always parenthesised, so the text reads the same to a person and to a parser.

Also used by other families for "Let t = …" sub-problems (OMEGA's composed modules).
"""
from __future__ import annotations

import random
from fractions import Fraction
from typing import Mapping, Union

Node = Union[int, str, list]
OPS = ("+", "-", "*", "/")
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}

# variable names that read clearly and mean nothing special to sympy's parser
VARIABLE_NAMES = ("a", "b", "c", "d", "f", "g", "h", "j", "k", "m", "n", "p", "q", "r", "s", "t", "u", "v", "w", "y", "z")


def evaluate(node: Node, env: Mapping[str, Fraction] | None = None) -> Fraction:
    """Exact value of a tree; raises ZeroDivisionError on division by zero, KeyError on an unknown name."""
    if isinstance(node, bool):
        raise TypeError("booleans are not tree leaves")
    if isinstance(node, int):
        return Fraction(node)
    if isinstance(node, str):
        return Fraction((env or {})[node])
    op, left, right = node
    a, b = evaluate(left, env), evaluate(right, env)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        return a / b
    raise ValueError(f"unknown operator {op!r}")


def _precedence(node: Node) -> int:
    return _PRECEDENCE[node[0]] if isinstance(node, list) else 3


def render(node: Node) -> str:
    """Infix text with the parentheses that precedence and left-associativity require."""
    if isinstance(node, int):
        return f"({node})" if node < 0 else str(node)
    if isinstance(node, str):
        return node
    op, left, right = node
    p = _PRECEDENCE[op]
    lt = render(left)
    if _precedence(left) < p:
        lt = f"({lt})"
    rt = render(right)
    # a − (b ± c), a / (b · c) and a / (b / c) need parentheses; a + (b − c) and a · (b / c) do not change
    if _precedence(right) < p or (_precedence(right) == p and op in ("-", "/")):
        rt = f"({rt})"
    return f"{lt} {op} {rt}"


def count_leaves(node: Node) -> int:
    return 1 if not isinstance(node, list) else count_leaves(node[1]) + count_leaves(node[2])


def random_leaf(rng: random.Random, max_abs: int, negative_share: float = 0.35) -> int:
    """An integer with magnitude in [2, max_abs], negative with probability ``negative_share``.

    0 and ±1 are left out: they make trivial or degenerate operations (x·1, x/1, x/0).
    """
    value = rng.randint(2, max(2, max_abs))
    return -value if rng.random() < negative_share else value


def _divisor_leaf(rng: random.Random, value: Fraction, max_abs: int) -> int | None:
    """A random proper divisor (1 < d < |numerator|, d ≤ max_abs) of value's numerator, with a random sign."""
    num = abs(value.numerator)
    if num < 4:
        return None
    candidates = [d for d in range(2, min(max_abs, num - 1) + 1) if num % d == 0]
    if not candidates:
        return None
    d = rng.choice(candidates)
    return -d if rng.random() < 0.35 else d


def random_tree(rng: random.Random, leaves: int, max_abs_leaf: int, ops: tuple[str, ...] = OPS) -> tuple[Node, Fraction]:
    """A random tree with ``leaves`` integer leaves and its exact value.

    Divisions prefer a right-hand leaf that divides the left value's numerator and products prefer a
    leaf that cancels the left value's denominator, so answers are often integers or small fractions.
    Division by a zero-valued subtree never happens (the operator is redrawn among the others).
    """
    if leaves <= 1:
        leaf = random_leaf(rng, max_abs_leaf)
        return leaf, Fraction(leaf)
    split = rng.randint(1, leaves - 1)
    left, lv = random_tree(rng, split, max_abs_leaf, ops)
    op = rng.choice(ops)
    if leaves - split == 1 and op == "/" and rng.random() < 0.75:
        leaf = _divisor_leaf(rng, lv, max_abs_leaf)
        if leaf is not None:
            return ["/", left, leaf], lv / leaf
    if leaves - split == 1 and op == "*" and lv.denominator > 1 and lv.denominator <= max_abs_leaf and rng.random() < 0.6:
        k = max(1, max_abs_leaf // lv.denominator)
        leaf = lv.denominator * rng.randint(1, k) * rng.choice((1, -1))
        return ["*", left, leaf], lv * leaf
    right, rv = random_tree(rng, leaves - split, max_abs_leaf, ops)
    if op == "/" and rv == 0:
        op = rng.choice([o for o in ops if o != "/"] or ["+"])
    node = [op, left, right]
    return node, evaluate(node)


def leaf_paths(node: Node, path: tuple[int, ...] = ()) -> list[tuple[int, ...]]:
    """Paths (child indices 1 or 2) to every leaf, left to right."""
    if not isinstance(node, list):
        return [path]
    return leaf_paths(node[1], path + (1,)) + leaf_paths(node[2], path + (2,))


def replace_at(node: Node, path: tuple[int, ...], new: Node) -> Node:
    """A copy of ``node`` with the subtree at ``path`` replaced by ``new``."""
    if not path:
        return new
    copy = list(node)
    copy[path[0]] = replace_at(node[path[0]], path[1:], new)
    return copy


def get_at(node: Node, path: tuple[int, ...]) -> Node:
    for step in path:
        node = node[step]
    return node
