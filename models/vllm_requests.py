"""Pure request building for the offline vLLM backend (testable without vllm installed).

Sampling choice: one ``SamplingParams(n=1, seed=request.seed)`` per request. The caller already
expands K samples into K requests with distinct seeds; vLLM's prefix cache makes the repeated prompt
cheap, and per-request seeds keep every sample reproducible on its own (resume-safe), which an
``n=K`` group sharing one seed would not be.

``GenerationRequest.extra`` (``--gen_kwargs``) is split: chat-template options (``chat_template_kwargs``,
``chat_template``, ``add_generation_prompt``, ``continue_final_message``, ``tools``) go to ``LLM.chat``
and requests are grouped by them; every other key goes to ``SamplingParams`` (``top_k``, ``min_p``,
``stop``, ``repetition_penalty``, ...). ``max_completion_tokens`` is accepted as ``max_tokens``.
"""
from __future__ import annotations

import json
from typing import Any, Callable

from models.base import BackendError, GenerationRequest, GenerationResult

CHAT_OPTION_KEYS = ("chat_template_kwargs", "chat_template", "add_generation_prompt", "continue_final_message",
                    "tools")
_SECRET_HINTS = ("token", "key", "secret", "password")


class InvalidRequest(ValueError):
    """A request that cannot be mapped to vLLM sampling parameters."""


def build_llm_kwargs(model: str, model_args: dict) -> dict:
    """Keyword arguments for ``vllm.LLM``: ``model`` plus every (already coerced) model arg, verbatim."""
    if "model" in model_args:
        raise BackendError("give the model in the spec (vllm:<hf-id-or-path>), not as model arg 'model'")
    return {"model": model, **model_args}


def public_llm_kwargs(llm_kwargs: dict) -> dict:
    """``llm_kwargs`` for the manifest, with values of secret-looking keys (hf_token, ...) hidden."""
    return {k: ("***" if any(h in k.lower() for h in _SECRET_HINTS) and v else v) for k, v in llm_kwargs.items()}


def sampling_kwargs(req: GenerationRequest) -> dict:
    """``SamplingParams`` keyword arguments for one request (n=1, the request's seed)."""
    extra = {k: v for k, v in (req.extra or {}).items() if k not in CHAT_OPTION_KEYS}
    if extra.pop("stream", False):
        raise InvalidRequest("gen kwarg stream is not supported by the offline vLLM backend")
    if extra.pop("n", 1) != 1:
        raise InvalidRequest("gen kwarg n>1 is not supported: the caller sends one request per sample")
    max_tokens = extra.pop("max_completion_tokens", None)
    kwargs: dict[str, Any] = {
        "n": 1,
        "temperature": float(req.temperature),
        "top_p": float(req.top_p),
        "max_tokens": int(max_tokens if max_tokens is not None else req.max_tokens),
    }
    if req.seed is not None:
        kwargs["seed"] = int(req.seed)
    kwargs.update(extra)
    return kwargs


def chat_options(req: GenerationRequest) -> dict:
    """The batch-level ``LLM.chat`` options a request asks for."""
    return {k: req.extra[k] for k in CHAT_OPTION_KEYS if k in (req.extra or {})}


def group_by_chat_options(requests: list[GenerationRequest]) -> list[tuple[dict, list[int]]]:
    """Indices of requests grouped by identical chat options, groups in first-appearance order."""
    groups: dict[str, tuple[dict, list[int]]] = {}
    for index, req in enumerate(requests):
        options = chat_options(req)
        label = json.dumps(options, sort_keys=True, default=repr)
        groups.setdefault(label, (options, []))[1].append(index)
    return list(groups.values())


def build_sampling_params(req: GenerationRequest, factory: Callable[..., Any]) -> Any:
    """``factory(**sampling_kwargs(req))``; vLLM's own validation errors become ``InvalidRequest``."""
    kwargs = sampling_kwargs(req)
    try:
        return factory(**kwargs)
    except (TypeError, ValueError) as exc:
        raise InvalidRequest(f"invalid sampling parameters: {exc}") from None


def result_from_output(key: str, output: Any, latency_s: float) -> GenerationResult:
    """A ``GenerationResult`` from a vLLM ``RequestOutput`` (first completion)."""
    completions = getattr(output, "outputs", None) or []
    if not completions:
        return GenerationResult(key=key, text=None, finish_reason=None, prompt_tokens=None, completion_tokens=None,
                                latency_s=latency_s, error="malformed: vLLM returned no completion", attempts=1)
    first = completions[0]
    prompt_ids = getattr(output, "prompt_token_ids", None)
    token_ids = getattr(first, "token_ids", None)
    return GenerationResult(
        key=key,
        text=first.text,
        finish_reason=getattr(first, "finish_reason", None),
        prompt_tokens=len(prompt_ids) if prompt_ids is not None else None,
        completion_tokens=len(token_ids) if token_ids is not None else None,
        latency_s=latency_s,
        error=None,
        attempts=1,
    )
