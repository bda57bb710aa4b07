"""Adaptive concurrency (AIMD): halve the window on overload (HTTP 429), grow it back by one per window.

The window starts at the configured concurrency and never leaves [min_limit, max_limit].
A burst of 429s caused by one window only shrinks it once: an overload signal counts only when
the attempt was admitted under the current window generation (as TCP reacts once per round trip).
"""
from __future__ import annotations

import asyncio
from collections import deque

from models.base import BackendError


class AIMDLimiter:
    """An async admission gate whose size adapts: multiplicative decrease, additive increase."""

    def __init__(self, max_limit: int, min_limit: int = 1, decrease_factor: float = 0.5,
                 increase_step: float = 1.0) -> None:
        if max_limit < 1:
            raise BackendError(f"concurrency must be >= 1, got {max_limit}")
        if not 1 <= min_limit <= max_limit:
            raise BackendError(f"min concurrency must be in [1, {max_limit}], got {min_limit}")
        if not 0.0 < decrease_factor < 1.0:
            raise BackendError(f"decrease factor must be in (0, 1), got {decrease_factor}")
        self.max_limit = max_limit
        self.min_limit = min_limit
        self.decrease_factor = decrease_factor
        self.increase_step = increase_step
        self._window = float(max_limit)
        self._in_flight = 0
        self._generation = 0
        self.decreases = 0
        self._waiters: deque[asyncio.Future] = deque()
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def limit(self) -> int:
        """The current number of attempts allowed in flight."""
        return max(self.min_limit, min(self.max_limit, int(self._window)))

    @property
    def window(self) -> float:
        return self._window

    @property
    def in_flight(self) -> int:
        return self._in_flight

    async def acquire(self) -> int:
        """Wait for a free slot; returns the window generation the attempt was admitted under."""
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # a fresh event loop (e.g. a second asyncio.run): drop stale waiters
            self._loop = loop
            self._waiters.clear()
        while self._in_flight >= self.limit:
            fut = loop.create_future()
            self._waiters.append(fut)
            try:
                await fut
            except asyncio.CancelledError:
                if fut.done() and not fut.cancelled():
                    self._wake()  # pass the wake-up on to someone else
                raise
            finally:
                if fut in self._waiters:
                    self._waiters.remove(fut)
        self._in_flight += 1
        return self._generation

    def release(self) -> None:
        """Give a slot back (synchronous, so it is safe in ``finally`` during cancellation)."""
        self._in_flight = max(0, self._in_flight - 1)
        self._wake()

    def on_success(self) -> None:
        """Additive increase: about +1 slot per window's worth of successes."""
        before = self.limit
        self._window = min(float(self.max_limit), self._window + self.increase_step / max(self._window, 1.0))
        if self.limit > before:
            self._wake()

    def on_overload(self, generation: int) -> bool:
        """Multiplicative decrease, once per window generation; True when the window shrank."""
        if generation != self._generation:
            return False
        self._window = max(float(self.min_limit), self._window * self.decrease_factor)
        self._generation += 1
        self.decreases += 1
        return True

    def _wake(self) -> None:
        free = self.limit - self._in_flight
        while free > 0 and self._waiters:
            fut = self._waiters.popleft()
            if not fut.done():
                fut.set_result(None)
                free -= 1
