"""Parse, canonicalise and compare interval answers (unions of intervals).

Accepted forms (gold and prediction alike): ``[1, 3)``, ``(-\\infty, 2] \\cup (3, \\infty)``, ``x \\in [1, 3)``,
inequalities ``x \\le 2 \\text{ or } x > 3``, ``1 \\le x < 3``, ``2 < x``, ``x > 1 \\text{ and } x < 3``,
``\\mathbb{R}``, ``\\emptyset``, and point sets ``\\{a\\}`` inside a union. Bracket type is respected:
(1, 2) != [1, 2] and [1, 3) != [1, 3]. Infinite endpoints are always open ([-\\infty, 2] reads as
(-\\infty, 2]). The canonical form sorts the pieces and merges overlapping or touching ones, so
[1, 2] \\cup [2, 3] = [1, 3]; a finite point set such as \\{1, 2\\} is never an open interval.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from .errors import ParseError, TooLarge
from .exact import try_evaluate
from .limits import MAX_ELEMENTS
from .normalize import clean, split_top
from .mathast import render as render_node
from .scalar import Backend, Options, parse_pred, scalar_equal
from .verdict import Outcome

INF = ("const", "oo")
NEG_INF = ("neg", INF)
_UNION = re.compile(r"\\cup(?![A-Za-z])|\bor\b|\\lor(?![A-Za-z])|\\vee(?![A-Za-z])")
_AND = re.compile(r"\band\b|\\land(?![A-Za-z])|\\wedge(?![A-Za-z])|\\cap(?![A-Za-z])")
_REL = re.compile(r"\\leq?(?![A-Za-z])|\\geq?(?![A-Za-z])|\\lt(?![A-Za-z])|\\gt(?![A-Za-z])|<=|>=|<|>|\\leqslant|\\geqslant")
_IN = re.compile(r"\\in(?![A-Za-z])|=")
_COMMA = re.compile(r",")
_VARIABLE = re.compile(r"^\s*(?:[A-Za-z](?:_\{?\w+\}?)?|\\[A-Za-z]+)\s*$")
_REALS = {"R", r"\R", r"\mathbb R", r"\mathbb{R}", r"\reals", "(-oo, oo)", r"\text{all real numbers}", "all real numbers"}
_EMPTY = {r"\emptyset", r"\varnothing", r"\{\}", "{}", "none"}


class Piece(NamedTuple):
    lo: tuple
    lo_closed: bool
    hi: tuple
    hi_closed: bool


def _endpoint(text: str) -> tuple:
    t = text.strip().replace(" ", "")
    if t in ("oo", "+oo", r"\infty", r"+\infty", "infty", "inf", "infinity"):
        return INF
    if t in ("-oo", r"-\infty", "-infty", "-inf", "-infinity"):
        return NEG_INF
    return parse_pred(text)


def _is_inf(node: tuple) -> int:
    return 1 if node == INF else -1 if node == NEG_INF else 0


def _bracket_piece(text: str) -> Piece | None:
    text = text.strip()
    if len(text) < 5 or text[0] not in "([" or text[-1] not in ")]":
        return None
    parts = split_top(text[1:-1], _COMMA)
    if len(parts) != 2:
        return None
    lo, hi = _endpoint(parts[0]), _endpoint(parts[1])
    return Piece(lo, text[0] == "[" and not _is_inf(lo), hi, text[-1] == "]" and not _is_inf(hi))


def _inequality_piece(text: str) -> Piece | None:
    ops = [m for m in _REL.finditer(text)]
    if not ops:
        return None
    terms = split_top(text, _REL)
    rels = [m.group() for m in ops]
    if len(terms) != len(rels) + 1 or len(terms) not in (2, 3):
        raise ParseError("unsupported inequality")
    var_index = [i for i, t in enumerate(terms) if _VARIABLE.match(t)]
    if len(var_index) != 1:
        raise ParseError("inequality needs exactly one variable")
    v = var_index[0]
    lo, lo_closed, hi, hi_closed = NEG_INF, False, INF, False
    for i, rel in enumerate(rels):
        less = rel in ("<", "<=", r"\le", r"\leq", r"\lt", r"\leqslant")
        strict = rel in ("<", ">", r"\lt", r"\gt")
        left, right = i, i + 1
        if v == left:  # x < b  or  x > b
            bound = _endpoint(terms[right])
            if less:
                hi, hi_closed = bound, not strict
            else:
                lo, lo_closed = bound, not strict
        elif v == right:  # a < x  or  a > x
            bound = _endpoint(terms[left])
            if less:
                lo, lo_closed = bound, not strict
            else:
                hi, hi_closed = bound, not strict
        else:
            raise ParseError("chained inequality without the variable in the middle")
    return Piece(lo, lo_closed and not _is_inf(lo), hi, hi_closed and not _is_inf(hi))


def _point_pieces(text: str) -> list[Piece] | None:
    text = text.strip()
    if not (text.startswith(r"\{") and text.endswith(r"\}")):
        return None
    out = []
    for part in split_top(text[2:-2], _COMMA):
        node = parse_pred(part)
        out.append(Piece(node, True, node, True))
    return out


def parse_intervals(text: str) -> list[Piece]:
    """The pieces of an interval answer (not yet canonical)."""
    text = clean(text)
    parts = split_top(text, _IN)
    if len(parts) == 2 and _VARIABLE.match(parts[0]):
        text = parts[1].strip()
    if text in _EMPTY:
        return []
    if text in _REALS:
        return [Piece(NEG_INF, False, INF, False)]
    pieces: list[Piece] = []
    for part in split_top(text, _UNION):
        part = part.strip()
        if part in _REALS:
            pieces.append(Piece(NEG_INF, False, INF, False))
            continue
        points = _point_pieces(part)
        if points is not None:
            pieces.extend(points)
            continue
        conjuncts = split_top(part, _AND)
        found = [_bracket_piece(c) or _inequality_piece(c) for c in conjuncts]
        if any(p is None for p in found):
            raise ParseError(f"not an interval: {part[:40]!r}")
        pieces.append(found[0] if len(found) == 1 else ("and", found))
        if len(pieces) > MAX_ELEMENTS:
            raise TooLarge("too many pieces")
    return pieces


class _Keyed(NamedTuple):
    lo: object
    lo_closed: bool
    hi: object
    hi_closed: bool
    piece: Piece


def _key(node: tuple, opts: Options, backend: Backend):
    inf = _is_inf(node)
    if inf:
        return float("inf") * inf
    value = try_evaluate(node, opts.percent, opts.degree)
    return value if value is not None else backend.approx(node, opts)


def _intersect(pieces: list[Piece], opts: Options, backend: Backend) -> Piece:
    keyed = [(_key(p.lo, opts, backend), _key(p.hi, opts, backend), p) for p in pieces]
    lo = max(keyed, key=lambda k: (k[0], not k[2].lo_closed))
    hi = min(keyed, key=lambda k: (k[1], k[2].hi_closed))
    return Piece(lo[2].lo, lo[2].lo_closed, hi[2].hi, hi[2].hi_closed)


def canonical(pieces: list, opts: Options, backend: Backend) -> list[Piece]:
    """Sorted, non-empty, merged pieces. An empty intersection ("x > 3 and x < 1") is dropped; a bracket
    interval written backwards ("(3, 1)") is an error."""
    keyed: list[_Keyed] = []
    for p in pieces:
        intersection = isinstance(p, tuple) and not isinstance(p, Piece) and p[0] == "and"
        if intersection:
            p = _intersect(p[1], opts, backend)
        lo, hi = _key(p.lo, opts, backend), _key(p.hi, opts, backend)
        if lo > hi and not intersection:
            raise ParseError("interval with lower end above upper end")
        if lo > hi or (lo == hi and not (p.lo_closed and p.hi_closed)):
            continue
        keyed.append(_Keyed(lo, p.lo_closed, hi, p.hi_closed, p))
    keyed.sort(key=lambda k: (k.lo, not k.lo_closed))
    merged: list[_Keyed] = []
    for k in keyed:
        if merged:
            last = merged[-1]
            if k.lo < last.hi or (k.lo == last.hi and (last.hi_closed or k.lo_closed)):
                if (k.hi, k.hi_closed) > (last.hi, last.hi_closed):
                    piece = Piece(last.piece.lo, last.lo_closed, k.piece.hi, k.hi_closed)
                    merged[-1] = _Keyed(last.lo, last.lo_closed, k.hi, k.hi_closed, piece)
                continue
        merged.append(k)
    return [k.piece for k in merged]


def render(pieces: list[Piece]) -> str:
    def end(node: tuple) -> str:
        inf = _is_inf(node)
        if inf:
            return "oo" if inf > 0 else "-oo"
        value = try_evaluate(node)
        if value is not None:
            return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
        return render_node(node)

    if not pieces:
        return "EmptySet"
    return " U ".join(
        f"{'[' if p.lo_closed else '('}{end(p.lo)}, {end(p.hi)}{']' if p.hi_closed else ')'}" for p in pieces
    )


def _same_end(a: tuple, b: tuple, opts: Options, backend: Backend) -> bool | None:
    if _is_inf(a) or _is_inf(b):
        return _is_inf(a) == _is_inf(b)
    return scalar_equal(a, b, opts, backend)[0]


def compare_interval(pred_text: str, gold, params: dict, backend: Backend) -> Outcome:
    opts = Options()
    pred = canonical(parse_intervals(pred_text), opts, backend)
    gold_pieces = canonical(parse_intervals(str(gold)), opts, backend)
    parsed = render(pred)
    if len(pred) != len(gold_pieces):
        return Outcome(False, parsed, "interval", "incorrect")
    undecided = False
    for p, g in zip(pred, gold_pieces):
        if p.lo_closed != g.lo_closed or p.hi_closed != g.hi_closed:
            return Outcome(False, parsed, "interval", "incorrect")
        for a, b in ((p.lo, g.lo), (p.hi, g.hi)):
            same = _same_end(a, b, opts, backend)
            if same is False:
                return Outcome(False, parsed, "interval", "incorrect")
            undecided |= same is None
    if undecided:
        return Outcome(False, parsed, "interval", "undecided")
    return Outcome(True, parsed, "interval", None)
