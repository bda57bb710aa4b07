"""Canonical instance keys: the identity of a problem instance, computed from its ``params``, never its wording.

Split bucketing, de-duplication within a split and ``omegactl overlap`` compare instances by
``Family.instance_key(params)``. The default key is the canonical JSON of ``params`` minus generation knobs
(``level``), so the wording template, which is never stored in params, cannot make two copies of one
instance look different. Families whose instances have symmetries override ``instance_key`` with the
helpers below: letter renaming, symmetric operand order, scaling of scale-invariant equations, the
symmetries of a regular polygon or of a grid.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from math import gcd
from typing import Any


_AS_IS = (int, str, bool, type(None))


def _plain(value: Any) -> Any:
    """JSON-ready form: tuples become lists, Fractions and other scalars their exact string."""
    kind = type(value)  # fast paths for the exact builtin types; subclasses take the isinstance route below
    if kind in _AS_IS:
        return value
    if kind is list or kind is tuple:
        return [v if type(v) in _AS_IS else _plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return repr(value)
    return str(value)  # Fraction, sympy numbers, ...


def canonical_json(value: Any) -> str:
    """Byte-stable JSON: sorted keys, no whitespace, exact scalars."""
    return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def params_key(params: dict[str, Any], drop: Iterable[str] = (), **replace: Any) -> str:
    """Canonical JSON of ``params`` without the keys in ``drop``, with the given keys replaced (or added)."""
    dropped = set(drop)
    body = {k: v for k, v in params.items() if k not in dropped and k not in replace}
    body.update(replace)
    return canonical_json(body)


def primitive_polynomial(coefficients: Sequence[Any]) -> list[int]:
    """The integer polynomial proportional to ``coefficients`` (any exact numbers, any order convention),
    divided by its content and signed so that its first non-zero coefficient is positive.

    ``24v^3 - 60v^2 + 42v - 9`` and ``-(8/3)v^3 + ...`` both give ``[8, -20, 14, -3]``: an equation
    ``p = 0`` and its nonzero multiple are one instance.
    """
    fracs = [Fraction(str(c)) for c in coefficients]
    den = 1
    for f in fracs:
        den = den * f.denominator // gcd(den, f.denominator)
    ints = [int(f * den) for f in fracs]
    content = 0
    for c in ints:
        content = gcd(content, c)
    if content == 0:
        return ints
    lead = next(c for c in ints if c != 0)
    sign = 1 if lead > 0 else -1
    return [sign * c // content for c in ints]


def polygon_symmetries(n: int) -> list[Callable[[int], int]]:
    """The 2n symmetries of a regular n-gon as maps on vertex labels 1..n (rotations, then reflections)."""
    rots = [lambda v, t=t: (v - 1 + t) % n + 1 for t in range(n)]
    refl = [lambda v, t=t: (t - (v - 1)) % n + 1 for t in range(n)]
    return rots + refl


def canonical_chords(n: int, chords: Iterable[Sequence[int]], rotations_only: bool = False) -> list[list[int]]:
    """The least image of a set of chords (vertex pairs, labels 1..n) under the polygon's symmetries:
    a relabelling by rotation or reflection draws the same figure."""
    chords = [tuple(c) for c in chords]
    maps = polygon_symmetries(n)[: n if rotations_only else 2 * n]
    return min(sorted(sorted((g(a), g(b))) for a, b in chords) for g in maps)


def canonical_cyclic(seq: Sequence[Any], reflect: bool = True) -> list[Any]:
    """The least rotation (and, with ``reflect``, reflection) of a cyclic sequence, compared by JSON text."""
    items = list(seq)
    n = len(items)
    variants = [items[i:] + items[:i] for i in range(n)] or [items]
    if reflect:
        rev = items[::-1]
        variants += [rev[i:] + rev[:i] for i in range(n)]
    return min(variants, key=canonical_json)


def relabel_by_first_use(values: Iterable[Any]) -> dict[Any, int]:
    """Names in order of first appearance -> 0, 1, 2, ... (for renaming-invariant keys)."""
    out: dict[Any, int] = {}
    for v in values:
        out.setdefault(v, len(out))
    return out


Cell = tuple[int, int]


def grid_images(width: int, height: int, transpose: bool = True, rotate_half: bool = True) -> list[
        tuple[int, int, Callable[[int, int], Cell]]]:
    """Grid symmetries that map a corner-to-corner path problem onto one of the same kind: identity,
    transpose (swap x and y), the half turn (a path read backwards) and both. Returns (width', height', map)."""
    out: list[tuple[int, int, Callable[[int, int], Cell]]] = [(width, height, lambda x, y: (x, y))]
    if rotate_half:
        out.append((width, height, lambda x, y: (width - 1 - x, height - 1 - y)))
    if transpose:
        out.append((height, width, lambda x, y: (y, x)))
        if rotate_half:
            out.append((height, width, lambda x, y: (height - 1 - y, width - 1 - x)))
    return out


def canonical_grid_cells(width: int, height: int, cells: Iterable[Sequence[int]], transpose: bool = True,
                         rotate_half: bool = True) -> list[Any]:
    """[width, height, sorted cells] least over :func:`grid_images`."""
    cells = [tuple(c[:2]) for c in cells]
    return min(([w, h, sorted(list(g(x, y)) for x, y in cells)]
                for w, h, g in grid_images(width, height, transpose, rotate_half)), key=canonical_json)


__all__ = [
    "canonical_json",
    "params_key",
    "primitive_polynomial",
    "polygon_symmetries",
    "canonical_chords",
    "canonical_cyclic",
    "relabel_by_first_use",
    "grid_images",
    "canonical_grid_cells",
]


def primitive_row(values: Sequence[Any]) -> list[int]:
    """An equation's coefficient row (right-hand side included) divided by its content, first nonzero > 0."""
    return primitive_polynomial(values)


