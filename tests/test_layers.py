"""The code's shape, checked like its behaviour: imports point down the layers, ruff is clean."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run(tool: str, *args: str) -> subprocess.CompletedProcess:
    executable = BIN / tool
    if not executable.exists():
        pytest.fail(f"{tool} is not installed beside {sys.executable}: install the 'test' extra")
    return subprocess.run([str(executable), *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_imports_point_down_the_layers():
    """The layers contract in pyproject.toml: a cycle or an upward import fails here, not a reader."""
    result = run("lint-imports", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_is_clean():
    result = run("ruff", "check", "--no-cache", "src", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr
