"""Clear errors instead of tracebacks: each case a user met, one line naming what is at fault."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from boilerstrip import clean
from boilerstrip.cli import cli
from boilerstrip.config import settings
from boilerstrip.report import Place, findings_github

SEEDS = Path(__file__).parent.parent / "seeds"
DIRTY = (SEEDS / "zeit-ukraine-talks.txt").read_text(encoding="utf-8")
CLEANED = (SEEDS / "zeit-ukraine-talks.expected.txt").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent / "boilerstrip"
PACK = """[[rule]]
id = "ad.house"
kind = "line"
description = "{description}"
[rule.patterns]
en = ["House advert"]
[rule.examples]
en = ["House advert"]
"""


def test_a_pack_that_is_not_utf8_is_one_line(tmp_path):
    pack = tmp_path / "pack.toml"
    pack.write_bytes(PACK.format(description="Werbung f\xfcr uns").encode("latin-1"))
    result = CliRunner().invoke(cli, ["check", "--rules", str(pack), str(SEEDS / "zeit-ukraine-talks.txt")])
    assert result.exit_code == 2
    assert f"{pack}: not UTF-8" in result.output
    assert not isinstance(result.exception, UnicodeDecodeError)


def test_markup_characters_in_a_rule_description_are_shown_as_they_are(tmp_path):
    pack = tmp_path / "pack.toml"
    pack.write_text(PACK.format(description="Ads [/] and [bold]house[/bold] notes"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["rules", "--rules", str(pack)], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert "Ads [/] and [bold]house[/bold] notes" in result.output


@pytest.mark.parametrize("args", [["clean"], ["clean", "--input-format", "jsonl"], ["check"]])
def test_a_closed_stdin_is_one_line_and_exit_2(args):
    done = subprocess.run(
        [BIN, *args], stdin=subprocess.DEVNULL, capture_output=True, text=True, close_fds=True, preexec_fn=lambda: os.close(0)
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == ["<stdin>: standard input is closed"]


@pytest.mark.parametrize("in_place", [False, True])
def test_a_file_name_near_the_length_limit_is_cleaned(tmp_path, in_place):
    name = "a" * 236 + ".txt"  # legal (255 bytes is the limit); its temporary must be too
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / name).write_text(DIRTY, encoding="utf-8")
    out = ["--in-place"] if in_place else ["-o", str(tmp_path / "out")]
    result = CliRunner().invoke(cli, ["clean", str(tmp_path / "in"), *out, "-q", "-j", "1"])
    assert result.exit_code == 0, result.output
    written = tmp_path / ("in" if in_place else "out") / name
    assert written.read_text(encoding="utf-8") == CLEANED


def test_github_annotations_escape_their_properties_and_message():
    removals = clean("Body text of the article, long enough to stay.\nFoto: dpa\n").removals
    (row,) = findings_github(Place("dir:a,b%.txt"), removals)
    assert row.startswith("::warning file=dir%3Aa%2Cb%25.txt,line=2,endLine=2,title=credit.photo-label::")
    assert "\n" not in row


def test_a_settings_file_of_another_user_is_ignored_with_a_warning(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("only root can give a file to another user")
    (tmp_path / "project").mkdir()
    settings_file = tmp_path / ".boilerstrip.toml"
    settings_file.write_text('ignore = ["credit"]\n', encoding="utf-8")
    os.chown(settings_file, 65534, 65534)
    chosen = settings(cwd=tmp_path / "project")
    assert chosen.selection.ignore == ()
    assert chosen.warnings == (f"boilerstrip: {settings_file} ignored: it belongs to another user (pass it with --config to use it)",)
    os.chown(settings_file, os.geteuid(), os.getegid())
    assert settings(cwd=tmp_path / "project").selection.ignore == ("credit",)
