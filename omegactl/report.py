"""`omegactl report`: load run folders, build the frames once, render them in the chosen format."""
from __future__ import annotations

from pathlib import Path

from rich.console import Console

from omegactl.atomic import atomic_open
from omegactl.errors import UserError
from omegactl.report_data import RunReport, load_run


def build_reports(runs: list[Path], *, seed: int = 0, resamples: int = 10_000) -> list[RunReport]:
    reps = []
    for run in runs:
        if not Path(run).is_dir():
            raise UserError(f"{run} is not a run folder (no such directory)")
        reps.append(load_run(Path(run), seed=seed, resamples=resamples))
    labels = [r.label for r in reps]
    for i, r in enumerate(reps):  # make labels unique for side-by-side views
        if labels.count(r.label) > 1:
            r.label = f"{r.label} ({r.path})"
    return reps


def render(reps: list[RunReport], fmt: str, output: Path | None, console: Console) -> None:
    from omegactl import report_render as rr

    if fmt == "terminal":
        if output is None:
            rr.render_terminal(console, reps)
            return
        with atomic_open(output) as fh:
            rr.render_terminal(Console(file=fh, width=160, color_system=None), reps)
        return
    if fmt == "html":
        from omegactl.report_html import render_html

        text = render_html(reps)
    elif fmt == "md":
        text = rr.render_markdown(reps)
    elif fmt == "csv":
        text = rr.render_csv(reps)
    else:
        text = rr.render_json(reps)
    if output is None:
        print(text)
    else:
        with atomic_open(output) as fh:
            fh.write(text if text.endswith("\n") else text + "\n")
        console.print(f"wrote {fmt} report → {output}")
