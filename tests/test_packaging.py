"""The wheel a user installs: built from the checkout without the network (the test extra brings
setuptools), it must carry every pack, state its licence as PEP 639 asks, and run as a module."""

import email
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    build = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", "-w", str(out), str(ROOT)]
    subprocess.run(build, check=True, capture_output=True, cwd=out)
    (built,) = out.glob("boilerstrip-*.whl")
    return zipfile.ZipFile(built)


def test_the_wheel_carries_every_pack_of_the_checkout(wheel):
    packs = {f"boilerstrip/packs/{path.name}" for path in (ROOT / "src/boilerstrip/packs").glob("*.toml")}
    assert packs <= set(wheel.namelist())


def test_the_wheel_states_its_licence_as_an_spdx_expression_with_the_file(wheel):
    (metadata,) = [name for name in wheel.namelist() if name.endswith(".dist-info/METADATA")]
    fields = email.message_from_bytes(wheel.read(metadata))
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["license"]
    assert fields["License-Expression"] == declared == "MIT"
    assert fields["License-File"] == "LICENSE"
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in wheel.namelist())


def test_python_dash_m_runs_the_command_line():
    ran = subprocess.run([sys.executable, "-m", "boilerstrip", "clean"], input="Foto: dpa\n", capture_output=True, text=True)
    assert (ran.returncode, ran.stdout) == (0, "")
    version = subprocess.run([sys.executable, "-m", "boilerstrip", "--version"], capture_output=True, text=True)
    assert version.stdout.startswith("boilerstrip, version ")
