"""The omegactl subpackages import only the layers below them (see each subpackage's ``__init__``)."""
import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "omegactl"
ALLOWED = {
    "common": set(),
    "interop": {"common"},
    "generate": {"common"},
    "runs": {"common", "interop"},
    "eval": {"common", "interop", "generate", "runs"},
    "report": {"common", "runs"},
    "gate": {"common", "runs"},
}


def _omegactl_imports(path: Path) -> set[str]:
    """The omegactl subpackages a module imports (at any depth in the module, including inside functions)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "omegactl" and len(parts) > 1 and parts[1] in ALLOWED:
                found.add(parts[1])
    return found


@pytest.mark.parametrize("sub", sorted(ALLOWED))
def test_subpackage_imports_only_lower_layers(sub):
    bad = {}
    for path in sorted((PKG / sub).glob("*.py")):
        extra = _omegactl_imports(path) - ALLOWED[sub] - {sub}
        if extra:
            bad[path.name] = sorted(extra)
    assert not bad, f"omegactl/{sub} imports layers it may not: {bad}"


def test_every_module_lives_in_a_subpackage():
    assert sorted(p.name for p in PKG.glob("*.py")) == ["__init__.py", "cli.py"]
    assert {p.name for p in PKG.iterdir() if p.is_dir() and (p / "__init__.py").exists()} == set(ALLOWED)


def test_the_checker_sees_a_forbidden_import(tmp_path):
    bad = tmp_path / "m.py"
    bad.write_text("def f():\n    from omegactl.gate import decide\n")
    assert _omegactl_imports(bad) == {"gate"}


GENERATORS = PKG.parent / "generators"


def _module_imports(path: Path, root: str) -> set[str]:
    """Modules under ``root`` that a file imports anywhere except under ``if TYPE_CHECKING:``."""
    tree = ast.parse(path.read_text(), filename=str(path))
    skip = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
            and getattr(node.test, "id", None) == "TYPE_CHECKING" for n in ast.walk(node)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == root}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == root:
            found.add(node.module)
    return found


def test_registry_imports_no_generators_module():
    """The lookup tables import nothing of generators, so settings may use them without an import cycle."""
    assert _module_imports(GENERATORS / "registry.py", "generators") == set()
    assert "generators.registry" in _module_imports(GENERATORS / "settings.py", "generators")
    assert "generators.settings" in _module_imports(GENERATORS / "registration.py", "generators")


def test_no_family_module_registers_through_the_lookup_module():
    offenders = [str(p.relative_to(GENERATORS)) for p in GENERATORS.rglob("*.py")
                 if "from generators.registry import register_" in p.read_text()]
    assert offenders == []
