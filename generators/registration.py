"""The decorators that fill the registry: ``@register_family`` on a Family class, ``register_setting`` for a
compositional or transformative setting. An exploratory family also registers its one-family setting.

Import direction: registration → settings → registry (lookups); the registry imports neither.
"""
from __future__ import annotations

from generators.registry import add_family, add_setting
from generators.settings import ExploratorySetting, Setting


def register_family(cls):
    """Class decorator: register a Family subclass (and, for exploratory families, its setting)."""
    inst = cls()
    add_family(inst)
    if inst.axis == "exploratory":
        register_setting(ExploratorySetting(inst))
    return cls


def register_setting(setting: Setting) -> Setting:
    add_setting(setting)
    return setting
