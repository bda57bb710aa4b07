"""Crash and resume: ``kill -9`` a real ``python -m omegactl.cli eval`` at seeded points, resume, compare.

The server is deterministic (answers depend on the prompt and the per-request seed) and slow enough
(20 ms per reply, concurrency 2) that the kills land mid-run. After five kills (one during start-up,
four after a seeded number of finished samples) the same command finishes the run; its samples and
results must equal those of an uninterrupted run (made in-process, to keep the test short).
(A torn final line is covered by tests/omegactl/test_eval.py.)
"""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from models.fake_server import FakeServer

from .kit import eval_args, eval_subprocess, latest_wins, make_problems, oracle_policy, read_samples, run_cli, \
    stable_unit, write_problem_file

SAMPLES = 2
KILL_SEED = 20251125
N_KILLS = 4  # plus one kill during start-up: five kill points


def count_lines(path: Path) -> int:
    try:
        with open(path, "rb") as fh:
            return fh.read().count(b"\n")
    except FileNotFoundError:
        return 0


def reap_group(proc: subprocess.Popen) -> None:
    """Kill whatever the killed eval left in its session (verifier workers), then reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=10)


def run_until(args: list[str], stop: "callable", log: Path, timeout_s: float = 60.0) -> int | None:
    """Start the eval; SIGKILL it as soon as ``stop()`` is true. Returns its exit code, or None if killed."""
    with open(log, "ab") as err:
        proc = eval_subprocess(args, stdout=subprocess.DEVNULL, stderr=err)
        deadline = time.monotonic() + timeout_s
        try:
            while proc.poll() is None:
                if stop():
                    os.kill(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=10)
                    return None
                if time.monotonic() > deadline:
                    raise AssertionError(f"eval did not finish within {timeout_s}s; see {log}")
                time.sleep(0.003)
            return proc.returncode
        finally:
            reap_group(proc)


def comparable(run: Path) -> tuple[dict, dict]:
    """(latest samples keyed by (problem, sample) without volatile fields, results.json)."""
    volatile = {"time", "latency_s"}
    latest = {k: {f: v for f, v in row.items() if f not in volatile} for k, row in latest_wins(read_samples(run)).items()}
    return latest, json.loads((run / "results.json").read_text())


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    base = tmp_path_factory.mktemp("crash")
    records = make_problems(per_level=6)  # 66 problems x 2 samples
    path = write_problem_file(base / "problems.jsonl", records)
    policy = oracle_policy(records, wrong=lambda number, seed: stable_unit("wrong", number, seed) < 0.3)
    return base, path, records, policy


def test_kill_9_at_seeded_points_then_resume_equals_uninterrupted_run(setup, capsys):
    base, path, records, policy = setup
    total = len(records) * SAMPLES
    rng = random.Random(KILL_SEED)
    thresholds = sorted(rng.sample(range(2, total - 10), N_KILLS))
    startup_kill_s = rng.uniform(0.05, 0.6)
    with FakeServer(policy, latency_s=0.02) as server:
        def args(out: Path) -> list[str]:
            return eval_args(server.base_url, path, out, "--samples", str(SAMPLES), "--temperature", "0.7",
                             "--seed", "7", "--concurrency", "2", "--request-timeout", "10")

        reference = base / "reference"
        code, _, err = run_cli(args(reference), capsys)
        assert code == 0, err

        run = base / "crashed"
        samples_file = run / "samples.jsonl"
        started = time.monotonic()
        assert run_until(args(run), lambda: time.monotonic() - started > startup_kill_s, base / "crashed.log") is None
        seen_after_kill = []
        for threshold in thresholds:
            code = run_until(args(run), lambda t=threshold: count_lines(samples_file) >= t, base / "crashed.log")
            assert code is None, f"the run finished before reaching {threshold} samples; kills must land mid-run"
            seen_after_kill.append(count_lines(samples_file))
        assert run_until(args(run), lambda: False, base / "crashed.log") == 0, (base / "crashed.log").read_text()[-2000:]

    assert seen_after_kill == sorted(seen_after_kill) and seen_after_kill[0] < total
    rows = read_samples(run)
    keys = [(r["problem_id"], r["sample_index"]) for r in rows]
    expected = {(r.id, k) for r in records for k in range(SAMPLES)}
    assert set(keys) == expected  # nothing lost
    assert len(latest_wins(rows)) == total
    assert len(keys) == total, "a finished sample was written twice"  # no errors here, so none is re-done

    got_samples, got_results = comparable(run)
    want_samples, want_results = comparable(reference)
    assert got_samples == want_samples
    assert got_results == want_results
    wrong = sum(1 for r in want_samples.values() if not r["strict"]["correct"])
    assert 0 < wrong < total  # the comparison covers both verdicts

    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["n_samples_done"] == total
    assert manifest["resumed"] >= N_KILLS  # every kill after the manifest existed was a resume
    assert json.loads((reference / "manifest.json").read_text()).get("resumed", 0) == 0
