"""`omegactl report`: the JSON contract, formats built from the same frames, honesty about n, partial runs."""
from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess

import pytest

from .evalkit import run_cli
from .synth import problems_for, write_run

SETTINGS = {"arithmetic_gcd": {"test_in": (1, 2), "test_out": (3, 4, 5)},
            "logic_gridworld_blocked": {"test_in": (1, 2), "test_out": (3, 4, 5)}}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    d = tmp_path_factory.mktemp("runs")
    probs = problems_for(SETTINGS, n=15)
    write_run(d / "a", probs, lambda p: max(0.0, 1.0 - 0.25 * (p.level - 1)), model="model-a")
    write_run(d / "b", probs, lambda p: max(0.0, 0.9 - 0.3 * (p.level - 1)), seed=4, model="model-b")
    write_run(d / "partial", probs, lambda p: 0.5, drop=10, status="running", model="model-p")
    return d


def report_json(capsys, *args):
    code, out, err = run_cli(["report", *map(str, args), "--format", "json"], capsys)
    assert code == 0, err
    return json.loads(out)


def test_json_contract(runs, capsys):
    obj = report_json(capsys, runs / "a")
    ax = obj["axes"][0]
    for key in ("axis", "id_accuracy", "ood_accuracy", "delta", "ratio", "n_id", "n_ood", "ci_id", "ci_ood"):
        assert key in ax
    assert ax["axis"] == "exploratory" and ax["n_id"] == 60 and ax["n_ood"] == 90
    assert ax["delta"] == pytest.approx(ax["id_accuracy"] - ax["ood_accuracy"])
    assert ax["ci_id"][0] <= ax["id_accuracy"] <= ax["ci_id"][1]
    st = {r["setting"]: r for r in obj["settings"]}
    assert set(st) == {"arithmetic_gcd", "logic_gridworld_blocked"}
    for key in ("axis", "setting", "id_accuracy", "ood_accuracy", "delta", "n_id", "n_ood"):
        assert key in st["arithmetic_gcd"]
    levels = obj["levels"]
    assert {(r["setting"], r["split"], r["level"]) for r in levels} == {
        (s, sp, lv) for s, sps in SETTINGS.items() for sp, lvs in sps.items() for lv in lvs}
    for r in levels:
        assert 0 <= r["accuracy"] <= 1 and r["n"] == 15 and r["ci"][0] <= r["accuracy"] <= r["ci"][1]
        assert "accuracy_flex" in r and "axis" in r
    crit = obj["critical_level"]
    assert set(crit) == {"arithmetic_gcd", "logic_gridworld_blocked"}
    for c in crit.values():
        assert sum(c["probabilities"].values()) == pytest.approx(1.0)
    assert obj["partial"] is False


def test_report_is_reproducible_and_formats_agree(runs, capsys):
    a = report_json(capsys, runs / "a")
    b = report_json(capsys, runs / "a")
    assert a == b
    code, out, _ = run_cli(["report", str(runs / "a"), "--format", "csv"], capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    by_setting = {r["setting"]: r for r in rows}
    for s in a["settings"]:
        assert float(by_setting[s["setting"]]["ood_accuracy"]) == pytest.approx(s["ood_accuracy"])
    code, md, _ = run_cli(["report", str(runs / "a"), "--format", "md"], capsys)
    for s in a["settings"]:
        assert f"{100 * s['id_accuracy']:.1f}%" in md


def test_html_is_self_contained_with_svg_curves(runs, tmp_path, capsys):
    out = tmp_path / "r.html"
    code, _, err = run_cli(["report", str(runs / "a"), str(runs / "b"), "--format", "html", "-o", str(out)], capsys)
    assert code == 0, err
    html = out.read_text()
    assert html.count("<svg") == 2 + 4 and html.count("axis-chart") == 2 and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<script" not in html and "Differences" in html


@pytest.mark.skipif(not (shutil.which("chromium") or shutil.which("chromium-browser")), reason="no chromium on this machine")
def test_html_renders_in_headless_browser(runs, tmp_path, capsys):
    out = tmp_path / "r.html"
    run_cli(["report", str(runs / "a"), "--format", "html", "-o", str(out)], capsys)
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    png = tmp_path / "shot.png"
    subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", f"--screenshot={png}", "--window-size=1200,1400",
                    out.as_uri()], capture_output=True, timeout=120)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a real, non-blank page


