"""The cache of answers (``memo.py``) gives the analysis' own answers, ``re``'s own regexes and
``tomllib``'s own parse, and a cache that is absent, damaged or unwritable changes nothing but the
time taken."""

import os
import re
import subprocess
import sys
import tomllib

import pytest

from boilerstrip import index, memo, packs, regex_tree
from boilerstrip.packs import builtin_pack_paths, load_rules


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    """An empty cache in a folder of the test's own, and a process that has asked nothing yet."""
    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("BOILERSTRIP_NO_CACHE", raising=False)
    another_process(monkeypatch)
    return tmp_path


def another_process(monkeypatch) -> None:
    monkeypatch.setattr(memo, "_MEMO", memo._Memo())
    monkeypatch.setattr(memo, "save", memo._MEMO.save)


def ask_everything() -> None:
    """Ask every question loading and compiling the shipped packs and cleaning with them asks."""
    packs._shipped_rules.cache_clear()  # the TOML is read again
    rules = index.CompiledRules(load_rules())
    rules.hits("Foto: dpa\nMehr zum Thema\nHello world.\n" * index.SCREEN_FROM)  # builds the screen
    memo.save()


def expected(question: tuple) -> object:
    """The answer to ``question`` worked out without the cache."""
    kind, *arguments = question
    if kind == "sre":
        return re.compile(*arguments)
    if kind == "toml":
        return tomllib.loads(arguments[0].decode("utf-8"))
    if kind == "letters":
        return "".join(letter for letter in index._LETTERS if re.fullmatch(arguments[0], letter))
    if kind == "trie":
        return regex_tree.trie(arguments[0])
    return {"shape": regex_tree.shape, "gate": regex_tree.gate, "after_blanks": regex_tree.after_blanks}[kind](*arguments)


def cached(question: tuple) -> object:
    """The answer to ``question`` as the code asks it, from the cache."""
    kind, *arguments = question
    if kind == "sre":
        return memo.regex(*arguments)
    if kind in ("toml", "letters", "trie"):
        return memo.remember(question, lambda: pytest.fail(f"{kind} not in the cache"))
    return {"shape": index.shape, "gate": index.gate, "after_blanks": index.after_blanks}[kind](*arguments)


def same(found: object, wanted: object) -> bool:
    if isinstance(wanted, re.Pattern):
        return (found.pattern, found.flags, found.groups, found.groupindex) == (
            wanted.pattern,
            wanted.flags,
            wanted.groups,
            wanted.groupindex,
        )
    return found == wanted


def test_every_answer_read_back_from_the_cache_is_what_the_work_itself_gives(fresh, monkeypatch):
    ask_everything()
    questions = sorted(memo._MEMO.asked, key=repr)
    assert {q[0] for q in questions} == {"shape", "gate", "after_blanks", "letters", "sre", "toml", "trie"}
    assert sum(q[0] == "toml" for q in questions) == len(builtin_pack_paths())
    [cache] = fresh.glob("analysis-*.marshal")
    assert set(memo._read(str(cache))) == set(questions), "every answer is in the file"
    another_process(monkeypatch)  # every answer now comes from the file
    for question in questions:
        assert same(cached(question), expected(question)), question[:2]
    assert not memo._MEMO.added, "nothing was worked out again"
    assert cache.stat().st_size > 0


def test_a_regex_from_the_cache_matches_as_re_compile_s_does(fresh, monkeypatch):
    source = r"(?P<a>(?i:foto|bild)\s*:\s*[^\s:][^:]{0,70})|(?P<b>mehr zum thema)|\bAFP\b"
    memo.regex(source)
    memo.save()
    another_process(monkeypatch)
    from_cache, fresh_regex = memo.regex(source), re.compile(source)
    assert not memo._MEMO.added
    for line in ["Foto: dpa", "BILD : Max", "Mehr zum Thema", "© AFP", "Fotos: a:b", "Mehr zum thema!", "AFPX", ""]:
        found, wanted = from_cache.fullmatch(line), fresh_regex.fullmatch(line)
        assert (found and (found.span(), found.lastgroup)) == (wanted and (wanted.span(), wanted.lastgroup)), line
        assert [m.span() for m in from_cache.finditer(line)] == [m.span() for m in fresh_regex.finditer(line)], line


def test_a_program_re_refuses_is_compiled_afresh(fresh):
    memo._MEMO.answer(("sre", "a+b"), lambda: (32, [1, 2, 3], 0, {}, (None,)))  # not a program
    assert memo.regex("a+b").fullmatch("aab")
    assert ("sre", "a+b") not in memo._MEMO.known


def test_a_damaged_cache_is_passed_over_and_replaced(fresh, monkeypatch):
    ask_everything()
    [cache] = fresh.glob("analysis-*.marshal")
    cache.write_bytes(b"\x00not marshal data")
    another_process(monkeypatch)
    arguments = (r"foto:\s+\w+", False)
    assert index.shape(*arguments) == regex_tree.shape(*arguments)
    memo.save()
    assert list(memo._read(str(cache))) == [("shape", *arguments)]


def test_an_unwritable_cache_folder_changes_nothing_but_time(fresh, monkeypatch):
    blocker = fresh / "file"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("BOILERSTRIP_CACHE_DIR", str(blocker / "cache"))
    assert index.shape("Foto: dpa", True) == regex_tree.shape("Foto: dpa", True)
    memo.save()
    assert sorted(p.name for p in fresh.iterdir()) == ["file"]


def test_no_cache_neither_reads_nor_writes(fresh, monkeypatch):
    monkeypatch.setenv("BOILERSTRIP_NO_CACHE", "1")
    ask_everything()
    assert list(fresh.iterdir()) == []


def test_the_cache_file_is_named_for_the_python_that_wrote_it(fresh, monkeypatch):
    here = memo._path()
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    assert memo._path() != here and os.path.dirname(memo._path()) == os.path.dirname(here)


def test_a_run_from_the_cache_cleans_as_a_run_without_one(tmp_path):
    text = "Das ist ein Satz über die Sache, der lang genug ist, um Text zu sein.\nFoto: dpa\n" * 3
    environment = {**os.environ, "BOILERSTRIP_CACHE_DIR": str(tmp_path)}

    def clean(**extra: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "boilerstrip", "clean"]
        return subprocess.run(command, input=text, capture_output=True, text=True, env={**environment, **extra}, check=True)

    uncached = clean(BOILERSTRIP_NO_CACHE="1")
    assert list(tmp_path.iterdir()) == []
    writing, reading = clean(), clean()
    [cache] = tmp_path.glob("analysis-*.marshal")
    assert any(question[0] == "sre" for question in memo._read(str(cache))), "the regexes a run compiled are kept"
    assert uncached.stdout == writing.stdout == reading.stdout
    assert "Foto: dpa" not in reading.stdout and reading.stdout.count("Das ist ein Satz") == 3


def test_another_version_s_answers_go_once_stale_and_not_before(fresh):
    stale, recent = fresh / "analysis-00000000.marshal", fresh / "analysis-11111111.marshal"
    for old in (stale, recent):
        old.write_bytes(memo.marshal.dumps({}))
    long_ago = memo.os.stat(stale).st_mtime - (memo.STALE_DAYS + 1) * 86400
    os.utime(stale, (long_ago, long_ago))
    index.shape("Foto: dpa", True)
    memo.save()
    assert sorted(p.name for p in fresh.iterdir()) == sorted([recent.name, os.path.basename(memo._path())])
