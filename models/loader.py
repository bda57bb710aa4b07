"""``load_backend``: turn a model spec (``openai:<name>``, ``vllm:<id-or-path>``, ``local[:<alias>]``) into a Backend.

Backend modules are imported only when their prefix is asked for, so ``import models`` never pulls in
vllm or xllamacpp. Startup work happens here (the local server is started, the vLLM model loaded), so
configuration and startup problems surface as one ``BackendError`` before any request is sent.
"""
from __future__ import annotations

from models.base import Backend, BackendError
from models.model_args import coerce_model_args

SPEC_FORMS = ("openai:<model-name>", "vllm:<hf-id-or-path>", "local[:<alias>]")


def parse_model_spec(model: str) -> tuple[str, str]:
    """``"openai:gpt-4o-mini"`` → ``("openai", "gpt-4o-mini")``; ``"local"`` → ``("local", "")``."""
    spec = (model or "").strip()
    prefix, sep, rest = spec.partition(":")
    prefix = prefix.strip().lower()
    rest = rest.strip()
    if prefix == "local":
        return "local", rest
    if prefix in ("openai", "vllm") and sep:
        if not rest:
            raise BackendError(f"model spec {spec!r} has no model name; use {prefix}:<name>")
        return prefix, rest
    raise BackendError(f"unknown model spec {spec!r}; valid forms: {', '.join(SPEC_FORMS)}")


def load_backend(model: str, *, model_args: dict | None = None, base_url: str | None = None,
                 api_key_env: str | None = None, concurrency: int = 8, request_timeout_s: float = 600,
                 retry_budget_s: float = 900, max_retries: int = 8) -> Backend:
    """Build (and start, where that applies) the backend for ``model``; raises ``BackendError``."""
    kind, name = parse_model_spec(model)
    args = coerce_model_args(model_args)
    if concurrency < 1:
        raise BackendError(f"concurrency must be >= 1, got {concurrency}")
    if kind == "openai":
        from models.openai_backend import OpenAIBackend

        return OpenAIBackend.from_options(name, model_args=args, base_url=base_url, api_key_env=api_key_env,
                                          concurrency=concurrency, request_timeout_s=request_timeout_s,
                                          retry_budget_s=retry_budget_s, max_retries=max_retries)
    if base_url:
        raise BackendError("--base-url applies to openai: models only; for a server use openai:<name> --base-url URL")
    if kind == "vllm":
        from models.vllm_backend import VLLMBackend

        return VLLMBackend.load(name, args)
    from models.local_backend import LocalBackend

    return LocalBackend.start(name, args, concurrency=concurrency, request_timeout_s=request_timeout_s,
                              retry_budget_s=retry_budget_s, max_retries=max_retries)
