"""Spread attempts over several server replicas and steer around the ones that are failing.

Policies: ``least_in_flight`` (default; ties broken round robin) or ``round_robin``. A replica that
fails ``failure_threshold`` times in a row (connection errors, timeouts, 5xx) is benched for a
cooldown that doubles with further failures: it gets no traffic while a healthy replica exists
(benching is soft: with every replica benched, they are all used). A 429 with ``Retry-After`` is
hard: that replica gets nothing until then, and when all are paused the caller waits for the first.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from models.base import BackendError

POLICIES = ("least_in_flight", "round_robin")


@dataclass
class Replica:
    """Counters and health of one base URL."""

    url: str
    in_flight: int = 0
    requests: int = 0
    failures: int = 0
    consecutive_failures: int = 0
    benched_until: float = 0.0
    paused_until: float = 0.0

    def snapshot(self, now: float) -> dict:
        return {
            "url": self.url,
            "in_flight": self.in_flight,
            "requests": self.requests,
            "failures": self.failures,
            "healthy": self.benched_until <= now,
            "paused": self.paused_until > now,
        }


class ReplicaPool:
    """Chooses a replica for each attempt and tracks replica health."""

    def __init__(self, urls: list[str], policy: str = "least_in_flight", failure_threshold: int = 3,
                 cooldown_s: float = 2.0, max_cooldown_s: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if not urls:
            raise BackendError("at least one base URL is needed")
        if policy not in POLICIES:
            raise BackendError(f"unknown replica policy {policy!r}; use one of {', '.join(POLICIES)}")
        self.replicas = [Replica(url) for url in urls]
        self.policy = policy
        self.failure_threshold = failure_threshold
        self.cooldown_s = cooldown_s
        self.max_cooldown_s = max_cooldown_s
        self._clock = clock
        self._cursor = 0

    def pick(self, avoid: int | None = None) -> tuple[int, float]:
        """(replica index, seconds to wait first). Avoids ``avoid`` when another replica is usable."""
        now = self._clock()
        n = len(self.replicas)
        order = [(self._cursor + k) % n for k in range(n)]
        unpaused = [i for i in order if self.replicas[i].paused_until <= now]
        if not unpaused:
            soonest = min(order, key=lambda i: self.replicas[i].paused_until)
            return soonest, self.replicas[soonest].paused_until - now
        ready = [i for i in unpaused if self.replicas[i].benched_until <= now] or unpaused
        if avoid is not None and len(ready) > 1:
            ready = [i for i in ready if i != avoid]
        if self.policy == "round_robin":
            chosen = ready[0]
        else:
            chosen = min(ready, key=lambda i: self.replicas[i].in_flight)  # min() keeps the first tie
        self._cursor = (chosen + 1) % n
        return chosen, 0.0

    def has_other_ready(self, index: int) -> bool:
        """Whether a healthy, unpaused replica other than ``index`` could take an attempt now."""
        now = self._clock()
        return any(i != index and r.paused_until <= now and r.benched_until <= now
                   for i, r in enumerate(self.replicas))

    def started(self, index: int) -> None:
        replica = self.replicas[index]
        replica.in_flight += 1
        replica.requests += 1

    def finished(self, index: int) -> None:
        replica = self.replicas[index]
        replica.in_flight = max(0, replica.in_flight - 1)

    def succeeded(self, index: int) -> None:
        self.replicas[index].consecutive_failures = 0

    def failed(self, index: int, replica_fault: bool, retry_after_s: float | None = None) -> None:
        """Record a failed attempt; bench the replica after repeated faults or for a ``Retry-After``."""
        replica = self.replicas[index]
        now = self._clock()
        replica.failures += 1
        if retry_after_s is not None:
            replica.paused_until = max(replica.paused_until, now + retry_after_s)
        if not replica_fault:
            return
        replica.consecutive_failures += 1
        excess = replica.consecutive_failures - self.failure_threshold
        if excess >= 0:
            cooldown = min(self.max_cooldown_s, self.cooldown_s * (2 ** min(excess, 20)))
            replica.benched_until = max(replica.benched_until, now + cooldown)

    def snapshot(self) -> list[dict]:
        now = self._clock()
        return [r.snapshot(now) for r in self.replicas]
