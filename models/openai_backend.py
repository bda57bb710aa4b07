"""OpenAI-compatible chat backend: api.openai.com or any server speaking ``/v1/chat/completions``.

One request per sample (never ``n>1``); the request's seed is sent on every call. Attempts pass an
AIMD concurrency gate (halves on 429, grows back on success), are spread over one or more replicas,
and are retried here on 429/5xx/timeouts/connection errors and on malformed 200 replies, within
``max_retries``, a per-request time budget and a run-wide retry budget. Every failure ends as a
``GenerationResult`` with a one-line, redacted ``error``; a few identical 401/403 answers in a row stop
the whole stream with a ``BackendError`` (a wrong key would fail every request the same way).

The wire is a lean HTTP/1.1 keep-alive client (``models.chat_http``, aiohttp) with orjson bodies: no
SDK objects, no per-request validation layer. The key travels only as ``Authorization: Bearer``: URL
userinfo (``http://user:KEY@host``, ``http://KEY@host``) is taken off the URL and its secret used as the
key (after ``--api-key-env``, before ``OPENAI_API_KEY``), never sent as implicit Basic auth.

Settings that are not load_backend arguments come through ``model_args``:
``min_concurrency`` (1), ``replica_policy`` (least_in_flight|round_robin), ``backoff_base_s`` (1.0),
``backoff_cap_s`` (60), ``connect_timeout_s`` (10), ``max_tokens_param`` (max_tokens|
max_completion_tokens; the latter for OpenAI reasoning models), ``max_reply_bytes`` (16 MiB),
``auth_failures_to_stop`` (3), ``run_retry_floor`` (10) and ``run_retry_ratio`` (1.0: retries allowed
per successful request). ``GenerationRequest.extra`` (``--gen_kwargs``) is merged into the JSON body last
(e.g. ``top_k``, ``stop``, ``reasoning_effort``, ``chat_template_kwargs``).
"""
from __future__ import annotations

import asyncio
import importlib.metadata
import logging
import os
import random
import time
from collections.abc import Iterable, Sized
from dataclasses import asdict, dataclass
from typing import AsyncIterator
from urllib.parse import unquote, urlsplit

import orjson

from models.base import Backend, BackendError, GenerationRequest, GenerationResult
from models.chat_http import ChatTransport, strip_userinfo
from models.concurrency import AIMDLimiter
from models.net import is_loopback_url, one_line, sanitize_url
from models.replicas import POLICIES, ReplicaPool
from models.reply import ParsedReply, parse_chat_completion
from models.retry import Failure, RetryPolicy, RunRetryBudget, classify

log = logging.getLogger(__name__)

OPENAI_DEFAULT_URL = "https://api.openai.com/v1"
LOOPBACK_DUMMY_KEY = "not-needed-for-loopback"
MAX_TOKENS_PARAMS = ("max_tokens", "max_completion_tokens")
_FORBIDDEN_EXTRA = {"model", "messages", "stream"}
_MAX_RECORDED_IDS = 20
DEFAULT_MAX_REPLY_BYTES = 16 * 1024 * 1024  # room for a 10 MB reasoning trace
AUTH_STATUSES = (401, 403)


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
    max_reply_bytes: int = DEFAULT_MAX_REPLY_BYTES
    auth_failures_to_stop: int = 3
    run_retry_floor: int = 10
    run_retry_ratio: float = 1.0

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
        if self.max_reply_bytes < 1024:
            raise BackendError(f"max_reply_bytes must be >= 1024, got {self.max_reply_bytes}")
        if self.auth_failures_to_stop < 1 or self.run_retry_floor < 0 or self.run_retry_ratio < 0:
            raise BackendError("auth_failures_to_stop must be >= 1, run_retry_floor and run_retry_ratio >= 0")
        for url in self.base_urls:
            if not url.startswith(("http://", "https://")):
                raise BackendError(f"base URL {sanitize_url(url)!r} must start with http:// or https://")
            if has_userinfo(url):  # from_options moves it to the key; nothing may reach the HTTP layer
                raise BackendError(f"base URL {sanitize_url(url)} carries credentials before '@'; "
                                   "put the key in OPENAI_API_KEY (or a variable named by --api-key-env)")


def has_userinfo(url: str) -> bool:
    """Whether ``url`` has ``user[:password]@`` in its authority."""
    return "@" in urlsplit(url).netloc


def split_userinfo(urls: list[str]) -> tuple[list[str], str | None]:
    """(URLs without userinfo, the secret they carried: the password, else the user name).

    ``http://user:KEY@host`` and ``http://KEY@host`` both give KEY, which is then sent as the Bearer key
    (never as implicit Basic auth). Replicas that carry different secrets are refused.
    """
    secrets = set()
    clean = []
    for url in urls:
        parts = urlsplit(url)
        if "@" not in parts.netloc:
            clean.append(url)
            continue
        secret = parts.password if parts.password else parts.username
        if secret:
            secrets.add(unquote(secret))
        clean.append(strip_userinfo(url))
    if len(secrets) > 1:
        raise BackendError("the base URLs carry different credentials before '@'; one key serves all replicas: "
                           "put it in OPENAI_API_KEY (or a variable named by --api-key-env)")
    return clean, (secrets.pop() if secrets else None)


