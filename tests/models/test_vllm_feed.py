"""Continuous feeding of the offline vLLM engine, with a stand-in engine that schedules like vLLM's.

The stand-in runs at most ``max_num_seqs`` requests per step (one token each), admits waiting requests
into free slots at the start of every step, and records each step's batch size and each add, so the
tests can show that the engine never idles at a chunk boundary while requests remain.
"""
from __future__ import annotations

import asyncio
import sys
import time
import types
from collections import deque
from dataclasses import dataclass, field

import pytest

from models import GenerationRequest, load_backend
from tests.models.helpers import user
from tests.models.test_vllm_backend import FakeCompletion, FakeEngineCore, FakeLLM, FakeSamplingParams


@dataclass
class FakeStepOutput:
    request_id: str
    prompt_token_ids: list
    finished: bool
    outputs: list = field(default_factory=list)


class EngineDead(Exception):
    pass


EngineDead.__name__ = "EngineDeadError"


@dataclass
class _Running:
    external_id: str
    words: list
    target: int
    prompt_len: int
    made: int = 0


class FakeEngine:
    """Scheduler stand-in: ``max_num_seqs`` slots, one token per running request per step."""

    def __init__(self, max_num_seqs: int, die_after_steps: int | None = None, step_delay: float = 0.0):
        self.vllm_config = types.SimpleNamespace(scheduler_config=types.SimpleNamespace(max_num_seqs=max_num_seqs))
        self.max_num_seqs = max_num_seqs
        self.engine_core = FakeEngineCore()
        self.waiting: deque[_Running] = deque()
        self.running: list[_Running] = []
        self.batch_sizes: list[int] = []  # running requests in each step
        self.adds_while_running = 0  # requests added while others were being generated
        self.last_add_step = 0  # how many steps had run when the last request was added
        self.max_inside = 0
        self.finish_order: list[str] = []
        self.aborted: list[str] = []
        self.die_after_steps = die_after_steps
        self.step_delay = step_delay

    def add(self, item: _Running) -> None:
        if self.running:
            self.adds_while_running += 1
        self.last_add_step = len(self.batch_sizes)
        self.waiting.append(item)
        self.max_inside = max(self.max_inside, len(self.waiting) + len(self.running))

    def has_unfinished_requests(self) -> bool:
        return bool(self.waiting or self.running)

    def step(self):
        if self.die_after_steps is not None and len(self.batch_sizes) >= self.die_after_steps:
            raise EngineDead("EngineCore encountered an issue")
        if self.step_delay:
            time.sleep(self.step_delay)
        while self.waiting and len(self.running) < self.max_num_seqs:
            self.running.append(self.waiting.popleft())
        self.batch_sizes.append(len(self.running))
        outputs, still = [], []
        for item in self.running:
            item.made += 1
            done = item.made >= item.target
            cut = item.words[: item.made]
            reason = ("length" if item.target < len(item.words) else "stop") if done else None
            outputs.append(FakeStepOutput(item.external_id, list(range(item.prompt_len)), done,
                                          [FakeCompletion(" ".join(cut), list(range(len(cut))), reason)]))
            if done:
                self.finish_order.append(item.external_id)
            else:
                still.append(item)
        self.running = still
        return outputs

    def abort_request(self, request_ids, internal=False):
        assert internal  # the backend aborts by the ids the engine handed out
        gone = {rid.split("-")[0] for rid in request_ids}
        self.aborted.extend(sorted(gone))
        self.waiting = deque(i for i in self.waiting if i.external_id not in gone)
        self.running = [i for i in self.running if i.external_id not in gone]


