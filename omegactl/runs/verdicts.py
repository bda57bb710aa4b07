"""Samples a judge can trust: read a run's samples log strictly and recompute every verdict from its response.

The gate (and anything else that must not be fooled by a hand-edited run folder) reads ``samples.jsonl``
through here instead of believing the stored verdicts:

- every line's fields are type-checked (``"correct": "false"`` is a string, not a verdict);
- one completed line per (problem, sample): a key may repeat only where the earlier lines are errored
  attempts that eval retried (the latest line supersedes them); two completed lines for one key are
  refused, because no rule can tell the forged one from the real one;
- the verdict of every sample is recomputed with the current verifier from the stored response
  (``verifiers.verify(response, record)``, as ``omegactl score`` does); a stored verdict that disagrees
  with its response although it claims the current verifier version means the log was edited or damaged,
  and is refused naming the lines. Stored verdicts of an older verifier version are simply replaced.

All refusals are ``UserError`` with one line naming the file and line numbers (exit 2 in the gate).
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from omegactl.common.errors import UserError
from omegactl.common.rows_io import iter_rows

SHOW_LINES = 8  # line numbers named in one message before "and N more"


@dataclass
class CheckedSamples:
    """The latest completed line per (problem_id, sample_index), with fresh verdicts."""

    latest: dict[tuple[str, int], dict[str, Any]]
    lines: dict[tuple[str, int], int]  # the line number each entry came from
    rescored: int = 0  # stored verdicts (of an older verifier) that the current verifier changed
    notes: list[str] = field(default_factory=list)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _kind(value: Any) -> str:
    if isinstance(value, str):
        return f"the string {value[:20]!r}"
    return "null" if value is None else type(value).__name__


def _check_verdict(row: dict[str, Any], mode: str) -> str | None:
    v = row.get(mode)
    if v is None:
        return None
    if not isinstance(v, dict):
        return f"{mode} must be an object (got {_kind(v)})"
    if "correct" in v and not isinstance(v["correct"], bool):
        return f"{mode}.correct must be true or false (got {_kind(v['correct'])})"
    if v.get("extracted") is not None and not isinstance(v["extracted"], str):
        return f"{mode}.extracted must be a string or null (got {_kind(v['extracted'])})"
    return None


def field_problem(row: dict[str, Any]) -> str | None:
    """What is wrong with one samples.jsonl row's field types, or None."""
    pid = row.get("problem_id")
    if not isinstance(pid, str) or not pid:
        return f"problem_id must be a non-empty string (got {_kind(pid)})"
    idx = row.get("sample_index")
    if not _is_int(idx) or idx < 0:
        return f"sample_index must be a whole number ≥ 0 (got {_kind(idx) if not _is_int(idx) else idx})"
    for name in ("response", "error", "finish_reason", "prompt_hash", "verifier_version"):
        if row.get(name) is not None and not isinstance(row[name], str):
            return f"{name} must be a string or null (got {_kind(row[name])})"
    for name in ("prompt_tokens", "completion_tokens"):
        value = row.get(name)
        if value is not None and (not _is_int(value) or value < 0):
            return f"{name} must be a whole number ≥ 0 or null (got {_kind(value) if not _is_int(value) else value})"
    if row.get("error") is not None and row.get("response") is not None:
        return "a line with an error has no response (eval never writes both); an error cannot hide an answer"
    if row.get("grid") is not None and not isinstance(row["grid"], dict):
        return f"grid must be an object or null (got {_kind(row['grid'])})"
    return _check_verdict(row, "strict") or _check_verdict(row, "flex")


def _lines(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:SHOW_LINES])
    more = f" and {len(numbers) - SHOW_LINES} more" if len(numbers) > SHOW_LINES else ""
    return f"line{'s' if len(numbers) > 1 else ''} {shown}{more}"


