"""Name → family and name → setting lookups (``get_family``, ``get_setting``, ``families``, ``settings``).

All family modules under the domain packages are imported on first use, so adding a family is one new
module with one decorator (``generators.registration.register_family``, which fills these tables). This
module imports no other generators module at load time, so ``settings`` may look families up here.
"""
from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generators.family import Family
    from generators.settings import Setting

DOMAIN_PACKAGES = (
    "generators.arithmetic",
    "generators.algebra",
    "generators.combinatorics",
    "generators.numbertheory",
    "generators.logic",
    "generators.geometry",
    "generators.compositional",
    "generators.transformative",
    "generators.carc",
)

_FAMILIES: dict[str, "Family"] = {}
_SETTINGS: dict[str, "Setting"] = {}
_loaded = False


class UnknownName(KeyError):
    """An unknown family or setting name; the message lists close and valid choices."""

    def __str__(self) -> str:  # KeyError quotes its argument; we want plain text
        return str(self.args[0])


def add_family(family: "Family") -> None:
    """Store a family instance under its name (``generators.registration.register_family`` calls this)."""
    if family.name in _FAMILIES:
        raise ValueError(f"family {family.name!r} registered twice")
    _FAMILIES[family.name] = family


def add_setting(setting: "Setting") -> None:
    """Store a setting under its name (``generators.registration.register_setting`` calls this)."""
    if setting.name in _SETTINGS:
        raise ValueError(f"setting {setting.name!r} registered twice")
    _SETTINGS[setting.name] = setting


def load_all() -> None:
    """Import every module of the domain packages once (each registers its families)."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    for pkg_name in DOMAIN_PACKAGES:
        try:
            pkg = importlib.import_module(pkg_name)
        except ModuleNotFoundError as exc:
            if exc.name == pkg_name:
                continue
            raise
        for info in pkgutil.iter_modules(pkg.__path__, pkg_name + "."):
            importlib.import_module(info.name)


def _unknown(kind: str, name: str, choices: list[str]) -> UnknownName:
    import difflib

    close = difflib.get_close_matches(name, choices, n=3, cutoff=0.5)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    return UnknownName(f"unknown {kind} {name!r}.{hint} Run `omegactl ls` to see all {len(choices)} {kind}s.")


def families() -> dict[str, "Family"]:
    load_all()
    return dict(sorted(_FAMILIES.items()))


def settings(axis: str | None = None) -> dict[str, "Setting"]:
    load_all()
    return {k: v for k, v in sorted(_SETTINGS.items()) if axis is None or v.axis == axis}


def get_family(name: str) -> "Family":
    load_all()
    if name not in _FAMILIES:
        raise _unknown("family", name, sorted(_FAMILIES))
    return _FAMILIES[name]


def get_setting(name: str) -> "Setting":
    load_all()
    if name not in _SETTINGS:
        raise _unknown("setting", name, sorted(_SETTINGS))
    return _SETTINGS[name]
