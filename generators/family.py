"""The Family contract: one problem template with a level ladder, a solver and an independent checker.

A family module subclasses :class:`Family`, fills in the class attributes and the three methods, and
decorates the class with ``@register_family`` (from ``generators.registry``). Nothing else changes when a
family is added: ``omegactl ls``, ``generate``, ``eval`` and ``report`` pick it up from the registry.
"""
from __future__ import annotations

import random
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

from generators.record import BOXED_SUFFIX


class Reject(Exception):
    """Raised by ``generate`` when a drawn instance is unusable; the framework re-draws it."""


class GenerationError(Exception):
    """A request that cannot be filled (level space exhausted, a rejection bound hit)."""


class VerificationError(Exception):
    """``solve`` and the independent ``check`` disagree: a bug in the family, never written out."""


@dataclass
class Problem:
    """One drawn instance: the question text and the parameters its answer is recomputed from."""

    question: str
    params: dict[str, Any] = field(default_factory=dict)
    answer_type: str | None = None  # overrides the family's default, e.g. an int-valued rational
    draft_state: Any = field(default=None, repr=False, compare=False)  # what ``draft`` hands ``complete``; never written out


class Family(ABC):
    """A problem family. Subclasses set the class attributes and implement the three methods."""

    name: ClassVar[str]
    axis: ClassVar[str] = "exploratory"
    domain: ClassVar[str]
    description: ClassVar[str]  # one line, shown by ``omegactl ls``
    answer_type: ClassVar[str]
    extra_answer_types: ClassVar[tuple[str, ...]] = ()  # per-item overrides ``generate`` may return
    levels: ClassVar[dict[int, dict[str, Any]]]  # level -> knobs
    train_levels: ClassVar[tuple[int, ...] | None] = None  # default: the first two levels
    ood_levels: ClassVar[tuple[int, ...] | None] = None  # default: the levels above train_levels
    version: ClassVar[str] = "1"
    max_attempts: ClassVar[int] = 1000  # re-draws per item before giving up
    test_items: ClassVar[int] = 200  # items per level in the default generic test (the slow test runs 200)
    prompt_suffix: ClassVar[str] = BOXED_SUFFIX

    @abstractmethod
    def generate(self, rng: random.Random, level: int) -> Problem:
        """Draw one instance at ``level`` using only ``rng``; raise :class:`Reject` to re-draw."""

    @abstractmethod
    def solve(self, params: dict[str, Any]) -> Any:
        """The exact canonical answer (JSON-serialisable) of the instance described by ``params``."""

    @abstractmethod
    def check(self, params: dict[str, Any], answer: Any) -> bool:
        """Independently confirm ``answer`` by a different method than ``solve``."""

    def draft(self, rng: random.Random, level: int) -> Problem:
        """The drawn problem before any expensive work (see :meth:`complete`); by default all of ``generate``.

        The framework drafts, checks the split bucket and duplicates on the draft's question or
        ``dedupe_key``, and only then completes it, so a family whose ``generate`` certifies the instance can
        split it in two and skip that work for draws the split would throw away. Together they must use
        ``rng`` exactly as ``generate`` does.
        """
        return self.generate(rng, level)

    def complete(self, problem: Problem) -> Problem:
        """The expensive second half of ``generate`` on a draft (raise :class:`Reject` to re-draw)."""
        return problem

    def dedupe_key(self, problem: Problem) -> str:
        """Text that identifies the problem for split disjointness and de-duplication.

        Two instances with the same key count as the same problem. The default is the question text;
        families whose instances are equivalent under a renaming (e.g. of letters) return a canonical
        form, so a renamed copy of a training problem can never appear in a test split.
        """
        return problem.question

    # -- derived
    @property
    def level_range(self) -> tuple[int, ...]:
        return tuple(sorted(self.levels))

    def default_train_levels(self) -> tuple[int, ...]:
        return tuple(self.train_levels) if self.train_levels else self.level_range[:2]

    def default_ood_levels(self) -> tuple[int, ...]:
        if self.ood_levels:
            return tuple(self.ood_levels)
        top = max(self.default_train_levels())
        return tuple(lv for lv in self.level_range if lv > top)
