"""Each input takes the settings file nearest to it, as ruff and black find theirs; and -q/-v
mean the same on every command."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from boilerstrip.cli import cli

TEXT = "Ein langer Absatz eines Artikels, der lang genug ist, um als Text zu gelten, ganz sicher.\nFoto: dpa\n© Lea Dohle\n"


def run(*args, input=None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input)


@pytest.fixture
def two_projects(tmp_path, monkeypatch):
    """``a`` ignores credits in its pyproject, ``b`` selects only copyright lines in its own
    file, ``c`` has none (and the working directory none either)."""
    for name in "abc":
        (tmp_path / name).mkdir()
        (tmp_path / name / "x.txt").write_text(TEXT, encoding="utf-8")
        (tmp_path / name / "r.jsonl").write_text(json.dumps({"text": TEXT}) + "\n", encoding="utf-8")
    (tmp_path / "a" / "pyproject.toml").write_text('[tool.boilerstrip]\nignore = ["credit"]\n', encoding="utf-8")
    (tmp_path / "b" / ".boilerstrip.toml").write_text('select = ["credit.copyright-line"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def rules_by_file(stdout: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for row in stdout.splitlines():
        where, finding = row.split(": ", 1)
        words = finding.split()
        rule = words[1] if words[0].startswith("[") else words[0]  # JSONL rows name the field first
        found.setdefault(where.split(":")[0], set()).add(rule)
    return found


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_folders_under_different_settings_files_each_get_their_own_rules_in_one_run(two_projects, jobs):
    result = run("check", "a", "b", "c", "-j", jobs)
    assert result.exit_code == 1
    assert rules_by_file(result.stdout) == {
        "b/x.txt": {"credit.copyright-line"},
        "b/r.jsonl": {"credit.copyright-line"},
        "c/x.txt": {"credit.photo-label", "credit.copyright-line"},
        "c/r.jsonl": {"credit.photo-label", "credit.copyright-line"},
    }, "a ignores credits; b selects one; c takes every rule"


def test_clean_writes_each_folder_as_its_settings_say(two_projects):
    out = two_projects.parent / f"{two_projects.name}-out"  # the tree mirrored, outside it
    result = run("clean", ".", "-o", out, "-q")
    assert result.exit_code == 0, result.output
    assert (out / "a/x.txt").read_text(encoding="utf-8") == TEXT
    assert "Foto: dpa" in (out / "b/x.txt").read_text(encoding="utf-8")
    assert "Lea Dohle" not in (out / "b/x.txt").read_text(encoding="utf-8")
    assert (out / "c/x.txt").read_text(encoding="utf-8") == TEXT.split("Foto")[0]
    assert json.loads((out / "b/r.jsonl").read_text(encoding="utf-8"))["text"] == TEXT.replace("© Lea Dohle\n", "")


def test_the_command_line_still_extends_and_overrides_each_file(two_projects):
    extended = rules_by_file(run("check", "a", "b", "--extend-ignore", "credit.copyright-line").stdout)
    assert extended == {}, "a ignores credits anyway; b's one rule is ignored on top"
    selected = rules_by_file(run("check", "a", "b", "--select", "credit.photo-label").stdout)
    assert selected == {"b/x.txt": {"credit.photo-label"}, "b/r.jsonl": {"credit.photo-label"}}, (
        "--select replaces each file's select, as ruff's does; a's ignore still applies"
    )


def test_config_and_isolated_override_discovery(two_projects):
    (two_projects / "all.toml").write_text('select = ["credit.photo-label"]\n', encoding="utf-8")
    one = rules_by_file(run("check", "a", "b", "--config", "all.toml").stdout)
    assert set(one) == {"a/x.txt", "a/r.jsonl", "b/x.txt", "b/r.jsonl"} and all(r == {"credit.photo-label"} for r in one.values())
    none = rules_by_file(run("check", "a", "b", "--isolated").stdout)
    assert all(r == {"credit.photo-label", "credit.copyright-line"} for r in none.values()) and len(none) == 4


def test_a_bad_settings_file_below_is_one_line_and_nothing_is_written(two_projects):
    (two_projects / "c" / ".boilerstrip.toml").write_text("jobs = 0\n", encoding="utf-8")
    out = two_projects.parent / f"{two_projects.name}-out"
    result = run("clean", ".", "-o", out)
    assert result.exit_code == 2 and "key 'jobs'" in result.stderr and "Traceback" not in result.output
    assert not out.exists()


def test_config_path_shows_the_settings_for_that_path_and_their_source(two_projects):
    shown = run("config", "a/x.txt").stdout.splitlines()
    source = two_projects / "a" / "pyproject.toml"
    assert shown[0] == f"# settings file: {source}"
    assert f'ignore = ["credit"]  # {source}' in shown
    assert run("config", "c").stdout.splitlines()[0] == "# settings file: none"
    assert 'select = ["credit.copyright-line"]  # ' in run("config", "b").stdout


def test_verbose_says_each_inputs_settings_what_was_passed_over_and_the_time(two_projects):
    (two_projects / "a" / "photo.png").write_bytes(b"\x89PNG")
    result = run("check", "a", "c", "-v", "-j", "1")
    assert f"a/x.txt: settings {two_projects / 'a' / 'pyproject.toml'}" in result.stderr
    assert "c/x.txt: settings default (no settings file)" in result.stderr
    assert "a/photo.png: passed over" in result.stderr
    assert "document(s) in" in result.stderr and " s\n" in result.stderr


@pytest.mark.parametrize("command", ["clean", "check"])
def test_quiet_leaves_errors_only_on_stderr(two_projects, command):
    (two_projects / "c" / "bad.txt").write_bytes(b"\x00\x01binary")
    writes = ["-o", two_projects.parent / f"{two_projects.name}-out", "--statistics"] if command == "clean" else []
    result = run(command, ".", "-q", *writes)
    lines = result.stderr.splitlines()
    assert result.exit_code == 2 and lines and all("bad.txt" in line for line in lines), lines


def test_quiet_and_verbose_on_explain_and_learn(two_projects):
    quiet = run("explain", "c/x.txt", "-q")
    assert quiet.exit_code == 0 and quiet.stderr == "" and "Foto: dpa" in quiet.stdout
    verbose = run("explain", "a/x.txt", "-v")
    assert f"settings {two_projects / 'a' / 'pyproject.toml'}" in verbose.stderr and "explained in" in verbose.stderr
    assert "credit" not in verbose.stdout, "explain takes the file's own settings"
    for site in ("s1", "s2"):
        (two_projects / "site" / site).mkdir(parents=True)
    for number in range(3):
        page = f"Artikel {number} hat viel Text.\nTeilen auf Mastodon\n"
        (two_projects / "site" / "s1" / f"{number}.txt").write_text(page, encoding="utf-8")
    assert run("learn", "site", "-o", "p.toml", "-q").stderr == ""
    learned = run("learn", "site", "-o", "p.toml", "-v").stderr
    assert "line(s) learned" in learned and "learned in" in learned
