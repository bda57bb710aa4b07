"""High-precision definite integrals of composite functions between certified cut points.

The interval is cut at every certified corner (and, for an area, every certified crossing of f and g),
each cut refined to 60 digits inside its certified bracket. On each piece the integrand is smooth: when
every component is linear, quadratic or |.| the piece is an exact integer polynomial (the sign of each
|.| argument is fixed on the piece) and is integrated exactly by sympy; otherwise the piece's integrand
(every |.| replaced by its fixed sign, so it is holomorphic near the piece) is integrated in arb ball
arithmetic (python-flint's ``acb.integral``, 128 bits, error goal 2^-70): the result is a rigorous
enclosure, and its radius must be below 1e-15 of the value, else the instance is uncertain.
"""
from __future__ import annotations

import mpmath
import sympy as sp
from flint import acb, arb, ctx

from generators.algebra.func_model import Chain
from generators.algebra.func_roots import Analysis, Uncertain, mp_jet, mp_value, refine

POLY_KINDS = frozenset({"lin", "quad", "abs"})
QUAD_TOL = mpmath.mpf("1e-15")
ARB_PREC = 128  # bits of the ball arithmetic
# arb's error goal for the integral (its default is 2^-ARB_PREC): far below QUAD_TOL, which the enclosure's
# radius must still pass; the answer is a 2-place decimal rejected within 1e-6 of a rounding boundary
TOL_GOAL = arb(2) ** -70
_X = sp.Symbol("x")


def cut_points(res: Analysis, chains: list[Chain], signs: tuple[int, ...], crossings: bool) -> list[mpmath.mpf]:
    """[lo, corners..., (crossings...), hi] refined to 60 digits, in order."""
    cuts = [mpmath.mpf(res.lo), mpmath.mpf(res.hi)]
    for br in res.corners:
        ch = chains[br.chain]
        cuts.append(refine(lambda t: mp_jet(ch[: br.stage], t)[0] - ch[br.stage]["b"], (br.lo, br.hi), dps=60))
    if crossings:
        cuts += [refine(lambda t: mp_value(chains, signs, t), (z.lo, z.hi), dps=60) for z in res.zeros]
    return sorted(cuts)


def piece_polynomial(chain: Chain, mid: mpmath.mpf) -> sp.Poly:
    """The exact integer polynomial equal to a lin/quad/abs chain on the piece containing ``mid``."""
    u = sp.Poly(_X, _X, domain="ZZ")
    v = mid
    for c in chain:
        k = c["kind"]
        if k == "lin":
            u, v = c["a"] * u + c["b"], c["a"] * v + c["b"]
        elif k == "quad":
            u, v = c["a"] * u**2 + c["b"] * u + c["c"], c["a"] * v * v + c["b"] * v + c["c"]
        else:
            s = 1 if v - c["b"] > 0 else -1
            u, v = c["a"] * s * (u - c["b"]) + c["c"], c["a"] * abs(v - c["b"]) + c["c"]
    return u


def integrate(chains: list[Chain], signs: tuple[int, ...], cuts: list[mpmath.mpf], absolute: bool) -> mpmath.mpf:
    """The integral of h = sum signs*chains (or of |h|) over [cuts[0], cuts[-1]] at about 30 digits."""
    exact = all(c["kind"] in POLY_KINDS for ch in chains for c in ch)
    total = mpmath.mpf(0)
    with mpmath.workdps(60):
        for a, b in zip(cuts[:-1], cuts[1:]):
            if b - a <= 0:
                continue
            mid = (a + b) / 2
            flip = -1 if absolute and mp_value(chains, signs, mid) < 0 else 1
            if exact:
                poly = sum((s * piece_polynomial(ch, mid) for ch, s in zip(chains, signs)), sp.Poly(0, _X))
                anti = [mpmath.mpf(int(q)) / (i + 1) for i, q in enumerate(reversed(poly.all_coeffs()))]
                F = lambda t: sum(cf * t ** (i + 1) for i, cf in enumerate(anti))  # noqa: E731
                total += flip * (F(b) - F(a))
            else:
                total += flip * _quad(chains, signs, a, b)
    return total


