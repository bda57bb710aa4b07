"""The two ways past one machine, with stand-ins: vLLM's own distributed executor (model args passed through
to ``vllm.LLM``) and many OpenAI-compatible replicas behind one ``--base-url a,b,c``."""
from __future__ import annotations

import json

from models import load_backend
from models.base import GenerationRequest
from models.fake_server import FakeServer
from tests.models.helpers import run_all, user
from tests.models.test_vllm_backend import FakeLLM, fake_vllm  # noqa: F401 - the fixture is used by name
from tests.reliability.kit import eval_args, make_problems, oracle_policy, read_samples, run_cli, write_problem_file


def test_ray_executor_and_parallel_sizes_reach_vllm_verbatim(fake_vllm):  # noqa: F811
    backend = load_backend("vllm:org/big-model", model_args={
        "distributed_executor_backend": "ray", "tensor_parallel_size": "8", "pipeline_parallel_size": "2"})
    llm = FakeLLM.instances[-1]
    assert {k: llm.kwargs[k] for k in ("distributed_executor_backend", "tensor_parallel_size",
                                       "pipeline_parallel_size")} == {
        "distributed_executor_backend": "ray", "tensor_parallel_size": 8, "pipeline_parallel_size": 2}
    results = run_all(backend, [GenerationRequest(key=f"k{i}", messages=user(f"q{i}"), seed=i) for i in range(4)])
    assert all(r.error is None for r in results)
    info = backend.info()
    assert "ray" in json.dumps(info) and "pipeline_parallel_size" in json.dumps(info)


def test_eval_spreads_one_run_over_replicas(tmp_path, capsys):
    records = make_problems(per_level=4)  # 44 problems
    path = write_problem_file(tmp_path / "p.jsonl", records)
    policy = oracle_policy(records)
    with FakeServer(policy, latency_s=0.01) as a, FakeServer(policy, latency_s=0.01) as b:
        code, out, err = run_cli(eval_args(f"{a.base_url},{b.base_url}", path, tmp_path / "run",
                                           "--concurrency", "8"), capsys)
        counts = (len(a.bodies), len(b.bodies))
    assert code == 0, err
    rows = read_samples(tmp_path / "run")
    assert [r["error"] for r in rows if r["error"]] == []
    assert len(rows) == len(records) and all(r["strict"]["correct"] for r in rows)
    assert sum(counts) == len(records) and min(counts) >= len(records) // 4  # both replicas did real work
    manifest = json.loads((tmp_path / "run" / "manifest.json").read_text())
    assert manifest["backend"]["base_urls"] == [a.base_url, b.base_url]
    assert [r["requests"] for r in manifest["backend_stats"]["replicas"]] == list(counts)
