"""Injection from problem files and run folders into rendered output (issue 19, case 8).

Setting names from a problem file and a model name from a hand-edited manifest carry a newline and a
heading, table pipes, a spreadsheet formula, rich markup and raw ANSI escapes. The markdown report keeps its
tables and gains no heading, the CSV has no cell a spreadsheet would evaluate, the terminal gets neither
markup nor escape sequences, and the GitHub step summary is as safe as the markdown report.
"""
from __future__ import annotations

import csv
import io
import json
import re

import pytest

from models.fake_server import FakeServer
from omegactl.common.escape import csv_cell, md, terminal, terminal_markup

from .kit import eval_args, make_problems, oracle_policy, run_cli, write_problem_file

HOSTILE_SETTINGS = [
    "evil\n## Injected heading\n| a | b |",
    "=cmd|' /C calc'!A0",
    "[blink]blinky[/blink] [link=https://evil.example]click[/link]",
    "red\x1b[31mALERT\x1b[0m\x1b]8;;https://evil.example\x07osc\x1b]8;;\x07\r\x07bell",
    "+SUM(A1)",
    "@cmd",
]
HOSTILE_MODEL = "model [bold red]X[/] \x1b[2J\n# Owned"


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("inject")
    records = make_problems(per_level=1)[: len(HOSTILE_SETTINGS) * 2]
    hostile = [r.model_copy(update={"setting_key": HOSTILE_SETTINGS[i % len(HOSTILE_SETTINGS)]})
               for i, r in enumerate(records)]
    path = write_problem_file(base / "problems.jsonl", hostile)
    run = base / "run"
    with FakeServer(oracle_policy(hostile)) as server:
        from omegactl.cli import main

        with pytest.raises(SystemExit) as exc:
            main(eval_args(server.base_url, path, run))
        assert exc.value.code in (0, None)
    manifest = json.loads((run / "manifest.json").read_text())
    manifest["model"] = HOSTILE_MODEL
    (run / "manifest.json").write_text(json.dumps(manifest))
    return base, run


def report(run, fmt, capsys) -> str:
    code, out, err = run_cli(["report", str(run), "--format", fmt, "--resamples", "100"], capsys)
    assert code == 0, err
    return out


def test_markdown_tables_hold_and_no_heading_is_injected(hostile_run, capsys):
    _, run = hostile_run
    text = report(run, "md", capsys)
    assert "Injected heading" in text  # the value is there, escaped, on its table row
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert not any(h.lstrip("#").strip().startswith(("Injected", "Owned")) for h in headings), headings
    assert len([h for h in headings if h.startswith("## ")]) == 1  # one run, one run heading
    assert "\x1b" not in text
    table: list[str] = []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            table.append(line)
        elif table:
            widths = {len(re.findall(r"(?<!\\)\|", row)) for row in table}
            assert len(widths) == 1, table  # every row has the header's number of cells
            table = []


def test_csv_has_no_formula_cells(hostile_run, capsys):
    _, run = hostile_run
    rows = list(csv.reader(io.StringIO(report(run, "csv", capsys))))
    assert any("cmd|" in cell for row in rows for cell in row)
    for row in rows:
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@"):
                float(cell)  # only numbers may start so (e.g. a negative difference)


def test_terminal_gets_no_markup_or_escapes(hostile_run, capsys):
    base, run = hostile_run
    text = report(run, "terminal", capsys)
    code, _, err = run_cli(["report", str(run), "--resamples", "100", "-o", str(base / "wide.txt")], capsys)
    assert code == 0, err
    wide = (base / "wide.txt").read_text()
    for shown in (text, wide):
        assert "\x1b" not in shown and "\x07" not in shown and "\r" not in shown
        assert "[bold red]X[/]" in shown  # the model name's markup is shown literally, not interpreted
    assert "[blink]blinky[/blink]" in wide


def test_gate_step_summary_is_escaped(hostile_run, tmp_path, capsys, monkeypatch):
    from omegactl.gate.decide import GateConfig, GateResult, markdown, print_result

    res = GateResult("PASS", [], [], [{"axis": "exploratory", "setting": s, "level": 1, "n": 10, "delta": -0.2,
                                       "p_value": 0.01} for s in HOSTILE_SETTINGS], [HOSTILE_MODEL], GateConfig())
    text = markdown(res, tmp_path / "base\n# X", tmp_path / "cand")
    assert "\x1b" not in text and "\x07" not in text
    assert not any(line.lstrip("#").strip().startswith(("Injected", "Owned", "X")) for line in text.splitlines()
                   if line.startswith("#"))
    from rich.console import Console

    console = Console(file=io.StringIO(), force_terminal=True, width=200)
    print_result(console, res, tmp_path / "b", tmp_path / "c")
    shown = console.file.getvalue()
    assert "\x1b]8" not in shown and "\x1b[2J" not in shown and "\x1b[5m" not in shown  # no OSC link, clear, blink
    assert "[blink]blinky[/blink]" in re.sub(r"\x1b\[[0-9;]*m", "", shown)


def test_escape_helpers():
    assert md("a|b\n# h [l](u) <b>") == "a\\|b # h \\[l\\](u) \\<b\\>"
    assert terminal("x\x1b[31my\x1b[0m\tz\x00") == "xy z\\x00"
    assert terminal_markup("[b]x[/b]") == "\\[b]x\\[/b]"
    assert [csv_cell(v) for v in ("=1+1", "+1", "-x", "@a", "ok", -3, 2.5)] == ["'=1+1", "'+1", "'-x", "'@a", "ok", -3, 2.5]


def test_overlap_examples_show_problem_text_literally(tmp_path, capsys):
    records = make_problems(per_level=1)[:3]
    hostile = [r.model_copy(update={"setting_key": HOSTILE_SETTINGS[2], "messages": [
        m.model_copy(update={"content": "[blink]Q[/blink] \x1b[2J\x1b]8;;https://evil.example\x07" + m.content})
        for m in r.messages]}) for r in records]
    path = write_problem_file(tmp_path / "a.jsonl", hostile)
    code, out, err = run_cli(["overlap", str(path), str(path)], capsys)
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out
    assert "[blink]Q[/blink]" in out


def test_sample_browser_shows_model_responses_without_escapes(tmp_path, capsys):
    """Model responses do reach the terminal through `omegactl samples`: escape sequences are removed there."""
    records = make_problems(per_level=1)[:3]
    path = write_problem_file(tmp_path / "p.jsonl", records)
    oracle = oracle_policy(records)
    hostile = "\x1b[2J\x1b]8;;https://evil.example\x07click\x1b]8;;\x07 [blink]B[/blink]\r\x07\n"
    with FakeServer(lambda messages, body: hostile + oracle(messages, body)) as server:
        code, _, err = run_cli(eval_args(server.base_url, path, tmp_path / "run"), capsys)
    assert code == 0, err
    code, out, err = run_cli(["samples", str(tmp_path / "run"), "--n", "0"], capsys)
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out and "\r" not in out
    assert "[blink]B[/blink]" in out and "click" in out
