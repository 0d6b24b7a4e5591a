"""A big plain text file is read, cleaned and written window by window (``jobs.BIG``), and the
command line says and writes byte for byte what cleaning it whole does: clean to stdout, into a
folder and in place, check (every format) and diff.

``BIG`` is made small here, so a document of a few hundred lines is many windows, each read in
pieces that split UTF-8 sequences and CRLF endings."""

import shutil

import pytest
from click.testing import CliRunner

from boilerstrip import jobs
from boilerstrip.cli import cli

PROSE = [
    "Die Bundesregierung hat am Mittwoch einen Gesetzentwurf beschlossen, der vieles ändert, neu regelt und lange umstritten war.",
    "The council approved the budget after a long night of arguments over police funding, libraries and the state of the roads 𝄞.",
    "A line with a hidden break\u2028in it reads as two lines to a reader, and the engine keeps it as a long line is kept here.",
]
BOILERPLATE = ["Foto: dpa", "Newsletter", "Mehr zum Thema", "Krieg in der Ukraine", "Teilen auf Facebook", "", "Share this article"]


def document(ending: str = "\n") -> str:
    lines = []
    for number in range(120):
        lines += PROSE if number % 3 else BOILERPLATE
        if number == 100:
            lines += ["Comments", "Reader one wrote a long comment about the council, the budget and the roads, and more.", "Foto: dpa"]
    return ending.join(lines) + ending


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def windows_used(monkeypatch):
    """Small windows for big files, and how many documents were cleaned in windows."""
    used = []
    cleaned = jobs.cleaned

    def counted(*args, **kwargs):
        used.append(True)
        yield from cleaned(*args, **kwargs)

    monkeypatch.setattr(jobs, "cleaned", counted)
    monkeypatch.setattr(jobs, "BIG", 997)
    return used


@pytest.fixture(params=["utf-8", "utf-8-crlf", "utf-8-bom", "utf-16"])
def big(request, tmp_path):
    encoding = request.param
    text = document("\r\n" if encoding.endswith("crlf") else "\n")
    path = tmp_path / "in" / "big.txt"
    path.parent.mkdir()
    data = {"utf-8-bom": b"\xef\xbb\xbf" + text.encode("utf-8"), "utf-16": text.encode("utf-16")}.get(encoding, text.encode("utf-8"))
    path.write_bytes(data)
    return path


def both(monkeypatch, windows_used, command):
    """``command()`` with small windows, then whole (``BIG`` past the file's size)."""
    windowed = command()
    assert windows_used, "the big file was not cleaned in windows"
    monkeypatch.setattr(jobs, "BIG", 1 << 40)
    return windowed, command()


@pytest.mark.parametrize(
    "args",
    [
        ("clean",),
        ("clean", "--format", "json"),
        ("check",),
        ("check", "--format", "json"),
        ("check", "--format", "github"),
        ("check", "--statistics"),
        ("clean", "--diff"),
    ],
)
def test_stdout_is_the_whole_documents(big, monkeypatch, windows_used, args):
    windowed, whole = both(monkeypatch, windows_used if args[0] == "check" or args == ("clean",) else [True], lambda: run(*args, big))
    assert (windowed.exit_code, windowed.stdout_bytes, windowed.stderr) == (whole.exit_code, whole.stdout_bytes, whole.stderr)
    assert whole.exit_code in (0, 1), whole.output


def test_an_output_folder_gets_the_whole_documents_bytes(big, tmp_path, monkeypatch, windows_used):
    folders = iter([tmp_path / "windowed", tmp_path / "whole"])

    def command():
        folder = next(folders)
        assert run("clean", big.parent, "-o", folder).exit_code == 0
        return (folder / "big.txt").read_bytes()

    windowed, whole = both(monkeypatch, windows_used, command)
    assert windowed == whole
    assert len(whole) < big.stat().st_size


def test_in_place_writes_the_whole_documents_bytes(big, tmp_path, monkeypatch, windows_used):
    original = big.read_bytes()

    def command():
        big.write_bytes(original)
        assert run("clean", big, "--in-place").exit_code == 0
        return big.read_bytes()

    windowed, whole = both(monkeypatch, windows_used, command)
    assert windowed == whole != original
    assert sorted(path.name for path in big.parent.iterdir()) == ["big.txt"]


def test_an_unchanged_big_file_is_not_touched_in_place(tmp_path, monkeypatch, windows_used):
    path = tmp_path / "article.txt"
    path.write_text("\n".join(PROSE * 40) + "\n", encoding="utf-8")
    before = path.stat().st_mtime_ns
    assert run("clean", path, "--in-place").exit_code == 0
    assert windows_used
    assert path.stat().st_mtime_ns == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["article.txt"]


def test_a_legacy_encoding_or_broken_text_is_left_to_the_whole_path(tmp_path, monkeypatch, windows_used):
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes(document().replace("𝄞", "").replace("\u2028", " ").encode("cp1252"))
    broken = tmp_path / "broken.txt"
    broken.write_bytes(document().encode("utf-8") + b"\xff\xfe tail\n" + document().encode("utf-8"))
    for path in (legacy, broken):
        windowed, whole = both(monkeypatch, windows_used, lambda path=path: run("clean", path))
        assert (windowed.exit_code, windowed.stdout_bytes, windowed.stderr) == (whole.exit_code, whole.stdout_bytes, whole.stderr)
        monkeypatch.setattr(jobs, "BIG", 997)


def test_the_size_limit_still_holds(big, tmp_path, windows_used):
    limit_mb = big.stat().st_size / 2e6
    out = tmp_path / "out"
    result = run("clean", big.parent, "-o", out, "--max-size", f"{limit_mb}")
    assert "--max-size" in result.stderr
    assert (out / "big.txt").read_bytes() == big.read_bytes()
    assert not windows_used


def test_many_big_files_on_workers_write_stdout_in_order(tmp_path, monkeypatch, windows_used):
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_text(document() + name + "\n", encoding="utf-8")
    paths = sorted(tmp_path.iterdir())
    windowed = run("clean", *paths, "-j", "2")
    monkeypatch.setattr(jobs, "BIG", 1 << 40)
    whole = run("clean", *paths, "-j", "1")
    assert windowed.exit_code == whole.exit_code == 0
    assert windowed.stdout_bytes == whole.stdout_bytes
    assert not list((tmp_path).glob("*.tmp"))
    shutil.rmtree(tmp_path)
