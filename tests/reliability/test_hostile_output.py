"""Hostile model output: the fake server answers some problems with responses built to hurt a grader.

10 MB responses, 100,000-deep braces, a ``\\boxed{`` never closed, ``10^{10^{10}}``, NUL bytes, a 10,000-element
set, tens of thousands of box openers; and, separately, lone surrogates (what a JSON ``\\udXXX`` escape of an
undecodable byte becomes). The eval must finish, give every sample a verdict, keep every other problem's
verdict right, and write a samples file that is valid UTF-8 JSON; each verdict stays within the verifier's
time limit.
"""
from __future__ import annotations

import json
import time

import pytest

from models.fake_server import FakeServer, last_user_text
from verifiers import verify

from .kit import eval_args, make_problems, read_samples, run_cli, write_problem_file

VERIFY_LIMIT_S = 5.0  # verifiers.verify's default per-call limit
SLACK_S = 3.0  # a loaded CI machine


def hostile_responses(gold: str) -> dict[str, tuple[str, bool]]:
    """name -> (response, whether a correct grader must accept it)."""
    ten_mb = 10 * 1024 * 1024
    return {
        "10MB reasoning then the answer": ("Thinking" + "." * ten_mb + f" so the answer is \\boxed{{{gold}}}", True),
        "10MB number in a box": ("\\boxed{" + "9" * ten_mb + "}", False),
        "100k nested braces": ("\\boxed{" + "{" * 100_000 + gold + "}" * 100_000 + "}", False),
        "box never closed": ("The answer is \\boxed{" + gold + ("+1" * 200_000), False),
        "power tower": ("\\boxed{10^{10^{10}}}", False),
        "NUL bytes and U+FFFD": (f"\x00\x00\ufffd result:\x00 \\boxed{{{gold}}}\x00", True),
        "10,000-element set": ("\\boxed{\\{" + ",".join(str(i) for i in range(10_000)) + "\\}}", False),
        "50k box openers": ("\\boxed{" * 50_000 + gold, False),
        "10k nested fractions": ("\\boxed{" + "\\frac{1}{" * 10_000 + "2" + "}" * 10_000 + "}", False),
    }


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    records = make_problems(per_level=3)
    ints = [r for r in records if r.answer_type == "int"]
    cases = {}
    for rec, (name, (text, ok)) in zip(ints, hostile_responses(ints[0].ground_truth).items()):
        cases[rec.messages[-1].content] = (rec, name, hostile_responses(rec.ground_truth)[name][0], ok)
    gold = {r.messages[-1].content: r.ground_truth for r in records}

    def policy(messages, body):
        prompt = last_user_text(messages)
        if prompt in cases:
            return cases[prompt][2]
        return f"Carefully: \\boxed{{{gold[prompt]}}}"

    path = write_problem_file(base / "problems.jsonl", records)
    return base, path, records, cases, policy


def test_eval_survives_hostile_responses(hostile_run, capsys):
    base, path, records, cases, policy = hostile_run
    run = base / "run"
    start = time.monotonic()
    with FakeServer(policy) as server:
        code, out, err = run_cli(eval_args(server.base_url, path, run, "--concurrency", "4",
                                           "--max-error-rate", "0"), capsys)
    elapsed = time.monotonic() - start
    assert code == 0, err
    assert elapsed < 120
    raw = (run / "samples.jsonl").read_bytes()
    raw.decode("utf-8")  # strict: every byte written is valid UTF-8
    rows = read_samples(run)
    assert len(rows) == len(records) == len({r["problem_id"] for r in rows})
    by_id = {r["problem_id"]: r for r in rows}
    hostile_ids = {}
    for rec, name, text, ok in cases.values():
        row = by_id[rec.id]
        hostile_ids[rec.id] = name
        assert row["error"] is None, (name, row["error"])
        assert row["strict"]["correct"] is ok, (name, row["strict"])
    for rec in records:
        if rec.id not in hostile_ids:
            assert by_id[rec.id]["strict"]["correct"], by_id[rec.id]
    assert len(hostile_ids) == len(hostile_responses("1"))
    results = json.loads((run / "results.json").read_text())
    assert results["overall"]["n"] == len(records)
    assert results["overall"]["correct"] == len(records) - sum(1 for *_, ok in cases.values() if not ok)


@pytest.mark.parametrize("name", list(hostile_responses("1")))
def test_each_hostile_verdict_within_its_time_limit(hostile_run, name):
    _, _, _, cases, _ = hostile_run
    rec, _, text, ok = next(c for c in cases.values() if c[1] == name)
    start = time.monotonic()
    verdict = verify(text, rec)
    took = time.monotonic() - start
    assert took < VERIFY_LIMIT_S + SLACK_S, f"{name}: {took:.1f}s"
    assert verdict.strict.correct is ok
    json.dumps(verdict.model_dump(mode="json"), ensure_ascii=False).encode("utf-8")  # storable as is


def test_lone_surrogates_in_a_response_do_not_abort_the_eval(tmp_path, capsys):
    """A server may send ``"\\ud800"`` escapes (invalid UTF-8 re-encoded); json.loads turns them into lone
    surrogates. The verifier copes (verifiers.sanitize), but the samples line must be encodable too."""
    records = make_problems(per_level=1)
    gold = {r.messages[-1].content: r.ground_truth for r in records}
    target = records[0].messages[-1].content

    def policy(messages, body):
        prompt = last_user_text(messages)
        if prompt == target:
            return f"\x00\ud800 bytes:\udcff\udc80 \\boxed{{{gold[prompt]}}}"
        return f"\\boxed{{{gold[prompt]}}}"

    path = write_problem_file(tmp_path / "problems.jsonl", records)
    run = tmp_path / "run"
    with FakeServer(policy) as server:
        code, out, err = run_cli(eval_args(server.base_url, path, run, "--max-error-rate", "0"), capsys)
    assert code == 0, err[-600:]
    (run / "samples.jsonl").read_bytes().decode("utf-8")
    rows = read_samples(run)
    assert len(rows) == len(records)
    assert all(r["strict"]["correct"] for r in rows)
