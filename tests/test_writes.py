"""Writes that fail half way (a full disk, a short write, another file system) never replace what
was there: the output is complete and flushed before the rename, or the original stays."""

import errno
import gzip
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from boilerstrip.cli import cli
from boilerstrip.files import AtomicFile

SEEDS = Path(__file__).parent.parent / "seeds"
DIRTY = (SEEDS / "zeit-ukraine-talks.txt").read_text(encoding="utf-8")
CLEANED = (SEEDS / "zeit-ukraine-talks.expected.txt").read_text(encoding="utf-8")


class ShortWrites(io.FileIO):
    """A raw file that takes at most 7 bytes per write, as a pipe, a signal or NFS may."""

    def write(self, data):
        return super().write(bytes(data[:7]))


class FullDisk(io.FileIO):
    """A raw file on a device that fills up after 100 bytes."""

    written = 0

    def write(self, data):
        if self.written >= 100:
            raise OSError(errno.ENOSPC, "No space left on device")
        count = super().write(bytes(data[: 100 - self.written]))
        self.written += count
        return count


def test_short_writes_are_retried_until_the_file_is_whole(tmp_path, monkeypatch):
    monkeypatch.setattr("boilerstrip.files.FileIO", ShortWrites)
    target = tmp_path / "out.txt"
    data = DIRTY.encode() * 3
    output = AtomicFile(str(target))
    output.write(data)
    output.commit()
    assert target.read_bytes() == data


@pytest.mark.parametrize("jsonl", [False, True])
def test_a_full_disk_keeps_the_original_names_the_file_and_exits_2(tmp_path, monkeypatch, jsonl):
    monkeypatch.setattr("boilerstrip.files.FileIO", FullDisk)
    monkeypatch.setattr("boilerstrip.files.os.copy_file_range", other_file_system, raising=False)  # through FullDisk too
    article = tmp_path / ("corpus.jsonl" if jsonl else "a.txt")
    before = (json.dumps({"text": DIRTY}) + "\n") * 5 if jsonl else DIRTY
    article.write_text(before, encoding="utf-8")
    result = CliRunner().invoke(cli, ["clean", str(article), "--in-place", "-j", "1"])
    assert result.exit_code == 2
    spool = f"{article}: cannot write a spool of its cleaned records (No space left on device); TMPDIR sets where"
    assert (spool if jsonl else f"{article}: cannot write (No space left on device)") in result.stderr.splitlines()
    assert article.read_text(encoding="utf-8") == before
    assert [p.name for p in tmp_path.iterdir()] == [article.name]  # no temporary left behind


class FailingDevice(io.FileIO):
    """A raw file on a device that fails with EIO on the first flush of data."""

    def write(self, data):
        raise OSError(errno.EIO, "Input/output error")


def failing_rename(source, target):
    raise OSError(errno.EIO, "Input/output error")


@pytest.mark.parametrize("jsonl", [False, True])
@pytest.mark.parametrize("fault", ["write", "rename"])
def test_an_io_error_on_write_or_rename_keeps_every_input_and_leaves_no_temporary(tmp_path, monkeypatch, jsonl, fault):
    if fault == "write":
        monkeypatch.setattr("boilerstrip.files.FileIO", FailingDevice)
        monkeypatch.setattr("boilerstrip.files.os.copy_file_range", other_file_system, raising=False)
    else:
        monkeypatch.setattr("boilerstrip.files.os.replace", failing_rename)
    names = ["a.jsonl", "b.jsonl"] if jsonl else ["a.txt", "b.txt"]
    before = (json.dumps({"text": DIRTY}) + "\n") * 3 if jsonl else DIRTY
    for name in names:
        (tmp_path / name).write_text(before, encoding="utf-8")
    result = CliRunner().invoke(cli, ["clean", *(str(tmp_path / name) for name in names), "--in-place", "-j", "1", "-q"])
    assert result.exit_code == 2
    failed = (
        "cannot write a spool of its cleaned records (Input/output error); TMPDIR sets where"
        if jsonl and fault == "write"
        else "cannot write (Input/output error)"
    )
    assert result.stderr.splitlines() == [f"{tmp_path / name}: {failed}" for name in names]
    assert all((tmp_path / name).read_text(encoding="utf-8") == before for name in names), "every input as it was"
    assert sorted(p.name for p in tmp_path.iterdir()) == names, "no temporary left behind"


def other_file_system(*args):
    raise OSError(errno.EXDEV, "Invalid cross-device link")


