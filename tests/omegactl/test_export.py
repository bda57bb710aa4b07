"""`omegactl export` (verl / TRL / hf) round-trips, the reward adapters, and `verifiers.reward` under
thread and process pools."""
from __future__ import annotations

import json
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from fractions import Fraction

import pytest

from generators import registry
from omegactl.common.errors import UserError
from omegactl.interop.export import export, record_from_trl, record_from_verl
from omegactl.interop.official import read_official
from omegactl.interop.rl_reward import completion_text, compute_score, trl_reward
from omegactl.common.rows_io import read_rows, write_jsonl
from verifiers import equivalent

from .evalkit import run_cli

# one setting per answer type: int, decimal:2, rational, grid
SOURCES = [("arithmetic_gcd", ("train", "test_out")), ("combinatory_pattern_matching", ("train",)),
           ("arithmetic_mixed", ("train",)), ("carc", ("train",))]


@pytest.fixture(scope="module")
def records():
    out = []
    for name, splits in SOURCES:
        s = registry.get_setting(name)
        for split in splits:
            levels = (1,) if name == "carc" else None
            out.extend(s.records(split, n=2 if name != "carc" else 1, seed=11, levels=levels))
    assert {r.answer_type for r in out} == {"int", "decimal:2", "rational", "grid"}
    return out


def right_answer(rec) -> str:
    return f"output: {rec.answer}" if rec.answer_type == "grid" else f"Thus \\boxed{{{rec.ground_truth}}}."


def wrong_answer(rec) -> str:
    if rec.answer_type == "grid":
        return f"output: {[[(v + 1) % 10 for v in row] for row in rec.answer]}"
    return "Thus \\boxed{-98765}."


def same_view(view: dict, rec, *, index: bool = True) -> None:
    assert view["id"] == rec.id and view["split"] == rec.split
    assert view["answer_type"] == rec.answer_type and view["answer"] == rec.answer and view["params"] == rec.params
    assert [dict(m) for m in view["messages"]] == [m.model_dump() for m in rec.messages]
    if index:
        assert view["index"] == rec.index


def test_verl_export_round_trips_and_scores_with_compute_score(tmp_path, records):
    pytest.importorskip("pyarrow")
    written = export(records, "verl", tmp_path)
    assert [p.name for p, _ in written] == ["train.parquet", "test_out.parquet"]
    rows = read_rows(tmp_path / "train.parquet") + read_rows(tmp_path / "test_out.parquet")
    by_id = {r.id: r for r in records}
    assert len(rows) == len(records)
    for row in rows:
        assert set(row) == {"data_source", "prompt", "ability", "reward_model", "extra_info"}
        assert set(row["extra_info"]) == {"split", "index", "id", "answer_type", "answer", "params"}
        assert isinstance(row["extra_info"]["answer"], str)  # JSON string, one column type for every answer
        rec = by_id[row["extra_info"]["id"]]
        same_view(record_from_verl(row), rec)
        assert row["reward_model"] == {"style": "rule", "ground_truth": rec.ground_truth}
        assert row["data_source"] == f"omegactl/{rec.setting_key}"
        assert row["ability"] == ("arc" if rec.axis == "carc" else "math")
        args = (row["data_source"], right_answer(rec), row["reward_model"]["ground_truth"], row["extra_info"])
        assert compute_score(*args) == 1.0
        assert compute_score(row["data_source"], wrong_answer(rec), rec.ground_truth, row["extra_info"]) == 0.0


def test_compute_score_without_extra_info_infers_the_type_from_the_ground_truth():
    assert compute_score("omega", "\\boxed{0.75}", "\\frac{3}{4}") == 1.0
    assert compute_score("omega", "\\boxed{0.76}", "\\frac{3}{4}") == 0.0
    assert compute_score("omega", "\\boxed{3.141}", "3.14") == 1.0
    assert compute_score("mainlp/compositional-arc", "output: [[0, 1], [1, 0]]", "[[0, 1], [1, 0]]") == 1.0


def test_trl_export_round_trips_in_jsonl_and_parquet(tmp_path, records):
    written = export(records, "trl", tmp_path, splits=["train"])
    names = [p.name for p, _ in written]
    assert names[0] == "train.jsonl" and all(n.startswith("train.") for n in names)
    train = [r for r in records if r.split == "train"]
    files = [tmp_path / n for n in names]
    for f in files:  # train.jsonl always, train.parquet when pyarrow is present
        rows = read_rows(f)
        assert len(rows) == len(train)
        for row, rec in zip(rows, train):
            assert set(row) == {"prompt", "answer", "answer_type", "params", "id", "setting", "split", "level"}
            same_view(record_from_trl(row), rec, index=False)
            assert (row["setting"], row["level"]) == (rec.setting_key, rec.level)
    rows = read_rows(files[0])
    cols = {k: [r[k] for r in rows] for k in ("answer", "answer_type", "params", "id")}
    conversational = [[{"role": "assistant", "content": right_answer(r)}] for r in train]
    assert trl_reward(conversational, **cols) == [1.0] * len(train)
    plain = [wrong_answer(r) for r in train]
    assert trl_reward(plain, **cols) == [0.0] * len(train)
    boxed_wrong = trl_reward(["\\boxed{-98765}"] * len(train), format_reward=0.1, **cols)
    assert [x for x, r in zip(boxed_wrong, train) if r.answer_type != "grid"] == [0.1] * sum(
        r.answer_type != "grid" for r in train)
    assert completion_text([{"role": "assistant", "content": "a"}]) == "a" and completion_text(None) == ""


