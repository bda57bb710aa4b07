"""Exceptions shared by the verifier stages; each maps to one verdict reason."""
from __future__ import annotations


class VerifierError(Exception):
    """Base class; ``reason`` is the verdict reason string it produces."""

    reason = "unparsable"


class ParseError(VerifierError):
    """The answer text is not in any form the comparer for its type understands."""

    reason = "unparsable"


class TooLarge(VerifierError):
    """An input-size guard fired (length, nesting, exponent, factorial, element count)."""

    reason = "too large"


class NotRational(VerifierError):
    """Exact rational evaluation is impossible (symbols, surds, transcendental functions)."""

    reason = "unparsable"


class NeedsSymbolic(VerifierError):
    """The fast path cannot decide; the comparison must run in the sympy worker."""

    reason = "needs symbolic"
