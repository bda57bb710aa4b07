"""`omegactl ls / generate / show` through typer's CliRunner and a real subprocess."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from omegactl.cli import app, main

runner = CliRunner()


def run_main(args, capsys):
    with pytest.raises(SystemExit) as exc:
        main(args)
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def test_ls_lists_settings_as_json():
    res = runner.invoke(app, ["ls", "--json"])
    assert res.exit_code == 0
    rows = json.loads(res.stdout)
    names = {r["name"] for r in rows}
    assert "arithmetic_gcd" in names
    gcd = next(r for r in rows if r["name"] == "arithmetic_gcd")
    assert gcd["axis"] == "exploratory" and gcd["answer_types"] == ["int"] and gcd["description"]


def test_generate_is_byte_identical_for_same_seed(tmp_path):
    outs = []
    for d in ("a", "b"):
        res = runner.invoke(app, ["generate", "arithmetic_gcd", "--split", "test_out", "--n", "5", "--seed", "7", "-o", str(tmp_path / d)])
        assert res.exit_code == 0, res.output
        outs.append((tmp_path / d / "arithmetic_gcd" / "test_out.jsonl").read_bytes())
    assert outs[0] == outs[1]
    lines = outs[0].decode().splitlines()
    assert len(lines) == 15  # 5 per level, levels 3-5
    assert {json.loads(l)["level"] for l in lines} == {3, 4, 5}


def test_generate_all_splits_single_file_and_hf_format(tmp_path):
    target = tmp_path / "all.jsonl"
    res = runner.invoke(app, ["generate", "arithmetic_gcd", "--n", "3", "-o", str(target), "--format", "hf"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(l) for l in target.read_text().splitlines()]
    assert len(rows) == 3 * (2 + 2 + 3)
    assert all(set(r) == {"id", "setting_key", "setting_name", "messages", "ground_truth", "dataset"} for r in rows)


def test_levels_override(tmp_path):
    res = runner.invoke(app, ["generate", "arithmetic_gcd", "--split", "train", "--levels", "4-5", "--n", "2", "-o", str(tmp_path)])
    assert res.exit_code == 0, res.output
    rows = [json.loads(l) for l in (tmp_path / "arithmetic_gcd" / "train.jsonl").read_text().splitlines()]
    assert sorted(r["level"] for r in rows) == [4, 4, 5, 5]


@pytest.mark.parametrize(
    "args,needle",
    [
        (["generate", "arithmetic_gdc"], "unknown setting 'arithmetic_gdc'"),
        (["generate", "arithmetic_gcd", "--levels", "9"], "out of range (valid: 1-5)"),
        (["generate", "arithmetic_gcd", "--levels", "1-"], "malformed levels"),
        (["generate", "arithmetic_gcd", "--n", "0"], "--n must be"),
        (["generate", "arithmetic_gcd", "--n", "-3"], "--n must be"),
        (["generate", "arithmetic_gcd", "--split", "test"], "no split 'test'"),
        (["generate", "--axis", "sideways"], "unknown axis"),
        (["show", "nope"], "unknown setting"),
        (["ls", "--axis", "nope"], "unknown axis"),
    ],
)
def test_bad_input_is_one_line_exit_2_nothing_written(args, needle, tmp_path, capsys):
    code, out, err = run_main(args + ["-o", str(tmp_path / "o")] if args[0] == "generate" else args, capsys)
    assert code == 2
    assert needle in err
    assert "Traceback" not in err + out
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def test_unwritable_output_path(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run_main(["generate", "arithmetic_gcd", "--n", "1", "-o", str(blocker / "sub")], capsys)
    assert code == 2 and "cannot create output folder" in err


def test_failed_generation_leaves_nothing_half_written(tmp_path, monkeypatch, capsys):
    from generators.family import GenerationError
    from generators.settings import ExploratorySetting

    calls = {"n": 0}
    orig = ExploratorySetting.records

    def failing(self, *a, **k):
        for rec in orig(self, *a, **k):
            calls["n"] += 1
            if calls["n"] > 4:
                raise GenerationError("simulated exhaustion")
            yield rec

    monkeypatch.setattr(ExploratorySetting, "records", failing)
    code, _, err = run_main(["generate", "arithmetic_gcd", "--n", "3", "-o", str(tmp_path / "o")], capsys)
    assert code == 2 and "simulated exhaustion" in err
    leftovers = [p for p in (tmp_path / "o").rglob("*") if p.is_file()]
    assert leftovers == []


def test_subprocess_generate_and_error(tmp_path):
    ok = subprocess.run([sys.executable, "-m", "omegactl.cli", "generate", "arithmetic_gcd", "--split", "train",
                         "--n", "4", "--seed", "1", "-o", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    data = (tmp_path / "arithmetic_gcd" / "train.jsonl").read_bytes()
    again = subprocess.run([sys.executable, "-m", "omegactl.cli", "generate", "arithmetic_gcd", "--split", "train",
                            "--n", "4", "--seed", "1", "-o", str(tmp_path / "again")], capture_output=True, text=True, timeout=120)
    assert hashlib.sha256(data).digest() == hashlib.sha256((tmp_path / "again" / "arithmetic_gcd" / "train.jsonl").read_bytes()).digest()
    bad = subprocess.run([sys.executable, "-m", "omegactl.cli", "generate", "no_such_family", "-o", str(tmp_path / "x")],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr and "unknown setting" in bad.stderr
    assert not (tmp_path / "x").exists()


def test_show_prints_prompt_and_gold():
    res = runner.invoke(app, ["show", "arithmetic_gcd", "--level", "3", "--n", "2"])
    assert res.exit_code == 0, res.output
    assert res.output.count("gold answer") == 2 and "level 3" in res.output


def test_sigterm_during_generate_leaves_no_files(tmp_path):
    import signal
    import time

    proc = subprocess.Popen([sys.executable, "-m", "omegactl.cli", "generate", "logic_zebralogic", "--split", "test_out",
                             "--n", "2000", "-o", str(tmp_path / "o")], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while time.time() < deadline and not list((tmp_path / "o").rglob("*.tmp")):
        time.sleep(0.1)
    assert list((tmp_path / "o").rglob("*.tmp")), "generation did not start"
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    assert proc.returncode != 0
    assert [p for p in (tmp_path / "o").rglob("*") if p.is_file()] == []
