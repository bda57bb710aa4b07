"""Replica choice: least in flight with round-robin ties, soft benching, hard Retry-After pauses."""
from __future__ import annotations

import pytest

from models.base import BackendError
from models.replicas import ReplicaPool


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_ties_rotate_and_load_is_balanced():
    pool = ReplicaPool(["a", "b", "c"], clock=Clock())
    picks = [pool.pick()[0] for _ in range(6)]
    assert picks == [0, 1, 2, 0, 1, 2]
    pool.started(0)
    pool.started(0)
    pool.started(1)
    assert pool.pick() == (2, 0.0)
    assert pool.pick(avoid=2)[0] == 1


def test_round_robin_policy_ignores_load():
    pool = ReplicaPool(["a", "b"], policy="round_robin", clock=Clock())
    pool.started(0)
    pool.started(0)
    assert [pool.pick()[0] for _ in range(4)] == [0, 1, 0, 1]


def test_failing_replica_is_benched_then_returns():
    clock = Clock()
    pool = ReplicaPool(["a", "b"], failure_threshold=2, cooldown_s=5.0, clock=clock)
    pool.failed(0, replica_fault=True)
    assert pool.replicas[0].benched_until == 0.0  # one failure is not enough
    pool.failed(0, replica_fault=True)
    assert [pool.pick()[0] for _ in range(3)] == [1, 1, 1]
    assert not pool.has_other_ready(1) and pool.has_other_ready(0)
    clock.now += 5.1
    assert {pool.pick()[0] for _ in range(4)} == {0, 1}
    pool.failed(0, replica_fault=True)  # third in a row: cooldown doubles
    assert pool.replicas[0].benched_until == pytest.approx(clock.now + 10.0)
    pool.succeeded(0)
    assert pool.replicas[0].consecutive_failures == 0


def test_benching_is_soft_but_retry_after_is_hard():
    clock = Clock()
    pool = ReplicaPool(["only"], failure_threshold=1, clock=clock)
    pool.failed(0, replica_fault=True)
    assert pool.pick() == (0, 0.0)  # benched, but it is the only one
    pool.failed(0, replica_fault=False, retry_after_s=3.0)
    index, wait = pool.pick()
    assert index == 0 and wait == pytest.approx(3.0)
    snapshot = pool.snapshot()[0]
    assert snapshot["paused"] is True and snapshot["failures"] == 2


def test_pool_validation():
    with pytest.raises(BackendError):
        ReplicaPool([])
    with pytest.raises(BackendError):
        ReplicaPool(["a"], policy="random")
