"""`omegactl stats`: per-cell distinct answers, modal share (majority baseline) and instance duplicates."""
from __future__ import annotations

import json
from collections import Counter

from generators.record import ProblemRecord
from omegactl.report.answer_audit import audit, majority_baseline

from .evalkit import run_cli


def test_stats_json_per_cell(capsys):
    code, out, err = run_cli(["stats", "arithmetic_gcd", "--n", "12", "--seed", "3", "--json"], capsys)
    assert code == 0, err
    obj = json.loads(out)
    cells = {(c["split"], c["level"]): c for c in obj["cells"]}
    assert set(cells) == {("train", 1), ("train", 2), ("test_in", 1), ("test_in", 2),
                          ("test_out", 3), ("test_out", 4), ("test_out", 5)}
    for c in cells.values():
        assert c["items"] == 12 and 1 <= c["distinct"] <= 12
        assert c["majority_baseline"] == c["modal_share"] and c["modal_share"] >= 1 / 12
        assert c["duplicates"] == 0 and c["cross_split"] == 0  # splits are disjoint
    assert obj["summary"]["cells"] == 7


def test_stats_counts_duplicates_and_cross_split(tmp_path, capsys):
    code, out, err = run_cli(["show", "arithmetic_gcd", "--level", "1", "--n", "3", "--json"], capsys)
    assert code == 0, err
    recs = [ProblemRecord.model_validate_json(line) for line in out.splitlines()]
    copy = recs[0].model_copy(update={"split": "test_in", "id": "x" * 24})
    cells = audit(recs + [recs[1], copy])
    by_split = {c.split: c for c in cells}
    assert by_split["train"].duplicates == 1 and by_split["train"].cross_split == 1
    assert by_split["test_in"].cross_split == 1 and by_split["test_in"].items == 1
    path = tmp_path / "p.jsonl"
    path.write_text("\n".join(r.to_json() for r in recs) + "\n")
    code, out, err = run_cli(["stats", "--problems", str(path), "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["cells"][0]["items"] == 3


def test_majority_baseline_is_the_modal_share():
    golds = ["2", "3", "2", "5", "2", "3"]
    assert majority_baseline(golds) == ("2", 0.5)
    assert majority_baseline(["b", "a"]) == ("a", 0.5)  # ties: deterministic
    assert majority_baseline([]) == ("", 0.0)
    assert Counter(golds).most_common(1)[0][1] / len(golds) == 0.5


def test_stats_bad_input_is_one_line_exit_2(capsys):
    code, out, err = run_cli(["stats", "no_such_setting"], capsys)
    assert code == 2 and "unknown setting" in err and "Traceback" not in err
    code, out, err = run_cli(["stats", "arithmetic_gcd", "--n", "0"], capsys)
    assert code == 2
    code, out, err = run_cli(["stats", "--problems", "/nonexistent.jsonl"], capsys)
    assert code == 2 and "does not exist" in err
