"""`omegactl eval` against hostile servers (issue 19, items 5-7): endless replies, always-500, wrong keys."""
from __future__ import annotations

import json
import subprocess
import sys
import time

from models.fake_server import FakeServer
from tests.models.test_client_limits import SECRET, EndlessServer
from tests.reliability.kit import (REPO_ROOT, eval_args, make_problems, oracle_policy, read_samples, run_cli,
                                   subprocess_env, write_problem_file)

_RSS_WRAPPER = (
    "import atexit, resource, sys\n"
    "out = sys.argv[1]\n"
    "atexit.register(lambda: open(out, 'w').write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)))\n"
    "from omegactl.cli import main\n"
    "main(sys.argv[2:])\n"
)


def test_an_endless_reply_body_keeps_eval_small_and_ends_as_an_error(tmp_path):
    records = make_problems(per_level=1)  # 11 problems
    path = write_problem_file(tmp_path / "p.jsonl", records)
    rss_file = tmp_path / "maxrss"
    with EndlessServer() as server:  # default cap (16 MiB) and default concurrency
        args = eval_args(server.base_url, path, tmp_path / "run", "--request-timeout", "60")
        start = time.monotonic()
        proc = subprocess.run([sys.executable, "-c", _RSS_WRAPPER, str(rss_file), *args], cwd=str(REPO_ROOT),
                              env=subprocess_env(), capture_output=True, text=True, timeout=300)
        took = time.monotonic() - start
    assert proc.returncode == 3, proc.stderr[-1500:]  # every sample errored: a failed run, not a crash
    peak_mib = int(rss_file.read_text()) / 1024
    assert peak_mib < 600, f"eval peak RSS {peak_mib:.0f} MiB"
    rows = read_samples(tmp_path / "run")
    assert len(rows) == len(records) and server.requests == len(records)  # not retried
    assert all(r["error"].startswith("reply_too_large:") for r in rows)
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["errors"]["kinds"] == {"reply_too_large": len(records)}
    assert took < 120


def test_an_always_500_server_fails_the_run_in_seconds_with_default_backoff(tmp_path, capsys):
    records = make_problems(per_level=4)  # 44 problems
    path = write_problem_file(tmp_path / "p.jsonl", records)
    with FakeServer(faults=lambda n, b: "500") as server:
        start = time.monotonic()
        code, out, err = run_cli(eval_args(server.base_url, path, tmp_path / "run"), capsys)
        took = time.monotonic() - start
        sent = len(server.bodies)
    assert code == 3 and "run failed" in err
    assert sent == len(records) + 10  # one attempt each plus the run's 10 spare retries
    assert took < 30  # default backoff (1 s base, 60 s cap) and 8 retries per request would take minutes


def test_a_wrong_key_stops_the_run_after_three_401s(tmp_path, capsys, monkeypatch):
    records = make_problems(per_level=3)  # 33 problems
    path = write_problem_file(tmp_path / "p.jsonl", records)
    monkeypatch.setenv("OMEGA_WRONG_KEY", "sk-wrongwrongwrong-123")
    with FakeServer(oracle_policy(records), api_key="the-right-key") as server:
        code, out, err = run_cli(eval_args(server.base_url, path, tmp_path / "run", "--api-key-env",
                                           "OMEGA_WRONG_KEY", "--concurrency", "2"), capsys)
    assert code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert any("stopped after 3 identical HTTP 401 answers in a row" in line for line in lines), err
    assert server.counts["401"] <= 4 and "wrongwrong" not in err + out
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["status"] == "failed"


def test_url_userinfo_is_sent_as_the_bearer_key_and_never_stored_in_samples(tmp_path, capsys):
    # (redacting the URL in manifest.json's command and config is omegactl.eval.redact's job, tested there)
    records = make_problems(per_level=1)
    path = write_problem_file(tmp_path / "p.jsonl", records)
    with FakeServer(oracle_policy(records), api_key=SECRET) as server:  # accepts only "Bearer <SECRET>"
        url = server.base_url.replace("http://", f"http://{SECRET}@")
        code, out, err = run_cli(eval_args(url, path, tmp_path / "run"), capsys)
    assert code == 0, err
    assert server.counts["401"] == 0
    for name in ("samples.jsonl", "results.json"):
        assert SECRET not in (tmp_path / "run" / name).read_text(), name
    assert all(r["error"] is None for r in read_samples(tmp_path / "run"))


def _session_members(sid: int) -> list[int]:
    """Live processes of session ``sid`` (the eval started with start_new_session)."""
    import os

    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[3]) == sid:  # state, ppid, pgrp, session
            members.append(int(entry))
    return members


def test_ctrl_c_mid_run_leaves_no_verifier_process_and_resumes(tmp_path):
    import signal

    from tests.reliability.kit import eval_subprocess

    records = make_problems(per_level=6)  # 66 problems
    path = write_problem_file(tmp_path / "p.jsonl", records)
    run = tmp_path / "run"
    with FakeServer(oracle_policy(records), latency_s=0.25) as server:  # ≈ 8 s of requests: interrupted mid-run even when loaded
        args = eval_args(server.base_url, path, run, "--concurrency", "2")
        proc = eval_subprocess(args, stderr=subprocess.PIPE, stdout=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while len(read_samples(run)) < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(_session_members(proc.pid)) >= 2  # the eval and its verifier process
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 130 and "Traceback" not in err.decode(), err.decode()[-1500:]
        deadline = time.monotonic() + 5
        while _session_members(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _session_members(proc.pid) == []  # nothing left behind
        done_before = len(read_samples(run))
        assert 5 <= done_before < len(records)
        code = subprocess.run([sys.executable, "-m", "omegactl.cli", *args], cwd=str(REPO_ROOT),
                              env=subprocess_env(), capture_output=True, timeout=120).returncode
    assert code == 0
    rows = read_samples(run)
    assert len(rows) == len(records) == len({r["problem_id"] for r in rows})
    assert all(r["strict"]["correct"] for r in rows)
