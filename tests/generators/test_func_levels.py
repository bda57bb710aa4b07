"""Every function-family instance shows its level: f composes level + 1 components (``instance_level``)."""
from __future__ import annotations

import random

import pytest

from generators import registry
from generators.algebra.func_family import FuncFamily
from generators.family import Reject

registry.load_all()
FUNC_FAMILIES = sorted({f.name for f in registry.families().values() if isinstance(f, FuncFamily)})


@pytest.mark.parametrize("name", FUNC_FAMILIES)
def test_instance_level_is_the_drawing_level(name):
    fam = registry.families()[name]
    for level in fam.levels:
        rng = random.Random(level)
        drawn = 0
        for _ in range(60):
            try:
                params = fam.draw(rng, level)
            except Reject:
                continue
            drawn += 1
            assert fam.instance_level(params) == level
            if "g" in params:  # swapping f and g (the same instance) shows the same level
                assert fam.instance_level({**params, "f": params["g"], "g": params["f"]}) == level
        assert drawn >= 30
