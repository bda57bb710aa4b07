"""C-ARC episodes: outputs re-derived by an independent implementation, split design, invariants, prompts.

The reference implementation below (``_Ref*``) is written only for these tests. It represents a cell as a
complex number ``col + 1j * row`` (rotation about a pivot is a multiplication by +-1j), finds objects with
its own flood fill and decides the cues from the stored triggers, so it shares no code with the generator.
"""
from __future__ import annotations

import itertools
import json
import random
from collections import Counter

import pytest

from generators import registry
from generators.carc.config import ALL_QUERIES, CarcConfig
from generators.carc.export import to_arc_json
from generators.carc.grid import bbox, normalize
from generators.carc.primitives import Rule, apply_rule
from generators.carc.prompt import encode_grid
from generators.carc.setting import CarcEpisodes, CarcSetting
from generators.carc.shapes import INDICATOR_SHAPES, random_walk_shape
from generators.carc.split import (
    RELEASED_SPLIT_SEEDS,
    SplitError,
    all_triplets,
    held_out_triplets,
    split_triplets,
    train_triplets,
)
from generators.family import GenerationError
from generators.record import BOXED_SUFFIX, ProblemRecord
from generators.settings import make_record

SYSTEMATICITY_KINDS = (["shape"] * 2 + ["colour"] * 2 + ["neighbour"] * 2
                       + ["shape+colour"] * 2 + ["shape+neighbour"] * 2 + ["colour+neighbour"] * 2)
LEVEL2 = "shape+colour+neighbour"
STEPS8 = (1, -1, 1j, -1j, 1 + 1j, 1 - 1j, -1 + 1j, -1 - 1j)


# --------------------------------------------------------------------------- independent reference
def _ref_objects(grid):
    """[(frozenset of complex cells, set of colours)] of the 8-connected non-zero groups."""
    ink = {complex(c, r): v for r, row in enumerate(grid) for c, v in enumerate(row) if v}
    groups, todo = [], dict(ink)
    while todo:
        start = next(iter(todo))
        group, frontier = {start}, [start]
        todo.pop(start)
        while frontier:
            z = frontier.pop()
            for d in STEPS8:
                if z + d in todo:
                    todo.pop(z + d)
                    group.add(z + d)
                    frontier.append(z + d)
        groups.append((frozenset(group), {ink[z] for z in group}))
    return groups


def _ref_shape(cells):
    left = min(z.real for z in cells)
    top = min(z.imag for z in cells)
    return frozenset(z - complex(left, top) for z in cells)


def _ref_apply(rule, cells, colour):
    kind, kw = rule["type"], rule["kwargs"]
    left, right = min(z.real for z in cells), max(z.real for z in cells)
    top, bottom = min(z.imag for z in cells), max(z.imag for z in cells)
    pivot = complex(left, top)
    if kind == "translation":
        d = kw["step"] * (1 if kw["direction"] == "right" else 1j)
        return frozenset(z + d for z in cells), colour
    if kind == "reflection":
        if kw["flip"] == "upside_down":
            return frozenset(complex(z.real, top + bottom - z.imag) for z in cells), colour
        return frozenset(complex(left + right - z.real, z.imag) for z in cells), colour
    if kind == "rotation":  # rows grow downwards, so multiplying by 1j turns clockwise on screen
        turn = 1j if kw["direction"] == "cw" else -1j
        return frozenset(pivot + turn * (z - pivot) for z in cells), colour
    if kind == "extension":
        d = -1j if kw["direction"] == "up" else -1
        return cells | frozenset(z + d for z in cells), colour
    if kind == "recolour":
        return cells, kw["colour"]
    raise AssertionError(kind)


