"""Continuous feeding of an in-process vLLM engine: requests enter as others finish, results leave as they finish.

``feed_engine`` runs in one worker thread (``vllm.LLM`` is not thread-safe) and owns the engine for the
call. It keeps up to ``window`` requests inside the engine: each request is rendered and added on its own
with ``LLM.enqueue_chat`` (vLLM's own chat rendering, the same as ``LLM.chat``), then
``llm.llm_engine.step()`` is called until the engine has nothing unfinished; after every step the window
is topped up from the caller's (possibly lazy) request iterator, so the scheduler's waiting queue never
runs dry while requests remain, and every finished request is handed to ``emit`` at once. There is no
chunk boundary at which the engine idles waiting for a batch's slowest request.

A request that vLLM refuses when it is added (e.g. a prompt longer than ``max_model_len``) ends alone as
an error result; the others are unaffected. If the engine itself fails, every request still inside it
and every request not yet sent ends as an ``engine_error`` result. When ``stop`` is set (the caller
stopped reading), the requests still inside the engine are aborted.
"""
from __future__ import annotations

import threading
import time
from typing import Any, Callable, Iterator

from models.base import GenerationRequest, GenerationResult
from models.net import is_context_length_message, one_line
from models.vllm_requests import InvalidRequest, build_sampling_params, chat_options, result_from_output

DEFAULT_WINDOW = 512  # requests kept inside the engine when its scheduler size is unknown


def supports_feeding(llm: Any) -> bool:
    """Whether ``llm`` offers the enqueue/step API that continuous feeding needs (vLLM >= 0.11's ``LLM``)."""
    engine = getattr(llm, "llm_engine", None)
    return callable(getattr(llm, "enqueue_chat", None)) and all(
        callable(getattr(engine, name, None)) for name in ("step", "has_unfinished_requests", "abort_request"))


def engine_window(llm: Any) -> int:
    """How many requests to keep inside the engine: twice the scheduler's batch size (``max_num_seqs``),
    so a full batch runs while as many again wait to replace finished ones."""
    config = getattr(getattr(llm, "llm_engine", None), "vllm_config", None)
    max_num_seqs = getattr(getattr(config, "scheduler_config", None), "max_num_seqs", None)
    if isinstance(max_num_seqs, int) and max_num_seqs > 0:
        return max(64, 2 * max_num_seqs)
    return DEFAULT_WINDOW


def error_result(req: GenerationRequest, message: str, latency_s: float) -> GenerationResult:
    return GenerationResult(key=req.key, text=None, finish_reason=None, prompt_tokens=None, completion_tokens=None,
                            latency_s=latency_s, error=one_line(message), attempts=1)


class _SourceFailed(Exception):
    """Carries an exception raised by the caller's request iterator past the engine-failure handler."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


def _external_id(request_id: str) -> str:
    """The id vLLM reports in ``RequestOutput.request_id``: ``LLM`` numbers requests and the engine appends
    ``-<random>`` internally (unless request-id randomisation is off)."""
    return request_id.split("-", 1)[0]


def feed_engine(llm: Any, factory: Callable[..., Any], requests: Iterator[GenerationRequest],
                emit: Callable[[list[GenerationResult]], None], stop: threading.Event, window: int,
                counters: dict) -> None:
    """Run every request of ``requests`` through ``llm``'s engine, ``window`` at a time; see the module doc.

    ``emit`` receives each step's finished results as one list. ``counters`` gets ``requests``, ``completed``,
    ``errors``, ``engine_steps`` and ``in_flight`` updated in place (read by ``Backend.stats``).
    """
    engine = llm.llm_engine
    pending: dict[str, tuple[GenerationRequest, str, float]] = {}  # external id -> (request, internal id, added)
    source_done = False
    try:
        while not stop.is_set():
            refused: list[GenerationResult] = []
            while not source_done and len(pending) < window:
                try:
                    req = next(requests, None)
                except Exception as exc:  # the caller's iterator failed: its error, not the engine's
                    raise _SourceFailed(exc) from exc
                if req is None:
                    source_done = True
                    break
                counters["requests"] += 1
                failure = _add(llm, factory, req, pending)
                if failure is not None:
                    refused.append(failure)
            counters["in_flight"] = len(pending)
            if refused:
                counters["errors"] += len(refused)
                emit(refused)
            if not pending:
                if source_done:
                    return
                continue
            finished: list[GenerationResult] = []
            outputs = engine.step()
            counters["engine_steps"] += 1
            now = time.monotonic()
            for output in outputs:
                if not getattr(output, "finished", False):
                    continue
                entry = pending.pop(str(output.request_id), None)
                if entry is None:
                    continue
                result = result_from_output(entry[0].key, output, now - entry[2])
                counters["completed" if result.error is None else "errors"] += 1
                finished.append(result)
            if finished:
                counters["in_flight"] = len(pending)
                emit(finished)
    except _SourceFailed as failure:
        raise failure.error from None
    except Exception as exc:  # the engine failed: nothing inside it, nor anything not yet sent, can finish
        message = f"engine_error: {type(exc).__name__}: {exc}"
        now = time.monotonic()
        lost = [error_result(req, message, now - added) for req, _, added in pending.values()]
        pending.clear()
        if not source_done:
            for req in requests:
                counters["requests"] += 1
                lost.append(error_result(req, message, 0.0))
        counters["errors"] += len(lost)
        if lost:
            emit(lost)
    finally:
        counters["in_flight"] = 0
        if pending:  # the caller stopped reading: free the engine for the next call
            try:
                engine.abort_request([internal for _, internal, _ in pending.values()], internal=True)
            except Exception:
                pass


def _add(llm: Any, factory: Callable[..., Any], req: GenerationRequest,
         pending: dict[str, tuple[GenerationRequest, str, float]]) -> GenerationResult | None:
    """Render and add one request; an error result when vLLM refuses it (the engine failing raises)."""
    try:
        params = build_sampling_params(req, factory)
    except InvalidRequest as exc:
        return error_result(req, f"client_error: {exc}", 0.0)
    added = time.monotonic()
    try:
        (request_id,) = llm.enqueue_chat(req.messages, sampling_params=params, use_tqdm=False, **chat_options(req))
    except Exception as exc:
        if "EngineDead" in type(exc).__name__:
            raise
        kind = "context_length" if is_context_length_message(str(exc)) else "engine_error"
        return error_result(req, f"{kind}: {type(exc).__name__}: {exc}", time.monotonic() - added)
    pending[_external_id(str(request_id))] = (req, str(request_id), added)
    return None
