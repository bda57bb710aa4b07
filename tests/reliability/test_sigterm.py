"""SIGTERM during an eval behaves like Ctrl-C (issue 19, case 7, the SIGTERM part): the manifest stays
``running`` (not ``failed``), a resume hint is printed, the lock is released, and re-running the same
command completes the run without duplicates."""
from __future__ import annotations

import json
import signal
import subprocess
import threading

from models.fake_server import FakeServer
from omegactl.runs.lock import LOCK_NAME

from .kit import eval_args, eval_subprocess, make_problems, read_samples, write_problem_file
from .test_run_lock import assert_log_sound, gated_policy, wait_for


def test_sigterm_leaves_a_resumable_running_run(tmp_path):
    records = make_problems(per_level=1)
    path = write_problem_file(tmp_path / "problems.jsonl", records)
    run = tmp_path / "run"
    gate = threading.Event()
    with FakeServer(gated_policy(records, gate, free=8)) as server:
        args = eval_args(server.base_url, path, run, "--concurrency", "2")
        proc = eval_subprocess(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            wait_for(lambda: (run / "samples.jsonl").exists() and len(read_samples(run)) >= 3, 90, "first rows")
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=60)
        finally:
            gate.set()
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        err = err.decode()
        assert proc.returncode == 128 + signal.SIGTERM, (proc.returncode, err[-800:])
        assert "re-run the same command to resume" in err, err[-800:]
        assert "Traceback" not in err
        manifest = json.loads((run / "manifest.json").read_text())
        assert manifest["status"] == "running"
        assert not (run / LOCK_NAME).exists()

        resumed = eval_subprocess(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _, err2 = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, err2.decode()[-800:]
    assert json.loads((run / "manifest.json").read_text())["status"] == "complete"
    assert_log_sound(run, records)
