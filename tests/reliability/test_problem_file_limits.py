"""Hostile problem files and run folders (issue 19, cases 6 (problem files) and 9).

Oversized rows and files (plain and gzip) stop with one line and bounded memory; hidden folders are
skipped; ``/dev/stdin`` works; unusable records (unknown answer type, NaN answer, no messages) are refused
at load; a manifest that is a JSON list is a one-line error; output files honour the umask.
"""
from __future__ import annotations

import gzip
import json
import os
import stat
import subprocess
import sys

import pytest

from models.fake_server import FakeServer

from .kit import REPO_ROOT, eval_args, make_problems, oracle_policy, run_cli, subprocess_env, write_problem_file


@pytest.fixture(scope="module")
def records():
    return make_problems(per_level=1)[:4]


def dry_run(path, capsys, *extra):
    return run_cli(["eval", "--problems", str(path), "--dry-run", *extra], capsys)


def assert_one_line_error(code, out, err, *phrases):
    assert code == 2, (code, out[-300:], err[-500:])
    assert err.startswith("error:") and len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err and "internal error" not in err, err
    for p in phrases:
        assert p.lower() in err.lower(), (p, err)


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz"])
def test_one_huge_line_is_refused_without_reading_it_whole(tmp_path, capsys, monkeypatch, suffix):
    monkeypatch.setenv("OMEGACTL_MAX_ROW_MB", "1")
    path = tmp_path / f"huge{suffix}"
    opener = gzip.open if suffix.endswith(".gz") else open
    with opener(path, "wb") as fh:
        fh.write(b'{"id": "' + b"a" * (3 << 20) + b'"}')  # 3 MiB, no newline
    code, out, err = dry_run(path, capsys)
    assert_one_line_error(code, out, err, "huge", "line longer than 1 MiB", "OMEGACTL_MAX_ROW_MB")


def test_decompressed_size_is_capped(tmp_path, capsys, monkeypatch, records):
    monkeypatch.setenv("OMEGACTL_MAX_ROWS_FILE_MB", "0.25")
    path = tmp_path / "bomb.jsonl.gz"
    line = records[0].to_json().encode() + b"\n"
    with gzip.open(path, "wb") as fh:
        fh.write(b"\n" * (1 << 20))  # compresses to almost nothing
        fh.write(line)
    assert path.stat().st_size < 10_000
    code, out, err = dry_run(path, capsys)
    assert_one_line_error(code, out, err, "once decompressed", "OMEGACTL_MAX_ROWS_FILE_MB")


def test_default_caps_bound_memory_on_a_gzip_bomb(tmp_path):
    """A 64 MiB one-line .jsonl.gz (well past the 16 MiB row cap) stops early: the process stays far below
    the size of the line."""
    path = tmp_path / "bomb.jsonl.gz"
    with gzip.open(path, "wb", compresslevel=1) as fh:
        chunk = b"7" * (1 << 20)
        for _ in range(64):
            fh.write(chunk)
    # peak RSS of this process image (VmHWM; ru_maxrss would also count the forking pytest parent)
    code = ("import sys\n"
            "from omegactl.cli import main\n"
            "try:\n    main(['eval', '--problems', sys.argv[1], '--dry-run'])\n"
            "except SystemExit as e:\n"
            "    hwm = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]\n"
            "    print(e.code, int(hwm) // 1024, file=sys.stderr)\n")
    proc = subprocess.run([sys.executable, "-c", code, str(path)], cwd=str(REPO_ROOT), env=subprocess_env(),
                          capture_output=True, text=True, timeout=120)
    lines = proc.stderr.strip().splitlines()
    assert "line longer than 16 MiB" in lines[0], proc.stderr
    exit_code, rss_mb = lines[-1].split()
    assert exit_code == "2" and int(rss_mb) < 400, proc.stderr


def test_hidden_folders_are_skipped(tmp_path, capsys, records):
    folder = tmp_path / "problems"
    (folder / ".git").mkdir(parents=True)
    (folder / ".cache" / "deep").mkdir(parents=True)
    write_problem_file(folder / "set.jsonl", records)
    (folder / ".git" / "junk.jsonl").write_text("not json at all\n")
    (folder / ".cache" / "deep" / "old.jsonl").write_text("{broken\n")
    code, out, err = dry_run(folder, capsys)
    assert code == 0, err
    assert f"{len(records)} problems" in out


def test_problems_from_stdin(tmp_path, records):
    path = write_problem_file(tmp_path / "p.jsonl", records)
    cmd = [sys.executable, "-m", "omegactl.cli", "eval", "--problems", "/dev/stdin", "--dry-run"]
    cat = subprocess.Popen(["cat", str(path)], stdout=subprocess.PIPE)
    piped = subprocess.run(cmd, stdin=cat.stdout, capture_output=True, text=True, cwd=str(REPO_ROOT),
                           env=subprocess_env(), timeout=120)
    cat.wait()
    assert piped.returncode == 0, piped.stderr
    assert f"{len(records)} problems" in piped.stdout
    empty = subprocess.run(cmd, input="", capture_output=True, text=True, cwd=str(REPO_ROOT),
                           env=subprocess_env(), timeout=120)
    assert empty.returncode == 2 and "/dev/stdin" in empty.stderr and "empty" in empty.stderr, empty.stderr


@pytest.mark.parametrize("change,phrase", [
    ({"answer_type": "foo"}, "unknown answer type 'foo'"),
    ({"answer": float("nan")}, "not a finite number"),
    ({"answer": [1.0, float("inf")]}, "not a finite number"),
    ({"messages": []}, "'messages' is empty"),
])
def test_unusable_records_are_refused_at_load(tmp_path, capsys, records, change, phrase):
    rows = [json.loads(r.to_json()) for r in records]
    rows[1].update(change)
    path = tmp_path / "bad.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))  # json writes NaN / Infinity as Python does
    code, out, err = dry_run(path, capsys)
    assert_one_line_error(code, out, err, "bad.jsonl:2", phrase)


def test_manifest_that_is_a_list(tmp_path, capsys):
    run = tmp_path / "run"
    run.mkdir()
    (run / "manifest.json").write_text("[1, 2, 3]\n")
    for args in (["report", str(run)], ["score", str(run)]):
        code, out, err = run_cli(args, capsys)
        assert_one_line_error(code, out, err, "manifest.json", "not a JSON object")


def test_output_files_honour_the_umask(tmp_path, capsys, records):
    path = write_problem_file(tmp_path / "p.jsonl", records)
    run = tmp_path / "run"
    old = os.umask(0o022)
    try:
        import omegactl.common.atomic as atomic

        atomic._UMASK = None
        with FakeServer(oracle_policy(records)) as server:
            code, out, err = run_cli(eval_args(server.base_url, path, run), capsys)
        assert code == 0, err
        code, out, err = run_cli(["report", str(run), "--format", "md", "--resamples", "100",
                                  "-o", str(tmp_path / "r.md")], capsys)
        assert code == 0, err
    finally:
        os.umask(old)
        atomic._UMASK = None
    for p in [*run.iterdir(), tmp_path / "r.md"]:
        assert stat.S_IMODE(p.stat().st_mode) == 0o644, (p, oct(p.stat().st_mode))
