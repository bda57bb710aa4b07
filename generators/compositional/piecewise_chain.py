"""Composite functions built from lin / quad / abs components, as exact piecewise polynomials.

The chains use the component dicts of :mod:`generators.algebra.func_model` (so questions read exactly like the
function-analysis families) restricted to the piecewise-polynomial kinds ``lin`` (a*u + b), ``quad``
(a*u^2 + b*u + c) and ``abs`` (a*|u - b| + c). :func:`chain_pieces` unfolds a chain into polynomial pieces
split at the corners of every |.|; a corner must be rational, otherwise :class:`IrrationalCorner` is raised
and the caller re-draws. All these functions are continuous, so neighbouring pieces agree at a corner and
roots can be counted piece by piece on half-open intervals (lo, hi] without double counting.

:func:`evaluate_chain` evaluates a chain at a rational point directly from its components (no pieces); the
families' checks use it to confirm the pieces independently.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from generators.algebra.func_model import draw_component
from generators.compositional import poly_exact as pe

PIECEWISE_KINDS = ("lin", "quad", "abs")


class IrrationalCorner(Exception):
    """An |.| corner of the chain is irrational; such chains are re-drawn."""


@dataclass(frozen=True)
class Piece:
    """``poly`` equals the function on [lo, hi] (None = unbounded on that side)."""

    lo: Fraction | None
    hi: Fraction | None
    poly: pe.Poly


def evaluate_chain(chain: list[dict[str, Any]], x: Fraction | int) -> Fraction:
    u = Fraction(x)
    for c in chain:
        k = c["kind"]
        if k == "lin":
            u = c["a"] * u + c["b"]
        elif k == "quad":
            u = c["a"] * u * u + c["b"] * u + c["c"]
        elif k == "abs":
            u = c["a"] * abs(u - c["b"]) + c["c"]
        else:
            raise ValueError(f"component kind {k!r} is not piecewise polynomial")
    return u


def _interior_point(lo: Fraction | None, hi: Fraction | None) -> Fraction:
    if lo is None and hi is None:
        return Fraction(0)
    if lo is None:
        return hi - 1
    if hi is None:
        return lo + 1
    return (lo + hi) / 2


def _real_roots_inside(p: pe.Poly, lo: Fraction | None, hi: Fraction | None) -> list[Fraction]:
    """The real roots of p strictly inside (lo, hi), all rational, else :class:`IrrationalCorner`."""
    if not p:
        raise IrrationalCorner("an |.| argument vanishes on a whole piece")
    if len(p) == 1:
        return []
    if len(p) == 2:  # linear: the single root is rational
        r = -p[0] / p[1]
        return [r] if (lo is None or r > lo) and (hi is None or r < hi) else []
    inside = pe.sturm_count(p, lo, hi) - (1 if hi is not None and pe.evaluate(p, hi) == 0 else 0)
    if inside == 0:
        return []
    found = [r for r in pe.rational_roots(p) if (lo is None or r > lo) and (hi is None or r < hi)]
    if len(found) != inside:
        raise IrrationalCorner("an |.| corner is irrational")
    return found


def chain_pieces(chain: list[dict[str, Any]]) -> list[Piece]:
    pieces = [Piece(None, None, [Fraction(0), Fraction(1)])]
    for c in chain:
        k = c["kind"]
        out: list[Piece] = []
        for pc in pieces:
            if k == "lin":
                out.append(Piece(pc.lo, pc.hi, pe.compose([Fraction(c["b"]), Fraction(c["a"])], pc.poly)))
            elif k == "quad":
                outer = [Fraction(c["c"]), Fraction(c["b"]), Fraction(c["a"])]
                out.append(Piece(pc.lo, pc.hi, pe.compose(outer, pc.poly)))
            elif k == "abs":
                inner = pe.sub(pc.poly, [Fraction(c["b"])])
                cuts = [pc.lo, *_real_roots_inside(inner, pc.lo, pc.hi), pc.hi]
                for lo, hi in zip(cuts, cuts[1:]):
                    sign = 1 if pe.evaluate(inner, _interior_point(lo, hi)) > 0 else -1
                    out.append(Piece(lo, hi, pe.add(pe.scale(inner, sign * c["a"]), [Fraction(c["c"])])))
            else:
                raise ValueError(f"component kind {k!r} is not piecewise polynomial")
        pieces = out
    return pieces


def pieces_match_chain(chain: list[dict[str, Any]], pieces: list[Piece], extra: int = 2) -> bool:
    """Spot-check the pieces against direct evaluation at deg + extra + 1 points of each piece and its corners."""
    for pc in pieces:
        pts: list[Fraction] = [p for p in (pc.lo, pc.hi) if p is not None]
        base = _interior_point(pc.lo, pc.hi)
        width = (pc.hi - pc.lo) if pc.lo is not None and pc.hi is not None else Fraction(3)
        count = max(1, len(pc.poly)) + extra
        for i in range(count):
            t = Fraction(i + 1, count + 2) - Fraction(1, 2)
            pts.append(base + t * width * Fraction(9, 10) if pc.lo is not None and pc.hi is not None else base + t * 7)
        for x in pts:
            if (pc.lo is not None and x < pc.lo) or (pc.hi is not None and x > pc.hi):
                continue
            if evaluate_chain(chain, x) != pe.evaluate(pc.poly, x):
                return False
    return True


def draw_piecewise_chain(rng: random.Random, length: int, kinds: tuple[str, ...] = PIECEWISE_KINDS,
                         max_abs: int = 1) -> list[dict[str, Any]]:
    """A chain of ``length`` components of the given kinds with at most ``max_abs`` |.| components."""
    chain = []
    n_abs = 0
    for _ in range(length):
        allowed = [k for k in kinds if k != "abs" or n_abs < max_abs]
        k = rng.choice(allowed)
        n_abs += k == "abs"
        chain.append(draw_component(rng, k))
    return chain


def clip_pieces(pieces: list[Piece], lo: Fraction, hi: Fraction) -> list[Piece]:
    """The pieces restricted to the closed window [lo, hi] (empty overlaps dropped)."""
    out = []
    for pc in pieces:
        a = lo if pc.lo is None else max(lo, pc.lo)
        b = hi if pc.hi is None else min(hi, pc.hi)
        if a < b:
            out.append(Piece(a, b, pc.poly))
    return out


def count_points_on_pieces(pieces: list[Piece], curve, *, window: tuple[Fraction, Fraction] | None = None,
                           counter=pe.sturm_count) -> int:
    """Distinct x with curve(poly)(x) = 0 over the pieces: each piece counts (lo, hi], the first [lo, hi].

    ``curve`` maps a piece polynomial P to the polynomial whose roots are the meeting points (e.g. P - g).
    With ``window`` the pieces are clipped to that closed interval first.
    """
    if window is not None:
        pieces = clip_pieces(pieces, *window)
    total = 0
    for i, pc in enumerate(pieces):
        h = curve(pc.poly)
        if not h:
            raise ValueError("the curves coincide on a whole piece")
        total += pe.count_on_interval(h, pc.lo, pc.hi, lo_closed=(i == 0 and pc.lo is not None), hi_closed=True,
                                      counter=counter)
    return total


def combine_pieces(a: list[Piece], b: list[Piece], op) -> list[Piece]:
    """Pieces of op(A, B) on the common refinement of two piece lists covering the whole line."""
    cuts = sorted({p.hi for p in a if p.hi is not None} | {p.hi for p in b if p.hi is not None})
    bounds: list[Fraction | None] = [None, *cuts, None]
    out = []
    for lo, hi in zip(bounds, bounds[1:]):
        mid = _interior_point(lo, hi)
        pa = next(p for p in a if (p.lo is None or p.lo <= mid) and (p.hi is None or mid <= p.hi))
        pb = next(p for p in b if (p.lo is None or p.lo <= mid) and (p.hi is None or mid <= p.hi))
        out.append(Piece(lo, hi, op(pa.poly, pb.poly)))
    return out