class FakeFedLLM(FakeLLM):
    """``FakeLLM`` plus vLLM's ``enqueue_chat`` and an engine with ``step()``."""

    max_num_seqs = 4
    die_after_steps: int | None = None
    step_delay = 0.0

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.llm_engine = FakeEngine(self.max_num_seqs, self.die_after_steps, self.step_delay)
        self.counter = 0
        self.enqueued: list[dict] = []

    def enqueue_chat(self, messages, sampling_params=None, use_tqdm=True, **options):
        assert isinstance(sampling_params, FakeSamplingParams) and use_tqdm is False
        self.enqueued.append({"options": options})
        content = messages[-1]["content"]
        if "TOO LONG" in content:
            raise ValueError("This model's maximum context length is 2048 tokens. However, your prompt is longer")
        words = f"echo {content} seed={sampling_params.seed} opts={sorted(options)}".split()
        external = str(self.counter)
        self.counter += 1
        self.llm_engine.add(_Running(external, words, min(len(words), sampling_params.max_tokens), len(messages) * 3))
        return [f"{external}-a1b2c3d4"]  # vLLM appends a random suffix internally


@pytest.fixture
def fed_vllm(monkeypatch):
    module = types.ModuleType("vllm")
    module.LLM = FakeFedLLM
    module.SamplingParams = FakeSamplingParams
    module.__version__ = "0.0.fake"
    FakeLLM.instances = []
    monkeypatch.setattr(FakeFedLLM, "max_num_seqs", 4)
    monkeypatch.setattr(FakeFedLLM, "die_after_steps", None)
    monkeypatch.setattr(FakeFedLLM, "step_delay", 0.0)
    monkeypatch.setitem(sys.modules, "vllm", module)
    return module


def collect(backend, requests):
    async def go():
        return [r async for r in backend.stream(requests)]
    return asyncio.run(go())


def varied_requests(n: int) -> list[GenerationRequest]:
    """Requests of very different lengths: 1 to 12 extra words each."""
    return [GenerationRequest(key=f"p{i}#0", messages=user(" ".join(["w"] * (1 + (i * 7) % 12))), seed=i,
                              max_tokens=64) for i in range(n)]


def test_the_engine_never_idles_between_chunks(fed_vllm):
    backend = load_backend("vllm:org/model")
    assert backend.streams_continuously and backend.window == 64  # max(64, 2 * max_num_seqs)
    backend.window = 8  # two full batches inside the engine, so many "chunk boundaries" in 60 requests
    reqs = varied_requests(60)
    pulled = []

    def lazily():
        for req in reqs:
            pulled.append(req.key)
            yield req

    results = collect(backend, lazily())
    engine = FakeLLM.instances[-1].llm_engine
    assert sorted(r.key for r in results) == sorted(r.key for r in reqs) and all(r.error is None for r in results)
    by_key = {r.key: r for r in results}
    assert by_key["p3#0"].text == "echo " + " ".join(["w"] * 10) + " seed=3 opts=[]"
    assert by_key["p3#0"].completion_tokens == 13 and by_key["p3#0"].finish_reason == "stop"
    # results leave in completion order, not request order
    assert [r.key for r in results] == [f"p{i}#0" for i in map(int, engine.finish_order)]
    assert [r.key for r in results] != [r.key for r in reqs]
    # requests entered while others were running, never more than the window was inside the engine
    assert engine.adds_while_running >= 60 - 8 and engine.max_inside <= 8
    # every step ran a full batch until the last request had been handed over: no idle gap anywhere
    assert engine.last_add_step > len(engine.batch_sizes) // 2
    assert all(size == 4 for size in engine.batch_sizes[: engine.last_add_step + 1])
    stats = backend.stats()
    assert stats["completed"] == 60 and stats["requests"] == 60 and stats["in_flight"] == 0
    assert stats["engine_steps"] == len(engine.batch_sizes)


def test_chunked_batches_would_leave_the_engine_idle(fed_vllm):
    """The control: the old path (one LLM.chat per chunk, waiting for its last request) underfills the
    engine at every chunk's tail, which is what continuous feeding removes."""
    reqs = varied_requests(60)

    def chunked(chunk: int) -> list[int]:
        engine = FakeEngine(max_num_seqs=4)
        for start in range(0, len(reqs), chunk):
            for i, req in enumerate(reqs[start : start + chunk]):
                words = f"echo {req.messages[-1]['content']} seed={req.seed} opts=[]".split()  # as FakeFedLLM
                engine.add(_Running(str(start + i), words, len(words), 3))
            while engine.has_unfinished_requests():
                engine.step()
        return engine.batch_sizes

    sizes = chunked(8)
    assert sum(1 for s in sizes if s < 4) > 7  # underfull steps at each of the 7+ chunk tails

    backend = load_backend("vllm:org/model")
    backend.window = 8
    collect(backend, reqs)
    fed = FakeLLM.instances[-1].llm_engine.batch_sizes
    assert len(fed) < len(sizes)  # the same work in fewer engine steps
    assert sum(1 for s in fed if s < 4) < sum(1 for s in sizes if s < 4)


