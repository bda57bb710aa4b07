"""Offline vLLM backend: an in-process ``vllm.LLM`` with the chat template applied by vLLM.

``vllm`` is imported only when this backend is loaded. Every model arg goes to ``vllm.LLM(...)``
(tensor/data/pipeline parallel sizes, gpu_memory_utilization, max_model_len, dtype, quantization,
enforce_eager, ...). With a vLLM whose ``LLM`` has ``enqueue_chat`` and an engine ``step()`` (>= 0.11),
``stream()`` feeds the engine continuously from a worker thread (``models.vllm_feed``): a bounded window
of requests stays inside the engine, new ones enter as others finish, and each result is yielded as soon
as its request finishes (``latency_s`` is that request's own time in the engine). The caller may hand
over one lazy iterator for a whole run (``streams_continuously`` is True) without idling the engine.
Older vLLM versions fall back to one ``LLM.chat`` call per distinct set of chat-template options, whose
results arrive when the whole batch is done; if such a batch fails as a whole (e.g. one prompt longer
than ``max_model_len``), it is split in halves recursively, so only the offending prompts end with an
error and the rest stay batched.
"""
from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from typing import Any, AsyncIterator, Iterable

from models.base import Backend, BackendError, GenerationRequest, GenerationResult
from models.net import is_context_length_message, one_line
from models.vllm_feed import engine_window, error_result as _error, feed_engine, supports_feeding
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
                          "batches": 0, "batch_splits": 0, "engine_steps": 0, "in_flight": 0}
        self._in_flight = 0
        self.streams_continuously = supports_feeding(llm)  # the caller need not chunk its requests
        self.window = engine_window(llm)  # requests kept inside the engine while feeding

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

    async def stream(self, requests: Iterable[GenerationRequest]) -> AsyncIterator[GenerationResult]:
        if self.streams_continuously:
            async for result in self._stream_fed(requests):
                yield result
            return
        async for result in self._stream_batched(list(requests)):
            yield result

    async def _stream_fed(self, requests: Iterable[GenerationRequest]) -> AsyncIterator[GenerationResult]:
        """Results in completion order from ``feed_engine`` running in a worker thread."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue = asyncio.Queue()
        stop = threading.Event()
        done = object()

        def emit(item) -> None:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, item)
            except RuntimeError:  # the loop is gone: nobody is reading any more
                stop.set()

        def work() -> None:
            try:
                with self._lock:
                    feed_engine(self._llm, self._vllm.SamplingParams, iter(requests), emit, stop, self.window,
                                self._counters)
            except BaseException as exc:  # e.g. the caller's request iterator failed: re-raised in the reader
                emit(exc)
            finally:
                emit(done)

        worker = threading.Thread(target=work, name="vllm-feed", daemon=True)
        worker.start()
        try:
            while True:
                item = await queue.get()
                if item is done:
                    break
                if isinstance(item, BaseException):
                    raise item
                for result in item:
                    yield result
        finally:
            stop.set()
            await asyncio.to_thread(worker.join)

    async def _stream_batched(self, requests: list[GenerationRequest]) -> AsyncIterator[GenerationResult]:
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
            "latency": ("time of each request in the engine" if self.streams_continuously
                        else "wall time of the batched call"),
            "continuous_feeding": self.streams_continuously,
        }

    def stats(self) -> dict:
        in_flight = self._counters["in_flight"] if self.streams_continuously else self._in_flight
        return {**self._counters, "current_concurrency": in_flight, "in_flight": in_flight}

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

