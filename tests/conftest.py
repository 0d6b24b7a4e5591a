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
