"""The openai backend against the fake server: answers, seeds, retries per fault, backoff, AIMD, replicas."""
from __future__ import annotations

import asyncio
import time

import pytest

from models.base import GenerationRequest
from models.fake_server import FAULT_KINDS, FakeServer
from models.net import free_port
from tests.models.helpers import drain, fast_backend, make_requests, run_all, user


def first_n_fail(kind: str, n: int = 1):
    return lambda number, body: kind if number < n else None


def test_answers_match_prompts_and_usage_is_reported():
    answers = {f"q{i}": f"answer number {i}" for i in range(10)}
    with FakeServer(answers, default="unknown") as server:
        backend = fast_backend(server.base_url)
        reqs = [GenerationRequest(key=f"k{i}", messages=user(f"q{i}")) for i in range(10)]
        reqs.append(GenerationRequest(key="other", messages=user("not in the table")))
        results = {r.key: r for r in run_all(backend, reqs)}
    assert len(results) == 11
    for i in range(10):
        r = results[f"k{i}"]
        assert (r.text, r.error, r.attempts, r.finish_reason) == (f"answer number {i}", None, 1, "stop")
        assert r.prompt_tokens == 1 and r.completion_tokens == 3 and r.latency_s >= 0
    assert results["other"].text == "unknown"
    assert backend.stats()["completed"] == 11 and backend.stats()["errors"] == 0
    assert backend.info()["served_models"] == ["fake-model"]


def test_seed_and_sampling_parameters_reach_the_server():
    with FakeServer() as server:
        backend = fast_backend(server.base_url)
        reqs = [GenerationRequest(key=f"k{i}", messages=user("x"), seed=1000 + i, temperature=0.7, top_p=0.9,
                                  max_tokens=77, extra={"top_k": 20, "stop": ["</answer>"]}) for i in range(5)]
        reqs.append(GenerationRequest(key="noseed", messages=user("y")))
        run_all(backend, reqs)
    by_prompt = {}
    for body in server.bodies:
        by_prompt.setdefault(body["messages"][-1]["content"], []).append(body)
    seeded = by_prompt["x"]
    assert sorted(b["seed"] for b in seeded) == [1000, 1001, 1002, 1003, 1004]
    for body in seeded:
        assert (body["temperature"], body["top_p"], body["max_tokens"]) == (0.7, 0.9, 77)
        assert body["top_k"] == 20 and body["stop"] == ["</answer>"] and body["model"] == "fake-model"
        assert "n" not in body
    assert "seed" not in by_prompt["y"][0]


def test_max_completion_tokens_param_for_reasoning_models():
    with FakeServer() as server:
        backend = fast_backend(server.base_url, max_tokens_param="max_completion_tokens")
        run_all(backend, [GenerationRequest(key="a", messages=user("x"), max_tokens=9)])
    assert server.bodies[0]["max_completion_tokens"] == 9 and "max_tokens" not in server.bodies[0]


def test_token_cap_gives_finish_reason_length():
    with FakeServer(default="one two three four five six") as server:
        results = run_all(fast_backend(server.base_url),
                          [GenerationRequest(key="a", messages=user("x"), max_tokens=3)])
    assert (results[0].text, results[0].finish_reason, results[0].completion_tokens) == ("one two three", "length", 3)


@pytest.mark.parametrize("kind", FAULT_KINDS)
def test_each_fault_kind_is_retried_until_success(kind):
    with FakeServer({"q": "the reply"}, faults=first_n_fail(kind, 2), retry_after_s=0.05, hang_s=5.0) as server:
        backend = fast_backend(server.base_url, request_timeout_s=0.5)
        results = run_all(backend, [GenerationRequest(key="a", messages=user("q"), seed=3)])
    r = results[0]
    assert (r.text, r.error, r.attempts) == ("the reply", None, 3)
    assert server.counts[kind] == 2 and server.counts["ok"] == 1
    assert [b["seed"] for b in server.bodies] == [3, 3, 3]  # the same seed on every attempt
    stats = backend.stats()
    assert stats["retries"] == 2
    expected_counter = {"429": "rate_limited", "429_no_retry_after": "rate_limited", "500": "server_errors",
                        "503": "server_errors", "reset": "connection_errors", "hang": "timeouts",
                        "truncated_json": "malformed", "empty_choices": "malformed",
                        "missing_content": "malformed"}[kind]
    assert stats[expected_counter] == 2


def test_retry_after_is_honoured():
    with FakeServer(faults=first_n_fail("429", 1), retry_after_s=0.6) as server:
        backend = fast_backend(server.base_url)
        start = time.monotonic()
        results = run_all(backend, [GenerationRequest(key="a", messages=user("q"))])
        elapsed = time.monotonic() - start
    assert results[0].error is None and results[0].attempts == 2
    assert elapsed >= 0.6 and results[0].latency_s >= 0.6
    assert elapsed < 0.6 + 0.06 + 2.0  # Retry-After plus at most 10 % spread, not the full backoff cap


