"""The split rule at the levels only test_out draws: families whose instances show their level give test_out
ten twelfths of the key space there, and the splits stay disjoint (``generators.settings.instance_bucket``)."""
from __future__ import annotations

from collections import Counter

import pytest

from generators import registry
from generators.family import Family, VerificationError
from generators.record import content_hash
from generators.settings import OOD_SHARES, SPLIT_BUCKETS, instance_bucket, key_bucket

registry.load_all()
FAMILIES = registry.families()
SETTINGS = registry.settings()
def _overrides(fam) -> bool:
    return type(fam).instance_level is not Family.instance_level


def test_the_families_that_show_their_level():
    shown = {name for name, fam in FAMILIES.items() if _overrides(fam)}
    # the families whose drafts were most often thrown away by the split (issue 18)
    assert {"logic_zebralogic", "logic_gridworld_blocked", "numbertheory_qr_sum", "numbertheory_ordered_lte",
            "logic_puzzles_grid_chip", "algebra_func_intersection", "geometry_polygon",
            "arithmetic_matrix_rank"} <= shown
    # levels whose ranges overlap cannot show their level
    assert not _overrides(FAMILIES["combinatory_distribution"])
    assert not _overrides(FAMILIES["arithmetic_matrix_multiplication"])


@pytest.mark.parametrize("name", sorted(n for n, f in FAMILIES.items() if _overrides(f)))
def test_every_level_draws_instances_that_show_it(name):
    """A drawn instance's own level is the level that drew it, at every level (the framework raises otherwise);
    and every level exists, so the levels are disjoint."""
    setting = SETTINGS[name]
    fam = FAMILIES[name]
    for level in fam.level_range:
        split = "test_out" if level in fam.default_ood_levels() else "train"
        recs = list(setting.records(split, n=2, seed=41, levels=(level,)))
        assert recs and all(fam.instance_level(r.params) == level for r in recs)


def test_test_out_holds_ten_twelfths_at_its_own_levels_and_a_third_elsewhere():
    fam = FAMILIES["logic_gridworld_knight_move"]
    ood = {"width": 25, "height": 21, "a": 1, "b": 2, "target": [20, 18]}
    low = {"width": 7, "height": 9, "a": 1, "b": 2, "target": [5, 6]}
    keys = [f"k{i}" for i in range(6000)]
    at_ood = Counter(instance_bucket(fam, k, ood, 3) for k in keys)
    at_low = Counter(instance_bucket(fam, k, low, 1) for k in keys)
    assert at_ood[SPLIT_BUCKETS["test_out"]] / len(keys) == pytest.approx(10 / 12, abs=0.02)
    assert at_ood[SPLIT_BUCKETS["train"]] / len(keys) == pytest.approx(1 / 12, abs=0.01)
    assert all(at_low[b] / len(keys) == pytest.approx(1 / 3, abs=0.02) for b in range(3))
    # a train-level bucket is the old rule; an OOD-level train or test_in key is also a train/test_in key there
    assert all(instance_bucket(fam, k, low, 1) == key_bucket(k) for k in keys[:500])
    for k in keys[:500]:
        b = instance_bucket(fam, k, ood, 3)
        if b != SPLIT_BUCKETS["test_out"]:
            assert b == int(content_hash(k)[:12], 16) % OOD_SHARES


def test_an_instance_drawn_at_another_level_than_it_shows_is_a_bug():
    fam = FAMILIES["logic_gridworld_knight_move"]
    with pytest.raises(VerificationError, match="shows level 3"):
        instance_bucket(fam, "k", {"width": 25, "height": 21, "a": 1, "b": 2, "target": [20, 18]}, 4)


def test_all_three_splits_are_disjoint_at_a_test_out_level():
    """train and test_in drawn (with --levels) at a level only test_out draws by default share no instance
    with test_out there."""
    setting = SETTINGS["logic_gridworld_knight_move"]
    fam = FAMILIES["logic_gridworld_knight_move"]
    keys = {split: [fam.instance_key(r.params) for r in setting.records(split, n=40, seed=9, levels=(3,))]
            for split in ("train", "test_in", "test_out")}
    assert all(len(set(k)) == 40 for k in keys.values())
    assert not set(keys["train"]) & set(keys["test_out"])
    assert not set(keys["test_in"]) & set(keys["test_out"])
    assert not set(keys["train"]) & set(keys["test_in"])


def test_test_out_keeps_more_of_its_drafts():
    """The point of the rule: at test_out, fewer drafts are thrown away by the split."""
    from generators.settings import draw_item

    setting = SETTINGS["logic_gridworld_knight_move"]
    fam = FAMILIES["logic_gridworld_knight_move"]
    missed = Counter()
    for split, level in (("train", 1), ("test_out", 3)):
        for i in range(60):
            d = draw_item(fam, setting_key=setting.name, setting_name=setting.title, axis="exploratory", split=split,
                          level=level, seed=3, index=i, bucket=SPLIT_BUCKETS[split])
            missed[split] += d.buckets_missed
    assert missed["test_out"] * 4 < missed["train"]
