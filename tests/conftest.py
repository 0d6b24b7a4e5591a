import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
"""The development data: beside the checkout in the workplace and in CI, absent from a bare clone."""


def pytest_collection_modifyitems(items):
    """Tests marked ``data`` skip, with one line saying why, when the development data is absent."""
    if DATA.is_dir():
        return
    skip = pytest.mark.skip(reason=f"needs the development data in {DATA}")
    for item in items:
        if item.get_closest_marker("data"):
            item.add_marker(skip)


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture(autouse=True, scope="session")
def _own_analysis_cache(tmp_path_factory):
    """The suite, and every process it starts, keeps its pattern-analysis cache (``memo.py``)
    in a folder of its own, never the user's."""
    folder = tmp_path_factory.mktemp("cache")
    previous = os.environ.get("BOILERSTRIP_CACHE_DIR")
    os.environ["BOILERSTRIP_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        del os.environ["BOILERSTRIP_CACHE_DIR"]
    else:
        os.environ["BOILERSTRIP_CACHE_DIR"] = previous
