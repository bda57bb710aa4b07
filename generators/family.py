"""The Family contract: one problem template with a level ladder, a solver and an independent checker.

A family module subclasses :class:`Family`, fills in the class attributes and the three methods, and
decorates the class with ``@register_family`` (from ``generators.registration``). Nothing else changes when a
family is added: ``omegactl ls``, ``generate``, ``eval`` and ``report`` pick it up from the registry.
"""
from __future__ import annotations

import random
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

from generators.instance_key import params_key
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


def _holds(knob: Any, value: Any) -> bool:
    if isinstance(knob, tuple) and len(knob) == 2:
        return knob[0] <= value <= knob[1]
    if isinstance(knob, tuple) and len(knob) == 1:
        return value == knob[0]
    return knob is not None and value == knob


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

    key_ignored_params: ClassVar[tuple[str, ...]] = ("level",)  # generation knobs, not part of the instance

    def instance_key(self, params: dict[str, Any]) -> str:
        """The canonical identity of the instance described by ``params`` (never by its wording).

        Two instances with the same key are the same problem: split bucketing, de-duplication within a split
        and ``omegactl overlap`` all compare keys. The default is the canonical JSON of ``params`` without
        ``key_ignored_params``; wording templates are not stored in params, so every rendering of one
        instance has one key. Families override it where instances have symmetries (renamed letters or
        variables, symmetric operand order, scaling of a scale-invariant equation, polygon or grid
        symmetries); helpers are in :mod:`generators.instance_key`.
        """
        return params_key(params, drop=self.key_ignored_params)

    def dedupe_key(self, problem: Problem) -> str:
        """The key of a drawn problem: its :meth:`instance_key` (kept for families that need the Problem)."""
        return self.instance_key(problem.params)

    def instance_level(self, params: dict[str, Any]) -> int | None:
        """The level of an instance when the instance itself shows it, else None (the default).

        Override only where the levels draw disjoint sizes (houses, matrix order, grid side, components) and
        read the size from what :meth:`instance_key` keeps, so that every instance with one key has one
        level. The split rule then gives test_out most of the key space at the levels only test_out draws
        (``generators.settings.instance_bucket``); splits stay disjoint because the bucket is still a
        function of the instance. The framework checks the returned level against the drawing level.
        """
        return None

    def level_with(self, **values: Any) -> int | None:
        """The one level whose knobs hold every given value, else None (a helper for :meth:`instance_level`).

        A knob holds a value when it equals it, or, as an inclusive ``(lo, hi)`` range (or a one-value
        tuple), contains it.
        """
        found = [lv for lv, knobs in self.levels.items() if all(_holds(knobs.get(k), v) for k, v in values.items())]
        return found[0] if len(found) == 1 else None

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
