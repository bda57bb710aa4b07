"""--model_args parsing and value coercion."""
from __future__ import annotations

import pytest

from models import BackendError, coerce_model_args, parse_model_args
from models.model_args import coerce_value, split_top_level


@pytest.mark.parametrize("raw,expected", [
    ("0.9", 0.9), ("2", 2), ("-3", -3), ("1e-3", 0.001), (".5", 0.5), ("true", True), ("False", False),
    ("none", None), ("null", None), ("bfloat16", "bfloat16"), ("'quoted'", "quoted"),
    ('{"enable_thinking": false}', {"enable_thinking": False}), ("[1, 2]", [1, 2]), ("awq", "awq"),
    ("Qwen/Qwen2.5-7B", "Qwen/Qwen2.5-7B"), (3, 3), (True, True),
])
def test_coerce_value(raw, expected):
    value = coerce_value(raw)
    assert value == expected and type(value) is type(expected)


def test_coerce_model_args_normalises_keys():
    args = coerce_model_args({"tensor-parallel-size": "2", "gpu_memory_utilization": "0.9", "enforce_eager": "true"})
    assert args == {"tensor_parallel_size": 2, "gpu_memory_utilization": 0.9, "enforce_eager": True}
    with pytest.raises(BackendError):
        coerce_model_args({"bad key": 1})


def test_parse_model_args_with_json_values():
    text = 'dtype=bfloat16,max_model_len=2048,hf_overrides={"a": 1, "b": [2, 3]},enforce_eager=true'
    assert parse_model_args(text) == {"dtype": "bfloat16", "max_model_len": 2048,
                                      "hf_overrides": {"a": 1, "b": [2, 3]}, "enforce_eager": True}
    assert parse_model_args("") == {} and parse_model_args(None) == {}
    assert split_top_level("a='x,y',b=2") == ["a='x,y'", "b=2"]
    for bad in ("novalue", "a={1,b=2", 'a={"x": bad}'):
        with pytest.raises(BackendError):
            parse_model_args(bad)
