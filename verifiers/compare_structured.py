"""Comparers for ``set``, ``tuple`` and ``matrix`` answers: split into elements, compare element-wise.

set     order-insensitive and duplicate-insensitive ({1,2} = {2,1} = {1,2,2}); accepts \\{...\\}, bare
        {...}, a bare list "1, 2", "x = 1 or x = 2", joined boxes, \\pm (\\pm 2 = {-2, 2}), \\emptyset.
        A parenthesised or bracketed list is a tuple or an interval, never a set: (1, 2) != {1, 2}.
tuple   ordered, same length: (1, 2), [1, 2], \\langle 1, 2 \\rangle, "x = 1, y = 2", "(x, y) = (1, 2)";
        a braced list is a set, never a tuple.
matrix  same shape, element-wise: pmatrix / bmatrix / Bmatrix / matrix / array environments or nested
        lists [[1, 2], [3, 4]]; vmatrix (a determinant) is rejected; a transposed matrix is wrong.
Elements are compared with ``scalar.scalar_equal`` (exact Fractions first, then the backend).
"""
from __future__ import annotations

import re

from .compare_numeric import canonical
from .errors import ParseError, TooLarge
from .exact import try_evaluate
from .limits import MAX_ELEMENTS, MAX_SYMBOLIC_ELEMENTS
from .normalize import clean, join_digit_groups, split_top, unwrap_text
from .mathast import contains, expand_pm, render
from .scalar import Backend, Options, gold_node, options_for, parse_pred, scalar_equal
from .verdict import Outcome

_SET_SEPARATORS = re.compile(r",|;|\\cup(?![A-Za-z])|\band\b|\bor\b|\\text\{\s*(?:and|or)\s*\}")
_COMMA = re.compile(r",|;")
_EMPTY = {r"\emptyset", r"\varnothing", r"\{\}", "{}", r"\{ \}", "{ }", "", "none", r"\text{none}"}
_ENV = re.compile(r"\\begin\{(pmatrix|bmatrix|Bmatrix|matrix|smallmatrix|array|vmatrix|Vmatrix)\}(.*?)\\end\{\1\}", re.DOTALL)
_ROW_SEP = re.compile(r"\\\\|\\cr(?![A-Za-z])")
_ASSIGN_LHS = re.compile(r"^\s*(?:[A-Za-z](?:_\{?\w+\}?)?|\\[A-Za-z]+|\([^()]*\))\s*$")


def _wrapped(text: str, opener: str, closer: str) -> bool:
    if not (text.startswith(opener) and text.endswith(closer)):
        return False
    # the wrapper must enclose everything: the opening bracket closes only at the very end
    depth = 0
    i = 0
    while i < len(text):
        if text.startswith(opener, i):
            depth += 1
            i += len(opener)
            continue
        if text.startswith(closer, i):
            depth -= 1
            i += len(closer)
            if depth == 0 and i < len(text):
                return False
            continue
        i += 1
    return depth == 0


def _strip_assignment(text: str) -> str:
    """``x = 3`` -> ``3`` when the left side is a bare variable (or a parenthesised tuple of them)."""
    parts = split_top(text, re.compile(r"=|\\in(?![A-Za-z])"))
    if len(parts) >= 2 and all(_ASSIGN_LHS.match(p) for p in parts[:-1]):
        return parts[-1].strip()
    return text


def _element_nodes(pieces: list[str], expand: bool) -> list[tuple]:
    if len(pieces) > MAX_ELEMENTS:
        raise TooLarge("too many elements")
    nodes: list[tuple] = []
    for piece in pieces:
        piece = unwrap_text(join_digit_groups(_strip_assignment(piece.strip()))).strip()
        if not piece:
            raise ParseError("empty element")
        node = parse_pred(piece)
        if contains(node, "pm"):
            if not expand:
                raise ParseError("\\pm in an ordered answer")
            nodes.extend(expand_pm(node))
        else:
            nodes.append(node)
    return nodes


def _element_key(node: tuple, opts: Options):
    value = try_evaluate(node, opts.percent, opts.degree)
    return canonical(value) if value is not None else None


