"""`omegactl eval` end to end against a deterministic OpenAI-compatible fake server on 127.0.0.1."""
from __future__ import annotations

import json

import pytest

from models.fake_server import FakeServer

from .evalkit import oracle, run_cli, samples, write_problems


@pytest.fixture()
def problem_file(tmp_path):
    path = tmp_path / "problems.jsonl"
    recs = write_problems(path)
    return path, recs


def eval_args(server, problems, out, *extra):
    return ["eval", "--model", "openai:fake-model", "--base-url", server.base_url, "--problems", str(problems),
            "--out", str(out), "--max-retries", "2", "--retry-budget", "5", "--request-timeout", "5", *extra]


def test_eval_end_to_end_scores_exactly(tmp_path, problem_file, capsys):
    path, recs = problem_file
    with FakeServer(oracle(recs, wrong_every=4)) as server:
        code, out, err = run_cli(eval_args(server, path, tmp_path / "run", "--seed", "3"), capsys)
    assert code == 0, err
    run = tmp_path / "run"
    for name in ("manifest.json", "problems.jsonl", "samples.jsonl", "results.json"):
        assert (run / name).exists(), name
    rows = samples(run)
    assert len(rows) == len(recs) and len({(r["problem_id"], r["sample_index"]) for r in rows}) == len(recs)
    expected_wrong = sum(1 for i in range(len(recs)) if i % 4 == 0)
    assert sum(1 for r in rows if not r["strict"]["correct"]) == expected_wrong
    results = json.loads((run / "results.json").read_text())
    assert results["overall"]["n"] == len(recs)
    assert results["overall"]["correct"] == len(recs) - expected_wrong
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["verifier_version"]
    assert manifest["identity"]["seed"] == 3
    # a per-request seed reached the server on every request, distinct per problem
    seeds = [b.get("seed") for b in server.bodies]
    assert all(isinstance(s, int) for s in seeds) and len(set(seeds)) == len(recs)
    assert "exploratory" in out


