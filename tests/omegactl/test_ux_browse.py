"""The sample browser, the HTML report's failures and charts, side-by-side comparison, tidy CSV, the Python API."""
from __future__ import annotations

import csv
import io
import json

import pytest

from models.fake_server import FakeServer

from .evalkit import oracle, run_cli, write_problems
from .synth import problems_for, write_run

SETTINGS = {"arithmetic_gcd": {"test_in": (1, 2), "test_out": (3, 4, 5)},
            "logic_gridworld_blocked": {"test_in": (1, 2), "test_out": (3, 4, 5)}}
HOSTILE = "<script>alert(1)</script> [bold red]fake[/] \\boxed{-12345}"


@pytest.fixture(scope="module")
def real_run(tmp_path_factory):
    """A real eval against the fake server: every 3rd problem answered with hostile text."""
    d = tmp_path_factory.mktemp("real")
    recs = write_problems(d / "p.jsonl", n=3)
    gold = {r.messages[-1].content: r.ground_truth for r in recs}
    order = {r.messages[-1].content: i for i, r in enumerate(recs)}

    def policy(messages, body):
        q = messages[-1]["content"]
        return HOSTILE if order[q] % 3 == 0 else f"so \\boxed{{{gold[q]}}}"

    with FakeServer(policy) as server:
        from omegactl.cli import main

        with pytest.raises(SystemExit) as exc:
            main(["eval", "--model", "openai:fake", "--base-url", server.base_url, "--problems", str(d / "p.jsonl"),
                  "--out", str(d / "run"), "--max-retries", "1", "--retry-budget", "5"])
        assert exc.value.code == 0
    return d / "run", recs


def test_samples_shows_prompt_response_extracted_gold_verdict(real_run, capsys):
    run, recs = real_run
    code, out, err = run_cli(["samples", str(run), "--wrong", "--n", "0"], capsys)
    assert code == 0, err
    wrong = [r for i, r in enumerate(recs) if i % 3 == 0]
    assert out.count("verdict: ✗ wrong") == len(wrong)
    for r in wrong:
        assert r.ground_truth in out
    assert "prompt" in out and "response" in out and "extracted: -12345" in out
    assert "[bold red]fake[/]" in out  # model text printed literally, not as markup


def test_samples_filters_and_json(real_run, capsys):
    run, recs = real_run
    code, out, _ = run_cli(["samples", str(run), "--setting", "logic_gridworld_blocked", "--level", "3", "--n", "0", "--json"], capsys)
    rows = [json.loads(l) for l in out.splitlines()]
    assert code == 0 and len(rows) == 3
    assert all(r["setting"] == "logic_gridworld_blocked" and r["level"] == 3 and r["side"] == "OOD" for r in rows)
    assert {"prompt", "response", "extracted", "gold", "verdict"} <= set(rows[0])
    code, out, _ = run_cli(["samples", str(run), "--n", "2", "--json"], capsys)
    assert len(out.splitlines()) == 2


@pytest.mark.parametrize("args,needle", [
    (["--setting", "nope"], "not in this run"),
    (["--level", "9"], "no problems at level 9"),
    (["--n", "-1"], "--n"),
])
def test_samples_bad_input(real_run, capsys, args, needle):
    run, _ = real_run
    code, _, err = run_cli(["samples", str(run), *args], capsys)
    assert code == 2 and needle in err


def test_samples_on_non_run_and_show_on_run_folder(real_run, tmp_path, capsys):
    run, _ = real_run
    code, _, err = run_cli(["samples", str(tmp_path)], capsys)
    assert code == 2 and "not a run folder" in err
    code, _, err = run_cli(["show", str(run)], capsys)
    assert code == 2 and "omegactl samples" in err


def test_html_has_escaped_failures_and_headline_charts(real_run, tmp_path, capsys):
    run, _ = real_run
    out = tmp_path / "r.html"
    code, _, err = run_cli(["report", str(run), "--format", "html", "-o", str(out)], capsys)
    assert code == 0, err
    html = out.read_text()
    assert "Example failures" in html and "<details class='sample'>" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "class=\"axis-chart\"" in html and "id-ood-boundary" in html
    assert "temperature" in html and "max tokens" in html
    assert "▁" not in html and "█" not in html  # no block-character sparkline in HTML


