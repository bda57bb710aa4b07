"""Helpers for eval tests: a problem file and an oracle fake server that answers from the gold answers."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from generators import registry
from models.fake_server import FakeServer, last_user_text

SETTINGS = {"arithmetic_gcd": {"test_in": (1,), "test_out": (3,)}, "logic_gridworld_blocked": {"test_in": (1,), "test_out": (3,)}}


def write_problems(path: Path, n: int = 4) -> list:
    recs = []
    for name, splits in SETTINGS.items():
        s = registry.get_setting(name)
        for split, levels in splits.items():
            recs.extend(s.records(split, n=n, seed=5, levels=levels))
    path.write_text("".join(r.to_json() + "\n" for r in recs), encoding="utf-8")
    return recs


def oracle(records, wrong_every: int = 0):
    """Policy: the gold answer in \\boxed{}; every ``wrong_every``-th problem answered wrongly."""
    gold = {r.messages[-1].content: r.ground_truth for r in records}
    order = {r.messages[-1].content: i for i, r in enumerate(records)}

    def policy(messages, body):
        q = last_user_text(messages)
        if wrong_every and order.get(q, 0) % wrong_every == 0:
            return "Let me think. The answer is \\boxed{-12345}."
        return f"Reasoning... so the result is \\boxed{{{gold.get(q, 'unknown')}}}."

    return policy


def run_cli(args, capsys):
    from omegactl.cli import main

    with pytest.raises(SystemExit) as exc:
        main(args)
    out = capsys.readouterr()
    return (exc.value.code or 0), out.out, out.err


def samples(path: Path) -> list[dict]:
    return [json.loads(l) for l in (path / "samples.jsonl").read_text().splitlines() if l.strip()]
