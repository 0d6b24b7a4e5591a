"""Every seed article cleans to its expected output, byte for byte, through library and CLI."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from boilerstrip import clean
from boilerstrip.cli import cli

SEEDS = sorted(p for p in (Path(__file__).parent.parent / "seeds").glob("*.txt") if not p.name.endswith(".expected.txt"))


def expected_of(seed: Path) -> bytes:
    return seed.with_name(seed.name[: -len(".txt")] + ".expected.txt").read_bytes()


def test_seeds_exist():
    assert len(SEEDS) >= 3


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_library_output_matches_expected(seed: Path):
    text = seed.read_bytes().decode("utf-8")
    assert clean(text).text.encode("utf-8") == expected_of(seed)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_cli_file_argument(seed: Path):
    result = CliRunner().invoke(cli, ["clean", str(seed)])
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == expected_of(seed)


@pytest.mark.parametrize("argv", [["clean"], ["clean", "-"]], ids=["no-path", "dash"])
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_cli_stdin(seed: Path, argv):
    result = CliRunner().invoke(cli, argv, input=seed.read_bytes())
    assert result.exit_code == 0
    assert result.stdout_bytes == expected_of(seed)


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_expected_output_is_already_clean(seed: Path):
    expected = expected_of(seed).decode("utf-8")
    assert clean(expected).removals == ()
