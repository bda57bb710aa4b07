"""Reward adapters that plug ``verifiers.reward`` into RL trainers, for rows written by `omegactl export`.

* verl: ``custom_reward_function.path=<this file>``, ``custom_reward_function.name=compute_score``;
  verl calls ``compute_score(data_source, solution_str, ground_truth, extra_info)`` once per rollout.
* TRL: ``GRPOTrainer(reward_funcs=[trl_reward], ...)``; TRL calls ``trl_reward(completions, **columns)``
  with the dataset's extra columns (``answer``, ``answer_type``, ``params``) as keyword lists.

Both return 1.0 for a correct answer and 0.0 otherwise; ``format_reward`` (default 0.0, documented in
``verifiers.reward``) gives a small amount for an extractable but wrong answer. Only the verifiers and
the standard library are imported here, so trainer workers stay light; the verifier never raises and never
waits past its time limit, and it is safe from many threads and processes.
"""
from __future__ import annotations

import json
from typing import Any

from verifiers import reward


def _loads(value: Any, default: Any) -> Any:
    if value is None:
        return default
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def _record(answer: Any, answer_type: Any, params: Any) -> dict[str, Any]:
    return {"answer": _loads(answer, None), "answer_type": str(answer_type), "params": _loads(params, {}) or {}}


def compute_score(data_source: str, solution_str: str, ground_truth: str, extra_info: dict | None = None,
                  format_reward: float = 0.0, **_: Any) -> float:
    """verl's custom reward signature. Uses ``extra_info`` from `omegactl export --format verl`; without it
    (a dataset from elsewhere) the answer type is inferred from ``ground_truth`` as for release files."""
    info = extra_info or {}
    if info.get("answer_type"):
        record = _record(info.get("answer"), info["answer_type"], info.get("params"))
    else:
        from omegactl.interop.official_answers import infer_answer

        answer_type, answer = infer_answer(str(ground_truth), grids="arc" in str(data_source).lower())
        record = {"answer": answer, "answer_type": answer_type, "params": {}}
    return reward(solution_str, record, format_reward=format_reward)


def completion_text(completion: Any) -> str:
    """The text of one TRL completion: a string, or a conversational list of messages (last one wins)."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, dict):
        return str(completion.get("content") or "")
    if isinstance(completion, (list, tuple)) and completion:
        return completion_text(completion[-1])
    return ""


def trl_reward(completions: list[Any], answer: list[Any], answer_type: list[str], params: list[Any] | None = None,
               format_reward: float = 0.0, **_: Any) -> list[float]:
    """TRL GRPOTrainer reward function: one float per completion (columns from `export --format trl`)."""
    params = params if params is not None else [None] * len(completions)
    return [
        reward(completion_text(c), _record(a, t, p), format_reward=format_reward)
        for c, a, t, p in zip(completions, answer, answer_type, params)
    ]