def _ref_outcome(grid, params):
    """(fired kind, expected output grid) recomputed from the input grid and the stored rules."""
    trig = params["triggers"]
    indicator = frozenset(complex(c, r) for r, c in trig["indicator"]["cells"])
    objs = _ref_objects(grid)
    present = any(cells == indicator and cols == {trig["indicator"]["colour"]} for cells, cols in objs)
    rest = [(cells, cols) for cells, cols in objs if not (present and cells == indicator)]
    assert len(rest) == 1, "exactly one transformable object"
    cells, cols = rest[0]
    assert len(cols) == 1, "single-coloured object"
    colour = next(iter(cols))
    assert colour != trig["indicator"]["colour"], "the object never takes the indicator's colour"
    s = frozenset(complex(c, r) for r, c in trig["shape"])
    fires = {"shape": _ref_shape(cells) == s, "colour": colour == trig["colour"], "neighbour": present}
    fired = [role for role in ("shape", "colour", "neighbour") if fires[role]]
    size = params["grid_size"]
    for role in fired:
        rule = params["rules"][role]
        new, colour = _ref_apply(rule, cells, colour)
        if rule["type"] in ("reflection", "rotation"):
            assert new != cells, f"{rule} was a no-op"
        assert all(0 <= z.real < size and 0 <= z.imag < size for z in new), "intermediate out of bounds"
        cells = new
    out = [[0] * size for _ in range(size)]
    for z in cells:
        out[int(z.imag)][int(z.real)] = colour
    if present:
        for z in indicator:
            out[int(z.imag)][int(z.real)] = trig["indicator"]["colour"]
    return "+".join(fired), out


def _chebyshev(a, b):
    return min(max(abs(p.real - q.real), abs(p.imag - q.imag)) for p in a for q in b)


def _verify_record(rec: ProblemRecord, allow_identity=False):
    """Every study and query output equals the reference recomputation; every grid invariant holds."""
    p = rec.params
    assert p["condition"] == ("systematicity" if rec.level == 1 else "3shot")
    expected_kinds = SYSTEMATICITY_KINDS if rec.level == 1 else [LEVEL2] * 3
    assert [s["kind"] for s in p["study"]] == expected_kinds
    pairs = [(s["kind"], s["input"], s["output"]) for s in p["study"]]
    pairs.append((p["query"]["kind"], p["query"]["input"], rec.answer))
    assert p["query"]["kind"] == LEVEL2
    trig = p["triggers"]
    assert trig["colour"] != trig["indicator"]["colour"]
    ind_shape = normalize(tuple(c) for c in trig["indicator"]["cells"])
    assert ind_shape in INDICATOR_SHAPES
    assert normalize(tuple(c) for c in trig["shape"]) != ind_shape
    assert sorted(p["triplet"]) == p["triplet"] and len(set(p["triplet"])) == 3
    assert sorted(r["type"] for r in p["rules"].values()) == p["triplet"]
    inputs = set()
    for kind, inp, out in pairs:
        fired, expected = _ref_outcome(inp, p)
        assert fired == kind
        assert out == expected
        if not allow_identity:
            assert inp != out
        inputs.add(json.dumps(inp))
        for grid, role in ((inp, "input"), (out, "output")):
            assert len(grid) == 10 and all(len(row) == 10 for row in grid)
            assert all(isinstance(v, int) and 0 <= v <= 9 for row in grid for v in row)
            objs = _ref_objects(grid)
            n_expected = 2 if "neighbour" in kind else 1
            # separate 8-connected groups only: anything closer than Chebyshev 2 would have merged
            assert len(objs) == n_expected, (role, kind)
            assert all(len(cols) == 1 for _, cols in objs)
            if n_expected == 2:
                assert _chebyshev(objs[0][0], objs[1][0]) >= 2
    assert len(inputs) == len(pairs), "inputs within an episode are distinct"


# --------------------------------------------------------------------------- shared data
CARC = registry.get_setting("carc")


@pytest.fixture(scope="module")
def default_records():
    """550 episodes across splits and conditions (the default run's independent-check sample)."""
    out = []
    for split, level, n in (("train", 1, 150), ("train", 2, 100), ("test", 1, 150), ("test", 2, 100), ("val", 1, 50)):
        out += list(CARC.records(split, n=n, seed=11, levels=(level,)))
    return out


