"""Failure classification, Retry-After parsing and the jittered backoff schedule."""
from __future__ import annotations

import asyncio
import email.utils
import random

import aiohttp
import pytest

from models.retry import (Failure, HTTPStatusError, MalformedReply, ReplyTooLarge, RetryPolicy, RunRetryBudget,
                          classify, parse_retry_after)


def status_error(status: int, headers: dict | None = None) -> HTTPStatusError:
    return HTTPStatusError(status, "boom", headers)


def test_parse_retry_after_forms():
    assert parse_retry_after({"Retry-After": "3"}) == 3.0
    assert parse_retry_after({"retry-after": "0.25"}) == 0.25
    assert parse_retry_after({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    assert parse_retry_after({"Retry-After": "-4"}) == 0.0
    assert parse_retry_after({}) is None and parse_retry_after(None) is None
    assert parse_retry_after({"Retry-After": "soon"}) is None
    date = email.utils.formatdate(1_000_010.0, usegmt=True)
    assert parse_retry_after({"Retry-After": date}, now=1_000_000.0) == pytest.approx(10.0)


@pytest.mark.parametrize("status,kind,retryable", [
    (429, "rate_limited", True), (500, "server_error", True), (503, "server_error", True),
    (408, "server_error", True), (400, "client_error", False), (401, "client_error", False),
    (404, "client_error", False),
])
def test_classify_status_codes(status, kind, retryable):
    failure = classify(status_error(status))
    assert (failure.kind, failure.retryable, failure.status) == (kind, retryable, status)
    assert failure.detail.startswith(f"HTTP {status}")


def test_context_length_errors_are_recognised():
    message = "This model's maximum context length is 4096 tokens. However, you requested 8275"
    failure = classify(HTTPStatusError(400, message))
    assert (failure.kind, failure.retryable) == ("context_length", False)


def test_classify_reads_retry_after_and_other_errors():
    assert classify(status_error(429, {"Retry-After": "2"})).retry_after_s == 2.0
    assert classify(status_error(429)).retry_after_s is None
    assert classify(aiohttp.ServerTimeoutError("read")).kind == "timeout"
    assert classify(asyncio.TimeoutError()).kind == "timeout"
    assert classify(aiohttp.ServerDisconnectedError()).kind == "connection"
    assert classify(aiohttp.ClientPayloadError("cut")).kind == "connection"
    too_big = classify(ReplyTooLarge("reply body exceeds max_reply_bytes=1024"))
    assert too_big.kind == "reply_too_large" and not too_big.retryable
    assert classify(ConnectionResetError("reset")).kind == "connection"
    assert classify(MalformedReply("reply has no choices")) == Failure("malformed", "reply has no choices", True)
    internal = classify(KeyError("surprise"))
    assert internal.kind == "internal" and not internal.retryable
    assert classify(status_error(503)).replica_fault and not classify(status_error(429)).replica_fault


def test_full_jitter_backoff_stays_under_the_growing_ceiling():
    policy = RetryPolicy(base_s=1.0, cap_s=8.0, rng=random.Random(7))
    for index, ceiling in [(0, 1.0), (1, 2.0), (2, 4.0), (3, 8.0), (10, 8.0)]:
        draws = [policy.backoff(index) for _ in range(200)]
        assert all(0.0 <= d <= ceiling for d in draws)
        assert max(draws) > 0.8 * ceiling  # it really spreads up to the ceiling
    assert RetryPolicy(rng=random.Random(3)).backoff(2) == RetryPolicy(rng=random.Random(3)).backoff(2)


def test_delay_never_undercuts_retry_after():
    policy = RetryPolicy(base_s=0.001, cap_s=0.001, rng=random.Random(1))
    failure = Failure("rate_limited", "x", True, 429, retry_after_s=5.0)
    delays = [policy.delay(0, failure) for _ in range(100)]
    assert all(5.0 <= d <= 5.5 for d in delays)


def test_give_up_reasons():
    policy = RetryPolicy(max_retries=2, budget_s=10.0)
    retryable = Failure("server_error", "x", True)
    assert policy.give_up_reason(1, 0.0, retryable, 1.0) is None
    assert policy.give_up_reason(3, 0.0, retryable, 1.0) == "max_retries=2 reached"
    assert policy.give_up_reason(1, 9.5, retryable, 1.0) == "retry budget 10s exhausted"
    assert policy.give_up_reason(1, 0.0, Failure("client_error", "x", False), 0.0) == "not retryable"
    late = Failure("rate_limited", "x", True, 429, retry_after_s=60.0)
    assert "exceeds the remaining retry budget" in policy.give_up_reason(1, 0.0, late, 60.0)


def test_run_retry_budget_starts_at_the_floor_and_grows_with_successes():
    budget = RunRetryBudget(floor=3, ratio=0.5)
    server_error = Failure("server_error", "x", True, 500)
    assert [budget.take(server_error) for _ in range(4)] == [True, True, True, False]
    assert budget.take(Failure("rate_limited", "x", True, 429))  # rate limits are never charged
    budget.on_success()
    assert not budget.take(server_error)  # half a token is not a retry
    budget.on_success()
    assert budget.take(server_error) and (budget.spent, budget.refused) == (4, 2)
