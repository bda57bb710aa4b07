"""API keys never show up in info(), stats(), error fields or log records."""
from __future__ import annotations

import json
import logging

from models import load_backend
from models.base import GenerationRequest
from models.fake_server import FakeServer
from models.net import one_line, redact, sanitize_url
from tests.models.helpers import run_all, user

SECRET = "sk-test-SECRET123"
NOT_KEY_SHAPED = "hunter2hunter2-SECRET456"


def _everything(backend, results, caplog) -> str:
    return "\n".join([json.dumps(backend.info()), json.dumps(backend.stats()),
                      *(str(r) for r in results), caplog.text])


def test_key_is_sent_but_never_reported(monkeypatch, caplog):
    monkeypatch.setenv("OMEGA_TEST_KEY", SECRET)
    caplog.set_level(logging.DEBUG)
    with FakeServer(api_key=SECRET, faults=lambda n, b: "500" if n % 2 == 0 else None) as server:
        backend = load_backend("openai:fake-model", base_url=server.base_url, api_key_env="OMEGA_TEST_KEY",
                               model_args={"backoff_base_s": 0.001, "backoff_cap_s": 0.005})
        results = run_all(backend, [GenerationRequest(key=f"k{i}", messages=user("q")) for i in range(4)])
    assert all(r.text == "OK" for r in results)  # the server accepted the key
    assert backend.info()["api_key_source"] == "env:OMEGA_TEST_KEY"
    assert "SECRET123" not in _everything(backend, results, caplog)


def test_key_echoed_by_a_server_is_redacted_from_errors(monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    for key in (SECRET, NOT_KEY_SHAPED):
        monkeypatch.setenv("OMEGA_TEST_KEY", key)
        with FakeServer(api_key="the-real-one") as server:  # answers 401 quoting the key it received
            backend = load_backend("openai:fake-model", base_url=server.base_url, api_key_env="OMEGA_TEST_KEY")
            results = run_all(backend, [GenerationRequest(key="a", messages=user("q"))])
        assert results[0].error.startswith("client_error: HTTP 401")
        assert "Incorrect API key provided: ***" in results[0].error
        text = _everything(backend, results, caplog)
        assert "SECRET123" not in text and "SECRET456" not in text


def test_url_credentials_and_query_are_dropped():
    assert sanitize_url("https://user:pw@example.com:8443/v1?api-key=abc#x") == "https://example.com:8443/v1"
    assert sanitize_url("http://[::1]:8000/v1") == "http://[::1]:8000/v1"


def test_redaction_helpers():
    assert redact(f"bad key {SECRET} here") == "bad key *** here"
    assert redact("token=hunter2hunter2", ["hunter2hunter2"]) == "token=***"
    assert one_line("a\n  b\tc " + "x" * 1000, limit=20) == "a b c " + "x" * 11 + "..."
