"""Read and write row files (JSONL, gzip JSONL, parquet) as plain Python dicts, with one-line errors.

JSONL reading is bounded: a row longer than ``max_line_bytes`` or a file of more than ``max_file_bytes``
(after decompression; a gzip bomb stops there) is a one-line error, and memory never holds more than one
capped row of the input.

Parquet goes through pandas and needs pyarrow (the optional ``parquet`` extra); values that pandas hands
back as numpy arrays or scalars (list columns, struct columns) are turned into plain lists, dicts, ints and
strings, and null cells are left out, so that rows from parquet and from JSONL look the same to the code
that reads them.
"""
from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from omegactl.common.atomic import atomic_open
from omegactl.common.errors import UserError

ROW_SUFFIXES = (".jsonl", ".jsonl.gz", ".json.gz", ".parquet")
PARQUET_HINT = "reading and writing parquet needs pyarrow: pip install pyarrow (or the omegactl[parquet] extra)"


def row_format(path: Path) -> str | None:
    """``jsonl``, ``jsonl.gz`` or ``parquet`` from the file name; None for anything else."""
    name = Path(path).name.lower()
    if name.endswith(".parquet"):
        return "parquet"
    if name.endswith(".jsonl.gz") or name.endswith(".json.gz"):
        return "jsonl.gz"
    if name.endswith(".jsonl") or name.endswith(".json"):
        return "jsonl"
    return None


def have_parquet() -> bool:
    """True when pandas can read and write parquet here (pyarrow is importable)."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def plain(value: Any) -> Any:
    """A pandas/numpy value as plain JSON-like Python (arrays to lists, numpy scalars to Python scalars)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    tolist = getattr(value, "tolist", None)  # numpy arrays and numpy scalars
    if tolist is not None and not isinstance(value, (str, bytes)):
        return plain(tolist())
    return value


MAX_LINE_ENV = "OMEGACTL_MAX_ROW_MB"
MAX_FILE_ENV = "OMEGACTL_MAX_ROWS_FILE_MB"
DEFAULT_MAX_LINE_MB = 16
DEFAULT_MAX_FILE_MB = 2048


def _limit_mb(env: str, default: float) -> int:
    raw = os.environ.get(env)
    try:
        value = float(raw) if raw else default
    except ValueError:
        raise UserError(f"{env}={raw!r} is not a number of MiB") from None
    if value <= 0:
        raise UserError(f"{env} must be positive (got {raw})")
    return int(value * (1 << 20))


def max_line_bytes() -> int:
    """Longest JSONL row read (bytes, after decompression): OMEGACTL_MAX_ROW_MB, default 16 MiB."""
    return _limit_mb(MAX_LINE_ENV, DEFAULT_MAX_LINE_MB)


def max_file_bytes() -> int:
    """Most JSONL bytes read from one file (after decompression): OMEGACTL_MAX_ROWS_FILE_MB, default 2 GiB."""
    return _limit_mb(MAX_FILE_ENV, DEFAULT_MAX_FILE_MB)


def _mib(n: int) -> str:
    return f"{n / (1 << 20):g} MiB"


def iter_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number from 1, row) for every non-empty row; malformed input raises ``UserError``."""
    path = Path(path)
    fmt = row_format(path)
    if fmt == "parquet":
        yield from _parquet_rows(path)
        return
    opener = gzip.open if fmt == "jsonl.gz" else open
    try:
        fh = opener(path, "rb")
    except OSError as exc:
        raise UserError(f"cannot read {str(path)!r}: {exc.strerror or exc}") from None
    max_line, max_total = max_line_bytes(), max_file_bytes()
    with fh:
        lineno = 0
        total = 0
        try:
            while True:
                raw = fh.readline(max_line + 1)  # never more than the cap in memory, whatever the file holds
                if not raw:
                    break
                lineno += 1
                total += len(raw)
                if len(raw) > max_line:
                    raise UserError(f"{path}:{lineno}: line longer than {_mib(max_line)} (the limit for one row; "
                                    f"set {MAX_LINE_ENV} to raise it)")
                if total > max_total:
                    raise UserError(f"{path}: more than {_mib(max_total)} of rows{' once decompressed' if fmt == 'jsonl.gz' else ''} "
                                    f"(set {MAX_FILE_ENV} to raise the limit)")
                if not raw.strip():
                    continue
                try:
                    obj = json.loads(raw)
                except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                    torn = "" if raw.endswith(b"\n") else " (the file looks truncated)"
                    raise UserError(f"{path}:{lineno}: invalid JSON{torn}: {exc}") from None
                if not isinstance(obj, dict):
                    raise UserError(f"{path}:{lineno}: expected a JSON object per line")
                yield lineno, obj
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise UserError(f"{path}: not a readable {fmt or 'JSONL'} file after line {lineno}: {exc}") from None


def _parquet_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    import pandas as pd

    if not have_parquet():
        raise UserError(f"{path}: {PARQUET_HINT}")
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises many types for a bad file
        first = (str(exc).splitlines() or [""])[0][:200]
        raise UserError(f"{path}: not a readable parquet file: {first}") from None
    columns = list(frame.columns)
    for i, values in enumerate(frame.itertuples(index=False, name=None), 1):
        # a column is shared by all rows: a null cell means the row has no such field, as in JSONL
        yield i, {str(c): plain(v) for c, v in zip(columns, values) if not _is_null(v)}


def _is_null(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def read_rows(path: Path) -> list[dict[str, Any]]:
    return [row for _, row in iter_rows(path)]


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> int:
    """Write rows as JSON lines, atomically; returns the row count."""
    with atomic_open(path) as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False))
            fh.write("\n")
    return len(rows)


def write_parquet(path: Path, rows: list[dict[str, Any]]) -> int:
    """Write rows as one parquet file (pandas + pyarrow), atomically; returns the row count."""
    import pandas as pd

    if not have_parquet():
        raise UserError(f"cannot write {str(path)!r}: {PARQUET_HINT}")
    frame = pd.DataFrame(rows)
    with atomic_open(path, "wb") as fh:
        frame.to_parquet(fh, index=False)
    return len(rows)
