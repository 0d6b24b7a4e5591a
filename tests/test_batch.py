"""Folders, JSONL corpora, gzip, parallel jobs and settings files, through the command line."""

import gzip
import io
import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from boilerstrip.cli import cli
from boilerstrip.files import Source
from boilerstrip.options import RunOptions
from boilerstrip.runner import Batch, plan

SEEDS = Path(__file__).parent.parent / "seeds"
DIRTY = (SEEDS / "zeit-ukraine-talks.txt").read_text(encoding="utf-8")
CLEANED = (SEEDS / "zeit-ukraine-talks.expected.txt").read_text(encoding="utf-8")
ARTICLE = "A perfectly ordinary paragraph of article text, long enough to count as running prose here.\n"


def run(*args, input=None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input)


@pytest.fixture
def tree(tmp_path):
    """A scraped folder: text, markdown, gzip, JSONL, an unknown file and a VCS folder."""
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "a.txt").write_text(DIRTY, encoding="utf-8")
    (root / "clean.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "sub" / "b.md").write_text(DIRTY, encoding="utf-8")
    (root / "sub" / "c.txt.gz").write_bytes(gzip.compress(DIRTY.encode()))
    (root / "notes.pdf").write_bytes(b"%PDF-1.4")
    (root / ".git" / "HEAD.txt").write_text(DIRTY, encoding="utf-8")
    records = [{"id": 1, "text": DIRTY, "score": 0.5}, {"id": 2, "text": ARTICLE, "tags": ["x"]}]
    (root / "corpus.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return root


def files_below(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_output_folder_mirrors_the_tree_and_skips_unknown_files(tree, tmp_path):
    out = tmp_path / "out"
    result = run("clean", tree, "-o", out, "-j", "1", "--statistics")
    assert result.exit_code == 0, result.output
    assert files_below(out) == ["a.txt", "clean.txt", "corpus.jsonl", "sub/b.md", "sub/c.txt.gz"]
    assert (out / "a.txt").read_text(encoding="utf-8") == CLEANED
    assert (out / "sub" / "b.md").read_text(encoding="utf-8") == CLEANED
    assert gzip.decompress((out / "sub" / "c.txt.gz").read_bytes()).decode() == CLEANED
    assert (out / "clean.txt").read_bytes() == (tree / "clean.txt").read_bytes()
    assert result.stdout == ""
    assert "skipped" in result.stderr and "documents changed" in result.stderr


def test_jsonl_cleans_the_field_and_keeps_every_other_field(tree, tmp_path):
    out = tmp_path / "out"
    run("clean", tree / "corpus.jsonl", "-o", f"{out}/")  # a folder: the trailing slash
    first, second = [json.loads(line) for line in (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    assert first == {"id": 1, "text": CLEANED, "score": 0.5}
    assert (out / "corpus.jsonl").read_text(encoding="utf-8").splitlines()[1] == json.dumps({"id": 2, "text": ARTICLE, "tags": ["x"]})
    assert second["tags"] == ["x"]


def test_jsonl_bad_line_is_reported_with_its_number_and_passed_through(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"text": DIRTY}) + "\n{not json\n" + json.dumps({"text": ARTICLE}) + "\n", encoding="utf-8")
    result = run("clean", corpus)
    assert result.exit_code == 2
    assert f"{corpus}:2: not valid JSON" in result.stderr
    assert result.stdout.splitlines()[1] == "{not json"
    assert len(result.stdout.splitlines()) == 3


def test_jsonl_read_in_spans_gives_what_reading_line_by_line_gives(tmp_path, monkeypatch):
    """Plain JSONL files are cut into spans the workers read; a stream (stdin) goes line by line.
    Tiny spans here, so lines, endings, bad records and line numbers cross many span ends."""
    monkeypatch.setattr("boilerstrip.jsonl.SPAN_BYTES", 50)
    lines = []
    for n in range(40):
        text = DIRTY if n % 3 == 0 else ARTICLE
        lines.append("{not json" if n % 7 == 3 else json.dumps({"id": n, "text": text}))
    raw = "\r\n".join(lines[:20]) + "\r\n" + "\n".join(lines[20:])  # mixed endings, no final one
    corpus = tmp_path / "c.jsonl"
    corpus.write_bytes(raw.encode())
    spans = run("clean", corpus, "-j", "1")
    stream = run("clean", "--input-format", "jsonl", "-j", "1", input=raw.encode())
    assert spans.stdout_bytes == stream.stdout_bytes
    assert spans.stdout_bytes.count(b"\n") == 39 and not spans.stdout_bytes.endswith(b"\n")
    numbers = [line.split(":")[1] for line in spans.stderr.splitlines()]
    assert numbers == [str(n + 1) for n in range(40) if n % 7 == 3]


def test_drop_empty_removes_records_left_without_text(tmp_path):
    corpus = tmp_path / "c.jsonl"
    only_boilerplate = "Newsletter\nVielen Dank! Wir haben Ihnen eine E-Mail geschickt.\n"
    corpus.write_text(json.dumps({"text": only_boilerplate}) + "\n" + json.dumps({"text": ARTICLE}) + "\n", encoding="utf-8")
    kept = run("clean", corpus, "--keep-empty").stdout.splitlines()
    dropped = run("clean", corpus, "--drop-empty").stdout.splitlines()
    assert [json.loads(line)["text"] for line in kept] == ["", ARTICLE]
    assert [json.loads(line)["text"] for line in dropped] == [ARTICLE]


def test_field_option_and_a_field_no_record_has(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps({"body": DIRTY, "text": "x"}) + "\n", encoding="utf-8")
    assert json.loads(run("clean", corpus, "--field", "body").stdout)["body"] == CLEANED
    missing = run("clean", corpus, "--field", "content")
    assert missing.exit_code == 2 and "no record has the field 'content'" in missing.stderr


def test_gzipped_jsonl_in_gives_gzipped_jsonl_out(tmp_path):
    corpus = tmp_path / "in" / "c.jsonl.gz"
    corpus.parent.mkdir()
    corpus.write_bytes(gzip.compress((json.dumps({"text": DIRTY}) + "\n").encode()))
    run("clean", corpus.parent, "-o", tmp_path / "out")
    assert json.loads(gzip.decompress((tmp_path / "out" / "c.jsonl.gz").read_bytes()))["text"] == CLEANED


def test_jsonl_from_stdin(tmp_path):
    result = run("clean", "--input-format", "jsonl", input=json.dumps({"text": DIRTY}) + "\n")
    assert json.loads(result.stdout)["text"] == CLEANED


def test_output_is_identical_for_any_number_of_jobs(tree, tmp_path):
    one = run("clean", tree, "-j", "1")
    two = run("clean", tree, "-j", "2")
    assert one.exit_code == two.exit_code == 0
    assert one.stdout == two.stdout and CLEANED in one.stdout
    run("clean", tree, "-o", tmp_path / "o1", "-j", "1")
    run("clean", tree, "-o", tmp_path / "o2", "-j", "2")
    for name in files_below(tmp_path / "o1"):
        assert (tmp_path / "o1" / name).read_bytes() == (tmp_path / "o2" / name).read_bytes()


def test_in_place_rewrites_changed_files_keeps_permissions_and_leaves_no_temporary_files(tree):
    target = tree / "a.txt"
    target.chmod(0o640)
    untouched = tree / "clean.txt"
    before = untouched.stat().st_mtime_ns
    os.utime(untouched, ns=(before - 10**9, before - 10**9))
    result = run("clean", tree, "--in-place", "-j", "2")
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == CLEANED
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert untouched.stat().st_mtime_ns == before - 10**9
    assert not [p for p in tree.rglob("*") if p.name.endswith(".tmp")]
    assert json.loads((tree / "corpus.jsonl").read_text(encoding="utf-8").splitlines()[0])["text"] == CLEANED


def test_include_and_exclude_globs(tree, tmp_path):
    out = tmp_path / "out"
    run("clean", tree, "-o", out, "--exclude", "sub", "--exclude", "*.jsonl")
    assert files_below(out) == ["a.txt", "clean.txt"]
    run("clean", tree, "-o", tmp_path / "md", "--include", "*.md")
    assert files_below(tmp_path / "md") == ["sub/b.md"]


def test_a_bad_file_is_reported_and_the_rest_is_cleaned(tree, tmp_path):
    (tree / "broken.txt").write_bytes("Grüße aus Köln. ".encode() * 10 + b"\xff")
    out = tmp_path / "out"
    result = run("clean", tree, tmp_path / "missing.txt", "-o", out)
    assert result.exit_code == 2
    assert f"{tree / 'broken.txt'}: not valid UTF-8" in result.stderr
    assert f"{tmp_path / 'missing.txt'}: no such file" in result.stderr
    assert (out / "a.txt").read_text(encoding="utf-8") == CLEANED
    assert not (out / "broken.txt").exists()


def test_quiet_silences_summary_and_counts(tree, tmp_path):
    result = run("clean", tree, "-o", tmp_path / "out", "--quiet")
    assert result.exit_code == 0 and result.stderr == "" and result.stdout == ""


def test_usage_errors(tree, tmp_path):
    assert run("clean", tree, "-o", tree / "cleaned").exit_code == 2
    assert "inside the input folder" in run("clean", tree, "-o", tree / "cleaned").stderr
    assert not (tree / "cleaned").exists()
    assert run("clean", tree, "-o", tmp_path / "o", "--in-place").exit_code == 2
    assert run("clean", tree, "--diff", "--in-place").exit_code == 2
    assert run("clean", "--in-place", input=DIRTY).exit_code == 2


PAGE = "<html><body><article><p>" + ARTICLE.strip() + "</p><p>" + ARTICLE.strip() + "</p></article></body></html>"


def test_html_is_left_alone_in_place_said_once_and_not_an_error(tmp_path):
    """In place, a page's extracted text would replace the page: the pages are skipped, one
    line says so for all of them, and the run still succeeds for the rest."""
    for name in ("one.html", "two.htm"):
        (tmp_path / name).write_text(PAGE, encoding="utf-8")
    (tmp_path / "a.txt").write_text(DIRTY, encoding="utf-8")
    result = run("clean", tmp_path, "--in-place", "-j", "1")
    assert result.exit_code == 0, result.output
    assert result.stderr.count("2 HTML file(s) left as they are") == 1 and "-o DIR" in result.stderr
    assert (tmp_path / "one.html").read_text(encoding="utf-8") == PAGE
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == CLEANED


def test_text_file_holding_html_is_not_replaced_by_its_extracted_text_in_place(tmp_path):
    page = tmp_path / "saved.txt"
    page.write_text(PAGE, encoding="utf-8")
    result = run("clean", page, "--in-place")
    assert result.exit_code == 0, result.output
    assert f"{page}: holds HTML, left as it is" in result.stderr
    assert page.read_text(encoding="utf-8") == PAGE


def test_text_file_holding_html_is_cleaned_as_text_when_asked(tmp_path):
    page = tmp_path / "saved.txt"
    page.write_text(PAGE + "\n" + DIRTY, encoding="utf-8")
    result = run("clean", page, "--in-place", "--input-format", "text")
    assert result.exit_code == 0, result.output
    assert page.read_text(encoding="utf-8") == PAGE + "\n" + CLEANED


def test_check_walks_folders_and_exits_1_on_findings(tree):
    result = run("check", tree, "-j", "2")
    assert result.exit_code == 1
    assert f"{tree / 'a.txt'}:" in result.stdout and f"{tree / 'corpus.jsonl'}:1:" in result.stdout
    assert f"{tree / 'clean.txt'}:" not in result.stdout
    assert run("check", tree / "clean.txt").exit_code == 0


class TestSettingsFiles:
    def test_pyproject_is_found_upward_and_applied(self, tree, tmp_path, monkeypatch):
        (tmp_path / "pyproject.toml").write_text('[tool.boilerstrip]\nselect = ["credit"]\nexclude = ["sub"]\n')
        monkeypatch.chdir(tree / "sub")
        result = run("check", tree)
        finding_words = (row.split(": ", 1)[1].split() for row in result.stdout.splitlines())
        rules = {next(word for word in words if not word.startswith("[")) for words in finding_words}  # a JSONL row names its field first
        assert rules and all(rule.startswith("credit.") for rule in rules)
        assert "b.md" not in result.stdout

    def test_command_line_flag_replaces_the_setting(self, tree, tmp_path, monkeypatch):
        (tmp_path / ".boilerstrip.toml").write_text('select = ["credit"]\n')
        monkeypatch.chdir(tmp_path)
        result = run("check", tree / "a.txt", "--select", "paywall")
        assert result.stdout and all(": paywall." in row for row in result.stdout.splitlines())

    def test_dedicated_file_wins_over_pyproject_in_the_same_folder(self, tree, tmp_path, monkeypatch):
        (tmp_path / "pyproject.toml").write_text('[tool.boilerstrip]\nselect = ["credit"]\n')
        (tmp_path / ".boilerstrip.toml").write_text('select = ["paywall"]\n')
        monkeypatch.chdir(tmp_path)
        assert all(": paywall." in row for row in run("check", tree / "a.txt").stdout.splitlines())

    def test_unknown_key_is_an_error_naming_it(self, tmp_path, monkeypatch):
        (tmp_path / ".boilerstrip.toml").write_text('selct = ["credit"]\n')
        monkeypatch.chdir(tmp_path)
        result = run("clean", input=ARTICLE)
        assert result.exit_code == 2 and "unknown key 'selct'" in result.stderr

    def test_rule_pack_path_is_relative_to_the_settings_file(self, tmp_path, monkeypatch):
        (tmp_path / "packs").mkdir()
        (tmp_path / "packs" / "mine.toml").write_text(
            '[[rule]]\nid = "ad.house-banner"\nkind = "line"\ndescription = "Our banner."\n'
            'patterns = ["Buy the house magazine"]\nexamples = ["Buy the house magazine"]\n'
        )
        (tmp_path / "pyproject.toml").write_text('[tool.boilerstrip]\nrules = ["packs/mine.toml"]\n')
        (tmp_path / "deep").mkdir()
        monkeypatch.chdir(tmp_path / "deep")
        assert run("clean", input=ARTICLE + "Buy the house magazine\n").stdout == ARTICLE
        assert run("clean", "--isolated", input=ARTICLE + "Buy the house magazine\n").stdout != ARTICLE

    def test_pyproject_without_our_table_is_passed_over(self, tmp_path, monkeypatch):
        (tmp_path / ".boilerstrip.toml").write_text('select = ["paywall"]\n')
        (tmp_path / "inner").mkdir()
        (tmp_path / "inner" / "pyproject.toml").write_text("[tool.black]\nline-length = 100\n")
        monkeypatch.chdir(tmp_path / "inner")
        result = run("check", "-", input=DIRTY)
        assert result.stdout and all(": paywall." in row for row in result.stdout.splitlines())


# --- output names are planned before anything is written ----------------------------------------


def test_two_inputs_with_one_output_name_are_refused_and_nothing_is_written(tmp_path):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.txt").write_text(DIRTY, encoding="utf-8")
    out = tmp_path / "out"
    result = run("clean", tmp_path / "a" / "x.txt", tmp_path / "b" / "x.txt", "-o", out)
    assert result.exit_code == 2
    assert f"{tmp_path / 'b' / 'x.txt'} and {tmp_path / 'a' / 'x.txt'} would both be written to {out / 'x.txt'}" in result.stderr
    assert not out.exists()


def test_a_page_and_a_text_of_the_same_stem_are_refused(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    (root / "page.html").write_text(PAGE, encoding="utf-8")
    (root / "page.txt").write_text(DIRTY, encoding="utf-8")
    result = run("clean", root, "-o", tmp_path / "out")
    assert result.exit_code == 2 and "would both be written to" in result.stderr and "page.txt" in result.stderr
    assert not (tmp_path / "out").exists()


def test_an_output_folder_holding_the_input_would_overwrite_it_and_is_refused(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(DIRTY, encoding="utf-8")
    result = run("clean", article, "-o", tmp_path)
    assert result.exit_code == 2 and "would overwrite the input" in result.stderr
    assert article.read_text(encoding="utf-8") == DIRTY


def test_the_progress_bar_counts_the_documents_of_jsonl_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr("boilerstrip.jsonl.SPAN_BYTES", 200)  # several chunks
    corpus = tmp_path / "c.jsonl"
    corpus.write_text((json.dumps({"text": DIRTY}) + "\n") * 10, encoding="utf-8")
    counted = []
    batch = Batch(RunOptions(), progress=lambda size, tally: counted.append(tally.documents), stdout=io.BytesIO(), stderr=lambda line: None)
    batch.run(plan([Source(str(corpus), corpus.name)], RunOptions()))
    assert len(counted) > 1 and sum(counted) == batch.tally.documents == 10


def test_the_summary_table_is_for_a_terminal_or_statistics(tree, tmp_path):
    quiet = run("clean", tree, "-o", tmp_path / "o1", "-j", "1")  # CliRunner's stderr is not a terminal
    assert quiet.exit_code == 0 and "documents changed" not in quiet.stderr
    asked = run("clean", tree, "-o", tmp_path / "o2", "-j", "1", "--statistics")
    assert "documents changed" in asked.stderr


def test_stdin_beside_files_is_cleaned_in_turn_with_two_jobs(tmp_path):
    """Stdin among other inputs is cleaned by the main process as it comes, in its turn: the output
    is that of one job, every document in the order named."""
    for name, text in {"a.txt": PROSE_A, "b.txt": PROSE_B}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    piped = "© AFP\nDieser Satz kommt von stdin und ist lang genug, um ein Absatz zu sein.\n"
    one = run("clean", tmp_path / "a.txt", "-", tmp_path / "b.txt", "-j", "1", input=piped)
    two = run("clean", tmp_path / "a.txt", "-", tmp_path / "b.txt", "-j", "2", input=piped)
    assert (two.exit_code, two.stdout) == (one.exit_code, one.stdout)
    assert one.stdout == "\n".join([PROSE_A.split("\n")[1], piped.split("\n")[1], PROSE_B.split("\n")[1], ""]), one.output


PROSE_A = "Foto: dpa\nDieser Satz steht in der ersten Datei und ist lang genug, um zu bleiben.\n"
PROSE_B = "Foto: Reuters\nDieser Satz steht in der zweiten Datei und ist ebenfalls lang genug.\n"