def test_retry_after_pauses_other_requests_too():
    # one 429 with Retry-After pauses the (single) replica: requests sent after it wait as well
    with FakeServer(faults=first_n_fail("429", 1), retry_after_s=0.5, latency_s=0.05) as server:
        backend = fast_backend(server.base_url, concurrency=1)
        results = run_all(backend, make_requests(3))
    assert all(r.error is None for r in results)
    assert sorted(r.attempts for r in results) == [1, 1, 2]
    assert all(r.latency_s >= 0.45 for r in results if r.attempts == 2)


def test_retry_after_beyond_the_budget_gives_up_with_a_clear_error():
    with FakeServer(faults=lambda n, b: "429", retry_after_s=30) as server:
        backend = fast_backend(server.base_url, retry_budget_s=1.0)
        start = time.monotonic()
        results = run_all(backend, [GenerationRequest(key="a", messages=user("q"))])
    assert time.monotonic() - start < 5
    assert results[0].text is None and results[0].attempts == 1
    assert "Retry-After 30s exceeds the remaining retry budget" in results[0].error


def test_failure_after_max_retries_is_a_result_not_an_exception():
    with FakeServer(faults=lambda n, b: "500") as server:
        backend = fast_backend(server.base_url, max_retries=3)
        results = run_all(backend, make_requests(3))
    assert len(results) == 3
    for r in results:
        assert r.text is None and r.attempts == 4 and r.finish_reason is None
        assert r.error.startswith("server_error: HTTP 500") and "max_retries=3" in r.error
        assert "\n" not in r.error
    assert backend.stats()["errors"] == 3 and server.counts["500"] == 12


def test_failure_after_time_budget():
    with FakeServer(faults=lambda n, b: "503") as server:
        backend = fast_backend(server.base_url, max_retries=1000, retry_budget_s=0.3, backoff_base_s=0.05,
                               backoff_cap_s=0.1, run_retry_floor=1000)  # the per-request budget decides here
        start = time.monotonic()
        results = run_all(backend, [GenerationRequest(key="a", messages=user("q"))])
    assert time.monotonic() - start < 2.0
    assert results[0].text is None and "retry budget 0.3s exhausted" in results[0].error
    assert 2 <= results[0].attempts < 1000


def test_hang_past_timeout_fails_after_retries():
    with FakeServer(faults=lambda n, b: "hang", hang_s=5.0) as server:
        backend = fast_backend(server.base_url, request_timeout_s=0.3, max_retries=1)
        start = time.monotonic()
        results = run_all(backend, [GenerationRequest(key="a", messages=user("q"))])
        assert time.monotonic() - start < 3.0
    assert results[0].attempts == 2 and results[0].error.startswith("timeout")


def test_client_errors_are_not_retried():
    with FakeServer(api_key="the-right-key") as server:
        backend = fast_backend(server.base_url, api_key="a-wrong-key")
        results = run_all(backend, [GenerationRequest(key="a", messages=user("q"))])
    assert results[0].attempts == 1 and results[0].error.startswith("client_error: HTTP 401")
    assert server.counts["401"] == 1


def test_prompts_longer_than_the_context_are_reported_as_such():
    with FakeServer(max_context_tokens=10) as server:
        backend = fast_backend(server.base_url)
        results = {r.key: r for r in run_all(backend, [
            GenerationRequest(key="long", messages=user("word " * 20), max_tokens=5),
            GenerationRequest(key="short", messages=user("hi"), max_tokens=5)])}
    assert results["long"].attempts == 1 and results["long"].error.startswith("context_length: HTTP 400")
    assert results["short"].text == "OK"
    assert backend.stats()["context_length"] == 1 and backend.stats()["client_errors"] == 0


def test_bad_gen_kwargs_end_as_error_results_without_a_request():
    with FakeServer() as server:
        backend = fast_backend(server.base_url)
        results = run_all(backend, [GenerationRequest(key="a", messages=user("q"), extra={"n": 4}),
                                    GenerationRequest(key="b", messages=user("q"), extra={"stream": True}),
                                    GenerationRequest(key="c", messages=[]),
                                    GenerationRequest(key="d", messages=user("q"), extra={"n": 1})])
    by_key = {r.key: r for r in results}
    assert "n>1 is not supported" in by_key["a"].error and by_key["a"].attempts == 0
    assert "stream" in by_key["b"].error and "no messages" in by_key["c"].error
    assert by_key["d"].text == "OK"
    assert len(server.bodies) == 1


def test_malformed_replies_are_retried_and_counted():
    kinds = ["truncated_json", "empty_choices", "missing_content"]
    with FakeServer(faults=lambda n, b: kinds[n] if n < 3 else None) as server:
        backend = fast_backend(server.base_url, concurrency=1, max_retries=5)
        results = run_all(backend, [GenerationRequest(key="a", messages=user("q"))])
    assert results[0].text == "OK" and results[0].attempts == 4
    assert backend.stats()["malformed"] == 3


