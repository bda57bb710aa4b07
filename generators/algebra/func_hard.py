"""Certified hard cases of the function-analysis families: tangent (double) zeros and poles next to an end.

At the high levels (``HARD_LEVELS``) a share of draws is built so that the hard feature is known exactly:

* ``touch_chain`` builds a chain f with f'(x0) = 0 and f(x0) = t at a chosen rational x0 and integer t
  (one component has a critical point at its exact rational input: a quadratic's vertex or a cosine's /
  sine's crest; every other component is differentiable there with a nonzero derivative, and the last
  one's constant is solved so that f(x0) = t). For the zero count, f - 0 has a double zero at x0; for
  intersections, f and g are both built with a critical point at x0 and the same value, so the graphs
  are tangent there. The witness x0 is stored in ``params["certificate"]`` (not part of the instance key,
  never shown in the question).
* ``pole_chain`` builds a chain whose innermost rational component has its pole at distance 1/q
  (q = 3..8) just outside one end of the integration interval: the integrand is large but integrable.
* ``flat_chain`` stacks two quadratic vertices at x0 (after an optional injective lin / rat), so
  f - f(x0) ~ c (x - x0)^4: a flat extremum where f' has a triple zero (extrema, extrema coordinates,
  derivative-sign intervals). ``certified_flat_slopes`` proves it from the exact factorisation
  T2'(T1(u)) T1'(u) = 4 a1^2 a2 (u - w)^3 and enclosures of the other factors over the window.

Families pass their own ``share`` to ``wants_hard`` (hard draws survive the level's filters more often
than ordinary ones); the kept shares are measured in the family docstrings and /work/notes/hard.md.

Certification (``certified_touch_zeros``): f(x0) = 0 and f'(x0) = 0 are proved exactly with sympy; a
validated enclosure of f'' over [x0 - 1/64, x0 + 1/64] that excludes 0 (and no corner or pole there)
proves that x0 is the only zero in that neighbourhood and has even multiplicity (no near-miss); the rest
of [lo, hi] is counted by the usual certified analysis (``func_roots.analyze``), and for piecewise-rational
functions also exactly by a Sturm count of distinct roots (FLINT, ``func_exact``), which must agree.
Anything not conclusive raises :class:`Uncertain`, so the family redraws; no label is a float guess.
The pole-outside integrals need nothing new: the arb integration of ``func_integrate`` is rigorous.

Independent check (``touch_zeros``): the dense scan's sign changes of f' whose two sides have the same
sign of f are refined with mpmath; where |f| < 1e-20 there, the point is rationalised and f = 0 is
verified exactly with sympy (a near-miss that is not an exact zero makes the check fail).
"""
from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from generators.algebra import func_scan as scan
from generators.algebra.func_exact import exact_zero_count, is_piecewise_rational
from generators.algebra.func_model import _NZ3, _NZ5, _R3, _R5, X, Chain, _picker, chain_expr, draw_component
from generators.algebra.func_roots import Bracket, Uncertain, _jet, analyze, chain_breakpoints, value_evaluator
from generators.family import Reject, VerificationError

HARD_LEVELS = (4, 5)  # the top two levels of every function family
HARD_SHARE = 0.4  # default chance that a draw at a hard level tries a hard case (families pass their own)
CONST_BOUND = 30  # |constant| allowed for a solved coefficient
VALUE_BOUND = 40  # |intermediate value| at x0 allowed while building
NEIGHBOURHOOD = 2.0 ** -6  # half-width of the window around a double zero (exact in binary)


def wants_hard(rng: random.Random, level: int, share: float = HARD_SHARE) -> bool:
    """Whether this draw is a hard case (consumes ``rng`` only at the hard levels). ``share`` is the chance
    of trying one; hard draws are kept more often than ordinary ones, so families pass a smaller share."""
    return level in HARD_LEVELS and rng.random() < share


def certificate_points(params: dict[str, Any]) -> list[Fraction] | None:
    """The exact points a hard draw was built around (None for an ordinary draw)."""
    cert = params.get("certificate")
    return [Fraction(x) for x in cert["x"]] if cert else None


# ---------------------------------------------------------------- exact steps at a rational point

