"""Results that cannot be mistaken, and peer conventions of `eval`: FAILED vs PARTIAL banners, critical level only
for real gaps, stratified --limit, no silent default suite, one-line flag errors, parameter validation, resume notes."""
from __future__ import annotations

import json

import pytest

from generators import registry
from models.fake_server import FakeServer
from omegactl.eval.run import stratified_limit

from .evalkit import oracle, run_cli, write_problems
from .synth import problems_for, write_run

SETTINGS = {"arithmetic_gcd": {"test_in": (1, 2), "test_out": (3, 4, 5)},
            "logic_gridworld_blocked": {"test_in": (1, 2), "test_out": (3, 4, 5)}}


@pytest.fixture(scope="module")
def probs():
    return problems_for(SETTINGS, n=12)


def test_failed_run_gets_failed_banner_not_partial(tmp_path, probs, capsys):
    write_run(tmp_path / "f", probs, lambda p: 0.9, status="failed", error_rate=1.0)
    code, out, err = run_cli(["report", str(tmp_path / "f"), "--format", "json"], capsys)
    obj = json.loads(out)
    assert obj["failed"] is True and obj["partial"] is False
    code, out, _ = run_cli(["report", str(tmp_path / "f")], capsys)
    assert "FAILED RUN" in out and "PARTIAL" not in out
    code, md, _ = run_cli(["report", str(tmp_path / "f"), "--format", "md"], capsys)
    assert "> **FAILED RUN" in md
    html_path = tmp_path / "f.html"
    run_cli(["report", str(tmp_path / "f"), "--format", "html", "-o", str(html_path)], capsys)
    assert "class='banner failed'" in html_path.read_text()


def test_in_progress_run_is_partial_and_complete_run_has_no_banner(tmp_path, probs, capsys):
    write_run(tmp_path / "p", probs, lambda p: 0.5, status="running", drop=7)
    write_run(tmp_path / "c", probs, lambda p: 0.5)
    _, out, _ = run_cli(["report", str(tmp_path / "p")], capsys)
    assert "PARTIAL RUN" in out and "FAILED" not in out
    _, out, _ = run_cli(["report", str(tmp_path / "c")], capsys)
    assert "PARTIAL" not in out and "FAILED" not in out


def test_report_shows_run_settings_and_date(tmp_path, probs, capsys):
    write_run(tmp_path / "c", probs, lambda p: 0.5)
    m = json.loads((tmp_path / "c" / "manifest.json").read_text())
    m.update({"generation": {"temperature": 0.7, "top_p": 0.95, "max_tokens": 512, "samples": 1},
              "ended": "2026-12-01T10:00:00+00:00"})
    (tmp_path / "c" / "manifest.json").write_text(json.dumps(m))
    for fmt in ("terminal", "md", "html"):
        _, out, _ = run_cli(["report", str(tmp_path / "c"), "--format", fmt], capsys)
        assert "temperature 0.7" in out and "max tokens 512" in out and "samples 1" in out and "2026-12-01" in out, fmt


def test_no_critical_level_without_a_gap(tmp_path, probs, capsys):
    write_run(tmp_path / "z", probs, lambda p: 0.0)
    _, out, _ = run_cli(["report", str(tmp_path / "z"), "--format", "json"], capsys)
    crit = json.loads(out)["critical_level"]
    assert crit and all(c["critical"] is None for c in crit.values())
    _, out, _ = run_cli(["report", str(tmp_path / "z")], capsys)
    assert "no significant gap" in out and "(p=" not in out


def test_critical_level_named_where_the_drop_is_real(tmp_path, probs, capsys):
    write_run(tmp_path / "d", probs, lambda p: 1.0 if p.level <= 3 else 0.0)
    _, out, _ = run_cli(["report", str(tmp_path / "d"), "--format", "json"], capsys)
    crit = json.loads(out)["critical_level"]
    for c in crit.values():
        assert c["critical"] == 4
        gap = next(g for g in c["gaps"] if g["level"] == 4)
        assert gap["gap"] == pytest.approx(1.0) and gap["ci"][0] > 0


def test_limit_is_stratified_over_levels_and_seeded():
    recs = problems_for({"arithmetic_gcd": {"test_out": (3, 4, 5)}}, n=10)
    kept = stratified_limit(recs, 6, seed=0)
    assert len(kept) == 6 and sorted(r.level for r in kept) == [3, 3, 4, 4, 5, 5]
    assert [r.id for r in stratified_limit(recs, 6, seed=0)] == [r.id for r in kept]
    assert [r.id for r in stratified_limit(recs, 6, seed=1)] != [r.id for r in kept]
    first = [r.id for r in kept[:3]]
    assert first != [r.id for r in recs[:3]] or kept[3].level != 3  # not simply the first rows
    assert len(stratified_limit(recs, 100, seed=0)) == 30


def test_eval_without_problem_source_names_smoke_suite(tmp_path, capsys):
    code, _, err = run_cli(["eval", "--out", str(tmp_path / "r"), "--dry-run"], capsys)
    assert code == 2 and "--suite smoke" in err and not (tmp_path / "r").exists()


