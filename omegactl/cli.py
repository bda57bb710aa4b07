"""The `omegactl` command line (typer + rich). Each command delegates to its own module."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from omegactl import __version__
from omegactl.common.errors import UserError

app = typer.Typer(
    name="omegactl",
    help="Measure how LLM reasoning generalizes: generate seeded problems, evaluate models, report ID→OOD degradation, gate releases.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        console.print(f"omegactl {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """omegactl: reasoning-generalization benchmarks from the command line."""


@app.command("ls")
def ls_cmd(
    what: str = typer.Argument("settings", help="What to list: settings (default) or suites."),
    axis: Optional[str] = typer.Option(None, "--axis", help="Only this axis: exploratory, compositional, transformative, carc."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """List every registered setting (axis, levels, splits, answer type, description) or the eval suites."""
    from generators import registry
    from omegactl.common.display import settings_table

    if what == "suites":
        from omegactl.eval.suites import SUITES, suites_table

        if as_json:
            print(json.dumps({k: v.describe() for k, v in SUITES.items()}, indent=2))
        else:
            console.print(suites_table())
        return
    if what not in ("settings", "families"):
        raise UserError(f"unknown listing {what!r} (valid: settings, suites)")
    if axis is not None:
        from generators.record import AXES

        if axis not in AXES:
            raise UserError(f"unknown axis {axis!r} (valid: {', '.join(AXES)})")
    found = list(registry.settings(axis).values())
    if as_json:
        print(json.dumps([s.summary() for s in found], indent=2))
    else:
        console.print(settings_table(found))


@app.command("generate")
def generate_cmd(
    names: list[str] = typer.Argument(None, help="Setting names (see `omegactl ls`)."),
    axis: Optional[str] = typer.Option(None, "--axis", help="Every setting of this axis (or filter NAMES by it)."),
    split: Optional[str] = typer.Option(None, "--split", help="One split (train, test_in, test_out, test); default: all of a setting's splits."),
    levels: Optional[str] = typer.Option(None, "--levels", help="Override the split's levels: 2, 1-3 or 1,3,5."),
    n: int = typer.Option(100, "--n", help="Problems per (setting, split, level)."),
    seed: int = typer.Option(0, "--seed", help="Generation seed; same command + seed = identical bytes."),
    fresh_seed: bool = typer.Option(False, "--fresh-seed", help="Draw a new seed from os.urandom (printed; stored in every record): a test set no model can have seen."),
    out: Path = typer.Option(Path("data"), "-o", "--out", help="Output folder (<setting>/<split>.jsonl) or one .jsonl file."),
    fmt: str = typer.Option("jsonl", "--format", help="jsonl (full records) or hf (the six public OMEGA fields)."),
    split_seed: Optional[int] = typer.Option(None, "--split-seed", help="C-ARC: which triplets are held out (1860, 1870, 1880, 1890 as released)."),
    grid_encoding: Optional[str] = typer.Option(None, "--grid-encoding", help="C-ARC prompt grids: python (default), digits or spaces."),
    all_queries: bool = typer.Option(False, "--all-queries", help="C-ARC: all 10 queries of each episode instead of one."),
    allow_identity: bool = typer.Option(False, "--allow-identity", help="C-ARC: keep pairs whose output equals the input."),
    ccw: bool = typer.Option(False, "--ccw", help="C-ARC: allow counter-clockwise rotations too."),
    workers: Optional[int] = typer.Option(None, "--workers", help="Worker processes (default: every CPU); the output bytes do not depend on it."),
) -> None:
    """Write seeded problem sets: train / test_in / test_out (or test) splits."""
    from omegactl.common.item_bar import ItemBar
    from omegactl.generate import datasets as gen

    if fresh_seed:
        if fmt != "jsonl":
            raise UserError("--fresh-seed needs --format jsonl: the hf format has no field to record the seed in")
        import os

        seed = int.from_bytes(os.urandom(4), "big") >> 1  # 31 bits; every record stores it in "seed"
        err_console.print(f"fresh seed: {seed} (re-create these files with --seed {seed})")
    carc = {"split_seed": split_seed, "encoding": grid_encoding, "queries_per_episode": 10 if all_queries else None,
            "allow_identity": True if allow_identity else None, "rotation_directions": ("cw", "ccw") if ccw else None}
    jobs = gen.plan(names or [], axis, split, levels, n, carc_options=carc)
    total = sum(job.setting.count(job.split, job.levels, n) for job in jobs)
    with ItemBar("generating", total, err_console, enabled=total >= 200) as bar:
        written = gen.run(jobs, n=n, seed=seed, out=out, fmt=fmt, on_item=bar.tick, workers=workers)
    for path, count in written:
        console.print(f"wrote {count:>6} problems → {path}")


@app.command("stats")
def stats_cmd(
    names: list[str] = typer.Argument(None, help="Setting names (see `omegactl ls`)."),
    axis: Optional[str] = typer.Option(None, "--axis", help="Every setting of this axis (or filter NAMES by it)."),
    split: Optional[str] = typer.Option(None, "--split", help="One split; default: all of a setting's splits."),
    levels: Optional[str] = typer.Option(None, "--levels", help="Override the split's levels: 2, 1-3 or 1,3,5."),
    n: int = typer.Option(200, "--n", help="Problems per (setting, split, level)."),
    seed: int = typer.Option(0, "--seed", help="Generation seed."),
    problems: Optional[str] = typer.Option(None, "--problems", help="Audit this problem file or folder instead of generating."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Audit settings: per (setting, split, level) distinct answers, modal share (= majority-answer baseline), instance duplicates."""
    from omegactl.report import answer_audit

    if problems is not None:
        from omegactl.interop.problem_files import load_problem_source

        records, _ = load_problem_source(problems)
    else:
        from omegactl.generate import datasets as gen
        from generators.family import GenerationError

        jobs = gen.plan(names or [], axis, split, levels, n)
        try:
            records = [r for job in jobs for r in job.setting.records(job.split, n=n, seed=seed, levels=job.levels)]
        except GenerationError as exc:
            raise UserError(str(exc)) from None
    cells = answer_audit.audit(r for r in records if hasattr(r, "family"))
    if as_json:
        print(answer_audit.to_json(cells))
    else:
        console.print(answer_audit.table(cells))


