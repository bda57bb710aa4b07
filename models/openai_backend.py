"""OpenAI-compatible chat backend: api.openai.com or any server speaking ``/v1/chat/completions``.

One request per sample (never ``n>1``); the request's seed is sent on every call. Attempts pass an
AIMD concurrency gate (halves on 429, grows back on success), are spread over one or more replicas,
and are retried here (the client's own retries are off, so counting is ours) on 429/5xx/timeouts/
connection errors and on malformed 200 replies, within ``max_retries`` and a per-request time
budget. Every failure ends as a ``GenerationResult`` with a one-line, redacted ``error``.

Settings that are not load_backend arguments come through ``model_args``:
``min_concurrency`` (1), ``replica_policy`` (least_in_flight|round_robin), ``backoff_base_s`` (1.0),
``backoff_cap_s`` (60), ``connect_timeout_s`` (10), ``max_tokens_param`` (max_tokens|
max_completion_tokens; the latter for OpenAI reasoning models). ``GenerationRequest.extra``
(``--gen_kwargs``) is merged into the JSON body last (e.g. ``top_k``, ``stop``, ``reasoning_effort``,
``chat_template_kwargs``).
"""
from __future__ import annotations

import asyncio
import importlib.metadata
import logging
import os
import random
import time
from collections import deque
from dataclasses import asdict, dataclass
from typing import AsyncIterator

import openai

from models.base import Backend, BackendError, GenerationRequest, GenerationResult
from models.concurrency import AIMDLimiter
from models.net import is_loopback_url, one_line, sanitize_url
from models.replicas import POLICIES, ReplicaPool
from models.reply import ParsedReply, parse_chat_completion
from models.retry import Failure, RetryPolicy, classify

log = logging.getLogger(__name__)

OPENAI_DEFAULT_URL = "https://api.openai.com/v1"
LOOPBACK_DUMMY_KEY = "not-needed-for-loopback"
MAX_TOKENS_PARAMS = ("max_tokens", "max_completion_tokens")
_FORBIDDEN_EXTRA = {"model", "messages", "stream"}
_MAX_RECORDED_IDS = 20


@dataclass
class OpenAISettings:
    """Everything that shapes how requests are sent (recorded in ``info()``)."""

    model: str
    base_urls: list[str]
    concurrency: int = 8
    request_timeout_s: float = 600.0
    retry_budget_s: float = 900.0
    max_retries: int = 8
    min_concurrency: int = 1
    replica_policy: str = "least_in_flight"
    backoff_base_s: float = 1.0
    backoff_cap_s: float = 60.0
    connect_timeout_s: float = 10.0
    max_tokens_param: str = "max_tokens"

    def validate(self) -> None:
        if not self.model:
            raise BackendError("an openai model needs a name: openai:<model-name>")
        if self.concurrency < 1:
            raise BackendError(f"concurrency must be >= 1, got {self.concurrency}")
        if self.request_timeout_s <= 0 or self.retry_budget_s < 0 or self.max_retries < 0:
            raise BackendError("request_timeout_s must be > 0, retry_budget_s and max_retries >= 0")
        if self.backoff_base_s < 0 or self.backoff_cap_s < 0 or self.connect_timeout_s <= 0:
            raise BackendError("backoff times must be >= 0 and connect_timeout_s > 0")
        if self.max_tokens_param not in MAX_TOKENS_PARAMS:
            raise BackendError(f"max_tokens_param must be one of {', '.join(MAX_TOKENS_PARAMS)}")
        if self.replica_policy not in POLICIES:
            raise BackendError(f"replica_policy must be one of {', '.join(POLICIES)}")
        for url in self.base_urls:
            if not url.startswith(("http://", "https://")):
                raise BackendError(f"base URL {sanitize_url(url)!r} must start with http:// or https://")


MODEL_ARG_TYPES: dict[str, type] = {
    "min_concurrency": int,
    "replica_policy": str,
    "backoff_base_s": float,
    "backoff_cap_s": float,
    "connect_timeout_s": float,
    "max_tokens_param": str,
}