# --------------------------------------------------------------------------- outputs vs the reference
def test_every_output_matches_the_independent_reference(default_records):
    assert len(default_records) >= 500
    for rec in default_records:
        _verify_record(rec)


@pytest.mark.slow
@pytest.mark.parametrize("split", ["train", "val", "test"])
@pytest.mark.parametrize("level", [1, 2])
def test_every_output_matches_the_reference_large(split, level):
    recs = list(CARC.records(split, n=400, seed=97, levels=(level,)))
    assert len(recs) == 400
    for rec in recs:
        _verify_record(rec)


def test_counter_clockwise_option_matches_reference():
    setting = CARC.with_options(rotation_directions=("cw", "ccw"), split_seed=1870)  # rotation in both test triplets
    recs = list(setting.records("test", n=60, seed=5, levels=(1, 2)))
    rotations = Counter(r["kwargs"]["direction"] for rec in recs for r in rec.params["rules"].values()
                        if r["type"] == "rotation")
    assert rotations["cw"] > 0 and rotations["ccw"] > 0
    for rec in recs:
        _verify_record(rec)


def test_identity_pairs_kept_only_when_allowed():
    setting = CARC.with_options(allow_identity=True)
    recs = list(setting.records("train", n=150, seed=3, levels=(1,)))
    identities = 0
    for rec in recs:
        _verify_record(rec, allow_identity=True)
        identities += sum(s["input"] == s["output"] for s in rec.params["study"])
        assert rec.params["allow_identity"] is True
    assert identities > 0  # e.g. a recolour to the colour the object already has


def test_distractors_avoid_the_cues(default_records):
    for rec in default_records:
        p = rec.params
        s = frozenset(complex(c, r) for r, c in p["triggers"]["shape"])
        for pair in p["study"]:
            objs = [(cells, cols) for cells, cols in _ref_objects(pair["input"])
                    if cols != {p["triggers"]["indicator"]["colour"]}]
            cells, cols = objs[0]
            assert ("shape" in pair["kind"]) == (_ref_shape(cells) == s)
            assert ("colour" in pair["kind"]) == (cols == {p["triggers"]["colour"]})


def test_indicator_is_fixed_within_an_episode(default_records):
    for rec in default_records[:100]:
        p = rec.params
        ind = {tuple(c) for c in p["triggers"]["indicator"]["cells"]}
        colour = p["triggers"]["indicator"]["colour"]
        for pair in p["study"]:
            for grid in (pair["input"], pair["output"]):
                at = {(r, c) for r in range(10) for c in range(10) if grid[r][c] == colour}
                if "neighbour" in pair["kind"]:
                    assert ind <= at


def test_solve_and_check_reject_a_wrong_answer(default_records):
    fam = registry.get_family("carc")
    rec = default_records[0]
    assert fam.solve(rec.params) == rec.answer
    assert fam.check(rec.params, rec.answer)
    wrong = [row[:] for row in rec.answer]
    r, c = next((r, c) for r in range(10) for c in range(10) if wrong[r][c] == 0)
    wrong[r][c] = 5
    assert not fam.check(rec.params, wrong)
    assert not fam.check(rec.params, rec.answer[:9])
    tampered = json.loads(json.dumps(rec.params))
    tampered["study"][3]["output"] = tampered["study"][3]["input"]
    assert not fam.check(tampered, rec.answer)


# --------------------------------------------------------------------------- primitives, hand-computed
L_SHAPE = frozenset({(2, 3), (3, 3), (4, 3), (4, 4)})  # an L: 3 tall, foot to the right


