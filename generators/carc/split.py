"""The systematicity split: the 10 unordered type-triplets, of which a seeded shuffle holds some out.

The held-out triplets depend only on the split seed (and the number held out): the triplets are listed in
canonical order (sorted types, ``itertools.combinations`` order), shuffled by ``random.Random(split_seed)``
and the first ``held_out`` become the test (and val) triplets. Train keeps the rest. With 2 of 10 held out
every pair of types still lies in some train triplet (each pair lies in 3 triplets); ``split_triplets``
asserts this, so the only novelty at test time is the three-way combination.
"""
from __future__ import annotations

import itertools
import random

from generators.carc.primitives import TYPES

Triplet = tuple[str, str, str]
RELEASED_SPLIT_SEEDS: tuple[int, ...] = (1860, 1870, 1880, 1890)
TRAIN_SPLITS = frozenset({"train"})
HELD_OUT_SPLITS = frozenset({"val", "test"})


class SplitError(ValueError):
    """A split that cannot satisfy the systematicity design (e.g. a type pair absent from train)."""


def all_triplets() -> list[Triplet]:
    """The C(5,3) = 10 unordered type-triplets, each sorted, in canonical order."""
    return [tuple(t) for t in itertools.combinations(sorted(TYPES), 3)]  # type: ignore[misc]


def held_out_triplets(split_seed: int, held_out: int = 2) -> list[Triplet]:
    """The triplets reserved for val/test under ``split_seed`` (sorted)."""
    triplets = all_triplets()
    random.Random(split_seed).shuffle(triplets)
    return sorted(triplets[:held_out])


def train_triplets(split_seed: int, held_out: int = 2) -> list[Triplet]:
    held = set(held_out_triplets(split_seed, held_out))
    return [t for t in all_triplets() if t not in held]


def covered_pairs(triplets: list[Triplet]) -> set[tuple[str, str]]:
    return {pair for t in triplets for pair in itertools.combinations(t, 2)}


def split_triplets(split: str, split_seed: int, held_out: int = 2) -> list[Triplet]:
    """The triplets episodes of ``split`` may use: train's or the held-out ones (val and test)."""
    train = train_triplets(split_seed, held_out)
    missing = sorted(set(itertools.combinations(sorted(TYPES), 2)) - covered_pairs(train))
    if missing:
        raise SplitError(f"split seed {split_seed} with {held_out} held-out triplets leaves type pairs "
                         f"{missing} out of train; hold out fewer triplets")
    if split in TRAIN_SPLITS:
        return train
    if split in HELD_OUT_SPLITS:
        return held_out_triplets(split_seed, held_out)
    raise SplitError(f"C-ARC has no split {split!r} (valid: train, val, test)")
