"""Flat-memory eval (issue 23): problems streamed from problems.jsonl, todo from hashed sample keys, and
results.json aggregated in streaming passes — identical to the in-memory aggregation it replaces."""
from __future__ import annotations

import json
import random
from collections import Counter

import pytest

import omegactl.interop.problem_files
from models.fake_server import FakeServer
from omegactl.runs.aggregate import aggregate
from omegactl.eval.run import _error_kind
from omegactl.runs.problem_stream import ProblemFile, Todo, done_keys
from omegactl.runs.folder import RunFolder, sample_key
from omegactl.runs.stream_aggregate import stream_aggregate

from .evalkit import oracle, run_cli, samples, write_problems

AXES = ("exploratory", "compositional", "transformative", "carc")
SPLITS = ("train", "test_in", "test_out", "test")


def _varied_records(tmp_path, n=4):
    """Records spread over axes, splits and levels (coordinates rewritten; the content is irrelevant here)."""
    base = write_problems(tmp_path / "base.jsonl", n=n)
    rng = random.Random(3)
    out = []
    for i, rec in enumerate(base * 3):
        out.append(rec.model_copy(update={"id": f"p{i:04d}-{rec.id}", "axis": rng.choice(AXES),
                                          "split": rng.choice(SPLITS), "level": rng.randint(1, 3),
                                          "setting_key": rng.choice(["s_a", "s_b", "s_c"])}))
    return out


def _random_samples(records, rng, samples_per_problem):
    """A samples log with every kind of line: correct, wrong, unparsed, errored, length-capped, retried
    (an errored line superseded), an error after a success, a key of no problem, missing keys."""
    rows = []
    reasons = ["stop", "length", None, "content_filter"]
    errors = ["server_error: HTTP 500 boom", "timeout", "", "rate_limit: HTTP 429 " + "x" * 400]
    keys = [(r.id, k) for r in records for k in range(samples_per_problem)] + [("ghost", 0), ("ghost", 1)]
    for _ in range(3 * len(keys)):
        pid, k = rng.choice(keys)
        if rng.random() < 0.1:
            continue
        kind = rng.random()
        row = {"problem_id": pid, "sample_index": k, "prompt_tokens": rng.randint(0, 50),
               "completion_tokens": rng.choice([None, rng.randint(0, 90)]), "grid": None}
        if kind < 0.2:
            row.update(error=rng.choice(errors), response=None, strict={"correct": False, "extracted": None},
                       flex={"correct": False, "extracted": None}, finish_reason=None)
        else:
            extracted = None if kind < 0.35 else str(rng.randint(0, 9))
            row.update(error=None, response="…", finish_reason=rng.choice(reasons),
                       strict={"correct": extracted is not None and rng.random() < 0.5, "extracted": extracted},
                       flex={"correct": rng.random() < 0.6, "extracted": extracted})
            if rng.random() < 0.2:
                row["grid"] = {"color": rng.random() < 0.5, "shape": True}
        rows.append(row)
    return rows


def _old_finish(records, folder, samples_per_problem):
    """What EvalRun.finish computed before streaming: aggregate over latest_slim, and its tallies."""
    latest = folder.latest_slim()
    results = aggregate(records, latest, samples_per_problem=samples_per_problem)
    kinds, finish = Counter(), Counter()
    usage = {"prompt_tokens": 0, "completion_tokens": 0}
    for s in latest.values():
        if s.get("error"):
            kinds[_error_kind(s["error"])] += 1
        else:
            finish[s.get("finish_reason") or "unknown"] += 1
        usage["prompt_tokens"] += s.get("prompt_tokens") or 0
        usage["completion_tokens"] += s.get("completion_tokens") or 0
    return results, kinds, finish, usage


@pytest.mark.parametrize("seed, samples_per_problem", [(0, 1), (1, 3), (2, 2)])
def test_streaming_aggregate_is_byte_identical_to_the_in_memory_one(tmp_path, seed, samples_per_problem):
    records = _varied_records(tmp_path)
    folder = RunFolder(tmp_path / "run")
    folder.create()
    folder.write_problems(records)
    rng = random.Random(seed)
    with open(folder.samples_path, "w", encoding="utf-8") as fh:
        for row in _random_samples(records, rng, samples_per_problem):
            fh.write(json.dumps(row) + "\n")
    old, kinds, finish, usage = _old_finish(records, folder, samples_per_problem)
    new, tallies = stream_aggregate(folder.samples_path, ProblemFile(folder.problems_path).index(),
                                    samples_per_problem=samples_per_problem, error_kind=_error_kind)
    assert json.dumps(new, indent=2) == json.dumps(old, indent=2)
    assert old["n_samples"] > 0 and old["overall"]["errored"] > 0 and len(old["axes"]) == 4
    assert list(tallies.error_kinds.items()) == list(kinds.items())  # same counts, same order
    assert list(tallies.finish_reasons.items()) == list(finish.items())
    assert tallies.usage == usage

    # the todo: every (record, sample) whose latest line is missing or errored, in order, as before
    latest = folder.latest_slim()
    expected = [(r.id, k) for r in records for k in range(samples_per_problem)
                if (s := latest.get(sample_key(r.id, k))) is None or s.get("error") is not None]
    todo = Todo(ProblemFile(folder.problems_path), done_keys(folder.samples_path), samples_per_problem)
    assert [(r.id, k) for r, k in todo] == expected and len(todo) == len(expected)


