"""Fault injection: an eval of 320 problems against a server that fails 30 % of attempts, in eight ways.

The fault of each attempt is a pure function of (prompt, attempt number), so which problems exhaust
their retries is known in advance and the run must match it exactly: every other sample is answered
(and scored correct by the oracle), those are marked failed with their attempt count, nothing is
duplicated or lost, and the manifest's retry counts add up to the requests the server saw.
"""
from __future__ import annotations

import json
import threading
from collections import Counter, defaultdict

import pytest

from models.fake_server import FakeServer, last_user_text

from .kit import FAST_BACKOFF, eval_args, latest_wins, make_problems, oracle_policy, read_samples, run_cli, \
    stable_unit, write_problem_file

FAULT_RATE = 0.30
KINDS = ("429", "429_no_retry_after", "500", "503", "reset", "hang", "truncated_json", "empty_choices")
MAX_RETRIES = 3
ALL_KINDS_EXPECTED = {"rate_limited", "timeouts", "connection_errors", "server_errors", "malformed"}


def fault_for(prompt: str, attempt: int) -> str | None:
    u = stable_unit("fault", prompt, attempt)
    if u >= FAULT_RATE:
        return None
    return KINDS[int(u / FAULT_RATE * len(KINDS))]


class AttemptFaults:
    """Fault picker for FakeServer: the n-th attempt at a prompt gets ``fault_for(prompt, n)``."""

    def __init__(self) -> None:
        self.seen: Counter = Counter()
        self.lock = threading.Lock()
        self.kinds: Counter = Counter()

    def __call__(self, number: int, body: dict) -> str | None:
        prompt = last_user_text(body.get("messages"))
        with self.lock:
            attempt = self.seen[prompt]
            self.seen[prompt] += 1
        kind = fault_for(prompt, attempt)
        with self.lock:
            self.kinds[kind or "ok"] += 1
        return kind


@pytest.fixture(scope="module")
def problems(tmp_path_factory):
    records = make_problems(per_level=32)  # 10 (setting, split, level) groups -> 320 problems
    path = write_problem_file(tmp_path_factory.mktemp("faults") / "problems.jsonl", records)
    return path, records


def test_thirty_percent_faults_every_sample_answered_or_failed_nothing_lost(tmp_path, problems, capsys):
    path, records = problems
    assert len(records) >= 300
    doomed = {r.id for r in records
              if all(fault_for(r.messages[-1].content, a) is not None for a in range(MAX_RETRIES + 1))}
    assert 0 < len(doomed) < 15  # 0.3**4 of 320: a handful must exhaust their retries
    picker = AttemptFaults()
    run = tmp_path / "run"
    args = eval_args("", path, run, "--concurrency", "32", "--request-timeout", "1", "--retry-budget", "60",
                     "--max-retries", str(MAX_RETRIES), "--max-error-rate", "0.2", "--model-args", FAST_BACKOFF)
    with FakeServer(oracle_policy(records), faults=picker, retry_after_s=0.05, hang_s=3.0) as server:
        args[args.index("--base-url") + 1] = server.base_url
        code, out, err = run_cli(args, capsys)
        requests_seen = len(server.bodies)
    assert code == 0, err
    assert set(KINDS) <= set(picker.kinds), picker.kinds  # every fault kind was actually injected

    rows = read_samples(run)
    keys = [(r["problem_id"], r["sample_index"]) for r in rows]
    assert len(keys) == len(set(keys)), "duplicate samples"
    assert set(keys) == {(r.id, 0) for r in records}, "lost samples"
    failed = {r["problem_id"] for r in rows if r["error"] is not None}
    assert failed == doomed
    for row in rows:
        if row["error"] is None:
            assert row["response"] and row["strict"]["correct"], row
        else:
            assert row["response"] is None and not row["strict"]["correct"]
            assert row["attempts"] == MAX_RETRIES + 1
            assert f"gave up after {MAX_RETRIES + 1} attempt(s)" in row["error"]
            assert f"max_retries={MAX_RETRIES}" in row["error"]

    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert manifest["errors"]["count"] == len(doomed) and manifest["errors"]["missing"] == 0
    assert sum(manifest["errors"]["kinds"].values()) == len(doomed)
    attempts = sum(r["attempts"] for r in rows)
    assert attempts == requests_seen  # the client never retried behind our back
    assert manifest["retries"] == attempts - len(rows) > 0
    stats = manifest["backend_stats"]
    assert all(stats[k] > 0 for k in ALL_KINDS_EXPECTED), stats
    expected_failures = sum(n for kind, n in picker.kinds.items() if kind != "ok")
    counted = sum(stats[k] for k in ALL_KINDS_EXPECTED)
    assert counted == expected_failures, (stats, picker.kinds)
    results = json.loads((run / "results.json").read_text())
    assert results["overall"]["errored"] == len(doomed)
    assert results["overall"]["correct"] == len(records) - len(doomed)

    # the server recovers: the same command retries only the failed samples; latest line wins
    with FakeServer(oracle_policy(records)) as server:
        args[args.index("--base-url") + 1] = server.base_url
        code, out, err = run_cli(args, capsys)
        assert len(server.bodies) == len(doomed)
    assert code == 0, err
    rows = read_samples(run)
    assert len(rows) == len(records) + len(doomed)
    latest = latest_wins(rows)
    assert len(latest) == len(records) and all(r["error"] is None and r["strict"]["correct"] for r in latest.values())
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["resumed"] == 1 and manifest["errors"]["count"] == 0
    assert manifest["retries"] >= attempts - len(records)  # retries of the first invocation are kept


def test_rate_limited_server_with_concurrency_cap_completes(tmp_path, problems, capsys):
    """A server that answers 429 (no Retry-After) above 4 requests in flight: AIMD backs off, nothing fails."""
    path, records = problems
    subset = tmp_path / "subset.jsonl"
    write_problem_file(subset, records[:120])
    run = tmp_path / "run"
    with FakeServer(oracle_policy(records), max_concurrent=4, latency_s=0.01) as server:
        code, out, err = run_cli(eval_args(server.base_url, subset, run, "--concurrency", "32", "--max-retries", "30",
                                           "--retry-budget", "60", "--request-timeout", "2",
                                           "--model-args", FAST_BACKOFF), capsys)
        overloads = server.counts["overload"]
    assert code == 0, err
    assert overloads > 0
    rows = read_samples(run)
    assert len(rows) == 120 and all(r["error"] is None and r["strict"]["correct"] for r in rows)
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["backend_stats"]["rate_limited"] == overloads
    assert manifest["backend_stats"]["concurrency_decreases"] > 0
    assert manifest["retries"] == overloads
    per_problem = defaultdict(int)
    for r in rows:
        per_problem[r["problem_id"]] += r["attempts"]
    assert sum(per_problem.values()) == 120 + overloads
