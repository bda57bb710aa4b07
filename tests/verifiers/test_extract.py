"""Extraction: reasoning blocks, boxes (balanced, nested, unclosed), anchors, last number."""
from __future__ import annotations

from verifiers.extract import anchored, extract_flex, extract_strict, last_boxed, last_number
from verifiers.reasoning import strip_reasoning
from verifiers.sanitize import sanitize


def test_last_complete_box_with_nested_braces():
    assert last_boxed(r"a \boxed{1} b \boxed{\frac{1}{2}} c") == r"\frac{1}{2}"
    assert last_boxed(r"\boxed{\{1, 2\}}") == r"\{1, 2\}"
    assert last_boxed(r"\boxed{1} \boxed{2") == "1"
    assert last_boxed(r"\boxed{") is None
    assert last_boxed(r"\fbox{7}") == "7"
    assert last_boxed(r"\boxed 5") == "5"
    assert last_boxed("no box here") is None


def test_escaped_braces_do_not_count():
    assert last_boxed(r"\boxed{\{1,2\} \cup \{3\}}") == r"\{1,2\} \cup \{3\}"
    assert last_boxed(r"\boxed{\}}") == r"\}"


def test_boxes_join_only_for_sets_and_only_when_adjacent():
    text = r"roots \boxed{1}, \boxed{2} and \boxed{3}"
    assert extract_strict(text, "set").text == "1, 2, 3"
    assert extract_strict(text, "int").text == "3"
    assert extract_strict(r"\boxed{1} so later we get \boxed{2}", "set").text == "2"


def test_reasoning_blocks():
    assert strip_reasoning("<think>x \\boxed{1}</think> y") == " y"
    assert strip_reasoning("<think>unfinished \\boxed{1}") is None
    assert strip_reasoning("pre-filled reasoning </think> answer") == " answer"
    assert strip_reasoning("<|begin_of_thought|>a<|end_of_thought|>b") == "b"
    assert strip_reasoning("<THINKING>a</THINKING>b<reasoning>c</reasoning>d") == "bd"
    assert strip_reasoning("x < y and 2 > 1") == "x < y and 2 > 1"


def test_anchors_and_last_number():
    assert anchored("blah\nThe final answer is $\\frac{1}{2}$. I hope it is correct.") == "$\\frac{1}{2}$"
    assert anchored("**Answer:** 42") == "42"
    assert anchored("Answer:\n\n17\n") == "17"
    assert anchored("the answer is 3.5.") == "3.5"
    assert anchored("nothing") is None
    assert last_number("7 apples, then 1,250 and finally 3/4 of them") == "3/4"
    assert last_number("x2 and y") is None
    assert last_number("it is -12.5.") == "-12.5"


def test_flex_cascade_and_strict_never_falls_back():
    text = "I think it is 12"
    assert extract_strict(text, "int").text is None
    assert extract_flex(text, "int") == ("12", "last_number")
    assert extract_flex(text, "expression").text is None  # last-number fallback is for numeric types only
    assert extract_flex(r"Answer: 5 \boxed{6}", "int") == ("6", "boxed")


def test_sanitize():
    assert sanitize(None) is None
    assert sanitize("a\x00b\x07c") == "abc"
    assert sanitize(b"\xffok") == "\ufffdok"
    assert sanitize("lone \udcff surrogate") == "lone ? surrogate"
