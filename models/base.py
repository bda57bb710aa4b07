"""The backend contract: request/result records, the abstract ``Backend`` and ``BackendError``.

The eval pipeline talks to every backend (openai-compatible, offline vLLM, the managed local
server) only through these types. One request is one sample: the caller expands ``n`` samples
into ``n`` requests, each with its own ``seed``.
"""
from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import AsyncIterator


class BackendError(Exception):
    """A configuration or startup problem; the CLI prints the one-line message and exits 2."""


class BackendDied(BackendError):
    """The backend's process died mid-run (a crash, OOM): the run fails (exit 3) and is not retried."""


@dataclass
class GenerationRequest:
    """One chat completion to produce; ``key`` is an opaque id chosen by the caller."""

    key: str
    messages: list[dict]
    sample_index: int = 0
    seed: int | None = None
    temperature: float = 0.0
    top_p: float = 1.0
    max_tokens: int = 2048
    extra: dict = field(default_factory=dict)


@dataclass
class GenerationResult:
    """The outcome of one request. ``text is None`` and ``error`` set when it failed for good.

    ``reasoning`` holds a separate reasoning channel when the server returns one
    (``reasoning_content`` from vLLM reasoning parsers, DeepSeek, ...); ``text`` is the answer channel.
    """

    key: str
    text: str | None
    finish_reason: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    latency_s: float
    error: str | None
    attempts: int
    reasoning: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.text is not None


class Backend(abc.ABC):
    """A model behind one small async interface."""

    name: str = "abstract"

    @abc.abstractmethod
    def stream(self, requests: list[GenerationRequest]) -> AsyncIterator[GenerationResult]:
        """Yield one result per request as soon as it is done (completion order).

        Per-request failures end as results with ``error`` set; the iterator does not raise for them.
        """

    @abc.abstractmethod
    def info(self) -> dict:
        """Manifest information: backend, model, base URLs (never secrets), library versions, settings."""

    @abc.abstractmethod
    def stats(self) -> dict:
        """Live counters for progress displays and the manifest."""

    async def aclose(self) -> None:
        """Release clients, servers and models. Safe to call more than once."""
