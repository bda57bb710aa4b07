"""Retry policy for remote calls: classify a failure, read ``Retry-After``, pick a jittered delay.

Retryable: HTTP 408/409/425/429, any 5xx, timeouts, connection errors and malformed 200 replies
(invalid JSON, empty ``choices``, missing message content). Other 4xx answers (bad request,
auth, unknown model) are final; a 4xx saying the prompt does not fit the context is reported
as ``context_length`` so callers can count it apart from configuration mistakes (401/403 stay
``client_error``; the backend stops the run after a few identical ones). A reply body over the size cap is
``reply_too_large`` (final: the same prompt would produce it again).
``RunRetryBudget`` bounds retries over a whole run (a token bucket refilled by successes), so a
server that always fails ends the run after a few dozen retries instead of hours of backoff.
Delays use "full jitter": uniform in [0, min(cap, base * 2**i)], but never shorter than a
server-sent ``Retry-After``.
"""
from __future__ import annotations

import asyncio
import email.utils
import random
import time
from dataclasses import dataclass
from typing import Mapping

import aiohttp

from models.net import is_context_length_message

RETRYABLE_STATUS = frozenset({408, 409, 425, 429})


class MalformedReply(Exception):
    """A 2xx reply that cannot be used: invalid JSON, no choices, no message content."""


class ReplyTooLarge(Exception):
    """A reply body longer than the configured cap (``max_reply_bytes``)."""


class HTTPStatusError(Exception):
    """A non-2xx answer: status, the server's error message and its retry headers."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


@dataclass(frozen=True)
class Failure:
    """What went wrong in one attempt and whether another attempt may help."""

    kind: str  # rate_limited | server_error | timeout | connection | malformed | reply_too_large | context_length
    #            | client_error | internal
    detail: str
    retryable: bool
    status: int | None = None
    retry_after_s: float | None = None

    @property
    def replica_fault(self) -> bool:
        """Failures that say the replica itself is unhealthy (not the request, not a rate limit)."""
        return self.kind in ("server_error", "timeout", "connection")


def parse_retry_after(headers: Mapping[str, str] | None, now: float | None = None) -> float | None:
    """Seconds to wait from ``retry-after-ms`` or ``retry-after`` (seconds or an HTTP date); None if absent."""
    if not headers:
        return None
    lowered = {str(k).lower(): str(v) for k, v in headers.items()}
    raw_ms = lowered.get("retry-after-ms")
    if raw_ms:
        try:
            return max(0.0, float(raw_ms) / 1000.0)
        except ValueError:
            pass
    raw = lowered.get("retry-after")
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def classify(exc: BaseException) -> Failure:
    """Map an exception from one attempt to a ``Failure`` (message not yet redacted)."""
    if isinstance(exc, MalformedReply):
        return Failure("malformed", str(exc), True)
    if isinstance(exc, ReplyTooLarge):
        return Failure("reply_too_large", str(exc), False)
    if isinstance(exc, HTTPStatusError):
        status = exc.status
        retry_after = parse_retry_after(exc.headers)
        detail = f"HTTP {status}: {exc.message}"
        if status == 429:
            return Failure("rate_limited", detail, True, status, retry_after)
        if status >= 500 or status in RETRYABLE_STATUS:
            return Failure("server_error", detail, True, status, retry_after)
        if is_context_length_message(detail):
            return Failure("context_length", detail, False, status)
        return Failure("client_error", detail, False, status)
    if isinstance(exc, (asyncio.TimeoutError, TimeoutError)):  # aiohttp's timeouts are TimeoutErrors too
        return Failure("timeout", "no reply within the per-attempt timeout", True)
    if isinstance(exc, (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError, ConnectionError, EOFError)):
        return Failure("connection", f"connection error ({type(exc).__name__}: {exc})", True)
    if isinstance(exc, aiohttp.ClientResponseError):  # an unparsable status line or headers
        return Failure("malformed", f"invalid HTTP reply ({type(exc).__name__}: {exc})", True)
    return Failure("internal", f"{type(exc).__name__}: {exc}", False)


class RunRetryBudget:
    """Retries allowed over a whole run: ``floor`` to start with, plus ``ratio`` per successful request.

    Rate limits (429) are not charged: AIMD and ``Retry-After`` handle those. With the budget spent, a
    failure is final at once, so an always-failing server costs one attempt per request.
    """

    def __init__(self, floor: int = 10, ratio: float = 1.0) -> None:
        self.floor = floor
        self.ratio = ratio
        self._tokens = float(floor)
        self.spent = 0
        self.refused = 0

    def on_success(self) -> None:
        self._tokens += self.ratio

    def take(self, failure: Failure) -> bool:
        """Whether a retry after ``failure`` may go ahead (and charge it)."""
        if failure.kind == "rate_limited":
            return True
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            self.spent += 1
            return True
        self.refused += 1
        return False


@dataclass
class RetryPolicy:
    """Attempt and time limits per request plus the jittered backoff schedule.

    ``budget_s`` bounds when a new attempt may *start* (elapsed + delay <= budget); a started attempt
    always gets the full per-attempt timeout, so the worst case is about budget + one attempt timeout.
    """

    max_retries: int = 8
    budget_s: float = 900.0
    base_s: float = 1.0
    cap_s: float = 60.0
    rng: random.Random | None = None

    def __post_init__(self) -> None:
        if self.rng is None:
            self.rng = random.Random()  # jitter only; never the global random state

    def backoff(self, retry_index: int) -> float:
        """Full-jitter delay before retry number ``retry_index`` (0-based)."""
        ceiling = min(self.cap_s, self.base_s * (2 ** min(retry_index, 30)))
        return self.rng.uniform(0.0, ceiling)

    def delay(self, retry_index: int, failure: Failure) -> float:
        """Backoff, raised to the server's ``Retry-After`` (plus up to 10 % spread) when one was sent."""
        wait = self.backoff(retry_index)
        if failure.retry_after_s is not None:
            spread = self.rng.uniform(0.0, min(1.0, 0.1 * failure.retry_after_s))
            wait = max(wait, failure.retry_after_s + spread)
        return wait

    def give_up_reason(self, attempts: int, elapsed_s: float, failure: Failure, delay_s: float) -> str | None:
        """Why no further attempt is made, or None when one may go ahead after ``delay_s``."""
        if not failure.retryable:
            return "not retryable"
        if attempts > self.max_retries:
            return f"max_retries={self.max_retries} reached"
        if elapsed_s + delay_s > self.budget_s:
            if failure.retry_after_s is not None and failure.retry_after_s > self.budget_s - elapsed_s:
                return f"Retry-After {failure.retry_after_s:.0f}s exceeds the remaining retry budget"
            return f"retry budget {self.budget_s:g}s exhausted"
        return None