@app.command("show")
def show_cmd(
    name: str = typer.Argument(..., help="Setting name."),
    level: Optional[int] = typer.Option(None, "--level", help="Level to show (default: the split's first level)."),
    n: int = typer.Option(2, "--n", help="How many problems."),
    split: Optional[str] = typer.Option(None, "--split", help="Split (default: one whose levels include --level)."),
    seed: int = typer.Option(0, "--seed"),
    as_json: bool = typer.Option(False, "--json", help="Print the records as JSON lines instead."),
) -> None:
    """Print rendered prompts with their gold answers."""
    from generators import registry
    from generators.family import GenerationError
    from generators.registry import UnknownName
    from omegactl.common.display import print_problems

    if n <= 0:
        raise UserError(f"--n must be positive (got {n})")
    try:
        setting = registry.get_setting(name)
    except UnknownName as exc:
        if (Path(name) / "manifest.json").exists():
            raise UserError(f"{name} is a run folder, not a setting: browse its samples with "
                            f"`omegactl samples {name}` (--wrong for failures)") from None
        raise UserError(str(exc)) from None
    if split is None:
        split = next((s for s, lv in setting.splits.items() if level is None or level in lv), None)
        if split is None:
            split = next(iter(setting.splits))
    levels = (level,) if level is not None else (setting.splits.get(split, setting.levels)[0],)
    try:
        setting.validate(split, levels)
        records = list(setting.records(split, n=n, seed=seed, levels=levels))
    except GenerationError as exc:
        raise UserError(str(exc)) from None
    if as_json:
        for rec in records:
            print(rec.to_json())
    else:
        print_problems(console, records)


