"""Hostile input files: bad problem files and damaged run folders give one clear line, exit 2, and leave an
existing run folder exactly as it was (bytes and modification times of every file)."""
from __future__ import annotations

import json

import pytest

from models.fake_server import FakeServer

from .kit import eval_args, make_problems, oracle_policy, run_cli, snapshot, write_problem_file


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    """A complete run folder and the problem file it was made from."""
    base = tmp_path_factory.mktemp("input")
    records = make_problems(per_level=2)
    path = write_problem_file(base / "problems.jsonl", records)
    run = base / "run"
    with FakeServer(oracle_policy(records)) as server:
        from omegactl.cli import main

        with pytest.raises(SystemExit) as exc:
            main(eval_args(server.base_url, path, run))
        assert exc.value.code in (0, None)
    return base, path, records, run


def bad_files(lines: list[str], records) -> dict[str, tuple[bytes, tuple[str, ...]]]:
    """name -> (file bytes, phrases of which the error must contain at least one)."""
    first = json.loads(lines[0])
    other = make_problems(per_level=1, seed=99)
    return {
        "truncated.jsonl": (("\n".join(lines[:3]) + "\n" + lines[3][:57]).encode(), ("invalid JSON", "truncated")),
        "wrong_schema.jsonl": ((json.dumps({**first, "level": "high", "messages": "hi"}) + "\n").encode(),
                               ("not an omegactl problem record", "level")),
        "missing_fields.jsonl": ((json.dumps({k: v for k, v in first.items() if k not in ("answer", "answer_type")})
                                  + "\n").encode(), ("answer",)),
        "duplicate_ids.jsonl": ((lines[0] + "\n" + lines[1] + "\n" + lines[0] + "\n").encode(), ("duplicate problem id",)),
        "other_version.jsonl": ((json.dumps({**first, "schema_version": 99}) + "\n").encode(),
                                ("another omegactl version", "schema_version 99")),
        "binary.jsonl": (b"\x89PNG\r\n\x1a\n\x00\xff\xfe garbage \xc3\x28\n", ("invalid JSON", "not valid", "UTF-8")),
        "array.jsonl": (b"[1, 2, 3]\n", ("JSON object", "object")),
        "empty.jsonl": (b"\n\n", ("no problems",)),
        "other_problem_set.jsonl": ("".join(r.to_json() + "\n" for r in other).encode(), ("different problem set",)),
    }


def assert_clean_error(code: int, out: str, err: str, phrases: tuple[str, ...], name: str) -> None:
    assert code == 2, (name, code, out[-300:], err[-600:])
    assert "Traceback" not in err + out, name
    assert err.strip().startswith("error:"), (name, err)
    assert "internal error" not in err, (name, err)
    assert any(p.lower() in err.lower() for p in phrases), (name, err)


@pytest.mark.parametrize("name", list(bad_files(["{}"] * 4, [])))
def test_bad_problem_file_leaves_existing_run_untouched(finished_run, name, capsys):
    base, path, records, run = finished_run
    lines = path.read_text().splitlines()
    content, phrases = bad_files(lines, records)[name]
    bad = base / name
    bad.write_bytes(content)
    before = snapshot(run)
    with FakeServer(oracle_policy(records)) as server:
        code, out, err = run_cli(eval_args(server.base_url, bad, run), capsys)
        assert not server.bodies  # nothing was sent
    assert_clean_error(code, out, err, phrases, name)
    assert snapshot(run) == before, f"{name}: the run folder changed"


def test_missing_problem_file_and_folder_without_problems(finished_run, tmp_path, capsys):
    base, path, records, run = finished_run
    before = snapshot(run)
    code, out, err = run_cli(eval_args("http://127.0.0.1:9/v1", tmp_path / "nope.jsonl", run), capsys)
    assert_clean_error(code, out, err, ("does not exist",), "missing")
    (tmp_path / "empty_dir").mkdir()
    code, out, err = run_cli(eval_args("http://127.0.0.1:9/v1", tmp_path / "empty_dir", run), capsys)
    assert_clean_error(code, out, err, ("no ", "problem files"), "empty folder")
    assert snapshot(run) == before


def test_damaged_run_folder_is_reported_not_rewritten(finished_run, tmp_path, capsys):
    """A manifest that is not JSON, or a samples log damaged in the middle: a clear error, files kept."""
    base, path, records, run = finished_run
    import shutil

    for name, damage, phrases in [
        ("manifest", lambda f: (f / "manifest.json").write_text('{"identity": {"model": '), ("manifest.json", "not valid JSON")),
        ("samples", lambda f: (f / "samples.jsonl").write_bytes(
            b"".join(l if i != 2 else b'{"problem_id": "x", \n' for i, l in
                     enumerate((f / "samples.jsonl").read_bytes().splitlines(keepends=True)))),
         ("samples", "damaged")),
    ]:
        copy = tmp_path / f"run_{name}"
        shutil.copytree(run, copy)
        damage(copy)
        before = snapshot(copy)
        with FakeServer(oracle_policy(records)) as server:
            code, out, err = run_cli(eval_args(server.base_url, path, copy), capsys)
            assert not server.bodies
        assert_clean_error(code, out, err, phrases, name)
        assert snapshot(copy) == before, f"{name}: the damaged run folder was rewritten"
