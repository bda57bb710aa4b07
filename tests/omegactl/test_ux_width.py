"""Every terminal table readable at 80 columns: each command rendered with rich Console(width=80); no name cut."""
from __future__ import annotations

import io

import pytest
from rich.console import Console

from generators import registry
from omegactl.report.write import build_reports
from omegactl.report.render import render_terminal

from .synth import problems_for, write_run

SETTINGS = {"arithmetic_gcd": {"test_in": (1, 2), "test_out": (3, 4, 5)},
            "arithmetic_matrix_determinant": {"test_in": (1, 2), "test_out": (3, 4, 5)},
            "logic_gridworld_blocked": {"test_in": (1, 2), "test_out": (3, 4, 5)}}


def render(renderable_or_fn, width: int = 80) -> str:
    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system=None, legacy_windows=False)
    if callable(renderable_or_fn):
        renderable_or_fn(console)
    else:
        console.print(renderable_or_fn)
    return buf.getvalue()


def assert_readable(text: str, names: list[str], width: int = 80) -> None:
    assert "…" not in text, "a cell was truncated"
    lines = text.splitlines()
    assert all(len(line) <= width for line in lines)
    for name in names:  # every name appears whole on one line
        assert any(name in line for line in lines), name


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    d = tmp_path_factory.mktemp("w")
    probs = problems_for(SETTINGS, n=8)
    write_run(d / "a", probs, lambda p: max(0.0, 1.0 - 0.22 * (p.level - 1)), model="model-a")
    write_run(d / "b", probs, lambda p: max(0.0, 0.9 - 0.25 * (p.level - 1)), seed=4, model="model-b")
    return d


def test_ls_at_80_columns_is_short_and_cuts_no_name():
    from omegactl.common.display import settings_table

    found = list(registry.settings(None).values())
    text = render(settings_table(found))
    assert_readable(text, [s.name for s in found])
    assert len(text.splitlines()) < 6 * len(found)  # was 1,048 lines for 57 settings
    for s in found[:5]:  # the secondary columns are still there
        block = text[text.index(s.name):]
        assert s.axis in block.splitlines()[1]
    wide = render(settings_table(found), width=250)
    assert "┃ name" in wide and "…" not in wide  # a real table when it fits


def test_report_at_80_columns_keeps_names_and_id_ood(runs):
    reps = build_reports([runs / "a"], resamples=200)
    text = render(lambda c: render_terminal(c, reps))
    assert_readable(text, list(SETTINGS))
    assert "ID acc" in text and "OOD acc" in text
    # arithmetic_gcd and arithmetic_matrix_determinant are told apart, each with its own ID and OOD numbers
    for name in ("arithmetic_gcd", "arithmetic_matrix_determinant"):
        after = text[text.index(name + "\n"):]
        assert "ID acc" in after.splitlines()[1] and "OOD acc" in after.splitlines()[1]


def test_side_by_side_report_at_80_columns(runs):
    reps = build_reports([runs / "a", runs / "b"], resamples=200)
    text = render(lambda c: render_terminal(c, reps))
    assert_readable(text, list(SETTINGS) + ["model-a", "model-b"])
    assert "B − A" in text


def test_eval_summary_and_samples_at_80_columns(runs):
    from omegactl.report.samples_browser import print_samples, select_samples
    from omegactl.report.summary import print_run_summary

    results = {"model": "openai:some-long-model-name", "status": "complete", "n_samples": 10, "n_expected_samples": 10,
               "overall": {"accuracy": 0.5}, "axes": [{"axis": "transformative", "id_accuracy": 0.5, "ood_accuracy": 0.25,
                                                      "n_id": 100, "n_ood": 100, "delta": 0.25}]}
    text = render(lambda c: print_run_summary(c, results, runs / "a"))
    assert_readable(text, ["transformative"])
    views = select_samples(runs / "a", n=3)
    text = render(lambda c: print_samples(c, views))
    assert_readable(text, [views[0].problem.setting_key])


def test_eval_progress_keeps_total_and_eta_at_80_columns():
    from omegactl.eval.run import RunStats, _Progress

    buf = io.StringIO()
    console = Console(file=buf, width=80, color_system=None)
    prog = _Progress(console, total=123_456, enabled=True)
    prog.update(RunStats(done=32_100, errors=2, correct=200), {"retries": 3, "current_concurrency": 8})
    for r in prog.progress.get_renderables():
        console.print(r)
    text = buf.getvalue()
    assert "32100/123456" in text and "ETA" in text and "…" not in text
    assert "err 2" in text and "retries 3" in text
