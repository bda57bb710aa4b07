"""Answer extraction and typed, symbolic comparison for omegactl (``from verifiers import verify``).

Rules and decisions are documented in verifiers/RULES.md; sympy runs only in sandboxed worker processes.
"""
from .api import equivalent, reward, verify
from .verdict import VERIFIER_VERSION, ModeVerdict, Verdict

__all__ = ["verify", "equivalent", "reward", "VERIFIER_VERSION", "Verdict", "ModeVerdict"]
