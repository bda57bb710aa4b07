"""One writer per run folder (issue 19, cases 1 and 2).

Three evals started at once on one folder: one runs, the others stop with exit 2 naming its PID, and the
log is valid, complete and duplicate-free, every request sent once. ``score`` during an eval is refused and
loses nothing. Rows are written with one ``write`` each, so even writers that bypass the lock never glue
two rows together.
"""
from __future__ import annotations

import json
import multiprocessing
import re
import subprocess
import threading
import time
from pathlib import Path

import pytest

from models.fake_server import FakeServer
from omegactl.common.errors import UserError
from omegactl.runs.folder import RunFolder
from omegactl.runs.lock import LOCK_NAME, RunLock

from .kit import eval_args, eval_subprocess, make_problems, oracle_policy, read_samples, run_cli, write_problem_file

PAD = "x" * 120_000  # one whitespace-free word: rows far larger than an I/O buffer, never cut by max_tokens


def gated_policy(records, gate: threading.Event, free: int = 0):
    """The oracle's answers with a 120 KB pad; after ``free`` answers, each waits for ``gate``."""
    oracle = oracle_policy(records)
    served = [0]
    lock = threading.Lock()

    def policy(messages, body):
        with lock:
            served[0] += 1
            n = served[0]
        if n > free:
            gate.wait(timeout=60)
        return PAD + " " + oracle(messages, body)

    return policy


def wait_for(predicate, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def assert_log_sound(run: Path, records, samples: int = 1) -> None:
    raw = (run / "samples.jsonl").read_bytes()
    assert raw.endswith(b"\n")
    rows = [json.loads(line) for line in raw.split(b"\n")[:-1]]  # every line is one valid JSON object
    keys = [(r["problem_id"], r["sample_index"]) for r in rows]
    assert len(keys) == len(set(keys)), "a sample was written twice"
    assert set(keys) == {(r.id, k) for r in records for k in range(samples)}, "samples missing"
    assert all(r["response"].startswith(PAD) for r in rows)


@pytest.fixture(scope="module")
def problems(tmp_path_factory):
    base = tmp_path_factory.mktemp("lock")
    records = make_problems(per_level=1)
    return base, write_problem_file(base / "problems.jsonl", records), records


def test_three_concurrent_evals_one_runs_the_others_refused(problems):
    base, path, records = problems
    run = base / "three"
    gate = threading.Event()
    with FakeServer(gated_policy(records, gate)) as server:
        args = eval_args(server.base_url, path, run, "--concurrency", "4")
        procs = [eval_subprocess(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)]
        try:
            # the holder's requests wait at the gate, so it cannot finish before the other two give up
            wait_for(lambda: sum(p.poll() is not None for p in procs) >= 2, 90, "two evals to be refused")
            gate.set()
            outs = [p.communicate(timeout=120) for p in procs]
        finally:
            gate.set()
            for p in procs:
                if p.poll() is None:
                    p.kill()
                    p.wait()
        bodies = len(server.bodies)
    codes = [p.returncode for p in procs]
    assert sorted(codes) == [0, 2, 2], (codes, [e.decode()[-500:] for _, e in outs])
    holder = procs[codes.index(0)].pid
    for p, (out, err) in zip(procs, outs):
        if p.returncode == 2:
            lines = err.decode().strip().splitlines()
            assert len(lines) == 1 and "Traceback" not in err.decode(), err.decode()
            assert f"PID {holder}" in lines[0] and "in use" in lines[0], lines[0]
    assert bodies == len(records), "a request was paid for twice"
    assert_log_sound(run, records)
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert not (run / LOCK_NAME).exists()


def test_score_during_eval_is_refused_and_loses_nothing(problems, capsys):
    base, path, records = problems
    run = base / "score-during"
    gate = threading.Event()
    with FakeServer(gated_policy(records, gate, free=8)) as server:
        proc = eval_subprocess(eval_args(server.base_url, path, run, "--concurrency", "2"),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wait_for(lambda: len(read_samples(run)) >= 3 if (run / "samples.jsonl").exists() else False, 90,
                     "the eval's first rows")
            code, out, err = run_cli(["score", str(run)], capsys)
            assert code == 2, (code, out, err)
            assert f"PID {proc.pid}" in err and len(err.strip().splitlines()) == 1, err
            gate.set()
            _, eval_err = proc.communicate(timeout=120)
        finally:
            gate.set()
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert proc.returncode == 0, eval_err.decode()[-800:]
    assert_log_sound(run, records)
    code, out, err = run_cli(["score", str(run)], capsys)  # once the eval is done, score runs
    assert code == 0, err
    assert_log_sound(run, records)


def test_lock_names_holder_and_is_released(tmp_path):
    with RunLock(tmp_path, "omegactl score"):
        with pytest.raises(UserError) as exc:
            RunLock(tmp_path, "omegactl eval").acquire()
        assert exc.value.exit_code == 2
        assert re.search(rf"PID {__import__('os').getpid()}\b", str(exc.value))
    assert not (tmp_path / LOCK_NAME).exists()
    with RunLock(tmp_path):  # free again
        pass


def _append_rows(path: str, writer: int, n: int) -> None:
    out = RunFolder(Path(path)).open_samples_for_append()
    try:
        for i in range(n):
            out.write_row(json.dumps({"writer": writer, "i": i, "pad": "y" * 200_000}))
    finally:
        out.close()


def test_rows_are_single_writes_never_glued(tmp_path):
    """Three processes append 200 KB rows to one log without any lock: no row is torn or glued."""
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_append_rows, args=(str(tmp_path), w, 40)) for w in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    lines = (tmp_path / "samples.jsonl").read_bytes().split(b"\n")
    assert lines[-1] == b""
    rows = [json.loads(line) for line in lines[:-1]]
    assert sorted((r["writer"], r["i"]) for r in rows) == [(w, i) for w in range(3) for i in range(40)]
