"""The verdict models returned by ``verify`` and the version stamp of the rules that produce them."""
from __future__ import annotations

from typing import Any, NamedTuple

from pydantic import BaseModel

# Bump whenever any verdict for any input can change (extraction, normalisation, comparison, limits).
VERIFIER_VERSION = "1.0.0"


class ModeVerdict(BaseModel):
    """One extraction mode's outcome (strict or flex)."""

    correct: bool
    extracted: str | None = None
    parsed: Any | None = None  # JSON-serialisable canonical value of the prediction
    method: str = "none"  # how the comparison was decided, e.g. "fraction", "symbolic", "grid"
    reason: str | None = None  # None when correct; else "no response", "no answer", "unparsable", "incorrect", ...
    extraction: str = "none"  # where the answer came from: boxed, anchored, last_number, output_marker, last_list, none


class Verdict(BaseModel):
    """Strict is the score; flex is reported beside it and never replaces it."""

    strict: ModeVerdict
    flex: ModeVerdict
    grid: dict | None = None  # answer_type "grid": {"exact", "color", "shape", "parsed"} of the strict answer

    @property
    def correct(self) -> bool:
        return self.strict.correct

    @property
    def extracted(self) -> str | None:
        return self.strict.extracted

    @property
    def parsed(self) -> Any | None:
        return self.strict.parsed

    @property
    def method(self) -> str:
        return self.strict.method

    @property
    def reason(self) -> str | None:
        return self.strict.reason


class Outcome(NamedTuple):
    """What a typed comparer returns: the comparison half of a ModeVerdict."""

    correct: bool
    parsed: Any
    method: str
    reason: str | None

    @staticmethod
    def fail(reason: str, method: str = "none", parsed: Any = None) -> "Outcome":
        return Outcome(False, parsed, method, reason)
