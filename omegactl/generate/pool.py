"""Generate (setting, split) jobs on all cores, byte-identical to one process.

Items are seeded per item, so any process can draw any item; only the de-duplication within a split is
sequential. Workers therefore draw items ahead (``generators.settings.draw_item``: the first attempt
that is not rejected, lies in the split's bucket and is solved and checked), and this process settles
them in order against the split's ``seen`` set (``settle_item``), re-drawing the rare duplicate itself.
The records come out in exactly the order, and with exactly the bytes, that ``Setting.records`` gives in
one process. Settings with their own ``records`` (C-ARC) run as one task per (setting, split).
On Linux, when this process runs no other thread, workers are forked: they inherit its imports and start
at once instead of importing everything again (about a second of CPU each). Otherwise (another thread could
hold a lock the child inherits; macOS, Windows) they are spawned. What a forked worker inherits besides
imports are memo caches, which never change a result.
"""
from __future__ import annotations

import os
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from generators.record import ProblemRecord
from generators.settings import Setting
from omegactl.common.allocator import tune_allocator

CHUNK_MAX = 16  # items per task; small enough to balance slow families across workers
IN_FLIGHT_PER_WORKER = 16  # tasks queued ahead per worker (a slow chunk at the head must not idle the others)
MIN_PARALLEL_ITEMS = 200  # below this, starting workers costs more than it saves
START_METHOD: str | None = None  # None: fork where safe (see the module docstring), else spawn; tests set it


@dataclass(frozen=True)
class JobSpec:
    """One (setting, split) job, described by names so that a worker can rebuild it."""

    setting: str
    split: str
    n: int
    seed: int
    levels: tuple[int, ...] | None = None
    options: tuple[tuple[str, object], ...] = ()  # generator options (C-ARC), applied with ``with_options``


def default_workers() -> int:
    """The CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


_SETTINGS: dict[tuple, Setting] = {}


def resolve(spec: JobSpec) -> Setting:
    """The job's setting object (memoised per process)."""
    key = (spec.setting, spec.options)
    if key not in _SETTINGS:
        from generators import registry

        setting = registry.get_setting(spec.setting)
        if spec.options:
            setting = setting.with_options(**dict(spec.options))
        _SETTINGS[key] = setting
    return _SETTINGS[key]


def _generic(setting: Setting) -> bool:
    return type(setting).records is Setting.records


def _coords(setting: Setting, spec: JobSpec, level: int, index: int) -> dict:
    return dict(setting_key=setting.name, setting_name=setting.title, axis=setting.axis, split=spec.split,
                level=level, seed=spec.seed, index=index, bucket=setting.bucket_for(spec.split))


def _draw_chunk(spec: JobSpec, items: list[tuple[int, int, int]]) -> list:
    """Worker task: ``draw_item`` for each (plan entry, level, index)."""
    from generators.settings import draw_item

    setting = resolve(spec)
    plan = setting.plan(spec.split, spec.levels, spec.n)
    return [draw_item(plan[p][0], **_coords(setting, spec, level, index)) for p, level, index in items]


def _whole_job(spec: JobSpec) -> list[ProblemRecord]:
    """Worker task for a setting with its own ``records``."""
    return list(resolve(spec).records(spec.split, n=spec.n, seed=spec.seed, levels=spec.levels))


def item_count(spec: JobSpec) -> int:
    return resolve(spec).count(spec.split, spec.levels, spec.n)


def iter_records(specs: list[JobSpec], *, workers: int | None = None,
                 on_item: Callable[[], None] | None = None) -> Iterator[tuple[int, ProblemRecord]]:
    """(job index, record) for every job, in one process's order; ``workers`` processes (default: all CPUs)."""
    workers = default_workers() if workers is None else workers
    if workers < 1:
        raise ValueError(f"workers must be >= 1 (got {workers})")
    tune_allocator()  # this process generates too when workers == 1 (and settles items otherwise)
    for spec in specs:
        resolve(spec).validate(spec.split, spec.levels)
    if workers == 1 or sum(item_count(s) for s in specs) < MIN_PARALLEL_ITEMS:
        for j, spec in enumerate(specs):
            for rec in resolve(spec).records(spec.split, n=spec.n, seed=spec.seed, levels=spec.levels, on_item=on_item):
                yield j, rec
        return
    yield from _pooled(specs, workers, on_item)


