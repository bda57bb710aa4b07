"""The regression gate: false-alarm rate (A/A), power at the predicted n, and the exit-code contract."""
from __future__ import annotations

import json
import zlib

import numpy as np
import pytest

from omegactl.cli import main
from omegactl.gate.stats import benjamini_hochberg, holm_reject, items_needed, paired_test

from .synth import problems_for, write_run


def _clustered_pair(rng, clusters: int, per: int, delta: float, icc_sd: float):
    """Binary paired scores with cluster-correlated difficulty; candidate shifted by ``delta``."""
    cl = np.repeat(np.arange(clusters), per)
    logit = rng.normal(0.3, icc_sd, clusters)[cl] + rng.normal(0, 1.0, clusters * per)
    p = 1 / (1 + np.exp(-logit))
    base = (rng.random(len(p)) < p).astype(float)
    cand = (rng.random(len(p)) < np.clip(p + delta, 0, 1)).astype(float)
    return base, cand, cl


def test_aa_false_alarm_rate_is_at_most_alpha():
    rng = np.random.default_rng(11)
    alpha, reps = 0.05, 300
    fails = 0
    for _ in range(reps):
        base, cand, cl = _clustered_pair(rng, clusters=15, per=30, delta=0.0, icc_sd=1.0)
        t = paired_test("m", base, cand, cl, alpha=alpha, tolerance=0.0, resamples=1000)
        fails += t.verdict == "FAIL"
    rate = fails / reps
    assert rate <= alpha + 2 * np.sqrt(alpha * (1 - alpha) / reps), rate


def test_power_at_predicted_sample_size():
    # paired binary data: discordance 0.15, true regression 3 points (VERIFY.md B.4 example)
    p_d, delta, alpha = 0.15, 0.03, 0.05
    n = items_needed(p_d - delta**2, delta, 0.0, alpha)
    assert 950 <= n <= 1100  # the spec's worked example gives ≈ 1,030
    rng = np.random.default_rng(5)
    reps, caught = 200, 0
    probs = [(p_d + delta) / 2, (p_d - delta) / 2]  # P(base right, cand wrong), P(base wrong, cand right)
    for _ in range(reps):
        u = rng.random(n)
        base = np.where(u < probs[0], 1.0, np.where(u < probs[0] + probs[1], 0.0, (rng.random(n) < 0.6).astype(float)))
        cand = np.where(u < probs[0], 0.0, np.where(u < probs[0] + probs[1], 1.0, base))
        cl = np.arange(n) % 100
        caught += paired_test("m", base, cand, cl, alpha=alpha, tolerance=0.0, resamples=1000).verdict == "FAIL"
    power = caught / reps
    assert 0.68 <= power <= 0.92, power


def test_holm_and_bh():
    assert holm_reject([0.01, 0.04, 0.03], 0.05) == [True, False, False]
    assert holm_reject([0.001, 0.02, 0.04], 0.05) == [True, True, True]
    assert benjamini_hochberg([0.001, 0.5, 0.02, 0.04], 0.1) == [True, False, True, True]


SETTINGS = {"arithmetic_gcd": {"test_in": (1, 2), "test_out": (3, 4)}, "logic_gridworld_blocked": {"test_in": (1, 2), "test_out": (3, 4)},
            "arithmetic_matrix_determinant": {"test_in": (1, 2), "test_out": (3, 4)}}


@pytest.fixture(scope="module")
def probs():
    return problems_for(SETTINGS, n=60)


def gate(args, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["gate"] + args)
    out = capsys.readouterr()
    return exc.value.code, out.out + out.err


def test_identical_runs_pass_and_write_step_summary(tmp_path, probs, capsys, monkeypatch):
    write_run(tmp_path / "a", probs, lambda p: 0.7)
    write_run(tmp_path / "b", probs, lambda p: 0.7)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out = gate(["--baseline", str(tmp_path / "a"), "--candidate", str(tmp_path / "b"), "--json", str(tmp_path / "g.json")], capsys)
    assert code in (0, None), out
    assert "PASS" in out
    assert "omegactl gate" in summary.read_text()
    assert json.loads((tmp_path / "g.json").read_text())["verdict"] == "PASS"


def test_large_regression_fails_with_exit_1(tmp_path, probs, capsys):
    write_run(tmp_path / "a", probs, lambda p: 0.9)
    write_run(tmp_path / "b", probs, lambda p: 0.3, seed=1)
    code, out = gate(["--baseline", str(tmp_path / "a"), "--candidate", str(tmp_path / "b"), "--tolerance", "0.01"], capsys)
    assert code == 1 and "FAIL" in out


def test_parse_failure_regression_is_gated_separately(tmp_path, probs, capsys):
    write_run(tmp_path / "a", probs, lambda p: 0.8)
    write_run(tmp_path / "b", probs, lambda p: 0.8, unparsed_rate=0.5, seed=2)
    code, out = gate(["--baseline", str(tmp_path / "a"), "--candidate", str(tmp_path / "b")], capsys)
    assert code == 1 and "parse-failure rate" in out


@pytest.mark.parametrize(
    "change,needle",
    [
        ({"verifier": "test-2"}, "different verifier versions"),
        ({"system_prompt": "be brief"}, "different prompts"),
        ({"drop": 3}, "incomplete"),
        ({"status": "running"}, "incomplete"),
        ({"samples": 2}, "different problem sets"),
    ],
)
def test_mismatches_cannot_be_judged(tmp_path, probs, capsys, change, needle):
    write_run(tmp_path / "a", probs, lambda p: 0.7)
    write_run(tmp_path / "b", probs, lambda p: 0.7, **change)
    code, out = gate(["--baseline", str(tmp_path / "a"), "--candidate", str(tmp_path / "b")], capsys)
    assert code == 2, out
    assert needle in out
    assert "Traceback" not in out