def _step(c: dict[str, Any], v: Fraction) -> tuple[Fraction, Fraction | None] | None:
    """(c(v), c'(v)) exactly, with c' None for 'nonzero but irrational'; None when not rational/undefined."""
    k = c["kind"]
    if k == "lin":
        return c["a"] * v + c["b"], Fraction(c["a"])
    if k == "quad":
        return (c["a"] * v + c["b"]) * v + c["c"], 2 * c["a"] * v + c["b"]
    if k == "abs":
        if v == c["b"]:
            return None  # a corner
        return c["a"] * abs(v - c["b"]) + c["c"], Fraction(c["a"] * (1 if v > c["b"] else -1))
    if k == "rat":
        den = c["c"] * v + c["d"]
        if den == 0:
            return None
        return (c["a"] * v + c["b"]) / den, Fraction(c["a"] * c["d"] - c["b"] * c["c"]) / den**2
    if k in ("sin", "cos"):
        if c["c"] != 0 or (2 * c["b"] * v).denominator != 1:
            return None
        n = int(2 * c["b"] * v)  # argument = n * pi / 2
        s = (0, 1, 0, -1)[n % 4]
        co = (1, 0, -1, 0)[n % 4]
        if k == "sin":
            return Fraction(c["a"] * s + c["d"]), (Fraction(0) if co == 0 else None)
        return Fraction(c["a"] * co + c["d"]), (Fraction(0) if s == 0 else None)
    if k == "exp":
        if v != 0:
            return None
        return Fraction(c["a"] + c["c"]), None
    return None