def test_rotation_clockwise_about_top_left_cell():
    cells, colour = apply_rule(Rule("rotation", {"direction": "cw"}), L_SHAPE, 7)
    # pivot (2, 3); (r, c) -> (2 + (c - 3), 3 - (r - 2)); the object now spans cols 1..3, rows 2..3
    assert cells == frozenset({(2, 3), (2, 2), (2, 1), (3, 1)}) and colour == 7
    back, _ = apply_rule(Rule("rotation", {"direction": "ccw"}), frozenset({(2, 3), (2, 2), (2, 1), (3, 1)}), 7)
    assert normalize(back) == normalize(L_SHAPE)
    single, _ = apply_rule(Rule("rotation", {"direction": "cw"}), frozenset({(5, 5)}), 1)
    assert single == frozenset({(5, 5)})  # the generator rejects this as a no-op


def test_reflection_translation_extension_recolour():
    up, _ = apply_rule(Rule("reflection", {"flip": "upside_down"}), L_SHAPE, 1)
    assert up == frozenset({(4, 3), (3, 3), (2, 3), (2, 4)})
    lr, _ = apply_rule(Rule("reflection", {"flip": "left_right"}), L_SHAPE, 1)
    assert lr == frozenset({(2, 4), (3, 4), (4, 4), (4, 3)})
    right, _ = apply_rule(Rule("translation", {"direction": "right", "step": 1}), L_SHAPE, 1)
    assert right == frozenset({(2, 4), (3, 4), (4, 4), (4, 5)})
    down, _ = apply_rule(Rule("translation", {"direction": "down", "step": 1}), L_SHAPE, 1)
    assert down == frozenset({(3, 3), (4, 3), (5, 3), (5, 4)})
    grown, _ = apply_rule(Rule("extension", {"direction": "up"}), L_SHAPE, 1)
    assert grown == L_SHAPE | {(1, 3), (3, 4)}
    grown_left, _ = apply_rule(Rule("extension", {"direction": "left"}), L_SHAPE, 1)
    assert grown_left == L_SHAPE | {(2, 2), (3, 2), (4, 2)}
    assert apply_rule(Rule("recolour", {"colour": 2}), L_SHAPE, 6) == (L_SHAPE, 2)


def test_generator_and_reference_primitives_agree_on_random_shapes():
    rng = random.Random(4)
    options = CarcConfig(rotation_directions=("cw", "ccw")).options()
    for _ in range(300):
        shape = random_walk_shape(rng, rng.randint(1, 9))
        cells = frozenset((r + 5, c + 5) for r, c in shape)
        for kind, choices in options.items():
            for kw in choices:
                mine, col = apply_rule(Rule(kind, kw), cells, 3)
                ref, ref_col = _ref_apply({"type": kind, "kwargs": kw}, frozenset(complex(c, r) for r, c in cells), 3)
                assert frozenset(complex(c, r) for r, c in mine) == ref and col == ref_col


def test_shapes_are_connected_and_sized():
    rng = random.Random(9)
    sizes = Counter()
    for _ in range(500):
        shape = random_walk_shape(rng, rng.randint(1, 9))
        sizes[len(shape)] += 1
        assert len(_ref_objects([[1 if (r, c) in shape else 0 for c in range(10)] for r in range(10)])) == 1
        r0, c0, r1, c1 = bbox(shape)
        assert (r0, c0) == (0, 0) and r1 < 10 and c1 < 10
    assert set(sizes) == set(range(1, 10))
    assert len(set(INDICATOR_SHAPES)) == 10


# --------------------------------------------------------------------------- systematicity split
def test_released_split_seeds_are_pinned_and_distinct():
    expected = {
        1860: [("extension", "recolour", "translation"), ("extension", "reflection", "translation")],
        1870: [("recolour", "reflection", "rotation"), ("reflection", "rotation", "translation")],
        1880: [("recolour", "reflection", "rotation"), ("recolour", "rotation", "translation")],
        1890: [("extension", "reflection", "rotation"), ("extension", "reflection", "translation")],
    }
    assert RELEASED_SPLIT_SEEDS == tuple(expected)
    for seed, held in expected.items():
        assert held_out_triplets(seed) == held
        assert held_out_triplets(seed) == held_out_triplets(seed)  # depends on the split seed only
    assert len({tuple(v) for v in expected.values()}) == 4


