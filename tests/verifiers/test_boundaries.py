"""Package boundaries: verifiers never imports generators/models/omegactl, and sympy/mpmath stay in the
worker-side modules so the calling process never loads them."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "verifiers"
WORKER_SIDE = {"symbolic.py", "to_sympy.py", "numeric.py", "worker.py"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_no_forbidden_imports():
    for path in PACKAGE.glob("*.py"):
        imported = _imports(path)
        assert not imported & {"generators", "models", "omegactl"}, path.name
        if path.name not in WORKER_SIDE:
            assert not imported & {"sympy", "mpmath"}, path.name


def test_every_module_has_a_docstring():
    for path in PACKAGE.glob("*.py"):
        assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), path.name


def test_fast_paths_never_load_sympy_in_the_caller():
    code = (
        "import sys, verifiers\n"
        "r = verifiers.verify(r'\\boxed{1,000}', {'answer': 1000, 'answer_type': 'int'})\n"
        "assert r.correct\n"
        "assert verifiers.equivalent(r'\\frac{6}{8}', '3/4', 'rational')\n"
        "assert verifiers.equivalent(r'\\{2, 1\\}', [1, 2], 'set')\n"
        "assert 'sympy' not in sys.modules and 'mpmath' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=PACKAGE.parent, timeout=60)
