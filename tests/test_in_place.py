"""``--in-place`` keeps what the file was: its mode, owner and group, a symlink stays a link (its
target is cleaned), and a file with several hard links stays one file (it is left as it is)."""

import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from boilerstrip.cli import cli

SEEDS = Path(__file__).parent.parent / "seeds"
DIRTY = (SEEDS / "zeit-ukraine-talks.txt").read_text(encoding="utf-8")
CLEANED = (SEEDS / "zeit-ukraine-talks.expected.txt").read_text(encoding="utf-8")
AS_ROOT = pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")


def in_place(*paths, jobs="1"):
    return CliRunner().invoke(cli, ["clean", "--in-place", "-q", "-j", jobs, *map(str, paths)])


@pytest.mark.parametrize("name", ["a.txt", "a.jsonl"])
def test_the_mode_is_kept(tmp_path, name):
    article = tmp_path / name
    article.write_text(json.dumps({"text": DIRTY}) + "\n" if name.endswith(".jsonl") else DIRTY, encoding="utf-8")
    article.chmod(0o640 | stat.S_ISGID)
    result = in_place(article)
    assert result.exit_code == 0, result.output
    assert article.read_text(encoding="utf-8") != DIRTY
    assert stat.S_IMODE(article.stat().st_mode) == 0o640 | stat.S_ISGID


@AS_ROOT
@pytest.mark.parametrize("name", ["a.txt", "a.jsonl"])
def test_the_owner_and_group_are_kept(tmp_path, name):
    article = tmp_path / name
    article.write_text(json.dumps({"text": DIRTY}) + "\n" if name.endswith(".jsonl") else DIRTY, encoding="utf-8")
    os.chown(article, 65534, 65534)
    article.chmod(0o4755)  # set-user-ID: changing the owner afterwards would clear it
    result = in_place(article)
    assert result.exit_code == 0, result.output
    assert article.read_text(encoding="utf-8") != DIRTY
    status = article.stat()
    assert (status.st_uid, status.st_gid, stat.S_IMODE(status.st_mode)) == (65534, 65534, 0o4755)


def test_a_symlink_stays_a_link_and_its_target_is_cleaned(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "a.txt"
    target.write_text(DIRTY, encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    result = in_place(link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8") == CLEANED
    assert not [p for p in (tmp_path / "real").iterdir() if p.name != "a.txt"], "no temporary left"


def test_a_file_reached_through_a_link_in_the_same_folder_is_cleaned_once(tmp_path):
    (tmp_path / "a.txt").write_text(DIRTY, encoding="utf-8")
    (tmp_path / "b.txt").symlink_to("a.txt")
    result = in_place(tmp_path, jobs="2")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == CLEANED
    assert (tmp_path / "b.txt").is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


@pytest.mark.parametrize("name", ["a.txt", "a.jsonl"])
def test_a_file_with_several_hard_links_is_left_as_it_is_with_a_message(tmp_path, name):
    article = tmp_path / name
    before = json.dumps({"text": DIRTY}) + "\n" if name.endswith(".jsonl") else DIRTY
    article.write_text(before, encoding="utf-8")
    other = tmp_path / "elsewhere"
    os.link(article, other)
    tidy = tmp_path / "tidy.txt"
    tidy.write_text(DIRTY, encoding="utf-8")
    result = CliRunner().invoke(cli, ["clean", "--in-place", "-q", "-j", "1", str(article), str(tidy)])
    assert result.exit_code == 0, result.output
    assert f"{article}: has 2 hard links, left as it is" in result.output
    assert article.read_text(encoding="utf-8") == before
    assert os.path.samefile(article, other)
    assert tidy.read_text(encoding="utf-8") == CLEANED, "the other inputs are still cleaned"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([name, "elsewhere", "tidy.txt"])