def _parsed(nodes: list[tuple], opts: Options, texts: list[str] | None = None) -> list:
    out = []
    for i, node in enumerate(nodes):
        key = _element_key(node, opts)
        out.append(key if key is not None else render(node))
    return out


def _set_texts(text: str) -> list[str] | None:
    """Element texts of a set answer, [] for the empty set, None when the text is not a set form."""
    text = text.strip()
    if text in _EMPTY:
        return []
    if not split_top(text, _COMMA)[1:] and split_top(text, re.compile(r"=|\\in(?![A-Za-z])"))[1:]:
        text = _strip_assignment(text)
    for opener, closer in ((r"\{", r"\}"), ("{", "}")):
        if _wrapped(text, opener, closer):
            inner = text[len(opener) : -len(closer)].strip()
            return [] if not inner else split_top(inner, _SET_SEPARATORS)
    if text[:1] in "([" or text.startswith(r"\langle"):
        return None
    pieces = split_top(text, _SET_SEPARATORS)
    out = []
    for piece in pieces:  # \{1\} \cup \{2\}
        piece = piece.strip()
        if _wrapped(piece, r"\{", r"\}"):
            out.extend(split_top(piece[2:-2], _SET_SEPARATORS))
        else:
            out.append(piece)
    return out


def _match_all(pred: list[tuple], gold: list[tuple], opts: Options, backend: Backend) -> tuple[bool | None, str]:
    """Every pred element equals some gold element and vice versa (equality is an equivalence)."""
    pv = [try_evaluate(n, opts.percent, opts.degree) for n in pred]
    gv = [try_evaluate(n, opts.percent, opts.degree) for n in gold]
    if all(v is not None for v in pv + gv) and set(pv) == set(gv):
        return True, "exact"
    unresolved = [i for i, v in enumerate(pv) if v is None or v not in set(gv)]
    if len(pred) > MAX_SYMBOLIC_ELEMENTS and unresolved:
        if all(v is not None for v in pv + gv):
            return False, "exact"
        raise TooLarge("too many symbolic elements")
    undecided = False
    method = "exact"
    gold_hit = [False] * len(gold)
    for i, p in enumerate(pred):
        found = False
        for j, g in enumerate(gold):
            if pv[i] is not None and gv[j] is not None and pv[i] == gv[j]:
                eq = True
            else:
                eq, m = scalar_equal(p, g, opts, backend)
                method = m if m != "exact" else method
            if eq:
                found = gold_hit[j] = True
                break
            if eq is None:
                undecided = True
        if not found:
            return (None if undecided else False), method
    if not all(gold_hit):
        # a gold element no pred element matched: confirm by comparing it against every pred element
        for j, g in enumerate(gold):
            if gold_hit[j]:
                continue
            hit = any(scalar_equal(p, g, opts, backend)[0] for p in pred)
            if not hit:
                return False, method
    return True, method


def compare_set(pred_text: str, gold: list, params: dict, backend: Backend) -> Outcome:
    texts = _set_texts(clean(pred_text))
    if texts is None:
        return Outcome.fail("incorrect", "set")
    gold_nodes = [gold_node(g) for g in gold]
    opts = options_for(("add", tuple(gold_nodes)) if gold_nodes else ("num", 0, "0"), params)
    pred_nodes = _element_nodes(texts, expand=True)
    parsed = sorted(set(map(str, _parsed(pred_nodes, opts))))
    if not pred_nodes or not gold_nodes:
        ok = not pred_nodes and not gold_nodes
        return Outcome(ok, parsed, "set", None if ok else "incorrect")
    equal, method = _match_all(pred_nodes, gold_nodes, opts, backend)
    if equal is None:
        return Outcome(False, parsed, method, "undecided")
    return Outcome(equal, parsed, method, None if equal else "incorrect")