def test_hf_export_reads_back_through_the_release_reader(tmp_path, records):
    export(records, "hf", tmp_path)
    for split in ("train", "test_out"):
        expected = [r for r in records if r.split == split]
        back = read_official(tmp_path / f"{split}.jsonl").records
        assert [r.to_hf() for r in back] == [r.to_hf() for r in expected]
        for got, rec in zip(back, expected):
            # the six HF fields carry no answer type: it is re-inferred from the ground truth, so an
            # integer-valued rational comes back as an int; the value is always the same
            if rec.answer_type == "rational" and Fraction(str(rec.answer)).denominator == 1:
                assert (got.answer_type, got.answer) == ("int", int(Fraction(str(rec.answer))))
            else:
                assert got.answer_type == rec.answer_type and got.answer == rec.answer, rec.setting_key
            assert equivalent(rec.ground_truth, got.answer, got.answer_type)
            assert got.split == split and got.axis == rec.axis
        if (tmp_path / f"{split}.parquet").exists():
            pq = read_official(tmp_path / f"{split}.parquet").records
            assert [r.to_json() for r in pq] == [r.to_json() for r in back]


def test_export_refusals(tmp_path, records, monkeypatch):
    with pytest.raises(UserError, match="unknown --format"):
        export(records, "csv", tmp_path)
    with pytest.raises(UserError, match="no problems of split test_in"):
        export(records, "trl", tmp_path, splits=["test_in"])
    with pytest.raises(UserError, match="unknown split"):
        export(records, "trl", tmp_path, splits=["dev"])
    monkeypatch.setattr("omegactl.interop.export.have_parquet", lambda: False)
    with pytest.raises(UserError, match="verl reads parquet"):
        export(records, "verl", tmp_path)
    written = export(records, "trl", tmp_path / "t")
    assert all(p.suffix == ".jsonl" for p, _ in written)


def test_export_command(tmp_path, records, capsys):
    data = tmp_path / "data.jsonl"
    write_jsonl(data, [json.loads(r.to_json()) for r in records])
    code, out, err = run_cli(["export", "--format", "trl", str(data), "-o", str(tmp_path / "out"), "--split", "train"], capsys)
    assert code == 0, err
    assert (tmp_path / "out" / "train.jsonl").exists() and not (tmp_path / "out" / "test_out.jsonl").exists()
    assert "train.jsonl" in out
    code, _, err = run_cli(["export", "--format", "nope", str(data), "-o", str(tmp_path / "o2")], capsys)
    assert code == 2 and "unknown --format" in err
    code, _, err = run_cli(["export", "--format", "hf", str(tmp_path / "missing.jsonl"), "-o", str(tmp_path / "o3")], capsys)
    assert code == 2 and "does not exist" in err


# -- verifiers.reward: threads, processes, hostile input ------------------------------------------

def _reward_cases(records):
    cases = []
    for rec in records:
        d = {"answer": rec.answer, "answer_type": rec.answer_type, "params": rec.params}
        cases.append((right_answer(rec), d, 1.0))
        cases.append((wrong_answer(rec), d, 0.0))
        cases.append(("no answer here", d, 0.0))
    expr = {"answer": "sqrt(2)/2", "answer_type": "expression", "params": {}}  # needs the sympy sandbox
    cases += [("\\boxed{\\frac{1}{\\sqrt{2}}}", expr, 1.0), ("\\boxed{\\frac{1}{\\sqrt{3}}}", expr, 0.0)]
    return cases


def _reward_one(case):
    from verifiers import reward

    text, record, _ = case
    return reward(text, record)


def test_reward_is_exact_from_a_thread_pool(records):
    from verifiers import reward

    assert reward is not None
    cases = _reward_cases(records) * 4
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(_reward_one, cases))
    assert got == [c[2] for c in cases]


def test_reward_is_exact_from_a_process_pool(records):
    cases = _reward_cases(records)
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=ctx) as pool:
        got = list(pool.map(_reward_one, cases))
    assert got == [c[2] for c in cases]


def test_reward_never_hangs_or_raises_on_hostile_input():
    from verifiers import reward

    expr = {"answer": "sqrt(2)/2", "answer_type": "expression", "params": {}}
    hostile = ["\\boxed{" + "(" * 50_000 + "}", "\\boxed{" + "9" * 30_000 + "^" + "9" * 30_000 + "}",
               "\\boxed{" * 5_000, "x" * 5_000_000, b"\xff\xfe\\boxed{1}", None]
    t0 = time.monotonic()
    for text in hostile:
        assert reward(text, expr, timeout_s=2.0) == 0.0
    assert reward("\\boxed{1}", {"answer": "not an int", "answer_type": "int", "params": {}}) == 0.0  # bad gold
    assert time.monotonic() - t0 < 30
