"""The command line, through click's CliRunner and, where a real process matters, a subprocess."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from boilerstrip import __version__
from boilerstrip.cli import cli

SEED = Path(__file__).parent.parent / "seeds" / "zeit-ukraine-talks.txt"
CLEAN_TEXT = "A perfectly ordinary paragraph of article text, long enough to count as running prose here.\n"


def run(*args, input=None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input)


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and __version__ in result.output


def test_diff_shows_removed_lines_and_changes_nothing(tmp_path):
    copy = tmp_path / "a.txt"
    copy.write_bytes(SEED.read_bytes())
    result = run("clean", "--diff", copy)
    assert result.exit_code == 0
    assert "-© Lea Dohle" in result.output
    assert "+++" in result.output and "---" in result.output
    assert copy.read_bytes() == SEED.read_bytes()


def test_diff_of_clean_text_is_empty():
    assert run("clean", "--diff", "-", input=CLEAN_TEXT).output == ""


def test_check_text_format_and_exit_code():
    result = run("check", SEED)
    assert result.exit_code == 1
    assert f"{SEED}:8: credit.copyright-line © Lea Dohle" in result.output.splitlines()


def test_check_clean_input_exits_0():
    result = run("check", "-", input=CLEAN_TEXT)
    assert result.exit_code == 0 and result.output == ""


def test_check_json_format():
    result = run("check", "--format", "json", SEED)
    records = json.loads(result.output)
    assert result.exit_code == 1
    assert records[0]["rule"] == "credit.copyright-line"
    assert records[0]["line"] == 8 and records[0]["path"] == str(SEED)
    assert {"category", "text", "context", "end_line"} <= set(records[0])


def test_check_github_format():
    result = run("check", "--format", "github", SEED)
    assert result.output.startswith(f"::warning file={SEED},line=8,endLine=8,title=credit.copyright-line::")


def test_select_and_ignore_by_id_and_category():
    only_credit = run("check", "--select", "credit", SEED).output
    assert "credit.copyright-line" in only_credit and "paywall" not in only_credit
    no_credit = run("check", "--ignore", "credit.copyright-line", SEED).output
    assert "credit.copyright-line" not in no_credit and "paywall.label" in no_credit


def test_unknown_selector_is_a_usage_error():
    result = run("check", "--select", "nosuch", SEED)
    assert result.exit_code == 2 and "unknown rule or category 'nosuch'" in result.output


def test_lang_restricts_packs():
    german = run("rules", "--lang", "de").output
    assert "newsletter.confirmation" in german and "newsletter.signup-en" not in german
    assert "credit.copyright-line" in german  # common rules apply to every language


def test_rules_table_lists_ids_and_descriptions():
    result = run("rules")
    assert result.exit_code == 0
    assert "related.heading" in result.output and "description" in result.output


def test_explain_marks_removals_without_colour_codes_when_piped():
    result = run("explain", SEED)
    assert result.exit_code == 0
    assert "\x1b[" not in result.output
    assert "- © Lea Dohle  [credit.copyright-line]" in result.output
    assert "  Russland hofft auf Aufhebung der Sanktionen" in result.output


def test_missing_file_is_reported_and_others_still_cleaned(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(CLEAN_TEXT, encoding="utf-8")
    result = run("clean", tmp_path / "missing.txt", good)
    assert result.exit_code == 2
    assert f"{tmp_path / 'missing.txt'}: no such file" in result.stderr
    assert result.stdout == CLEAN_TEXT


def test_invalid_utf8_is_one_line_error(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes("Grüße aus Köln\n".encode() + b"\xff\xfa\n")  # damaged UTF-8, not a legacy encoding
    result = run("check", bad)
    assert result.exit_code == 2
    assert result.stderr.strip().startswith(f"{bad}: not valid UTF-8")
    assert len(result.stderr.strip().splitlines()) == 1


def test_crlf_survives_the_cli():
    text = CLEAN_TEXT.replace("\n", "\r\n") + "Anzeige\r\n" + CLEAN_TEXT.replace("\n", "\r\n")
    result = run("clean", "-", input=text.encode())
    assert result.stdout_bytes == (CLEAN_TEXT * 2).replace("\n", "\r\n").encode()


def test_head_closing_the_pipe_is_quiet(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text(CLEAN_TEXT * 200_000, encoding="utf-8")
    command = f"{sys.executable} -m boilerstrip clean {big} | head -1"
    completed = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=120)
    assert completed.stdout == CLEAN_TEXT
    assert "Traceback" not in completed.stderr and "Error" not in completed.stderr


@pytest.mark.parametrize("argv", [["--help"], ["rules"], ["clean", "-"]])
def test_start_up_does_not_import_html_stack(argv):
    code = (
        "import sys, io\n"
        "sys.stdin = io.TextIOWrapper(io.BytesIO(b'Text.\\n'))\n"
        "from boilerstrip.cli import cli\n"
        f"try:\n    cli({argv!r})\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('trafilatura', 'lxml') if m in sys.modules]\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "HEAVY []" in completed.stderr


# --- selection and check flags, as ruff has them ---------------------------------------------


def rules_in_findings(result) -> set[str]:
    return {line.split(": ", 1)[1].split()[0] for line in result.stdout.splitlines() if ": " in line}


def test_extend_select_and_extend_ignore_add_to_what_is_in_effect(tmp_path):
    (tmp_path / ".boilerstrip.toml").write_text('select = ["credit"]\nignore = ["paywall"]\n', encoding="utf-8")
    config = ["--config", str(tmp_path / ".boilerstrip.toml")]
    assert rules_in_findings(run("check", SEED, *config)) == {"credit.copyright-line"}
    extended = rules_in_findings(run("check", SEED, *config, "--extend-select", "paywall,newsletter"))
    assert extended == {"credit.copyright-line", "newsletter.heading", "newsletter.confirmation"}, "paywall is still ignored"
    assert rules_in_findings(run("check", SEED, *config, "--select", "paywall", "--ignore", "credit")) == {"paywall.label"}
    assert rules_in_findings(run("check", SEED, *config, "--extend-ignore", "credit")) == set()


def test_rules_packs_on_the_command_line_add_to_the_settings_files(tmp_path):
    pack = '[[rule]]\nid = "ad.{name}"\nkind = "line"\ndescription = "d"\n'
    pack += '[rule.patterns]\nen = ["{line}"]\n[rule.examples]\nen = ["{line}"]\n'
    (tmp_path / "one.toml").write_text(pack.format(name="one", line="First house advert"), encoding="utf-8")
    (tmp_path / "two.toml").write_text(pack.format(name="two", line="Second house advert"), encoding="utf-8")
    (tmp_path / ".boilerstrip.toml").write_text('rules = ["one.toml"]\n', encoding="utf-8")
    text = CLEAN_TEXT + "First house advert\n" + CLEAN_TEXT + "Second house advert\n"
    result = run("check", "-", "--config", tmp_path / ".boilerstrip.toml", "--rules", tmp_path / "two.toml", input=text)
    assert {"ad.one", "ad.two"} <= rules_in_findings(result)


def test_an_unknown_language_is_refused_with_the_known_ones():
    result = run("check", SEED, "--lang", "de,xx")
    assert result.exit_code == 2
    assert "unknown language 'xx' (known: ar, " in result.output
    assert ", de, en, " in result.output


def test_check_statistics_counts_findings_per_rule_and_exit_zero_keeps_exit_0():
    result = run("check", SEED, "--statistics")
    assert result.exit_code == 1
    rows = result.stdout.splitlines()
    assert rows[0].split() == ["5", "related.heading"] and ["3", "paywall.label"] in [row.split() for row in rows]
    assert not any(":" in row for row in rows), "no findings, only counts"
    assert run("check", SEED, "--exit-zero").exit_code == 0
    assert run("check", "--exit-zero", "-", input=b"\xff\x00").exit_code == 2, "errors still exit 2"


def test_one_input_and_o_file_writes_that_file_and_a_trailing_slash_a_folder(tmp_path):
    article = tmp_path / "a.txt"
    article.write_bytes(SEED.read_bytes())
    assert run("clean", article, "-o", tmp_path / "clean.txt", "-q").exit_code == 0
    assert (tmp_path / "clean.txt").is_file()
    assert run("clean", article, "-o", f"{tmp_path / 'out'}/", "-q").exit_code == 0
    assert (tmp_path / "out" / "a.txt").read_bytes() == (tmp_path / "clean.txt").read_bytes()
    refused = run("clean", article, "-o", article)
    assert refused.exit_code == 2 and "would overwrite the input" in refused.output
    assert article.read_bytes() == SEED.read_bytes()


def test_clean_check_changes_nothing_and_exits_1_when_something_would_go(tmp_path):
    article = tmp_path / "a.txt"
    article.write_bytes(SEED.read_bytes())
    result = run("clean", "--check", article)
    assert result.exit_code == 1 and result.stdout == ""
    assert "1 of 1 document(s) would be cleaned" in result.stderr
    assert article.read_bytes() == SEED.read_bytes()
    assert run("clean", "--check", "-", input=CLEAN_TEXT).exit_code == 0


def test_jsonl_on_stdin_is_cleaned_as_records_and_checked_with_record_locations():
    record = {"id": 7, "text": CLEAN_TEXT + "Foto: dpa\n", "title": "Foto: dpa"}
    cleaned = run("clean", input=json.dumps(record) + "\n")
    assert cleaned.exit_code == 0
    assert json.loads(cleaned.stdout) == {**record, "text": CLEAN_TEXT}, "only the text field is cleaned"
    checked = run("check", input=json.dumps(record) + "\n")
    assert checked.stdout.splitlines() == ["-:1:2: [text] credit.photo-label Foto: dpa"]


def test_jsonl_findings_name_record_field_and_line_in_every_format(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    records = [{"body": CLEAN_TEXT}, {"body": CLEAN_TEXT + "Foto: dpa\n"}]
    corpus.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    line = CLEAN_TEXT.count("\n") + 1
    text = run("check", "--field", "body", str(corpus))
    assert text.stdout.splitlines() == [f"{corpus}:2:{line}: [body] credit.photo-label Foto: dpa"]
    (finding,) = json.loads(run("check", "--field", "body", "--format", "json", str(corpus)).stdout)
    assert (finding["path"], finding["record"], finding["field"], finding["line"]) == (str(corpus), 2, "body", line)
    github = run("check", "--field", "body", "--format", "github", str(corpus)).stdout
    assert github.startswith(f"::warning file={str(corpus).replace(':', '%3A')},line=2,title=credit.photo-label::[body line {line}] ")


def test_stdin_filename_gives_stdin_its_kind_and_its_name_in_messages():
    text = CLEAN_TEXT + "Foto: dpa\n"
    assert run("check", "--stdin-filename", "notes/a.txt", input=text).stdout.splitlines() == [
        "notes/a.txt:2: credit.photo-label Foto: dpa"
    ]
    line = json.dumps({"text": text}) + "\n"
    named = run("check", "--stdin-filename", "corpus.jsonl", input=line)
    assert named.stdout.splitlines() == ["corpus.jsonl:1:2: [text] credit.photo-label Foto: dpa"]
    as_text = run("check", "--stdin-filename", "corpus.txt", input=line)
    assert (as_text.exit_code, as_text.stdout) == (0, ""), "the name decides: as text, the record is one line, no credit"


def test_rules_id_shows_one_rule_in_full_and_json_lists_them_as_data():
    detail = run("rules", "credit.photo-label")
    assert detail.exit_code == 0
    for part in ("credit.photo-label", "patterns (", "examples (", "counterexamples (", "Foto: dpa"):
        assert part in detail.output
    listed = json.loads(run("rules", "--format", "json", "--select", "credit").output)
    assert {rule["category"] for rule in listed} == {"credit"}
    one = json.loads(run("rules", "credit.photo-label", "--format", "json").output)
    assert [rule["id"] for rule in one] == ["credit.photo-label"] and one[0]["examples"] and one[0]["patterns"][0]["regex"]
    unknown = run("rules", "no.such-rule")
    assert unknown.exit_code == 2 and "no enabled rule 'no.such-rule'" in unknown.output


def test_explain_writes_plain_lines_when_not_on_a_terminal(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(CLEAN_TEXT + "Foto: dpa\n" + CLEAN_TEXT, encoding="utf-8")
    result = run("explain", article)
    assert result.exit_code == 0
    assert result.output == f"{article}: 1 removal(s)\n  {CLEAN_TEXT}- Foto: dpa  [credit.photo-label]\n  {CLEAN_TEXT}"


def test_color_always_and_never_override_the_environment(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text(CLEAN_TEXT + "Foto: dpa\n", encoding="utf-8")

    def explained(*flags, **env):
        """The variables are set for the run and put back after it (CliRunner's ``env``)."""
        return CliRunner().invoke(cli, [*flags, "explain", str(article)], env={"NO_COLOR": None, "FORCE_COLOR": None, **env}).output

    assert "\x1b[" not in explained(NO_COLOR="1")
    assert "\x1b[" in explained("--color", "always", NO_COLOR="1")
    assert "\x1b[" not in explained("--color", "never", FORCE_COLOR="1")


def test_every_run_setting_has_a_config_key_and_config_shows_where_each_came_from(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(json.dumps({"body": CLEAN_TEXT + "Foto: dpa\n", "text": "untouched"}) + "\n", encoding="utf-8")
    settings_file = tmp_path / ".boilerstrip.toml"
    settings_file.write_text('field = "body"\nformat = "json"\njobs = 1\nselect = ["credit"]\n', encoding="utf-8")
    result = run("check", corpus, "--config", settings_file)
    assert result.exit_code == 1
    (finding,) = json.loads(result.stdout)
    where = (finding["path"], finding["record"], finding["field"], finding["rule"])
    assert where == (str(corpus), 1, "body", "credit.photo-label"), "field and format from the file"
    assert json.loads(run("check", corpus, "--config", settings_file, "--format", "json", "--field", "text").stdout) == []
    shown = run("config", "--config", settings_file, "--lang", "de").stdout.splitlines()
    assert f'field = "body"  # {settings_file}' in shown
    assert 'lang = ["de"]  # command line' in shown
    assert 'input-format = "auto"  # default' in shown


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('jobs = "two"', "key 'jobs' must be a whole number"),
        ('format = "xml"', "key 'format' must be one of"),
        ("field = 3", "key 'field'"),
    ],
)
def test_a_config_value_of_the_wrong_type_is_one_line_naming_the_key(tmp_path, line, message):
    settings_file = tmp_path / ".boilerstrip.toml"
    settings_file.write_text(line + "\n", encoding="utf-8")
    result = run("check", SEED, "--config", settings_file)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_a_finding_never_points_at_a_blank_line():
    text = CLEAN_TEXT + "\n\nKommentare\n\nsome comment text\n"
    rows = run("check", "-", input=text).stdout.splitlines()
    assert rows == ["-:4: comments.section Kommentare", "-:6: comments.section (context) some comment text"]
    lines = text.splitlines()
    assert all(lines[int(row.split(":")[1]) - 1].strip() for row in rows)