def _tuple_texts(text: str) -> list[str] | None:
    text = text.strip()
    if not split_top(text, _COMMA)[1:]:
        text = _strip_assignment(text) if split_top(text, re.compile("="))[1:] else text
    if text.startswith(r"\{") or text.startswith("{"):
        return None
    for opener, closer in (("(", ")"), ("[", "]"), (r"\langle", r"\rangle")):
        if _wrapped(text, opener, closer):
            return split_top(text[len(opener) : -len(closer)], _COMMA)
    return split_top(text, _COMMA)


def _compare_sequences(pred: list[tuple], gold: list[tuple], opts: Options, backend: Backend) -> tuple[bool | None, str]:
    if len(pred) != len(gold):
        return False, "shape"
    if len(pred) > MAX_ELEMENTS:
        raise TooLarge("too many elements")
    symbolic = 0
    method = "exact"
    undecided = False
    for p, g in zip(pred, gold):
        pv = try_evaluate(p, opts.percent, opts.degree)
        gv = try_evaluate(g, opts.percent, opts.degree)
        if pv is not None and gv is not None and pv == gv:
            continue
        symbolic += 1
        if symbolic > MAX_SYMBOLIC_ELEMENTS:
            raise TooLarge("too many symbolic elements")
        eq, m = scalar_equal(p, g, opts, backend)
        method = m if m != "exact" else method
        if eq is False:
            return False, method
        undecided |= eq is None
    return (None if undecided else True), method


def compare_tuple(pred_text: str, gold: list, params: dict, backend: Backend) -> Outcome:
    texts = _tuple_texts(clean(pred_text))
    if texts is None:
        return Outcome.fail("incorrect", "tuple")
    gold_nodes = [gold_node(g) for g in gold]
    opts = options_for(("add", tuple(gold_nodes)) if gold_nodes else ("num", 0, "0"), params)
    pred_nodes = _element_nodes(texts, expand=False)
    parsed = [str(x) for x in _parsed(pred_nodes, opts, texts)]
    equal, method = _compare_sequences(pred_nodes, gold_nodes, opts, backend)
    if equal is None:
        return Outcome(False, parsed, method, "undecided")
    return Outcome(equal, parsed, method, None if equal else "incorrect")


def matrix_rows(text: str) -> list[list[str]]:
    """Cell texts of a LaTeX matrix environment or a nested list."""
    text = text.strip()
    m = _ENV.search(text)
    if m:
        if m.group(1) in ("vmatrix", "Vmatrix"):
            raise ParseError("a determinant, not a matrix")
        body = m.group(2)
        if m.group(1) == "array":
            body = re.sub(r"^\s*\{[^{}]*\}", "", body)
        rows = [r for r in _ROW_SEP.split(body) if r.strip()]
        return [[c.strip() for c in row.split("&")] for row in rows]
    for opener, closer in (("[", "]"), ("(", ")")):
        if _wrapped(text, opener, closer):
            rows = split_top(text[1:-1], _COMMA)
            out = []
            for row in rows:
                row = row.strip()
                if not (row[:1] in "[(" and row[-1:] in "])"):
                    raise ParseError("matrix row is not a list")
                out.append(split_top(row[1:-1], _COMMA))
            return out
    raise ParseError("not a matrix")


def compare_matrix(pred_text: str, gold: list, params: dict, backend: Backend) -> Outcome:
    rows = matrix_rows(clean(pred_text))
    if sum(len(r) for r in rows) > MAX_ELEMENTS:
        raise TooLarge("matrix too large")
    gold_rows = [[gold_node(c) for c in row] for row in gold]
    flat_gold = [c for row in gold_rows for c in row]
    opts = options_for(("add", tuple(flat_gold)), params)
    pred_rows = [_element_nodes(row, expand=False) for row in rows]
    parsed = [[str(x) for x in _parsed(r, opts, t)] for r, t in zip(pred_rows, rows)]
    if [len(r) for r in pred_rows] != [len(r) for r in gold_rows]:
        return Outcome(False, parsed, "shape", "incorrect")
    flat_pred = [c for row in pred_rows for c in row]
    equal, method = _compare_sequences(flat_pred, flat_gold, opts, backend)
    if equal is None:
        return Outcome(False, parsed, method, "undecided")
    return Outcome(equal, parsed, method, None if equal else "incorrect")
