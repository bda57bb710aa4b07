"""A run's problems on disk, read back in bounded chunks, so an eval's memory does not grow with its length.

``stage`` writes a problem source's records once, as their canonical JSON lines, to the run folder's
``problems.jsonl`` (atomically; the sha256 of the bytes is the run's problem-set hash). After that the
eval holds no list of records: ``ProblemFile.index()`` keeps a 64-bit hash of each problem id and the
index of its (axis, setting, split, level) cell (12 bytes a problem), ``ProblemFile.iter_records()``
parses the lines as the requests are sent (256 at a time), and ``Todo`` yields the (record, sample) pairs still to do,
checking each against ``done_keys`` (a sorted array of the 64-bit hashes of the samples already done).
Sample keys are hashed as ``id_hash(problem_id) ^ mix(sample_index)``; two distinct keys of one run
share a hash with probability about n²/2⁶⁵ (≈ 3e-10 at 100,000 samples).
"""
from __future__ import annotations

import hashlib
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np
import orjson

from generators.record import ProblemRecord
from omegactl.common.atomic import atomic_open
from omegactl.common.hashing import id_hash

CHUNK = 256  # records parsed (and sample keys checked) at a time
_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15


def mix(sample_index: int) -> int:
    return ((int(sample_index) + 1) * _GOLDEN) & _MASK


def key_hash(problem_id: str, sample_index: int) -> int:
    """The 64-bit hash of a (problem_id, sample_index) sample key."""
    return id_hash(problem_id) ^ mix(sample_index)


def parse_line(raw: bytes) -> Any:
    """orjson, or the stdlib where orjson refuses what the stdlib writes (e.g. an escaped lone surrogate)."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        import json

        return json.loads(raw)


@dataclass
class Staged:
    """What staging a problem source wrote: how many records, the sha256 of their lines, where from."""

    n: int
    pset: str
    source: dict[str, Any]


def stage(records: Iterable[ProblemRecord], dest: Path | None, source: dict[str, Any]) -> Staged:
    """Write the records' JSON lines to ``dest`` (atomically; None: only hash them) one at a time."""
    h = hashlib.sha256()
    n = 0
    if dest is None:
        for rec in records:
            h.update(rec.to_json().encode("utf-8"))
            h.update(b"\n")
            n += 1
        return Staged(n, h.hexdigest(), source)
    with atomic_open(dest, "wb") as fh:
        for rec in records:
            line = rec.to_json().encode("utf-8") + b"\n"
            fh.write(line)
            h.update(line)
            n += 1
    return Staged(n, h.hexdigest(), source)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class ProblemIndex:
    """Per problem (file order) the 64-bit hash of its id and its cell's number; the cells; versions."""

    ids: np.ndarray  # uint64
    cells: np.ndarray  # int32, index into cell_keys
    cell_keys: list[tuple[str, str, str, int]]  # (axis, setting_key, split, level)
    generator_versions: set[str] = field(default_factory=set)

    @property
    def n(self) -> int:
        return int(self.ids.size)

    def lookup(self) -> tuple[np.ndarray, np.ndarray]:
        """(sorted unique id hashes, their cell numbers): where an id repeats, its last record's cell, as
        a ``{id: record}`` dict of the records would have it."""
        order = np.argsort(self.ids, kind="stable")
        ids = self.ids[order]
        last = np.ones(ids.size, dtype=bool)
        last[:-1] = ids[1:] != ids[:-1]
        return ids[last], self.cells[order][last]


