"""The pre-commit hooks, end to end: ``pre-commit try-repo`` against this checkout.

pre-commit builds the hook's virtualenv itself, isolated from this interpreter's packages, and
pip installs the checkout into it with its dependencies from the package index, as it would for
a user. Without a reachable index the test is skipped.
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


def index_unreachable(tmp: Path) -> str | None:
    """Why pip cannot fetch packages here (a short timeout, no retries), or None when it can."""
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-cache-dir", "--timeout", "10", "--retries", "0"]
    command += ["--dest", str(tmp), "click"]
    try:
        probe = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return "pip download took over 60 s"
    if probe.returncode == 0:
        return None
    lines = (probe.stderr or probe.stdout).strip().splitlines()
    return lines[-1] if lines else f"pip download exited {probe.returncode}"


def try_repo(repo: Path, hook: str, home: Path) -> subprocess.CompletedProcess:
    # The hook's environment gets nothing from this machine: no system site-packages, an index.
    inherited = {k: v for k, v in os.environ.items() if k not in {"VIRTUALENV_SYSTEM_SITE_PACKAGES", "PIP_NO_INDEX"}}
    env = {**inherited, "PRE_COMMIT_HOME": str(home)}
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), hook, "--all-files", "--color", "never"]
    return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git")
def test_check_fails_on_boilerplate_then_clean_fixes_it_and_check_passes(tmp_path):
    if reason := index_unreachable(tmp_path / "probe"):
        pytest.skip(f"the hook installs from the package index, which pip cannot reach: {reason}")
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
