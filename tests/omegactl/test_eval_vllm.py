"""`omegactl eval --model vllm:…` through the real pipeline with a stand-in `vllm` module (no GPU needed)."""
from __future__ import annotations

import json
import sys
import types

import pytest

from tests.models.test_vllm_backend import FakeLLM, FakeSamplingParams

from .evalkit import run_cli, samples, write_problems


@pytest.fixture
def fake_vllm(monkeypatch):
    module = types.ModuleType("vllm")
    module.LLM = FakeLLM
    module.SamplingParams = FakeSamplingParams
    module.__version__ = "0.0.fake"
    FakeLLM.instances = []
    monkeypatch.setitem(sys.modules, "vllm", module)
    return module


def test_vllm_eval_batches_in_chunks_and_passes_model_args(tmp_path, capsys, fake_vllm, monkeypatch):
    import omegactl.eval.run as ev

    monkeypatch.setattr(ev, "OFFLINE_CHUNK", 5)
    path = tmp_path / "p.jsonl"
    recs = write_problems(path, n=3)  # 12 problems
    code, out, err = run_cli(["eval", "--model", "vllm:org/fake-model", "--problems", str(path), "--out", str(tmp_path / "run"),
                              "--model-args", "tensor_parallel_size=2,gpu_memory_utilization=0.9", "--samples", "2",
                              "--temperature", "0.6", "--seed", "4"], capsys)
    assert code == 0, err
    llm = FakeLLM.instances[-1]
    assert llm.kwargs["tensor_parallel_size"] == 2 and llm.kwargs["gpu_memory_utilization"] == 0.9
    sizes = [c["n"] for c in llm.calls]
    assert sum(sizes) == 2 * len(recs) and max(sizes) <= 5 and len(sizes) == 5  # 24 requests in chunks of 5
    rows = samples(tmp_path / "run")
    assert len({(r["problem_id"], r["sample_index"]) for r in rows}) == 2 * len(recs)
    seeds = {r["response"].split("seed=")[1].split()[0] for r in rows}
    assert len(seeds) == 2 * len(recs)  # a distinct per-request seed reached SamplingParams
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["backend"]


def test_vllm_eval_feeds_the_engine_continuously(tmp_path, capsys, monkeypatch):
    """With a vLLM that can be fed request by request, the whole run is one stream: no chunks, and the
    engine keeps getting requests while others run (the chunk size no longer matters)."""
    import omegactl.eval.run as ev
    from tests.models.test_vllm_feed import FakeFedLLM

    module = types.ModuleType("vllm")
    module.LLM = FakeFedLLM
    module.SamplingParams = FakeSamplingParams
    module.__version__ = "0.0.fake"
    FakeLLM.instances = []
    monkeypatch.setitem(sys.modules, "vllm", module)
    monkeypatch.setattr(FakeFedLLM, "max_num_seqs", 4)
    monkeypatch.setattr(FakeFedLLM, "die_after_steps", None)
    monkeypatch.setattr(FakeFedLLM, "step_delay", 0.0)
    monkeypatch.setattr(ev, "OFFLINE_CHUNK", 5)
    monkeypatch.setattr("models.vllm_backend.engine_window", lambda llm: 6)  # at most 6 inside the engine
    path = tmp_path / "p.jsonl"
    recs = write_problems(path, n=3)  # 12 problems
    code, out, err = run_cli(["eval", "--model", "vllm:org/fake-model", "--problems", str(path),
                              "--out", str(tmp_path / "run"), "--samples", "2", "--seed", "4"], capsys)
    assert code == 0, err
    llm = FakeLLM.instances[-1]
    assert llm.calls == [] and len(llm.enqueued) == 2 * len(recs)
    engine = llm.llm_engine
    assert engine.max_inside <= 6 and engine.adds_while_running >= 2 * len(recs) - 6  # fed while running
    assert all(size == 4 for size in engine.batch_sizes[: engine.last_add_step + 1])  # full until the last add
    rows = samples(tmp_path / "run")
    assert len({(r["problem_id"], r["sample_index"]) for r in rows}) == 2 * len(recs)
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["status"] == "complete"
