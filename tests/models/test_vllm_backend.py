"""The offline vLLM backend without vllm: pure mapping functions plus a fake ``vllm`` module."""
from __future__ import annotations

import asyncio
import sys
import types
from dataclasses import dataclass, field

import pytest

from models import BackendError, GenerationRequest, load_backend
from models.vllm_backend import INSTALL_HINT, import_vllm
from models.vllm_requests import (InvalidRequest, build_llm_kwargs, group_by_chat_options, public_llm_kwargs,
                                  result_from_output, sampling_kwargs)
from tests.models.helpers import user


# -- a stand-in for the parts of vllm the backend touches ------------------------------------------------
class FakeSamplingParams:
    def __init__(self, n=1, temperature=1.0, top_p=1.0, max_tokens=16, seed=None, top_k=-1, min_p=0.0,
                 stop=None, repetition_penalty=1.0):
        if not 0.0 < top_p <= 1.0:
            raise ValueError(f"top_p must be in (0, 1], got {top_p}")
        self.n, self.temperature, self.top_p, self.max_tokens = n, temperature, top_p, max_tokens
        self.seed, self.top_k, self.min_p, self.stop = seed, top_k, min_p, stop


@dataclass
class FakeCompletion:
    text: str
    token_ids: list
    finish_reason: str


@dataclass
class FakeRequestOutput:
    prompt_token_ids: list
    outputs: list = field(default_factory=list)


class FakeTokenizer:
    chat_template = "{% for m in messages %}{{ m.content }}{% endfor %}"


class FakeEngineCore:
    def __init__(self):
        self.shut_down = False

    def shutdown(self, timeout=None):
        self.shut_down = True


class FakeLLM:
    instances: list["FakeLLM"] = []

    def __init__(self, **kwargs):
        if kwargs.get("gpu_memory_utilization", 0.5) > 1:
            raise ValueError("gpu_memory_utilization must be <= 1")
        self.kwargs = kwargs
        self.calls: list[dict] = []
        self.llm_engine = types.SimpleNamespace(engine_core=FakeEngineCore())
        FakeLLM.instances.append(self)

    def get_tokenizer(self):
        return FakeTokenizer()

    def chat(self, messages, sampling_params=None, use_tqdm=True, **options):
        self.calls.append({"n": len(messages), "options": options, "use_tqdm": use_tqdm})
        if any("TOO LONG" in conv[-1]["content"] for conv in messages):
            raise ValueError("This model's maximum context length is 2048 tokens. However, your prompt is longer")
        outputs = []
        for conv, sp in zip(messages, sampling_params):
            words = f"echo {conv[-1]['content']} seed={sp.seed} opts={sorted(options)}".split()
            cut = words[: sp.max_tokens]
            outputs.append(FakeRequestOutput(prompt_token_ids=list(range(len(conv) * 3)),
                                             outputs=[FakeCompletion(" ".join(cut), list(range(len(cut))),
                                                                     "length" if len(cut) < len(words) else "stop")]))
        return outputs


@pytest.fixture
def fake_vllm(monkeypatch):
    module = types.ModuleType("vllm")
    module.LLM = FakeLLM
    module.SamplingParams = FakeSamplingParams
    module.__version__ = "0.0.fake"
    FakeLLM.instances = []
    monkeypatch.setitem(sys.modules, "vllm", module)
    return module


def collect(backend, requests):
    async def go():
        return [r async for r in backend.stream(requests)]
    return asyncio.run(go())


