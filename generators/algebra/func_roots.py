"""Certified feature analysis of composite functions: breakpoints, zeros, critical points, derivative signs.

Every count is proved with validated interval enclosures (``func_interval``) by branch and bound: a cell
is discarded when the enclosure of h excludes 0; a cell on which the enclosure of h' excludes 0 is
monotone, so it holds exactly one root when the certified signs at its ends differ and none otherwise;
any other cell is split. Breakpoints (corners of |.| and poles) are found first, stage by stage, as
certified simple roots of the inner functions, and every later search runs on the open pieces between
them. Whatever cannot be decided (a double root, a root on a breakpoint or at an interval end, a
transcendental component fed by a pole, too many cells) raises :class:`Uncertain`; the families reject
such an instance and draw again. High-precision positions come from ``mpmath.findroot`` inside the
certified brackets.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable

import mpmath
import numpy as np
import sympy as sp

from generators.algebra import func_interval as iv
from generators.algebra import func_interval_small as ivs
from generators.algebra.func_model import TRANSCENDENTAL_KINDS, Chain, chain_expr

SPLIT = 0.4142135623730951  # cells are split off-centre so that simple rational roots rarely sit on an edge
EDGE_SHIFT = 0.181690113816209
MAX_CELLS = 60000
MAX_ROUNDS = 90
EXP_ARG_LIMIT = 30.0  # |b*u| allowed inside e^(b u)
TRIG_PERIOD_LIMIT = 30.0  # periods of sin(b pi u + c) that the range of u may span


class Uncertain(Exception):
    """The analysis cannot certify this instance; the caller rejects it."""


@dataclass(frozen=True)
class Bracket:
    """A certified isolating interval [lo, hi] of one feature."""

    lo: float
    hi: float
    kind: str  # "zero", "crit", "corner", "pole"
    stage: int = -1  # for breakpoints: index of the component whose argument vanishes
    chain: int = 0  # for breakpoints: 0 = f, 1 = g

    @property
    def mid(self) -> float:
        return 0.5 * (self.lo + self.hi)


Evaluator = Callable[..., tuple[iv.Iv, iv.Iv | None]]


def _sign(enc: iv.Iv) -> np.ndarray:
    return np.where(enc[0] > 0, 1, np.where(enc[1] < 0, -1, 0))


def isolate(evalf: Evaluator, lo: float, hi: float, *, zero_at_lo: bool = False, zero_at_hi: bool = False,
            init_cells: int = 64, min_width: float = 1e-11) -> list[tuple[float, float]]:
    """Certified isolating brackets of every root of a smooth function on the open interval (lo, hi).

    ``evalf(a, b)`` returns enclosures (of the function, of its derivative) over the cells [a_i, b_i].
    ``zero_at_lo``/``zero_at_hi`` say that the function is exactly 0 at that end (proved elsewhere).
    Roots must be simple and away from the ends; otherwise :class:`Uncertain` is raised.
    """
    if not hi > lo:
        return []
    k = init_cells
    t = (np.arange(1, k) - EDGE_SHIFT) / k
    edges = np.concatenate([[lo], lo + (hi - lo) * t, [hi]])
    a, b = edges[:-1], edges[1:]
    out: list[tuple[float, float]] = []
    for _ in range(MAX_ROUNDS):
        if a.size == 0:
            break
        if a.size > MAX_CELLS:
            raise Uncertain("root isolation needs too many cells")
        n = a.size
        # the cells (with the derivative) and their end points in one call: every enclosure is elementwise
        vv, dd = evalf(np.concatenate([a, a, b]), np.concatenate([b, a, b]))
        v, d = (vv[0][:n], vv[1][:n]), (dd[0][:n], dd[1][:n])
        sa, sb = _sign((vv[0][n:2 * n], vv[1][n:2 * n])), _sign((vv[0][2 * n:], vv[1][2 * n:]))
        excl = (v[0] > 0) | (v[1] < 0)
        mono = ~excl & ((d[0] > 0) | (d[1] < 0))
        # a monotone cell ending in a proved exact zero at the domain end holds no other root
        known = mono & ((zero_at_lo & (a == lo) & (sa == 0)) | (zero_at_hi & (b == hi) & (sb == 0)))
        ok = mono & (sa != 0) & (sb != 0)
        stuck_end = mono & ~ok & ~known & (((a == lo) & (sa == 0)) | ((b == hi) & (sb == 0)))
        if stuck_end.any():
            raise Uncertain("a root lies at or too near an end of the interval")
        root = ok & (sa != sb)
        out += list(zip(a[root].tolist(), b[root].tolist()))
        rest = ~(excl | ok | known)
        if not rest.any():
            a = a[:0]
            break
        ra, rb = a[rest], b[rest]
        if (rb - ra < min_width * max(1.0, abs(lo), abs(hi))).any():
            raise Uncertain("cannot separate roots (double root or tangency)")
        m = ra + SPLIT * (rb - ra)
        a = np.concatenate([ra, m])
        b = np.concatenate([m, rb])
    if a.size:
        raise Uncertain("root isolation did not finish")
    out.sort()
    return out


def isolate_pieces(evalf: Evaluator, parts: list[tuple[float, float]], *, zero_at_lo: float | None = None,
                   zero_at_hi: float | None = None, init_cells: int = 64,
                   min_width: float = 1e-11) -> list[tuple[float, float]]:
    """``isolate`` on every piece of ``parts`` at once (one enclosure call per round for all pieces).

    The result is ``[br for p, q in parts for br in isolate(evalf, p, q, ...)]``, with the same floats:
    every cell is treated exactly as ``isolate`` treats it (all enclosures are elementwise), and each
    piece keeps its own cell limit, width floor and end tests. ``zero_at_lo`` / ``zero_at_hi`` name the
    end point (a piece's lo / hi) where the function is proved exactly 0, or None. Any piece that
    ``isolate`` could not certify raises :class:`Uncertain` here too.
    """
    k = init_cells
    t = (np.arange(1, k) - EDGE_SHIFT) / k
    cells_a, cells_b, owner, los, his, zl, zh, floor = [], [], [], [], [], [], [], []
    live_parts = [(i, p, q) for i, (p, q) in enumerate(parts) if q > p]
    for j, (_, lo, hi) in enumerate(live_parts):
        edges = np.concatenate([[lo], lo + (hi - lo) * t, [hi]])
        cells_a.append(edges[:-1])
        cells_b.append(edges[1:])
        owner.append(np.full(k, j))
        los.append(lo)
        his.append(hi)
        zl.append(zero_at_lo is not None and lo == zero_at_lo)
        zh.append(zero_at_hi is not None and hi == zero_at_hi)
        floor.append(min_width * max(1.0, abs(lo), abs(hi)))
    if not live_parts:
        return []
    a, b, own = np.concatenate(cells_a), np.concatenate(cells_b), np.concatenate(owner)
    LO, HI, ZL, ZH, FLOOR = np.array(los), np.array(his), np.array(zl), np.array(zh), np.array(floor)
    npart = len(live_parts)
    out: list[list[tuple[float, float]]] = [[] for _ in range(npart)]
    for _ in range(MAX_ROUNDS):
        if a.size == 0:
            break
        if (np.bincount(own, minlength=npart) > MAX_CELLS).any():
            raise Uncertain("root isolation needs too many cells")
        n = a.size
        vv, dd = evalf(np.concatenate([a, a, b]), np.concatenate([b, a, b]))
        v, d = (vv[0][:n], vv[1][:n]), (dd[0][:n], dd[1][:n])
        sa, sb = _sign((vv[0][n:2 * n], vv[1][n:2 * n])), _sign((vv[0][2 * n:], vv[1][2 * n:]))
        at_lo, at_hi = a == LO[own], b == HI[own]
        excl = (v[0] > 0) | (v[1] < 0)
        mono = ~excl & ((d[0] > 0) | (d[1] < 0))
        known = mono & ((ZL[own] & at_lo & (sa == 0)) | (ZH[own] & at_hi & (sb == 0)))
        ok = mono & (sa != 0) & (sb != 0)
        stuck_end = mono & ~ok & ~known & ((at_lo & (sa == 0)) | (at_hi & (sb == 0)))
        if stuck_end.any():
            raise Uncertain("a root lies at or too near an end of the interval")
        root = ok & (sa != sb)
        for j, x, y in zip(own[root].tolist(), a[root].tolist(), b[root].tolist()):
            out[j].append((x, y))
        rest = ~(excl | ok | known)
        if not rest.any():
            a = a[:0]
            break
        ra, rb, ro = a[rest], b[rest], own[rest]
        if (rb - ra < FLOOR[ro]).any():
            raise Uncertain("cannot separate roots (double root or tangency)")
        m = ra + SPLIT * (rb - ra)
        a = np.concatenate([ra, m])
        b = np.concatenate([m, rb])
        own = np.concatenate([ro, ro])
    if a.size:
        raise Uncertain("root isolation did not finish")
    return [br for got in out for br in sorted(got)]


def tighten(evalf: Evaluator, brackets: list[tuple[float, float]], rounds: int = 80,
            rel_width: float = 1e-10) -> list[tuple[float, float]]:
    """Shrink certified brackets (all at once) with safeguarded secant steps whose signs are certified:
    two probes straddle the secant estimate; a bracket only ever moves to a certified sign change."""
    if not brackets:
        return []
    if len(brackets) <= SMALL_TIGHTEN:
        return _tighten_scalar(evalf, brackets, rounds, rel_width)
    A = np.array([p[0] for p in brackets])
    B = np.array([p[1] for p in brackets])
    live = np.ones(A.size, dtype=bool)
    halve = np.zeros(A.size, dtype=bool)  # after a one-sided secant step, the next step bisects
    m_all = A.size
    # enclosures of the function at the bracket ends, kept as the ends move to probed points (each
    # enclosure is elementwise, so a kept one is the one a fresh evaluation would give)
    e0 = evalf(np.concatenate([A, B]), np.concatenate([A, B]), False)[0]
    ALO, AHI, BLO, BHI = e0[0][:m_all].copy(), e0[1][:m_all].copy(), e0[0][m_all:].copy(), e0[1][m_all:].copy()
    for _ in range(rounds):
        live &= B - A > rel_width * np.maximum(1.0, np.abs(A))
        if not live.any():
            break
        idx = np.nonzero(live)[0]
        a, b = A[idx], B[idx]
        alo, ahi, blo, bhi = ALO[idx], AHI[idx], BLO[idx], BHI[idx]
        n = a.size
        w = b - a
        tol = rel_width * np.maximum(1.0, np.abs(a))
        fa = 0.5 * (alo + ahi)
        fb = 0.5 * (blo + bhi)
        sa = _sign((alo, ahi))
        with np.errstate(all="ignore"):
            m = a - fa * w / (fb - fa)
        m = np.where(np.isfinite(m) & ~halve[idx], m, a + 0.5 * w)
        m = np.clip(m, a + 0.01 * w, b - 0.01 * w)
        eps = np.maximum(0.01 * w, tol / 4)
        p = np.maximum(m - eps, a + 0.001 * w)
        q = np.minimum(m + eps, b - 0.001 * w)
        vp = evalf(np.concatenate([p, q]), np.concatenate([p, q]), False)[0]
        plo, phi, qlo, qhi = vp[0][:n], vp[1][:n], vp[0][n:], vp[1][n:]
        sp_ = _sign((plo, phi))
        sq = _sign((qlo, qhi))
        both = (sp_ == sa) & (sq == -sa) & (sa != 0)
        left = ~both & (sp_ == -sa) & (sa != 0)
        right = ~both & ~left & (sq == sa) & (sp_ == sa) & (sa != 0)
        moved = both | left | right
        A[idx] = np.where(both, p, np.where(right, q, a))
        B[idx] = np.where(both, q, np.where(left, p, b))
        ALO[idx] = np.where(both, plo, np.where(right, qlo, alo))
        AHI[idx] = np.where(both, phi, np.where(right, qhi, ahi))
        BLO[idx] = np.where(both, qlo, np.where(left, plo, blo))
        BHI[idx] = np.where(both, qhi, np.where(left, phi, bhi))
        live[idx] = moved
        halve[idx] = ~both & ~halve[idx]  # bisect once after a failed secant step, then try the secant again
    a, b = A, B
    return list(zip(a.tolist(), b.tolist()))


SMALL_TIGHTEN = 12  # up to this many brackets ``tighten`` runs in plain floats (numpy overhead dominates)


def _s(lo: float, hi: float) -> int:
    return 1 if lo > 0 else (-1 if hi < 0 else 0)


def _tighten_scalar(evalf: Evaluator, brackets: list[tuple[float, float]], rounds: int,
                    rel_width: float) -> list[tuple[float, float]]:
    """``tighten`` in Python floats, step for step the same IEEE operations as the array form (a zero
    secant denominator, which numpy turns into a non-finite estimate, takes the bisection branch as there)."""
    A = [float(p[0]) for p in brackets]
    B = [float(p[1]) for p in brackets]
    n_all = len(A)
    live = [True] * n_all
    halve = [False] * n_all
    lo0, hi0 = _values(evalf, A + B)
    ALO, AHI, BLO, BHI = lo0[:n_all], hi0[:n_all], lo0[n_all:], hi0[n_all:]
    isfinite = math.isfinite
    for _ in range(rounds):
        for i in range(n_all):
            if live[i]:
                live[i] = B[i] - A[i] > rel_width * max(1.0, abs(A[i]))
        idx = [i for i in range(n_all) if live[i]]
        if not idx:
            break
        P, Q, SA = [], [], []
        for i in idx:
            a, b = A[i], B[i]
            w = b - a
            tol = rel_width * max(1.0, abs(a))
            fa = 0.5 * (ALO[i] + AHI[i])
            fb = 0.5 * (BLO[i] + BHI[i])
            den = fb - fa
            m = a - fa * w / den if den != 0 else math.inf
            if not isfinite(m) or halve[i]:
                m = a + 0.5 * w
            m = min(max(m, a + 0.01 * w), b - 0.01 * w)
            eps = max(0.01 * w, tol / 4)
            P.append(max(m - eps, a + 0.001 * w))
            Q.append(min(m + eps, b - 0.001 * w))
            SA.append(_s(ALO[i], AHI[i]))
        n = len(idx)
        vlo, vhi = _values(evalf, P + Q)
        for j, i in enumerate(idx):
            sa, p, q = SA[j], P[j], Q[j]
            plo, phi, qlo, qhi = vlo[j], vhi[j], vlo[n + j], vhi[n + j]
            sp_, sq = _s(plo, phi), _s(qlo, qhi)
            both = sp_ == sa and sq == -sa and sa != 0
            left = not both and sp_ == -sa and sa != 0
            right = not both and not left and sq == sa and sp_ == sa and sa != 0
            if both:
                A[i], ALO[i], AHI[i] = p, plo, phi
                B[i], BLO[i], BHI[i] = q, qlo, qhi
            elif right:
                A[i], ALO[i], AHI[i] = q, qlo, qhi
            elif left:
                B[i], BLO[i], BHI[i] = p, plo, phi
            live[i] = both or left or right
            halve[i] = not both and not halve[i]
    return list(zip(A, B))


# ---------------------------------------------------------------- evaluators

def _jet(chains: list[Chain], signs: tuple[int, ...], a: np.ndarray, b: np.ndarray, order: int = 2) -> iv.Jet:
    """Enclosure jet of sum_i signs[i] * chain_i, up to the ``order``-th derivative (higher ones None)."""
    total = None
    with iv.quiet():
        for ch, s in zip(chains, signs):
            j = iv.enclose(ch, a, b, order)
            if s < 0:
                j = tuple(iv.neg(x) if x is not None else None for x in j)
            total = j if total is None else tuple(iv.add(t, x) if x is not None else None for t, x in zip(total, j))
    return total


# An evaluator ``f(a, b, deriv=True)`` returns (enclosure of the function, of its derivative) over the
# cells [a_i, b_i]; with ``deriv=False`` only the first is computed (the second is None).

def value_evaluator(chains: list[Chain], signs: tuple[int, ...]) -> Evaluator:
    def f(a, b, deriv=True):
        j = _jet(chains, signs, a, b, 1 if deriv else 0)
        return j[0], j[1]
    f.values = lambda a, b: ivs.combine_values(chains, signs, a, b)  # noqa: E731 (lists; see ``_values``)
    return f


def derivative_evaluator(chains: list[Chain], signs: tuple[int, ...]) -> Evaluator:
    def f(a, b, deriv=True):
        j = _jet(chains, signs, a, b, 2 if deriv else 1)
        return j[1], j[2]
    return f


def _argument_evaluator(prefix: Chain, comp: dict[str, Any]) -> Evaluator:
    """The quantity whose roots are the breakpoints of ``comp``: u - b (abs) or c u + d (rat)."""
    def f(a, b, deriv=True):
        v, d1, _ = iv.enclose(prefix, a, b, 1 if deriv else 0)
        with iv.quiet():
            if comp["kind"] == "abs":
                return iv.shift(v, -comp["b"]), d1
            return iv.shift(iv.scale(comp["c"], v), comp["d"]), iv.scale(comp["c"], d1) if deriv else None
    f.values = lambda a, b: ivs.argument_values(prefix, comp, a, b)  # noqa: E731 (lists; see ``_values``)
    return f


def _values(evalf: Evaluator, xs: list[float]) -> tuple[list[float], list[float]]:
    """The value enclosures of ``evalf`` at the points ``xs`` as two lists: an evaluator's ``values`` twin
    (plain floats, ``func_interval_small``: the same floats as its array form, without numpy's per-call
    overhead on the few points that bracket tightening and end tests ask for), else its array form."""
    twin = getattr(evalf, "values", None)
    if twin is not None:
        with iv.quiet():  # numpy's exp on a scalar may overflow (to inf, as intended)
            return twin(xs, xs)
    e = evalf(np.array(xs), np.array(xs), False)[0]
    return e[0].tolist(), e[1].tolist()


# ---------------------------------------------------------------- breakpoints

def pieces(breaks: list[Bracket], lo: float, hi: float) -> list[tuple[float, float]]:
    """The open pieces of [lo, hi] between breakpoint brackets."""
    out, cur = [], lo
    for br in breaks:
        out.append((cur, br.lo))
        cur = br.hi
    out.append((cur, hi))
    return out


def chain_breakpoints(chain: Chain, lo: float, hi: float, chain_id: int = 0) -> list[Bracket]:
    """Certified corners and poles of f on (lo, hi), in order; also vets the transcendental stage."""
    breaks: list[Bracket] = []
    for k, comp in enumerate(chain):
        prefix = chain[:k]
        kind = comp["kind"]
        if kind in TRANSCENDENTAL_KINDS:
            if any(b.kind == "pole" for b in breaks):
                raise Uncertain("a pole feeds the transcendental component")
            _vet_transcendental(prefix, comp, pieces(breaks, lo, hi))
            continue
        if kind not in ("abs", "rat"):
            continue
        evalf = _argument_evaluator(prefix, comp)
        if _point_has_zero(evalf, lo) or _point_has_zero(evalf, hi):
            raise Uncertain("a breakpoint at the end of the interval")
        _exclude_in_corners(evalf, breaks, "two breakpoints coincide")
        found = isolate_pieces(evalf, pieces(breaks, lo, hi))
        new = [Bracket(a, b, "corner" if kind == "abs" else "pole", stage=k, chain=chain_id)
               for a, b in tighten(evalf, found)]
        breaks = sorted(breaks + new, key=lambda br: br.lo)
    return breaks


def _exclude_in_corners(evalf: Evaluator, breaks: list[Bracket], why: str) -> None:
    """The searches run between breakpoint brackets; prove no root hides inside a corner's bracket (the
    value enclosure stays valid across a corner). Inside a pole's bracket the function is unbounded."""
    corners = [br for br in breaks if br.kind == "corner"]
    if corners:
        v, _ = evalf(np.array([br.lo for br in corners]), np.array([br.hi for br in corners]), False)
        if ((v[0] <= 0) & (v[1] >= 0)).any():
            raise Uncertain(why)