def test_side_by_side_axis_comparison_with_paired_intervals(tmp_path, capsys):
    probs = problems_for(SETTINGS, n=20)
    write_run(tmp_path / "a", probs, lambda p: 0.8 if p.level <= 2 else 0.4, model="m-a")
    write_run(tmp_path / "b", probs, lambda p: 0.8 if p.level <= 2 else 0.4, model="m-b")  # same draws: identical
    write_run(tmp_path / "c", probs, lambda p: 0.3, seed=9, model="m-c")
    code, out, err = run_cli(["report", str(tmp_path / "a"), str(tmp_path / "b"), str(tmp_path / "c"), "--format", "json"], capsys)
    assert code == 0, err
    obj = json.loads(out)
    same, worse = (c["rows"] for c in obj["compare_axes"])
    for r in same:  # identical runs: change 0, interval not degenerate (rule of three)
        assert r["change"] == 0 and r["ci_change"][0] < 0 < r["ci_change"][1]
    ood = next(r for r in worse if r["side"] == "ood")
    assert ood["ci_change"][0] <= ood["change"] <= ood["ci_change"][1] and ood["n_problems"] == 120
    idr = next(r for r in worse if r["side"] == "id")
    assert idr["ci_change"][1] < 0  # a 50-point drop on 80 problems is clearly negative
    code, out, _ = run_cli(["report", str(tmp_path / "a"), str(tmp_path / "c")], capsys)
    assert "side by side" in out and "A = m-a" in out and "B − A pts [95% CI]" in out


def test_tidy_csv_tables_with_integer_counts(tmp_path, capsys):
    probs = problems_for(SETTINGS, n=6)
    write_run(tmp_path / "a", probs, lambda p: 0.5)
    write_run(tmp_path / "b", probs, lambda p: 0.6, seed=2)
    code, out, _ = run_cli(["report", str(tmp_path / "a"), "--format", "csv", "--table", "levels"], capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and list(rows[0]) == ["run", "axis", "setting", "split", "level", "n", "accuracy", "accuracy_flex",
                                          "ci_low", "ci_high", "unparsed", "errored", "baseline", "beats_baseline"]
    assert all(r["n"] == "6" and r["level"].isdigit() for r in rows)
    code, out, _ = run_cli(["report", str(tmp_path / "a"), "--format", "csv", "--table", "axes"], capsys)
    row = next(csv.DictReader(io.StringIO(out)))
    assert row["n_id"] == "24" and "table" not in row and "setting" not in row
    code, out, err = run_cli(["report", str(tmp_path / "a"), str(tmp_path / "b"), "--format", "csv", "--table", "all",
                              "-o", str(tmp_path / "csv")], capsys)
    assert code == 0, err
    names = {p.name for p in (tmp_path / "csv").iterdir()}
    assert {"axes.csv", "settings.csv", "levels.csv", "critical_level.csv", "compare_axes.csv", "differences.csv"} <= names
    code, _, err = run_cli(["report", str(tmp_path / "a"), "--format", "csv", "--table", "bogus"], capsys)
    assert code == 2 and "unknown --table" in err
    code, _, err = run_cli(["report", str(tmp_path / "a"), "--table", "axes"], capsys)
    assert code == 2 and "--format csv" in err


def test_python_api_generate_and_score(tmp_path):
    import generators
    from omegactl.cli import main

    recs = generators.generate("arithmetic_gcd", split="test_out", level=4, n=3, seed=7)
    assert len(recs) == 3 and {r.level for r in recs} == {4} and {r.split for r in recs} == {"test_out"}
    with pytest.raises(SystemExit):
        main(["generate", "arithmetic_gcd", "--split", "test_out", "--levels", "4", "--n", "3", "--seed", "7",
              "-o", str(tmp_path / "g.jsonl")])
    assert (tmp_path / "g.jsonl").read_text() == "".join(r.to_json() + "\n" for r in recs)  # same as the CLI
    good = generators.score(recs[0], f"so the answer is \\boxed{{{recs[0].ground_truth}}}")
    bad = generators.score(recs[0], "no idea")
    assert good.correct and not bad.correct and bad.extracted is None
    assert generators.accuracy(recs, [f"\\boxed{{{r.ground_truth}}}" for r in recs[:2]] + ["\\boxed{-1}"]) == pytest.approx(2 / 3)
    assert "arithmetic_gcd" in generators.list_settings("exploratory")
    for kwargs, needle in (({"setting": "nope"}, "nope"), ({"setting": "arithmetic_gcd", "n": 0}, "n must"),
                           ({"setting": "arithmetic_gcd", "split": "test_out", "level": 99}, "level 99")):
        with pytest.raises(ValueError, match=needle):
            generators.generate(**kwargs)
