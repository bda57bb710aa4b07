"""Number contexts for the construction evaluators: plain floats (fast screening), arb / acb balls at
136 bits (python-flint: canonical values, validation, check), or a private mpmath context at 40 digits
(the same precision; kept for cross-checks in the tests), plus the instantiation of free elements.

The mpmath context is private (``mpmath.MPContext``), so setting its precision never touches the
global ``mpmath.mp`` state that other families may use. python-flint's precision is global, so the arb
context is used only inside ``arb_precision`` (which restores the previous precision on exit).
"""
from __future__ import annotations

import math
import random

import mpmath
from flint import acb, arb, ctx as flint_ctx

VALIDATION_DPS = 40


class FloatContext:
    """Python floats with the handful of functions the evaluators need."""

    sqrt = staticmethod(math.sqrt)
    sin = staticmethod(math.sin)
    cos = staticmethod(math.cos)
    atan2 = staticmethod(math.atan2)
    acos = staticmethod(math.acos)
    pi = math.pi

    @staticmethod
    def num(x) -> float:
        return float(x)

    @staticmethod
    def expj(theta):
        return complex(math.cos(theta), math.sin(theta))

    @staticmethod
    def cnum(re, im=0.0) -> complex:
        return complex(re, im)

    @staticmethod
    def arg(z) -> float:
        return math.atan2(z.imag, z.real)

    @staticmethod
    def conj(z):
        return z.conjugate()


class MPContext:
    """mpmath numbers at ``dps`` decimal digits in a context of their own."""

    def __init__(self, dps: int = VALIDATION_DPS):
        self.m = mpmath.MPContext()
        self.m.dps = dps
        self.sqrt = self.m.sqrt
        self.sin = self.m.sin
        self.cos = self.m.cos
        self.atan2 = self.m.atan2
        self.acos = self.m.acos
        self.pi = +self.m.pi

    def num(self, x):
        return self.m.mpf(x)

    def expj(self, theta):
        return self.m.expj(theta)

    def cnum(self, re, im=0):
        return self.m.mpc(re, im)

    def arg(self, z):
        return self.m.arg(z)

    @staticmethod
    def conj(z):
        return z.conjugate()


def _arb(x) -> arb:
    return x if type(x) is arb else arb(x)


class ArbContext:
    """arb / acb balls (python-flint, C) with the functions the evaluators need: every value carries a
    rigorous error bound; a comparison with an uncertain outcome is False. Create and use it only inside
    :func:`arb_precision` (``pi`` and every operation use flint's global precision)."""

    def __init__(self):
        self.pi = arb.pi()

    @staticmethod
    def num(x) -> arb:
        return _arb(x)

    @staticmethod
    def sqrt(x) -> arb:
        # the evaluator takes square roots only of quantities that are non-negative by construction
        # (sums of squares, or differences it has just required to exceed a margin), so the part of a
        # ball below zero (a squared distance near 0, say) is rounding width, not value
        return _arb(x).nonnegative_part().sqrt()

    @staticmethod
    def sin(x) -> arb:
        return _arb(x).sin()

    @staticmethod
    def cos(x) -> arb:
        return _arb(x).cos()

    @staticmethod
    def acos(x) -> arb:
        return _arb(x).acos()

    @staticmethod
    def atan2(y, x) -> arb:
        return arb.atan2(_arb(y), _arb(x))

    @staticmethod
    def cnum(re, im=0) -> acb:
        return acb(re, im)

    @staticmethod
    def expj(theta) -> acb:
        sin, cos = _arb(theta).sin_cos()
        return acb(cos, sin)

    @staticmethod
    def arg(z) -> arb:
        return z.arg()

    @staticmethod
    def conj(z):
        return z.conjugate()

    @staticmethod
    def from_mpf(x) -> arb:
        """The exact value of an mpf as an arb ball of radius 0."""
        man, exp = x.man_exp
        return arb(man) * arb(2) ** exp


class arb_precision:
    """Context manager: flint's working precision set to ``bits`` (that of the ``VALIDATION_DPS`` mpmath
    context by default), restored on exit; yields an :class:`ArbContext`."""

    def __init__(self, bits: int | None = None):
        self.bits = bits

    def __enter__(self) -> ArbContext:
        self.old = flint_ctx.prec
        flint_ctx.prec = self.bits if self.bits is not None else mpmath.libmp.dps_to_prec(VALIDATION_DPS)
        return ArbContext()

    def __exit__(self, *exc) -> None:
        flint_ctx.prec = self.old


class Instance:
    """The random draws of one instantiation of a program's free elements."""

    COORD = 10.0  # free points are uniform in [-COORD, COORD]^2

    def __init__(self, rng: random.Random):
        self.rng = rng

    def coordinate(self) -> float:
        return self.rng.uniform(-self.COORD, self.COORD)

    def direction(self) -> float:
        """An angle in [0, 2*pi)."""
        return self.rng.uniform(0.0, 2.0 * math.pi)


def to_fraction(x) -> "Fraction":
    """The exact binary value of an mpf (or float, or the midpoint of an arb ball) as a Fraction."""
    from fractions import Fraction

    if isinstance(x, float):
        return Fraction(x)
    if isinstance(x, arb):
        man, exp = x.mid().man_exp()
        return Fraction(int(man)) * Fraction(2) ** int(exp)
    man, exp = x.man_exp
    return Fraction(man) * Fraction(2) ** exp


def arb_bounds(x: arb) -> "tuple[Fraction, Fraction]":
    """The exact lower and upper ends of a finite arb ball as Fractions (ValueError if not finite)."""
    from fractions import Fraction

    if not x.is_finite():
        raise ValueError("ball is not finite")
    ends = []
    for end in (x.lower(), x.upper()):
        man, exp = end.man_exp()
        ends.append(Fraction(int(man)) * Fraction(2) ** int(exp))
    return ends[0], ends[1]
