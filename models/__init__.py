"""Model backends behind one small async interface: ``load_backend(spec)`` → ``Backend.stream(requests)``.

Specs: ``openai:<model-name>`` (any OpenAI-compatible server, ``base_url`` may list replicas),
``vllm:<hf-id-or-path>`` (offline vLLM, imported lazily) and ``local[:<alias>]`` (a managed llama.cpp
server with SmolLM2-135M-Instruct, the default model). See ``models/base.py`` for the contract.
"""
from models.base import Backend, BackendDied, BackendError, GenerationRequest, GenerationResult
from models.loader import load_backend, parse_model_spec
from models.model_args import coerce_model_args, parse_model_args

__all__ = [
    "Backend",
    "BackendDied",
    "BackendError",
    "GenerationRequest",
    "GenerationResult",
    "load_backend",
    "parse_model_spec",
    "parse_model_args",
    "coerce_model_args",
]