@app.command("eval")
def eval_cmd(
    ctx: typer.Context,
    model: str = typer.Option("local", "--model", help="local | openai:NAME | vllm:HF_ID_OR_PATH (inspect's openai/NAME also works)"),
    model_args: Optional[str] = typer.Option(None, "--model-args", "--model_args", "-M", help="k=v,... passed to the backend (vLLM: tensor_parallel_size=2,...)."),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="OpenAI-compatible endpoint(s), comma-separated to spread load over replicas."),
    api_key_env: Optional[str] = typer.Option(None, "--api-key-env", help="Name of the env var holding the API key (default OPENAI_API_KEY)."),
    api_key: Optional[str] = typer.Option(None, "--api-key", help="API key (prefer --api-key-env); never written anywhere."),
    suite: Optional[str] = typer.Option(None, "--suite", help="smoke | default | carc (see `omegactl ls suites`)."),
    problems: Optional[str] = typer.Option(None, "--problems", help="A problem file (JSONL) or folder instead of a suite."),
    problem_seed: Optional[int] = typer.Option(None, "--problem-seed", help="Draw the suite's problems from this seed (fresh test sets)."),
    limit: Optional[int] = typer.Option(None, "--limit", help="At most N problems per (setting, split), spread evenly over its levels (seeded by --seed)."),
    samples: Optional[int] = typer.Option(None, "--samples", help="Samples per problem (K)."),
    temperature: Optional[float] = typer.Option(None, "--temperature"),
    top_p: Optional[float] = typer.Option(None, "--top-p"),
    max_tokens: Optional[int] = typer.Option(None, "--max-tokens", help="Completion token cap (default: the suite's)."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Sampling seed; a per-request seed is derived and sent on every request."),
    system_prompt: Optional[str] = typer.Option(None, "--system-prompt"),
    gen_kwargs: Optional[str] = typer.Option(None, "--gen-kwargs", "--gen_kwargs", help="k=v,... passed through to the sampler."),
    concurrency: Optional[int] = typer.Option(None, "--concurrency", help="Concurrent requests (API backends)."),
    request_timeout: Optional[float] = typer.Option(None, "--request-timeout", help="Per-attempt timeout, seconds."),
    retry_budget: Optional[float] = typer.Option(None, "--retry-budget", help="Total retry time per request, seconds."),
    max_retries: Optional[int] = typer.Option(None, "--max-retries"),
    max_error_rate: Optional[float] = typer.Option(None, "--max-error-rate", help="Fail (exit 3) above this fraction of errored samples (default 0.05)."),
    out: Optional[str] = typer.Option(None, "--out", "--output-path", "--output_path", "-o", help="Run folder."),
    resume: bool = typer.Option(False, "--resume", help="Require an existing run folder and continue it (re-running the same command also resumes)."),
    log_samples: bool = typer.Option(False, "--log-samples", "--log_samples", help="Accepted for lm-eval users: every sample is always logged to RUN/samples.jsonl (browse with `omegactl samples RUN`)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Print the resolved config and the first prompts; load no model."),
    config: Optional[str] = typer.Option(None, "--config", help="YAML file of options; command-line values override it."),
) -> None:
    """Evaluate a model on a suite or problem file; resumable; ends with an ID→OOD table."""
    import os

    from rich.text import Text

    from omegactl.eval.config import build_config, load_config_file, parse_kv
    from omegactl.common.errors import Terminated
    from omegactl.eval.run import EvalRun
    from omegactl.eval.redact import Redactor
    from omegactl.report.summary import print_dry_run, print_run_summary

    given = {}
    for name in ("model", "base_url", "api_key_env", "suite", "problems", "problem_seed", "limit", "samples",
                 "temperature", "top_p", "max_tokens", "seed", "system_prompt", "concurrency", "request_timeout",
                 "retry_budget", "max_retries", "max_error_rate", "out"):
        value = ctx.params[name]
        if value is not None and getattr(ctx.get_parameter_source(name), "name", "") == "COMMANDLINE":
            given[name] = value
    if model_args is not None:
        given["model_args"] = parse_kv(model_args, "--model-args")
    if gen_kwargs is not None:
        given["gen_kwargs"] = parse_kv(gen_kwargs, "--gen-kwargs")
    cfg = build_config(load_config_file(config), given)
    if log_samples:
        err_console.print("note: --log-samples is not needed: every sample (prompt, response, verdict) is always "
                          "logged to RUN/samples.jsonl; browse them with `omegactl samples RUN`", highlight=False)
    if cfg.model != given.get("model", cfg.model):
        err_console.print(f"note: --model {given['model']} read as {cfg.model}", highlight=False, markup=False)
    extra_secrets = []
    if api_key:
        os.environ["OMEGACTL_API_KEY"] = api_key
        extra_secrets.append(api_key)
        if not cfg.api_key_env:
            cfg.api_key_env = "OMEGACTL_API_KEY"
    redactor = Redactor.from_env(cfg.api_key_env, extra=extra_secrets, urls=[cfg.base_url, os.environ.get("OPENAI_BASE_URL")])
    run = EvalRun(cfg, redactor=redactor, dry_run=dry_run)
    if resume and (run.folder is None or not run.folder.exists()):
        raise UserError(f"--resume: {run.folder.path} holds no run to resume")
    if dry_run:
        print_dry_run(console, cfg, run.run(dry_run=True), redact=redactor.redact_obj)
        return
    run.preflight()  # a bad model spec or key fails at once, before any problem is built or read
    try:
        if run.folder.exists():  # an existing run: one writer at a time, refused before anything is said
            run.hold_lock()
        progress_note = _resume_state(run, cfg)  # say what a re-run will do before loading any model
        if progress_note is not None:
            done, expected, complete = progress_note
            if complete:
                err_console.print(f"run is already complete: {expected}/{expected} samples in {run.folder.path}; "
                                  "nothing to do", highlight=False, markup=False)
                print_run_summary(console, run.folder.read_results(), run.folder.path)
                return
            err_console.print(f"resuming: {done}/{expected} already done; {expected - done} to run",
                              highlight=False, markup=False)
        results = run.run(console=err_console, show_progress=True)
    except (KeyboardInterrupt, Terminated) as exc:
        how = "terminated" if isinstance(exc, Terminated) else "interrupted"
        err_console.print(Text(f"{how}; re-run the same command to resume {run.folder.path}", style="yellow"))
        raise typer.Exit(exc.code if isinstance(exc, Terminated) else 130)
    finally:
        run.release()
        if api_key:  # the key was handed to the backend through the environment; do not leave it there
            os.environ.pop("OMEGACTL_API_KEY", None)
    print_run_summary(console, results, run.folder.path)
    run.raise_if_failed()


