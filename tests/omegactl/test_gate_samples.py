"""Reading samples for the gate (omegactl.runs.verdicts): field types, duplicates, recomputed verdicts."""
from __future__ import annotations

import json

import pytest

from omegactl.common.errors import UserError
from omegactl.runs.verdicts import field_problem, read_samples, recompute
from verifiers import VERIFIER_VERSION

from .synth import problems_for, write_run

ROW = {"problem_id": "p1", "sample_index": 0, "response": "\\boxed{3}", "error": None,
       "strict": {"correct": True, "extracted": "3"}, "flex": {"correct": True, "extracted": "3"}}


@pytest.mark.parametrize("change,needle", [
    ({"strict": {"correct": "false"}}, "strict.correct must be true or false (got the string 'false')"),
    ({"strict": {"correct": 1}}, "strict.correct must be true or false (got int)"),
    ({"flex": "yes"}, "flex must be an object"),
    ({"sample_index": "0"}, "sample_index must be a whole number"),
    ({"sample_index": True}, "sample_index must be a whole number"),
    ({"sample_index": -1}, "sample_index must be a whole number ≥ 0 (got -1)"),
    ({"problem_id": 7}, "problem_id must be a non-empty string"),
    ({"response": ["x"]}, "response must be a string or null"),
    ({"completion_tokens": "5"}, "completion_tokens must be a whole number"),
    ({"error": "HTTP 500"}, "a line with an error has no response"),
])
def test_field_types_are_checked(change, needle):
    assert needle in field_problem({**ROW, **change})


def test_a_good_row_passes():
    assert field_problem(ROW) is None
    assert field_problem({**ROW, "strict": None, "flex": None, "response": None, "error": "HTTP 500"}) is None


def _write(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_retried_error_is_superseded_but_a_second_completed_line_is_refused(tmp_path):
    errored = {**ROW, "response": None, "error": "HTTP 500", "strict": {"correct": False}}
    latest, lines = read_samples(_write(tmp_path / "ok.jsonl", [errored, ROW]))
    assert latest[("p1", 0)]["response"] == "\\boxed{3}" and lines[("p1", 0)] == 2
    with pytest.raises(UserError, match=r"duplicate completed line.*lines 1 and 3"):
        read_samples(_write(tmp_path / "dup.jsonl", [ROW, {**ROW, "sample_index": 1}, ROW]))


def test_bad_types_are_refused_naming_the_lines(tmp_path):
    rows = [ROW, {**ROW, "sample_index": 1, "strict": {"correct": "false"}}, {**ROW, "sample_index": 2, "strict": {"correct": "true"}}]
    with pytest.raises(UserError, match=r"lines 2, 3 have wrong field types \(line 2: strict.correct"):
        read_samples(_write(tmp_path / "bad.jsonl", rows))


@pytest.fixture(scope="module")
def few():
    return problems_for({"arithmetic_gcd": {"test_in": (1,), "test_out": (3,)}}, n=6)


def test_recompute_replaces_old_verdicts_and_refuses_forged_current_ones(tmp_path, few):
    folder = write_run(tmp_path / "r", few, lambda p: 0.0)  # every response is wrong
    rows = [json.loads(l) for l in folder.samples_path.read_text().splitlines()]
    rows[0]["strict"]["correct"] = True  # stored "correct" under an old verifier: simply re-scored
    latest, lines = read_samples(_write(folder.samples_path, rows))
    checked = recompute(folder.samples_path, few, latest, lines)
    assert checked.rescored == 1 and not any(s["strict"]["correct"] for s in checked.latest.values())
    assert all(s["verifier_version"] == VERIFIER_VERSION for s in checked.latest.values())
    rows[3]["verifier_version"] = VERIFIER_VERSION
    rows[3]["strict"]["correct"] = True  # claims the current verifier: forged
    latest, lines = read_samples(_write(folder.samples_path, rows))
    with pytest.raises(UserError, match=r"1 stored verdict\(s\) disagree with their responses .*line 4\b"):
        recompute(folder.samples_path, few, latest, lines)


def test_gate_refuses_samples_outside_the_run(tmp_path, few, capsys):
    from omegactl.cli import main

    write_run(tmp_path / "a", few, lambda p: 0.0)
    write_run(tmp_path / "b", few, lambda p: 0.0)
    rows = [json.loads(l) for l in (tmp_path / "b" / "samples.jsonl").read_text().splitlines()]
    extra = {**rows[0], "sample_index": 1, "response": f"\\boxed{{{few[0].ground_truth}}}"}  # a forged 2nd sample
    _write(tmp_path / "b" / "samples.jsonl", rows + [extra])
    with pytest.raises(SystemExit) as exc:
        main(["gate", "--baseline", str(tmp_path / "a"), "--candidate", str(tmp_path / "b")])
    out = capsys.readouterr()
    assert exc.value.code == 2
    assert "not part of this run (line 13" in out.out + out.err


def test_recompute_for_views_counts_forged_verdicts_without_refusing(tmp_path, few):
    folder = write_run(tmp_path / "v", few, lambda p: 0.0)
    rows = [json.loads(l) for l in folder.samples_path.read_text().splitlines()]
    rows[2].update(verifier_version=VERIFIER_VERSION, strict={"correct": True, "extracted": "x"})
    latest, lines = read_samples(_write(folder.samples_path, rows))
    checked = recompute(folder.samples_path, few, latest, {}, refuse_forged=False)
    assert checked.rescored == 1 and "1 stored verdict(s) re-scored" in checked.notes[0]
    assert not any(s["strict"]["correct"] for s in checked.latest.values())