MODEL_ARG_TYPES: dict[str, type] = {
    "min_concurrency": int,
    "replica_policy": str,
    "backoff_base_s": float,
    "backoff_cap_s": float,
    "connect_timeout_s": float,
    "max_tokens_param": str,
    "max_reply_bytes": int,
    "auth_failures_to_stop": int,
    "run_retry_floor": int,
    "run_retry_ratio": float,
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


def resolve_api_key(base_urls: list[str], api_key_env: str | None, url_key: str | None = None) -> tuple[str, str]:
    """(key, where it came from): ``--api-key-env``, then URL userinfo, then ``OPENAI_API_KEY``.

    Loopback-only servers get a dummy key when none is set.
    """
    if api_key_env:
        key = os.environ.get(api_key_env, "").strip()
        if not key:
            raise BackendError(f"environment variable {api_key_env} (named by --api-key-env) is not set")
        return key, f"env:{api_key_env}"
    if url_key:
        return url_key, "base URL userinfo (sent as the Bearer key)"
    key = os.environ.get("OPENAI_API_KEY", "").strip()
    if key:
        return key, "env:OPENAI_API_KEY"
    if all(is_loopback_url(u) for u in base_urls):
        return LOOPBACK_DUMMY_KEY, "dummy (loopback server)"
    remote = ", ".join(sanitize_url(u) for u in base_urls if not is_loopback_url(u))
    raise BackendError(f"no API key for {remote}: set OPENAI_API_KEY or name another variable with --api-key-env")


def client_versions() -> dict:
    """Versions of the HTTP client and JSON libraries that carry the requests."""
    versions = {}
    for dist in ("aiohttp", "orjson"):
        try:
            versions[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            pass
    return versions


class RequestRejected(ValueError):
    """A request that cannot be sent as given (a caller or --gen_kwargs mistake)."""


def build_chat_body(req: GenerationRequest, model: str, max_tokens_param: str = "max_tokens") -> dict:
    """The JSON body of one chat-completion request; ``extra`` goes in last."""
    if not req.messages:
        raise RequestRejected("request has no messages")
    body: dict = {
        "model": model,
        "messages": req.messages,
        "temperature": req.temperature,
        "top_p": req.top_p,
        max_tokens_param: req.max_tokens,
    }
    if req.seed is not None:
        body["seed"] = int(req.seed)
    extra = req.extra
    if extra:
        bad = sorted(k for k in extra if k in _FORBIDDEN_EXTRA)
        if bad:
            raise RequestRejected(f"gen kwarg(s) {', '.join(bad)} cannot be overridden")
        if extra.get("n", 1) != 1:
            raise RequestRejected("gen kwarg n>1 is not supported: the caller sends one request per sample")
        body.update((k, v) for k, v in extra.items() if k != "n")
    return body


def encode_body(body: dict) -> bytes:
    """orjson bytes; what orjson refuses (lone surrogates, integers past 64 bits) goes through ``json``."""
    try:
        return orjson.dumps(body)
    except orjson.JSONEncodeError:
        import json

        try:
            return json.dumps(body, ensure_ascii=True).encode("ascii")
        except (TypeError, ValueError) as exc:
            raise RequestRejected(f"request cannot be encoded as JSON: {exc}") from None


class OpenAIBackend(Backend):
    """Pooled keep-alive HTTP with AIMD concurrency, replica spreading and bounded, jittered retries."""

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
        self._run_budget = RunRetryBudget(settings.run_retry_floor, settings.run_retry_ratio)
        self._transport = ChatTransport(settings.base_urls, api_key, pool_size=settings.concurrency,
                                        request_timeout_s=settings.request_timeout_s,
                                        connect_timeout_s=settings.connect_timeout_s,
                                        max_reply_bytes=settings.max_reply_bytes)
        self._served_models: set[str] = set()
        self._fingerprints: set[str] = set()
        self._auth_streak: tuple[int | None, int] = (None, 0)  # (status, identical 401/403s in a row)
        self._stopped_by: str | None = None  # set when the auth circuit breaker opened
        self._counters = {k: 0 for k in ("requests", "completed", "errors", "retries", "rate_limited",
                                         "timeouts", "connection_errors", "server_errors", "malformed",
                                         "client_errors", "context_length", "auth_errors", "reply_too_large",
                                         "run_retry_budget_refusals")}

    @classmethod
    def from_options(cls, model: str, *, model_args: dict | None = None, base_url: str | None = None,
                     api_key_env: str | None = None, concurrency: int = 8, request_timeout_s: float = 600,
                     retry_budget_s: float = 900, max_retries: int = 8) -> "OpenAIBackend":
        """Build from ``load_backend`` options: resolve URLs and key, apply model args, validate."""
        urls, url_key = split_userinfo(split_base_urls(base_url))
        settings = OpenAISettings(model=model, base_urls=urls, concurrency=concurrency,
                                  request_timeout_s=float(request_timeout_s), retry_budget_s=float(retry_budget_s),
                                  max_retries=max_retries)
        settings = settings_from_model_args(settings, model_args or {})
        settings.validate()
        key, source = resolve_api_key(urls, api_key_env, url_key)
        return cls(settings, key, source)

    async def aclose(self) -> None:
        await self._transport.aclose()

    # -- the run -----------------------------------------------------------------------------------
    async def stream(self, requests: Iterable[GenerationRequest]) -> AsyncIterator[GenerationResult]:
        """Results in completion order; ``requests`` may be any iterable (consumed lazily, never copied).

        Raises ``BackendError`` after the last in-flight result when the auth circuit breaker opened.
        """
        source = iter(requests)
        n_workers = self.settings.concurrency
        if isinstance(requests, Sized):
            n_workers = min(n_workers, len(requests))
        if n_workers == 0:
            return
        done: asyncio.Queue = asyncio.Queue()
        # results taken from the source but not yet taken by the consumer: bounded, so that a consumer slower
        # than the server (e.g. verification on a busy machine) holds back requests instead of piling results
        room = asyncio.Semaphore(max(64, 2 * n_workers))
        finished = object()
        # Set when the consumer stops early. Cancellation alone is not enough: the HTTP stack may turn a
        # cancelled request into a connection error, which would otherwise be retried.
        stop = asyncio.Event()

        async def worker() -> None:
            try:
                while not stop.is_set() and self._stopped_by is None:
                    await room.acquire()
                    req = next(source, None)
                    if req is None:
                        room.release()
                        break
                    try:
                        result = await self._run_one(req, stop)
                    except asyncio.CancelledError:
                        raise
                    except Exception as exc:  # a bug must not stall the stream: report it on the request
                        result = self._result_error(req, time.monotonic(), 0,
                                                    Failure("internal", f"{type(exc).__name__}: {exc}", False),
                                                    "internal error")
                    done.put_nowait(result)
            finally:
                done.put_nowait(finished)

        workers = [asyncio.create_task(worker()) for _ in range(n_workers)]
        try:
            running = n_workers
            while running:
                item = await done.get()
                if item is finished:
                    running -= 1
                    continue
                room.release()
                yield item
            if self._stopped_by is not None:
                raise BackendError(self._stopped_by)
        finally:
            stop.set()
            for task in workers:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)

    async def _attempt(self, index: int, body: bytes) -> ParsedReply:
        return parse_chat_completion(await self._transport.post(index, body))

    async def _run_one(self, req: GenerationRequest, stop: asyncio.Event | None = None) -> GenerationResult:
        self._counters["requests"] += 1
        start = time.monotonic()
        try:
            body = encode_body(build_chat_body(req, self.settings.model, self.settings.max_tokens_param))
        except RequestRejected as exc:
            return self._result_error(req, start, 0, Failure("client_error", str(exc), False), "not retryable")
        attempts = 0
        avoid: int | None = None
        last: Failure | None = None
        failure: Failure | None
        while True:
            if stop is not None and stop.is_set():
                raise asyncio.CancelledError()
            if self._stopped_by is not None and last is not None:
                return self._result_error(req, start, attempts, last, "run stopped: authentication failing")
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
                reply = await self._attempt(index, body)
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
            if not self._run_budget.take(failure):
                self._counters["run_retry_budget_refusals"] += 1
                return self._result_error(req, start, attempts, failure,
                                          f"run-wide retry budget spent ({self._run_budget.spent} retries)")
            self._counters["retries"] += 1
            avoid = index
            log.debug("retry %s after %s in %.2fs: %s", req.key, failure.kind, delay,
                      one_line(failure.detail, [self._api_key]))
            await asyncio.sleep(delay)

    # -- bookkeeping -------------------------------------------------------------------------------
    def _count_failure(self, failure: Failure) -> None:
        key = {"rate_limited": "rate_limited", "timeout": "timeouts", "connection": "connection_errors",
               "server_error": "server_errors", "malformed": "malformed", "reply_too_large": "reply_too_large",
               "client_error": "client_errors", "context_length": "context_length"}.get(failure.kind)
        if key:
            self._counters[key] += 1
        if failure.status in AUTH_STATUSES:
            self._counters["auth_errors"] += 1
            status, streak = self._auth_streak
            streak = streak + 1 if status == failure.status else 1
            self._auth_streak = (failure.status, streak)
            if streak >= self.settings.auth_failures_to_stop and self._stopped_by is None:
                self._stopped_by = one_line(
                    f"stopped after {streak} identical HTTP {failure.status} answers in a row "
                    f"({failure.detail}); check the API key ({self._key_source}) and --base-url "
                    f"{', '.join(sanitize_url(u) for u in self.settings.base_urls)}", [self._api_key])
        else:
            self._auth_streak = (None, 0)

    def _result_ok(self, req: GenerationRequest, start: float, attempts: int, index: int,
                   reply: ParsedReply) -> GenerationResult:
        self._limiter.on_success()
        self._pool.succeeded(index)
        self._run_budget.on_success()
        self._auth_streak = (None, 0)
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
            "run_retries_spent": self._run_budget.spent,
            "replicas": self._pool.snapshot(),
        }
