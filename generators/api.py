"""The Python API for problem sets: list settings, generate seeded problems, score responses.

    from generators import generate, score, list_settings
    problems = generate("arithmetic_gcd", split="test_out", level=4, n=5, seed=0)
    verdict = score(problems[0], "... so the answer is \\boxed{12}")   # verdict.correct, verdict.extracted

``generate`` returns the same records (same ids, same bytes from ``to_json()``) as
``omegactl generate NAME --split SPLIT --levels LEVEL --n N --seed SEED``. Bad arguments raise ``ValueError``
with a one-line message.
"""
from __future__ import annotations

from typing import Any

from generators import registry
from generators.family import GenerationError
from generators.record import ProblemRecord


def list_settings(axis: str | None = None) -> list[str]:
    """Setting names (optionally of one axis: exploratory, compositional, transformative, carc)."""
    from generators.record import AXES

    if axis is not None and axis not in AXES:
        raise ValueError(f"unknown axis {axis!r} (valid: {', '.join(AXES)})")
    return sorted(registry.settings(axis))


def generate(setting: str, split: str | None = None, level: int | None = None, n: int = 10, seed: int = 0) -> list[ProblemRecord]:
    """``n`` problems per level of ``setting``'s ``split`` (default: its first split; ``level``: only that level)."""
    if not isinstance(n, int) or n <= 0:
        raise ValueError(f"n must be a positive integer (got {n!r})")
    try:
        s = registry.get_setting(setting)
    except registry.UnknownName as exc:
        raise ValueError(str(exc)) from None
    if split is None:
        split = next((sp for sp, lv in s.splits.items() if level is None or level in lv), next(iter(s.splits)))
    try:
        return list(s.records(split, n=n, seed=seed, levels=None if level is None else (level,)))
    except GenerationError as exc:
        raise ValueError(str(exc)) from None


def score(record: ProblemRecord | dict[str, Any], response: str | None, *, timeout_s: float = 5.0):
    """The verifier's verdict for one response (``.correct``, ``.extracted``, ``.strict``, ``.flex``)."""
    from verifiers import verify

    return verify(response, record, timeout_s=timeout_s)


def accuracy(records: list[ProblemRecord], responses: list[str | None]) -> float:
    """Fraction of responses whose strict verdict is correct (one response per record, same order)."""
    if len(records) != len(responses):
        raise ValueError(f"{len(records)} records but {len(responses)} responses")
    if not records:
        raise ValueError("no records to score")
    return sum(score(r, t).correct for r, t in zip(records, responses)) / len(records)
