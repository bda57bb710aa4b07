"""Helpers for the reliability tests: problem files from fast settings, oracle policies, CLI runners.

The eval is driven either in-process (``run_cli``, through ``omegactl.cli.main``) or as a real
subprocess (``eval_subprocess``: ``python -m omegactl.cli eval ...``) against a ``FakeServer`` running in
a thread of the test process.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from generators import registry
from models.fake_server import last_user_text

REPO_ROOT = Path(__file__).resolve().parents[2]

# Settings that generate thousands of problems per second, with different answer types.
FAST_SETTINGS: dict[str, dict[str, tuple[int, ...]]] = {
    "arithmetic_gcd": {"test_in": (1, 2), "test_out": (3, 4)},
    "geometry_polygon_color": {"test_in": (1, 2), "test_out": (3,)},
    "combinatory_pattern_matching": {"test_in": (1,), "test_out": (3,)},
    "numbertheory_qr_sum": {"test_in": (1,), "test_out": (2,)},
}

# Backoff in milliseconds so retry tests stay fast (model args of the openai backend).
FAST_BACKOFF = "backoff_base_s=0.01,backoff_cap_s=0.05"


def make_problems(per_level: int, seed: int = 11) -> list:
    """Problem records from FAST_SETTINGS, ``per_level`` per (setting, split, level)."""
    records = []
    for name, splits in FAST_SETTINGS.items():
        setting = registry.get_setting(name)
        for split, levels in splits.items():
            records.extend(setting.records(split, n=per_level, seed=seed, levels=levels))
    return records


def write_problem_file(path: Path, records: list) -> Path:
    path.write_text("".join(r.to_json() + "\n" for r in records), encoding="utf-8")
    return path


def stable_unit(*parts: object) -> float:
    """A number in [0, 1) from a hash of ``parts``: the same on every run and in every process."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def oracle_policy(records: list, wrong: Callable[[int, int | None], bool] | None = None):
    """Answer each prompt with its gold answer in \\boxed{}; ``wrong(problem_number, seed)`` says when not to."""
    gold = {r.messages[-1].content: (i, r.ground_truth) for i, r in enumerate(records)}

    def policy(messages, body):
        number, truth = gold.get(last_user_text(messages), (-1, "unknown"))
        if wrong is not None and wrong(number, body.get("seed")):
            return "After some work the answer is \\boxed{-987654321}."
        return f"Working through it step by step, the result is \\boxed{{{truth}}}."

    return policy


def run_cli(args: list[str], capsys) -> tuple[int, str, str]:
    """Run ``omegactl`` in-process; (exit code, stdout, stderr)."""
    from omegactl.cli import main

    with pytest.raises(SystemExit) as exc:
        main(args)
    out = capsys.readouterr()
    code = exc.value.code
    return (code if isinstance(code, int) else (0 if code is None else 1)), out.out, out.err


def eval_args(base_url: str, problems: Path, out: Path, *extra: str) -> list[str]:
    return ["eval", "--model", "openai:fake-model", "--base-url", base_url, "--problems", str(problems),
            "--out", str(out), *extra]


def subprocess_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.pop("OMEGACTL_DEBUG", None)
    env.update(extra)
    return env


def eval_subprocess(args: list[str], env: dict[str, str] | None = None, **popen) -> subprocess.Popen:
    """Start ``python -m omegactl.cli <args>`` in its own session (so tests can clean up its children)."""
    return subprocess.Popen([sys.executable, "-m", "omegactl.cli", *args], cwd=str(REPO_ROOT),
                            env=env or subprocess_env(), start_new_session=True, **popen)


def read_samples(run: Path) -> list[dict]:
    path = run / "samples.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def latest_wins(rows: list[dict]) -> dict[tuple[str, int], dict]:
    latest: dict[tuple[str, int], dict] = {}
    for row in rows:
        latest[(row["problem_id"], row["sample_index"])] = row
    return latest


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``folder`` with its bytes and modification time (ns)."""
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}