# -- pure functions ----------------------------------------------------------------------------------------
def test_sampling_kwargs_mapping():
    req = GenerationRequest(key="a", messages=user("q"), seed=11, temperature=0.6, top_p=0.95, max_tokens=512,
                            extra={"top_k": 20, "stop": ["\n\n"], "chat_template_kwargs": {"enable_thinking": False}})
    assert sampling_kwargs(req) == {"n": 1, "temperature": 0.6, "top_p": 0.95, "max_tokens": 512, "seed": 11,
                                    "top_k": 20, "stop": ["\n\n"]}
    no_seed = sampling_kwargs(GenerationRequest(key="b", messages=user("q"), extra={"max_completion_tokens": 64}))
    assert "seed" not in no_seed and no_seed["max_tokens"] == 64
    for extra in ({"n": 3}, {"stream": True}):
        with pytest.raises(InvalidRequest):
            sampling_kwargs(GenerationRequest(key="c", messages=user("q"), extra=extra))


def test_grouping_by_chat_options_keeps_order():
    reqs = [GenerationRequest(key=str(i), messages=user("q"), extra=extra) for i, extra in enumerate([
        {}, {"chat_template_kwargs": {"enable_thinking": True}}, {"top_k": 5},
        {"chat_template_kwargs": {"enable_thinking": True}}])]
    groups = group_by_chat_options(reqs)
    assert groups == [({}, [0, 2]), ({"chat_template_kwargs": {"enable_thinking": True}}, [1, 3])]


def test_llm_kwargs_and_manifest_view():
    kwargs = build_llm_kwargs("org/model", {"tensor_parallel_size": 2, "hf_token": "hf_secret"})
    assert kwargs == {"model": "org/model", "tensor_parallel_size": 2, "hf_token": "hf_secret"}
    assert public_llm_kwargs(kwargs)["hf_token"] == "***"
    with pytest.raises(BackendError):
        build_llm_kwargs("org/model", {"model": "other"})


def test_result_from_output():
    out = FakeRequestOutput([1, 2, 3], [FakeCompletion("x y", [7, 8], "length")])
    r = result_from_output("k", out, 1.5)
    assert (r.text, r.finish_reason, r.prompt_tokens, r.completion_tokens, r.latency_s, r.error) == \
        ("x y", "length", 3, 2, 1.5, None)
    assert "no completion" in result_from_output("k", FakeRequestOutput([1]), 0.0).error


# -- the backend with the fake module ----------------------------------------------------------------------
def test_model_args_are_coerced_and_passed_to_llm(fake_vllm):
    backend = load_backend("vllm:org/model", model_args={
        "tensor_parallel_size": "2", "data-parallel-size": "1", "gpu_memory_utilization": "0.9",
        "max_model_len": "4096", "dtype": "bfloat16", "enforce_eager": "true", "quantization": "awq"})
    llm = FakeLLM.instances[-1]
    assert llm.kwargs == {"model": "org/model", "tensor_parallel_size": 2, "data_parallel_size": 1,
                          "gpu_memory_utilization": 0.9, "max_model_len": 4096, "dtype": "bfloat16",
                          "enforce_eager": True, "quantization": "awq"}
    info = backend.info()
    assert info["backend"] == "vllm" and info["vllm_version"] == "0.0.fake" and len(info["chat_template_sha256"]) == 64


def test_load_failure_is_a_backend_error(fake_vllm):
    with pytest.raises(BackendError, match="vllm could not load org/model: ValueError: gpu_memory_utilization"):
        load_backend("vllm:org/model", model_args={"gpu_memory_utilization": "1.5"})


def test_one_batched_call_with_per_request_seeds(fake_vllm):
    backend = load_backend("vllm:org/model")
    reqs = [GenerationRequest(key=f"p{i}#{s}", messages=user(f"q{i}"), seed=100 * i + s, max_tokens=50)
            for i in range(5) for s in range(2)]
    results = collect(backend, reqs)
    llm = FakeLLM.instances[-1]
    assert len(llm.calls) == 1 and llm.calls[0]["n"] == 10 and llm.calls[0]["use_tqdm"] is False
    by_key = {r.key: r for r in results}
    assert by_key["p3#1"].text == "echo q3 seed=301 opts=[]" and by_key["p3#1"].finish_reason == "stop"
    assert all(r.error is None and r.attempts == 1 for r in results)
    assert backend.stats()["completed"] == 10 and backend.stats()["batches"] == 1
    asyncio.run(backend.aclose())
    assert llm.llm_engine.engine_core.shut_down
    asyncio.run(backend.aclose())  # idempotent


