"""Per-item seeding: every item draws from its own RNG derived from a stable hash of its coordinates.

Never touches the global ``random`` or ``np.random`` state, so items are identical across runs,
processes and machines and can be produced in any order or in parallel.
"""
from __future__ import annotations

import hashlib
import random

import numpy as np


def derive_seed(*parts: object) -> int:
    """A 64-bit integer from a stable hash of ``parts`` (their ``repr`` joined by a separator)."""
    text = "\x1f".join(repr(p) for p in parts)
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def item_rng(seed: int, setting: str, split: str, level: int, index: int, attempt: int = 0) -> random.Random:
    """The RNG of item ``index`` of (setting, split, level) under ``seed``; ``attempt`` re-draws it."""
    return random.Random(derive_seed("omegactl-item", seed, setting, split, level, index, attempt))


def numpy_rng(rng: random.Random) -> np.random.Generator:
    """A numpy Generator seeded from a per-item ``random.Random`` (for families that need numpy)."""
    return np.random.default_rng(rng.getrandbits(64))
