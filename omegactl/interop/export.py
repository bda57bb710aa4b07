"""`omegactl export`: problem records in the row shapes RL trainers read (verl, TRL) or the public HF shape.

One output file per split under the output folder (``OUT/train.parquet``, ``OUT/test_out.jsonl`` ...):

* ``verl``: parquet rows ``{data_source, prompt, ability, reward_model, extra_info}`` with ``prompt`` the
  chat messages, ``reward_model = {"style": "rule", "ground_truth": <HF ground truth string>}`` and
  ``extra_info = {split, index, id, answer_type, answer, params}`` (``answer`` and ``params`` as JSON
  strings, so every row has the same column types);
* ``trl``: JSONL (and parquet when pyarrow is present) rows ``{prompt, answer, answer_type, params, id,
  setting, split, level}`` for GRPOTrainer: ``prompt`` is the conversational messages list and the other
  columns reach the reward function as keyword arguments;
* ``hf``: the six public OMEGA fields, as JSONL (and parquet when pyarrow is present).

``record_from_verl`` / ``record_from_trl`` rebuild what the verifier needs from an exported row; the reward
adapters in ``omegactl.interop.rl_reward`` use them, and the round-trip tests check them.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generators.record import SPLITS, ProblemRecord
from omegactl.common.atomic import ensure_writable_dir
from omegactl.common.errors import UserError
from omegactl.common.rows_io import have_parquet, write_jsonl, write_parquet

FORMATS = ("verl", "trl", "hf")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def data_source(rec: ProblemRecord) -> str:
    """verl's ``data_source``: ``omegactl/<setting>`` (the key a custom ``compute_score`` can branch on)."""
    return f"omegactl/{rec.setting_key}"


def verl_row(rec: ProblemRecord) -> dict[str, Any]:
    return {
        "data_source": data_source(rec),
        "prompt": [m.model_dump() for m in rec.messages],
        "ability": "arc" if rec.axis == "carc" else "math",
        "reward_model": {"style": "rule", "ground_truth": rec.ground_truth},
        "extra_info": {
            "split": rec.split,
            "index": rec.index,
            "id": rec.id,
            "answer_type": rec.answer_type,
            "answer": _dumps(rec.answer),
            "params": _dumps(rec.params),
        },
    }


def trl_row(rec: ProblemRecord) -> dict[str, Any]:
    return {
        "prompt": [m.model_dump() for m in rec.messages],
        "answer": _dumps(rec.answer),
        "answer_type": rec.answer_type,
        "params": _dumps(rec.params),
        "id": rec.id,
        "setting": rec.setting_key,
        "split": rec.split,
        "level": rec.level,
    }


def hf_row(rec: ProblemRecord) -> dict[str, Any]:
    return rec.to_hf()


def _loads(value: Any, default: Any) -> Any:
    if value is None:
        return default
    return json.loads(value) if isinstance(value, str) else value


def record_from_verl(row: dict[str, Any]) -> dict[str, Any]:
    """The verifier's view of an exported verl row: {id, split, index, answer_type, answer, params, messages}."""
    info = row.get("extra_info") or {}
    return {
        "id": info.get("id"),
        "split": info.get("split"),
        "index": info.get("index"),
        "answer_type": info["answer_type"],
        "answer": _loads(info.get("answer"), None),
        "params": _loads(info.get("params"), {}),
        "messages": list(row.get("prompt") or []),
        "ground_truth": (row.get("reward_model") or {}).get("ground_truth"),
    }


def record_from_trl(row: dict[str, Any]) -> dict[str, Any]:
    """The verifier's view of an exported TRL row (same keys as ``record_from_verl``)."""
    return {
        "id": row.get("id"),
        "split": row.get("split"),
        "index": None,
        "answer_type": row["answer_type"],
        "answer": _loads(row.get("answer"), None),
        "params": _loads(row.get("params"), {}),
        "messages": list(row.get("prompt") or []),
        "ground_truth": None,
    }


ROW_BUILDERS = {"verl": verl_row, "trl": trl_row, "hf": hf_row}


def export(records: list[ProblemRecord], fmt: str, out: Path, *, splits: list[str] | None = None,
           parquet: bool | None = None) -> list[tuple[Path, int]]:
    """Write one file per split (and per file type) under ``out``; returns (path, rows) per file written.

    ``parquet`` None: verl always, trl/hf when pyarrow is importable; False: JSONL only (verl refuses).
    """
    if fmt not in FORMATS:
        raise UserError(f"unknown --format {fmt!r} (valid: {', '.join(FORMATS)})")
    for s in splits or []:
        if s not in SPLITS:
            raise UserError(f"unknown split {s!r} (valid: {', '.join(SPLITS)})")
    chosen = [r for r in records if not splits or r.split in splits]
    if not chosen:
        present = ", ".join(sorted({r.split for r in records})) or "none"
        raise UserError(f"no problems of split {', '.join(splits or [])} in the input (splits present: {present})")
    want_parquet = have_parquet() if parquet is None else parquet
    if fmt == "verl" and not want_parquet:
        raise UserError("verl reads parquet: pip install pyarrow (or the omegactl[parquet] extra)")
    by_split: dict[str, list[dict[str, Any]]] = {}
    build = ROW_BUILDERS[fmt]
    for rec in chosen:
        by_split.setdefault(rec.split, []).append(build(rec))
    ensure_writable_dir(out)
    written: list[tuple[Path, int]] = []
    for split in [s for s in SPLITS if s in by_split]:
        rows = by_split[split]
        if fmt != "verl":
            written.append((out / f"{split}.jsonl", write_jsonl(out / f"{split}.jsonl", rows)))
        if want_parquet:
            written.append((out / f"{split}.parquet", write_parquet(out / f"{split}.parquet", rows)))
    return written