def test_side_by_side_and_paired_differences(runs, capsys):
    obj = report_json(capsys, runs / "a", runs / "b")
    assert len(obj["runs"]) == 2
    diff = obj["differences"][0]["rows"]
    assert diff and all(r["n_paired"] > 0 for r in diff)
    changes = [abs(r["change"]) for r in diff]
    assert changes == sorted(changes, reverse=True)


def test_partial_run_is_marked(runs, capsys):
    obj = report_json(capsys, runs / "partial")
    assert obj["partial"] is True
    code, out, _ = run_cli(["report", str(runs / "partial")], capsys)
    assert "PARTIAL" in out


def test_empty_side_says_n_zero(tmp_path, capsys):
    probs = problems_for({"arithmetic_gcd": {"test_in": (1,)}}, n=5)
    write_run(tmp_path / "r", probs, lambda p: 1.0)
    obj = report_json(capsys, tmp_path / "r")
    ax = obj["axes"][0]
    assert ax["n_ood"] == 0 and ax["ood_accuracy"] is None and ax["delta"] is None
    code, md, _ = run_cli(["report", str(tmp_path / "r"), "--format", "md"], capsys)
    assert "n = 0" in md


def test_bad_report_input(tmp_path, capsys):
    code, _, err = run_cli(["report", str(tmp_path / "missing")], capsys)
    assert code == 2 and "not a run folder" in err
    (tmp_path / "x").mkdir()
    code, _, err = run_cli(["report", str(tmp_path / "x"), "--format", "pdf"], capsys)
    assert code == 2 and "unknown --format" in err


def test_all_wrong_run_still_has_honest_intervals(tmp_path, capsys):
    # lm-eval#4070: a zero-width interval at 0 % is a lie; the aggregate interval must stay open
    probs = problems_for(SETTINGS, n=5)
    write_run(tmp_path / "r", probs, lambda p: 0.0)
    ax = report_json(capsys, tmp_path / "r")["axes"][0]
    assert ax["id_accuracy"] == 0.0 and ax["ci_id"][0] == 0.0 and ax["ci_id"][1] > 0.1
    assert ax["ci_delta"][0] < 0 < ax["ci_delta"][1]


def test_majority_baseline_per_cell_and_flag(tmp_path, capsys):
    """Issue 16: each cell shows the majority-answer baseline; a model that does not beat it is flagged."""
    from collections import Counter

    probs = problems_for(SETTINGS, n=15)
    write_run(tmp_path / "r", probs, lambda p: 0.0 if p.level == 1 else 1.0)
    obj = report_json(capsys, tmp_path / "r")
    for r in obj["levels"]:
        golds = [p.ground_truth for p in probs if (p.setting_key, p.split, p.level) == (r["setting"], r["split"], r["level"])]
        assert r["baseline"] == pytest.approx(Counter(golds).most_common(1)[0][1] / len(golds))
        assert r["beats_baseline"] is (r["accuracy"] > r["baseline"])
    flagged = {(r["setting"], r["split"], r["level"]) for r in obj["levels"] if r["beats_baseline"] is False}
    assert flagged and all(lv == 1 for _, _, lv in flagged)
    code, out, err = run_cli(["report", str(tmp_path / "r"), "--format", "md"], capsys)
    assert code == 0, err
    section = out.split("majority-answer baseline")[1]
    assert all(f"| {s} | {sp} | {lv} |" in section for s, sp, lv in flagged)
    table_rows = [ln for ln in section.split("###")[0].splitlines() if ln.startswith("| ") and "baseline" not in ln]
    assert len(table_rows) == len(flagged)  # only the flagged cells are listed
