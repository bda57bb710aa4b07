"""Public release files as problem sources: OMEGA HF rows (JSONL, parquet, OMEGA-500, omega-problems) and
C-ARC episodes, read from small files of the exact public schemas built here, then evaluated end to end."""
from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

from generators import registry
from generators.record import BOXED_SUFFIX
from models.fake_server import FakeServer, last_user_text
from omegactl.interop import official
from omegactl.common.errors import UserError
from omegactl.interop.official_answers import infer_answer
from omegactl.interop.official_carc import episode_records
from omegactl.interop.problem_files import load_problem_source

from .evalkit import run_cli, samples

# (question, ground truth, expected answer type); questions written for these tests
OMEGA_ROWS = [
    ("Compute gcd(84, 120).", "12", "int"),
    ("What is 7 - 19?", "-12", "int"),
    ("Simplify 6/8 to lowest terms.", "\\frac{3}{4}", "rational"),
    ("What is 1/3 + 1/6?", "1/2", "rational"),
    ("Give the area of a circle of radius 1, rounded to 2 decimal places.", "3.14", "decimal:2"),
    ("Give sqrt(2) rounded to 3 decimal places.", "1.414", "decimal:3"),
]


def omega_row(i: int, setting: str, question: str, gt: str, **extra) -> dict:
    return {"id": f"{setting}-{i}", "setting_key": setting, "setting_name": setting.replace("_", " "),
            "messages": [{"role": "user", "content": question + BOXED_SUFFIX}], "ground_truth": gt,
            "dataset": "omega", **extra}


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def carc_episodes(n: int = 2, level: int = 1, seed: int = 3) -> tuple[list[dict], list]:
    """Released-format episodes built from generated ones, and the generated records of query 0."""
    setting = registry.get_setting("carc").with_options(queries_per_episode=10)
    recs = list(setting.records("test", n=n, seed=seed, levels=(level,)))
    episodes, firsts = [], []
    for e in range(n):
        group = recs[e * 10:(e + 1) * 10]
        study = group[0].params["study"]
        episodes.append({
            "study_examples": [[p["input"], p["output"]] for p in study],
            "queries": [[r.params["query"]["input"], r.answer] for r in group],
            "meta_data": {"shape_transformation": {"type": "mirror", "kwargs": {"direction": "y"}}},
        })
        firsts.append(group[0])
    return episodes, firsts