def test_clean_format_json_gives_each_document_with_its_removals():
    result = run("clean", "--format", "json", "-", input=CLEAN_TEXT + "Foto: dpa\n")
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    assert (record["path"], record["changed"], record["text"]) == ("-", True, CLEAN_TEXT)
    assert [(r["line"], r["rule"], r["text"]) for r in record["removals"]] == [(2, "credit.photo-label", "Foto: dpa\n")]
    assert run("clean", "--format", "json", "--in-place", SEED).exit_code == 2


def test_explain_on_jsonl_shows_each_record_that_loses_something_by_its_number(tmp_path):
    corpus = tmp_path / "c.jsonl"
    records = [{"text": CLEAN_TEXT}, {"body": "x"}, {"text": CLEAN_TEXT + "Foto: dpa\n"}]
    corpus.write_text("".join(json.dumps(record) + "\n" for record in records) + "{not json\n", encoding="utf-8")
    result = run("explain", corpus)
    assert result.exit_code == 2, "the bad line counts"
    assert result.stdout == f"{corpus}:3 (field 'text'): 1 removal(s)\n  {CLEAN_TEXT}- Foto: dpa  [credit.photo-label]\n"
    assert f"{corpus}:4: not valid JSON" in result.stderr


def test_stdin_filename_also_chooses_the_settings_file_found_from_its_folder(tmp_path):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / ".boilerstrip.toml").write_text('ignore = ["credit"]\n', encoding="utf-8")
    text = CLEAN_TEXT + "Foto: dpa\n"
    assert run("check", "--stdin-filename", tmp_path / "site" / "a.txt", input=text).exit_code == 0
    assert run("check", "--stdin-filename", tmp_path / "a.txt", input=text).exit_code == 1


def test_the_readme_lists_the_shipped_rules_as_the_packs_have_them():
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    listed = readme.split("<!-- rules:start -->\n", 1)[1].split("<!-- rules:end -->", 1)[0]
    assert listed == run("rules", "--format", "markdown", "--isolated").output, "regenerate: boilerstrip rules --format markdown"
