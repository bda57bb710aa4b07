"""Load problem files given to `eval --problems` with clear one-line errors (never a traceback).

Besides omegactl's own JSONL records, the public release files are accepted (OMEGA Hugging Face rows in
parquet or JSONL, C-ARC ``jsonl.gz`` episodes, or ``hf:REPO[/CONFIG]:SPLIT`` from the Hub); the row kind is
sniffed per file and converted by ``omegactl.interop.official``. ``load_problem_source`` also says where the
problems came from, for the run manifest's ``source``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from pydantic import ValidationError

from generators.record import RECORD_SCHEMA_VERSION, ProblemRecord
from omegactl.common.errors import UserError
from omegactl.common.rows_io import row_format


def _schema_error(path: Path, lineno: int, exc: ValidationError) -> UserError:
    err = exc.errors()[0]
    loc = ".".join(str(x) for x in err.get("loc", ())) or "(record)"
    return UserError(f"{path}:{lineno}: not an omegactl problem record: field {loc!r}: {err.get('msg')}")


def load_problem_file(path: Path) -> list[ProblemRecord]:
    """Parse a problem file or folder (omegactl JSONL or public release files); reject malformed input."""
    return load_problem_source(path)[0]


def load_problem_source(spec: str | Path) -> tuple[list[ProblemRecord], dict[str, Any]]:
    """(records, source) for ``--problems``: a file, a folder of files, or ``hf:REPO[/CONFIG]:SPLIT``.

    ``source`` is ``{"kind": "file", "path"}`` for omegactl records and ``{"kind": "official", "path",
    "dataset", "format"}`` for release files (a folder may not mix the two).
    """
    from omegactl.interop import official

    if isinstance(spec, str) and spec.startswith("hf:"):
        loaded = official.read_hub(spec)
        renamed = official.unique_ids(loaded.records)
        return loaded.records, _source(spec, [loaded], renamed)
    path = Path(spec)
    if not path.exists():
        raise UserError(f"problem file {str(path)!r} does not exist")
    if not path.is_dir() and not path.is_file():
        return _load_stream(path, spec)
    if path.is_dir():
        # hidden files and everything under hidden folders (.git, .cache, ...) are not problem files
        files = sorted(p for p in path.rglob("*") if p.is_file()
                       and not any(part.startswith(".") for part in p.relative_to(path).parts)
                       and row_format(p) is not None and not p.name.lower().endswith(".json"))
        if not files:
            raise UserError(f"no .jsonl, .jsonl.gz or .parquet problem files under {str(path)!r}")
    else:
        files = [path]
    own: list[ProblemRecord] = []
    releases = []
    for f in files:
        if _is_release_file(f):
            releases.append(official.read_official(f))
        else:
            own.extend(_load_jsonl(f))
    if own and releases:
        raise UserError(f"{path}: mixes omegactl problem records and public release files; evaluate them separately")
    renamed = 0
    if releases:
        records = [r for loaded in releases for r in loaded.records]
        renamed = official.unique_ids(records)
    else:
        records = own
    if not records:
        raise UserError(f"problem file {str(path)!r} holds no problems")
    if not releases:
        seen: dict[str, int] = {}
        for i, rec in enumerate(records):
            if rec.id in seen:
                raise UserError(f"{path}: duplicate problem id {rec.id!r} (records {seen[rec.id] + 1} and {i + 1}); ids must be unique")
            seen[rec.id] = i
        return records, {"kind": "file", "path": str(spec)}
    return records, _source(str(spec), releases, renamed)


def _load_stream(path: Path, spec: str | Path) -> tuple[list[ProblemRecord], dict[str, Any]]:
    """A pipe or device (``--problems /dev/stdin``): read it once, within the size cap, into a temporary
    file (it cannot be read twice), then load that; errors name the original path."""
    import shutil
    import tempfile

    from omegactl.common.rows_io import MAX_FILE_ENV, max_file_bytes

    limit = max_file_bytes()
    with tempfile.TemporaryDirectory(prefix="omegactl-stdin-") as tmp:
        try:
            with open(path, "rb") as src:
                head = src.read(2)
                target = Path(tmp) / ("problems.jsonl.gz" if head == b"\x1f\x8b" else "problems.jsonl")
                with open(target, "wb") as dst:
                    dst.write(head)
                    copied = len(head)
                    while chunk := src.read(1 << 20):
                        copied += len(chunk)
                        if copied > limit:
                            raise UserError(f"{path}: more than {limit >> 20} MiB of input (set {MAX_FILE_ENV} to raise the limit)")
                        dst.write(chunk)
        except OSError as exc:
            raise UserError(f"cannot read problems from {str(path)!r}: {exc.strerror or exc}") from None
        if copied == 0:
            raise UserError(f"problem file {str(path)!r} is empty (nothing was piped in?)")
        try:
            records, source = load_problem_source(target)
        except UserError as exc:
            raise UserError(str(exc).replace(str(target), str(path)), exc.exit_code) from None
    source["path"] = str(spec)
    return records, source


def _source(spec: str, releases: list, renamed: int) -> dict[str, Any]:
    kinds = {r.kind for r in releases}
    datasets = sorted({r.dataset for r in releases})
    source: dict[str, Any] = {
        "kind": "official" if kinds == {"official"} else "file",
        "path": spec,
        "dataset": datasets[0] if len(datasets) == 1 else datasets,
        "format": sorted({r.format for r in releases})[0] if len({r.format for r in releases}) == 1
        else sorted({r.format for r in releases}),
    }
    if renamed:
        source["renamed_duplicate_ids"] = renamed
    return source


def _is_release_file(path: Path) -> bool:
    """Parquet files are always release rows; JSONL files are sniffed from their first row."""
    from omegactl.interop.official import sniff
    from omegactl.common.rows_io import iter_rows

    if row_format(path) == "parquet":
        return True
    for _, row in iter_rows(path):
        return sniff(row) != "omegactl"
    return False


def _load_jsonl(path: Path) -> list[ProblemRecord]:
    return list(_iter_jsonl(path))


def _iter_jsonl(path: Path) -> Iterator[ProblemRecord]:
    """The checked records of one omegactl JSONL problem file, one at a time."""
    from omegactl.common.rows_io import iter_rows

    for lineno, obj in iter_rows(path):
        version = obj.get("schema_version", RECORD_SCHEMA_VERSION)
        if version != RECORD_SCHEMA_VERSION and "axis" in obj:
            raise UserError(
                f"{path}:{lineno}: problem file from another omegactl version (schema_version {version}, "
                f"this omegactl reads {RECORD_SCHEMA_VERSION}); regenerate it with `omegactl generate`"
            )
        try:
            rec = ProblemRecord.model_validate(obj)
        except ValidationError as exc:
            raise _schema_error(path, lineno, exc) from None
        problem = _record_problem(rec)
        if problem:
            raise UserError(f"{path}:{lineno}: not a usable problem record: {problem}")
        yield rec


def stream_problem_source(spec: str | Path) -> tuple[Iterator[ProblemRecord], dict[str, Any]] | None:
    """(records, source) like ``load_problem_source``, but the records are read one at a time while the
    caller iterates (nothing is kept but a 64-bit hash per id, for the duplicate check at the end). Only
    for omegactl JSONL files or folders of them; None for anything else (public release files, the Hub,
    pipes), which the caller loads with ``load_problem_source``. Errors are the same one-liners, raised
    while iterating (the duplicate-id error once every record was read, as the in-memory loader does)."""
    if isinstance(spec, str) and spec.startswith("hf:"):
        return None
    path = Path(spec)
    if not path.exists():
        raise UserError(f"problem file {str(path)!r} does not exist")
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file()
                       and not any(part.startswith(".") for part in p.relative_to(path).parts)
                       and row_format(p) is not None and not p.name.lower().endswith(".json"))
        if not files:
            raise UserError(f"no .jsonl, .jsonl.gz or .parquet problem files under {str(path)!r}")
    elif path.is_file():
        files = [path]
    else:
        return None  # a pipe or device: read once into a temporary file by load_problem_source
    if any(_is_release_file(f) for f in files):
        return None
    return _stream_own(path, files), {"kind": "file", "path": str(spec)}


def _stream_own(path: Path, files: list[Path]) -> Iterator[ProblemRecord]:
    from array import array

    from omegactl.common.hashing import id_hash

    hashes = array("Q")
    for f in files:
        for rec in _iter_jsonl(f):
            hashes.append(id_hash(rec.id))
            yield rec
    if not hashes:
        raise UserError(f"problem file {str(path)!r} holds no problems")
    import numpy as np

    ordered = np.sort(np.frombuffer(hashes, dtype=np.uint64))
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    if repeated.size:  # a repeated id (or, very rarely, two ids of one hash): find which
        twice = set(repeated.tolist())
        seen: dict[str, int] = {}
        i = -1
        for f in files:
            for rec in _iter_jsonl(f):
                i += 1
                if id_hash(rec.id) not in twice:
                    continue
                if rec.id in seen:
                    raise UserError(f"{path}: duplicate problem id {rec.id!r} (records {seen[rec.id] + 1} and "
                                    f"{i + 1}); ids must be unique")
                seen[rec.id] = i


def _record_problem(rec: ProblemRecord) -> str | None:
    """Why a schema-valid record still cannot be evaluated (None when it can): no messages, an unknown
    answer type, or a gold answer the verifier cannot read (NaN, infinity, the wrong shape)."""
    from verifiers.compare import GoldError, check_gold

    if not rec.messages:
        return "field 'messages' is empty (a problem needs at least one user message)"
    if not _finite(rec.answer):
        return f"field 'answer' holds {rec.answer!r}, which is not a finite number"
    try:
        check_gold(rec.answer_type, rec.answer)
    except GoldError as exc:
        return f"field 'answer_type' / 'answer': {exc}"
    return None


def _finite(value: Any) -> bool:
    if isinstance(value, float):
        return value == value and value not in (float("inf"), float("-inf"))
    if isinstance(value, (list, tuple)):
        return all(_finite(v) for v in value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    return True
