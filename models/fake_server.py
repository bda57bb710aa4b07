"""A deterministic OpenAI-compatible server for tests and benchmarks (stdlib only).

Serves ``POST /v1/chat/completions`` and ``GET /v1/models`` on 127.0.0.1 from a background thread.
Answers come from a policy: a callable ``(messages, body) -> str | (str, finish_reason)``, or a dict
mapping the last user message to a reply, with a default. Token counts are whitespace words; a reply
longer than the request's ``max_tokens`` is cut and gets ``finish_reason="length"``.

Fault injection (seeded, so a run is reproducible given the arrival order): ``faults`` is a dict
``kind -> probability`` or a callable ``(request_number, body) -> kind | None``. Kinds:
``429`` (with Retry-After), ``429_no_retry_after``, ``500``, ``503``, ``reset`` (TCP reset),
``hang`` (no reply for ``hang_s``), ``truncated_json``, ``empty_choices``, ``missing_content``.
``max_concurrent`` answers 429 to requests beyond that many in flight (a rate limiter);
``max_context_tokens`` answers 400 (OpenAI's wording) when prompt words + ``max_tokens`` exceed it.

Usage::

    with FakeServer({"What is 2+2?": "4"}, default="I don't know") as server:
        ...  # server.base_url, server.bodies, server.counts

    python -m models.fake_server --port 8001 --answers answers.jsonl   # {"prompt": ..., "response": ...}
"""
from __future__ import annotations

import argparse
import json
import random
import socket
import struct
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Mapping

FAULT_KINDS = ("429", "429_no_retry_after", "500", "503", "reset", "hang", "truncated_json",
               "empty_choices", "missing_content")

Policy = Callable[[list, dict], "str | tuple[str, str]"]
FaultPicker = Callable[[int, dict], "str | None"]


def last_user_text(messages: list) -> str:
    """Text of the last user message ('' when there is none)."""
    for message in reversed(messages or []):
        if isinstance(message, dict) and message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, list):
                return "".join(p.get("text", "") for p in content if isinstance(p, dict))
            return str(content or "")
    return ""


def count_tokens(text: str) -> int:
    return len(text.split())


class FakeServer:
    """A context-managed fake chat-completions server; inspect ``bodies`` and ``counts`` afterwards."""

    def __init__(self, answers: Policy | Mapping[str, str] | None = None, *, default: str = "OK",
                 model: str = "fake-model", faults: Mapping[str, float] | FaultPicker | None = None,
                 seed: int = 0, latency_s: float = 0.0, retry_after_s: float = 1.0, hang_s: float = 30.0,
                 max_concurrent: int | None = None, max_context_tokens: int | None = None,
                 api_key: str | None = None,
                 host: str = "127.0.0.1", port: int = 0) -> None:
        if isinstance(faults, Mapping):
            unknown = sorted(set(faults) - set(FAULT_KINDS))
            if unknown:
                raise ValueError(f"unknown fault kinds {unknown}; known: {', '.join(FAULT_KINDS)}")
            if sum(faults.values()) > 1.0 + 1e-9:
                raise ValueError("fault probabilities sum to more than 1")
        self.answers = answers
        self.default = default
        self.model = model
        self.faults = faults
        self.latency_s = latency_s
        self.retry_after_s = retry_after_s
        self.hang_s = hang_s
        self.max_concurrent = max_concurrent
        self.max_context_tokens = max_context_tokens
        self.api_key = api_key
        self.bodies: list[dict] = []
        self.counts: Counter = Counter()
        self.usage = {"prompt_tokens": 0, "completion_tokens": 0}
        self.in_flight = 0
        self.max_in_flight = 0
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._httpd = _Server((host, port), _make_handler(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> "FakeServer":
        if self._thread is None:
            self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                            name="fake-openai-server", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> "FakeServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- behaviour -----------------------------------------------------------------------------------
    def pick_fault(self, number: int, body: dict) -> str | None:
        """The fault for request ``number`` (0-based arrival order), or None to answer normally."""
        if self.faults is None:
            return None
        if callable(self.faults):
            return self.faults(number, body)
        with self._lock:
            u = self._rng.random()
        total = 0.0
        for kind in sorted(self.faults):
            total += self.faults[kind]
            if u < total:
                return kind
        return None

    def answer(self, messages: list, body: dict) -> tuple[str, str]:
        """(text, finish_reason) for a well-formed request, after the max_tokens cut."""
        if callable(self.answers):
            out = self.answers(messages, body)
        elif isinstance(self.answers, Mapping):
            out = self.answers.get(last_user_text(messages), self.default)
        else:
            out = self.default
        text, finish = (out, "stop") if isinstance(out, str) else (out[0], out[1])
        cap = body.get("max_tokens") or body.get("max_completion_tokens")
        words = text.split()
        if isinstance(cap, int) and len(words) > cap:
            text, finish = " ".join(words[:cap]), "length"
        return text, finish

    def completion(self, body: dict, number: int) -> dict:
        messages = body.get("messages") or []
        text, finish = self.answer(messages, body)
        prompt_tokens = sum(count_tokens(str(m.get("content", ""))) for m in messages if isinstance(m, dict))
        completion_tokens = count_tokens(text)
        with self._lock:
            self.usage["prompt_tokens"] += prompt_tokens
            self.usage["completion_tokens"] += completion_tokens
        return {
            "id": f"chatcmpl-fake-{number}",
            "object": "chat.completion",
            "created": 0,
            "model": self.model,
            "system_fingerprint": "fp_fake",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                         "finish_reason": finish, "logprobs": None}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens},
        }


def _error_body(message: str, kind: str, code: str) -> dict:
    return {"error": {"message": message, "type": kind, "code": code}}


