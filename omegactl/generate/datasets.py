"""`omegactl generate`: resolve settings/splits/levels, generate records on all cores, write them all-or-nothing."""
from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generators import registry
from generators.family import GenerationError
from generators.registry import UnknownName
from generators.settings import Setting, parse_levels
from omegactl.common.atomic import ensure_writable_dir, open_mode_as_umask
from omegactl.common.errors import UserError
from omegactl.generate.pool import JobSpec, iter_records

FORMATS = ("jsonl", "hf")


@dataclass
class GenJob:
    setting: Setting
    split: str
    levels: tuple[int, ...] | None  # None: the split's default levels
    options: tuple[tuple[str, object], ...] = ()  # generator options applied to the setting (C-ARC)

    def spec(self, n: int, seed: int) -> JobSpec:
        return JobSpec(self.setting.name, self.split, n, seed, self.levels, self.options)

    def resolved_levels(self) -> tuple[int, ...]:
        return self.levels if self.levels is not None else self.setting.splits[self.split]


def resolve_settings(names: list[str], axis: str | None) -> list[Setting]:
    """Settings named on the command line, or every setting of ``axis``."""
    if axis is not None:
        from generators.record import AXES

        if axis not in AXES:
            raise UserError(f"unknown axis {axis!r} (valid: {', '.join(AXES)})")
    chosen: list[Setting] = []
    try:
        for name in names:
            chosen.append(registry.get_setting(name))
    except UnknownName as exc:
        raise UserError(str(exc)) from None
    if axis is not None:
        by_axis = list(registry.settings(axis).values())
        chosen = [s for s in chosen if s.axis == axis] if names else by_axis
        if not chosen:
            raise UserError(f"no settings on axis {axis!r} among the names given")
    if not chosen:
        raise UserError("name at least one setting (see `omegactl ls`) or pass --axis")
    return list(dict.fromkeys(chosen))


def apply_carc_options(settings: list[Setting], options: dict) -> list[Setting]:
    """Replace the C-ARC setting by a copy with the given generator options (split seed, encoding, ...)."""
    options = {k: v for k, v in options.items() if v is not None}
    if not options:
        return settings
    out = []
    for s in settings:
        if s.axis == "carc" and hasattr(s, "with_options"):
            try:
                s = s.with_options(**options)
            except (ValueError, TypeError) as exc:
                raise UserError(f"invalid C-ARC option: {exc}") from None
        out.append(s)
    return out


def plan(names: list[str], axis: str | None, split: str | None, levels: str | None, n: int,
         carc_options: dict | None = None) -> list[GenJob]:
    if n <= 0:
        raise UserError(f"--n must be a positive number of problems per level (got {n})")
    lv: tuple[int, ...] | None = None
    if levels is not None:
        try:
            lv = parse_levels(levels)
        except ValueError as exc:
            raise UserError(str(exc)) from None
    jobs: list[GenJob] = []
    options = tuple(sorted((k, v) for k, v in (carc_options or {}).items() if v is not None))
    for setting in apply_carc_options(resolve_settings(names, axis), carc_options or {}):
        opts = options if setting.axis == "carc" and hasattr(setting, "with_options") else ()
        splits = [split] if split else list(setting.splits)
        for sp in splits:
            try:
                setting.validate(sp, lv)
            except GenerationError as exc:
                raise UserError(str(exc)) from None
            jobs.append(GenJob(setting, sp, lv, opts))
    return jobs


def output_paths(jobs: list[GenJob], out: Path) -> tuple[bool, list[Path]]:
    """(single_file, paths): a ``.jsonl`` target gets everything; a folder gets <setting>/<split>.jsonl."""
    if out.suffix == ".jsonl":
        return True, [out]
    return False, [out / job.setting.name / f"{job.split}.jsonl" for job in jobs]


def run(
    jobs: list[GenJob],
    *,
    n: int,
    seed: int,
    out: Path,
    fmt: str = "jsonl",
    on_item: Callable[[], None] | None = None,
    workers: int | None = None,
) -> list[tuple[Path, int]]:
    """Generate every job on ``workers`` processes (default: all CPUs; the bytes do not depend on it);
    files appear only when all jobs succeeded (temp files, then rename)."""
    if fmt not in FORMATS:
        raise UserError(f"unknown --format {fmt!r} (valid: {', '.join(FORMATS)})")
    if workers is not None and workers < 1:
        raise UserError(f"--workers must be at least 1 (got {workers})")
    single, paths = output_paths(jobs, out)
    created: list[Path] = []  # folders this call makes; removed again (when empty) if it does not finish
    for p in dict.fromkeys(p.parent for p in paths):
        created += [d for d in reversed([p, *p.parents]) if not d.exists() and d not in created]
        ensure_writable_dir(p)
    temps: list[tuple[str, Path]] = []
    counts: dict[Path, int] = {}
    handles: dict[Path, object] = {}

    def handle_for(path: Path):
        if path not in handles:
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            open_mode_as_umask(fd)
            handles[path] = os.fdopen(fd, "w", encoding="utf-8")
            temps.append((tmp, path))
            counts[path] = 0
        return handles[path]

    try:
        job_paths = paths * len(jobs) if single else paths
        for path in job_paths:
            handle_for(path)
        specs = [job.spec(n, seed) for job in jobs]
        for j, rec in iter_records(specs, workers=workers, on_item=on_item):
            path = job_paths[j]
            line = rec.to_json() if fmt == "jsonl" else json.dumps(rec.to_hf(), ensure_ascii=False)
            handles[path].write(line + "\n")
            counts[path] += 1
        for fh in handles.values():
            fh.flush()
            os.fsync(fh.fileno())
            fh.close()
        for tmp, path in temps:
            os.replace(tmp, path)
    except GenerationError as exc:
        _cleanup(handles, temps, created)
        raise UserError(str(exc)) from None
    except BaseException:
        _cleanup(handles, temps, created)
        raise
    return [(p, counts[p]) for p in dict.fromkeys(p for _, p in temps)]


def _cleanup(handles, temps, created: list[Path] = ()) -> None:
    for fh in handles.values():
        try:
            fh.close()
        except Exception:
            pass
    for tmp, _ in temps:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
    for d in reversed(created):  # deepest first; a folder something else wrote into stays
        try:
            d.rmdir()
        except OSError:
            pass
