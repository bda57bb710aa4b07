"""HTTP/1.1 keep-alive transport for ``/chat/completions`` (aiohttp), with a reply-size cap.

One ``aiohttp.ClientSession`` per event loop holds a pool of keep-alive connections sized to the
concurrency; a request is one pre-encoded JSON body in and the raw reply bytes out (parsing is the
caller's). Failures surface as exceptions that ``models.retry.classify`` understands:
``HTTPStatusError`` (non-2xx, with its ``Retry-After`` headers and the server's error message),
``ReplyTooLarge`` (a body beyond ``max_reply_bytes``: read no further, connection dropped),
aiohttp connection/payload errors and ``asyncio.TimeoutError``.

Credentials are sent only as ``Authorization: Bearer <key>``: URL userinfo is taken off by the backend
(and stripped here as well) and ``~/.netrc`` is not consulted (``trust_env`` off), so nothing is ever
sent as implicit Basic auth. Proxies still come from ``HTTPS_PROXY``/``HTTP_PROXY``/``NO_PROXY`` (read
once per replica URL with the standard library's rules).
"""
from __future__ import annotations

import asyncio
from urllib.parse import urlsplit, urlunsplit
from urllib.request import getproxies, proxy_bypass

import aiohttp
import orjson
from yarl import URL

from models.retry import HTTPStatusError, ReplyTooLarge

_ERROR_BODY_CAP = 64 * 1024  # an error body is read only this far (enough for any message)
_CHUNK = 64 * 1024
_RETRY_HEADERS = ("retry-after", "retry-after-ms")


def strip_userinfo(url: str) -> str:
    """``url`` without ``user:password@`` (the query is kept: some gateways route on it)."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None and "@" not in parts.netloc:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def completions_url(base_url: str) -> URL:
    """``<base>/chat/completions`` as a pre-parsed URL (built once per replica, not per request)."""
    parts = urlsplit(strip_userinfo(base_url))
    path = parts.path.rstrip("/") + "/chat/completions"
    return URL(urlunsplit((parts.scheme, parts.netloc, path, parts.query, "")), encoded=False)


def proxy_for(url: URL) -> str | None:
    """The proxy the environment names for ``url`` (None when unset or bypassed by ``NO_PROXY``)."""
    proxies = getproxies()
    proxy = proxies.get(url.scheme)
    if not proxy or (url.host and proxy_bypass(url.host)):
        return None
    return proxy


def error_message(status: int, raw: bytes) -> str:
    """The server's error text: ``error.message`` of a JSON error body, else the (trimmed) body."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        data = None
    if isinstance(data, dict):
        err = data.get("error", data.get("detail", data.get("message")))
        if isinstance(err, dict):
            err = err.get("message", err)
        if err is not None:
            return str(err)
    text = raw[:500].decode("utf-8", "replace").strip()
    return text or f"empty body with status {status}"


class ChatTransport:
    """Pooled POSTs of chat-completion bodies to one or more replicas (index = replica)."""

    def __init__(self, base_urls: list[str], api_key: str, *, pool_size: int, request_timeout_s: float,
                 connect_timeout_s: float, max_reply_bytes: int) -> None:
        self.urls = [completions_url(u) for u in base_urls]
        self.proxies = [proxy_for(u) for u in self.urls]
        self.max_reply_bytes = max_reply_bytes
        self._headers = {"Authorization": f"Bearer {api_key}", "Content-Type": "application/json",
                         "Accept": "application/json"}
        self._pool_size = pool_size
        self._timeout = aiohttp.ClientTimeout(total=request_timeout_s, sock_connect=connect_timeout_s)
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _session_for_running_loop(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._loop is not loop or self._session.closed:
            # a session of an earlier (closed) loop cannot be reused; it is dropped, not awaited
            connector = aiohttp.TCPConnector(limit=self._pool_size, limit_per_host=0, ttl_dns_cache=300,
                                             keepalive_timeout=30)
            self._session = aiohttp.ClientSession(connector=connector, timeout=self._timeout, trust_env=False,
                                                  cookie_jar=aiohttp.DummyCookieJar(),
                                                  headers=self._headers, skip_auto_headers=("User-Agent",),
                                                  auto_decompress=True, raise_for_status=False)
            self._loop = loop
        return self._session

    async def post(self, index: int, body: bytes) -> bytes:
        """The reply body of one POST to replica ``index``; raises on non-2xx, oversize or transport errors."""
        session = self._session_for_running_loop()
        async with session.post(self.urls[index], data=body, allow_redirects=False,
                                proxy=self.proxies[index]) as resp:
            status = resp.status
            if status >= 300 or status < 200:
                raw = await self._read_capped(resp, _ERROR_BODY_CAP, error_body=True)
                headers = {k: resp.headers[k] for k in _RETRY_HEADERS if k in resp.headers}
                raise HTTPStatusError(status, error_message(status, raw), headers)
            return await self._read_capped(resp, self.max_reply_bytes)

    async def _read_capped(self, resp: aiohttp.ClientResponse, cap: int, error_body: bool = False) -> bytes:
        length = resp.content_length
        if length is not None and length <= cap:
            return await resp.read()
        if length is not None and not error_body:
            resp.close()
            raise ReplyTooLarge(f"reply of {length} bytes exceeds max_reply_bytes={cap}")
        parts: list[bytes] = []
        total = 0
        async for chunk in resp.content.iter_chunked(_CHUNK):
            parts.append(chunk)
            total += len(chunk)
            if total > cap:
                resp.close()  # stop reading an endless or oversized body; the connection is dropped
                if error_body:
                    return b"".join(parts)[:cap]
                raise ReplyTooLarge(f"reply body exceeds max_reply_bytes={cap} (stopped reading at {total} bytes)")
        return b"".join(parts)

    async def aclose(self) -> None:
        session, self._session = self._session, None
        loop, self._loop = self._loop, None
        if session is None or session.closed:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            await session.close()
        else:  # the loop that owned it is gone: close the sockets without awaiting
            connector = session.connector
            if connector is not None:
                connector._close()  # noqa: SLF001 - the public close() needs the dead loop
