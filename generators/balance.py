"""Answer balancing: thin out over-common answers so that no constant guess scores well on a level.

Items are drawn independently (per-item seeding), so a family cannot count what it has produced so far.
Instead it states, per level, how often to keep a draw whose answer is one of the answers its natural
distribution over-produces (measured with ``benchmarks/bench_guessability.py``); every other answer is
always kept. Thinning is rejection sampling: the kept items follow the natural distribution reweighted by
the keep probabilities, and the coin comes from the item's own ``rng``, so output stays deterministic.
"""
from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from typing import Any

from generators.family import Reject


def thin(rng: random.Random, answer: Any, keep: Mapping[Any, float] | Callable[[Any], float] | None) -> None:
    """Raise :class:`Reject` with probability ``1 - keep(answer)``; answers ``keep`` does not name are kept."""
    if keep is None:
        return
    p = keep(answer) if callable(keep) else keep.get(answer, 1.0)
    if p < 1.0 and rng.random() >= p:
        raise Reject(f"answer {answer!r} thinned to keep the level hard to guess")
