"""Number contexts for the construction evaluators: plain floats (fast screening) or a private mpmath
context at a fixed precision (validation and answers), plus the instantiation of free elements.

The mpmath context is private (``mpmath.MPContext``), so setting its precision never touches the
global ``mpmath.mp`` state that other families may use.
"""
from __future__ import annotations

import math
import random

import mpmath

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
    """The exact binary value of an mpf (or float) as a Fraction."""
    from fractions import Fraction

    if isinstance(x, float):
        return Fraction(x)
    man, exp = x.man_exp
    return Fraction(man) * Fraction(2) ** exp
