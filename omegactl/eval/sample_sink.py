"""Where eval results go: verify, render and append samples.jsonl lines in batches, with throttled progress.

Verification leaves the event loop, which then only sends requests and writes lines: results that arrive
together go as one batch to a forked verifier process, at a lower CPU priority (nice +10) so that on a
busy machine requests go first and verification catches up in the gaps. It runs the sympy-free path
(``verify(..., timeout_s=0)`` answers without the sandbox; a "timeout" reason means sympy was wanted);
those that need sympy come back unresolved and go to a small thread pool, whose workers wait on the
sandboxed sympy processes with the verifier's normal time limit. Where no verifier process can be
forked (not Linux, the offline vLLM backend whose process holds a GPU engine, or it dies), the sympy-free
path runs inline on the loop instead. Lines are orjson-encoded (the stdlib with
ASCII escapes for what orjson refuses, e.g. lone surrogates) and buffered; the buffer is appended with one
``write`` of whole lines once per event-loop turn (all results that arrived together go out together, so
a killed eval loses only what was still in flight), and fsynced at most every ``FSYNC_S`` (a timer makes
sure it happens; the end fsyncs too). Progress is redrawn at most ``PROGRESS_S`` apart.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import multiprocessing
import os
import signal
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable

import orjson

FSYNC_S = 1.0
PROGRESS_S = 0.2
MAX_OFFLOADED = 256  # sympy verifications waiting at once before the eval stops taking results
MAX_QUEUED = 1024  # results waiting for the verifier process before the eval stops taking more
BATCHES_IN_FLIGHT = 2
VERIFIER_NICE = 10
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


@dataclass(frozen=True, slots=True)
class QueuedProblem:
    """What verifying and logging one sample needs of its problem record. A result waiting for the verifier
    holds this instead of the record, so a backlog does not keep prompts (only their hash is logged)."""

    id: str
    axis: str
    setting_key: str
    split: str
    level: int
    prompt_hash: str
    answer: Any
    answer_type: str
    params: dict

    @classmethod
    def of(cls, rec: Any) -> "QueuedProblem":
        if isinstance(rec, cls):
            return rec
        return cls(rec.id, rec.axis, rec.setting_key, rec.split, rec.level, prompt_hash(rec), rec.answer,
                   rec.answer_type, getattr(rec, "params", None) or {})


def _needs_sympy(verdict: Any) -> bool:
    return verdict.strict.reason == "timeout" or verdict.flex.reason == "timeout"


def _verifier_child_setup(parent: int) -> None:
    """Verifier-process initializer: lower priority; Ctrl-C is the parent's business (no second
    traceback); and the process ends within a second of its parent (even after kill -9), so it never
    holds files or locks inherited from the eval for long."""
    import threading

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        os.nice(VERIFIER_NICE)
    except OSError:
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="omegactl-verifier-watch", daemon=True).start()


def sympy_free_verdicts(items: list[tuple]) -> list[tuple | None]:
    """(strict, flex, grid) per ``(text, answer, answer_type, params)``, or None where sympy is needed
    (or where the verifier failed: the parent then verifies that one itself). Runs in the verifier process."""
    from verifiers import verify

    out: list[tuple | None] = []
    for text, answer, answer_type, params in items:
        try:
            verdict = verify(text, {"answer": answer, "answer_type": answer_type, "params": params}, timeout_s=0.0)
        except Exception:  # noqa: BLE001 - the parent's full path records the error on the sample
            out.append(None)
            continue
        if _needs_sympy(verdict):
            out.append(None)
        else:
            out.append((verdict.strict.model_dump(mode="json"), verdict.flex.model_dump(mode="json"), verdict.grid))
    return out


def start_verifier_process() -> ProcessPoolExecutor | None:
    """A one-process pool forked from this process (so it starts with verifiers imported), or None."""
    if not sys.platform.startswith("linux"):  # fork after threads is unsafe on macOS; Windows has none
        return None
    try:
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_verifier_child_setup, initargs=(os.getpid(),))
        pool.submit(int).result(timeout=30)  # fork now, before more threads exist
        return pool
    except Exception:  # noqa: BLE001 - no fork, no process: verification stays on the loop
        return None


class SampleSink:
    """Turns backend results into appended, fsynced samples lines and live statistics."""

    def __init__(self, out, *, verify: Callable, redact: Callable[[str], str], verifier_version: str,
                 now_iso: Callable[[], str], error_kind: Callable[[str], str], stats: RunStats,
                 on_progress: Callable[[], None] | None = None, workers: int = 4,
                 use_process: bool = True) -> None:
        self._out = out  # a binary file opened for appending
        self._verify = verify
        self._redact = redact
        self._version = verifier_version
        self._now_iso = now_iso
        self._error_kind = error_kind
        self.stats = stats
        self._on_progress = on_progress
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="omegactl-verify")
        self._process = start_verifier_process() if use_process else None
        self._queued: list[tuple] = []  # (rec, k, result) waiting for the verifier process
        self._batches: dict[asyncio.Future, list[tuple]] = {}  # batch in the verifier process -> its items
        self._dispatch_pending = False
        self._closed = False
        self._offloaded: set[asyncio.Future] = set()
        self._buffer: list[bytes] = []
        self._flush_pending = False
        self._fsync_timer: asyncio.TimerHandle | None = None
        self._last_progress = time.monotonic()
        self._time_s = -1
        self._time_text = ""

    # -- intake
    async def add(self, rec: Any, k: int, result: Any) -> None:
        """Queue one result for verification and writing; waits only when too much is queued."""
        rec = QueuedProblem.of(rec)
        error = self._redact(result.error) if result.error else None
        if error is not None or result.text is None:
            self._accept(rec, k, result, error, self._verify(None, rec))
            self._maybe_flush()
        elif self._process is not None:
            self._queued.append((rec, k, result))
            if not self._dispatch_pending:
                self._dispatch_pending = True
                asyncio.get_running_loop().call_soon(self._dispatch)
            if len(self._queued) >= MAX_QUEUED and self._batches:  # back-pressure
                await asyncio.wait(list(self._batches), return_when=asyncio.FIRST_COMPLETED)
        else:
            self._verify_inline(rec, k, result)
            self._maybe_flush()
        if len(self._offloaded) >= MAX_OFFLOADED:  # back-pressure: results are not piled up unboundedly
            await asyncio.wait(list(self._offloaded), return_when=asyncio.FIRST_COMPLETED)

    def _dispatch(self) -> None:
        """Send what is queued to the verifier process as one batch (at most BATCHES_IN_FLIGHT at once)."""
        self._dispatch_pending = False
        if not self._queued or len(self._batches) >= BATCHES_IN_FLIGHT:
            return
        items, self._queued = self._queued, []
        process = self._process
        fut = None
        if process is not None:
            payload = [(result.text, rec.answer, rec.answer_type, rec.params) for rec, _, result in items]
            try:
                fut = asyncio.wrap_future(process.submit(sympy_free_verdicts, payload))
            except Exception:  # noqa: BLE001 - a broken pool: verify here from now on
                self._lose_process()
        if fut is None:
            for rec, k, result in items:
                self._verify_inline(rec, k, result)
            self._maybe_flush()
            return
        self._batches[fut] = items
        fut.add_done_callback(self._batch_done)

    def _batch_done(self, fut: asyncio.Future) -> None:
        items = self._batches.pop(fut, None)
        if items is None or self._closed:  # salvaged already
            return
        verdicts = None
        if not fut.cancelled() and fut.exception() is None:
            verdicts = fut.result()
        if verdicts is None or len(verdicts) != len(items):
            self._lose_process()  # the verifier process died: verify here from now on
            for rec, k, result in items:
                self._verify_inline(rec, k, result)
        else:
            for (rec, k, result), parts in zip(items, verdicts):
                if parts is None:
                    self._offload(rec, k, result)
                else:
                    self._accept_parts(rec, k, result, None, *parts)
        self._maybe_flush()
        if self._queued and not self._dispatch_pending:
            self._dispatch_pending = True
            asyncio.get_running_loop().call_soon(self._dispatch)

    def _lose_process(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            process.shutdown(wait=False, cancel_futures=True)

    def _verify_inline(self, rec: Any, k: int, result: Any) -> None:
        verdict = self._verify(result.text, rec, timeout_s=0.0)
        if _needs_sympy(verdict):
            self._offload(rec, k, result)
        else:
            self._accept(rec, k, result, None, verdict)

    def _offload(self, rec: Any, k: int, result: Any) -> None:
        """Verify with sympy allowed, in the thread pool (its workers wait on the sandbox processes)."""
        loop = asyncio.get_running_loop()
        fut = loop.run_in_executor(self._pool, self._verify_full, result.text, rec)
        fut.add_done_callback(lambda f, rec=rec, k=k, result=result: self._offload_done(f, rec, k, result))
        self._offloaded.add(fut)

    def _verify_full(self, text: str, rec: Any):
        return self._verify(text, rec, timeout_s=FULL_TIMEOUT_S)

    def _offload_done(self, fut: asyncio.Future, rec: Any, k: int, result: Any) -> None:
        self._offloaded.discard(fut)
        if fut.cancelled() or self._closed:
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
        self._accept_parts(rec, k, result, error, verdict.strict.model_dump(mode="json"),
                           verdict.flex.model_dump(mode="json"), verdict.grid)

    def _accept_parts(self, rec: Any, k: int, result: Any, error: str | None, strict: dict, flex: dict,
                      grid: Any) -> None:
        row = {
            "problem_id": rec.id,
            "sample_index": k,
            "axis": rec.axis,
            "setting": rec.setting_key,
            "split": rec.split,
            "level": rec.level,
            "prompt_hash": rec.prompt_hash if isinstance(rec, QueuedProblem) else prompt_hash(rec),
            "response": result.text,
            "finish_reason": result.finish_reason,
            "prompt_tokens": result.prompt_tokens,
            "completion_tokens": result.completion_tokens,
            "latency_s": round(result.latency_s, 4) if result.latency_s is not None else None,
            "attempts": result.attempts,
            "error": error,
            "strict": strict,
            "flex": flex,
            "grid": grid,
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
        if self._closed:
            return
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
        """Wait for every verification, write and fsync everything, redraw progress once more."""
        try:
            while self._queued or self._batches or self._offloaded:
                if self._queued and len(self._batches) < BATCHES_IN_FLIGHT:
                    self._dispatch()
                await asyncio.gather(*list(self._batches), *self._offloaded, return_exceptions=True)
                await asyncio.sleep(0)  # let the done-callbacks run
        finally:
            self.flush_now()
            self.shutdown()
            if self._on_progress is not None:
                self._on_progress()

    def salvage(self) -> None:
        """After an interrupt or a failure: verify here whatever was still queued for (or inside) the
        verifier process, where that needs no sympy, so paid responses are kept; then stop taking
        callbacks. Sympy-bound leftovers are dropped (resume requests them again)."""
        if self._closed:
            return
        leftovers = self._queued + [item for items in self._batches.values() for item in items]
        self._queued = []
        self._batches.clear()
        for rec, k, result in leftovers:
            try:
                verdict = self._verify(result.text, rec, timeout_s=0.0)
            except Exception:  # noqa: BLE001 - best effort while unwinding
                continue
            if not _needs_sympy(verdict):
                self._accept(rec, k, result, None, verdict)
        self._closed = True

    def shutdown(self) -> None:
        """Stop the verifier process and threads (idempotent; what was not verified yet is dropped: those
        samples are requested again on resume). Waits for the process, so it holds nothing of the eval's."""
        self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)
        process, self._process = self._process, None
        if process is not None:
            process.shutdown(wait=True, cancel_futures=True)

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
