"""Bad input, bad paths, interruptions and hostile input: the promises of the README's
"Guarantees" section, each checked here.

A bad file is reported as one line ``path: reason`` and counted (exit 2), the others are done;
a file written is old or new, never cut; nothing raises a traceback.
"""

import codecs
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from boilerstrip import clean
from boilerstrip.cli import cli
from boilerstrip.files import Source
from boilerstrip.options import Action, RunOptions
from boilerstrip.runner import Batch, Interrupted, plan
from boilerstrip.sources import InputError, document_from_bytes

SEEDS = Path(__file__).parent.parent / "seeds"
DIRTY = (SEEDS / "zeit-ukraine-talks.txt").read_text(encoding="utf-8")
CLEANED = (SEEDS / "zeit-ukraine-talks.expected.txt").read_text(encoding="utf-8")
GERMAN = "Die Bürgerinnen und Bürger möchten über Straßen, Gebühren und Öffnungszeiten reden, sagt sie.\n"
BIN = Path(sys.executable).parent / "boilerstrip"


def run(*args, input=None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input)


def errors(result) -> list[str]:
    lines = result.stderr.strip().splitlines()
    assert not any("Traceback" in line for line in lines)
    return lines


# --- bad bytes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"%PDF\x00\x01binary\x00" * 50, "binary file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary file"),
        ("Grüße aus Köln. ".encode() * 20 + b"\xff\xfe", "not valid UTF-8"),
        (b"\xc0\xc1\xf5\xf8 \x81\x8d\x8f\x90\x9d", "not valid UTF-8"),
    ],
)
def test_bad_bytes_are_skipped_with_one_line_and_the_rest_is_cleaned(tmp_path, data, reason):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bad.txt").write_bytes(data)
    (folder / "good.txt").write_text(DIRTY, encoding="utf-8")
    result = run("clean", folder, "-o", tmp_path / "out")
    assert result.exit_code == 2
    [message] = [line for line in errors(result) if "bad.txt" in line]
    assert message.startswith(f"{folder / 'bad.txt'}: {reason}")
    assert not (tmp_path / "out" / "bad.txt").exists()
    assert (tmp_path / "out" / "good.txt").read_text(encoding="utf-8") == CLEANED


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", codecs.BOM_UTF8), ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE)],
)
def test_byte_order_marks_are_kept_and_the_text_cleaned(tmp_path, encoding, bom):
    source = tmp_path / "a.txt"
    source.write_bytes(bom + DIRTY.encode(encoding))
    assert run("clean", source, "--in-place").exit_code == 0
    assert source.read_bytes() == bom + CLEANED.encode(encoding)


def test_legacy_encoded_german_is_decoded_cleaned_and_written_back_in_its_encoding(tmp_path):
    text = GERMAN + "© Lea Dohle\n" + GERMAN
    source = tmp_path / "alt.txt"
    source.write_bytes(text.encode("cp1252"))
    result = run("clean", source, "-o", f"{tmp_path / 'out'}/")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out" / "alt.txt").read_bytes() == (GERMAN + GERMAN).encode("cp1252")
    assert document_from_bytes("alt.txt", text.encode("cp1252")).text == text


def test_mixed_line_endings_are_each_kept(tmp_path):
    source = tmp_path / "mixed.txt"
    source.write_bytes(GERMAN.replace("\n", "\r\n").encode() + b"Foto: dpa\n" + GERMAN.encode() + b"Anzeige\r\n" + GERMAN.encode())
    run("clean", source, "--in-place")
    assert source.read_bytes() == GERMAN.replace("\n", "\r\n").encode() + GERMAN.encode() + GERMAN.encode()


def test_a_50_mb_line_is_cleaned(tmp_path):
    line = ("Ein Satz aus dem Artikel, ohne Zeilenumbruch und ohne Ende, aber mit Inhalt. " * 660_000)[:50_000_000]
    source = tmp_path / "long.txt"
    source.write_text(line + "\nFoto: dpa\n", encoding="utf-8")
    result = run("clean", source, "-o", f"{tmp_path / 'out'}/")
    assert result.exit_code == 0
    assert (tmp_path / "out" / "long.txt").read_text(encoding="utf-8") == line + "\n"


