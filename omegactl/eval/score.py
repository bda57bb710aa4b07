"""`omegactl score RUN`: re-score stored responses with the current verifiers, no inference.

The run folder's writer lock is held throughout (a running eval makes score stop with exit 2). The samples
log is rewritten atomically (temp file + rename) with one line per (problem, sample) — the
latest — and fresh verdicts; responses and usage are kept as they were. results.json and the manifest's
verifier version are updated.
"""
from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from omegactl.runs.aggregate import aggregate
from omegactl.common.atomic import write_lines
from omegactl.common.errors import UserError
from omegactl.eval.run import now_iso
from omegactl.runs.folder import RunFolder


def rescore(run: Path, *, workers: int | None = None) -> dict[str, Any]:
    """Re-verify every latest sample and rewrite the folder, holding its writer lock (an eval appending to
    the samples log at the same time would lose its rows to the rewrite)."""
    folder = RunFolder(Path(run))
    if not folder.exists():
        folder.read_manifest()  # the one-line "not a run folder" error, before any lock file is made
    with folder.lock("omegactl score"):
        return _rescore(folder, run, workers)


def _rescore(folder: RunFolder, run: Path, workers: int | None) -> dict[str, Any]:
    from verifiers import VERIFIER_VERSION, verify

    manifest = folder.read_manifest()
    problems = folder.read_problems()
    by_id = {p.id: p for p in problems}
    latest = folder.latest_samples()
    if not latest:
        raise UserError(f"{run} has no samples to score yet")
    items = sorted(latest.items(), key=lambda kv: (kv[0][0], kv[0][1]))
    unknown = [k for k, _ in items if k[0] not in by_id]
    if unknown:
        raise UserError(f"{run}: samples.jsonl names problem {unknown[0][0]!r}, which is not in problems.jsonl")

    def one(item):
        (pid, idx), s = item
        rec = by_id[pid]
        verdict = verify(s.get("response") if s.get("error") is None else None, rec)
        changed = bool(s.get("strict", {}).get("correct")) != verdict.strict.correct
        s = dict(s)
        s["strict"] = verdict.strict.model_dump(mode="json")
        s["flex"] = verdict.flex.model_dump(mode="json")
        s["grid"] = verdict.grid
        s["verifier_version"] = VERIFIER_VERSION
        return json.dumps(s, ensure_ascii=True, default=str), changed

    with ThreadPoolExecutor(max_workers=workers or max(2, min(8, os.cpu_count() or 2))) as pool:
        rendered = list(pool.map(one, items))
    write_lines(folder.samples_path, (line for line, _ in rendered))
    flips = sum(1 for _, c in rendered if c)
    samples = int(manifest.get("identity", {}).get("samples", 1))
    results = aggregate(problems, folder.latest_samples(), samples_per_problem=samples)
    previous = manifest.get("verifier_version")
    results.update({"verifier_version": VERIFIER_VERSION, "status": manifest.get("status"), "model": manifest.get("model"),
                    "source": manifest.get("source")})
    folder.write_results(results)
    manifest.setdefault("rescored", []).append({"time": now_iso(), "from_verifier": previous, "to_verifier": VERIFIER_VERSION,
                                                "samples": len(rendered), "verdicts_changed": flips})
    manifest["verifier_version"] = VERIFIER_VERSION
    manifest.setdefault("versions", {})["verifier"] = VERIFIER_VERSION
    folder.write_manifest(manifest)
    return {"samples": len(rendered), "changed": flips, "from": previous, "to": VERIFIER_VERSION, "results": results}
