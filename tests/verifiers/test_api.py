"""The public API the eval pipeline calls: verify / equivalent / reward, Verdict and ModeVerdict."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from verifiers import VERIFIER_VERSION, ModeVerdict, Verdict, equivalent, reward, verify


def test_version_is_a_nonempty_string():
    assert isinstance(VERIFIER_VERSION, str) and VERIFIER_VERSION


def test_record_as_object_or_mapping():
    obj = SimpleNamespace(answer="3/4", answer_type="rational", params={})
    mapping = {"answer": "3/4", "answer_type": "rational"}
    for record in (obj, mapping):
        v = verify(r"so \boxed{\frac{6}{8}}", record)
        assert isinstance(v, Verdict) and isinstance(v.strict, ModeVerdict)
        assert v.correct and v.extracted == r"\frac{6}{8}" and v.parsed == "3/4" and v.method == "exact"
        assert v.reason is None and v.strict.extraction == "boxed"


def test_no_response_and_no_answer():
    v = verify(None, {"answer": 1, "answer_type": "int"})
    assert not v.correct and v.reason == "no response" and v.flex.reason == "no response"
    v = verify("I do not know", {"answer": 1, "answer_type": "int"})
    assert v.reason == "no answer" and v.extracted is None and v.strict.extraction == "none"


def test_strict_and_flex_are_reported_side_by_side():
    v = verify("The answer is 12.", {"answer": 12, "answer_type": "int"})
    assert not v.correct and v.strict.reason == "no answer"
    assert v.flex.correct and v.flex.extraction == "anchored"


def test_verdict_is_json_serialisable():
    for response, record in [
        (r"\boxed{\{\sqrt{2}, 1\}}", {"answer": ["sqrt(2)", 1], "answer_type": "set"}),
        (r"\boxed{[1, 3)}", {"answer": "[1, 3)", "answer_type": "interval"}),
        (r"\boxed{\begin{pmatrix}1&2\\3&4\end{pmatrix}}", {"answer": [[1, 2], [3, 4]], "answer_type": "matrix"}),
        ("output: [[1]]", {"answer": [[1]], "answer_type": "grid"}),
        ("\x00\udcff", {"answer": 1, "answer_type": "int"}),
    ]:
        v = verify(response, record)
        assert json.loads(v.model_dump_json())["strict"]["correct"] == v.correct


def test_invalid_gold_is_reported_not_raised():
    for gold, answer_type in [("abc", "int"), (5, "set"), ("x", "decimal:2"), (1, "nonsense")]:
        v = verify(r"\boxed{1}", {"answer": gold, "answer_type": answer_type})
        assert not v.correct and v.reason == "invalid gold"
    assert equivalent("1", "abc", "int") is False


def test_equivalent_unwraps_a_box_and_takes_params():
    assert equivalent(r"\boxed{\dfrac{1}{2}}", "1/2", "rational")
    assert equivalent("green", 1, "choice", params={"choices": ["red", "green"]})
    assert not equivalent("0.5", "1/3", "rational")


def test_reward():
    record = {"answer": 7, "answer_type": "int"}
    assert reward(r"\boxed{7}", record) == 1.0
    assert reward(r"\boxed{8}", record) == 0.0
    assert reward(r"\boxed{8}", record, format_reward=0.1) == pytest.approx(0.1)
    assert reward("8", record, format_reward=0.1) == 0.0  # nothing extracted: no format reward
    assert reward(None, record) == 0.0
    assert reward(r"\boxed{7}", {"answer": 7}) == 0.0  # a broken record never raises


def test_timeout_is_a_verdict_and_the_pool_recovers():
    record = {"answer": "(x**2 - 1)**3000", "answer_type": "expression"}
    v = verify(r"\boxed{(x+1)^{3000}(x-1)^{3000}}", record, timeout_s=0.5)
    assert not v.correct and v.reason == "timeout"
    v = verify(r"\boxed{(x+1)^2}", {"answer": "x**2 + 2*x + 1", "answer_type": "expression"})
    assert v.correct
