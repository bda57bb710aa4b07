"""The HTTP client's limits: URL userinfo is a Bearer key (never Basic auth), reply-size cap, auth circuit
breaker and the run-wide retry budget (issue 19, items 5-7)."""
from __future__ import annotations

import asyncio
import socket
import threading
import time

import pytest

from models import BackendError, load_backend
from models.base import GenerationRequest
from models.fake_server import FakeServer
from models.retry import Failure
from tests.models.helpers import fast_backend, make_requests, run_all, user

SECRET = "URLSECRET-5a1c9e77"


class EndlessServer:
    """Answers every POST with ``200`` and a body that never ends (or a huge declared Content-Length)."""

    def __init__(self, declared_length: int | None = None) -> None:
        self.declared_length = declared_length
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.1)  # accept() polls the stop flag: no listener outlives the test
        self.requests = 0
        self.hung_up = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/v1"

    def __enter__(self) -> "EndlessServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)  # the accept loop ends within its 0.1 s poll, then the port is freed
        self.sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            conn.settimeout(None)
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            self.requests += 1
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            head += (f"Content-Length: {self.declared_length}\r\n".encode() if self.declared_length
                     else b"Connection: close\r\n")
            block = b"x" * 65536
            try:
                conn.sendall(head + b'\r\n{"choices": [{"message": {"content": "')
                while not self._stop.is_set():
                    conn.sendall(block)
            except OSError:
                self.hung_up += 1  # the client dropped the connection: that is the point


# -- URL userinfo ---------------------------------------------------------------------------------
@pytest.mark.parametrize("userinfo", [f"proxyuser:{SECRET}@", f"{SECRET}@"])
def test_url_userinfo_is_sent_as_the_bearer_key_not_basic_auth(userinfo, no_openai_env):
    with FakeServer(api_key=SECRET) as server:  # 401 for anything but "Bearer <SECRET>" (Basic would fail)
        url = server.base_url.replace("http://", f"http://{userinfo}")
        backend = load_backend("openai:fake-model", base_url=url)
        results = run_all(backend, make_requests(3))
    assert [r.text for r in results] == ["OK"] * 3 and server.counts["401"] == 0
    info = backend.info()
    assert info["base_urls"] == [server.base_url] and "userinfo" in info["api_key_source"]
    assert SECRET not in str(info) and SECRET not in str(backend.stats())


def test_api_key_env_wins_over_url_userinfo_and_replicas_must_agree(monkeypatch, no_openai_env):
    monkeypatch.setenv("OMEGA_TEST_KEY", "the-env-key")
    with FakeServer(api_key="the-env-key") as server:
        url = server.base_url.replace("http://", f"http://u:{SECRET}@")
        backend = load_backend("openai:fake-model", base_url=url, api_key_env="OMEGA_TEST_KEY")
        assert run_all(backend, make_requests(1))[0].text == "OK"
    with pytest.raises(BackendError, match="different credentials") as info:
        load_backend("openai:m", base_url="http://a:one-key@127.0.0.1:1/v1,http://b:two-key@127.0.0.1:2/v1")
    assert "one-key" not in str(info.value) and "two-key" not in str(info.value)


# -- reply-size cap -------------------------------------------------------------------------------
@pytest.mark.parametrize("declared", [None, 10**12])
def test_an_endless_or_oversized_reply_ends_as_reply_too_large(declared):
    with EndlessServer(declared_length=declared) as server:
        backend = fast_backend(server.base_url, max_reply_bytes=1 << 20, request_timeout_s=20.0)
        start = time.monotonic()
        results = run_all(backend, make_requests(2))
        took = time.monotonic() - start
        deadline = time.monotonic() + 5
        while server.hung_up < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    assert took < 15
    assert server.hung_up == 2  # both connections were dropped, not left streaming
    for r in results:
        assert r.text is None and r.attempts == 1 and r.error.startswith("reply_too_large:")
        assert "max_reply_bytes=1048576" in r.error
    assert backend.stats()["reply_too_large"] == 2


# -- auth circuit breaker ---------------------------------------------------------------------------
def test_identical_auth_failures_stop_the_stream_after_a_few():
    with FakeServer(api_key="the-right-key") as server:
        backend = fast_backend(server.base_url, api_key="a-wrong-key", concurrency=2)
        got = []

        async def go():
            try:
                async for result in backend.stream(make_requests(30)):
                    got.append(result)
            finally:
                await backend.aclose()

        with pytest.raises(BackendError) as info:
            asyncio.run(go())
    message = str(info.value)
    assert "stopped after 3 identical HTTP 401 answers in a row" in message and "\n" not in message
    assert "a-wrong-key" not in message  # the server quoted it; the message is redacted
    assert 3 <= server.counts["401"] <= 4  # the other 26 requests were never sent
    assert len(got) == server.counts["401"] and all(r.error.startswith("client_error: HTTP 401") for r in got)


def test_a_success_between_auth_failures_resets_the_breaker():
    with FakeServer(faults=None) as server:
        backend = fast_backend(server.base_url, auth_failures_to_stop=2)
        # the breaker is fed by _count_failure: a 401, a real success, a 401 is not two in a row
        backend._count_failure(Failure("client_error", "HTTP 401: no", False, 401))
        results = run_all(backend, make_requests(1))
        backend._count_failure(Failure("client_error", "HTTP 401: no", False, 401))
    assert results[0].text == "OK" and backend._stopped_by is None
    backend._count_failure(Failure("client_error", "HTTP 401: no", False, 401))
    assert backend._stopped_by is not None


# -- run-wide retry budget --------------------------------------------------------------------------
def test_an_always_failing_server_costs_one_attempt_per_request_once_the_run_budget_is_spent():
    with FakeServer(faults=lambda n, b: "500") as server:
        backend = fast_backend(server.base_url, max_retries=8, concurrency=4, run_retry_floor=10)
        results = run_all(backend, make_requests(30))
    assert len(server.bodies) == 30 + 10  # not 30 * 9
    assert all(r.text is None for r in results)
    refused = [r for r in results if "run-wide retry budget spent (10 retries)" in r.error]
    assert len(refused) >= 20 and backend.stats()["run_retries_spent"] == 10


def test_successes_refill_the_run_budget():
    # every other attempt fails: with one retry allowed per success the run never runs dry
    with FakeServer({"q": "fine"}, faults=lambda n, b: "503" if n % 2 == 0 else None) as server:
        backend = fast_backend(server.base_url, max_retries=3, concurrency=1, run_retry_floor=1)
        results = run_all(backend, [GenerationRequest(key=f"k{i}", messages=user("q")) for i in range(20)])
    assert all(r.text == "fine" and r.attempts == 2 for r in results)


def test_stream_accepts_a_lazy_iterable():
    with FakeServer() as server:
        backend = fast_backend(server.base_url, concurrency=3)
        made = []

        def lazy():
            for req in make_requests(7):
                made.append(req.key)
                yield req

        results = run_all(backend, lazy())
    assert len(results) == 7 and sorted(r.key for r in results) == sorted(made)


def test_proxies_come_from_the_environment_and_no_proxy_is_honoured(monkeypatch):
    from models.chat_http import completions_url, proxy_for

    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    monkeypatch.setenv("NO_PROXY", "models.internal")
    assert proxy_for(completions_url("https://api.example.com/v1")) == "http://proxy.internal:3128"
    assert proxy_for(completions_url("https://models.internal/v1")) is None
    assert str(completions_url("https://u:p@api.example.com/v1/?api-version=2")) == \
        "https://api.example.com/v1/chat/completions?api-version=2"