class _Server(ThreadingHTTPServer):
    """A deep listen backlog: at high concurrency the stdlib default of 5 resets connections."""

    request_queue_size = 1024


def _make_handler(server: FakeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms Nagle stall
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # keep test output quiet
            pass

        def _send_json(self, status: int, payload: object, headers: Mapping[str, str] | None = None,
                       raw: bytes | None = None) -> None:
            data = raw if raw is not None else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def _reset(self) -> None:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()

        def do_GET(self) -> None:
            if self.path.rstrip("/") in ("/v1/models", "/models"):
                self._send_json(200, {"object": "list", "data": [{"id": server.model, "object": "model",
                                                                  "owned_by": "fake"}]})
            else:
                self._send_json(404, _error_body(f"no route {self.path}", "not_found", "not_found"))

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if self.path.rstrip("/") not in ("/v1/chat/completions", "/chat/completions"):
                self._send_json(404, _error_body(f"no route {self.path}", "not_found", "not_found"))
                return
            try:
                body = json.loads(raw or b"{}")
            except json.JSONDecodeError:
                self._send_json(400, _error_body("request body is not JSON", "invalid_request_error", "bad_json"))
                return
            with server._lock:
                number = len(server.bodies)
                server.bodies.append(body)
                server.in_flight += 1
                server.max_in_flight = max(server.max_in_flight, server.in_flight)
                overloaded = server.max_concurrent is not None and server.in_flight > server.max_concurrent
            try:
                self._respond(body, number, overloaded)
            finally:
                with server._lock:
                    server.in_flight -= 1

        def _respond(self, body: dict, number: int, overloaded: bool) -> None:
            if server.api_key is not None:
                sent = (self.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
                if sent != server.api_key:
                    server.counts["401"] += 1  # echoes the key on purpose: clients must redact it
                    self._send_json(401, _error_body(f"Incorrect API key provided: {sent}",
                                                     "invalid_request_error", "invalid_api_key"))
                    return
            if server.max_context_tokens is not None:
                prompt = sum(count_tokens(str(m.get("content", ""))) for m in body.get("messages") or []
                             if isinstance(m, dict))
                wanted = prompt + int(body.get("max_tokens") or body.get("max_completion_tokens") or 0)
                if wanted > server.max_context_tokens:
                    server.counts["context_length"] += 1
                    self._send_json(400, _error_body(
                        f"This model's maximum context length is {server.max_context_tokens} tokens. However, you "
                        f"requested {wanted} tokens. Please reduce the length of the messages or completion.",
                        "invalid_request_error", "context_length_exceeded"))
                    return
            if server.latency_s:
                server._stop.wait(server.latency_s)
            if overloaded:
                server.counts["overload"] += 1
                self._send_json(429, _error_body("too many concurrent requests", "rate_limit", "rate_limited"))
                return
            fault = server.pick_fault(number, body)
            server.counts[fault or "ok"] += 1
            if fault == "429":
                self._send_json(429, _error_body("rate limited", "rate_limit", "rate_limited"),
                                {"Retry-After": f"{server.retry_after_s:g}"})
            elif fault == "429_no_retry_after":
                self._send_json(429, _error_body("rate limited", "rate_limit", "rate_limited"))
            elif fault in ("500", "503"):
                self._send_json(int(fault), _error_body("injected server error", "server_error", fault))
            elif fault == "reset":
                self._reset()
            elif fault == "hang":
                server._stop.wait(server.hang_s)
                self.close_connection = True
                self.connection.close()
            elif fault == "truncated_json":
                data = json.dumps(server.completion(body, number)).encode()
                self._send_json(200, None, raw=data[: len(data) // 2])
            elif fault == "empty_choices":
                payload = server.completion(body, number)
                payload["choices"] = []
                self._send_json(200, payload)
            elif fault == "missing_content":
                payload = server.completion(body, number)
                del payload["choices"][0]["message"]["content"]
                payload["choices"][0]["finish_reason"] = "stop"
                self._send_json(200, payload)
            else:
                self._send_json(200, server.completion(body, number))

    return Handler


def load_answers(path: str) -> dict[str, str]:
    """``{"prompt": ..., "response": ...}`` per JSONL line → prompt-to-response mapping."""
    answers: dict[str, str] = {}
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if not isinstance(row, dict) or "prompt" not in row or "response" not in row:
                raise SystemExit(f"{path}:{number}: each line needs 'prompt' and 'response'")
            answers[str(row["prompt"])] = str(row["response"])
    return answers


def parse_fault_spec(text: str) -> dict[str, float]:
    """``429=0.1,500=0.05`` → ``{"429": 0.1, "500": 0.05}``."""
    out: dict[str, float] = {}
    for item in filter(None, (s.strip() for s in text.split(","))):
        kind, _, rate = item.partition("=")
        out[kind.strip()] = float(rate)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m models.fake_server", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--answers", help="JSONL with prompt/response per line")
    parser.add_argument("--default", default="OK", help="reply for prompts not in --answers")
    parser.add_argument("--model", default="fake-model")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every reply")
    parser.add_argument("--faults", default="", help="kind=rate,... kinds: " + ", ".join(FAULT_KINDS))
    parser.add_argument("--seed", type=int, default=0, help="seed of the fault RNG")
    parser.add_argument("--retry-after", type=float, default=1.0)
    parser.add_argument("--max-concurrent", type=int, default=None)
    args = parser.parse_args(argv)
    server = FakeServer(load_answers(args.answers) if args.answers else None, default=args.default,
                        model=args.model, faults=parse_fault_spec(args.faults) or None, seed=args.seed,
                        latency_s=args.latency, retry_after_s=args.retry_after,
                        max_concurrent=args.max_concurrent, host=args.host, port=args.port)
    with server:
        print(f"fake OpenAI server on {server.base_url} (Ctrl-C to stop)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