def test_chat_options_split_the_batch_and_reach_llm_chat(fake_vllm):
    backend = load_backend("vllm:org/model")
    thinking = {"chat_template_kwargs": {"enable_thinking": False}}
    reqs = [GenerationRequest(key="a", messages=user("q"), extra=thinking),
            GenerationRequest(key="b", messages=user("q")),
            GenerationRequest(key="c", messages=user("q"), extra=thinking)]
    results = {r.key: r for r in collect(backend, reqs)}
    calls = FakeLLM.instances[-1].calls
    assert [c["n"] for c in calls] == [2, 1] and calls[0]["options"] == thinking and calls[1]["options"] == {}
    assert "opts=['chat_template_kwargs']" in results["a"].text and "opts=[]" in results["b"].text


def test_invalid_requests_and_failed_prompts_become_error_results(fake_vllm):
    backend = load_backend("vllm:org/model")
    reqs = [GenerationRequest(key="bad_top_p", messages=user("q"), top_p=0.0),
            GenerationRequest(key="unknown_kwarg", messages=user("q"), extra={"beam_width": 4}),
            GenerationRequest(key="fine", messages=user("q")),
            GenerationRequest(key="too_long", messages=user("TOO LONG")),
            GenerationRequest(key="capped", messages=user("q"), max_tokens=2)]
    results = {r.key: r for r in collect(backend, reqs)}
    assert len(results) == 5
    assert "top_p must be in (0, 1]" in results["bad_top_p"].error
    assert "invalid sampling parameters" in results["unknown_kwarg"].error
    assert results["too_long"].error.startswith("context_length: ValueError: This model's maximum context length")
    assert results["too_long"].text is None
    assert results["fine"].error is None and results["fine"].text.startswith("echo q")
    assert (results["capped"].text, results["capped"].finish_reason) == ("echo q", "length")
    stats = backend.stats()
    assert stats["errors"] == 3 and stats["completed"] == 2 and stats["batch_splits"] >= 1


def test_a_bad_prompt_is_isolated_and_the_rest_stays_batched(fake_vllm):
    backend = load_backend("vllm:org/model")
    reqs = [GenerationRequest(key=f"k{i}", messages=user("TOO LONG" if i in (5, 21) else f"q{i}"))
            for i in range(32)]
    results = {r.key: r for r in collect(backend, reqs)}
    assert sorted(k for k, r in results.items() if r.error) == ["k21", "k5"]
    assert all(results[f"k{i}"].text == f"echo q{i} seed=None opts=[]" for i in range(32) if i not in (5, 21))
    calls = FakeLLM.instances[-1].calls
    assert len(calls) <= 1 + 2 * 2 * 5  # at most two root-to-leaf bisection paths of depth 5
    assert max(c["n"] for c in calls if c["n"] < 32) >= 8  # good prompts were still run in batches


def test_missing_vllm_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "vllm", None)  # makes `import vllm` fail as if not installed
    with pytest.raises(BackendError) as info:
        load_backend("vllm:org/model")
    assert str(info.value) == INSTALL_HINT == "vllm is not installed: pip install -e '.[vllm]'"


def test_broken_vllm_install_is_reported_differently(monkeypatch):
    def broken_import(name, *args, **kwargs):
        if name == "vllm":
            raise ImportError("libcudart.so.12: cannot open shared object file", name="vllm._C")
        return real_import(name, *args, **kwargs)

    real_import = __builtins__["__import__"] if isinstance(__builtins__, dict) else __builtins__.__import__
    monkeypatch.delitem(sys.modules, "vllm", raising=False)
    monkeypatch.setattr("builtins.__import__", broken_import)
    with pytest.raises(BackendError, match="vllm is installed but failed to import: libcudart"):
        import_vllm()
