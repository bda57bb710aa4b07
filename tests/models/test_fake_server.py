"""The fake OpenAI-compatible server itself: routes, answer policies, seeded faults, the CLI."""
from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from models.fake_server import FAULT_KINDS, FakeServer, parse_fault_spec
from models.net import free_port


def post(url: str, payload: dict) -> tuple[int, dict]:
    request = urllib.request.Request(f"{url}/chat/completions", data=json.dumps(payload).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def chat(text: str, **extra) -> dict:
    return {"model": "m", "messages": [{"role": "system", "content": "be brief"},
                                        {"role": "user", "content": text}], **extra}


def test_models_route_and_answer_policies():
    with FakeServer({"2+2?": "4"}, default="no idea", model="fm") as server:
        with urllib.request.urlopen(f"{server.base_url}/models", timeout=5) as resp:
            assert json.loads(resp.read())["data"][0]["id"] == "fm"
        status, data = post(server.base_url, chat("2+2?"))
        assert status == 200 and data["choices"][0]["message"]["content"] == "4"
        assert data["usage"] == {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}
        assert post(server.base_url, chat("other"))[1]["choices"][0]["message"]["content"] == "no idea"
        assert server.usage == {"prompt_tokens": 6, "completion_tokens": 3}
    with FakeServer(lambda messages, body: ("echo " + messages[-1]["content"], "stop")) as server:
        assert post(server.base_url, chat("x"))[1]["choices"][0]["message"]["content"] == "echo x"


def test_length_cut():
    with FakeServer(default="a b c d e") as server:
        choice = post(server.base_url, chat("q", max_tokens=2))[1]["choices"][0]
    assert (choice["message"]["content"], choice["finish_reason"]) == ("a b", "length")


def test_seeded_faults_are_reproducible():
    def run(seed):
        with FakeServer(faults={"500": 0.3, "503": 0.2}, seed=seed) as server:
            return [post(server.base_url, chat("q"))[0] for _ in range(40)]

    first, again, other = run(5), run(5), run(6)
    assert first == again and first != other
    assert set(first) == {200, 500, 503} and 8 <= first.count(500) + first.count(503) <= 32


def test_fault_kinds_and_validation():
    with FakeServer(faults=lambda n, b: ["429", "empty_choices", None][n]) as server:
        assert post(server.base_url, chat("q"))[0] == 429
        assert post(server.base_url, chat("q"))[1]["choices"] == []
        assert post(server.base_url, chat("q"))[0] == 200
        assert dict(server.counts) == {"429": 1, "empty_choices": 1, "ok": 1}
    with pytest.raises(ValueError):
        FakeServer(faults={"teapot": 0.1})
    with pytest.raises(ValueError):
        FakeServer(faults={"500": 0.7, "503": 0.7})
    assert parse_fault_spec("429=0.1, hang=0.05") == {"429": 0.1, "hang": 0.05}
    assert len(FAULT_KINDS) == 9


def test_command_line_server(tmp_path):
    answers = tmp_path / "answers.jsonl"
    answers.write_text(json.dumps({"prompt": "capital of France?", "response": "Paris"}) + "\n")
    port = free_port()
    cmd = [sys.executable, "-m", "models.fake_server", "--port", str(port), "--answers", str(answers)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        assert "fake OpenAI server on" in proc.stdout.readline()
        base = f"http://127.0.0.1:{port}/v1"
        deadline = time.monotonic() + 10
        while True:
            try:
                status, data = post(base, chat("capital of France?"))
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        assert status == 200 and data["choices"][0]["message"]["content"] == "Paris"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