def test_an_empty_file_and_a_file_of_nothing_but_boilerplate(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    (tmp_path / "in" / "only.txt").write_text("Foto: dpa\nAnzeige\n© Lea Dohle\n", encoding="utf-8")
    result = run("clean", tmp_path / "in", "-o", tmp_path / "out")
    assert result.exit_code == 0
    assert (tmp_path / "out" / "empty.txt").read_bytes() == b""
    assert (tmp_path / "out" / "only.txt").read_bytes() == b""


# --- bad paths --------------------------------------------------------------------------------


def test_missing_unreadable_and_looping_paths_are_reported_and_the_rest_done(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(DIRTY, encoding="utf-8")
    (folder / "locked.txt").write_text(DIRTY, encoding="utf-8")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")  # a link to itself
    (folder / "sub").mkdir()
    (folder / "sub" / "up").symlink_to(folder)  # a folder loop: links to folders are not walked
    real_open = os.open

    def refuse(path, flags, *args, **kwargs):  # tests run as root, which chmod 000 does not stop
        if str(path).endswith("locked.txt"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr("boilerstrip.sources.os.open", refuse)
    result = run("clean", folder, tmp_path / "missing.txt", "-o", tmp_path / "out", "-j", "1", "-q")
    assert result.exit_code == 2
    messages = errors(result)
    assert f"{folder / 'locked.txt'}: permission denied" in messages
    assert f"{tmp_path / 'missing.txt'}: no such file" in messages
    assert any(line.startswith(f"{folder / 'loop.txt'}: ") and "symbolic links" in line for line in messages)
    assert len(messages) == 3
    assert (tmp_path / "out" / "good.txt").read_text(encoding="utf-8") == CLEANED


def test_a_folder_where_a_file_is_expected(tmp_path):
    result = run("explain", tmp_path)
    assert result.exit_code == 2 and errors(result) == [f"{tmp_path}: is a directory"]
    (tmp_path / "out").write_text("a file, not a folder", encoding="utf-8")
    (tmp_path / "a.txt").write_text(DIRTY, encoding="utf-8")
    result = run("clean", tmp_path / "a.txt", "-o", f"{tmp_path / 'out'}/", "-q")
    assert result.exit_code == 2 and errors(result) == [f"{tmp_path / 'out' / 'a.txt'}: cannot write (Not a directory)"]
    assert (tmp_path / "out").read_text(encoding="utf-8") == "a file, not a folder"


def test_an_output_folder_inside_the_input_folder_is_refused(tmp_path):
    (tmp_path / "a.txt").write_text(DIRTY, encoding="utf-8")
    result = run("clean", tmp_path, "-o", tmp_path / "cleaned")
    assert result.exit_code == 2 and "inside the input folder" in result.stderr
    assert not (tmp_path / "cleaned").exists()


@pytest.mark.parametrize("args", [["clean"], ["check", "--format", "json"], ["rules"]])
def test_a_full_device_on_stdout_is_one_line_and_exit_2(args):
    with open("/dev/full", "wb") as full:
        inputs = [str(SEEDS / "zeit-ukraine-talks.txt")] if args != ["rules"] else []
        done = subprocess.run([BIN, *args, *inputs], stdout=full, stderr=subprocess.PIPE, text=True)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["boilerstrip: cannot write to standard output (No space left on device)"]


# --- interruption -----------------------------------------------------------------------------


@pytest.mark.integration
@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_in_a_parallel_in_place_run_leaves_every_file_old_or_new(tmp_path, signal_number):
    files = []
    for n in range(4000):
        folder = tmp_path / f"{n // 500:02d}"
        folder.mkdir(exist_ok=True)
        files.append(folder / f"{n:05d}.txt")
        files[-1].write_text(DIRTY, encoding="utf-8")
    process = subprocess.Popen([BIN, "clean", str(tmp_path), "--in-place", "-j", "2", "-q"], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        if files[0].read_text(encoding="utf-8") != DIRTY:  # under way: the first bundle is written
            break
        time.sleep(0.005)
    process.send_signal(signal_number)
    _, stderr = process.communicate(timeout=60)
    contents = [path.read_text(encoding="utf-8") for path in files]
    new = sum(text == CLEANED for text in contents)
    assert all(text in (DIRTY, CLEANED) for text in contents)
    assert not [path for path in tmp_path.rglob("*") if path.name.endswith(".tmp")]
    assert process.returncode == 128 + signal_number, stderr
    assert 0 < new < len(files)
    assert f": {new} of {len(files)} file(s) done" in stderr


def test_a_jsonl_file_interrupted_in_place_is_left_as_it_was(tmp_path, monkeypatch):
    """The stop comes after the first chunk is cleaned: the output begun is dropped, whole."""
    monkeypatch.setattr("boilerstrip.jsonl.SPAN_BYTES", 2000)
    corpus = tmp_path / "c.jsonl"
    corpus.write_text("".join(json.dumps({"n": n, "text": DIRTY}) + "\n" for n in range(50)), encoding="utf-8")
    before = corpus.read_bytes()
    options = RunOptions(action=Action.IN_PLACE)
    batch = Batch(options, progress=lambda size, tally: batch.stop(signal.SIGTERM), stderr=lambda line: None)
    with pytest.raises(Interrupted):
        batch.run(plan([Source(str(corpus), corpus.name)], options))
    assert corpus.read_bytes() == before
    assert [path.name for path in tmp_path.iterdir()] == ["c.jsonl"]


# --- hostile input ----------------------------------------------------------------------------


def is_subsequence(small: str, big: str) -> bool:
    chars = iter(big)
    return all(char in chars for char in small)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes_decode_or_raise_the_documented_error(data):
    try:
        document = document_from_bytes("fuzz.txt", data, "text")
    except InputError as error:
        assert str(error).startswith("fuzz.txt: ") and "\n" not in str(error)
        return
    result = clean(document.text)
    assert is_subsequence(result.text, document.text)
    assert clean(result.text).text == result.text


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000) | st.text(max_size=2000).map(lambda text: text.encode("utf-8", "surrogatepass")))
def test_random_input_through_the_cli_never_raises(data):
    result = CliRunner().invoke(cli, ["clean", "--input-format", "text"], input=data)
    assert result.exit_code in (0, 2)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert len(result.stderr.strip().splitlines()) <= 1