def test_jsonl_output_on_another_file_system_falls_back_to_a_plain_copy(tmp_path, monkeypatch):
    monkeypatch.setattr("boilerstrip.files.os.copy_file_range", other_file_system, raising=False)
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text((json.dumps({"text": DIRTY}) + "\n") * 3, encoding="utf-8")
    result = CliRunner().invoke(cli, ["clean", str(corpus), "-o", f"{tmp_path / 'out'}/", "-j", "1"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "corpus.jsonl").read_text(encoding="utf-8") == (json.dumps({"text": CLEANED}) + "\n") * 3


@pytest.fixture
def small_filesystem(tmp_path):
    """A real 256 KiB tmpfs, where this machine lets the test mount one."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.strip() or done.returncode}")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def test_a_really_full_file_system_keeps_the_original(small_filesystem):
    corpus = small_filesystem / "corpus.jsonl"
    record = json.dumps({"text": DIRTY + "x" * 2000}) + "\n"
    corpus.write_text(record * int(200_000 / len(record)), encoding="utf-8")  # room for the file, not for its copy
    before = corpus.read_bytes()
    done = subprocess.run([sys.executable, "-m", "boilerstrip", "clean", str(corpus), "--in-place", "-q"], capture_output=True, text=True)
    assert done.returncode == 2, done.stderr
    assert f"{corpus}: cannot write" in done.stderr and "Traceback" not in done.stderr
    assert corpus.read_bytes() == before
    assert os.listdir(small_filesystem) == ["corpus.jsonl"]


# --- lone surrogates: legal in JSON, impossible in UTF-8 -----------------------------------------

BODY = " text here, a long enough article sentence to stay on the page after cleaning, yes.\n"


def test_a_lone_surrogate_is_cleaned_like_any_character():
    from boilerstrip import clean

    for odd in ("\ud800", "\udfff", "\ud83d"):
        with_odd, with_plain = (clean(f"Foto: dpa\n{c}{BODY}Mehr zum Thema\n") for c in (odd, "x"))
        assert with_odd.text == odd + BODY
        assert [r.rule for r in with_odd.removals] == [r.rule for r in with_plain.removals]


def test_a_jsonl_record_with_a_lone_surrogate_is_cleaned_and_its_neighbours_kept(tmp_path):
    """One such record used to crash its whole chunk (thousands of records) out of the output."""
    corpus = tmp_path / "corpus.jsonl"
    lines = [json.dumps({"n": n, "text": DIRTY}) for n in range(3)]
    lines.insert(1, '{"n": 9, "text": "Foto: dpa\\n\\ud800' + BODY.replace("\n", "\\n") + '"}')
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["clean", str(corpus), "-o", f"{tmp_path / 'out'}/", "-j", "1"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in (tmp_path / "out" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["n"] for r in records] == [0, 9, 1, 2]
    assert records[1]["text"] == "\ud800" + BODY
    assert all(r["text"] == CLEANED for r in records if r["n"] != 9)


def test_a_file_over_the_size_limit_is_copied_unchanged_or_left_and_the_rest_cleaned(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    big = "Foto: dpa\n" + "word " * 300_000 + "\n"  # 1.5 MB: over a 1 MB limit
    (folder / "big.txt").write_text(big, encoding="utf-8")
    (folder / "bomb.txt.gz").write_bytes(gzip.compress(b"x" * 3_000_000))  # small on disk, large inside
    (folder / "a.txt").write_text(DIRTY, encoding="utf-8")
    result = CliRunner().invoke(cli, ["clean", str(folder), "-o", str(tmp_path / "out"), "-q", "-j", "1", "--max-size", "1"])
    assert result.exit_code == 0, result.output
    assert f"{folder / 'big.txt'}: larger than the 1 MB limit (--max-size); copied unchanged" in result.output
    assert f"{folder / 'bomb.txt.gz'}: larger than the 1 MB limit (--max-size); copied unchanged" in result.output
    assert (tmp_path / "out" / "big.txt").read_text(encoding="utf-8") == big
    assert (tmp_path / "out" / "bomb.txt.gz").read_bytes() == (folder / "bomb.txt.gz").read_bytes()
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == CLEANED
    in_place = CliRunner().invoke(cli, ["clean", str(folder / "big.txt"), "--in-place", "-q", "--max-size", "1"])
    assert in_place.exit_code == 0 and "(--max-size); left as it is" in in_place.output
    assert (folder / "big.txt").read_text(encoding="utf-8") == big
    to_stdout = CliRunner().invoke(cli, ["clean", str(folder / "big.txt"), "--max-size", "1"])
    assert to_stdout.exit_code == 2 and "(--max-size); not cleaned, not written" in to_stdout.output


def a_finished_process_id() -> int:
    """The id of a process that has exited: what a run killed outright leaves in its files' names."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    return int(done.stdout)


def test_the_next_run_on_an_output_removes_what_a_killed_run_left_and_nothing_else(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    dead, alive = a_finished_process_id(), os.getpid()
    left = out / f".seed.txt.{dead}.8812734.0.tmp"  # a run killed with SIGKILL mid-write
    live = out / f".seed.txt.{alive}.8812735.0.tmp"  # a run writing there now
    mine = out / ".notes.1.2.tmp"  # the user's, not named as ours
    for path in (left, live, mine):
        path.write_text("half", encoding="utf-8")
    (tmp_path / "seed.txt").write_text(DIRTY, encoding="utf-8")
    result = CliRunner().invoke(cli, ["clean", str(tmp_path / "seed.txt"), "-o", f"{out}/", "-j", "1"])
    assert result.exit_code == 0, result.output
    assert (out / "seed.txt").read_text(encoding="utf-8") == CLEANED
    assert not left.exists()
    assert live.read_text(encoding="utf-8") == mine.read_text(encoding="utf-8") == "half"


def test_spools_a_killed_run_left_are_removed_by_the_next_jsonl_run(tmp_path, monkeypatch):
    spools = tmp_path / "spools"
    spools.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(spools))
    left = spools / f"boilerstrip-{a_finished_process_id()}-x1y2.jsonl"
    live = spools / f"boilerstrip-{os.getpid()}-x1y3.jsonl"
    for path in (left, live):
        path.write_text("{}\n", encoding="utf-8")
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text((json.dumps({"text": DIRTY}) + "\n") * 2, encoding="utf-8")
    result = CliRunner().invoke(cli, ["clean", str(corpus), "-o", f"{tmp_path / 'out'}/", "-j", "1"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "corpus.jsonl").read_text(encoding="utf-8") == (json.dumps({"text": CLEANED}) + "\n") * 2
    assert sorted(p.name for p in spools.iterdir()) == [live.name]