def write_carc(path: Path, episodes: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for ep in episodes:
            fh.write(json.dumps(ep) + "\n")
    return path


# -- answer types ---------------------------------------------------------------------------------

@pytest.mark.parametrize("gt, kind, answer", [
    ("42", "int", 42), ("-7", "int", -7), ("$15$", "int", 15),
    ("3/4", "rational", "3/4"), ("6/8", "rational", "3/4"), ("\\frac{3}{4}", "rational", "3/4"),
    ("-\\dfrac{1}{2}", "rational", "-1/2"), ("\\frac{-2}{4}", "rational", "-1/2"),
    ("0.35", "decimal:2", "0.35"), ("-12.0", "decimal:1", "-12.0"), ("2.5000", "decimal:4", "2.5000"),
    ("[[1, 2], [3, 4]]", "matrix", [["1", "2"], ["3", "4"]]),
    ("\\begin{pmatrix}1 & 0\\\\ 0 & 1\\end{pmatrix}", "matrix", [["1", "0"], ["0", "1"]]),
    ("\\{1, 5\\}", "set", ["1", "5"]), ("(2, -3)", "tuple", ["2", "-3"]), ("2, 3, 7", "tuple", ["2", "3", "7"]),
    ("[1, 2)", "interval", "[1, 2)"), ("\\sqrt{2}/2", "expression", "\\sqrt{2}/2"),
])
def test_answer_type_is_inferred_from_the_ground_truth(gt, kind, answer):
    assert infer_answer(gt) == (kind, answer)


def test_grids_only_where_the_caller_allows_them():
    assert infer_answer("[[0, 1], [2, 0]]", grids=True) == ("grid", [[0, 1], [2, 0]])
    assert infer_answer("[[0, 1], [2, 0]]")[0] == "matrix"
    assert infer_answer("[[0, 10], [2, 0]]", grids=True)[0] == "matrix"  # 10 is no grid colour


@pytest.mark.parametrize("gt, right, wrong", [
    ("12", "12", "13"), ("\\frac{3}{4}", "0.75", "\\frac{4}{3}"), ("3.14", "3.1416", "3.15"),
    ("-12.0", "-12", "-11.9"), ("[[1, 2], [3, 4]]", "\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}", "[[1, 3], [2, 4]]"),
    ("\\{1, 5\\}", "\\{5, 1\\}", "\\{1, 6\\}"), ("(2, -3)", "(2, -3)", "(-3, 2)"),
])
def test_inferred_golds_verify_their_own_right_answers_and_reject_wrong_ones(gt, right, wrong):
    from verifiers import equivalent

    kind, answer = infer_answer(gt)
    assert equivalent(right, answer, kind), (gt, right)
    assert not equivalent(wrong, answer, kind), (gt, wrong)


# -- paths ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("path, dataset, config, split, level, seed", [
    ("dl/omega-explorative/arithmetic_gcd/test_out-00000-of-00001.parquet", "allenai/omega-explorative",
     "arithmetic_gcd", "test_out", None, None),
    ("hub/datasets--allenai--omega-compositional/snapshots/ab12/comp_n_gon/train-00000-of-00001.parquet",
     "allenai/omega-compositional", "comp_n_gon", "train", None, None),
    ("x/omega-problems/geometry_rotation/level_3-00000-of-00001.parquet", "allenai/omega-problems",
     "geometry_rotation", None, 3, None),
    ("data/C-ARC/Compositional-ARC/split_seed_1870/val_systematicity.jsonl.gz", "mainlp/Compositional-ARC",
     None, "val", None, 1870),
    ("mine/test_in.jsonl", None, None, "test_in", None, None),
    ("mine/latest.jsonl", None, None, None, None, None),
])
def test_locate_reads_release_config_split_level_and_split_seed_from_the_path(path, dataset, config, split, level, seed):
    loc = official.locate(Path(path))
    assert (loc.dataset, loc.config, loc.split, loc.level, loc.split_seed) == (dataset, config, split, level, seed)


# -- OMEGA rows -----------------------------------------------------------------------------------

def test_omega_jsonl_rows_become_schema_valid_records(tmp_path):
    rows = [omega_row(i, "arithmetic_gcd", q, gt, extra_note=f"n{i}") for i, (q, gt, _) in enumerate(OMEGA_ROWS)]
    path = write_jsonl(tmp_path / "omega-explorative" / "arithmetic_gcd" / "test_out-00000-of-00001.jsonl", rows)
    records, source = load_problem_source(str(path))
    assert source == {"kind": "official", "path": str(path), "dataset": "allenai/omega-explorative", "format": "omega-hf"}
    assert [r.answer_type for r in records] == [k for _, _, k in OMEGA_ROWS]
    for i, r in enumerate(records):
        assert (r.axis, r.split, r.level, r.seed, r.index) == ("exploratory", "test_out", 0, 0, i)
        assert r.id == f"arithmetic_gcd-{i}" and r.family == "arithmetic_gcd" and r.dataset == "omega"
        assert r.params == {"extra_note": f"n{i}"} and r.generator_version == "official:allenai/omega-explorative"
        assert r.to_hf() == {k: v for k, v in rows[i].items() if k != "extra_note"}  # the six public fields, unchanged


def test_compositional_and_transformative_axes_and_splits(tmp_path):
    comp = write_jsonl(tmp_path / "omega-compositional" / "comp_n_gon" / "test-00000-of-00001.jsonl",
                       [omega_row(0, "comp_n_gon", "How many regions?", "8")])
    trans = write_jsonl(tmp_path / "omega-transformative" / "trans_de_moivre" / "train-00000-of-00001.jsonl",
                        [omega_row(0, "trans_de_moivre", "Sum of the roots?", "0")])
    (c,), _ = load_problem_source(str(comp))
    (t,), _ = load_problem_source(str(trans))
    assert (c.axis, c.split) == ("compositional", "test") and (t.axis, t.split) == ("transformative", "train")


