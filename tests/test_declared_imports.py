"""Every third-party module that the code or the tests import is a declared dependency.

A package that merely happens to be installed (a transitive dependency, or one a developer installed by
hand) hides a missing install step until a fresh machine runs the README's commands. This test reads the
import statements of every module and maps each top-level name to the distribution that provides it.
"""
from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("omegactl", "generators", "verifiers", "models", "tests")
LOCAL = set(PACKAGES) | {"benchmarks", "scripts"}
EXTRAS_INSTALLED = ("dev", "local", "parquet")  # the README's install command
# Imported lazily, behind a clear "pip install …" error, for features outside the README install.
OPTIONAL = {"vllm": "the vllm extra", "datasets": "reading release files straight from the Hub"}


def declared_distributions() -> set[str]:
    text = (REPO / "pyproject.toml").read_text()
    block = re.search(r"^dependencies = \[(.*?)^\]", text, re.S | re.M).group(1)
    specs = re.findall(r'"([^"]+)"', block)
    for extra in EXTRAS_INSTALLED:
        line = re.search(rf"^{extra} = \[(.*?)\]", text, re.M).group(1)
        specs += re.findall(r'"([^"]+)"', line)
    return {normalise(re.split(r"[\[<>=!~;\s]", spec, maxsplit=1)[0]) for spec in specs}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def imported_top_level_names() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [alias.name.split(".")[0] for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module.split(".")[0]]
                else:
                    continue
                for name in names:
                    if name not in sys.stdlib_module_names and name not in LOCAL:
                        found.setdefault(name, set()).add(str(path.relative_to(REPO)))
    return found


def test_every_third_party_import_is_declared():
    declared = declared_distributions()
    providers = importlib.metadata.packages_distributions()
    undeclared = {}
    for name, files in imported_top_level_names().items():
        if name in OPTIONAL:
            continue
        dists = {normalise(d) for d in providers.get(name, [])}
        if not dists & declared:
            undeclared[name] = sorted(files)[:3]
    assert not undeclared, f"imported but not declared in pyproject.toml (core or {EXTRAS_INSTALLED}): {undeclared}"


def test_the_scan_sees_a_known_import():
    """Guard against a scan that silently finds nothing."""
    names = imported_top_level_names()
    assert "sympy" in names and "typer" in names and "pytest" in names
