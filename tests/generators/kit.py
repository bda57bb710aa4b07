"""Shared helpers for generator tests."""
from __future__ import annotations

from generators import registry
from generators.settings import make_record


def family_records(name: str, level: int, count: int, seed: int = 11, split: str = "test_out"):
    """``count`` distinct, independently checked records of one family at one level (no split bucket)."""
    fam = registry.get_family(name)
    seen: set[str] = set()
    return [
        make_record(fam, setting_key=name, setting_name=name, axis=fam.axis, split=split,
                    level=level, seed=seed, index=i, seen=seen)
        for i in range(count)
    ]
