"""Where eval results go: verify, render and append samples.jsonl lines in batches, with throttled progress.

Per result, on the event loop: a verification that needs no sympy (``verify(..., timeout_s=0)`` answers
without the sandbox; a "timeout" reason means sympy was wanted) is done inline; the others go to a small
thread pool, whose workers wait on the sandboxed sympy processes. Lines are orjson-encoded (the stdlib with
ASCII escapes for what orjson refuses, e.g. lone surrogates) and buffered; the buffer is appended with one
``write`` of whole lines once per event-loop turn (all results that arrived together go out together, so
a killed eval loses only what was still in flight), and fsynced at most every ``FSYNC_S`` (a timer makes
sure it happens; the end fsyncs too). Progress is redrawn at most ``PROGRESS_S`` apart.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import os
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable

import orjson

FSYNC_S = 1.0
PROGRESS_S = 0.2
MAX_OFFLOADED = 256  # sympy verifications waiting at once before the eval stops taking results
FULL_TIMEOUT_S = 5.0  # the verifier's own default per verify() call


@dataclass
class RunStats:
    done: int = 0
    errors: int = 0
    correct: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reasons: Counter = field(default_factory=Counter)
    error_kinds: Counter = field(default_factory=Counter)


def encode_line(row: dict) -> bytes:
    """One samples.jsonl line (with its newline): orjson, or ASCII-escaped stdlib JSON when orjson refuses."""
    try:
        return orjson.dumps(row, default=str, option=orjson.OPT_APPEND_NEWLINE)
    except orjson.JSONEncodeError:
        return (json.dumps(row, ensure_ascii=True, default=str) + "\n").encode("ascii")


def prompt_hash(rec: Any) -> str:
    return hashlib.sha256("\x1e".join(m.content for m in rec.messages).encode("utf-8")).hexdigest()[:16]


def _needs_sympy(verdict: Any) -> bool:
    return verdict.strict.reason == "timeout" or verdict.flex.reason == "timeout"


class SampleSink:
    """Turns backend results into appended, fsynced samples lines and live statistics."""

    def __init__(self, out, *, verify: Callable, redact: Callable[[str], str], verifier_version: str,
                 now_iso: Callable[[], str], error_kind: Callable[[str], str], stats: RunStats,
                 on_progress: Callable[[], None] | None = None, workers: int = 4) -> None:
        self._out = out  # a binary file opened for appending
        self._verify = verify
        self._redact = redact
        self._version = verifier_version
        self._now_iso = now_iso
        self._error_kind = error_kind
        self.stats = stats
        self._on_progress = on_progress
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="omegactl-verify")
        self._offloaded: set[asyncio.Future] = set()
        self._buffer: list[bytes] = []
        self._flush_pending = False
        self._fsync_timer: asyncio.TimerHandle | None = None
        self._last_progress = time.monotonic()
        self._time_s = -1
        self._time_text = ""

    # -- intake
    async def add(self, rec: Any, k: int, result: Any) -> None:
        """Verify one result (inline when cheap) and buffer its line; may wait for offloaded work."""
        error = self._redact(result.error) if result.error else None
        text = result.text if error is None else None
        verdict = self._verify(text, rec, timeout_s=0.0) if text is not None else self._verify(None, rec)
        if text is not None and _needs_sympy(verdict):
            loop = asyncio.get_running_loop()
            fut = loop.run_in_executor(self._pool, self._verify_full, text, rec)
            fut.add_done_callback(lambda f, rec=rec, k=k, result=result: self._offload_done(f, rec, k, result))
            self._offloaded.add(fut)
            if len(self._offloaded) >= MAX_OFFLOADED:  # back-pressure: results are not piled up unboundedly
                await asyncio.wait(list(self._offloaded), return_when=asyncio.FIRST_COMPLETED)
        else:
            self._accept(rec, k, result, error, verdict)
        self._maybe_flush()

    def _verify_full(self, text: str, rec: Any):
        return self._verify(text, rec, timeout_s=FULL_TIMEOUT_S)

    def _offload_done(self, fut: asyncio.Future, rec: Any, k: int, result: Any) -> None:
        self._offloaded.discard(fut)
        if fut.cancelled():
            return
        exc = fut.exception()
        if exc is not None:  # a verifier bug: record it on the sample rather than lose the response
            from verifiers import Verdict
            from verifiers.verdict import ModeVerdict

            mode = ModeVerdict(correct=False, reason=f"error {type(exc).__name__}")
            verdict = Verdict(strict=mode, flex=mode.model_copy())
        else:
            verdict = fut.result()
        self._accept(rec, k, result, None, verdict)
        self._maybe_flush()

    def _accept(self, rec: Any, k: int, result: Any, error: str | None, verdict: Any) -> None:
        strict = verdict.strict.model_dump(mode="json")
        row = {
            "problem_id": rec.id,
            "sample_index": k,
            "axis": rec.axis,
            "setting": rec.setting_key,
            "split": rec.split,
            "level": rec.level,
            "prompt_hash": prompt_hash(rec),
            "response": result.text,
            "finish_reason": result.finish_reason,
            "prompt_tokens": result.prompt_tokens,
            "completion_tokens": result.completion_tokens,
            "latency_s": round(result.latency_s, 4) if result.latency_s is not None else None,
            "attempts": result.attempts,
            "error": error,
            "strict": strict,
            "flex": verdict.flex.model_dump(mode="json"),
            "grid": verdict.grid,
            "verifier_version": self._version,
            "time": self._time(),
        }
        self._buffer.append(encode_line(row))
        stats = self.stats
        stats.done += 1
        if error is not None:
            stats.errors += 1
            stats.error_kinds[self._error_kind(error)] += 1
        else:
            stats.finish_reasons[result.finish_reason or "unknown"] += 1
        stats.correct += int(bool(strict["correct"]))
        stats.prompt_tokens += result.prompt_tokens or 0
        stats.completion_tokens += result.completion_tokens or 0

    def _time(self) -> str:
        now = int(time.time())
        if now != self._time_s:  # the timestamp has one-second resolution: format it once a second
            self._time_s = now
            self._time_text = self._now_iso()
        return self._time_text

    # -- output
    def _maybe_flush(self) -> None:
        """Write the buffer once the results of this event-loop turn are in (one write per turn)."""
        if self._buffer and not self._flush_pending:
            self._flush_pending = True
            asyncio.get_running_loop().call_soon(self._flush_turn)

    def _flush_turn(self) -> None:
        self._flush_pending = False
        self._write()
        now = time.monotonic()
        if self._on_progress is not None and now - self._last_progress >= PROGRESS_S:
            self._last_progress = now
            self._on_progress()

    def _write(self) -> None:
        if not self._buffer:
            return
        data = b"".join(self._buffer)
        self._buffer.clear()
        self._out.write(data)  # whole lines in one write: a reader never sees two rows glued together
        self._out.flush()
        if self._fsync_timer is None:
            self._fsync_timer = asyncio.get_running_loop().call_later(FSYNC_S, self._fsync)

    def _fsync(self) -> None:
        self._fsync_timer = None
        os.fsync(self._out.fileno())

    async def close(self) -> None:
        """Wait for offloaded verifications, write and fsync everything, redraw progress once more."""
        try:
            while self._offloaded:
                await asyncio.gather(*list(self._offloaded), return_exceptions=True)
        finally:
            self.flush_now()
            self._pool.shutdown(wait=False, cancel_futures=True)
            if self._on_progress is not None:
                self._on_progress()

    def flush_now(self) -> None:
        """Write and fsync whatever is buffered (also after a failure or an interrupt)."""
        if self._buffer:
            data = b"".join(self._buffer)
            self._buffer.clear()
            self._out.write(data)
            self._out.flush()
        if self._fsync_timer is not None:
            self._fsync_timer.cancel()
            self._fsync_timer = None
            os.fsync(self._out.fileno())