@pytest.mark.parametrize("args,needle", [
    (["--temperature", "-1"], "temperature"),
    (["--top-p", "0"], "top_p"),
    (["--top-p", "1.5"], "top_p"),
    (["--max-tokens", "0"], "max_tokens"),
])
def test_generation_parameters_are_validated(tmp_path, capsys, args, needle):
    code, _, err = run_cli(["eval", "--suite", "smoke", "--out", str(tmp_path / "r"), "--dry-run", *args], capsys)
    assert code == 2 and needle in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("args,needle", [
    (["eval", "--nope"], "No such option: --nope"),
    (["eval", "--samples", "abc"], "--samples"),
    (["report"], "Missing argument"),
    (["frobnicate"], "No such command"),
])
def test_bad_flags_are_one_line_errors(capsys, args, needle):
    code, out, err = run_cli(args, capsys)
    assert code == 2 and needle in err and err.startswith("error: ")
    assert len(err.strip().splitlines()) == 1 and "╭" not in err and "--help" in err


def test_log_samples_and_inspect_model_syntax_accepted(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-dry-run")  # --dry-run checks that a key exists, sends nothing
    path = tmp_path / "p.jsonl"
    write_problems(path, n=1)
    code, out, err = run_cli(["eval", "--model", "openai/gpt-4o-mini", "--log_samples", "--problems", str(path),
                              "--out", str(tmp_path / "r"), "--dry-run"], capsys)
    assert code == 0, err
    assert "always logged" in err and "read as openai:gpt-4o-mini" in err
    assert '"model": "openai:gpt-4o-mini"' in out
    code, _, err = run_cli(["eval", "--log-samples", "--problems", str(path), "--out", str(tmp_path / "r"), "--dry-run"], capsys)
    assert code == 0 and "always logged" in err


def test_resume_says_how_much_is_done_and_finished_run_says_complete(tmp_path, capsys):
    path = tmp_path / "p.jsonl"
    recs = write_problems(path, n=2)
    run = tmp_path / "run"
    args = lambda server: ["eval", "--model", "openai:fake-model", "--base-url", server.base_url, "--problems", str(path),
                           "--out", str(run), "--max-retries", "1", "--retry-budget", "5", "--request-timeout", "5"]
    with FakeServer(oracle(recs)) as server:
        assert run_cli(args(server), capsys)[0] == 0
        lines = (run / "samples.jsonl").read_text().splitlines()
        (run / "samples.jsonl").write_text("\n".join(lines[:3]) + "\n")
        code, _, err = run_cli(args(server), capsys)
        assert code == 0 and f"resuming: 3/{len(recs)} already done" in err
        sent = len(server.bodies)
        code, out, err = run_cli(args(server), capsys)
        assert code == 0 and "already complete" in err and len(server.bodies) == sent
        assert "exploratory" in out


def test_interrupted_generate_leaves_no_empty_folders(tmp_path, monkeypatch):
    from omegactl.generate import datasets as gen

    jobs = gen.plan(["arithmetic_gcd"], None, "test_out", None, 3)
    calls = {"n": 0}

    def interrupt():
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        gen.run(jobs, n=3, seed=0, out=tmp_path / "new" / "data", on_item=interrupt)
    assert not (tmp_path / "new").exists()
    (tmp_path / "kept").mkdir()
    with pytest.raises(KeyboardInterrupt):
        calls["n"] = 0
        gen.run(jobs, n=3, seed=0, out=tmp_path / "kept", on_item=interrupt)
    assert (tmp_path / "kept").exists() and not any((tmp_path / "kept").iterdir())


def test_readme_carc_example_picks_the_split_with_split_seed(tmp_path, capsys):
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    line = next(l for l in readme.splitlines() if "omegactl generate carc" in l)
    assert "--split-seed 1860" in line and not re.search(r"--seed 18[6-9]0", line)
    code, out, err = run_cli(["generate", "carc", "--split", "test", "--n", "1", "--split-seed", "1870",
                              "-o", str(tmp_path)], capsys)
    assert code == 0, err
    rec = json.loads((tmp_path / "carc" / "test.jsonl").read_text().splitlines()[0])
    assert rec["params"]["split_seed"] == 1870


def test_eval_summary_of_a_failed_run_has_the_banner(tmp_path):
    import io

    from rich.console import Console

    from omegactl.report.summary import print_run_summary

    buf = io.StringIO()
    results = {"model": "m", "status": "failed", "n_samples": 23, "n_expected_samples": 23,
               "overall": {"accuracy": 0.0, "errored": 23}, "axes": []}
    print_run_summary(Console(file=buf, width=80), results, tmp_path)
    assert buf.getvalue().startswith("FAILED RUN: 23/23 samples errored")
    buf = io.StringIO()
    print_run_summary(Console(file=buf, width=80), results | {"status": "complete"}, tmp_path)
    assert "FAILED" not in buf.getvalue()