def read_samples(path: Path) -> tuple[dict[tuple[str, int], dict[str, Any]], dict[tuple[str, int], int]]:
    """(latest row per key, its line number) from a samples log, refusing bad types and forged duplicates."""
    path = Path(path)
    if not path.exists():
        return {}, {}
    latest: dict[tuple[str, int], dict[str, Any]] = {}
    lines: dict[tuple[str, int], int] = {}
    bad: list[tuple[int, str]] = []
    dupes: list[tuple[int, int, tuple[str, int]]] = []
    for lineno, row in iter_rows(path):
        problem = field_problem(row)
        if problem:
            bad.append((lineno, problem))
            continue
        key = (row["problem_id"], row["sample_index"])
        prev = latest.get(key)
        if prev is not None and prev.get("error") is None:
            dupes.append((lines[key], lineno, key))
            continue
        latest[key] = row
        lines[key] = lineno
    if bad:
        first_line, first = bad[0]
        raise UserError(f"{path}: {_lines([n for n, _ in bad])} have wrong field types (line {first_line}: {first}); "
                        f"the samples log was edited or damaged: re-run the eval into a fresh folder")
    if dupes:
        a, b, (pid, idx) = dupes[0]
        raise UserError(f"{path}: {len(dupes)} duplicate completed line(s) for one (problem, sample) "
                        f"({_lines([n for _, n, _ in dupes])}; e.g. problem {pid} sample {idx} on lines {a} and {b}); "
                        f"a run has one completed line per sample, so which one counts cannot be decided: "
                        f"re-run the eval into a fresh folder")
    return latest, lines


def recompute(path: Path, problems: list, latest: dict[tuple[str, int], dict[str, Any]],
              lines: dict[tuple[str, int], int], *, workers: int | None = None,
              refuse_forged: bool = True) -> CheckedSamples:
    """Replace every stored verdict with the current verifier's; refuse stored verdicts that claim the current
    verifier version and disagree with their responses (with ``refuse_forged=False``, for views such as a
    report of a run in progress, they are only counted in ``rescored`` and noted)."""
    from verifiers import VERIFIER_VERSION, verify

    by_id = {p.id: p for p in problems}
    keys = sorted(k for k in latest if k[0] in by_id)

    def one(key):
        s = latest[key]
        return verify(s.get("response") if s.get("error") is None else None, by_id[key[0]])

    with ThreadPoolExecutor(max_workers=workers or max(2, min(8, os.cpu_count() or 2))) as pool:
        verdicts = list(pool.map(one, keys))
    fresh: dict[tuple[str, int], dict[str, Any]] = {}
    forged: list[int] = []
    rescored = 0
    for key, verdict in zip(keys, verdicts):
        s = dict(latest[key])
        stored = (s.get("strict") or {}).get("correct")
        if stored is not None and bool(stored) != verdict.strict.correct:
            if s.get("verifier_version") == VERIFIER_VERSION and refuse_forged:
                forged.append(lines.get(key, 0))
            else:
                rescored += 1
        s["strict"] = verdict.strict.model_dump(mode="json")
        s["flex"] = verdict.flex.model_dump(mode="json")
        s["grid"] = verdict.grid
        s["verifier_version"] = VERIFIER_VERSION
        fresh[key] = s
    if forged:
        forged.sort()
        raise UserError(f"{path}: {len(forged)} stored verdict(s) disagree with their responses under the same "
                        f"verifier version {VERIFIER_VERSION} ({_lines(forged)}); the samples log was edited or damaged "
                        f"— if it is genuine, re-score it with `omegactl score {Path(path).parent}`")
    notes = []
    if rescored:
        notes.append(f"{Path(path).parent}: {rescored} stored verdict(s) re-scored from their responses with verifier "
                     f"{VERIFIER_VERSION}")
    return CheckedSamples(fresh, {k: lines.get(k, 0) for k in keys}, rescored, notes)


def trusted_samples(samples_path: Path, problems: list) -> CheckedSamples:
    """Read, check and re-verify a run's samples log (see the module docstring)."""
    latest, lines = read_samples(samples_path)
    return recompute(samples_path, problems, latest, lines)


__all__ = ["CheckedSamples", "field_problem", "read_samples", "recompute", "trusted_samples"]