def test_streaming_aggregate_of_an_empty_log(tmp_path):
    records = _varied_records(tmp_path, n=1)
    folder = RunFolder(tmp_path / "run")
    folder.create()
    folder.write_problems(records)
    old, *_ = _old_finish(records, folder, 2)
    new, tallies = stream_aggregate(folder.samples_path, ProblemFile(folder.problems_path).index(),
                                    samples_per_problem=2, error_kind=_error_kind)
    assert json.dumps(new) == json.dumps(old) and new["n_samples"] == 0 and not tallies.error_kinds


def _eval(server, problems, out, *extra):
    return ["eval", "--model", "openai:fake-model", "--base-url", server.base_url, "--problems", str(problems),
            "--out", str(out), "--max-retries", "0", "--retry-budget", "5", "--request-timeout", "5",
            "--max-error-rate", "1", *extra]


def test_eval_results_match_the_in_memory_aggregation_through_a_resume(tmp_path, capsys, monkeypatch):
    path = tmp_path / "problems.jsonl"
    recs = write_problems(path, n=5)
    out = tmp_path / "run"
    first_pass = [True]

    def faults(number, body):  # the first pass loses every 4th request: a resume re-sends them
        return "500" if first_pass[0] and number % 4 == 0 else None

    # a --problems file is streamed, never loaded whole
    def no_load(*args, **kwargs):
        raise AssertionError("the problem file was loaded into memory")

    monkeypatch.setattr(omegactl.interop.problem_files, "load_problem_source", no_load)
    with FakeServer(oracle(recs, wrong_every=3), faults=faults) as server:
        code, _, err = run_cli(_eval(server, path, out, "--samples", "2"), capsys)
        assert code in (0, 1), err
        first = samples(out)
        assert any(s["error"] for s in first)
        first_pass[0] = False
        code, _, err = run_cli(_eval(server, path, out, "--samples", "2"), capsys)
        assert code == 0, err
    rows = samples(out)
    assert len(rows) > len(recs) * 2  # the errored lines stay; their retries supersede them
    folder = RunFolder(out)
    results = json.loads((out / "results.json").read_text())
    old, kinds, finish, usage = _old_finish(recs, folder, 2)
    for key in ("omegactl_version", "verifier_version", "status", "model", "source"):
        old[key] = results[key]
    assert (out / "results.json").read_text() == json.dumps(old, indent=2, default=str) + "\n"
    assert results["complete"] and results["overall"]["correct"] < results["n_samples"] == len(recs) * 2
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["finish_reasons"] == dict(finish) and manifest["token_usage"] == usage
    assert manifest["versions"]["generators"] == sorted({r.generator_version for r in recs})


def test_duplicate_ids_in_a_streamed_file_are_refused_naming_both_records(tmp_path, capsys):
    path = tmp_path / "problems.jsonl"
    recs = write_problems(path, n=2)
    lines = path.read_text().splitlines()
    lines.append(recs[1].to_json())
    path.write_text("\n".join(lines) + "\n")
    out = tmp_path / "run"
    with FakeServer(oracle(recs)) as server:
        code, _, err = run_cli(_eval(server, path, out), capsys)
    assert code == 2 and f"duplicate problem id {recs[1].id!r} (records 2 and {len(recs) + 1})" in err
    assert not out.exists()


def test_dry_run_of_a_streamed_file_lists_the_problems_and_leaves_nothing(tmp_path, capsys):
    path = tmp_path / "problems.jsonl"
    recs = write_problems(path, n=2)
    code, out, err = run_cli(["eval", "--model", "openai:m", "--base-url", "http://127.0.0.1:9/v1", "--problems",
                              str(path), "--out", str(tmp_path / "run"), "--dry-run"], capsys)
    assert code == 0, err
    assert f"{len(recs)} problems, {len(recs)} requests to send" in out.replace("\n", " ")
    assert not (tmp_path / "run").exists()
