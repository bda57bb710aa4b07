"""`omegactl report`: load run folders, build the frames once, render them in the chosen format."""
from __future__ import annotations

from pathlib import Path

from rich.console import Console

from omegactl.common.atomic import atomic_open
from omegactl.common.errors import UserError
from omegactl.report.data import RunReport, load_run


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


def render_csv_tables(reps: list[RunReport], folder: Path, console: Console) -> None:
    """``--table all``: one tidy CSV per table in ``folder`` (tables with no rows are skipped)."""
    from omegactl.report import render as rr

    for name in rr.CSV_TABLES:
        df = rr.tidy_table(reps, name)
        if not len(df):
            continue
        with atomic_open(Path(folder) / f"{name}.csv") as fh:
            df.to_csv(fh, index=False)
        console.print(f"wrote {name} → {Path(folder) / (name + '.csv')}")


def render(reps: list[RunReport], fmt: str, output: Path | None, console: Console, *, table: str | None = None) -> None:
    from omegactl.report import render as rr

    if fmt == "terminal":
        if output is None:
            rr.render_terminal(console, reps)
            return
        with atomic_open(output) as fh:
            rr.render_terminal(Console(file=fh, width=160, color_system=None), reps)
        return
    if fmt == "html":
        from omegactl.report.html import render_html

        text = render_html(reps)
    elif fmt == "md":
        text = rr.render_markdown(reps)
    elif fmt == "csv":
        if table == "all":
            if output is None:
                raise UserError("--table all writes one CSV per table: give -o FOLDER")
            render_csv_tables(reps, output, console)
            return
        text = rr.render_csv(reps, table or "settings")
    else:
        text = rr.render_json(reps)
    if output is None:
        print(text)
    else:
        with atomic_open(output) as fh:
            fh.write(text if text.endswith("\n") else text + "\n")
        console.print(f"wrote {fmt} report → {output}")