@pytest.mark.parametrize("split_seed", list(RELEASED_SPLIT_SEEDS) + [0, 7, 123])
def test_train_and_test_triplets_disjoint_and_pairs_covered(split_seed):
    train, test = split_triplets("train", split_seed), split_triplets("test", split_seed)
    assert split_triplets("val", split_seed) == test
    assert len(train) == 8 and len(test) == 2 and not set(train) & set(test)
    assert sorted(train + test) == sorted(all_triplets()) and len(all_triplets()) == 10
    pairs = {pair for t in train for pair in itertools.combinations(t, 2)}
    assert len(pairs) == 10  # every level-1 pair of types appears in train


def test_too_many_held_out_triplets_is_a_clear_error():
    with pytest.raises(SplitError, match="out of train"):
        for seed in range(50):
            split_triplets("train", seed, held_out=6)


def test_records_use_their_splits_triplets(default_records):
    held = {tuple(t) for t in held_out_triplets(1860)}
    seen = {"train": set(), "test": set(), "val": set()}
    for rec in default_records:
        trip = tuple(rec.params["triplet"])
        seen[rec.split].add(trip)
        assert (trip in held) == (rec.split != "train")
        assert rec.params["split_seed"] == 1860
        assert [tuple(t) for t in rec.params["held_out_triplets"]] == sorted(held)
    assert seen["train"] == set(train_triplets(1860))  # all 8 train triplets occur
    assert seen["test"] == held


def test_split_seed_is_configurable():
    setting = CARC.with_options(split_seed=1890)
    held = {tuple(t) for t in held_out_triplets(1890)}
    recs = list(setting.records("test", n=20, seed=1, levels=(1,)))
    assert all(tuple(r.params["triplet"]) in held and r.params["split_seed"] == 1890 for r in recs)
    assert CARC.config.split_seed == 1860  # the registered setting is unchanged


# --------------------------------------------------------------------------- records, determinism
def test_same_seed_same_bytes_and_global_random_untouched():
    random.seed(99)
    before = random.random()
    random.seed(99)
    a = [r.to_json() for r in CARC.records("test", n=8, seed=4)]
    b = [r.to_json() for r in CARC.records("test", n=8, seed=4)]
    c = [r.to_json() for r in CARC.records("test", n=8, seed=5)]
    assert a == b and a != c
    assert random.random() == before
    assert all(ProblemRecord.model_validate_json(x).to_json() == x for x in a)


def test_bytes_do_not_depend_on_hash_randomization():
    import subprocess
    import sys

    code = ("from generators import registry; s = registry.get_setting('carc'); "
            "print(''.join(r.to_json() for sp in ('train', 'test') for r in s.records(sp, n=3, seed=5)))")
    outs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**__import__("os").environ, "PYTHONHASHSEED": h}).stdout for h in ("1", "2")]
    assert outs[0] == outs[1] and len(outs[0]) > 1000


def test_records_match_make_record_item_by_item():
    """The setting's seeds are (seed, "carc", split, level, index): make_record reproduces any item."""
    recs = list(CARC.records("test", n=6, seed=2, levels=(2,)))
    fam = CARC.family("test")
    for rec in recs:
        again = make_record(fam, setting_key="carc", setting_name=CARC.title, axis="carc", split="test",
                            level=2, seed=2, index=rec.index)
        assert again == rec


def test_record_fields(default_records):
    rec = default_records[0]
    assert rec.axis == "carc" and rec.family == "carc" and rec.setting_key == "carc"
    assert rec.answer_type == "grid" and json.loads(rec.ground_truth) == rec.answer
    assert len(rec.messages) == 1 and rec.messages[0].role == "user"
    assert not rec.messages[0].content.endswith(BOXED_SUFFIX) and "boxed" not in rec.messages[0].content
    assert {r.params["condition"] for r in default_records} == {"systematicity", "3shot"}
    assert len({r.id for r in default_records}) == len(default_records)
    assert CARC.summary()["splits"] == {"train": "1-2", "val": "1-2", "test": "1-2"}
    assert CARC.count("train", None, 5) == 10