def test_results_arrive_in_completion_order():
    def slow_first(messages, body):
        if messages[-1]["content"] == "slow":
            time.sleep(0.4)
        return messages[-1]["content"]

    with FakeServer(slow_first) as server:
        backend = fast_backend(server.base_url, concurrency=2)
        reqs = [GenerationRequest(key="slow", messages=user("slow")),
                GenerationRequest(key="fast1", messages=user("fast1")),
                GenerationRequest(key="fast2", messages=user("fast2"))]
        keys = [r.key for r in run_all(backend, reqs)]
    assert keys[-1] == "slow" and set(keys) == {"slow", "fast1", "fast2"}


def test_concurrency_is_bounded_by_the_setting():
    with FakeServer(latency_s=0.05) as server:
        results = run_all(fast_backend(server.base_url, concurrency=3), make_requests(15))
    assert len(results) == 15 and server.max_in_flight == 3


def test_aimd_drops_on_429_then_recovers():
    with FakeServer(latency_s=0.03, max_concurrent=2) as server:
        backend = fast_backend(server.base_url, concurrency=8, max_retries=20)
        first = run_all(backend, make_requests(40))
        assert all(r.error is None for r in first)
        dropped = backend.stats()
        assert dropped["rate_limited"] > 0 and dropped["concurrency_decreases"] >= 2
        assert dropped["current_concurrency"] <= 4
        server.max_concurrent = None  # the limit is lifted
        server.latency_s = 0.005
        second = run_all(backend, make_requests(150))
    assert all(r.error is None for r in second)
    assert backend.stats()["current_concurrency"] == 8
    assert server.max_in_flight >= 6  # the window really opened up again


def test_load_is_spread_over_replicas():
    with FakeServer(latency_s=0.02) as a, FakeServer(latency_s=0.02) as b:
        backend = fast_backend([a.base_url, b.base_url], concurrency=4)
        results = run_all(backend, make_requests(40))
    assert all(r.error is None for r in results)
    assert len(a.bodies) + len(b.bodies) == 40 and min(len(a.bodies), len(b.bodies)) >= 12
    replicas = backend.stats()["replicas"]
    assert [r["requests"] for r in replicas] == [len(a.bodies), len(b.bodies)]


def test_a_dead_replica_does_not_sink_the_run():
    dead = f"http://127.0.0.1:{free_port()}/v1"  # nothing listens there
    with FakeServer() as live:
        backend = fast_backend([dead, live.base_url], concurrency=4, max_retries=3)
        results = run_all(backend, make_requests(30))
    assert all(r.error is None and r.text == "OK" for r in results)
    stats = backend.stats()
    assert stats["connection_errors"] >= 1 and len(live.bodies) == 30
    dead_stats = stats["replicas"][0]
    assert dead_stats["failures"] == dead_stats["requests"] >= 3
    assert dead_stats["requests"] < 10  # benched after a few failures instead of taking half the traffic


def test_a_backend_survives_several_event_loops():
    with FakeServer() as server:
        backend = fast_backend(server.base_url)
        assert len(run_all(backend, make_requests(3))) == 3
        assert len(run_all(backend, make_requests(4))) == 4
    assert len(server.bodies) == 7


def test_closing_the_stream_early_cancels_outstanding_work():
    with FakeServer(latency_s=0.2) as server:
        backend = fast_backend(server.base_url, concurrency=2)

        async def go():
            agen = backend.stream(make_requests(10))
            first = await agen.__anext__()
            await agen.aclose()
            await backend.aclose()
            return first

        first = asyncio.run(go())
        assert first.error is None
        assert backend.stats()["in_flight"] == 0
        time.sleep(0.3)
        assert len(server.bodies) <= 4  # the remaining requests were never sent


def test_stream_of_nothing_yields_nothing():
    backend = fast_backend("http://127.0.0.1:9/v1")
    assert asyncio.run(drain(backend, [])) == []


def test_a_slow_consumer_holds_back_requests_instead_of_piling_up_results():
    """Flat memory (issue 23): results the consumer has not taken yet are bounded, so a slow consumer (e.g.
    verification on a busy machine) pauses the request source rather than letting results accumulate."""
    taken = []

    def source():
        for i in range(1000):
            taken.append(i)
            yield GenerationRequest(key=f"k{i}", messages=user("x"))

    async def go(backend):
        stream = backend.stream(source())
        got = 0
        try:
            async for _ in stream:
                got += 1
                await asyncio.sleep(0.3 if got == 1 else 0)  # stalled after the first result
                if got == 1:
                    stalled_at = len(taken)
                if got == 5:
                    break
        finally:
            await stream.aclose()
            await backend.aclose()
        return stalled_at

    with FakeServer() as server:
        backend = fast_backend(server.base_url, concurrency=4)
        stalled_at = asyncio.run(go(backend))
    assert stalled_at <= 64 + 4 + 1  # the bound (64 results taken, not consumed), not all 1000
    assert len(taken) < 100
