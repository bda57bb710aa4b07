"""Load problem files given to `eval --problems` with clear one-line errors (never a traceback)."""
from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from generators.record import RECORD_SCHEMA_VERSION, ProblemRecord
from omegactl.errors import UserError


def _schema_error(path: Path, lineno: int, exc: ValidationError) -> UserError:
    err = exc.errors()[0]
    loc = ".".join(str(x) for x in err.get("loc", ())) or "(record)"
    return UserError(f"{path}:{lineno}: not an omegactl problem record: field {loc!r}: {err.get('msg')}")


def load_problem_file(path: Path) -> list[ProblemRecord]:
    """Parse a JSONL file of omegactl problem records; reject malformed lines, other schema versions, duplicate ids."""
    path = Path(path)
    if not path.exists():
        raise UserError(f"problem file {str(path)!r} does not exist")
    if path.is_dir():
        files = sorted(path.rglob("*.jsonl"))
        if not files:
            raise UserError(f"no .jsonl problem files under {str(path)!r}")
        records = [r for f in files for r in _load_jsonl(f)]
    else:
        records = _load_jsonl(path)
    if not records:
        raise UserError(f"problem file {str(path)!r} holds no problems")
    seen: dict[str, int] = {}
    for i, rec in enumerate(records):
        if rec.id in seen:
            raise UserError(f"{path}: duplicate problem id {rec.id!r} (records {seen[rec.id] + 1} and {i + 1}); ids must be unique")
        seen[rec.id] = i
    return records


def _load_jsonl(path: Path) -> list[ProblemRecord]:
    records: list[ProblemRecord] = []
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise UserError(f"cannot read problem file {str(path)!r}: {exc.strerror or exc}") from None
    with fh:
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                torn = "" if raw.endswith(b"\n") else " (the file looks truncated)"
                raise UserError(f"{path}:{lineno}: invalid JSON{torn}: {exc}") from None
            if not isinstance(obj, dict):
                raise UserError(f"{path}:{lineno}: expected a JSON object per line")
            version = obj.get("schema_version", RECORD_SCHEMA_VERSION)
            if version != RECORD_SCHEMA_VERSION and "axis" in obj:
                raise UserError(
                    f"{path}:{lineno}: problem file from another omegactl version (schema_version {version}, "
                    f"this omegactl reads {RECORD_SCHEMA_VERSION}); regenerate it with `omegactl generate`"
                )
            try:
                records.append(ProblemRecord.model_validate(obj))
            except ValidationError as exc:
                raise _schema_error(path, lineno, exc) from None
    return records
