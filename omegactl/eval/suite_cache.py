"""The suite cache: a built suite is stored once per (suite definition, problem seed, generator versions).

Files live under ``OMEGACTL_CACHE_DIR`` (default: the platform's user cache directory + ``/omegactl``), as
``suites/<suite>-<key>.jsonl`` (the records' exact JSON lines) beside ``<suite>-<key>.json`` (the sha256
and line count of those bytes). The key hashes the suite's resolved entries, the seed, the record schema,
the name@version of every registered family and setting and the version of the split rule, so a generator
or split change that bumps its version never reads a stale suite. A file whose bytes do not match the stored hash is ignored (and rebuilt);
both files are written atomically (temp file + rename), the data before its hash, so a reader never sees
a torn entry. Records are written only if each line parses back to the identical bytes, so a cache hit
yields exactly what a cold build yields.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from generators.record import RECORD_SCHEMA_VERSION, ProblemRecord
from generators.settings import SPLIT_RULE_VERSION
from omegactl.common.atomic import atomic_open
from omegactl.common.errors import UserError

CACHE_FORMAT = 1
ENV_VAR = "OMEGACTL_CACHE_DIR"


def cache_dir() -> Path:
    """``$OMEGACTL_CACHE_DIR``, else the user cache directory of this platform, + ``omegactl``."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "omegactl" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "omegactl"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "omegactl"


def generator_versions() -> list[str]:
    """name@version of every registered family and every versioned setting."""
    from generators import registry

    out = [f"family:{name}@{fam.version}" for name, fam in registry.families().items()]
    out += [f"setting:{name}@{getattr(s, 'version', '-')}" for name, s in registry.settings().items()]
    return sorted(out)


def suite_key(name: str, seed: int) -> str:
    """The cache key of suite ``name`` drawn with ``seed`` (hex sha256)."""
    from omegactl import __version__
    from omegactl.eval.suites import get_suite

    text = json.dumps(
        {
            "format": CACHE_FORMAT,
            "omegactl": __version__,
            "schema": RECORD_SCHEMA_VERSION,
            "suite": name,
            "definition": get_suite(name).describe(),
            "seed": seed,
            "generators": generator_versions(),
            "split_rule": SPLIT_RULE_VERSION,
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _paths(name: str, key: str) -> tuple[Path, Path]:
    folder = cache_dir() / "suites"
    stem = f"{name}-{key[:32]}"
    return folder / f"{stem}.jsonl", folder / f"{stem}.json"


def load(name: str, key: str) -> list[ProblemRecord] | None:
    """The cached records, or None when absent, damaged or not matching their stored hash."""
    data_path, meta_path = _paths(name, key)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        data = data_path.read_bytes()
    except (OSError, ValueError):
        return None
    if meta.get("key") != key or hashlib.sha256(data).hexdigest() != meta.get("sha256"):
        return None
    try:
        records = [ProblemRecord.model_validate_json(line) for line in data.decode("utf-8").splitlines()]
    except (ValueError, UnicodeDecodeError):
        return None
    if len(records) != meta.get("n_records"):
        return None
    return records


def store(name: str, key: str, records: list[ProblemRecord]) -> bool:
    """Write the records (atomically; never raises for an unwritable cache). False when not cached."""
    lines = [r.to_json() for r in records]
    # only bytes that read back to themselves are cached: a hit must equal a cold build exactly
    if any(ProblemRecord.model_validate_json(line).to_json() != line for line in lines):
        return False
    data = "".join(line + "\n" for line in lines).encode("utf-8")
    meta = {"key": key, "suite": name, "sha256": hashlib.sha256(data).hexdigest(), "n_records": len(lines)}
    data_path, meta_path = _paths(name, key)
    try:
        data_path.parent.mkdir(parents=True, exist_ok=True)
        for path, payload in ((data_path, data), (meta_path, json.dumps(meta, indent=2).encode("utf-8"))):
            with atomic_open(path, "wb") as fh:
                fh.write(payload)
    except (OSError, UserError):
        return False
    return True
