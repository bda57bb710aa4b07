"""Helpers for backend tests: run a stream to completion, build fast-retrying openai backends."""
from __future__ import annotations

import asyncio
import random

from models.base import GenerationRequest, GenerationResult
from models.openai_backend import LOOPBACK_DUMMY_KEY, OpenAIBackend, OpenAISettings


def user(text: str) -> list[dict]:
    return [{"role": "user", "content": text}]


def make_requests(n: int, text: str = "hi", **kwargs) -> list[GenerationRequest]:
    return [GenerationRequest(key=f"p{i}#0", messages=user(text), seed=i, **kwargs) for i in range(n)]


async def drain(backend, requests) -> list[GenerationResult]:
    return [r async for r in backend.stream(requests)]


def run_all(backend, requests) -> list[GenerationResult]:
    """Collect every result of one stream in a fresh event loop (closing the clients afterwards)."""
    async def go():
        try:
            return await drain(backend, requests)
        finally:
            await backend.aclose()
    return asyncio.run(go())


def fast_backend(base_urls, *, api_key: str = LOOPBACK_DUMMY_KEY, **overrides) -> OpenAIBackend:
    """An openai backend with millisecond backoff so fault tests run quickly."""
    urls = [base_urls] if isinstance(base_urls, str) else list(base_urls)
    fields = dict(model="fake-model", base_urls=urls, concurrency=4, request_timeout_s=5.0, retry_budget_s=30.0,
                  max_retries=4, backoff_base_s=0.005, backoff_cap_s=0.02, connect_timeout_s=2.0)
    fields.update(overrides)
    return OpenAIBackend(OpenAISettings(**fields), api_key, "test", rng=random.Random(0))
