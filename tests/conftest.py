"""Shared pytest fixtures."""
from __future__ import annotations

import pytest


def pytest_addoption(parser):
    parser.addoption("--slow", action="store_true", default=False, help="also run tests marked slow")


def pytest_collection_modifyitems(config, items):
    # `pytest --slow` runs everything; `pytest -m slow` runs only the slow ones (pyproject default deselects them)
    if config.getoption("--slow"):
        config.option.markexpr = ""
