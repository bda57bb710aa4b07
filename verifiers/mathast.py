"""Helpers over the parsed-answer AST (see ``parser``): free symbols, contains, \\pm expansion, rendering."""
from __future__ import annotations

from typing import Any

Node = tuple


def free_symbols(node: Any) -> set[str]:
    """Names of the ("sym", name) leaves."""
    out: set[str] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if not isinstance(n, tuple) or not n:
            continue
        if n[0] == "sym":
            out.add(n[1])
            continue
        for child in n[1:]:
            if isinstance(child, tuple):
                if child and isinstance(child[0], str):
                    stack.append(child)
                else:
                    stack.extend(child)
    return out


def expand_pm(node: Node, limit: int = 8) -> list[Node]:
    """Both readings of every ``\\pm`` (``\\pm 2`` -> [2, -2]); at most ``limit`` results."""
    if not isinstance(node, tuple) or not node or not isinstance(node[0], str):
        return [node]
    kind = node[0]
    if kind == "pm":
        left, right = node[1], node[2]
        rights = expand_pm(right, limit)
        lefts = expand_pm(left, limit) if left is not None else [None]
        out = []
        for lo in lefts:
            for r in rights:
                out.append(("add", (lo, r)) if lo is not None else r)
                out.append(("add", (lo, ("neg", r))) if lo is not None else ("neg", r))
        return out[:limit]
    if kind in ("num", "sym", "const"):
        return [node]
    variants: list[list[Any]] = [[]]
    for child in node[1:]:
        if isinstance(child, tuple) and child and not isinstance(child[0], str):  # a tuple of nodes
            opts = [tuple(c) for c in _product([expand_pm(c, limit) for c in child], limit)]
        elif isinstance(child, tuple):
            opts = expand_pm(child, limit)
        else:
            opts = [child]
        variants = [v + [o] for v in variants for o in opts][:limit]
    return [(kind, *v) for v in variants]


def _product(options: list[list[Node]], limit: int) -> list[list[Node]]:
    out: list[list[Node]] = [[]]
    for opts in options:
        out = [o + [x] for o in out for x in opts][:limit]
    return out


def contains(node: Any, kind: str) -> bool:
    if not isinstance(node, tuple) or not node:
        return False
    if isinstance(node[0], str):
        if node[0] == kind:
            return True
        return any(contains(c, kind) for c in node[1:] if isinstance(c, tuple))
    return any(contains(c, kind) for c in node)


_PREC = {"add": 1, "pm": 1, "neg": 2, "mul": 3, "div": 3, "pow": 5}


def render(node: Node, parent: int = 0) -> str:
    """A compact sympy-style rendering of an AST (for the ``parsed`` field of verdicts)."""
    kind = node[0]
    if kind == "num":
        v = node[1]
        text = str(v.numerator) if v.denominator == 1 else f"{v.numerator}/{v.denominator}"
        prec = 3 if v.denominator != 1 else 9
        if v < 0:
            prec = 2
    elif kind in ("sym", "const"):
        text, prec = node[1], 9
    elif kind == "add":
        parts = [render(node[1][0], 1)]
        for t in node[1][1:]:
            if t[0] == "neg":
                parts.append(" - " + render(t[1], 2))
            else:
                parts.append(" + " + render(t, 1))
        text, prec = "".join(parts), 1
    elif kind == "neg":
        text, prec = "-" + render(node[1], 3), 2
    elif kind == "mul":
        text, prec = "*".join(render(f, 3) for f in node[1]), 3
    elif kind == "div":
        text, prec = f"{render(node[1], 3)}/{render(node[2], 4)}", 3
    elif kind == "pow":
        text, prec = f"{render(node[1], 6)}**{render(node[2], 5)}", 5
    elif kind == "func":
        text, prec = f"{node[1]}({', '.join(render(a) for a in node[2])})", 9
    elif kind == "pct":
        text, prec = f"{render(node[1], 9)}%", 9
    elif kind == "deg":
        text, prec = f"{render(node[1], 9)}deg", 9
    elif kind == "pm":
        left = render(node[1], 1) + " " if node[1] is not None else ""
        text, prec = f"{left}+-{render(node[2], 2)}", 1
    else:
        text, prec = repr(node), 9
    return f"({text})" if prec < parent else text
