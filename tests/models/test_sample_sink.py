"""The eval's sample sink: inline vs sympy-offloaded verification, one write per loop turn, safe encoding."""
from __future__ import annotations

import asyncio
import io
import json
from types import SimpleNamespace

from models.base import GenerationResult
from omegactl.eval.sample_sink import RunStats, SampleSink, encode_line
from verifiers import Verdict
from verifiers.verdict import ModeVerdict


class CountingFile(io.BytesIO):
    def __init__(self):
        super().__init__()
        self.writes = 0

    def write(self, data):
        self.writes += 1
        return super().write(data)

    def fileno(self):  # fsync needs a real descriptor: hand it one that accepts fsync
        return self._null.fileno()


def record(i: int):
    return SimpleNamespace(id=f"p{i}", axis="a", setting_key="s", split="test_in", level=1, answer=i,
                           answer_type="int", params={}, messages=[SimpleNamespace(content=f"q{i}")])


def fake_verify(calls):
    """Correct when the text is the answer; texts starting with 'sym' need sympy (a 'timeout' at 0 s)."""
    def verify(text, rec, timeout_s=5.0):
        calls.append((text, timeout_s))
        if text is None:
            mode = ModeVerdict(correct=False, reason="no response")
        elif text.startswith("sym") and timeout_s == 0.0:
            mode = ModeVerdict(correct=False, reason="timeout")
        else:
            mode = ModeVerdict(correct=text.removeprefix("sym") == str(rec.answer), reason=None)
        return Verdict(strict=mode, flex=mode.model_copy())
    return verify


def result(i: int, text: str | None, error: str | None = None) -> GenerationResult:
    return GenerationResult(key=f"p{i}#0", text=text, finish_reason="stop" if text else None, prompt_tokens=3,
                            completion_tokens=1, latency_s=0.01, error=error, attempts=1)


def test_cheap_verdicts_inline_sympy_ones_offloaded_and_lines_batched(tmp_path):
    """Without a verifier process (where fork is unavailable): the sympy-free path runs on the loop."""
    calls = []
    out = CountingFile()
    out._null = open(tmp_path / "null", "wb")
    stats = RunStats()
    sink = SampleSink(out, verify=fake_verify(calls), redact=lambda s: s.replace("KEY", "***"),
                      verifier_version="v", now_iso=lambda: "2026-12-06T00:00:00+00:00",
                      error_kind=lambda e: e.split(":")[0], stats=stats, use_process=False)

    async def go():
        for i in range(20):  # all arrive in one loop turn
            text = f"sym{i}" if i % 5 == 0 else (str(i) if i % 2 == 0 else "wrong")
            await sink.add(record(i), 0, result(i, text))
        await sink.add(record(99), 0, result(99, None, "server_error: HTTP 500 with KEY"))
        await sink.close()

    asyncio.run(go())
    out._null.close()
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(rows) == 21 and stats.done == 21 and stats.errors == 1
    by_id = {r["problem_id"]: r for r in rows}
    assert all(by_id[f"p{i}"]["strict"]["correct"] == (i % 2 == 0 or i % 5 == 0) for i in range(20))
    assert by_id["p99"]["error"] == "server_error: HTTP 500 with ***" and not by_id["p99"]["strict"]["correct"]
    offloaded = [t for t, timeout in calls if timeout == 5.0 and t is not None]
    assert sorted(offloaded) == ["sym0", "sym10", "sym15", "sym5"]  # only those went to the worker pool
    assert out.writes <= 3  # 17 inline rows in one write, then the offloaded ones as they finish
    assert stats.correct == 12 and stats.finish_reasons["stop"] == 20


def test_encode_line_survives_lone_surrogates_and_stays_one_line():
    line = encode_line({"response": "a\ud800b\nc", "n": 1})
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert json.loads(line)["response"] == "a\ud800b\nc"
    assert encode_line({"response": "plain ü"}) == '{"response":"plain ü"}\n'.encode()


def test_the_verifier_process_gives_the_same_rows_as_verifying_inline(tmp_path):
    from verifiers import verify

    texts = ["\\boxed{%d}", "so it is \\boxed{%d+0}", "no box here %d", "\\boxed{\\frac{%d}{1}}", "\\boxed{x}"]

    def run(use_process: bool) -> tuple[list[dict], int]:
        out = CountingFile()
        out._null = open(tmp_path / "null", "wb")
        sink = SampleSink(out, verify=verify, redact=str, verifier_version="v", now_iso=lambda: "t",
                          error_kind=str, stats=RunStats(), use_process=use_process)
        started = sink._process is not None

        async def go():
            for i in range(60):
                text = texts[i % len(texts)].replace("%d", str(i))
                await sink.add(record(i), 0, result(i, text))
                if i % 7 == 0:
                    await asyncio.sleep(0)  # results arrive over several loop turns
            await sink.close()

        asyncio.run(go())
        out._null.close()
        assert sink._process is None  # closed
        rows = sorted((json.loads(line) for line in out.getvalue().splitlines()), key=lambda r: r["problem_id"])
        return rows, started

    inline, _ = run(False)
    forked, started = run(True)
    assert started  # Linux: the verifier process really ran
    assert forked == inline and len(inline) == 60
    assert 0 < sum(r["strict"]["correct"] for r in inline) < 60


def test_salvage_keeps_queued_results_when_the_run_is_interrupted(tmp_path):
    from verifiers import verify

    out = CountingFile()
    out._null = open(tmp_path / "null", "wb")
    sink = SampleSink(out, verify=verify, redact=str, verifier_version="v", now_iso=lambda: "t",
                      error_kind=str, stats=RunStats())

    async def interrupted():
        for i in range(30):
            await sink.add(record(i), 0, result(i, f"\\boxed{{{i}}}"))
        # the run stops here (Ctrl-C): no close(); the eval's finally salvages, flushes and shuts down
        sink.salvage()
        sink.flush_now()
        sink.shutdown()

    asyncio.run(interrupted())
    out._null.close()
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert sorted(r["problem_id"] for r in rows) == sorted(f"p{i}" for i in range(30))  # none lost, none twice
    assert all(r["strict"]["correct"] for r in rows)


def test_a_queued_result_holds_a_slim_problem_with_the_same_verdict_and_hash():
    """A backlog of results keeps only what verifying and logging need: no prompt, the same prompt hash,
    the same verdict, and it pickles (it may travel to the verifier pool)."""
    import pickle

    from generators import generate
    from omegactl.eval.sample_sink import QueuedProblem, prompt_hash
    from verifiers import verify

    rec = generate("arithmetic_gcd", "test_in", 2, n=1, seed=5)[0]
    slim = QueuedProblem.of(rec)
    assert QueuedProblem.of(slim) is slim
    assert not hasattr(slim, "messages") and slim.prompt_hash == prompt_hash(rec)
    assert pickle.loads(pickle.dumps(slim)) == slim
    for text in (f"\\boxed{{{rec.answer}}}", "\\boxed{1}", "no idea"):
        assert verify(text, slim) == verify(text, rec)
