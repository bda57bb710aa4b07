"""Families that split generate into draft + complete: the same items as one generate, and no certified work
spent on drafts that the split throws away."""
from __future__ import annotations

import pytest

from generators import registry
from generators.family import Family
from generators.settings import SPLIT_BUCKETS, make_record, question_bucket

NAMES = ["algebra_func_zeros", "algebra_func_area", "geometry_basic"]


def _items(family: Family, split: str, count: int) -> list[str]:
    seen: set[str] = set()
    return [make_record(family, setting_key=family.name, setting_name=family.name, axis=family.axis, split=split,
                        level=1, seed=3, index=i, bucket=SPLIT_BUCKETS[split], seen=seen).to_json()
            for i in range(count)]


@pytest.mark.parametrize("name", NAMES)
def test_draft_then_complete_equals_generate(name):
    family = registry.get_family(name)

    class Monolithic(type(family)):
        """The same family with the split undone: everything happens in one generate."""

        def draft(self, rng, level):
            return type(family).complete(self, type(family).draft(self, rng, level))

        def complete(self, problem):
            return problem

    assert _items(Monolithic(), "test_in", 3) == _items(family, "test_in", 3)


@pytest.mark.parametrize("name", NAMES)
def test_only_drafts_in_the_split_bucket_are_completed(name, monkeypatch):
    family = registry.get_family(name)
    completed = []
    original = type(family).complete

    def spy(self, problem):
        completed.append(question_bucket(self.dedupe_key(problem)))
        return original(self, problem)

    monkeypatch.setattr(type(family), "complete", spy)
    _items(family, "train", 3)
    assert completed and set(completed) == {SPLIT_BUCKETS["train"]}
