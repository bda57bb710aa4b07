"""Shared helpers for the benchmarks: machine description, peak-memory readings, result files.

Every benchmark writes one JSON file under ``benchmarks/results/`` (gitignored) named
``<benchmark>-<UTC time>.json`` and prints a one-line summary that names it.
"""
from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"

# A Python snippet that runs the omegactl CLI and, at exit, writes its own peak RSS (KiB) to argv[1].
# Used to measure the eval process alone: verifier workers and the fake server are other processes.
_MAXRSS_WRAPPER = (
    "import atexit, resource, sys\n"
    "out = sys.argv[1]\n"
    "def _dump():\n"
    "    with open(out, 'w') as fh:\n"
    "        fh.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))\n"
    "atexit.register(_dump)\n"
    "sys.argv = ['omegactl'] + sys.argv[2:]\n"
    "from omegactl.cli import main\n"
    "main()\n"
)


def utc_stamp() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def git_revision() -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(REPO_ROOT), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def _total_memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    except (OSError, ValueError, IndexError):
        pass
    return None


def machine_info() -> dict[str, Any]:
    """What the figures were measured on."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu": _cpu_model(),
        "cpus": os.cpu_count(),
        "usable_cpus": usable,
        "memory_gib": _total_memory_gib(),
        "git_revision": git_revision(),
    }


def peak_rss_mib(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident set size in MiB of this process (or of its largest waited-for child)."""
    kib = resource.getrusage(who).ru_maxrss
    return round(kib / 1024, 1)


def maxrss_command(out_file: Path, cli_args: list[str]) -> list[str]:
    """argv that runs ``omegactl <cli_args>`` and writes that process's peak RSS (KiB) to ``out_file``."""
    return [sys.executable, "-c", _MAXRSS_WRAPPER, str(out_file), *cli_args]


def read_maxrss_mib(out_file: Path) -> float | None:
    try:
        return round(int(out_file.read_text().strip()) / 1024, 1)
    except (OSError, ValueError):
        return None


def write_result(name: str, payload: dict[str, Any], results_dir: Path | None = None) -> Path:
    """Write ``payload`` (plus machine info and time) to ``<results>/<name>-<stamp>.json``; return the path."""
    folder = results_dir or RESULTS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    doc = {"benchmark": name, "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
           "machine": machine_info(), **payload}
    path = folder / f"{name}-{utc_stamp()}.json"
    path.write_text(json.dumps(doc, indent=2, default=str) + "\n", encoding="utf-8")
    return path


def fmt_rate(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:,.0f}" if x >= 100 else f"{x:,.1f}" if x >= 1 else f"{x:.3f}"


def repo_env() -> dict[str, str]:
    """Environment for child processes that must import the repository's packages."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env