def settings_from_model_args(settings: OpenAISettings, model_args: dict) -> OpenAISettings:
    """Apply the openai-specific ``model_args`` (already coerced); unknown keys are an error."""
    unknown = sorted(set(model_args) - set(MODEL_ARG_TYPES))
    if unknown:
        raise BackendError(
            f"unknown model arg(s) for openai: {', '.join(unknown)}; known: {', '.join(sorted(MODEL_ARG_TYPES))}")
    values = asdict(settings)
    for key, value in model_args.items():
        want = MODEL_ARG_TYPES[key]
        if want is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, want) or isinstance(value, bool):
            raise BackendError(f"model arg {key} must be {want.__name__}, got {value!r}")
        values[key] = value
    return OpenAISettings(**values)


def split_base_urls(base_url: str | None) -> list[str]:
    """Comma-separated base URLs (replicas) → list; default ``OPENAI_BASE_URL`` or api.openai.com."""
    raw = base_url or os.environ.get("OPENAI_BASE_URL") or OPENAI_DEFAULT_URL
    urls = [u.strip().rstrip("/") for u in raw.split(",") if u.strip()]
    if not urls:
        raise BackendError("empty --base-url")
    return urls


def resolve_api_key(base_urls: list[str], api_key_env: str | None) -> tuple[str, str]:
    """(key, where it came from). Loopback-only servers get a dummy key when none is set."""
    env_name = api_key_env or "OPENAI_API_KEY"
    key = os.environ.get(env_name, "").strip()
    if key:
        return key, f"env:{env_name}"
    if api_key_env:
        raise BackendError(f"environment variable {api_key_env} (named by --api-key-env) is not set")
    if all(is_loopback_url(u) for u in base_urls):
        return LOOPBACK_DUMMY_KEY, "dummy (loopback server)"
    remote = ", ".join(sanitize_url(u) for u in base_urls if not is_loopback_url(u))
    raise BackendError(f"no API key for {remote}: set OPENAI_API_KEY or name another variable with --api-key-env")