def test_different_problem_sets(tmp_path, probs, capsys):
    write_run(tmp_path / "a", probs, lambda p: 0.7)
    write_run(tmp_path / "b", probs[:-5], lambda p: 0.7)
    code, out = gate(["--baseline", str(tmp_path / "a"), "--candidate", str(tmp_path / "b")], capsys)
    assert code == 2 and "different problem sets: 5 problems only in the baseline" in out


def test_not_a_run_folder_and_bad_config(tmp_path, probs, capsys):
    code, out = gate(["--baseline", str(tmp_path / "nope"), "--candidate", str(tmp_path / "nope2")], capsys)
    assert code == 2 and "not a run folder" in out
    write_run(tmp_path / "a", probs, lambda p: 0.7)
    (tmp_path / "gate.yaml").write_text("tolerence: 0.01\n")
    code, out = gate(["--baseline", str(tmp_path / "a"), "--candidate", str(tmp_path / "a"), "--config", str(tmp_path / "gate.yaml")], capsys)
    assert code == 2 and "unknown gate option 'tolerence'" in out


def test_config_file_per_metric_tolerance_and_cli_override(tmp_path, probs, capsys):
    write_run(tmp_path / "a", probs, lambda p: 0.9)
    write_run(tmp_path / "b", probs, lambda p: 0.3, seed=1)
    (tmp_path / "gate.yaml").write_text("tolerance: 0.9\nmetrics:\n  exploratory/ood: {tolerance: 0.9}\n")
    code, out = gate(["--baseline", str(tmp_path / "a"), "--candidate", str(tmp_path / "b"), "--config", str(tmp_path / "gate.yaml")], capsys)
    assert code in (0, None), out  # a 60-point drop is inside a 90-point tolerance
    code, out = gate(["--baseline", str(tmp_path / "a"), "--candidate", str(tmp_path / "b"), "--config", str(tmp_path / "gate.yaml"),
                      "--tolerance", "0.0"], capsys)
    assert code == 1  # the CLI overrides the file's default tolerance (exploratory/id now fails)


# -- the decision rule: one exact paired sign-flip test over items, whatever the number of settings


def test_same_items_give_the_same_decision_at_any_number_of_settings():
    rng = np.random.default_rng(3)
    base = (rng.random(165) < 0.75).astype(float)
    cand = np.where(rng.random(165) < 0.25, 0.0, base)  # about a 20-point OOD drop (issue 22's 3-setting case)
    tests = [paired_test("m", base, cand, np.arange(165) % k, alpha=0.025, tolerance=0.01, resamples=2000)
             for k in (1, 2, 3, 30)]
    assert {(t.p_value, t.ucb, t.verdict, t.method, t.clusters) for t in tests} == {
        (tests[0].p_value, tests[0].ucb, "FAIL", "sign-flip", 165)}
    assert [t.settings for t in tests] == [1, 2, 3, 30]


def test_sign_flip_p_value_is_exact_on_a_small_case_and_monotone():
    from omegactl.gate.stats import SignFlip

    flip = SignFlip(np.array([-1.0] * 5 + [0.0] * 20), resamples=20000, seed=1)
    assert abs(flip.p_value(0.0) - 1 / 32) < 0.006  # all five discordant pairs against: 2^-5
    grid = np.linspace(-1, 1, 81)
    ps = [flip.p_value(x) for x in grid]
    assert all(a >= b for a, b in zip(ps, ps[1:]))


def test_verdict_and_bound_always_agree():
    rng = np.random.default_rng(8)
    for _ in range(60):
        n = int(rng.integers(5, 200))
        base = (rng.random(n) < rng.uniform(0.2, 0.95)).astype(float)
        cand = (rng.random(n) < rng.uniform(0.2, 0.95)).astype(float)
        tol = float(rng.choice([0.0, 0.01, 0.05]))
        t = paired_test("m", base, cand, np.arange(n) % 3, alpha=0.05, tolerance=tol, resamples=1000, seed=1)
        assert (t.verdict == "FAIL") == (t.ucb < -tol + 1e-6), (t.verdict, t.ucb, tol, t.p_value)
        if t.verdict == "WARN":
            assert t.n_needed is not None and t.n_needed > n


def test_holm_levels_agree_with_holm_rejections():
    from omegactl.gate.stats import holm

    for p in ([0.01, 0.04, 0.03], [0.001, 0.02, 0.04], [0.03, 0.02, 0.2, 0.001], [0.5, 0.01]):
        levels, reject = holm(p, 0.05), holm_reject(p, 0.05)
        assert [pi <= lv for pi, lv in zip(p, levels)] == reject


def test_many_settings_small_drop_within_tolerance_passes(tmp_path, probs, capsys):
    write_run(tmp_path / "a", probs, lambda p: 0.8)
    # the same draws, except that 1 problem in 100 (by a stable hash of its id) is now always wrong: ≈ 1 point
    write_run(tmp_path / "b", probs, lambda p: 0.8 if zlib.crc32(p.id.encode()) % 100 else 0.0, seed=0)
    code, out = gate(["--baseline", str(tmp_path / "a"), "--candidate", str(tmp_path / "b"), "--tolerance", "0.02"], capsys)
    assert code in (0, None), out