def test_seeds_and_chat_options_reach_the_engine_per_request(fed_vllm):
    backend = load_backend("vllm:org/model")
    thinking = {"chat_template_kwargs": {"enable_thinking": False}}
    reqs = [GenerationRequest(key="a", messages=user("q"), seed=7, extra=thinking),
            GenerationRequest(key="b", messages=user("q"), seed=8, extra={"top_k": 5}),
            GenerationRequest(key="c", messages=user("q"), seed=9, max_tokens=2)]
    results = {r.key: r for r in collect(backend, reqs)}
    llm = FakeLLM.instances[-1]
    assert [e["options"] for e in llm.enqueued] == [thinking, {}, {}]
    assert results["a"].text == "echo q seed=7 opts=['chat_template_kwargs']"
    assert results["b"].text == "echo q seed=8 opts=[]"
    assert (results["c"].text, results["c"].finish_reason, results["c"].completion_tokens) == ("echo q", "length", 2)
    assert llm.calls == []  # LLM.chat is not used when the engine can be fed
    assert backend.info()["continuous_feeding"] is True


def test_a_refused_prompt_fails_alone(fed_vllm):
    backend = load_backend("vllm:org/model")
    reqs = [GenerationRequest(key="bad_top_p", messages=user("q"), top_p=0.0),
            GenerationRequest(key="too_long", messages=user("TOO LONG")),
            *[GenerationRequest(key=f"k{i}", messages=user(f"q{i}")) for i in range(10)]]
    results = {r.key: r for r in collect(backend, reqs)}
    assert len(results) == 12
    assert "top_p must be in (0, 1]" in results["bad_top_p"].error
    assert results["too_long"].error.startswith("context_length: ValueError: This model's maximum context length")
    assert all(results[f"k{i}"].text == f"echo q{i} seed=None opts=[]" for i in range(10))
    stats = backend.stats()
    assert stats["errors"] == 2 and stats["completed"] == 10


def test_an_engine_failure_ends_every_remaining_request_with_an_error(fed_vllm, monkeypatch):
    monkeypatch.setattr(FakeFedLLM, "die_after_steps", 3)
    backend = load_backend("vllm:org/model")
    backend.window = 6
    results = collect(backend, varied_requests(20))
    assert len(results) == 20 and len({r.key for r in results}) == 20
    failed = [r for r in results if r.error]
    assert failed and all(r.error.startswith("engine_error: EngineDeadError: EngineCore") for r in failed)
    assert backend.stats()["errors"] == len(failed) and backend.stats()["requests"] == 20


def test_a_reader_that_stops_early_aborts_what_is_left_in_the_engine(fed_vllm, monkeypatch):
    monkeypatch.setattr(FakeFedLLM, "step_delay", 0.01)  # ~70 steps: the reader stops long before the end
    backend = load_backend("vllm:org/model")
    backend.window = 6

    async def first_three():
        stream = backend.stream(varied_requests(20))
        got = []
        async for result in stream:
            got.append(result)
            if len(got) == 3:
                break
        await stream.aclose()
        return got

    got = asyncio.run(first_three())
    engine = FakeLLM.instances[-1].llm_engine
    assert len(got) == 3 and engine.aborted and not engine.has_unfinished_requests()
    again = collect(backend, varied_requests(2))  # the engine is free for the next call
    assert [r.error for r in again] == [None, None]


def test_a_failing_request_iterator_reaches_the_reader(fed_vllm):
    backend = load_backend("vllm:org/model")

    def broken():
        yield GenerationRequest(key="a", messages=user("q"))
        raise OSError("problem file vanished")

    with pytest.raises(OSError, match="problem file vanished"):
        collect(backend, broken())
