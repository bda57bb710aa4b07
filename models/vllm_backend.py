"""Offline vLLM backend: an in-process ``vllm.LLM`` with the chat template applied by vLLM.

``vllm`` is imported only when this backend is loaded. Every model arg goes to ``vllm.LLM(...)``
(tensor/data/pipeline parallel sizes, gpu_memory_utilization, max_model_len, dtype, quantization,
enforce_eager, ...). Each ``stream()`` call submits all its prompts in one ``LLM.chat`` call (one per
distinct set of chat-template options) from a worker thread, so the scheduler stays saturated and
the event loop stays free. Results arrive when that batch finishes; ``latency_s`` is the batch's wall
time. Callers that want partial results saved during very long runs pass requests in chunks.
If a batch fails as a whole (e.g. one prompt longer than ``max_model_len``), it is split in halves
recursively, so only the offending prompts end with an error and the rest stay batched.
"""
from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from typing import Any, AsyncIterator

from models.base import Backend, BackendError, GenerationRequest, GenerationResult
from models.net import is_context_length_message, one_line
from models.vllm_requests import (InvalidRequest, build_llm_kwargs, build_sampling_params, group_by_chat_options,
                                  public_llm_kwargs, result_from_output)

INSTALL_HINT = "vllm is not installed: pip install -e '.[vllm]'"


def import_vllm() -> Any:
    """The ``vllm`` module, or a ``BackendError`` that says how to install it."""
    try:
        import vllm  # noqa: PLC0415 - lazy on purpose
    except ImportError as exc:
        if exc.name == "vllm":
            raise BackendError(INSTALL_HINT) from None
        raise BackendError(f"vllm is installed but failed to import: {one_line(str(exc))}") from None
    return vllm


class VLLMBackend(Backend):
    """Batched offline generation with one SamplingParams (n=1, own seed) per request."""

    name = "vllm"

    def __init__(self, llm: Any, vllm_module: Any, model: str, llm_kwargs: dict) -> None:
        self._llm = llm
        self._vllm = vllm_module
        self.model = model
        self.llm_kwargs = llm_kwargs
        self._lock = threading.Lock()  # vllm.LLM is not safe for concurrent generate calls
        self._counters = {"requests": 0, "completed": 0, "errors": 0, "retries": 0, "rate_limited": 0,
                          "batches": 0, "batch_splits": 0}
        self._in_flight = 0

    @classmethod
    def load(cls, model: str, model_args: dict) -> "VLLMBackend":
        """Import vllm and load the model; any failure is a one-line ``BackendError``."""
        vllm = import_vllm()
        kwargs = build_llm_kwargs(model, model_args)
        try:
            llm = vllm.LLM(**kwargs)
        except Exception as exc:
            raise BackendError(f"vllm could not load {model}: {type(exc).__name__}: {one_line(str(exc))}") from None
        return cls(llm, vllm, model, kwargs)

    # -- generation ------------------------------------------------------------------------------------
    def _chat(self, conversations: list, params: list, options: dict) -> list:
        with self._lock:
            return list(self._llm.chat(conversations, sampling_params=params, use_tqdm=False, **options))

    def _run_group(self, requests: list[GenerationRequest], params: list, options: dict) -> list[GenerationResult]:
        """One batched call; when it fails as a whole, split it in halves until the failing prompts are isolated.

        vLLM rejects a batch before generating when one prompt is invalid (e.g. longer than max_model_len)
        and aborts what it had queued, so the retries cost little and good prompts stay batched.
        """
        self._counters["batches"] += 1
        start = time.monotonic()
        try:
            outputs = self._chat([r.messages for r in requests], params, options)
            if len(outputs) != len(requests):
                raise RuntimeError(f"vLLM returned {len(outputs)} outputs for {len(requests)} prompts")
        except Exception as exc:
            if len(requests) == 1 or "EngineDead" in type(exc).__name__:  # nothing to isolate / no engine left
                kind = "context_length" if is_context_length_message(str(exc)) else "engine_error"
                message = f"{kind}: {type(exc).__name__}: {exc}"
                return [_error(r, message, time.monotonic() - start) for r in requests]
            self._counters["batch_splits"] += 1
            mid = len(requests) // 2
            return (self._run_group(requests[:mid], params[:mid], options)
                    + self._run_group(requests[mid:], params[mid:], options))
        latency = time.monotonic() - start
        return [result_from_output(r.key, out, latency) for r, out in zip(requests, outputs)]

    async def stream(self, requests: list[GenerationRequest]) -> AsyncIterator[GenerationResult]:
        factory = self._vllm.SamplingParams
        valid: list[tuple[GenerationRequest, Any]] = []
        for req in requests:
            self._counters["requests"] += 1
            try:
                valid.append((req, build_sampling_params(req, factory)))
            except InvalidRequest as exc:
                self._counters["errors"] += 1
                yield _error(req, f"client_error: {exc}", 0.0)
        group_reqs = [r for r, _ in valid]
        for options, indices in group_by_chat_options(group_reqs):
            batch = [valid[i][0] for i in indices]
            params = [valid[i][1] for i in indices]
            self._in_flight = len(batch)
            try:
                results = await asyncio.to_thread(self._run_group, batch, params, options)
            except Exception as exc:
                results = [_error(r, f"engine_error: {type(exc).__name__}: {exc}", 0.0) for r in batch]
            finally:
                self._in_flight = 0
            for result in results:
                self._counters["completed" if result.error is None else "errors"] += 1
                yield result

    # -- reporting ---------------------------------------------------------------------------------------
    def _chat_template_sha256(self) -> str | None:
        try:
            template = getattr(self._llm.get_tokenizer(), "chat_template", None)
        except Exception:
            return None
        return hashlib.sha256(template.encode()).hexdigest() if isinstance(template, str) else None

    def info(self) -> dict:
        return {
            "backend": self.name,
            "model": self.model,
            "revision": self.llm_kwargs.get("revision"),
            "llm_kwargs": public_llm_kwargs(self.llm_kwargs),
            "vllm_version": getattr(self._vllm, "__version__", None),
            "chat_template_sha256": self._chat_template_sha256(),
            "seed_sent_per_request": True,
            "samples_per_request": 1,
            "latency": "wall time of the batched call",
        }

    def stats(self) -> dict:
        return {**self._counters, "current_concurrency": self._in_flight, "in_flight": self._in_flight}

    async def aclose(self) -> None:
        """Shut the engine core down (its worker processes and shared memory), then drop the model."""
        llm, self._llm = self._llm, None
        engine = getattr(llm, "llm_engine", None)
        core = getattr(engine, "engine_core", None)
        shutdown = getattr(core, "shutdown", None)
        if callable(shutdown):
            try:
                await asyncio.to_thread(shutdown)
            except Exception:  # best effort: the process is usually about to exit anyway
                pass


def _error(req: GenerationRequest, message: str, latency_s: float) -> GenerationResult:
    return GenerationResult(key=req.key, text=None, finish_reason=None, prompt_tokens=None, completion_tokens=None,
                            latency_s=latency_s, error=one_line(message), attempts=1)
