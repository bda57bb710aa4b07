"""Never fooled, never hangs: hostile outputs, sympy bombs, threads and processes."""
from __future__ import annotations

import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import pytest

from verifiers import reward, verify

INT5 = {"answer": 5, "answer_type": "int"}
LIMIT = 1.0
# generous wall-clock bound per verdict: the limit plus a worker (re)start, on a loaded 2-core machine
BOUND = LIMIT + 6.0

HOSTILE = {
    "10 MB before the box": ("x" * 10_000_000 + r" \boxed{5}", INT5, True),
    "10 MB of numbers": ("1 " * 5_000_000, INT5, False),
    "a million nested braces": (r"\boxed{" + "{" * 1_000_000 + "5" + "}" * 1_000_000 + "}", INT5, False),
    "5,000 nested braces in the box": (r"\boxed{" + "{" * 5_000 + "5" + "}" * 5_000 + "}", INT5, False),
    "a million unclosed boxes": (r"\boxed{" * 1_000_000, INT5, False),
    "box never closed": (r"\boxed{5" + " blah" * 2_000_000, INT5, False),
    "NUL bytes and lone surrogates": ("\x00\x00 \\boxed{5\x00} \udcff", INT5, True),
    "invalid UTF-8 bytes": (b"\xff\xfe \\boxed{5}", INT5, True),
    "10,000-element set": (r"\boxed{\{" + ", ".join(map(str, range(10_000))) + r"\}}", {"answer": [1, 2, 3], "answer_type": "set"}, False),
    "10^{10^{10}}": (r"\boxed{10^{10^{10}}}", INT5, False),
    "x^{10^{10}}": (r"\boxed{x^{10^{10}}}", {"answer": "x", "answer_type": "expression"}, False),
    "2^{2^{40}}": (r"\boxed{2^{2^{40}}}", {"answer": "2", "answer_type": "expression"}, False),
    "(10^8)!": (r"\boxed{(10^8)!}", {"answer": "1", "answer_type": "expression"}, False),
    "3,000 nested parentheses": (r"\boxed{" + "(" * 3000 + "5" + ")" * 3000 + "}", INT5, False),
    "deep nested functions": (r"\boxed{" + r"\sin(" * 200 + "x" + ")" * 200 + "}", {"answer": "x", "answer_type": "expression"}, False),
    "expand bomb": (r"\boxed{(x+1)^{3000}(x-1)^{3000}}", {"answer": "(x**2-1)**3000", "answer_type": "expression"}, False),
    "huge grid": ("output: [[" + "1," * 500_000 + "1]]", {"answer": [[1]], "answer_type": "grid"}, False),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_input_is_bounded(name):
    response, record, expected = HOSTILE[name]
    start = time.monotonic()
    verdict = verify(response, record, timeout_s=LIMIT)
    elapsed = time.monotonic() - start
    assert verdict.correct is expected
    assert elapsed < BOUND, f"{name} took {elapsed:.1f}s"


def test_guards_report_their_reason():
    assert verify(r"\boxed{10^{10^{10}}}", INT5).reason == "too large"
    assert verify(r"\boxed{" + "(" * 3000 + "5" + ")" * 3000 + "}", INT5).reason == "too large"


MIXED = [
    (r"\boxed{\frac{6}{8}}", {"answer": "3/4", "answer_type": "rational"}, True),
    (r"\boxed{(x+1)^2}", {"answer": "x**2 + 2*x + 1", "answer_type": "expression"}, True),
    (r"\boxed{(x+1)^3}", {"answer": "x**2 + 2*x + 1", "answer_type": "expression"}, False),
    (r"\boxed{\{\sqrt2, -\sqrt2\}}", {"answer": ["sqrt(2)", "-sqrt(2)"], "answer_type": "set"}, True),
    (r"\boxed{[\sqrt{2}, 3)}", {"answer": r"[\sqrt{2}, 3)", "answer_type": "interval"}, True),
    (r"\boxed{1001}", {"answer": 1000, "answer_type": "int"}, False),
]


def test_thread_safe():
    jobs = MIXED * 8
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda job: verify(job[0], job[1]).correct, jobs))
    assert results == [job[2] for job in jobs]


def _reward(job):
    return reward(job[0], job[1])


def test_process_safe():
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(_reward, MIXED))
    assert results == [1.0 if job[2] else 0.0 for job in MIXED]