def _tasks(specs: list[JobSpec], workers: int):
    """(job index, kind, payload) in output order: ``chunk`` (plan entry, level, index) lists or ``whole``."""
    for j, spec in enumerate(specs):
        setting = resolve(spec)
        if not _generic(setting):
            yield j, "whole", None
            continue
        items = [(p, level, index) for p, (_, level, count) in enumerate(setting.plan(spec.split, spec.levels, spec.n))
                 for index in range(count)]
        size = max(1, min(CHUNK_MAX, len(items) // (workers * 8) or 1))
        for start in range(0, len(items), size):
            yield j, "chunk", items[start : start + size]


def start_method() -> str:
    """How workers start: ``START_METHOD`` if set, else fork on Linux when this process runs one thread."""
    import multiprocessing

    if START_METHOD is not None:
        return START_METHOD
    if sys.platform.startswith("linux") and threading.active_count() == 1 \
            and "fork" in multiprocessing.get_all_start_methods():
        return "fork"
    return "spawn"


def _start_worker() -> None:
    """Worker initializer: the signal handlers a spawned worker has (a forked one inherits the parent's,
    and the CLI's SIGTERM handler would turn a stop into a traceback) and the allocator settings."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    tune_allocator()


def _launch(top_up: Callable[[], None], method: str) -> None:
    """The first submissions, which start the workers. A fork runs at-fork handlers (logging's among them)
    that swallow any exception, so a stop signal handled then would be lost (and numpy's BLAS threads can
    take the signal, so blocking it in this thread does not help): while forking, a stop signal is only
    noted, and afterwards it is sent again to the handlers that were there before."""
    import signal

    if method != "fork" or threading.current_thread() is not threading.main_thread():
        top_up()
        return
    caught: list[int] = []
    stops = [signal.SIGTERM, signal.SIGINT]
    previous = {sig: signal.signal(sig, lambda signum, _frame: caught.append(signum)) for sig in stops}
    try:
        top_up()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
        for signum in dict.fromkeys(caught):
            os.kill(os.getpid(), signum)  # handled now, by the handler that was there before


def _pooled(specs: list[JobSpec], workers: int, on_item) -> Iterator[tuple[int, ProblemRecord]]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from generators.settings import settle_item

    for stream in (sys.stdout, sys.stderr):  # a forked child must not write this process's pending output again
        try:
            stream.flush()
        except (AttributeError, OSError, ValueError):
            pass
    method = start_method()
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method),
                               initializer=_start_worker)
    queue: deque = deque()
    tasks = _tasks(specs, workers)
    seen: dict[int, set[str]] = {}
    finished = False
    try:
        def top_up() -> None:
            while len(queue) < workers * IN_FLIGHT_PER_WORKER:
                task = next(tasks, None)
                if task is None:
                    return
                j, kind, payload = task
                fut = pool.submit(_whole_job, specs[j]) if kind == "whole" else pool.submit(_draw_chunk, specs[j], payload)
                queue.append((j, kind, payload, fut))

        _launch(top_up, method)
        while queue:
            j, kind, payload, fut = queue.popleft()
            result = fut.result()
            top_up()
            if kind == "whole":
                for rec in result:
                    yield j, rec
                    if on_item is not None:
                        on_item()
                continue
            spec = specs[j]
            setting = resolve(spec)
            plan = setting.plan(spec.split, spec.levels, spec.n)
            job_seen = seen.setdefault(j, set())
            for (p, level, index), draw in zip(payload, result):
                yield j, settle_item(plan[p][0], draw, job_seen, **_coords(setting, spec, level, index))
                if on_item is not None:
                    on_item()
        finished = True
    finally:
        for *_, fut in queue:
            fut.cancel()
        if not finished:
            # an error, Ctrl-C or SIGTERM: stop the workers now rather than wait for their current tasks
            for proc in list((getattr(pool, "_processes", None) or {}).values()):
                proc.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