def test_resume_after_torn_line_completes_without_duplicates(tmp_path, problem_file, capsys):
    path, recs = problem_file
    run = tmp_path / "run"
    with FakeServer(oracle(recs)) as server:
        assert run_cli(eval_args(server, path, run), capsys)[0] == 0
        full = (run / "samples.jsonl").read_text().splitlines()
        # simulate a crash: keep half the lines and a torn partial line
        (run / "samples.jsonl").write_text("\n".join(full[: len(full) // 2]) + "\n" + full[-1][: len(full[-1]) // 2])
        before = len(server.bodies)
        code, out, err = run_cli(eval_args(server, path, run), capsys)
        assert code == 0, err
        assert len(server.bodies) - before == len(full) - len(full) // 2  # only the missing ones were sent
    rows = samples(run)
    keys = [(r["problem_id"], r["sample_index"]) for r in rows]
    assert len(keys) == len(set(keys)) == len(recs)
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["repaired_bytes"] > 0 and manifest["resumed"] == 1


def test_changed_config_or_problems_is_refused(tmp_path, problem_file, capsys):
    path, recs = problem_file
    run = tmp_path / "run"
    with FakeServer(oracle(recs)) as server:
        assert run_cli(eval_args(server, path, run), capsys)[0] == 0
        code, _, err = run_cli(eval_args(server, path, run, "--temperature", "0.7"), capsys)
        assert code == 2 and "temperature" in err and "0.7" in err
        path.write_text("".join(r.to_json() + "\n" for r in recs[:-1]))
        code, _, err = run_cli(eval_args(server, path, run), capsys)
        assert code == 2 and "different problem set" in err


def test_error_rate_above_limit_exits_3_and_retries_on_resume(tmp_path, problem_file, capsys):
    path, recs = problem_file
    run = tmp_path / "run"
    with FakeServer(oracle(recs), faults={"500": 1.0}) as server:
        code, out, err = run_cli(eval_args(server, path, run, "--max-retries", "1", "--retry-budget", "2"), capsys)
    assert code == 3, err
    assert "errored" in err and "500" in err
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["status"] == "failed" and manifest["errors"]["count"] == len(recs)
    assert all(r["error"] for r in samples(run))
    # the server recovers: the same command retries the errored samples; the latest line wins
    with FakeServer(oracle(recs)) as server:
        code, out, err = run_cli(eval_args(server, path, run, "--max-retries", "1", "--retry-budget", "2"), capsys)
    assert code == 0, err
    rows = samples(run)
    assert len(rows) == 2 * len(recs)
    results = json.loads((run / "results.json").read_text())
    assert results["overall"]["errored"] == 0 and results["overall"]["correct"] == len(recs)
    assert json.loads((run / "manifest.json").read_text())["status"] == "complete"


def test_secrets_never_written_or_printed(tmp_path, problem_file, capsys, monkeypatch):
    path, recs = problem_file
    secret = "sk-test-SECRET1234567890"
    monkeypatch.setenv("MY_KEY", secret)
    run = tmp_path / "run"
    with FakeServer(oracle(recs)) as server:
        code, out, err = run_cli(eval_args(server, path, run, "--api-key-env", "MY_KEY"), capsys)
        code2, out2, err2 = run_cli(eval_args(server, path, tmp_path / "run2", "--api-key", secret), capsys)
    assert code == 0 and code2 == 0
    for blob in (out, err, out2, err2):
        assert secret not in blob
    for f in list(run.rglob("*")) + list((tmp_path / "run2").rglob("*")):
        if f.is_file():
            assert secret not in f.read_text(errors="replace"), f


def test_dry_run_loads_no_model_and_writes_nothing(tmp_path, problem_file, capsys):
    path, recs = problem_file
    code, out, err = run_cli(["eval", "--model", "openai:nothing-listening", "--base-url", "http://127.0.0.1:9/v1",
                              "--problems", str(path), "--out", str(tmp_path / "run"), "--dry-run"], capsys)
    assert code == 0, err
    assert "resolved config" in out and recs[0].question.splitlines()[0][:30] in out
    assert "int" in out  # answer types shown
    assert not (tmp_path / "run").exists()


def test_score_rescoring_without_inference(tmp_path, problem_file, capsys):
    path, recs = problem_file
    run = tmp_path / "run"
    with FakeServer(oracle(recs)) as server:
        assert run_cli(eval_args(server, path, run), capsys)[0] == 0
    rows = samples(run)
    rows[0]["strict"]["correct"] = False  # a stale verdict
    (run / "samples.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    code, out, err = run_cli(["score", str(run)], capsys)
    assert code == 0, err
    assert "1 verdicts changed" in out
    assert all(r["strict"]["correct"] for r in samples(run))


def test_config_file_and_cli_override(tmp_path, problem_file, capsys):
    path, recs = problem_file
    with FakeServer(oracle(recs)) as server:
        cfg = tmp_path / "run.yaml"
        cfg.write_text(f"model: openai:fake-model\nbase_url: {server.base_url}\nproblems: {path}\ntemperature: 0.4\nmax_tokens: 64\n")
        code, out, err = run_cli(["eval", "--config", str(cfg), "--temperature", "0.0", "--out", str(tmp_path / "r")], capsys)
    assert code == 0, err
    ident = json.loads((tmp_path / "r" / "manifest.json").read_text())["identity"]
    assert ident["temperature"] == 0.0 and ident["max_tokens"] == 64
    bad = tmp_path / "bad.yaml"
    bad.write_text("temprature: 0.3\n")
    code, _, err = run_cli(["eval", "--config", str(bad), "--out", str(tmp_path / "x"), "--dry-run"], capsys)
    assert code == 2 and "unknown config option 'temprature'" in err


@pytest.mark.parametrize("args,needle", [
    (["--model", "bogus:x"], "bogus"),
    (["--suite", "nope"], "unknown suite"),
    (["--model-args", "novalue"], "malformed --model-args"),
    (["--samples", "0"], "samples"),
])
def test_bad_eval_input(tmp_path, problem_file, capsys, args, needle):
    path, _ = problem_file
    base = ["eval", "--out", str(tmp_path / "r")] + (["--problems", str(path)] if "--suite" not in args else [])
    code, out, err = run_cli(base + args, capsys)
    assert code == 2, (out, err)
    assert needle in err and "Traceback" not in err


def test_hostile_problem_files(tmp_path, problem_file, capsys):
    path, recs = problem_file
    lines = path.read_text().splitlines()
    cases = {
        "truncated.jsonl": ("\n".join(lines[:2]) + "\n" + lines[2][:40], "invalid JSON"),
        "schema.jsonl": (json.dumps({"id": "x", "question": "hi"}) + "\n", "not an omegactl problem record"),
        "dupes.jsonl": (lines[0] + "\n" + lines[0] + "\n", "duplicate problem id"),
        "oldversion.jsonl": (json.dumps({**json.loads(lines[0]), "schema_version": 99}) + "\n", "another omegactl version"),
    }
    for name, (content, needle) in cases.items():
        f = tmp_path / name
        f.write_text(content)
        code, out, err = run_cli(["eval", "--problems", str(f), "--out", str(tmp_path / ("run_" + name)), "--dry-run"], capsys)
        assert code == 2 and needle in err, (name, err)
        assert not (tmp_path / ("run_" + name)).exists()