def _resume_state(run, cfg) -> tuple[int, int, bool] | None:
    """(done, expected, complete) for an existing run folder of the same configuration and problems; None
    otherwise (a new run, or a mismatch that the run itself refuses with its own message). Reads only."""
    return run.resume_state()


@app.command("score")
def score_cmd(run: Path = typer.Argument(..., help="Run folder.")) -> None:
    """Re-score a run's stored responses with the current verifiers (no inference)."""
    from omegactl.eval.score import rescore
    from omegactl.report.summary import print_run_summary

    res = rescore(run)
    from omegactl.common.escape import terminal_markup

    console.print(terminal_markup(f"re-scored {res['samples']} samples (verifier {res['from']} → {res['to']}); "
                                  f"{res['changed']} verdicts changed"))
    print_run_summary(console, res["results"], run)


@app.command("report")
def report_cmd(
    runs: list[Path] = typer.Argument(..., help="One or more run folders (several: side by side plus paired differences)."),
    fmt: str = typer.Option("terminal", "--format", help="terminal | md | csv | json | html"),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write to this file instead of stdout."),
    seed: int = typer.Option(0, "--seed", help="Bootstrap seed (reports are reproducible)."),
    resamples: int = typer.Option(10_000, "--resamples", help="Cluster-bootstrap resamples for aggregate intervals."),
    table: Optional[str] = typer.Option(None, "--table", help="CSV: which tidy table (axes, settings (default), levels, critical_level, carc, compare_axes, differences), or all with -o FOLDER."),
) -> None:
    """Degradation report: per-axis ID→OOD tables, level curves, critical level, C-ARC metrics."""
    from omegactl.report.write import build_reports, render

    formats = ("terminal", "md", "csv", "json", "html")
    if fmt not in formats:
        raise UserError(f"unknown --format {fmt!r} (valid: {', '.join(formats)})")
    if resamples < 100:
        raise UserError("--resamples must be at least 100")
    if table is not None and fmt != "csv":
        raise UserError("--table applies to --format csv only")
    reps = build_reports(runs, seed=seed, resamples=resamples)
    render(reps, fmt, output, console, table=table)