def test_omega_500_family_and_omega_problems_levels(tmp_path):
    rows = [omega_row(i, "omega_500", q, gt, family=fam) for i, ((q, gt, _), fam) in
            enumerate(zip(OMEGA_ROWS[:3], ["geometry_rotation", "arithmetic_gcd", "number_theory_digit_sum"]))]
    path = write_jsonl(tmp_path / "omega-500" / "train-00000-of-00001.jsonl", rows)  # one split, named train
    records, source = load_problem_source(str(path))
    assert source["dataset"] == "allenai/omega-500"
    assert [r.family for r in records] == ["geometry_polygon_rotation", "arithmetic_gcd", "numbertheory_qr_sum"]
    assert all(r.split == "test" for r in records)  # an evaluation set, whatever the file is called
    assert records[0].params == {"family": "geometry_rotation"}
    lv = write_jsonl(tmp_path / "omega-problems" / "geometry_rotation" / "level_4-00000-of-00001.jsonl",
                     [omega_row(0, "geometry_rotation", "How many pieces?", "9")])
    (rec,), _ = load_problem_source(str(lv))
    assert (rec.level, rec.split, rec.axis) == (4, "test", "exploratory")


def test_parquet_rows_read_like_jsonl(tmp_path):
    pytest.importorskip("pyarrow")
    import pandas as pd

    rows = [omega_row(i, "arithmetic_gcd", q, gt, **({"family": "arithmetic_gcd"} if i % 2 else {}))
            for i, (q, gt, _) in enumerate(OMEGA_ROWS)]  # an optional field on some rows: null cells in parquet
    folder = tmp_path / "omega-explorative" / "arithmetic_gcd"
    folder.mkdir(parents=True)
    pd.DataFrame(rows).to_parquet(folder / "test_in-00000-of-00001.parquet")
    write_jsonl(tmp_path / "j" / "omega-explorative" / "arithmetic_gcd" / "test_in-00000-of-00001.jsonl", rows)
    from_parquet, _ = load_problem_source(str(folder / "test_in-00000-of-00001.parquet"))
    from_jsonl, _ = load_problem_source(str(tmp_path / "j" / "omega-explorative" / "arithmetic_gcd" / "test_in-00000-of-00001.jsonl"))
    assert [r.to_json() for r in from_parquet] == [r.to_json() for r in from_jsonl]
    assert [r.params for r in from_parquet] == [{"family": "arithmetic_gcd"} if i % 2 else {} for i in range(len(rows))]


def test_a_release_folder_gets_unique_ids_deterministically(tmp_path):
    for split in ("test_in", "test_out"):  # the same raw ids in two files
        write_jsonl(tmp_path / "omega-explorative" / "arithmetic_gcd" / f"{split}-00000-of-00001.jsonl",
                    [omega_row(i, "arithmetic_gcd", f"{split} question {i}", str(i)) for i in range(3)])
    first, source = load_problem_source(str(tmp_path / "omega-explorative"))
    again, _ = load_problem_source(str(tmp_path / "omega-explorative"))
    ids = [r.id for r in first]
    assert len(set(ids)) == 6 and ids == [r.id for r in again]
    assert ids[0] == "arithmetic_gcd/test_in/arithmetic_gcd-0" and source["renamed_duplicate_ids"] == 6
    assert {r.split for r in first} == {"test_in", "test_out"}


def test_omegactl_hf_rows_are_a_file_source_not_an_official_release(tmp_path):
    recs = list(registry.get_setting("arithmetic_gcd").records("test_in", n=2, seed=1))
    path = write_jsonl(tmp_path / "ours_test_in.jsonl", [r.to_hf() for r in recs])
    records, source = load_problem_source(str(path))
    assert source["kind"] == "file" and source["dataset"] == "omegactl/exploratory"
    assert [(r.id, r.answer, r.answer_type, r.axis) for r in records] == [(r.id, r.answer, r.answer_type, r.axis) for r in recs]


