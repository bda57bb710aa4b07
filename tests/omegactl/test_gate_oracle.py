"""The gate through the real CLI on runs evaluated against a local oracle server (known accuracy), and the
tampering cases of issue 19: a hand-edited candidate must never PASS."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from generators import registry
from models.fake_server import FakeServer
from tests.reliability.kit import REPO_ROOT, oracle_policy, stable_unit, subprocess_env, write_problem_file

# two exploratory settings, ~80 paired items (the case: arithmetic_gcd and arithmetic_mixed)
SETTINGS = {"arithmetic_gcd": {"test_in": (1, 2), "test_out": (3, 4)},
            "arithmetic_mixed": {"test_in": (1, 2), "test_out": (3, 4)}}


def _records():
    out = []
    for name, splits in SETTINGS.items():
        s = registry.get_setting(name)
        for split, levels in splits.items():
            out.extend(s.records(split, n=10, seed=7, levels=levels))
    return out


def _eval(records, problems, out, accuracy: float, tag: str) -> None:
    from omegactl.cli import main

    policy = oracle_policy(records, wrong=lambda number, seed: stable_unit(tag, number) >= accuracy)
    with FakeServer(policy) as server:
        with pytest.raises(SystemExit) as exc:
            main(["eval", "--model", "openai:fake-model", "--base-url", server.base_url, "--problems", str(problems),
                  "--out", str(out), "--seed", "1", "--max-retries", "1", "--request-timeout", "5"])
    assert (exc.value.code or 0) == 0


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("gate_oracle")
    records = _records()
    problems = write_problem_file(root / "problems.jsonl", records)
    _eval(records, problems, root / "base", 0.9, "baseline")
    _eval(records, problems, root / "cand", 0.3, "candidate")
    return root, len(records)


def gate_in_process(base, cand, capsys) -> tuple[int, str]:
    from omegactl.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["gate", "--baseline", str(base), "--candidate", str(cand)])
    out = capsys.readouterr()
    return (exc.value.code or 0), out.out + out.err


def gate_cli(base, cand, *extra) -> tuple[int, str]:
    """`python -m omegactl.cli gate` as a subprocess: the real entry point and its exit code."""
    proc = subprocess.run([sys.executable, "-m", "omegactl.cli", "gate", "--baseline", str(base), "--candidate", str(cand),
                           *extra], cwd=str(REPO_ROOT), env=subprocess_env(COLUMNS="80"), capture_output=True, text=True,
                          timeout=300)
    return proc.returncode, proc.stdout + proc.stderr


def _rows(run):
    return [json.loads(line) for line in (run / "samples.jsonl").read_text().splitlines() if line.strip()]


def _write(run, rows, extra_lines=()):
    text = "".join(json.dumps(r) + "\n" for r in rows) + "".join(extra_lines)
    (run / "samples.jsonl").write_text(text)


def test_two_settings_90_to_30_fails_and_aa_passes(runs, tmp_path):
    root, n = runs
    assert 76 <= n <= 84
    accuracy = {k: sum(r["strict"]["correct"] for r in _rows(root / k)) / n for k in ("base", "cand")}
    assert accuracy["base"] >= 0.8 and accuracy["cand"] <= 0.4, accuracy
    code, out = gate_cli(root / "base", root / "cand", "--json", str(tmp_path / "g.json"))
    assert code == 1, out
    assert "Traceback" not in out and "FAIL: exploratory/id, exploratory/ood" in out
    # rendered at 80 columns: nothing wider, metric names whole, method and clusters named per row
    assert max(len(line) for line in out.splitlines()) <= 80, out
    names = [line.split()[0] for line in out.splitlines() if line.strip().startswith(("exploratory/", "error rate"))]
    assert names.count("exploratory/id") == 2 and names.count("exploratory/ood") == 2, out  # table + decided-by
    assert "Holm α" in out and "decided by" in out
    assert "sign-flip, 40 items (2 settings)" in out
    verdict = json.loads((tmp_path / "g.json").read_text())
    for row in verdict["primary"]:
        assert row["verdict"] == "FAIL" and row["method"] == "sign-flip" and row["settings"] == 2, row
    code, out = gate_cli(root / "base", root / "base")
    assert code == 0, out
    assert out.rstrip().endswith("PASS")
    code, out = gate_cli(root / "cand", root / "cand")
    assert code == 0, out


def _tampered(root, tmp_path, name):
    dest = tmp_path / name
    shutil.copytree(root / "cand", dest)
    return dest


def test_flipped_verdicts_never_pass(runs, tmp_path, capsys):
    root, _ = runs
    cand = _tampered(root, tmp_path, "flipped")
    rows = _rows(cand)
    for r in rows:
        r["strict"]["correct"] = True
        r["flex"]["correct"] = True
    _write(cand, rows)
    code, out = gate_in_process(root / "base", cand, capsys)
    assert code == 2, out
    assert "disagree with their responses" in out and "samples.jsonl" in out and "line" in out


def test_appended_correct_duplicates_never_pass(runs, tmp_path, capsys):
    root, _ = runs
    records = {json.loads(l)["id"]: json.loads(l) for l in (root / "problems.jsonl").read_text().splitlines() if l.strip()}
    for variant in ("verdict", "response"):
        cand = _tampered(root, tmp_path, f"dupes-{variant}")
        rows = _rows(cand)
        extra = []
        for r in rows:
            if not r["strict"]["correct"]:
                forged = json.loads(json.dumps(r))
                forged["strict"]["correct"] = forged["flex"]["correct"] = True
                if variant == "response":  # a forged line whose response is even right
                    forged["response"] = f"\\boxed{{{records[r['problem_id']]['ground_truth']}}}"
                extra.append(json.dumps(forged) + "\n")
        _write(cand, rows, extra)
        code, out = gate_in_process(root / "base", cand, capsys)
        assert code == 2, (variant, out)
        assert "duplicate completed line" in out and "Traceback" not in out


def test_string_false_never_passes(runs, tmp_path, capsys):
    root, _ = runs
    cand = _tampered(root, tmp_path, "string-false")
    rows = _rows(cand)
    for r in rows:
        if not r["strict"]["correct"]:
            r["strict"]["correct"] = "false"
    _write(cand, rows)
    code, out = gate_in_process(root / "base", cand, capsys)
    assert code == 2, out
    assert "strict.correct must be true or false (got the string 'false')" in out


def test_older_verifier_verdicts_are_recomputed_not_trusted(runs, tmp_path, capsys):
    # stored verdicts that claim another verifier version are replaced by the current verifier's, so
    # flipping them (and the version stamp) still cannot make the 30 % candidate pass
    root, _ = runs
    base = tmp_path / "base-old"
    shutil.copytree(root / "base", base)
    cand = _tampered(root, tmp_path, "old-verifier")
    for run, flip in ((base, False), (cand, True)):
        rows = _rows(run)
        for r in rows:
            r["verifier_version"] = "0.9.0"
            if flip:
                r["strict"]["correct"] = True
        _write(run, rows)
        manifest = json.loads((run / "manifest.json").read_text())
        manifest["verifier_version"] = "0.9.0"
        (run / "manifest.json").write_text(json.dumps(manifest))
    code, out = gate_in_process(base, cand, capsys)
    assert code == 1, out
    assert "re-scored" in out


def test_edited_gold_answers_in_the_candidate_never_pass(runs, tmp_path, capsys):
    # verdicts are recomputed against problems.jsonl, so the candidate's copy must be the baseline's
    root, _ = runs
    cand = _tampered(root, tmp_path, "gold-edited")
    wrong = "-987654321"  # what kit's oracle answers when it is wrong
    lines = []
    for line in (cand / "problems.jsonl").read_text().splitlines():
        rec = json.loads(line)
        rec["ground_truth"] = wrong
        lines.append(json.dumps(rec))
    (cand / "problems.jsonl").write_text("\n".join(lines) + "\n")
    code, out = gate_in_process(root / "base", cand, capsys)
    assert code == 2, out
    assert "different problem records" in out