class ProblemFile:
    """A staged problems.jsonl, read back line by line (never all records at once)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._index: ProblemIndex | None = None

    def iter_records(self) -> Iterator[ProblemRecord]:
        with open(self.path, "rb") as fh:
            for raw in fh:
                if raw.strip():
                    yield ProblemRecord.model_validate_json(raw)

    def index(self) -> ProblemIndex:
        if self._index is None:
            ids = array("Q")
            cells = array("i")
            numbers: dict[tuple, int] = {}
            versions: set[str] = set()
            with open(self.path, "rb") as fh:
                for raw in fh:
                    if not raw.strip():
                        continue
                    row = parse_line(raw)
                    ids.append(id_hash(row["id"]))
                    cell = (row["axis"], row["setting_key"], row["split"], int(row["level"]))
                    cells.append(numbers.setdefault(cell, len(numbers)))
                    versions.add(row["generator_version"])
            self._index = ProblemIndex(np.frombuffer(ids, dtype=np.uint64).copy() if ids else np.zeros(0, np.uint64),
                                       np.frombuffer(cells, dtype=np.int32).copy() if cells else np.zeros(0, np.int32),
                                       list(numbers), versions)
        return self._index


def iter_sample_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, row) of a samples log, as ``RunFolder.iter_samples`` reads it: a torn last line is
    skipped; a damaged line elsewhere is a one-line error."""
    from omegactl.common.errors import UserError

    path = Path(path)
    if not path.exists():
        return
    with open(path, "rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                yield lineno, parse_line(raw)
            except (ValueError, UnicodeDecodeError):
                if not raw.endswith(b"\n"):
                    return
                raise UserError(f"{path}:{lineno} is not valid JSON; the samples log is damaged") from None


def latest_lines(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each sample key of a samples log (later lines win): (key hash, row number of its latest line,
    row number of its first line), sorted by key hash; plus nothing else kept."""
    keys = array("Q")
    rows = array("q")
    for lineno, s in iter_sample_rows(path):
        keys.append(key_hash(s["problem_id"], s["sample_index"]))
        rows.append(lineno)
    if not keys:
        empty = np.zeros(0, np.int64)
        return np.zeros(0, np.uint64), empty, empty
    k = np.frombuffer(keys, dtype=np.uint64)
    r = np.frombuffer(rows, dtype=np.int64)
    order = np.argsort(k, kind="stable")
    k, r = k[order], r[order]
    last = np.ones(k.size, dtype=bool)
    last[:-1] = k[1:] != k[:-1]
    first = np.ones(k.size, dtype=bool)
    first[1:] = k[1:] != k[:-1]
    return k[last].copy(), r[last].copy(), r[first].copy()


def done_keys(path: Path) -> np.ndarray:
    """Sorted hashes of the sample keys whose latest line in the samples log has no error."""
    keys = array("Q")
    ok = array("b")
    for _, s in iter_sample_rows(path):
        keys.append(key_hash(s["problem_id"], s["sample_index"]))
        ok.append(s.get("error") is None)
    if not keys:
        return np.zeros(0, np.uint64)
    k = np.frombuffer(keys, dtype=np.uint64)
    good = np.frombuffer(ok, dtype=np.int8).astype(bool)
    order = np.argsort(k, kind="stable")
    k, good = k[order], good[order]
    last = np.ones(k.size, dtype=bool)
    last[:-1] = k[1:] != k[:-1]
    return k[last & good].copy()


def contains(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Membership of ``keys`` in ``sorted_keys`` (both uint64)."""
    if sorted_keys.size == 0:
        return np.zeros(keys.size, dtype=bool)
    pos = np.searchsorted(sorted_keys, keys)
    pos[pos == sorted_keys.size] = 0
    return sorted_keys[pos] == keys


class Todo:
    """The (record, sample_index) pairs not yet done, in file order, parsed a chunk at a time."""

    def __init__(self, problems: ProblemFile, done: np.ndarray, samples: int):
        self.problems = problems
        self.done = done
        self.samples = samples
        ids = problems.index().ids
        already = sum(int(contains(done, ids ^ np.uint64(mix(k))).sum()) for k in range(samples)) if done.size else 0
        self.count = ids.size * samples - already
        self.done_count = already

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[tuple[ProblemRecord, int]]:
        if self.count == 0:
            return
        chunk: list[ProblemRecord] = []
        for rec in self.problems.iter_records():
            chunk.append(rec)
            if len(chunk) >= CHUNK:
                yield from self._open(chunk)
                chunk = []
        if chunk:
            yield from self._open(chunk)

    def _open(self, chunk: list[ProblemRecord]) -> Iterator[tuple[ProblemRecord, int]]:
        if self.done.size == 0:
            for rec in chunk:
                for k in range(self.samples):
                    yield rec, k
            return
        ids = np.fromiter((id_hash(r.id) for r in chunk), dtype=np.uint64, count=len(chunk))
        done = [contains(self.done, ids ^ np.uint64(mix(k))) for k in range(self.samples)]
        for i, rec in enumerate(chunk):
            for k in range(self.samples):
                if not done[k][i]:
                    yield rec, k
