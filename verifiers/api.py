"""The public entry points: ``verify``, ``equivalent`` and ``reward``.

Pipeline per response: sanitize -> strip reasoning blocks (an unfinished block means no answer) -> keep
the last ``MAX_RESPONSE_CHARS`` -> extract (strict and flex) -> compare by answer type. Comparisons that
need sympy run in the sandbox pool under one deadline of ``timeout_s`` per ``verify`` call (strict first,
flex with what is left); everything else stays in this process and never touches sympy.
Verdicts for the same (type, extracted answer, gold, params) are cached (not timeouts or errors).
"""
from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from . import grid as grid_answers
from .compare import GoldError, check_gold, compare
from .errors import NeedsSymbolic
from .extract import Extraction, extract_flex, extract_strict, last_boxed
from .limits import MAX_RESPONSE_CHARS
from .reasoning import strip_reasoning
from .sandbox import get_pool
from .sanitize import sanitize
from .scalar import FAST
from .verdict import ModeVerdict, Outcome, Verdict

MAX_STORED_EXTRACT = 4_000
_CACHE_SIZE = 8_192
_cache: OrderedDict = OrderedDict()
_cache_lock = threading.Lock()


def record_fields(record: Any) -> tuple[Any, str, dict]:
    """(gold, answer_type, params) from a record object or a mapping."""
    if isinstance(record, Mapping):
        return record["answer"], str(record["answer_type"]), dict(record.get("params") or {})
    return record.answer, str(record.answer_type), dict(getattr(record, "params", None) or {})


def _cache_key(answer_type: str, text: str, gold: Any, params: dict) -> str:
    return json.dumps([answer_type, text, gold, params], sort_keys=True, default=str)


def _cached(key: str) -> Outcome | None:
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
        return hit


def _store(key: str, outcome: Outcome) -> None:
    if outcome.reason in ("timeout", "sandbox unavailable") or (outcome.reason or "").startswith("error"):
        return
    with _cache_lock:
        _cache[key] = outcome
        if len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)


def compare_answer(answer_type: str, text: str, gold: Any, params: dict, deadline: float) -> Outcome:
    """Fast path in-process; the sympy worker (bounded by ``deadline``) only when needed."""
    key = _cache_key(answer_type, text, gold, params)
    hit = _cached(key)
    if hit is not None:
        return hit
    try:
        outcome = compare(answer_type, text, gold, params, FAST)
    except NeedsSymbolic:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return Outcome.fail("timeout")
        request = {"answer_type": answer_type, "pred": text, "gold": gold, "params": params}
        answer = get_pool().run(request, remaining)
        outcome = Outcome(bool(answer.get("correct")), answer.get("parsed"), answer.get("method", "none"), answer.get("reason"))
    _store(key, outcome)
    return outcome


def _mode(extraction: Extraction, answer_type: str, gold: Any, params: dict, deadline: float) -> ModeVerdict:
    if extraction.text is None:
        return ModeVerdict(correct=False, reason="no answer", extraction="none")
    outcome = compare_answer(answer_type, extraction.text, gold, params, deadline)
    return ModeVerdict(
        correct=outcome.correct,
        extracted=extraction.text[:MAX_STORED_EXTRACT],
        parsed=outcome.parsed,
        method=outcome.method,
        reason=outcome.reason,
        extraction=extraction.method,
    )


def _failed(reason: str, grid: bool = False) -> Verdict:
    mode = ModeVerdict(correct=False, reason=reason)
    metrics = grid_answers.metrics(None, [[0]]) if grid else None
    return Verdict(strict=mode, flex=mode.model_copy(), grid=metrics)


def _grid_mode(text: str | None, how: str, gold: list) -> tuple[ModeVerdict, dict]:
    if text is None:
        return ModeVerdict(correct=False, reason="no answer"), grid_answers.metrics(None, gold)
    pred = grid_answers.parse_grid(text)
    metrics = grid_answers.metrics(pred, gold)
    if pred is None:
        reason = "unparsable"
    elif not metrics["parsed"]:
        reason = "shape mismatch"
    else:
        reason = None if metrics["exact"] else "incorrect"
    mode = ModeVerdict(
        correct=metrics["exact"],
        extracted=text[:MAX_STORED_EXTRACT],
        parsed=pred if metrics["parsed"] else None,
        method="grid",
        reason=reason,
        extraction=how,
    )
    return mode, metrics


def _verify_grid(text: str, gold: list) -> Verdict:
    gold = [list(map(int, row)) for row in gold]
    strict, metrics = _grid_mode(grid_answers.extract_strict(text), "output_marker", gold)
    flex, _ = _grid_mode(grid_answers.extract_flex(text), "last_list", gold)
    return Verdict(strict=strict, flex=flex, grid=metrics)


def verify(response_text: str | bytes | None, record: Any, *, timeout_s: float = 5.0) -> Verdict:
    """Score one model response against one record (see the module docstring and RULES.md)."""
    gold, answer_type, params = record_fields(record)
    is_grid = answer_type == "grid"
    try:
        check_gold(answer_type, gold)
    except GoldError:
        return _failed("invalid gold", is_grid)
    if response_text is None:
        return _failed("no response", is_grid)
    text = sanitize(response_text)
    text = strip_reasoning(text)
    if text is None:
        return _failed("no answer", is_grid)
    text = text[-MAX_RESPONSE_CHARS:]
    if is_grid:
        return _verify_grid(text, gold)
    deadline = time.monotonic() + timeout_s
    strict_ex = extract_strict(text, answer_type)
    flex_ex = extract_flex(text, answer_type)
    strict = _mode(strict_ex, answer_type, gold, params, deadline)
    flex = strict.model_copy() if flex_ex == strict_ex else _mode(flex_ex, answer_type, gold, params, deadline)
    return Verdict(strict=strict, flex=flex)


def equivalent(pred: str, gold: Any, answer_type: str, *, timeout_s: float = 5.0, params: dict | None = None) -> bool:
    """Is an already-extracted answer equal to the gold? (A whole-answer \\boxed{} is unwrapped.)"""
    try:
        check_gold(answer_type, gold)
    except GoldError:
        return False
    text = sanitize(pred) or ""
    if answer_type == "grid":
        parsed = grid_answers.parse_grid(text.strip())
        return grid_answers.metrics(parsed, [list(map(int, r)) for r in gold])["exact"]
    boxed = last_boxed(text) if "\\boxed" in text or "\\fbox" in text else None
    text = boxed if boxed is not None else text
    outcome = compare_answer(answer_type, text, gold, dict(params or {}), time.monotonic() + timeout_s)
    return outcome.correct


def reward(response_text: str | bytes | None, record: Any, *, format_reward: float = 0.0, timeout_s: float = 5.0) -> float:
    """1.0 when the strict verdict is correct; else ``format_reward`` (default 0.0, keep it small, e.g.
    0.1) when a strict answer was at least extracted (a \\boxed{} or, for grids, an "output" grid); else 0.0.
    Never raises and never waits past ``timeout_s`` of comparison; safe from threads and processes."""
    try:
        verdict = verify(response_text, record, timeout_s=timeout_s)
    except Exception:  # noqa: BLE001 - a reward function must always return a number
        return 0.0
    if verdict.correct:
        return 1.0
    return float(format_reward) if format_reward and verdict.strict.extracted is not None else 0.0