@app.command("samples")
def samples_cmd(
    run: Path = typer.Argument(..., help="Run folder (the --out of an eval)."),
    wrong: bool = typer.Option(False, "--wrong", help="Only samples that were not correct (wrong, unparsed or errored)."),
    setting: Optional[str] = typer.Option(None, "--setting", help="Only this setting."),
    level: Optional[int] = typer.Option(None, "--level", help="Only this level."),
    split: Optional[str] = typer.Option(None, "--split", help="Only this split (train, test_in, test_out, test)."),
    n: int = typer.Option(5, "--n", help="How many samples to show (0: all)."),
    max_chars: int = typer.Option(1500, "--max-chars", help="Clip prompts and responses longer than this (head and tail kept; 0: never)."),
    as_json: bool = typer.Option(False, "--json", help="JSON lines instead of panels."),
) -> None:
    """Browse logged samples: prompt, response, extracted answer, gold and verdict."""
    from omegactl.report.samples_browser import print_samples, select_samples

    if n < 0:
        raise UserError(f"--n must be 0 (all) or positive (got {n})")
    views = select_samples(run, wrong=wrong, setting=setting, level=level, split=split, n=n or None)
    if as_json:
        for v in views:
            print(json.dumps(v.to_json(), ensure_ascii=False))
        return
    print_samples(console, views, max_chars=max_chars,
                  total_note=f" (first {n}; --n 0 shows all)" if n and len(views) == n else "")


