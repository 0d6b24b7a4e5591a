"""The pre-commit hooks, end to end: ``pre-commit try-repo`` against this checkout.

pre-commit builds the hook's virtualenv itself. It sees this interpreter's site-packages and
installs without an index, so the test runs offline with the dependencies already installed.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "zeit-ukraine-talks"

pytestmark = pytest.mark.integration


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@example.com", *args], cwd=repo, check=True, capture_output=True)


def try_repo(repo: Path, hook: str, home: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(home),
        "VIRTUALENV_SYSTEM_SITE_PACKAGES": "1",
        "PIP_NO_INDEX": "1",
        "PIP_NO_BUILD_ISOLATION": "0",  # pip reads this inverted: "0" turns isolation off
    }
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, "--all-files", "--color", "never"]
    return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_check_fails_on_boilerplate_then_clean_fixes_it_and_check_passes(tmp_path):
    repo = tmp_path / "corpus"
    repo.mkdir()
    article = repo / "article.txt"
    article.write_bytes(SEED.with_suffix(".txt").read_bytes())
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "scraped")
    home = tmp_path / "pre-commit-home"

    check = try_repo(repo, "boilerstrip-check", home)
    assert check.returncode == 1, check.stdout + check.stderr
    assert "article.txt:8: credit.copyright-line" in check.stdout

    fix = try_repo(repo, "boilerstrip-clean", home)
    assert fix.returncode == 1, fix.stdout + fix.stderr
    assert "files were modified by this hook" in fix.stdout
    assert article.read_bytes() == SEED.with_suffix(".expected.txt").read_bytes()

    git(repo, "commit", "-q", "-am", "cleaned")
    again = try_repo(repo, "boilerstrip-check", home)
    assert again.returncode == 0, again.stdout + again.stderr