def _quad(chains: list[Chain], signs: tuple[int, ...], a: mpmath.mpf, b: mpmath.mpf) -> mpmath.mpf:
    """Rigorous integral of h over the piece [a, b] (no corner inside it) in arb ball arithmetic."""
    mid = (a + b) / 2
    abs_signs = [_abs_signs(ch, mid) for ch in chains]
    old = ctx.prec
    ctx.prec = ARB_PREC
    try:
        pi = acb.pi()

        stages = [(s, _arb_stages(ch, sg)) for ch, s, sg in zip(chains, signs, abs_signs)]

        def h(x, analytic):  # holomorphic near the piece: poles make the ball non-finite, arb subdivides
            total = acb(0)
            for s, steps in stages:
                v = x
                for step in steps:
                    v = step(v, pi)
                total += s * v
            return total

        res = acb.integral(h, acb(_arb(a)), acb(_arb(b)), rel_tol=TOL_GOAL, abs_tol=TOL_GOAL)
        val, rad = res.real.mid(), res.real.rad()
    finally:
        ctx.prec = old
    if not (val.is_finite() and rad.is_finite()):  # arb could not enclose it (e.g. a pole): no certified value
        raise Uncertain("integral enclosure not finite")
    man, exp = val.man_exp()
    value = mpmath.mpf((int(man), int(exp)))
    rad_f = mpmath.mpf(float(rad.upper())) if rad.is_finite() else mpmath.inf
    if not (res.imag.rad().is_finite() and rad_f < QUAD_TOL * max(1, abs(value))):
        raise Uncertain("integral enclosure too wide")
    return value


def _arb(x: mpmath.mpf) -> arb:
    """The exact binary value of an mpf as an arb (radius 0)."""
    sign, man, exp, _ = x._mpf_
    if not man:
        return arb(0)
    return arb(((-1) ** sign * man, exp))


def _abs_signs(chain: Chain, t: mpmath.mpf) -> list[int]:
    """The sign of each |.| argument of ``chain`` at ``t`` (fixed on a piece between corners)."""
    out = []
    v = t
    for c in chain:
        k = c["kind"]
        if k == "abs":
            out.append(1 if v - c["b"] > 0 else -1)
        v = _mp_step(c, v)
    return out


def _mp_step(c: dict, v):
    k = c["kind"]
    if k == "lin":
        return c["a"] * v + c["b"]
    if k == "quad":
        return (c["a"] * v + c["b"]) * v + c["c"]
    if k == "abs":
        return c["a"] * abs(v - c["b"]) + c["c"]
    if k == "rat":
        return (c["a"] * v + c["b"]) / (c["c"] * v + c["d"])
    if k in ("sin", "cos"):
        fn = mpmath.sin if k == "sin" else mpmath.cos
        return c["a"] * fn(c["b"] * mpmath.pi * v + c["c"]) + c["d"]
    return c["a"] * mpmath.exp(c["b"] * v) + c["c"]


def _arb_chain(chain: Chain, abs_signs: list[int], x: acb, pi: acb) -> acb:
    v = x
    signs = iter(abs_signs)
    for c in chain:
        k = c["kind"]
        if k == "lin":
            v = c["a"] * v + c["b"]
        elif k == "quad":
            v = (c["a"] * v + c["b"]) * v + c["c"]
        elif k == "abs":
            v = c["a"] * next(signs) * (v - c["b"]) + c["c"]
        elif k == "rat":
            v = (c["a"] * v + c["b"]) / (c["c"] * v + c["d"])
        elif k == "sin":
            v = c["a"] * (c["b"] * pi * v + c["c"]).sin() + c["d"]
        elif k == "cos":
            v = c["a"] * (c["b"] * pi * v + c["c"]).cos() + c["d"]
        else:
            v = c["a"] * (c["b"] * v).exp() + c["c"]
    return v


def _arb_stages(chain: Chain, abs_signs: list[int]) -> list:
    """``_arb_chain`` split into one function per component, its coefficients bound once (the integrand is
    evaluated thousands of times per piece): each applies exactly the operations of ``_arb_chain``."""
    signs = iter(abs_signs)
    out = []
    for c in chain:
        k = c["kind"]
        if k == "lin":
            out.append(lambda v, pi, a=c["a"], b=c["b"]: a * v + b)
        elif k == "quad":
            out.append(lambda v, pi, a=c["a"], b=c["b"], cc=c["c"]: (a * v + b) * v + cc)
        elif k == "abs":
            out.append(lambda v, pi, a=c["a"], s=next(signs), b=c["b"], cc=c["c"]: a * s * (v - b) + cc)
        elif k == "rat":
            out.append(lambda v, pi, a=c["a"], b=c["b"], cc=c["c"], d=c["d"]: (a * v + b) / (cc * v + d))
        elif k == "sin":
            out.append(lambda v, pi, a=c["a"], b=c["b"], cc=c["c"], d=c["d"]: a * (b * pi * v + cc).sin() + d)
        elif k == "cos":
            out.append(lambda v, pi, a=c["a"], b=c["b"], cc=c["c"], d=c["d"]: a * (b * pi * v + cc).cos() + d)
        else:
            out.append(lambda v, pi, a=c["a"], b=c["b"], cc=c["c"]: a * (b * v).exp() + cc)
    return out


def pole_free(res: Analysis) -> None:
    if res.poles:
        raise Uncertain("the integrand has a pole in the interval")