@app.command("gate")
def gate_cmd(
    baseline: Path = typer.Option(..., "--baseline", help="Baseline run folder."),
    candidate: Path = typer.Option(..., "--candidate", help="Candidate run folder (same problems)."),
    tolerance: Optional[float] = typer.Option(None, "--tolerance", help="Non-inferiority margin as a fraction (0.01 = 1 point); default 0.01."),
    alpha: Optional[float] = typer.Option(None, "--alpha", help="Family-wise false-alarm rate over the primary metrics (Holm); default 0.05."),
    config: Optional[str] = typer.Option(None, "--config", help="gate.yaml with thresholds per metric; command-line values override it."),
    seed: Optional[int] = typer.Option(None, "--seed", help="Bootstrap seed."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write the verdict as JSON here."),
) -> None:
    """Paired, clustered non-inferiority gate: exit 0 pass · 1 regression · 2 cannot judge."""
    from omegactl.gate.decide import GateConfig, print_result, run_gate, write_json

    cfg = GateConfig.load(config, {"tolerance": tolerance, "alpha": alpha, "seed": seed})
    res = run_gate(baseline, candidate, cfg)
    print_result(console, res, baseline, candidate)
    if json_out is not None:
        write_json(json_out, res)
    if res.verdict == "FAIL":
        raise typer.Exit(1)


@app.command("export")
def export_cmd(
    data: str = typer.Argument(..., help="Problem file or folder (omegactl JSONL or public release files)."),
    fmt: str = typer.Option(..., "--format", help="verl (parquet) | trl (JSONL + parquet) | hf (six public fields)."),
    out: Path = typer.Option(..., "-o", "--out", help="Output folder: one <split>.parquet / <split>.jsonl per split."),
    split: Optional[list[str]] = typer.Option(None, "--split", help="Only these splits (repeatable), e.g. --split train."),
) -> None:
    """Write problems in the shapes RL trainers read (verl, TRL) or the public HF shape; see docs/interop.md."""
    from omegactl.interop.export import export
    from omegactl.interop.problem_files import load_problem_source

    records, _ = load_problem_source(data)
    for path, count in export(records, fmt, out, splits=split or None):
        console.print(f"wrote {count:>6} rows → {path}")


@app.command("overlap")
def overlap_cmd(
    a: str = typer.Argument(..., help="Problem file A (e.g. the test set)."),
    b: str = typer.Argument(..., help="Problem file B (e.g. the training set)."),
    threshold: float = typer.Option(0.8, "--threshold", help="Near-duplicate: word 5-gram Jaccard at least this (0-1]."),
    examples: int = typer.Option(10, "--examples", help="How many matching pairs to show."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Instance, exact and near-duplicate problems of A found in B (contamination check); exits 0 on valid files.

    Instances are compared by canonical key when both files are omegactl records, else by numbers + answer."""
    from omegactl.interop.overlap import find_instance_overlap, find_overlap, print_result, to_json
    from omegactl.interop.problem_files import load_problem_source

    if not 0.0 < threshold <= 1.0:
        raise UserError(f"--threshold must be in (0, 1] (got {threshold})")
    recs_a, _ = load_problem_source(a)
    recs_b, _ = load_problem_source(b)
    result = find_overlap(recs_a, recs_b, threshold=threshold)
    instance = find_instance_overlap(recs_a, recs_b)
    if as_json:
        print(json.dumps(to_json(result, a, b, examples=max(0, examples), instance=instance), indent=2))
    else:
        print_result(console, result, a, b, examples=max(0, examples), instance=instance)


def _print_error(message: str) -> None:
    """One line on stderr; the message is plain text (brackets in it are not markup)."""
    from rich.text import Text

    from omegactl.common.escape import terminal
    from omegactl.eval.redact import redact_text

    line = terminal(redact_text(message))
    err_console.print(Text.assemble(("error: ", "bold red"), line), highlight=False, soft_wrap=True)


def _exit_on_sigterm(signum, frame) -> None:
    """SIGTERM unwinds like Ctrl-C: temp files are removed and run folders stay consistent."""
    from omegactl.common.errors import Terminated

    raise Terminated(signum)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: user errors become one line on stderr and a non-zero exit code."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:  # typer ≥ 0.25 vendors click as typer._click; older releases use click itself
        from typer._click import exceptions as click_exc
    except ImportError:  # pragma: no cover
        from click import exceptions as click_exc

    try:
        code = app(args=argv, standalone_mode=False)
        sys.exit(code if isinstance(code, int) else 0)
    except click_exc.UsageError as exc:  # bad flag or value: one line, not Typer's boxed panel
        if type(exc).__name__ == "NoArgsIsHelpError" and exc.ctx is not None:
            print(exc.ctx.get_help())
            sys.exit(0)
        cmd = exc.ctx.command_path if exc.ctx is not None else "omegactl"
        if cmd.startswith("python") or cmd.endswith(".py"):
            cmd = "omegactl" + ("" if exc.ctx is None or exc.ctx.parent is None else f" {exc.ctx.info_name}")
        _print_error(f"{exc.format_message()} (see `{cmd} --help`)")
        sys.exit(exc.exit_code)
    except typer.Abort:
        err_console.print("[bold red]interrupted[/]")
        sys.exit(130)
    except click_exc.ClickException as exc:
        _print_error(exc.format_message())
        sys.exit(exc.exit_code)
    except UserError as exc:
        _print_error(str(exc))
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err_console.print("[bold red]interrupted[/]")
        sys.exit(130)
    except Exception as exc:  # never a traceback for users; OMEGACTL_DEBUG=1 shows it
        import os

        if os.environ.get("OMEGACTL_DEBUG"):
            raise
        first = (str(exc).splitlines() or [""])[0][:300]
        _print_error(f"internal error {type(exc).__name__}: {first} (set OMEGACTL_DEBUG=1 for the traceback and please report it)")
        sys.exit(2)


if __name__ == "__main__":
    main()