def _value_pq(c: dict[str, Any], p: int, q: int) -> tuple[int, int] | None:
    """The cheap integer form of ``_step``'s acceptance in ``_free``: c(p/q) as an unreduced (N, D), D > 0,
    for a component differentiable at v = p/q (q > 0) with a nonzero (possibly irrational) derivative;
    None where ``_step`` gives None or a zero derivative. Sine / cosine need ``c["c"] == 0``."""
    k = c["kind"]
    if k == "lin":
        return c["a"] * p + c["b"] * q, q
    if k == "quad":
        a, b = c["a"], c["b"]
        if 2 * a * p + b * q == 0:
            return None
        return (a * p + b * q) * p + c["c"] * q * q, q * q
    if k == "abs":
        w = p - c["b"] * q
        if w == 0:
            return None
        return c["a"] * abs(w) + c["c"] * q, q
    if k == "rat":
        den = c["c"] * p + c["d"] * q  # the derivative (ad - bc)/den^2 is nonzero: ad != bc
        if den == 0:
            return None
        num = c["a"] * p + c["b"] * q
        return (num, den) if den > 0 else (-num, -den)
    if k in ("sin", "cos"):
        t = 2 * c["b"] * p
        if t % q:
            return None
        n = (t // q) % 4  # argument = n * pi / 2
        if (n % 2 == 1) == (k == "sin"):  # a crest: the derivative vanishes
            return None
        return c["a"] * ((0, 1, 0, -1)[n] if k == "sin" else (1, 0, -1, 0)[n]) + c["d"], 1
    if k == "exp":
        return (c["a"] + c["c"], 1) if p == 0 else None
    return None


def _free(rng: random.Random, kind: str, v: Fraction) -> tuple[dict, Fraction] | None:
    """A component of ``kind`` differentiable at v with a nonzero derivative and a rational value.

    Draws exactly as before (``draw_component``, up to 20 candidates); each candidate is screened in
    integers (the tests of ``_value_pq``, inlined per kind on the drawn integers: the hot loop of the
    hard draws), and only the kept one becomes a dict and a Fraction (equal to ``_step(c, v)[0]``)."""
    p, q = v.numerator, v.denominator
    if type(rng) is not random.Random:
        return _free_plain(rng, kind, v)
    pick = _picker(rng)
    bound = VALUE_BOUND * q
    # pick(_NZ5) / pick(_R5) inlined (this loop draws most of the random numbers of a hard case)
    getrandbits = rng.getrandbits
    nz5, n_nz5, k_nz5 = _NZ5
    r5, n_r5, k_r5 = _R5
    if kind == "lin":
        for _ in range(20):
            r = getrandbits(k_nz5)
            while r >= n_nz5:
                r = getrandbits(k_nz5)
            a = nz5[r]
            r = getrandbits(k_r5)
            while r >= n_r5:
                r = getrandbits(k_r5)
            b = r5[r]
            num = a * p + b * q
            if -bound <= num <= bound:
                return {"kind": kind, "a": a, "b": b}, Fraction(num, q)
        return None
    if kind == "quad" or kind == "abs":
        quad = kind == "quad"
        if quad:
            bound *= q
        for _ in range(20):
            r = getrandbits(k_nz5)
            while r >= n_nz5:
                r = getrandbits(k_nz5)
            a = nz5[r]
            r = getrandbits(k_r5)
            while r >= n_r5:
                r = getrandbits(k_r5)
            b = r5[r]
            r = getrandbits(k_r5)
            while r >= n_r5:
                r = getrandbits(k_r5)
            c = r5[r]
            if quad:
                if 2 * a * p + b * q == 0:
                    continue
                num = (a * p + b * q) * p + c * q * q
                if -bound <= num <= bound:
                    return {"kind": kind, "a": a, "b": b, "c": c}, Fraction(num, q * q)
            else:
                w = p - b * q
                if w == 0:
                    continue
                num = a * abs(w) + c * q
                if -bound <= num <= bound:
                    return {"kind": kind, "a": a, "b": b, "c": c}, Fraction(num, q)
        return None
    if kind == "rat":
        for _ in range(20):
            a, b, c, d = _rat_coeffs(pick)
            den = c * p + d * q
            if den == 0:
                continue
            num = a * p + b * q
            if den < 0:
                num, den = -num, -den
            if abs(num) <= VALUE_BOUND * den:
                return {"kind": kind, "a": a, "b": b, "c": c, "d": d}, Fraction(num, den)
        return None
    return _free_plain(rng, kind, v)


def _rat_coeffs(pick) -> tuple[int, int, int, int]:
    """``draw_component(rng, "rat")``'s coefficients, drawn identically (``pick`` of ``_picker(rng)``)."""
    for _ in range(100):
        a, b, d = pick(_R3), pick(_R3), pick(_R3)
        c = pick(_NZ3)
        if a * d - b * c != 0:
            return a, b, c, d
    raise RuntimeError("could not draw a non-degenerate rational component in 100 tries")


def _free_plain(rng: random.Random, kind: str, v: Fraction) -> tuple[dict, Fraction] | None:
    """``_free`` through ``draw_component`` and ``_value_pq`` (the transcendental kinds, other rngs)."""
    p, q = v.numerator, v.denominator
    trig = kind in ("sin", "cos")
    for _ in range(20):
        c = draw_component(rng, kind)
        if trig:
            c["c"] = 0
        out = _value_pq(c, p, q)
        if out is not None and abs(out[0]) <= VALUE_BOUND * out[1]:
            return c, Fraction(out[0], out[1])
    return None


def _sample_all(rng: random.Random, seq: tuple) -> list:
    """``rng.sample(seq, len(seq))`` for a short sequence, drawn exactly as CPython's ``sample`` draws it
    (its pool method: one ``randrange`` per pick, the vacancy filled from the end), without its per-call
    set-size and type checks (this runs tens of thousands of times per hard draw). For a plain
    ``random.Random`` the ``randrange(m)`` is CPython's ``_randbelow`` inlined (``getrandbits(m.bit_length())``
    until below m), which is what ``randrange`` does."""
    pool = list(seq)
    n = len(pool)
    out = []
    if type(rng) is random.Random:
        getrandbits = rng.getrandbits
        for m in range(n, 0, -1):
            k = m.bit_length()
            j = getrandbits(k)
            while j >= m:
                j = getrandbits(k)
            out.append(pool[j])
            pool[j] = pool[m - 1]
        return out
    for i in range(n):
        j = rng.randrange(n - i)
        out.append(pool[j])
        pool[j] = pool[n - i - 1]
    return out


_QUAD_A = (1, -1, 2, -2, 3, -3)
_TRIG_B = (1, 2, 3)
_TRIG_A = (-3, -2, -1, 1, 2, 3)


def _critical(rng: random.Random, kind: str, v: Fraction) -> tuple[dict, Fraction] | None:
    """A component with a nondegenerate critical point at its input v (quadratic vertex, sine/cosine crest)."""
    p, q = v.numerator, v.denominator
    if kind == "quad":
        for a in _sample_all(rng, _QUAD_A):
            t = -2 * a * p  # b = t / q
            if t % q == 0 and abs(t // q) <= 20:
                c = {"kind": "quad", "a": a, "b": t // q, "c": rng.randint(-5, 5)}
                return c, _step(c, v)[0]
        return None
    for b in _sample_all(rng, _TRIG_B):
        c = {"kind": kind, "a": rng.choice(_TRIG_A), "b": b, "c": 0, "d": rng.randint(-3, 3)}
        t = 2 * b * p  # a crest needs 2 b v an integer n with sin / cos of n pi/2 = 0 for the derivative
        if t % q == 0 and ((t // q) % 2 == (1 if kind == "sin" else 0)):
            return c, _step(c, v)[0]
    return None


def _solve_last(rng: random.Random, kind: str, v: Fraction, target: int) -> dict | None:
    """The outermost component with c(v) = target and c'(v) != 0, its constant solved (integer, bounded).

    Integer arithmetic on v = p/q (no Fractions in the loop); draws exactly as the Fraction form did."""
    p, q = v.numerator, v.denominator
    if type(rng) is random.Random and kind in ("lin", "quad", "abs", "rat"):
        return _solve_last_fast(rng, kind, p, q, target)
    for _ in range(20):
        c = draw_component(rng, kind)
        if kind == "lin":
            key, num, den = "b", target * q - c["a"] * p, q  # a v + b = target
        elif kind == "quad":
            if 2 * c["a"] * p + c["b"] * q == 0:
                continue  # a vertex at v: the derivative vanishes
            key, num, den = "c", target * q * q - (c["a"] * p + c["b"] * q) * p, q * q
        elif kind == "abs":
            w = p - c["b"] * q
            if w == 0:
                continue
            key, num, den = "c", target * q - c["a"] * abs(w), q
        elif kind == "rat":
            d = c["c"] * p + c["d"] * q  # den = d / q
            num = target * d - c["a"] * p  # b = num / q makes (a v + b) / den = target
            if d == 0 or num % q or abs(num // q) > CONST_BOUND:
                continue
            c["b"] = num // q
            if c["a"] * c["d"] - c["b"] * c["c"] == 0:
                continue
            return c
        else:  # sin with c = 0 at a zero of sin(b pi v): value d, derivative nonzero
            c["c"] = 0
            if (c["b"] * p) % q:
                continue
            c["d"] = target
            return c
        if num % den or abs(num // den) > CONST_BOUND:
            continue
        c[key] = num // den
        return c
    return None


def _solve_last_fast(rng: random.Random, kind: str, p: int, q: int, target: int) -> dict | None:
    """``_solve_last`` for the piecewise-rational kinds on the drawn integers (a dict only for the kept
    candidate); the same draws and the same component."""
    pick = _picker(rng)
    for _ in range(20):
        if kind == "rat":
            a, b, c, d = _rat_coeffs(pick)
            den = c * p + d * q
            num = target * den - a * p
            if den == 0 or num % q or abs(num // q) > CONST_BOUND:
                continue
            b = num // q
            if a * d - b * c == 0:
                continue
            return {"kind": kind, "a": a, "b": b, "c": c, "d": d}
        a = pick(_NZ5)
        b = pick(_R5)
        if kind == "lin":
            num, den = target * q - a * p, q
        else:
            c = pick(_R5)
            if kind == "quad":
                if 2 * a * p + b * q == 0:
                    continue
                num, den = target * q * q - (a * p + b * q) * p, q * q
            else:
                w = p - b * q
                if w == 0:
                    continue
                num, den = target * q - a * abs(w), q
        if num % den or abs(num // den) > CONST_BOUND:
            continue
        if kind == "lin":
            return {"kind": kind, "a": a, "b": num // den}
        return {"kind": kind, "a": a, "b": b, "c": num // den}
    return None


def crest_points(chain: Chain, x0: Fraction, lo: int, hi: int) -> list[Fraction]:
    """Every x in (lo, hi) where the critical component repeats its critical value at x0: one point for a
    quadratic vertex (its input is x or an injective lin / rat of x); every 2/b in its input for a sine or
    cosine crest, whose input is x or a lin of x (mapped back exactly)."""
    crit = chain[0] if chain[0]["kind"] in ("quad", "sin", "cos") and _step(chain[0], x0)[1] == 0 else chain[1]
    if crit["kind"] == "quad":
        return [x0]
    alpha, beta = (1, 0) if crit is chain[0] else (chain[0]["a"], chain[0]["b"])
    u0, step = alpha * x0 + beta, Fraction(2, crit["b"])
    ulo, uhi = sorted((alpha * lo + beta, alpha * hi + beta))
    first = u0 - step * ((u0 - ulo) // step)
    out, u = [], first
    while u < uhi:
        if u > ulo:
            out.append((u - beta) / alpha)
        u += step
    return sorted(out)


def touch_chain(rng: random.Random, n: int, x0: Fraction, target: int,
                p_transcendental: float = 0.5) -> Chain | None:
    """``n`` >= 2 components with f(x0) = target and f'(x0) = 0, a nondegenerate critical point; None on failure.

    The innermost component has the critical point (a quadratic's vertex at x0, or a sine/cosine crest
    there), every later one is differentiable at the running exact value with a nonzero derivative, and
    the outermost one's constant is solved so that f(x0) = target.
    """
    trans = rng.randrange(n) if rng.random() < p_transcendental else None
    crit = rng.choice((0, 1)) if n > 2 else 0  # an injective lin / rat may come before the critical component
    chain: Chain = []
    v = x0
    if crit == 1:
        kind = "lin" if trans == 1 else rng.choice(("lin", "rat"))
        got = _free(rng, kind, v)
        if got is None or trans == 0:
            return None
        chain.append(got[0])
        v = got[1]
    for i in range(crit, n):
        base = rng.choice(("lin", "quad", "abs", "rat"))
        if i == n - 1:
            kind = "sin" if trans == i else base
            comp = _solve_last(rng, kind, v, target) or (None if kind == base else _solve_last(rng, base, v, target))
            if comp is None:
                return None
            chain.append(comp)
            return chain
        if i == crit:
            got = _critical(rng, rng.choice(("sin", "cos")) if trans == i else "quad", v) or _critical(rng, "quad", v)
        else:
            kind = rng.choice(("sin", "cos", "exp")) if trans == i else base
            got = _free(rng, kind, v) or (None if kind == base else _free(rng, base, v))
        if got is None:
            return None
        chain.append(got[0])
        v = got[1]
    return None


def draw_touch_point(rng: random.Random, lo: int, hi: int) -> Fraction:
    """A rational point well inside (lo, hi), denominator 1..4."""
    q = rng.choice([1, 2, 2, 3, 4])
    return Fraction(rng.randint(int(lo * q) + q, int(hi * q) - q), q)


def pole_chain(rng: random.Random, n: int, a: int, b: int, p_transcendental: float = 0.5) -> Chain:
    """``n`` >= 2 components: lin(q, beta) then a rational component whose pole lies at distance 1/q
    (q = 3..8) just outside [a, b] (beyond b or before a), then ``n - 2`` freely drawn components."""
    q = rng.randint(3, 8)
    beta = rng.randint(-5, 5)
    pole = Fraction(b) + Fraction(1, q) if rng.random() < 0.5 else Fraction(a) - Fraction(1, q)
    c = rng.choice([-3, -2, -1, 1, 2, 3])
    d = -c * (q * pole + beta)  # c*(q x + beta) + d = 0 at x = pole; an integer
    while True:
        num_a, num_b = rng.randint(-3, 3), rng.randint(-3, 3)
        if num_a * d - num_b * c != 0:
            break
    from generators.algebra.func_model import draw_chain  # local: the free tail is an ordinary draw
    tail = draw_chain(rng, n - 2, p_transcendental) if n > 2 else []
    return [{"kind": "lin", "a": q, "b": beta}, {"kind": "rat", "a": num_a, "b": num_b, "c": c, "d": int(d)}] + tail


def pole_outside(chain: Chain) -> Fraction | None:
    """The pole of a ``pole_chain`` (its second component), exactly."""
    lin, rat = chain[0], chain[1]
    return (Fraction(-rat["d"], rat["c"]) - lin["b"]) / lin["a"]


# ---------------------------------------------------------------- certification (solve side)

def _exact_jet(chain: Chain, x0: Fraction) -> tuple[Fraction, Fraction | None] | None:
    """(f(x0), f'(x0)) exactly by rational arithmetic along the chain; f' None when it is a nonzero
    irrational (a sine / cosine slope factor); None when a stage is not rational at x0 (then sympy decides)."""
    v, d, zero, irrational = x0, Fraction(1), False, False
    for c in chain:
        out = _step(c, v)
        if out is None:
            return None
        v, dc = out
        if dc is None:
            irrational = True
        elif dc == 0:
            zero = True
        else:
            d *= dc
    return v, (Fraction(0) if zero else None if irrational else d)


def _exact(chains: list[Chain], signs: tuple[int, ...], x0: Fraction) -> None:
    """Prove h(x0) = 0 and h'(x0) = 0 exactly (rational arithmetic, else sympy), else Uncertain."""
    jets = [_exact_jet(ch, x0) for ch in chains]
    if all(j is not None and j[1] is not None for j in jets):
        value = sum(s * j[0] for j, s in zip(jets, signs))
        slope = sum(s * j[1] for j, s in zip(jets, signs))
        if value != 0 or slope != 0:
            raise Uncertain("the constructed double zero is not exact")
        return
    h = sp.Add(*[s * chain_expr(ch) for ch, s in zip(chains, signs)])
    r = sp.Rational(x0.numerator, x0.denominator)
    for expr in (h, sp.diff(h, X)):
        if sp.simplify(expr.subs(X, r)).is_zero is not True:
            raise Uncertain("the constructed double zero is not exact")


def certified_touch_zeros(chains: list[Chain], signs: tuple[int, ...], lo: int, hi: int, touches: list[Fraction],
                          delta: float) -> tuple[list[Bracket], list[Fraction], list[Bracket]]:
    """Zeros of h = sum signs*chains on [lo, hi] when ``touches`` are constructed double zeros.

    Returns (brackets of the simple zeros, exact zeros as Fractions: the touches and zero ends, breakpoints).
    """
    if not touches:
        raise Uncertain("no double zero to certify")
    windows = []
    for x0 in sorted(touches):
        _exact(chains, signs, x0)
        t = float(x0)
        windows.append((t - NEIGHBOURHOOD, t + NEIGHBOURHOOD))
    ends = [lo] + [e for w in windows for e in w] + [hi]
    if any(q - p < 4 * delta for p, q in zip(ends, ends[1:])):
        raise Uncertain("double zeros too near each other or an end")
    wa, wb = np.array([w[0] for w in windows]), np.array([w[1] for w in windows])
    if any(chain_breakpoints(ch, a - delta, b + delta) for ch in chains for a, b in windows):
        raise Uncertain("a breakpoint near a double zero")
    d2 = _jet(chains, signs, wa, wb, 2)[2]
    if not ((d2[0] > 0) | (d2[1] < 0)).all():
        raise Uncertain("h'' not certified one-signed around a double zero")
    vf = value_evaluator(chains, signs)
    pts = np.concatenate([wa, wb])
    v, _ = vf(pts, pts, False)
    if ((v[0] <= 0) & (v[1] >= 0)).any():
        raise Uncertain("h not certified nonzero at the window ends")
    simple: list[Bracket] = []
    breaks: list[Bracket] = []
    exact = list(touches)
    for p, q in zip(ends[0::2], ends[1::2]):
        res = analyze(chains, signs, p, q, zeros=True, delta=delta)
        simple += res.zeros
        breaks += res.breaks
        if p == lo and res.zero_at_lo:
            exact.append(Fraction(lo))
        if q == hi and res.zero_at_hi:
            exact.append(Fraction(hi))
    if is_piecewise_rational(chains):
        count = exact_zero_count(chains, signs, breaks, lo, hi)
        if count != len(simple) + len(exact):
            raise VerificationError(f"exact count {count} != certified {len(simple) + len(exact)} for {chains}")
    return simple, exact, breaks


# ---------------------------------------------------------------- independent check side

def touch_zeros(chains: list[Chain], signs: tuple[int, ...], sc: scan.Scan) -> list[Fraction] | None:
    """Zeros of h without a sign change (touching the axis) found from the scan, each verified exactly.

    None when a candidate cannot be decided (|h| < 1e-20 at a critical point that is not an exact zero).
    """
    out: list[Fraction] = []
    h = scan.mp_function(chains, signs)
    dh = scan.mp_derivative(chains, signs)
    parts = [scan.mp_function([ch], (1,)) for ch in chains]
    for j, k, _ in scan.extremum_cells(sc):
        if sc.value_sign[j] == 0 or sc.value_sign[j] != sc.value_sign[k]:
            continue
        # near a touching zero x*, |h(x_j)| <= |h'(x_j)| |x_j - x*| (h'(x*) = 0): else no zero can hide here
        width = float(sc.x[k] - sc.x[j])
        if min(abs(sc.value[j]) - abs(sc.slope[j]) * width, abs(sc.value[k]) - abs(sc.slope[k]) * width) > 1e-12:
            continue
        with mpmath.workdps(60):
            xc = scan.root_in(dh, float(sc.x[j]), float(sc.x[k]), dps=45)
            if abs(h(xc)) > mpmath.mpf(10) ** -30 * (1 + sum(abs(g(xc)) for g in parts)):
                continue
            r = Fraction(mpmath.nstr(xc, 40, min_fixed=-99, max_fixed=99)).limit_denominator(10**4)
        xr = sp.Rational(r.numerator, r.denominator)  # h(r) built directly at r (no symbolic h to substitute)
        at = sp.Add(*[s * chain_expr(ch, xr) for ch, s in zip(chains, signs)])
        if at.is_zero is not True and sp.simplify(at).is_zero is not True:
            return None
        out.append(r)
    return out


def checked_zero_positions(chains: list[Chain], signs: tuple[int, ...], sc: scan.Scan) -> list[float] | None:
    """All zero positions of h by the scan: sign changes and exact sample zeros, plus verified touching zeros."""
    crossings = scan.zero_positions(sc)
    touches = touch_zeros(chains, signs, sc)
    if touches is None:
        return None
    func = scan.mp_function(chains, signs)
    xs = []
    with mpmath.workdps(40):
        for p, q in crossings:
            xs.append(scan.root_in(func, p, q))
    for r in touches:
        if all(abs(float(x) - float(r)) > 1e-9 for x in xs):
            xs.append(mpmath.mpf(r.numerator) / r.denominator)
    return sorted(xs)


def checked_zero_count(chains: list[Chain], signs: tuple[int, ...], sc: scan.Scan) -> int | None:
    """Number of zeros of h by the scan: sign changes, exact sample zeros and verified touching zeros."""
    crossings = scan.zero_positions(sc)
    touches = touch_zeros(chains, signs, sc)
    if touches is None:
        return None
    at_samples = [p for p, q in crossings if p == q]
    return len(crossings) + sum(1 for r in touches if all(abs(float(r) - p) > 1e-9 for p in at_samples))


# ---------------------------------------------------------------- the families' hooks

BUILD_TRIES = 60  # constructions are cheap (no certified work); most fail a coefficient bound


def _cert(kind: str, xs: list[Fraction]) -> dict[str, Any]:
    return {"kind": kind, "x": [str(x) for x in xs]}


def draw_double_zero(rng: random.Random, n: int, lo: int, hi: int) -> dict[str, Any]:
    """A zero-count instance whose f has constructed double zeros inside (lo, hi)."""
    for _ in range(BUILD_TRIES):
        x0 = draw_touch_point(rng, lo, hi)
        f = touch_chain(rng, n, x0, 0)
        if f is not None:
            return {"f": f, "lo": lo, "hi": hi, "certificate": _cert("double_zero", crest_points(f, x0, lo, hi))}
    raise Reject("could not build a double zero")


def draw_tangent_pair(rng: random.Random, nf: int, ng: int, lo: int, hi: int) -> dict[str, Any]:
    """f and g built with a common critical point x0 and a common value there: tangent graphs."""
    for _ in range(BUILD_TRIES):
        x0 = draw_touch_point(rng, lo, hi)
        t = rng.randint(-3, 3)
        f = touch_chain(rng, nf, x0, t)
        g = touch_chain(rng, ng, x0, t) if f is not None else None
        if g is not None:
            common = sorted(set(crest_points(f, x0, lo, hi)) & set(crest_points(g, x0, lo, hi)))
            return {"f": f, "g": g, "lo": lo, "hi": hi, "certificate": _cert("tangency", common)}
    raise Reject("could not build a tangency")


def draw_pole_outside(rng: random.Random, n: int, a: int, b: int) -> tuple[Chain, dict[str, str]]:
    f = pole_chain(rng, n, a, b)
    return f, _cert("pole_outside", [pole_outside(f)])


def certified_count(chains: list[Chain], signs: tuple[int, ...], lo: int, hi: int, touches: list[Fraction],
                    delta: float) -> int:
    simple, exact, _ = certified_touch_zeros(chains, signs, lo, hi, touches, delta)
    return len(simple) + len(exact)


def certified_points(chains: list[Chain], signs: tuple[int, ...], lo: int, hi: int, touches: list[Fraction],
                     delta: float) -> list[mpmath.mpf]:
    """Every zero of h on [lo, hi] at about 30 digits (simple ones refined in their brackets; exact ones exact)."""
    from generators.algebra.func_roots import mp_value, refine
    simple, exact, _ = certified_touch_zeros(chains, signs, lo, hi, touches, delta)
    xs = [refine(lambda t: mp_value(chains, signs, t), (z.lo, z.hi)) for z in simple]
    return xs + [mpmath.mpf(e.numerator) / e.denominator for e in exact]


# ---------------------------------------------------------------- flat extrema (extrema, derivative sign)

def flat_chain(rng: random.Random, n: int, x0: Fraction, p_transcendental: float = 0.5) -> Chain | None:
    """``n`` >= 3 components with a flat extremum at x0: f - f(x0) ~ c (x - x0)^4, so f' has a triple zero.

    An optional injective lin / rat P, then a quadratic T1 with its vertex at P(x0) and a quadratic T2 with
    its vertex at T1's vertex value (T2'(T1(u)) T1'(u) = 4 a1^2 a2 (u - w)^3 exactly), then a free tail.
    """
    from generators.algebra.func_model import draw_chain
    pre = rng.choice((0, 1)) if n > 3 else 0
    chain: Chain = []
    v = x0
    if pre:
        got = _free(rng, rng.choice(("lin", "rat")), v)
        if got is None:
            return None
        chain.append(got[0])
        v = got[1]
    for _ in range(2):
        got = _critical(rng, "quad", v)
        if got is None:
            return None
        chain.append(got[0])
        v = got[1]
    rest = n - len(chain)
    return chain + (draw_chain(rng, rest, p_transcendental) if rest else [])


def draw_flat_extremum(rng: random.Random, n: int, lo: int, hi: int) -> dict[str, Any]:
    for _ in range(BUILD_TRIES):
        x0 = draw_touch_point(rng, lo, hi)
        f = flat_chain(rng, n, x0)
        if f is not None:
            return {"f": f, "lo": lo, "hi": hi, "certificate": _cert("flat_extremum", [x0])}
    raise Reject("could not build a flat extremum")


def _flat_stage(chain: Chain, x0: Fraction) -> int:
    """The index k of T1 (T1 = chain[k], T2 = chain[k + 1] quadratics with vertices stacked at x0), proved
    exactly; Uncertain when the chain has no such pair."""
    for k in (0, 1):
        if len(chain) < k + 2 or chain[k]["kind"] != "quad" or chain[k + 1]["kind"] != "quad":
            continue
        jet = _exact_jet(chain[:k], x0)
        if jet is None or jet[1] in (None, 0):
            continue
        v = jet[0]
        t1, t2 = chain[k], chain[k + 1]
        v1 = (t1["a"] * v + t1["b"]) * v + t1["c"]
        if 2 * t1["a"] * v + t1["b"] == 0 and 2 * t2["a"] * v1 + t2["b"] == 0:
            return k
    raise Uncertain("no stacked vertices at the certified point")


def certified_flat_slopes(chain: Chain, lo: int, hi: int, x0: Fraction, delta: float):
    """Certified events and derivative signs of f on (lo, hi) when x0 is a constructed flat extremum.

    Around x0 (a window of half-width 1/64), f' = O'(.) * 4 a1^2 a2 (P(x) - w)^3 * P'(x) exactly, and the
    enclosures of P' on the window and of O' on the range of the inner stages exclude 0: x0 is the only
    critical point there and f' changes sign at it. The rest is the usual certified analysis; for
    piecewise-rational f the signs are also derived exactly (FLINT, ``func_exact``) and must agree.
    """
    from generators.algebra import func_interval as iv
    from generators.algebra.func_exact import exact_slopes
    from generators.algebra.func_roots import Analysis
    k = _flat_stage(chain, x0)
    t = float(x0)
    a, b = t - NEIGHBOURHOOD, t + NEIGHBOURHOOD
    if not (lo + 4 * delta < a and b < hi - 4 * delta):
        raise Uncertain("the flat extremum is too near an end")
    if chain_breakpoints(chain, a - delta, b + delta):
        raise Uncertain("a breakpoint near the flat extremum")
    A, B = np.array([a]), np.array([b])
    with iv.quiet():
        sign = 1 if chain[k + 1]["a"] > 0 else -1
        if k:
            d = iv.enclose(chain[:k], A, B, 1)[1]
            if not (d[0][0] > 0 or d[1][0] < 0):
                raise Uncertain("P' not one-signed on the window")
            sign *= 1 if d[0][0] > 0 else -1
        if len(chain) > k + 2:
            rng_t = iv.enclose(chain[: k + 2], A, B, 0)[0]
            d = iv.enclose(chain[k + 2:], rng_t[0], rng_t[1], 1)[1]
            if not (np.isfinite(d[0][0]) and np.isfinite(d[1][0]) and (d[0][0] > 0 or d[1][0] < 0)):
                raise Uncertain("the outer derivative not one-signed on the window")
            sign *= 1 if d[0][0] > 0 else -1
    left = analyze([chain], (1,), lo, a, zeros=False, crits=True, delta=delta)
    right = analyze([chain], (1,), b, hi, zeros=False, crits=True, delta=delta)
    if left.slopes[-1] != -sign or right.slopes[0] != sign:
        raise Uncertain("derivative signs around the flat extremum not confirmed")
    flat = Bracket(t - 1e-9, t + 1e-9, "crit")
    res = Analysis(lo, hi, left.breaks + right.breaks, crits=left.crits + [flat] + right.crits,
                   events=left.events + [flat] + right.events, slopes=left.slopes + right.slopes)
    if is_piecewise_rational([chain]):
        exact = exact_slopes(chain, res.breaks, lo, hi)
        if exact != res.slopes:
            raise VerificationError(f"exact derivative signs {exact} != certified {res.slopes} for {chain}")
    return res
