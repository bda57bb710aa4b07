"""The run folder, the contract between eval, score, report and gate.

``manifest.json`` (atomic rewrites), ``problems.jsonl`` (the exact records evaluated), ``samples.jsonl``
(append-only, one line per finished (problem, sample); the latest line for a key wins), ``results.json``.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from generators.record import ProblemRecord
from omegactl.common.atomic import ensure_writable_dir, write_json, write_lines
from omegactl.common.errors import UserError

MANIFEST = "manifest.json"
PROBLEMS = "problems.jsonl"
SAMPLES = "samples.jsonl"
RESULTS = "results.json"


def sample_key(problem_id: str, sample_index: int) -> tuple[str, int]:
    return (problem_id, int(sample_index))


@dataclass
class RunFolder:
    path: Path

    @property
    def manifest_path(self) -> Path:
        return self.path / MANIFEST

    @property
    def problems_path(self) -> Path:
        return self.path / PROBLEMS

    @property
    def samples_path(self) -> Path:
        return self.path / SAMPLES

    @property
    def results_path(self) -> Path:
        return self.path / RESULTS

    def exists(self) -> bool:
        return self.manifest_path.exists()

    def create(self) -> None:
        ensure_writable_dir(self.path)

    # -- manifest
    def read_manifest(self) -> dict[str, Any]:
        try:
            manifest = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UserError(f"{self.path} is not a run folder (no {MANIFEST}); run `omegactl eval --out {self.path}` first") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise UserError(f"{self.manifest_path} is not valid JSON ({exc}); the run folder is damaged") from None
        if not isinstance(manifest, dict):
            raise UserError(f"{self.manifest_path} is not a JSON object (it holds a {type(manifest).__name__}); "
                            "the run folder is damaged")
        return manifest

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        write_json(self.manifest_path, manifest)

    # -- problems
    def write_problems(self, records: list[ProblemRecord]) -> None:
        write_lines(self.problems_path, (r.to_json() for r in records))

    def read_problems(self) -> list[ProblemRecord]:
        from omegactl.interop.problem_files import load_problem_file

        if not self.problems_path.exists():
            raise UserError(f"{self.path} has no {PROBLEMS}; the run folder is incomplete")
        return load_problem_file(self.problems_path)

    # -- samples
    def repair_samples(self) -> int:
        """Cut a torn last line left by a crash; returns the number of bytes removed."""
        p = self.samples_path
        if not p.exists():
            return 0
        size = p.stat().st_size
        if size == 0:
            return 0
        with open(p, "rb+") as fh:
            # find the end of the last complete, parseable line
            fh.seek(max(0, size - 1))
            if fh.read(1) == b"\n":
                # complete; still make sure the last line parses
                return 0 if _last_line_ok(p) else _truncate_last_line(p)
            return _truncate_last_line(p)

    def iter_samples(self) -> Iterator[dict[str, Any]]:
        p = self.samples_path
        if not p.exists():
            return
        with open(p, "rb") as fh:
            for lineno, raw in enumerate(fh, 1):
                if not raw.strip():
                    continue
                try:
                    yield json.loads(raw)
                except (json.JSONDecodeError, UnicodeDecodeError):
                    if not raw.endswith(b"\n"):
                        return  # torn final line of a run in progress or killed: ignored, repaired on resume
                    raise UserError(f"{p}:{lineno} is not valid JSON; the samples log is damaged") from None

    def latest_samples(self) -> dict[tuple[str, int], dict[str, Any]]:
        """One entry per (problem_id, sample_index): the latest line wins."""
        latest: dict[tuple[str, int], dict[str, Any]] = {}
        for s in self.iter_samples():
            latest[sample_key(s["problem_id"], s["sample_index"])] = s
        return latest

    def latest_slim(self) -> dict[tuple[str, int], dict[str, Any]]:
        """Like ``latest_samples`` but keeps only what scoring and counting need (no response text), so
        memory per sample stays small on long runs."""
        latest: dict[tuple[str, int], dict[str, Any]] = {}
        for s in self.iter_samples():
            strict = s.get("strict") or {}
            flex = s.get("flex") or {}
            err = s.get("error")
            latest[sample_key(s["problem_id"], s["sample_index"])] = {
                "strict": {"correct": bool(strict.get("correct")), "extracted": None if strict.get("extracted") is None else ""},
                "flex": {"correct": bool(flex.get("correct"))},
                "grid": s.get("grid"),
                "error": err[:300] if isinstance(err, str) else err,
                "finish_reason": s.get("finish_reason"),
                "prompt_tokens": s.get("prompt_tokens"),
                "completion_tokens": s.get("completion_tokens"),
            }
        return latest

    def open_samples_for_append(self) -> "SampleAppender":
        return SampleAppender(self.samples_path)

    def lock(self, action: str) -> "RunLock":
        """The folder's exclusive writer lock (created with the folder); use as a context manager."""
        from omegactl.runs.lock import RunLock

        self.create()
        return RunLock(self.path, action)

    # -- results
    def write_results(self, results: dict[str, Any]) -> None:
        write_json(self.results_path, results)

    def read_results(self) -> dict[str, Any] | None:
        if not self.results_path.exists():
            return None
        try:
            results = json.loads(self.results_path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise UserError(f"{self.results_path} is not valid JSON ({exc}); re-run `omegactl score {self.path}`") from None
        if not isinstance(results, dict):
            raise UserError(f"{self.results_path} is not a JSON object; re-run `omegactl score {self.path}`")
        return results


class SampleAppender:
    """Appends rows to the samples log: ``O_APPEND`` and one ``write`` per row (its text and newline
    together), so a row is never split around another writer's bytes."""

    def __init__(self, path: Path):
        self.fd: int | None = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)

    def write_row(self, line: str) -> None:
        data = (line + "\n").encode("utf-8")
        view = memoryview(data)
        while view:
            n = os.write(self.fd, view)
            view = view[n:]

    def write(self, data: bytes) -> None:
        """Whole lines, appended with O_APPEND: a concurrent reader never sees two rows glued together."""
        view = memoryview(data)
        while view:
            n = os.write(self.fd, view)
            view = view[n:]

    def flush(self) -> None:
        """Nothing is buffered here (every write goes straight to the file)."""

    def fileno(self) -> int:
        return self.fd

    def sync(self) -> None:
        os.fsync(self.fd)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def _last_line_ok(p: Path) -> bool:
    with open(p, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        back = min(size, 1 << 20)
        while True:
            fh.seek(size - back)
            chunk = fh.read(back)
            body = chunk[:-1]
            idx = body.rfind(b"\n")
            if idx >= 0 or back == size:
                last = body[idx + 1 :] if idx >= 0 else body
                break
            back = min(size, back * 2)
    try:
        json.loads(last)
        return True
    except (json.JSONDecodeError, UnicodeDecodeError):
        return False


def _truncate_last_line(p: Path) -> int:
    """Drop everything after the last newline that ends a parseable line."""
    data_size = p.stat().st_size
    with open(p, "rb+") as fh:
        pos = data_size
        chunk = 1 << 20
        # find the last newline before a torn tail (search backwards)
        tail_start = 0
        while pos > 0:
            start = max(0, pos - chunk)
            fh.seek(start)
            buf = fh.read(pos - start)
            # skip a trailing newline that belongs to an unparseable line
            search_in = buf[:-1] if pos == data_size and buf.endswith(b"\n") else buf
            idx = search_in.rfind(b"\n")
            if idx >= 0:
                tail_start = start + idx + 1
                break
            pos = start
        fh.truncate(tail_start)
        fh.flush()
        os.fsync(fh.fileno())
    return data_size - tail_start
