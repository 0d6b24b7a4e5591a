"""A big text, a file (plain or gzip) or stdin, is read, cleaned and written window by window
(``jobs.BIG``), and the command line says and writes byte for byte what cleaning it whole does:
clean to stdout, into a folder and in place, check (every format) and diff.

``BIG`` is made small here, so a document of a few hundred lines is many windows, each read in
pieces that split UTF-8 sequences and CRLF endings. The memory a big document takes is measured
on real runs, with the real ``BIG``."""

import gzip
import os
import shutil
import subprocess
import sys

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


def run(*args, input=None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input)


@pytest.fixture
def windows_used(monkeypatch):
    """Small windows for big files, and how many documents were cleaned in windows."""
    used = []
    cleaned = jobs.cleaned

    def counted(*args, **kwargs):
        used.append(True)
        yield from cleaned(*args, **kwargs)

    monkeypatch.setattr(jobs, "cleaned", counted)
    small_windows(monkeypatch)
    return used


WINDOWED = jobs._clean_in_windows


def small_windows(monkeypatch):
    """Windows of a few lines for texts over a few lines, gzip files of any size looked into."""
    monkeypatch.setattr(jobs, "BIG", 997)
    monkeypatch.setattr(jobs, "PACKED", 10)
    monkeypatch.setattr(jobs, "_clean_in_windows", WINDOWED)


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
    """``command()`` with small windows, then whole."""
    windowed = command()
    assert windows_used, "the big file was not cleaned in windows"
    monkeypatch.setattr(jobs, "_clean_in_windows", jobs._clean_whole)
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
    windowed, whole = both(monkeypatch, windows_used, lambda: run(*args, big))
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
        small_windows(monkeypatch)


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


@pytest.mark.parametrize(
    "args",
    [
        ("clean",),
        ("check",),
        ("check", "--format", "json"),
        ("clean", "--format", "json"),
        ("clean", "--diff"),
        ("clean", "--max-size", "0.001"),
    ],
)
def test_stdin_is_cleaned_as_the_whole_document(big, monkeypatch, windows_used, args):
    data = big.read_bytes()
    windowed, whole = both(monkeypatch, windows_used, lambda: run(*args, input=data))
    assert (windowed.exit_code, windowed.stdout_bytes, windowed.stderr) == (whole.exit_code, whole.stdout_bytes, whole.stderr)
    assert whole.exit_code in (0, 1), whole.output


def test_stdin_the_windows_cannot_take_gets_every_byte_to_the_whole_path(monkeypatch, windows_used):
    """Found late, a legacy encoding, damaged UTF-8 or a short text: stdin is not read twice, the
    whole path is given what the windows read and the rest."""
    text = document().replace("𝄞", "").replace("\u2028", " ")
    for data in (
        text.encode("cp1252"),
        text.encode() + b"\xff\xfe tail\n" + text.encode(),
        b"Foto: dpa\nEin Satz.\n",
        gzip.compress(text.encode()),
    ):
        windowed, whole = both(monkeypatch, [True], lambda data=data: run("clean", input=data))
        assert (windowed.exit_code, windowed.stdout_bytes, windowed.stderr) == (whole.exit_code, whole.stdout_bytes, whole.stderr)
        small_windows(monkeypatch)


@pytest.mark.parametrize("action", [("-o", "OUT"), ("--in-place",), ("-o", "OUT", "--input-format", "text")])
def test_a_gzip_file_is_cleaned_in_windows_as_whole(tmp_path, monkeypatch, windows_used, action):
    """Into a folder and in place, changed and unchanged (the very bytes), named ``.gz`` or not."""
    texts = {"changed.txt.gz": document(), "unchanged.txt.gz": "\n".join(PROSE * 40) + "\n", "packed.txt": document()}
    outputs = iter(["windowed", "whole"])

    def command():
        out = tmp_path / next(outputs)
        source = tmp_path / "in"
        shutil.rmtree(source, ignore_errors=True)
        source.mkdir()
        for name, text in texts.items():
            (source / name).write_bytes(gzip.compress(text.encode(), mtime=0))
        (source / "unchanged.txt.gz").write_bytes(gzip.compress(texts["unchanged.txt.gz"].encode(), compresslevel=1, mtime=0))
        result = run("clean", source, "-j", "1", *(str(out) if a == "OUT" else a for a in action))
        assert result.exit_code == 0, result.output
        written = out if "OUT" in action else source
        return {path.name: path.read_bytes() for path in sorted(written.iterdir())}

    windowed, whole = both(monkeypatch, windows_used, command)
    assert windowed == whole
    assert gzip.decompress(whole["changed.txt.gz"]) != texts["changed.txt.gz"].encode()
    assert gzip.decompress(whole["unchanged.txt.gz"]) == texts["unchanged.txt.gz"].encode()


PROBE = """
import resource, subprocess, sys
with open(sys.argv[1], "rb") as stdin:
    subprocess.run([sys.executable, "-m", "boilerstrip", *sys.argv[2:]], stdin=stdin, stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""
"""Runs boilerstrip and says its peak RSS in kB; a small process of its own, because a process
started from this one counts this one's peak as its own (Linux carries it over ``exec``)."""


def peak_rss(*args, stdin: str = os.devnull) -> int:
    """Bytes of resident memory a ``boilerstrip`` run peaks at."""
    probe = subprocess.run([sys.executable, "-c", PROBE, stdin, *map(str, args)], capture_output=True, text=True, check=True)
    return int(probe.stdout) * 1024


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss in kB, wait4: Linux")
def test_a_big_document_takes_a_small_multiple_of_its_size(tmp_path, monkeypatch):
    """Each input kind peaks within 4x its document and 80 MB (cleaning it whole took 14x and more).

    The runs keep a cache of their own: the suite's holds what every other test compiled, and
    reading it in is some 20 MB that a user's cache of the shipped packs does not weigh."""
    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(tmp_path / "cache"))
    size = 12_000_000
    text = (document() * (size // len(document().encode()) + 1))[: size // 2]
    short = "".join(f"Item {number}\n" for number in range(size // 12))  # no place to cut a window
    (tmp_path / "big.txt").write_text(text, encoding="utf-8")
    (tmp_path / "short.txt").write_text(short, encoding="utf-8")
    (tmp_path / "small.txt").write_text("Foto: dpa\nEin Satz, der bleibt.\n", encoding="utf-8")
    (tmp_path / "big.txt.gz").write_bytes(gzip.compress(text.encode(), compresslevel=1))
    runs = {
        "file": (("clean", tmp_path / "big.txt", "-o", tmp_path / "out"), os.devnull, text),
        "stdin": (("clean", "-q"), tmp_path / "big.txt", text),
        "stdin beside a file, two jobs": (("clean", "-", tmp_path / "small.txt", "-j", "2", "-q"), tmp_path / "big.txt", text),
        "json": (("clean", "--format", "json", tmp_path / "big.txt"), os.devnull, text),
        "gzip": (("clean", tmp_path / "big.txt.gz", "-o", tmp_path / "gz"), os.devnull, text),
        "short lines": (("clean", tmp_path / "short.txt", "-o", tmp_path / "short"), os.devnull, short),
    }
    for kind, (args, stdin, document_text) in runs.items():
        document_bytes = len(document_text.encode())
        assert peak_rss(*args, stdin=stdin) < 4 * document_bytes + 80_000_000, kind