def client_versions() -> dict:
    """Versions of the openai client and of the HTTP library it runs on (httpx, or httpx2 in newer clients)."""
    versions = {"openai": openai.__version__}
    for dist in ("httpx", "httpx2"):
        try:
            versions[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            pass
    return versions


class RequestRejected(ValueError):
    """A request that cannot be sent as given (a caller or --gen_kwargs mistake)."""


def build_chat_kwargs(req: GenerationRequest, model: str, max_tokens_param: str = "max_tokens") -> dict:
    """Keyword arguments for ``chat.completions.create``; ``extra`` goes into the body last."""
    if not req.messages:
        raise RequestRejected("request has no messages")
    extra = dict(req.extra or {})
    bad = sorted(k for k in extra if k in _FORBIDDEN_EXTRA)
    if bad:
        raise RequestRejected(f"gen kwarg(s) {', '.join(bad)} cannot be overridden")
    if extra.get("n", 1) != 1:
        raise RequestRejected("gen kwarg n>1 is not supported: the caller sends one request per sample")
    extra.pop("n", None)
    kwargs: dict = {
        "model": model,
        "messages": req.messages,
        "temperature": req.temperature,
        "top_p": req.top_p,
        max_tokens_param: req.max_tokens,
    }
    if req.seed is not None:
        kwargs["seed"] = int(req.seed)
    if extra:
        kwargs["extra_body"] = extra
    return kwargs


class OpenAIBackend(Backend):
    """Async client pool with AIMD concurrency, replica spreading and bounded, jittered retries."""

    name = "openai"

    def __init__(self, settings: OpenAISettings, api_key: str, key_source: str,
                 rng: random.Random | None = None) -> None:
        settings.validate()
        self.settings = settings
        self._api_key = api_key
        self._key_source = key_source
        self._limiter = AIMDLimiter(settings.concurrency, min_limit=min(settings.min_concurrency, settings.concurrency))
        self._pool = ReplicaPool(settings.base_urls, policy=settings.replica_policy)
        self._policy = RetryPolicy(max_retries=settings.max_retries, budget_s=settings.retry_budget_s,
                                   base_s=settings.backoff_base_s, cap_s=settings.backoff_cap_s,
                                   rng=rng or random.Random())
        self._clients: list[openai.AsyncOpenAI] = []
        self._clients_loop: asyncio.AbstractEventLoop | None = None
        self._served_models: set[str] = set()
        self._fingerprints: set[str] = set()
        self._counters = {k: 0 for k in ("requests", "completed", "errors", "retries", "rate_limited",
                                         "timeouts", "connection_errors", "server_errors", "malformed",
                                         "client_errors", "context_length")}

    @classmethod
    def from_options(cls, model: str, *, model_args: dict | None = None, base_url: str | None = None,
                     api_key_env: str | None = None, concurrency: int = 8, request_timeout_s: float = 600,
                     retry_budget_s: float = 900, max_retries: int = 8) -> "OpenAIBackend":
        """Build from ``load_backend`` options: resolve URLs and key, apply model args, validate."""
        urls = split_base_urls(base_url)
        settings = OpenAISettings(model=model, base_urls=urls, concurrency=concurrency,
                                  request_timeout_s=float(request_timeout_s), retry_budget_s=float(retry_budget_s),
                                  max_retries=max_retries)
        settings = settings_from_model_args(settings, model_args or {})
        settings.validate()
        key, source = resolve_api_key(urls, api_key_env)
        return cls(settings, key, source)

    # -- clients -----------------------------------------------------------------------------------
    def _clients_for_running_loop(self) -> list[openai.AsyncOpenAI]:
        """One client per replica, bound to the running event loop (rebuilt for a new loop)."""
        loop = asyncio.get_running_loop()
        if self._clients_loop is not loop or not self._clients:
            timeout = openai.Timeout(self.settings.request_timeout_s, connect=self.settings.connect_timeout_s)
            self._clients = [openai.AsyncOpenAI(api_key=self._api_key, base_url=url, max_retries=0, timeout=timeout)
                             for url in self.settings.base_urls]
            self._clients_loop = loop
        return self._clients

    async def aclose(self) -> None:
        clients, self._clients = self._clients, []
        loop = self._clients_loop
        self._clients_loop = None
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is not None and running is loop:
            for client in clients:
                try:
                    await client.close()
                except Exception:  # closing is best effort
                    pass

    # -- the run -----------------------------------------------------------------------------------
    async def stream(self, requests: list[GenerationRequest]) -> AsyncIterator[GenerationResult]:
        pending = deque(requests)
        if not pending:
            return
        clients = self._clients_for_running_loop()
        done: asyncio.Queue[GenerationResult] = asyncio.Queue()
        # Set when the consumer stops early. Cancellation alone is not enough: the HTTP stack may turn a
        # cancelled request into a connection error, which would otherwise be retried.
        stop = asyncio.Event()

        async def worker() -> None:
            while pending and not stop.is_set():
                req = pending.popleft()
                try:
                    result = await self._run_one(req, clients, stop)
                except Exception as exc:  # a bug must not stall the stream: report it on the request
                    result = self._result_error(req, time.monotonic(), 0,
                                                Failure("internal", f"{type(exc).__name__}: {exc}", False),
                                                "internal error")
                await done.put(result)

        workers = [asyncio.create_task(worker()) for _ in range(min(self.settings.concurrency, len(pending)))]
        try:
            for _ in range(len(requests)):
                yield await done.get()
        finally:
            stop.set()
            pending.clear()
            for task in workers:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)

    async def _attempt(self, client: openai.AsyncOpenAI, kwargs: dict) -> ParsedReply:
        call = client.chat.completions.with_raw_response.create(**kwargs)
        raw = await asyncio.wait_for(call, timeout=self.settings.request_timeout_s + 5.0)
        return parse_chat_completion(raw.content)

    async def _run_one(self, req: GenerationRequest, clients: list[openai.AsyncOpenAI],
                       stop: asyncio.Event | None = None) -> GenerationResult:
        self._counters["requests"] += 1
        start = time.monotonic()
        try:
            kwargs = build_chat_kwargs(req, self.settings.model, self.settings.max_tokens_param)
        except RequestRejected as exc:
            return self._result_error(req, start, 0, Failure("client_error", str(exc), False), "not retryable")
        attempts = 0
        avoid: int | None = None
        last: Failure | None = None
        failure: Failure | None
        while True:
            if stop is not None and stop.is_set():
                raise asyncio.CancelledError()
            generation = await self._limiter.acquire()
            index, wait = self._pool.pick(avoid)  # chosen after admission, so the load figures are current
            if wait > 0:
                self._limiter.release()
                if time.monotonic() - start + wait > self._policy.budget_s:
                    failure = last or Failure("rate_limited", "every replica is paused by Retry-After", True)
                    return self._result_error(req, start, attempts, failure,
                                              "retry budget exhausted waiting for Retry-After")
                await asyncio.sleep(wait)
                continue
            attempts += 1
            self._pool.started(index)
            failure = None
            try:
                reply = await self._attempt(clients[index], kwargs)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                failure = classify(exc)
            finally:
                self._pool.finished(index)
                self._limiter.release()
            if failure is None:
                return self._result_ok(req, start, attempts, index, reply)
            if stop is not None and stop.is_set():
                raise asyncio.CancelledError()
            last = failure
            self._count_failure(failure)
            if failure.kind == "rate_limited":
                self._limiter.on_overload(generation)
            self._pool.failed(index, failure.replica_fault, failure.retry_after_s)
            switch_now = failure.replica_fault and failure.retry_after_s is None and self._pool.has_other_ready(index)
            delay = 0.0 if switch_now else self._policy.delay(attempts - 1, failure)
            reason = self._policy.give_up_reason(attempts, time.monotonic() - start, failure, delay)
            if reason:
                return self._result_error(req, start, attempts, failure, reason)
            self._counters["retries"] += 1
            avoid = index
            log.debug("retry %s after %s in %.2fs: %s", req.key, failure.kind, delay,
                      one_line(failure.detail, [self._api_key]))
            await asyncio.sleep(delay)

    # -- bookkeeping -------------------------------------------------------------------------------
    def _count_failure(self, failure: Failure) -> None:
        key = {"rate_limited": "rate_limited", "timeout": "timeouts", "connection": "connection_errors",
               "server_error": "server_errors", "malformed": "malformed",
               "client_error": "client_errors", "context_length": "context_length"}.get(failure.kind)
        if key:
            self._counters[key] += 1

    def _result_ok(self, req: GenerationRequest, start: float, attempts: int, index: int,
                   reply: ParsedReply) -> GenerationResult:
        self._limiter.on_success()
        self._pool.succeeded(index)
        self._counters["completed"] += 1
        if reply.served_model and len(self._served_models) < _MAX_RECORDED_IDS:
            self._served_models.add(reply.served_model)
        if reply.system_fingerprint and len(self._fingerprints) < _MAX_RECORDED_IDS:
            self._fingerprints.add(reply.system_fingerprint)
        return GenerationResult(key=req.key, text=reply.text, finish_reason=reply.finish_reason,
                                prompt_tokens=reply.prompt_tokens, completion_tokens=reply.completion_tokens,
                                latency_s=time.monotonic() - start, error=None, attempts=attempts,
                                reasoning=reply.reasoning)

    def _result_error(self, req: GenerationRequest, start: float, attempts: int, failure: Failure,
                      reason: str) -> GenerationResult:
        self._counters["errors"] += 1
        elapsed = time.monotonic() - start
        message = f"{failure.kind}: {failure.detail} [gave up after {attempts} attempt(s), {elapsed:.1f}s: {reason}]"
        return GenerationResult(key=req.key, text=None, finish_reason=None, prompt_tokens=None,
                                completion_tokens=None, latency_s=elapsed,
                                error=one_line(message, [self._api_key]), attempts=attempts)

    # -- reporting ---------------------------------------------------------------------------------
    def info(self) -> dict:
        settings = asdict(self.settings)
        settings.pop("model")
        settings.pop("base_urls")
        return {
            "backend": self.name,
            "model": self.settings.model,
            "base_urls": [sanitize_url(u) for u in self.settings.base_urls],
            "api_key_source": self._key_source,
            "client": client_versions(),
            "settings": settings,
            "seed_sent_per_request": True,
            "samples_per_request": 1,
            "served_models": sorted(self._served_models),
            "system_fingerprints": sorted(self._fingerprints),
        }

    def stats(self) -> dict:
        return {
            **self._counters,
            "current_concurrency": self._limiter.limit,
            "max_concurrency": self.settings.concurrency,
            "in_flight": self._limiter.in_flight,
            "concurrency_decreases": self._limiter.decreases,
            "replicas": self._pool.snapshot(),
        }
