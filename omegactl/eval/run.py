"""`omegactl eval`: problems → backend → verifiers → append-only samples → results, resumable.

Re-running the same command on the same folder continues where it stopped, keyed on
(problem_id, sample_index); errored samples are retried and their new line supersedes the old one; a torn
last line is repaired; a changed configuration or problem set is refused (exit 2).
"""
from __future__ import annotations

import asyncio
import dataclasses
import datetime as _dt
import gc
import itertools
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path
from collections.abc import Iterable
from typing import Any

import numpy as np

from generators.record import ProblemRecord
from generators.seeding import derive_seed
from generators.settings import SPLIT_RULE_VERSION
from omegactl import __version__
from omegactl.common.hashing import id_hash
from omegactl.runs.problem_stream import ProblemFile, Todo, contains, done_keys, file_sha256, mix, stage
from omegactl.eval.config import EvalConfig, describe_difference, problem_set_hash
from omegactl.common.errors import RunFailed, Terminated, UserError
from omegactl.eval.redact import Redactor
from omegactl.runs.folder import RunFolder
from omegactl.eval.sample_sink import RunStats, SampleSink
from omegactl.runs.stream_aggregate import stream_aggregate

DEFAULT_MAX_TOKENS = 2048
OFFLINE_CHUNK = 2048  # requests per vLLM batch call (vLLM versions without continuous feeding)