def _point_has_zero(evalf: Evaluator, x: float) -> bool:
    lo, hi = _values(evalf, [float(x)])
    return bool(lo[0] <= 0 <= hi[0])


def _vet_transcendental(prefix: Chain, comp: dict[str, Any], parts: list[tuple[float, float]]) -> None:
    """Reject when e^(b u) may overflow or sin(b pi u) spans too many periods over the interval."""
    ulo, uhi = math.inf, -math.inf
    for p, q in parts:
        e = np.linspace(p, q, 513)
        v = iv.enclose(prefix, e[:-1], e[1:], 0)[0]
        ulo, uhi = min(ulo, float(v[0].min())), max(uhi, float(v[1].max()))
    if not (math.isfinite(ulo) and math.isfinite(uhi)):
        raise Uncertain("unbounded argument of the transcendental component")
    if comp["kind"] == "exp":
        if max(abs(comp["b"] * ulo), abs(comp["b"] * uhi)) > EXP_ARG_LIMIT:
            raise Uncertain("exponential argument too large")
    elif comp["b"] * (uhi - ulo) / 2 > TRIG_PERIOD_LIMIT:
        raise Uncertain("too many oscillations")


# ---------------------------------------------------------------- exact endpoint values

def exact_value_is_zero(chains: list[Chain], signs: tuple[int, ...], x: int) -> bool:
    """Decide h(x) == 0 at a rational x exactly (sympy); undecidable counts as 'not certified'."""
    val = sp.Add(*[s * chain_expr(ch, sp.Integer(x)) for ch, s in zip(chains, signs)])
    z = val.is_zero
    if z is None:
        if abs(sp.N(val, 60)) < sp.Float("1e-50"):
            raise Uncertain("cannot decide whether the function vanishes at an end point")
        return False
    return bool(z)


