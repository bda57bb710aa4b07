"""Eval start: checks before heavy work, nothing written on a failed start, resume reads the run folder."""
from __future__ import annotations

import json

import pytest

import omegactl.eval.suites
from generators.record import ProblemRecord
from models.fake_server import FakeServer

from .evalkit import oracle, run_cli, samples, write_problems


def _no_build(*args, **kwargs):
    raise AssertionError("the suite was built although the run could not start")


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--model", "nonsense:thing"], "unknown model spec"),
        (["--model", "openai:m", "--base-url", "http://127.0.0.1:9/v1", "--api-key-env", "OMEGACTL_TEST_UNSET_KEY"],
         "OMEGACTL_TEST_UNSET_KEY"),
        (["--model", "openai:m", "--base-url", "https://api.example.invalid/v1"], "no API key"),
        (["--model", "local", "--base-url", "http://127.0.0.1:9/v1"], "--base-url applies to openai"),
    ],
)
def test_bad_model_spec_or_key_fails_before_building_and_writes_nothing(tmp_path, capsys, monkeypatch, args, needle):
    monkeypatch.delenv("OMEGACTL_TEST_UNSET_KEY", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setattr(omegactl.eval.suites, "build_suite", _no_build)
    out = tmp_path / "run"
    for extra in ([], ["--dry-run"]):
        code, _, err = run_cli(["eval", *args, "--suite", "default", "--out", str(out), *extra], capsys)
        assert code == 2, err
        assert needle in err and "Traceback" not in err
        assert not out.exists()


def test_backend_start_failure_leaves_no_run_folder(tmp_path, capsys, monkeypatch):
    import models
    from models import BackendError

    def failing_start(*args, **kwargs):
        raise BackendError("local server exited with signal SIGSEGV before it was ready")

    monkeypatch.setattr(models, "load_backend", failing_start)
    monkeypatch.setattr(omegactl.eval.suites, "build_suite", _no_build)
    out = tmp_path / "run"
    code, _, err = run_cli(["eval", "--model", "local", "--suite", "default", "--out", str(out)], capsys)
    assert code == 2 and "SIGSEGV" in err
    assert not out.exists()  # no folder, no problems.jsonl


def test_a_new_run_replaces_a_stale_problems_file(tmp_path, capsys):
    path = tmp_path / "problems.jsonl"
    recs = write_problems(path, n=2)
    out = tmp_path / "run"
    out.mkdir()
    (out / "problems.jsonl").write_text('{"stale": true}\n')  # left by an older omegactl's failed start
    with FakeServer(oracle(recs)) as server:
        code, _, err = run_cli(["eval", "--model", "openai:fake-model", "--base-url", server.base_url, "--problems",
                                str(path), "--out", str(out)], capsys)
    assert code == 0, err
    assert (out / "problems.jsonl").read_bytes() == path.read_bytes()


def _smoke_args(server, out, *extra):
    return ["eval", "--model", "openai:fake-model", "--base-url", server.base_url, "--suite", "smoke", "--limit", "1",
            "--out", str(out), "--max-retries", "1", "--retry-budget", "5", "--request-timeout", "5", *extra]


def test_resume_reads_the_folder_problems_and_refuses_another_problem_set(tmp_path, capsys, monkeypatch):
    records = omegactl.eval.suites.build_suite("smoke")
    out = tmp_path / "run"
    with FakeServer(oracle(records)) as server:
        code, _, err = run_cli(_smoke_args(server, out), capsys)
        assert code == 0, err
        manifest = json.loads((out / "manifest.json").read_text())
        assert manifest["problem_set_key"]
        n_samples = len(samples(out))

        # resuming neither builds nor reads the suite: the folder's problems.jsonl is the problem set
        monkeypatch.setattr(omegactl.eval.suites, "build_suite", _no_build)
        code, _, err = run_cli(_smoke_args(server, out), capsys)
        assert code == 0, err
        assert len(samples(out)) == n_samples  # nothing re-sent

        # a changed problems.jsonl is refused, not silently used
        good = (out / "problems.jsonl").read_bytes()
        lines = good.decode().splitlines()
        rec = ProblemRecord.model_validate_json(lines[0])
        lines[0] = rec.model_copy(update={"ground_truth": "999999"}).to_json()
        (out / "problems.jsonl").write_text("\n".join(lines) + "\n")
        code, _, err = run_cli(_smoke_args(server, out), capsys)
        assert code == 2 and "does not match the run's manifest" in err
        (out / "problems.jsonl").write_bytes(good)

    # another problem seed is another problem set: built (from cache or fresh), compared, refused
    monkeypatch.undo()
    with FakeServer(oracle(records)) as server:
        code, _, err = run_cli(_smoke_args(server, out, "--problem-seed", "7"), capsys)
    assert code == 2 and "different problem set" in err
    assert len(samples(out)) == n_samples