@pytest.mark.parametrize("content, needle", [
    ({"id": "a", "setting_key": "s", "messages": [{"role": "user", "content": "q"}], "ground_truth": ""}, "ground_truth"),
    ({"id": "a", "setting_key": "s", "messages": [{"role": "robot", "content": "q"}], "ground_truth": "1"}, "messages"),
    ({"id": "a", "setting_key": "s", "messages": [], "ground_truth": "1"}, "messages"),
    ({"id": "a", "messages": [{"role": "user", "content": "q"}], "ground_truth": "1"}, "no setting_key"),
    ({"primitive_functions": {}, "function_compositions": {}, "queries": [], "meta_data": {}}, "raw C-ARC episode"),
    ({"study_examples": [[[[0, 1]], [[0, 12]]]], "queries": [[[[0]], [[1]]]], "meta_data": {}}, "not a grid"),
    ({"study_examples": [[[[0]]]], "queries": [[[[0]], [[1]]]], "meta_data": {}}, "(input, output) pair"),
])
def test_malformed_release_rows_fail_with_one_line(tmp_path, capsys, content, needle):
    path = write_jsonl(tmp_path / "x" / "bad.jsonl", [content])
    code, out, err = run_cli(["eval", "--problems", str(path), "--out", str(tmp_path / "run"), "--dry-run"], capsys)
    assert code == 2 and needle in err and "Traceback" not in err, err
    assert len(err.strip().splitlines()) <= 3  # one message (rich may wrap it)


def test_mixed_folders_and_missing_backends_fail_clearly(tmp_path, monkeypatch):
    recs = list(registry.get_setting("arithmetic_gcd").records("test_in", n=1, seed=1))
    write_jsonl(tmp_path / "mix" / "ours.jsonl", [json.loads(recs[0].to_json())])
    write_jsonl(tmp_path / "mix" / "omega-explorative" / "g" / "test_in.jsonl", [omega_row(0, "g", "q?", "1")])
    with pytest.raises(UserError, match="mixes omegactl problem records and public release files"):
        load_problem_source(str(tmp_path / "mix"))
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "test_out.parquet").write_bytes(b"PAR1 not really")
    monkeypatch.setattr("omegactl.common.rows_io.have_parquet", lambda: False)
    with pytest.raises(UserError, match="pip install pyarrow"):
        load_problem_source(str(tmp_path / "p" / "test_out.parquet"))
    monkeypatch.setitem(sys.modules, "datasets", None)  # `datasets` not installed: no Hub access attempted
    with pytest.raises(UserError, match="needs the `datasets` package"):
        load_problem_source("hf:allenai/omega-explorative/arithmetic_gcd:test_out")
    with pytest.raises(UserError, match="name the split"):
        load_problem_source("hf:allenai/omega-explorative/arithmetic_gcd")
    assert official.parse_hub_name("hf:mainlp/Compositional-ARC/split_seed_1860:test") == (
        "mainlp/Compositional-ARC", "split_seed_1860", "test")


# -- C-ARC ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("level", [1, 2])
def test_carc_episodes_give_the_same_prompt_and_answer_as_the_generator(tmp_path, level):
    episodes, generated = carc_episodes(n=2, level=level)
    path = write_carc(tmp_path / "Compositional-ARC" / "split_seed_1860" / "test_systematicity.jsonl.gz", episodes)
    records, source = load_problem_source(str(path))
    assert source == {"kind": "official", "path": str(path), "dataset": "mainlp/Compositional-ARC",
                      "format": "carc-episodes"}
    assert len(records) == 2
    for rec, gen in zip(records, generated):
        assert rec.messages[-1].content == gen.messages[-1].content and rec.id == gen.id
        assert rec.answer == gen.answer and rec.answer_type == "grid" and rec.ground_truth == gen.ground_truth
        assert (rec.axis, rec.split, rec.level, rec.params["split_seed"]) == ("carc", "test", level, 1860)
        assert rec.params["meta_data"] == episodes[0]["meta_data"]
    every = episode_records(episodes[0], where="t", split="test", episode=0, dataset="d", split_seed=None, queries="all")
    assert [r.answer for r in every] == [q[1] for q in episodes[0]["queries"]] and len({r.id for r in every}) == 10


