"""Sandbox worker process: ``python -m verifiers.worker``. Reads JSON requests on stdin, writes results.

Protocol (one JSON object per line): the worker first prints {"ready": true}; each request
{"id", "answer_type", "pred", "gold", "params"} gets {"id", "correct", "parsed", "method", "reason"}.
The worker caps its own address space (OMEGACTL_VERIFIER_MEMORY_MB, default 2048) so a runaway
computation fails with MemoryError instead of taking the machine; the parent kills it on a timeout.
Stray prints from libraries go to stderr, never into the protocol stream.
"""
from __future__ import annotations

import json
import os
import signal
import sys


def _limit_memory() -> None:
    try:
        import resource

        mb = int(os.environ.get("OMEGACTL_VERIFIER_MEMORY_MB", "2048"))
        if mb > 0:
            resource.setrlimit(resource.RLIMIT_AS, (mb * 1024 * 1024, mb * 1024 * 1024))
    except (ImportError, ValueError, OSError):
        pass


def handle(request: dict) -> dict:
    from .compare import compare
    from .symbolic import SYMPY

    try:
        outcome = compare(request["answer_type"], request["pred"], request["gold"], request.get("params"), SYMPY)
        result = {"correct": bool(outcome.correct), "parsed": outcome.parsed, "method": outcome.method, "reason": outcome.reason}
        json.dumps(result)
    except MemoryError:
        result = {"correct": False, "parsed": None, "method": "none", "reason": "too large"}
    except Exception as exc:  # noqa: BLE001 - a worker must answer every request
        result = {"correct": False, "parsed": None, "method": "none", "reason": f"error: {type(exc).__name__}"}
    result["id"] = request.get("id")
    return result


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    protocol = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1, encoding="utf-8")
    sys.stdout = sys.stderr
    _limit_memory()
    sys.setrecursionlimit(10_000)
    import sympy  # noqa: F401 - warm the import before announcing readiness

    from . import symbolic  # noqa: F401

    protocol.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            request = json.loads(line)
        except json.JSONDecodeError:
            protocol.write(json.dumps({"id": None, "correct": False, "reason": "error: bad request"}) + "\n")
            continue
        protocol.write(json.dumps(handle(request)) + "\n")


if __name__ == "__main__":
    main()
