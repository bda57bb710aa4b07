"""Benchmark (GPU only): tokens/s of `omegactl eval --model vllm:...` against vLLM's own batched generation.

    python benchmarks/bench_vllm.py --model Qwen/Qwen2.5-0.5B-Instruct [--problems 512] [--max-tokens 256]
                                    [--model-args k=v,...] [--repeats 2]

One vLLM engine is loaded once and shared, so only the harness differs: (a) vLLM alone: one
``LLM.chat`` call over every prompt with the same per-request ``SamplingParams`` (n=1, temperature 0,
the seeds omegactl derives); (b) the whole omegactl eval pipeline (problem loading, requests, verification,
append-only samples, results) on the same prompts, its backend handed the already-loaded engine. Runs
alternate (a, b, a, b, ...) after a warm-up; the best of each is compared. Prefix caching is off by default so
a later run does not reuse an earlier run's KV cache. The target is omegactl/vLLM >= 0.95.
Without vllm or a CUDA GPU it prints why it skips and exits 0.
Writes benchmarks/results/bench_vllm-<UTC time>.json and prints a one-line summary.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import write_result  # noqa: E402

TARGET_RATIO = 0.95
SEED = 0


def skip_reason() -> str | None:
    """Why this machine cannot run the benchmark, or None."""
    try:
        import vllm  # noqa: F401 - only whether it imports
    except ImportError as exc:
        return f"vllm is not importable ({exc}); install it with pip install -e '.[vllm]' on a GPU machine"
    try:
        import torch
    except ImportError:
        return "torch is not importable"
    if not torch.cuda.is_available():
        return "no CUDA GPU is visible (torch.cuda.is_available() is False)"
    return None


def build_problem_file(n: int, path: Path) -> list:
    """``n`` problems spread over several families, written to ``path``."""
    from generators import registry

    groups = [("arithmetic_gcd", "test_in", 1), ("arithmetic_matrix_determinant", "test_in", 1),
              ("combinatory_pattern_matching", "test_in", 1), ("logic_gridworld_rookmove", "test_in", 1),
              ("numbertheory_qr_sum", "test_out", 2), ("geometry_polygon_color", "test_out", 3)]
    per = -(-n // len(groups))
    records = []
    for name, split, level in groups:
        records.extend(registry.get_setting(name).records(split, n=per, seed=SEED, levels=(level,)))
    records = records[:n]
    path.write_text("".join(r.to_json() + "\n" for r in records), encoding="utf-8")
    return records


def vllm_alone(backend, records, max_tokens: int) -> tuple[float, int]:
    """(seconds, completion tokens) for one LLM.chat call over all prompts."""
    from omegactl.eval.run import build_messages, request_seed

    vllm = backend._vllm
    conversations = [build_messages(r, None) for r in records]
    params = [vllm.SamplingParams(n=1, temperature=0.0, top_p=1.0, max_tokens=max_tokens,
                                  seed=request_seed(SEED, r.id, 0)) for r in records]
    start = time.perf_counter()
    outputs = backend._llm.chat(conversations, sampling_params=params, use_tqdm=False)
    seconds = time.perf_counter() - start
    return seconds, sum(len(o.outputs[0].token_ids) for o in outputs)


class SharedEngine:
    """The loaded backend for an eval run, minus ``aclose``: the engine outlives each run."""

    def __init__(self, backend) -> None:
        self._backend = backend

    def __getattr__(self, name: str):
        return getattr(self._backend, name)

    async def aclose(self) -> None:
        return None


def omegactl_eval(backend, problems: Path, out: Path, model: str, max_tokens: int) -> tuple[float, int]:
    """(seconds, completion tokens) for a whole eval run on the shared engine."""
    import json

    import models
    from omegactl.eval.config import EvalConfig
    from omegactl.eval.run import EvalRun

    shutil.rmtree(out, ignore_errors=True)
    cfg = EvalConfig(model=f"vllm:{model}", problems=str(problems), out=str(out), max_tokens=max_tokens,
                     temperature=0.0, seed=SEED, max_error_rate=1.0)
    original = models.load_backend
    models.load_backend = lambda *a, **k: SharedEngine(backend)  # the engine is already loaded
    try:
        start = time.perf_counter()
        EvalRun(cfg, argv=["omegactl", "eval"]).run(console=None, show_progress=False)
        seconds = time.perf_counter() - start
    finally:
        models.load_backend = original
    manifest = json.loads((out / "manifest.json").read_text())
    return seconds, int(manifest["token_usage"]["completion_tokens"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="Qwen/Qwen2.5-0.5B-Instruct", help="HF id or local path")
    parser.add_argument("--problems", type=int, default=512)
    parser.add_argument("--max-tokens", type=int, default=256)
    parser.add_argument("--model-args", default="enable_prefix_caching=False",
                        help="k=v,... for vllm.LLM (default disables prefix caching)")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)

    reason = skip_reason()
    if reason:
        print(f"bench_vllm: skipped: {reason}")
        return 0

    from models import load_backend
    from omegactl.eval.config import parse_kv

    work = Path(tempfile.mkdtemp(prefix="bench_vllm-"))
    try:
        problems = work / "problems.jsonl"
        records = build_problem_file(args.problems, problems)
        t0 = time.perf_counter()
        backend = load_backend(f"vllm:{args.model}", model_args=parse_kv(args.model_args, "--model-args"))
        load_s = time.perf_counter() - t0
        print(f"loaded {args.model} in {load_s:.0f}s; {len(records)} prompts, max_tokens {args.max_tokens}")
        vllm_alone(backend, records[: min(32, len(records))], args.max_tokens)  # warm-up (graphs, allocator)
        runs = []
        for i in range(args.repeats):
            s, tok = vllm_alone(backend, records, args.max_tokens)
            runs.append({"who": "vllm", "seconds": s, "tokens": tok, "tokens_per_s": tok / s})
            print(f"  vLLM LLM.chat   run {i + 1}: {tok} tokens in {s:.1f}s = {tok / s:,.0f} tok/s", flush=True)
            s, tok = omegactl_eval(backend, problems, work / f"run{i}", args.model, args.max_tokens)
            runs.append({"who": "omegactl", "seconds": s, "tokens": tok, "tokens_per_s": tok / s})
            print(f"  omegactl eval   run {i + 1}: {tok} tokens in {s:.1f}s = {tok / s:,.0f} tok/s", flush=True)
        best_vllm = max(r["tokens_per_s"] for r in runs if r["who"] == "vllm")
        best_ours = max(r["tokens_per_s"] for r in runs if r["who"] == "omegactl")
        ratio = best_ours / best_vllm
        verdict = "meets" if ratio >= TARGET_RATIO else "BELOW"
        print(f"omegactl/vLLM tokens/s = {ratio:.3f} ({verdict} the {TARGET_RATIO} target)")
        import vllm

        path = write_result("bench_vllm", {
            "model": args.model, "model_args": args.model_args, "problems": len(records),
            "max_tokens": args.max_tokens, "load_s": round(load_s, 1), "vllm_version": vllm.__version__,
            "runs": runs, "best_vllm_tokens_per_s": best_vllm, "best_omegactl_tokens_per_s": best_ours,
            "ratio": ratio, "target": TARGET_RATIO}, args.out)
        print(f"\nbench_vllm: omegactl {best_ours:,.0f} tok/s vs vLLM {best_vllm:,.0f} tok/s = {ratio:.3f} -> {path}")
        return 0 if ratio >= TARGET_RATIO else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