def test_all_queries_option():
    setting = CARC.with_options(queries_per_episode=ALL_QUERIES)
    recs = list(setting.records("test", n=3, seed=8, levels=(1,)))
    assert len(recs) == 3 * ALL_QUERIES == setting.count("test", (1,), 3)
    assert [r.index for r in recs] == list(range(30))
    for e in range(3):
        group = recs[e * 10:(e + 1) * 10]
        assert all(r.params["study"] == group[0].params["study"] for r in group)
        assert len({json.dumps(r.params["query"]["input"]) for r in group}) == 10
        assert [r.params["query_index"] for r in group] == list(range(10))
        for r in group:
            _verify_record(r)


def test_unplaceable_episodes_end_with_a_clear_error():
    setting = CARC.with_options(placement_tries=1, episode_attempts=3)
    with pytest.raises(GenerationError, match="no valid episode after 3 whole-episode draws"):
        list(setting.records("train", n=20, seed=0, levels=(1,)))


def test_unknown_split_and_level_are_rejected():
    with pytest.raises(GenerationError):
        list(CARC.records("test_out", n=1, seed=0))
    with pytest.raises(GenerationError):
        list(CARC.records("test", n=1, seed=0, levels=(3,)))


# --------------------------------------------------------------------------- prompts and exports
def test_prompt_layout_systematicity(default_records):
    rec = next(r for r in default_records if r.level == 1)
    text = rec.messages[0].content
    for i in range(1, 13):
        assert f"example input {i}: [[" in text and f"example output {i}: [[" in text
    assert "example input 13" not in text
    assert "output: [[...]]" in text
    assert text.rstrip().endswith(str(rec.params["query"]["input"]))
    assert text.index("example output 12:") < text.index("Final input:")
    assert str(rec.answer) not in text


def test_prompt_layout_3shot(default_records):
    rec = next(r for r in default_records if r.level == 2)
    text = rec.messages[0].content
    assert "example input 3:" in text and "example input 4" not in text
    assert "Do not write any code" in text


@pytest.mark.parametrize("encoding", ["digits", "spaces"])
def test_other_grid_encodings(encoding):
    rec = next(iter(CARC.with_options(encoding=encoding).records("test", n=1, seed=1, levels=(2,))))
    text = rec.messages[0].content
    grid = rec.params["query"]["input"]
    block = encode_grid(grid, encoding)
    assert text.endswith(block) and "[[0" not in text.split("Study examples:")[1]
    sep = "" if encoding == "digits" else " "
    parsed = [[int(v) for v in (line if sep == "" else line.split(sep))] for line in block.splitlines()]
    assert parsed == grid
    assert rec.params["encoding"] == encoding


def test_arc_json_export(default_records):
    rec = default_records[0]
    task = to_arc_json(rec)
    assert to_arc_json(json.loads(rec.to_json())) == task
    assert len(task["train"]) == 12 and len(task["test"]) == 1
    assert task["test"][0] == {"input": rec.params["query"]["input"], "output": rec.answer}
    assert all(set(p) == {"input", "output"} for p in task["train"] + task["test"])
    assert json.loads(json.dumps(task)) == task


def test_rich_rendering(default_records):
    from rich.console import Console

    from generators.carc.render import render_grid_rich, render_record_rich

    grid = default_records[0].answer
    text = render_grid_rich(grid)
    assert text.plain.count("\n") == 9 and len(text.plain.splitlines()[0]) == 20
    console = Console(width=120, record=True, color_system="truecolor")
    console.print(render_record_rich(default_records[0]))
    assert "query" in console.export_text()


def test_registered_family_is_train_and_matches_its_setting():
    fam = registry.get_family("carc")
    assert isinstance(fam, CarcEpisodes) and fam.split == "train"
    assert isinstance(CARC, CarcSetting) and CARC.source_families == ("carc",)
