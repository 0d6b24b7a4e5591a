"""Manners of a command-line tool, in real processes: a closed pipe ends the run quietly, the
same way each time, and Ctrl-C while waiting on stdin ends it at once."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from test_signals import handles, wait_until

BIN = Path(sys.executable).parent / "boilerstrip"
SEEDS = Path(__file__).parent.parent / "seeds"

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("command", ["clean", "check"])
def test_a_reader_that_goes_away_ends_the_run_quietly_every_time(tmp_path, command):
    article = tmp_path / "a.txt"
    paragraph = "A line of article text that every rule keeps, as it is long enough to be prose.\n"
    article.write_text(("Foto: dpa\n" + paragraph) * 100_000, encoding="utf-8")
    codes = set()
    for _ in range(3):
        process = subprocess.Popen([BIN, command, article, article], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        process.stdout.read(10)
        process.stdout.close()  # as `| head -c 10` does
        stderr = process.stderr.read()
        codes.add(process.wait())
        assert stderr == b""
    assert codes == {128 + signal.SIGPIPE}


def test_ctrl_c_while_waiting_on_stdin_exits_130_at_once():
    process = subprocess.Popen([BIN, "clean"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert wait_until(lambda: handles(process.pid, signal.SIGINT, signal.SIGHUP), 20)  # ours, not Python's own
    time.sleep(0.3)  # waiting for input that never comes
    process.send_signal(signal.SIGINT)
    sent = time.monotonic()
    process.communicate(timeout=10)
    assert time.monotonic() - sent < 1.0
    assert process.returncode == 130
