"""Shared pytest fixtures."""
from __future__ import annotations

import pytest


def pytest_addoption(parser):
    parser.addoption("--slow", action="store_true", default=False, help="also run tests marked slow")


def pytest_collection_modifyitems(config, items):
    # `pytest --slow` runs everything; `pytest -m slow` runs only the slow ones (pyproject default deselects them)
    if config.getoption("--slow"):
        config.option.markexpr = ""


@pytest.fixture(autouse=True, scope="session")
def _suite_cache_in_tmp(tmp_path_factory):
    """Built suites are cached under OMEGACTL_CACHE_DIR: tests never read or write the user's cache."""
    import os

    old = os.environ.get("OMEGACTL_CACHE_DIR")
    os.environ["OMEGACTL_CACHE_DIR"] = str(tmp_path_factory.mktemp("omegactl-cache"))
    yield
    if old is None:
        os.environ.pop("OMEGACTL_CACHE_DIR", None)
    else:
        os.environ["OMEGACTL_CACHE_DIR"] = old
