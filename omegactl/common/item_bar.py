"""A progress bar for item generation that runs no thread of its own.

rich's ``Progress`` redraws from a background thread; this one redraws from the caller, at most ten times a
second, as items arrive. With no extra thread, ``omegactl.generate.pool`` can fork its workers (which then
inherit this process's imports instead of importing everything again).
"""
from __future__ import annotations

import time

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

REDRAW_SECONDS = 0.1


class ItemBar:
    """``with ItemBar(label, total, console) as bar: ... bar.tick()`` once per item (disabled: does nothing)."""

    def __init__(self, label: str, total: int, console: Console, *, enabled: bool = True):
        self._progress = Progress(
            TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
            console=console, transient=True, disable=not enabled, auto_refresh=False,
        )
        self._task = self._progress.add_task("items", total=total)
        self._drawn = 0.0

    def __enter__(self) -> "ItemBar":
        self._progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self._progress.stop()

    def tick(self) -> None:
        self._progress.advance(self._task)
        now = time.monotonic()
        if now - self._drawn >= REDRAW_SECONDS:
            self._drawn = now
            self._progress.refresh()