# ---------------------------------------------------------------- analysis

@dataclass
class Analysis:
    """Certified features of h = f (or f - g) on [lo, hi]."""

    lo: float
    hi: float
    breaks: list[Bracket]
    zeros: list[Bracket] = field(default_factory=list)
    zero_at_lo: bool = False
    zero_at_hi: bool = False
    crits: list[Bracket] = field(default_factory=list)
    # derivative signs on the open intervals between consecutive events (crits and breakpoints, in order)
    events: list[Bracket] = field(default_factory=list)
    slopes: list[int] = field(default_factory=list)

    @property
    def poles(self) -> list[Bracket]:
        return [b for b in self.breaks if b.kind == "pole"]

    @property
    def corners(self) -> list[Bracket]:
        return [b for b in self.breaks if b.kind == "corner"]

    def zero_count(self) -> int:
        return len(self.zeros) + int(self.zero_at_lo) + int(self.zero_at_hi)


def analyze(chains: list[Chain], signs: tuple[int, ...], lo: int, hi: int, *, zeros: bool = True,
            crits: bool = False, delta: float = 1e-3) -> Analysis:
    """Certified analysis of h = sum signs[i]*chain_i on [lo, hi] (f alone, or f - g).

    All reported features (and the interval ends) are pairwise at least ``delta`` apart, else Uncertain.
    """
    breaks: list[Bracket] = []
    for i, ch in enumerate(chains):
        breaks += chain_breakpoints(ch, lo, hi, chain_id=i)
    breaks.sort(key=lambda br: br.lo)
    # the final separation test covers the breakpoints too, and more features only narrow the gaps:
    # breakpoints already too close fail it whatever the zero / critical-point searches find (skip those)
    _check_separation(breaks, lo, hi, delta)
    res = Analysis(lo, hi, breaks)
    parts = pieces(breaks, lo, hi)
    if zeros:
        vf = value_evaluator(chains, signs)
        _exclude_in_corners(vf, breaks, "a zero at a corner")
        for end, attr in ((lo, "zero_at_lo"), (hi, "zero_at_hi")):
            if _point_has_zero(vf, end):
                if not exact_value_is_zero(chains, signs, end):
                    raise Uncertain("a zero too near an end point")
                setattr(res, attr, True)
        found = isolate_pieces(vf, parts, zero_at_lo=lo if res.zero_at_lo else None,
                               zero_at_hi=hi if res.zero_at_hi else None)
        res.zeros = [Bracket(a, b, "zero") for a, b in tighten(vf, found, rel_width=1e-8)]
    if crits:
        df = derivative_evaluator(chains, signs)
        if _point_has_zero(df, lo) or _point_has_zero(df, hi):
            raise Uncertain("a critical point at an end point")
        found = isolate_pieces(df, parts)
        res.crits = [Bracket(a, b, "crit") for a, b in tighten(df, found, rel_width=1e-8)]
        res.events = sorted(res.crits + breaks, key=lambda br: br.lo)
        cuts = [lo] + [x for e in res.events for x in (e.lo, e.hi)] + [hi]
        mids = np.array([0.5 * (cuts[2 * i] + cuts[2 * i + 1]) for i in range(len(cuts) // 2)])
        s = _sign(df(mids, mids, False)[0])
        if (s == 0).any():
            raise Uncertain("derivative sign undecided between events")
        res.slopes = [int(v) for v in s]
    feats = sorted(res.breaks + res.zeros + res.crits, key=lambda br: br.lo)
    _check_separation(feats, lo, hi, delta)
    return res


def _check_separation(feats: list[Bracket], lo: float, hi: float, delta: float) -> None:
    prev = lo
    for f in feats:
        if f.lo - prev < delta:
            raise Uncertain("features closer than the separation margin")
        prev = f.hi
    if hi - prev < delta:
        raise Uncertain("a feature too near the end point")


# ---------------------------------------------------------------- high-precision positions

def mp_jet(chain: Chain, x: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
    """(f(x), f'(x)) in mpmath arithmetic by forward differentiation along the chain."""
    v, d = x, mpmath.mpf(1)
    for c in chain:
        k = c["kind"]
        if k == "lin":
            v, d = c["a"] * v + c["b"], c["a"] * d
        elif k == "quad":
            v, d = c["a"] * v * v + c["b"] * v + c["c"], (2 * c["a"] * v + c["b"]) * d
        elif k == "abs":
            s = 1 if v - c["b"] >= 0 else -1
            v, d = c["a"] * abs(v - c["b"]) + c["c"], c["a"] * s * d
        elif k == "rat":
            den = c["c"] * v + c["d"]
            v, d = (c["a"] * v + c["b"]) / den, (c["a"] * c["d"] - c["b"] * c["c"]) / den**2 * d
        elif k in ("sin", "cos"):
            th = c["b"] * mpmath.pi * v + c["c"]
            if k == "sin":
                v, d = c["a"] * mpmath.sin(th) + c["d"], c["a"] * c["b"] * mpmath.pi * mpmath.cos(th) * d
            else:
                v, d = c["a"] * mpmath.cos(th) + c["d"], -c["a"] * c["b"] * mpmath.pi * mpmath.sin(th) * d
        elif k == "exp":
            e = mpmath.exp(c["b"] * v)
            v, d = c["a"] * e + c["c"], c["a"] * c["b"] * e * d
    return v, d


def mp_eval(chain: Chain, x: mpmath.mpf) -> mpmath.mpf:
    """f(x) in mpmath arithmetic (value only)."""
    v = x
    for c in chain:
        k = c["kind"]
        if k == "lin":
            v = c["a"] * v + c["b"]
        elif k == "quad":
            v = (c["a"] * v + c["b"]) * v + c["c"]
        elif k == "abs":
            v = c["a"] * abs(v - c["b"]) + c["c"]
        elif k == "rat":
            v = (c["a"] * v + c["b"]) / (c["c"] * v + c["d"])
        elif k in ("sin", "cos"):
            fn = mpmath.sin if k == "sin" else mpmath.cos
            v = c["a"] * fn(c["b"] * mpmath.pi * v + c["c"]) + c["d"]
        else:
            v = c["a"] * mpmath.exp(c["b"] * v) + c["c"]
    return v


def mp_value(chains: list[Chain], signs: tuple[int, ...], x) -> mpmath.mpf:
    return sum(s * mp_eval(ch, x) for ch, s in zip(chains, signs))


def refine(func: Callable[[Any], Any], br: tuple[float, float], dps: int = 30) -> mpmath.mpf:
    """The root of ``func`` inside the certified bracket ``br``, to about ``dps`` digits (findroot, then
    bisection as a fallback); the result is guaranteed to stay inside the bracket."""
    with mpmath.workdps(dps + 10):
        a, b = mpmath.mpf(br[0]), mpmath.mpf(br[1])
        fa = func(a)
        try:
            r = mpmath.findroot(func, (a, b), solver="anderson", tol=mpmath.mpf(10) ** (-(dps + 5)))
            if a <= r <= b and abs(func(r)) < mpmath.mpf(10) ** (-dps):
                return +r
        except (ValueError, ZeroDivisionError):
            pass
        for _ in range(4 * dps):
            m = (a + b) / 2
            fm = func(m)
            if fm == 0:
                return m
            if (fm > 0) == (fa > 0):
                a, fa = m, fm
            else:
                b = m
        return (a + b) / 2
