"""The AIMD limiter: bounded admission, one decrease per window generation, additive recovery."""
from __future__ import annotations

import asyncio

import pytest

from models.base import BackendError
from models.concurrency import AIMDLimiter


def test_window_halves_once_per_generation_and_recovers():
    limiter = AIMDLimiter(8)
    gen = 0
    assert limiter.on_overload(gen) is True and limiter.limit == 4
    assert limiter.on_overload(gen) is False and limiter.limit == 4  # same burst: ignored
    assert limiter.on_overload(1) is True and limiter.limit == 2
    for _ in range(3):
        limiter.on_overload(limiter._generation)
    assert limiter.limit == 1 and limiter.window == 1.0  # floored at min_limit
    successes = 0
    while limiter.limit < 8:
        limiter.on_success()
        successes += 1
        assert successes < 100
    assert 25 <= successes <= 40  # about one slot per window of successes: 1+2+...+7 = 28
    for _ in range(50):
        limiter.on_success()
    assert limiter.limit == 8 and limiter.window == 8.0
    assert limiter.decreases == 5


def test_min_limit_and_validation():
    limiter = AIMDLimiter(10, min_limit=3)
    for gen in range(10):
        limiter.on_overload(gen)
    assert limiter.limit == 3
    for bad in ({"max_limit": 0}, {"max_limit": 4, "min_limit": 5}, {"max_limit": 4, "decrease_factor": 1.0}):
        with pytest.raises(BackendError):
            AIMDLimiter(**bad)


def test_admission_is_bounded_and_follows_the_window():
    async def scenario():
        limiter = AIMDLimiter(4)
        peak = 0
        running = 0

        async def job():
            nonlocal peak, running
            gen = await limiter.acquire()
            running += 1
            peak = max(peak, running)
            await asyncio.sleep(0.01)
            running -= 1
            limiter.release()
            return gen

        await asyncio.gather(*(job() for _ in range(20)))
        first_peak = peak
        limiter.on_overload(limiter._generation)  # window 4 -> 2
        peak = 0
        await asyncio.gather(*(job() for _ in range(20)))
        return first_peak, peak, limiter.in_flight

    first_peak, second_peak, in_flight = asyncio.run(scenario())
    assert (first_peak, second_peak, in_flight) == (4, 2, 0)


def test_cancelled_waiter_does_not_leak_a_slot():
    async def scenario():
        limiter = AIMDLimiter(1)
        await limiter.acquire()
        waiter = asyncio.create_task(limiter.acquire())
        await asyncio.sleep(0)
        waiter.cancel()
        await asyncio.gather(waiter, return_exceptions=True)
        limiter.release()
        await asyncio.wait_for(limiter.acquire(), timeout=1)  # the slot is free again
        return limiter.in_flight

    assert asyncio.run(scenario()) == 1