def now_iso() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def git_hash() -> str | None:
    here = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")}  # no keys for child processes
    try:
        out = subprocess.run(["git", "-C", str(here), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5,
                             env=env)
        if out.returncode != 0:
            return None
        dirty = subprocess.run(["git", "-C", str(here), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=5, env=env).stdout.strip()
        return out.stdout.strip() + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return None


def resolve_problems(cfg: EvalConfig, *, progress: bool = False) -> tuple[list[ProblemRecord], dict[str, Any]]:
    """The problem records of this run and a description of where they came from.

    A suite is read from the suite cache when it was built before (``omegactl.eval.suite_cache``); ``progress``
    shows a bar while a suite is built cold.
    """
    from omegactl.interop.problem_files import load_problem_source
    from omegactl.eval.suites import build_suite

    if cfg.suite and cfg.problems:
        raise UserError("give either --suite or --problems, not both")
    if cfg.problems:
        # kind "file" for omegactl records, "official" (with dataset) for public release files
        records, source = load_problem_source(str(cfg.problems))
    else:
        name, seed = suite_and_seed(cfg)
        records = build_suite(name, seed, progress=progress)
        source = {"kind": "suite", "suite": name, "problem_seed": seed}
    if cfg.limit is not None:
        records = stratified_limit(records, cfg.limit, cfg.seed)
    return records, source


def source_records(cfg, *, progress: bool = False) -> tuple[Iterable[ProblemRecord], dict[str, Any]]:
    """This command's problem records and their source: streamed from an omegactl JSONL file or folder
    (the common ``--problems`` case); a suite, public release files or ``--limit`` (which needs every
    record's cell first) are built in memory by ``resolve_problems``."""
    from omegactl.common.errors import UserError
    from omegactl.interop.problem_files import stream_problem_source

    if cfg.suite and cfg.problems:
        raise UserError("give either --suite or --problems, not both")
    if cfg.problems and cfg.limit is None:
        streamed = stream_problem_source(str(cfg.problems))
        if streamed is not None:
            return streamed
    return resolve_problems(cfg, progress=progress)


def stratified_limit(records: list[ProblemRecord], limit: int, seed: int) -> list[ProblemRecord]:
    """At most ``limit`` records per (setting, split), spread evenly over the split's levels (round-robin
    over levels, a seeded shuffle within each level); the kept records stay in their original order."""
    import random

    by_level: dict[tuple[str, str], dict[int, list[int]]] = {}
    for i, r in enumerate(records):
        by_level.setdefault((r.setting_key, r.split), {}).setdefault(r.level, []).append(i)
    keep: set[int] = set()
    for (setting, split), levels in by_level.items():
        queues = []
        for lv in sorted(levels):
            idx = list(levels[lv])
            random.Random(derive_seed("omegactl-limit", seed, setting, split, lv)).shuffle(idx)
            queues.append(idx)
        taken = 0
        while taken < limit and any(queues):
            for q in queues:
                if q and taken < limit:
                    keep.add(q.pop(0))
                    taken += 1
    return [r for i, r in enumerate(records) if i in keep]


def suite_and_seed(cfg: EvalConfig) -> tuple[str, int]:
    """The suite this run draws from and its seed; no --suite (and no --problems) is an error."""
    from omegactl.eval.suites import SUITE_SEED, get_suite

    if not cfg.suite:
        raise UserError("no problems to evaluate: give --suite (for a quick check: --suite smoke; "
                        "see `omegactl ls suites`) or --problems FILE")
    name = cfg.suite
    get_suite(name)
    return name, SUITE_SEED if cfg.problem_seed is None else cfg.problem_seed


def problem_set_key(cfg: EvalConfig) -> str | None:
    """A key that fixes this command's problem set without building it: the suite's cache key (suite
    definition, problem seed, every generator version) plus --limit. None for --problems (a file is
    cheap to read and may change under the same name)."""
    import hashlib
    import json

    from omegactl.eval.suite_cache import suite_key

    if cfg.problems:
        return None
    name, seed = suite_and_seed(cfg)
    text = json.dumps({"suite": suite_key(name, seed), "limit": cfg.limit}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def effective_max_tokens(cfg: EvalConfig) -> int:
    if cfg.max_tokens is not None:
        return cfg.max_tokens
    if cfg.suite and not cfg.problems:
        from omegactl.eval.suites import get_suite

        return get_suite(cfg.suite).max_tokens
    if not cfg.problems:
        from omegactl.eval.suites import get_suite

        return get_suite("smoke").max_tokens
    return DEFAULT_MAX_TOKENS


def request_seed(seed: int, problem_id: str, sample_index: int) -> int:
    """Per-request sampler seed: distinct across samples, identical across runs."""
    return derive_seed("omegactl-request", seed, problem_id, sample_index) % (2**31 - 1)


def build_messages(rec: ProblemRecord, system_prompt: str | None) -> list[dict[str, str]]:
    msgs = [m.model_dump() for m in rec.messages]
    if system_prompt:
        msgs = [{"role": "system", "content": system_prompt}] + [m for m in msgs if m["role"] != "system"]
    return msgs


def _error_kind(err: str) -> str:
    """A short grouping key for an error line, e.g. ``server_error HTTP 500`` or ``timeout``."""
    import re

    m = re.match(r"\s*([\w.\- ]{1,40}?)\s*:\s*(HTTP \d{3})?", err)
    if not m:
        return err.strip()[:60] or "error"
    return " ".join(x for x in m.groups() if x)


class EvalRun:
    """One eval invocation over a run folder."""

    def __init__(self, cfg: EvalConfig, *, argv: list[str] | None = None, redactor: Redactor | None = None,
                 dry_run: bool = False):
        if not cfg.out and not dry_run:
            raise UserError("--out is required: the run folder to write (e.g. runs/smoke)")
        self.cfg = cfg
        self.folder = RunFolder(Path(cfg.out)) if cfg.out else None
        self.argv = argv if argv is not None else sys.argv
        self.redactor = redactor or Redactor.from_env(cfg.api_key_env, urls=[cfg.base_url])
        self.max_tokens = effective_max_tokens(cfg)

    # -- preparation
    def preflight(self) -> None:
        """Checks that need no problems and no model: the model spec, its arguments, and for API models
        the base URL and the API key. Runs before any suite is built, so a typo fails in a second."""
        from models import BackendError, coerce_model_args, parse_model_spec

        cfg = self.cfg
        try:
            kind, name = parse_model_spec(cfg.model)
            coerce_model_args(cfg.model_args)
            if kind == "openai":
                from models.openai_backend import OpenAIBackend

                # builds the settings and resolves the key; no request is sent
                OpenAIBackend.from_options(name, model_args=cfg.model_args, base_url=cfg.base_url,
                                           api_key_env=cfg.api_key_env, concurrency=cfg.concurrency,
                                           request_timeout_s=cfg.request_timeout, retry_budget_s=cfg.retry_budget,
                                           max_retries=cfg.max_retries)
            elif cfg.base_url:
                raise BackendError("--base-url applies to openai: models only; for a server use openai:<name> --base-url URL")
        except BackendError as exc:
            raise UserError(self.redactor.redact(str(exc))) from None
        if cfg.suite and cfg.problems:
            raise UserError("give either --suite or --problems, not both")
        if cfg.problems:
            spec = str(cfg.problems)
            if not spec.startswith("hf:") and not Path(spec).exists():
                raise UserError(f"problem file {spec!r} does not exist")
        else:
            suite_and_seed(cfg)

    def prepare(self, *, lock: bool = False, progress: bool = False) -> tuple[ProblemFile, dict[str, Any], Todo]:
        """Problems, manifest and the samples still to do. ``lock``: first take the run folder's writer lock
        (held in ``self.lock`` until ``release``), since resuming may repair the samples log. A resumed run
        reads its folder's problems.jsonl (checked against the manifest) instead of rebuilding its suite.

        The problems are staged once to a file (a new run's problems.jsonl; without ``lock``, a temporary
        file) and read back in chunks: nothing here holds every record (``omegactl.runs.problem_stream``)."""
        cfg = self.cfg
        identity = self.redactor.redact_obj(cfg.identity() | {"max_tokens": self.max_tokens})
        key = problem_set_key(cfg)
        if lock:
            self.hold_lock()
        if self.folder is not None and self.folder.exists():
            manifest = self.folder.read_manifest()
            old_identity = manifest.get("identity", {})
            if old_identity != identity:
                raise UserError(
                    f"{self.folder.path} holds a run with a different configuration: "
                    f"{describe_difference(old_identity, identity)}; use another --out or the same options"
                )
            if key is not None and manifest.get("problem_set_key") == key:
                # the same suite, seed, generator versions and limit: the folder's own problems.jsonl is this
                # command's problem set; read it (verified against the manifest) instead of rebuilding
                problems, pset = self._folder_problems(manifest)
                n = None
            else:
                records, source = source_records(cfg, progress=progress)
                staged = stage(records, None, source)
                del records
                pset, n = staged.pset, staged.n
                problems = None
            if manifest.get("problem_set_hash") != pset:
                raise UserError(
                    f"{self.folder.path} holds a run over a different problem set "
                    f"(run has {manifest.get('n_problems')} problems, hash {str(manifest.get('problem_set_hash'))[:12]}; "
                    f"this command has {n if n is not None else problems.index().n}, hash {pset[:12]}); use another --out"
                )
            if problems is None:
                if self.folder.problems_path.exists() and file_sha256(self.folder.problems_path) == pset:
                    problems = ProblemFile(self.folder.problems_path)
                else:  # missing (or damaged): written again, into the folder when it is ours to write
                    records, source = source_records(cfg, progress=progress)
                    dest = self.folder.problems_path if lock else self._scratch_path()
                    stage(records, dest, source)
                    del records
                    problems = ProblemFile(dest)
            if key is not None:
                manifest["problem_set_key"] = key
            repaired = self.folder.repair_samples()
            manifest["repaired_bytes"] = manifest.get("repaired_bytes", 0) + repaired
            manifest["resumed"] = manifest.get("resumed", 0) + 1
            done = done_keys(self.folder.samples_path)
        else:
            records, source = source_records(cfg, progress=progress)
            # a new run always writes its own problems (a stale file from elsewhere is replaced)
            dest = self.folder.problems_path if lock and self.folder is not None else self._scratch_path()
            staged = stage(records, dest, source)
            del records
            problems = ProblemFile(dest)
            manifest = {
                "omegactl_version": __version__,
                "created": now_iso(),
                "identity": identity,
                "problem_set_hash": staged.pset,
                "problem_set_key": key,
                "n_problems": staged.n,
                "source": staged.source,
            }
            done = np.zeros(0, np.uint64)
        return problems, manifest, Todo(problems, done, cfg.samples)

    def _scratch_path(self) -> Path:
        """A temporary problems file for a run that may not write its folder (a dry run); removed by
        ``release``."""
        import tempfile

        if getattr(self, "_scratch", None) is None:
            self._scratch = tempfile.TemporaryDirectory(prefix="omegactl-problems-")
        return Path(self._scratch.name) / "problems.jsonl"

    def resume_state(self) -> tuple[int, int, bool] | None:
        """(done, expected, complete) for an existing run folder of the same configuration and problems; None
        otherwise (a new run, or a mismatch that the run itself refuses with its own message). Reads only."""
        cfg = self.cfg
        if self.folder is None or not self.folder.exists():
            return None
        manifest = self.folder.read_manifest()
        key = problem_set_key(cfg)
        if key is not None and manifest.get("problem_set_key") == key:
            try:  # the folder's own problems, as the run will read them (no suite is rebuilt)
                problems, pset = self._folder_problems(manifest)
            except UserError:
                return None  # the run itself refuses it, with its own message
            n = problems.index().n
            ids = problems.index().ids
        else:
            records, source = source_records(cfg)
            ids_list = []

            def keep_ids(recs):
                for r in recs:
                    ids_list.append(id_hash(r.id))
                    yield r

            staged = stage(keep_ids(records), None, source)
            del records
            pset, n = staged.pset, staged.n
            ids = np.array(ids_list, dtype=np.uint64)
        identity = self.redactor.redact_obj(cfg.identity() | {"max_tokens": self.max_tokens})
        if manifest.get("identity") != identity or manifest.get("problem_set_hash") != pset:
            return None
        done_set = done_keys(self.folder.samples_path)
        expected = n * cfg.samples
        done = sum(int(contains(done_set, ids ^ np.uint64(mix(k))).sum()) for k in range(cfg.samples)) if done_set.size else 0
        complete = done == expected and manifest.get("status") == "complete" and self.folder.read_results() is not None
        return done, expected, complete

    def base_manifest(self, manifest: dict[str, Any], problems: ProblemFile, backend_info: dict[str, Any]) -> dict[str, Any]:
        from verifiers import VERIFIER_VERSION

        cfg = self.cfg
        resolved = cfg.model_dump()
        resolved["max_tokens"] = self.max_tokens
        manifest.update(
            {
                "command": self.redactor.redact(" ".join(self.argv)),
                "config": self.redactor.redact_obj(resolved),
                "versions": {
                    "omegactl": __version__,
                    "python": platform.python_version(),
                    "platform": platform.platform(),
                    "verifier": VERIFIER_VERSION,
                    "generators": sorted(problems.index().generator_versions),
                    "split_rule": SPLIT_RULE_VERSION,
                },
                "verifier_version": VERIFIER_VERSION,
                "git_hash": git_hash(),
                "model": cfg.model,
                "backend": self.redactor.redact_obj(backend_info),
                "seeds": {"sampling_seed": cfg.seed, "per_request": "derive_seed(seed, problem_id, sample_index)",
                          "problem_seed": manifest.get("source", {}).get("problem_seed")},
                "generation": {"temperature": cfg.temperature, "top_p": cfg.top_p, "max_tokens": self.max_tokens,
                               "samples": cfg.samples, "gen_kwargs": self.redactor.redact_obj(cfg.gen_kwargs),
                               "system_prompt": self.redactor.redact(cfg.system_prompt)},
                "status": "running",
                "started": now_iso(),
                "ended": None,
            }
        )
        return manifest

    # -- running
    def _folder_problems(self, manifest: dict[str, Any]) -> tuple[ProblemFile, str]:
        """The run folder's problems.jsonl and the hash of its exact bytes; refused when it is missing or
        does not match the manifest."""
        path = self.folder.problems_path
        try:
            pset = file_sha256(path)
        except FileNotFoundError:
            raise UserError(f"{self.folder.path} has no {path.name}; the run folder is incomplete, use another --out") from None
        if pset != manifest.get("problem_set_hash"):
            raise UserError(
                f"{path} does not match the run's manifest (hash {pset[:12]}, manifest "
                f"{str(manifest.get('problem_set_hash'))[:12]}); the run folder was changed, use another --out"
            )
        return ProblemFile(path), pset

    def start_backend(self):
        """Load (and, for local, start) the model backend; a failure is one line, exit 2."""
        from models import BackendError, load_backend

        try:
            return load_backend(
                self.cfg.model,
                model_args=self.cfg.model_args,
                base_url=self.cfg.base_url,
                api_key_env=self.cfg.api_key_env,
                concurrency=self.cfg.concurrency,
                request_timeout_s=self.cfg.request_timeout,
                retry_budget_s=self.cfg.retry_budget,
                max_retries=self.cfg.max_retries,
            )
        except BackendError as exc:
            raise UserError(self.redactor.redact(str(exc))) from None

    def run(self, *, console=None, dry_run: bool = False, show_progress: bool = True) -> dict[str, Any]:
        # cheap checks, then the backend, then the problems, and only then the run folder: a run that
        # cannot start leaves nothing behind
        self.preflight()
        if dry_run:
            try:
                problems, manifest, todo = self.prepare(progress=show_progress)
                records = list(problems.iter_records())
                todo = list(todo)
            finally:
                self.release()
            return {"dry_run": True, "records": records, "todo": todo, "max_tokens": self.max_tokens,
                    "source": manifest.get("source")}
        backend = self.start_backend()
        try:
            return self._run_locked(backend, console, show_progress)
        finally:
            self.release()

    def hold_lock(self) -> None:
        """Take the run folder's writer lock now (kept until ``release``); a second process is refused here,
        before it says anything about the folder. Does nothing without a folder or when already held."""
        if self.folder is not None and getattr(self, "lock", None) is None:
            self.lock = self.folder.lock("omegactl eval").acquire()

    def release(self) -> None:
        scratch, self._scratch = getattr(self, "_scratch", None), None
        if scratch is not None:
            scratch.cleanup()
        lock = getattr(self, "lock", None)
        if lock is not None:
            lock.release()
            self.lock = None

    def _run_locked(self, backend, console, show_progress: bool) -> dict[str, Any]:
        from models import BackendDied, BackendError

        new_run = not self.folder.exists()
        new_dir = not self.folder.path.exists()
        try:
            problems, manifest, todo = self.prepare(lock=True, progress=show_progress)
        except BaseException:
            _close_backend(backend)
            if new_dir:  # nothing was started: leave no folder behind
                self.release()
                shutil.rmtree(self.folder.path, ignore_errors=True)
            raise
        manifest = self.base_manifest(manifest, problems, backend.info())
        self.folder.write_manifest(manifest)
        stats = RunStats()
        status = "failed"
        backend_failure = None
        try:
            try:
                asyncio.run(self._drive(backend, todo, stats, console, show_progress))
            except BackendDied:
                raise
            except BackendError as exc:  # the backend stopped the run (e.g. every request is refused: bad key)
                raise UserError(self.redactor.redact(str(exc))) from None
            status = "complete"
        except BackendDied as exc:  # the backend is gone (e.g. the local server died): stop, do not retry
            backend_failure = self.redactor.redact(str(exc))
        except (KeyboardInterrupt, Terminated):  # Ctrl-C or SIGTERM: resumable, not failed
            status = "running"
            raise
        finally:
            backend_stats = {}
            try:
                backend_stats = backend.stats()
            except Exception:
                pass
            results = self.finish(problems, manifest, stats, backend_stats, status)
        if backend_failure is not None:
            raise RunFailed(f"run failed: {backend_failure}")
        return results

    async def _drive(self, backend, todo: Todo, stats: RunStats, console, show_progress: bool) -> None:
        from models import GenerationRequest
        from verifiers import VERIFIER_VERSION, verify

        cfg = self.cfg
        waiting: dict[str, tuple[ProblemRecord, int]] = {}  # only requests handed out and not yet answered
        extra = dict(cfg.gen_kwargs)  # shared by every request: backends only read it
        max_tokens = self.max_tokens

        def requests_of(items):
            """GenerationRequests built lazily, as the backend asks for them."""
            for rec, k in items:
                key = f"{rec.id}#{k}"
                waiting[key] = (rec, k)
                yield GenerationRequest(key=key, messages=build_messages(rec, cfg.system_prompt), sample_index=k,
                                        seed=request_seed(cfg.seed, rec.id, k), temperature=cfg.temperature,
                                        top_p=cfg.top_p, max_tokens=max_tokens, extra=extra)

        progress = _Progress(console, total=len(todo), enabled=show_progress and console is not None)

        def redraw() -> None:
            try:
                bstats = backend.stats()
            except Exception:
                bstats = {}
            progress.update(stats, bstats)

        out = self.folder.open_samples_for_append()
        sink = SampleSink(getattr(out, "buffer", out), verify=verify, redact=self.redactor.redact,
                          verifier_version=VERIFIER_VERSION, now_iso=now_iso, error_kind=_error_kind, stats=stats,
                          on_progress=redraw if progress.enabled else None,
                          workers=max(2, min(8, os.cpu_count() or 2)),
                          use_process=getattr(backend, "name", "") != "vllm")  # never fork a GPU engine
        # what exists now (modules, config, the problem index) lives for the whole run: frozen, the cyclic
        # collector leaves it out of its counts and scans, so the garbage cycles each request leaves (the HTTP
        # stack's) are collected every few thousand requests instead of piling up for tens of thousands
        gc.collect()
        gc.freeze()
        received = 0
        try:
            with progress:
                # an offline engine that returns a batch only when it is done gets chunks, so a crash loses at most
                # one chunk; streaming backends (and a continuously fed vLLM engine, which returns each result as
                # it finishes) take the whole (lazy) request stream and stay saturated
                # (the todo pairs are read from problems.jsonl a chunk at a time as requests are taken)
                offline = getattr(backend, "name", "") == "vllm" and not getattr(backend, "streams_continuously", False)
                pairs = iter(todo)
                while len(todo):
                    if offline:
                        requests = list(requests_of(itertools.islice(pairs, OFFLINE_CHUNK)))
                        if not requests:
                            break
                    else:
                        requests = requests_of(pairs)
                    stream = backend.stream(requests)
                    try:
                        async for result in stream:
                            rec, k = waiting.pop(result.key)
                            await sink.add(rec, k, self._scrub(result))
                            received += 1
                            if received % TRIM_EVERY == 0:
                                trim_heap()
                    finally:
                        aclose = getattr(stream, "aclose", None)
                        if aclose is not None:
                            await aclose()
                    if not offline:
                        break
                await sink.close()
        finally:
            try:
                sink.salvage()  # after an interrupt: keep what is verifiable without waiting
                sink.flush_now()
            finally:
                gc.unfreeze()
                sink.shutdown()
                out.close()
                try:
                    await backend.aclose()
                except Exception:
                    pass

    def _scrub(self, result):
        """The result with any known secret echoed by the server removed from its text (the verdict is of
        the text as stored)."""
        text = self.redactor.redact_secrets(result.text)
        return result if text is result.text else dataclasses.replace(result, text=text)

    # -- finishing
    def finish(self, problems: ProblemFile, manifest, stats: RunStats, backend_stats: dict, status: str) -> dict[str, Any]:
        # two streaming passes over samples.jsonl with per-cell counters: the same results as
        # aggregate(records, latest_slim()) without holding either; first the request loop's freed memory
        # goes back to the OS, so that this pass does not stack on top of it
        gc.collect()
        trim_heap()
        results, tallies = stream_aggregate(self.folder.samples_path, problems.index(),
                                            samples_per_problem=self.cfg.samples, error_kind=_error_kind)
        n_expected = results["n_expected_samples"]
        errored = results["overall"]["errored"]
        missing = n_expected - results["n_samples"]
        error_rate = (errored + missing) / n_expected if n_expected else 0.0
        if status == "complete" and error_rate > self.cfg.max_error_rate:
            status = "failed"
        kinds, finish, usage = tallies.error_kinds, tallies.finish_reasons, tallies.usage
        results.update(
            {
                "omegactl_version": __version__,
                "verifier_version": manifest.get("verifier_version"),
                "status": status,
                "model": self.cfg.model,
                "source": manifest.get("source"),
            }
        )
        manifest.update(
            {
                "status": status,
                "ended": now_iso(),
                "n_samples_done": results["n_samples"],
                "token_usage": usage,
                "finish_reasons": dict(finish),
                "errors": {"count": errored, "missing": missing, "rate": round(error_rate, 6), "kinds": dict(kinds)},
                "retries": int(backend_stats.get("retries", 0)) + int(manifest.get("retries_previous", 0)),
                "backend_stats": self.redactor.redact_obj(backend_stats),
            }
        )
        manifest["retries_previous"] = manifest["retries"]
        self.folder.write_results(results)
        self.folder.write_manifest(manifest)
        self.status = status
        self.error_rate = error_rate
        self.error_kinds = kinds
        return results

    def raise_if_failed(self) -> None:
        if getattr(self, "status", None) == "failed":
            breakdown = ", ".join(f"{k} ×{v}" for k, v in self.error_kinds.most_common(5)) or "missing samples"
            raise RunFailed(
                f"run failed: {self.error_rate:.1%} of samples errored after retries (limit "
                f"{self.cfg.max_error_rate:.0%}): {breakdown}. Re-run the same command to retry them."
            )


TRIM_EVERY = 4096  # results between two returns of the C heap's free memory to the OS


def trim_heap() -> None:
    """Give the C allocator's free memory back to the OS (glibc ``malloc_trim``; elsewhere nothing): over a
    long run the freed buffers of finished requests otherwise stay resident in fragmented heaps."""
    global _libc
    if _libc is None:
        try:
            import ctypes

            _libc = ctypes.CDLL("libc.so.6")
            _libc.malloc_trim.argtypes = [ctypes.c_size_t]
        except (OSError, AttributeError):
            _libc = False
    if _libc:
        _libc.malloc_trim(0)


_libc = None


def _close_backend(backend) -> None:
    """Stop a backend that was started for a run that then could not begin (best effort)."""
    try:
        asyncio.run(backend.aclose())
    except Exception:
        pass


class _Progress:
    """Rich live progress: done/total, rate, ETA, errors, retries, current concurrency."""

    def __init__(self, console, total: int, enabled: bool):
        self.enabled = enabled and total > 0
        self.total = total
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
            from rich.text import Text

            class TwoLineProgress(Progress):
                """Bar, done/total, elapsed and ETA on line 1 (fits 80 columns); rate and counters on line 2."""

                def get_renderables(self):
                    yield self.make_tasks_table(self.tasks)
                    for t in self.tasks:
                        f = t.fields
                        yield Text(f"  {f['rate']} · acc {f['acc']} · err {f['err']} · retries {f['retries']} · conc {f['conc']}")

            self.progress = TwoLineProgress(
                TextColumn("[bold]eval[/]"), BarColumn(bar_width=24), MofNCompleteColumn(),
                TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                console=console, transient=False,
            )
            self.task = self.progress.add_task("eval", total=total, rate="", acc="-", err=0, retries=0, conc="-")
            self.t0 = time.monotonic()

    def __enter__(self):
        if self.enabled:
            self.progress.__enter__()
        return self

    def __exit__(self, *exc):
        if self.enabled:
            self.progress.__exit__(*exc)

    def update(self, stats: RunStats, bstats: dict) -> None:
        if not self.enabled:
            return
        elapsed = max(1e-9, time.monotonic() - self.t0)
        self.progress.update(
            self.task, completed=stats.done, rate=f"{stats.done / elapsed:.1f}/s",
            acc=f"{stats.correct / stats.done:.0%}" if stats.done else "-", err=stats.errors,
            retries=bstats.get("retries", 0), conc=bstats.get("current_concurrency", "-"),
        )