def sorted_tree(tree: Any, definitions: dict[str, Any] | None = None, commutative: str = "+*") -> Any:
    """An expression tree ``[op, left, right]`` with named definitions substituted and the operands of
    commutative operators in a canonical order (a + b = b + a, a * b = b * a)."""
    definitions = definitions or {}
    if isinstance(tree, str) and tree in definitions:
        return sorted_tree(definitions[tree], definitions, commutative)
    if isinstance(tree, list) and len(tree) == 3 and isinstance(tree[0], str):
        op, a, b = tree[0], sorted_tree(tree[1], definitions, commutative), sorted_tree(tree[2], definitions, commutative)
        if op in commutative:
            a, b = sorted((a, b), key=canonical_json)
        return [op, a, b]
    return tree


def transpose(matrix: Sequence[Sequence[Any]]) -> list[list[Any]]:
    return [list(col) for col in zip(*matrix)] if matrix else []


def letter_counts_key(counts: dict[str, int], named: Sequence[str] = ()) -> dict[str, Any]:
    """Letter names do not matter: the counts of the ``named`` letters (in that order) and the sorted counts
    of the others."""
    return {"named": [counts.get(c, 0) for c in named],
            "others": sorted(v for c, v in counts.items() if c not in set(named))}


def letters_renamed(params: dict[str, Any], letters_field: str = "letters") -> dict[str, Any]:
    """``params`` with the letters of the multiset ``params[letters_field]`` renamed canonically.

    Each letter gets a name-free signature: its count and every place it occurs elsewhere in params (as a
    value, a dict key together with the value it maps to, or a character of a longer string, with its
    position). Letters are renamed L0, L1, ... in signature order; letters with equal signatures play
    identical roles, so any order among them gives the same result. Returns params unchanged when there is
    no such multiset."""
    letters = params.get(letters_field)
    if not isinstance(letters, dict) or not all(isinstance(k, str) and len(k) == 1 for k in letters):
        return params
    occurrences: dict[str, list[str]] = {c: [] for c in letters}

    def visit(path: str, value: Any) -> None:
        if isinstance(value, str):
            if value in letters:
                occurrences[value].append(path)
            elif len(value) > 1 and all(ch in letters for ch in value):
                for i, ch in enumerate(value):
                    occurrences[ch].append(f"{path}[{i}]")
        elif isinstance(value, dict):
            for k in value:
                if k in letters:
                    occurrences[k].append(f"{path}{{key}}={canonical_json(value[k])}")
                else:
                    visit(f"{path}.{k}", value[k])
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                visit(f"{path}[{i}]", v)

    for k, v in params.items():
        if k != letters_field:
            visit(k, v)
    order = sorted(letters, key=lambda c: (letters[c], sorted(occurrences[c])))
    label = {c: f"L{i}" for i, c in enumerate(order)}

    def rename(value: Any) -> Any:
        if isinstance(value, str):
            if value in label:
                return label[value]
            if len(value) > 1 and all(ch in label for ch in value):
                return [label[ch] for ch in value]
            return value
        if isinstance(value, dict):
            return {label.get(k, k): rename(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [rename(v) for v in value]
        return value

    return {k: rename(v) for k, v in params.items()}


def expression_normal_form(tree: Any, definitions: dict[str, Any] | None = None) -> Any:
    """An expression tree ``[op, left, right]`` (ops + - * /, integer or named leaves) up to commutativity and
    associativity of + and ×, with subtraction and division read as adding a negative and multiplying by
    an inverse, and named definitions substituted.

    A chain of + and − becomes ``["sum", [[sign, term], ...]]`` and a chain of × and ÷ becomes
    ``["prod", sign, [[exponent, factor], ...]]`` (exponent ±1), each list sorted; a negative integer leaf
    gives its sign to the enclosing sum or product. ``a + (b − c)``, ``(a + b) − c`` and ``−c + b + a`` are
    one form. The form determines the value (it evaluates exactly to the expression's value), so equal
    forms have equal answers.
    """
    definitions = definitions or {}

    def expand(t: Any) -> Any:
        return expand(definitions[t]) if isinstance(t, str) and t in definitions else t

    def is_op(t: Any, ops: str) -> bool:
        return isinstance(t, list) and len(t) == 3 and t[0] in ops

    def nf(t: Any) -> Any:
        t = expand(t)
        if is_op(t, "+-"):
            terms: list = []
            collect_sum(t, 1, terms)
            return ["sum", sorted(terms, key=canonical_json)]
        if is_op(t, "*/"):
            factors: list = []
            sign = collect_product(t, 1, factors)
            return ["prod", sign, sorted(factors, key=canonical_json)]
        return t

    def collect_sum(t: Any, sign: int, out: list) -> None:
        t = expand(t)
        if is_op(t, "+-"):
            collect_sum(t[1], sign, out)
            collect_sum(t[2], sign if t[0] == "+" else -sign, out)
            return
        if isinstance(t, int) and not isinstance(t, bool) and t < 0:
            out.append([-sign, -t])
            return
        term = nf(t)
        if isinstance(term, list) and term[0] == "prod" and term[1] < 0:
            out.append([-sign, ["prod", 1, term[2]]])
        else:
            out.append([sign, term])

    def collect_product(t: Any, exponent: int, out: list) -> int:
        t = expand(t)
        if is_op(t, "*/"):
            return (collect_product(t[1], exponent, out)
                    * collect_product(t[2], exponent if t[0] == "*" else -exponent, out))
        if isinstance(t, int) and not isinstance(t, bool) and t < 0:
            out.append([exponent, -t])
            return -1
        out.append([exponent, nf(t)])
        return 1

    return nf(tree)


__all__ += ["expression_normal_form"]