# -- end to end -----------------------------------------------------------------------------------

def gold_policy(records, wrong: set[int]):
    """Answer each prompt with its gold (boxed, or `output:` for grids); prompts at positions in ``wrong`` get a wrong answer."""
    by_prompt = {r.messages[-1].content: (i, r) for i, r in enumerate(records)}

    def policy(messages, body):
        i, rec = by_prompt[last_user_text(messages)]
        if rec.answer_type == "grid":
            grid = [[(v + 1) % 10 for v in row] for row in rec.answer] if i in wrong else rec.answer
            return f"output: {grid}"
        return "\\boxed{-12345}" if i in wrong else f"So the answer is \\boxed{{{rec.ground_truth}}}."

    return policy


def build_release_files(tmp_path: Path) -> dict[str, Path]:
    files = {
        "omega_jsonl": write_jsonl(tmp_path / "omega-explorative" / "arithmetic_gcd" / "test_out-00000-of-00001.jsonl",
                                   [omega_row(i, "arithmetic_gcd", q, gt) for i, (q, gt, _) in enumerate(OMEGA_ROWS)]),
        "omega_500": write_jsonl(tmp_path / "omega-500" / "test-00000-of-00001.jsonl",
                                 [omega_row(i, "geometry_rotation", q, gt, family="geometry_rotation")
                                  for i, (q, gt, _) in enumerate(OMEGA_ROWS)]),
        "carc": write_carc(tmp_path / "Compositional-ARC" / "split_seed_1860" / "test_systematicity.jsonl.gz",
                           carc_episodes(n=3)[0]),
    }
    try:
        import pandas as pd
        import pyarrow  # noqa: F401
    except ImportError:
        return files
    folder = tmp_path / "pq" / "omega-transformative" / "trans_de_moivre"
    folder.mkdir(parents=True)
    pd.DataFrame([omega_row(i, "trans_de_moivre", q, gt) for i, (q, gt, _) in enumerate(OMEGA_ROWS)]).to_parquet(
        folder / "test-00000-of-00001.parquet")
    files["omega_parquet"] = folder / "test-00000-of-00001.parquet"
    return files


def test_every_release_schema_evaluates_end_to_end_against_the_fake_server(tmp_path, capsys):
    from omegactl.report.data import load_run

    files = build_release_files(tmp_path)
    expected_files = {"omega_jsonl", "omega_500", "carc"} | ({"omega_parquet"} if "omega_parquet" in files else set())
    assert set(files) == expected_files
    for name, path in files.items():
        records, _ = load_problem_source(str(path))
        wrong = {0, 2} if len(records) > 2 else {0}
        run = tmp_path / f"run_{name}"
        with FakeServer(gold_policy(records, wrong)) as server:
            code, out, err = run_cli(["eval", "--model", "openai:x", "--base-url", server.base_url, "--problems",
                                      str(path), "--out", str(run), "--max-retries", "1", "--request-timeout", "5"],
                                     capsys)
        assert code == 0, (name, err)
        rows = samples(run)
        assert len(rows) == len(records)
        assert sum(r["strict"]["correct"] for r in rows) == len(records) - len(wrong), name
        manifest = json.loads((run / "manifest.json").read_text())
        assert manifest["source"]["kind"] == "official" and manifest["source"]["path"] == str(path)
        results = json.loads((run / "results.json").read_text())
        assert results["overall"]["correct"] == len(records) - len(wrong)
        assert load_run(run, resamples=100).source.startswith("official release")
    carc_manifest = json.loads((tmp_path / "run_carc" / "manifest.json").read_text())
    assert carc_manifest["source"]["dataset"] == "mainlp/Compositional-ARC"


def test_dry_run_shows_the_inferred_answer_types(tmp_path, capsys):
    path = build_release_files(tmp_path)["omega_jsonl"]
    code, out, err = run_cli(["eval", "--problems", str(path), "--dry-run"], capsys)
    assert code == 0, err
    flat = " ".join(out.split())  # rich wraps long lines
    assert "answer types: decimal:2, decimal:3, int, rational" in flat
    assert "arithmetic_gcd · test_out · level 0 · int" in flat
