"""Build synthetic run folders (real problem records, chosen verdicts) for report and gate tests."""
from __future__ import annotations

import json
import random
from pathlib import Path

from generators import registry
from generators.record import ProblemRecord
from omegactl.eval.config import problem_set_hash
from omegactl.runs.folder import RunFolder


def problems_for(settings: dict[str, dict[str, tuple[int, ...]]], n: int, seed: int = 3) -> list[ProblemRecord]:
    """settings: name -> {split: levels}."""
    out = []
    for name, splits in settings.items():
        s = registry.get_setting(name)
        for split, levels in splits.items():
            out.extend(s.records(split, n=n, seed=seed, levels=levels))
    return out


def _response(p: ProblemRecord, err: bool, unparsed: bool, correct: bool) -> str | None:
    """A response that the real verifier scores as the chosen verdict (the gate re-verifies responses)."""
    if err:
        return None
    if unparsed:
        return "I am not sure how to solve this."
    return f"The answer is \\boxed{{{p.ground_truth if correct else '-987654321'}}}."


def write_run(path: Path, problems: list[ProblemRecord], p_correct, *, samples: int = 1, seed: int = 0,
              status: str = "complete", model: str = "synthetic", verifier: str = "test-1",
              unparsed_rate: float = 0.0, error_rate: float = 0.0, drop: int = 0, system_prompt=None) -> RunFolder:
    """p_correct(record) -> probability the sample is right; draws are seeded per (problem, sample)."""
    folder = RunFolder(Path(path))
    folder.create()
    folder.write_problems(problems)
    lines = []
    keys = [(p, k) for p in problems for k in range(samples)]
    for p, k in keys[: len(keys) - drop]:
        rng = random.Random(f"{seed}|{p.id}|{k}")
        err = rng.random() < error_rate
        unparsed = (not err) and rng.random() < unparsed_rate
        correct = (not err) and (not unparsed) and rng.random() < p_correct(p)
        extracted = None if (err or unparsed) else (p.ground_truth if correct else "wrong")
        verdict = {"correct": correct, "extracted": extracted, "parsed": extracted, "method": "synthetic", "reason": None}
        lines.append(json.dumps({
            "problem_id": p.id, "sample_index": k, "axis": p.axis, "setting": p.setting_key, "split": p.split,
            "level": p.level, "prompt_hash": "h" + p.id[:8] + (system_prompt or ""), "response": _response(p, err, unparsed, correct),
            "finish_reason": None if err else "stop", "prompt_tokens": 10, "completion_tokens": 5, "latency_s": 0.1,
            "attempts": 1, "error": "HTTP 500: boom" if err else None, "strict": verdict, "flex": verdict, "grid": None,
            "verifier_version": verifier,
        }))
    folder.samples_path.write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")
    identity = {"model": model, "model_args": {}, "samples": samples, "temperature": 0.0, "top_p": 1.0,
                "max_tokens": 256, "seed": 0, "system_prompt": system_prompt, "gen_kwargs": {}}
    folder.write_manifest({
        "identity": identity, "model": model, "status": status, "verifier_version": verifier,
        "problem_set_hash": problem_set_hash([p.to_json() for p in problems]), "n_problems": len(problems),
        "source": {"kind": "suite", "suite": "synthetic", "problem_seed": 3},
    })
    return folder
