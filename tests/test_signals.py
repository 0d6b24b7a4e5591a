"""Processes and signals: a FIFO never hangs a run, SIGINT/SIGTERM/SIGHUP stop any run within a
second leaving no temporary file and no worker, workers outlive no main process, and a worker
killed by the system fails only the units it had in flight."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

SEEDS = Path(__file__).parent.parent / "seeds"
DIRTY = (SEEDS / "zeit-ukraine-talks.txt").read_text(encoding="utf-8")
CLEANED = (SEEDS / "zeit-ukraine-talks.expected.txt").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent / "boilerstrip"

pytestmark = pytest.mark.integration


def start(*args, env=None):
    """The CLI in a session of its own, so its workers can be found (and none may survive it)."""
    return subprocess.Popen([BIN, *map(str, args)], stderr=subprocess.PIPE, text=True, start_new_session=True, env=env)


def session_processes(session: int) -> list[int]:
    """Processes still alive in ``session`` (zombies, already dead, do not count)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == session and fields[0] != "Z":
                alive.append(int(entry.name))
    return alive


def handles(pid: int, *numbers: int) -> bool:
    """Whether ``pid`` has handlers for these signals yet (its ``SigCgt`` mask), i.e. is running."""
    status = Path(f"/proc/{pid}/status").read_text()
    caught = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), 16)
    return all(caught >> (number - 1) & 1 for number in numbers)


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_a_fifo_in_a_folder_is_left_alone_with_a_message(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(DIRTY, encoding="utf-8")
    os.mkfifo(tmp_path / "in" / "pipe.txt")
    process = start("clean", tmp_path / "in", "-o", tmp_path / "out", "-q")
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert f"{tmp_path / 'in' / 'pipe.txt'}: a FIFO, not a regular file; left alone" in stderr
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == CLEANED
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.txt"]


@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_signal_stops_a_run_blocked_on_fifos_within_a_second(tmp_path, signal_number, jobs):
    """Named FIFOs are read, as cat reads them; nobody writes to these, so the run blocks."""
    fifos = [tmp_path / "one.txt", tmp_path / "two.txt"]
    for fifo in fifos:
        os.mkfifo(fifo)
    process = start("clean", *fifos, "-o", tmp_path / "out", "-j", jobs)
    assert wait_until(lambda: handles(process.pid, signal.SIGINT, signal.SIGTERM, signal.SIGHUP), 20)
    time.sleep(0.3)  # blocked on the FIFOs
    assert process.poll() is None
    process.send_signal(signal_number)
    sent = time.monotonic()
    process.communicate(timeout=30)
    assert time.monotonic() - sent < 1.5
    assert process.returncode == 128 + signal_number
    assert wait_until(lambda: not session_processes(process.pid), 1.0), "a worker outlived the run"
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]


def test_workers_of_a_killed_main_process_exit_by_themselves(tmp_path):
    fifos = [tmp_path / "one.txt", tmp_path / "two.txt"]
    for fifo in fifos:
        os.mkfifo(fifo)
    process = start("clean", *fifos, "-o", tmp_path / "out", "-j", "2")
    assert wait_until(lambda: len(session_processes(process.pid)) >= 3, 20), "the workers are running"
    time.sleep(0.5)
    process.kill()
    process.wait()
    assert wait_until(lambda: not session_processes(process.pid), 2.5), "orphaned workers are still running"


POISON = """
    import os, signal
    import boilerstrip.jobs as jobs

    clean_file = jobs.clean_file

    def killed_on_poison(unit, options):
        if "poison" in unit.name:
            os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
        return clean_file(unit, options)

    jobs.clean_file = killed_on_poison
"""


def test_a_worker_killed_by_the_system_fails_the_units_in_flight_and_the_rest_is_done(tmp_path):
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(textwrap.dedent(POISON))
    folder = tmp_path / "in"
    folder.mkdir()
    names = [f"{n:03d}.txt" for n in range(200)]
    names[10] = "010-poison.txt"
    for name in names:
        (folder / name).write_text(DIRTY, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(hook)}
    process = start("clean", folder, "-o", tmp_path / "out", "-j", "2", "-q", env=env)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2, stderr
    lines = stderr.splitlines()
    assert "Traceback" not in stderr
    assert f"{folder / '010-poison.txt'}: the worker process cleaning it died" in stderr
    assert all(": the worker process cleaning it died" in line for line in lines), lines
    failed = {Path(line.split(": the worker")[0]).name for line in lines}
    written = {p.name for p in (tmp_path / "out").iterdir()}
    assert written | failed == set(names), "every input is cleaned or named as failed"
    assert failed == {"010-poison.txt"}, "only the document that kills its worker fails"
    assert all((tmp_path / "out" / name).read_text(encoding="utf-8") == CLEANED for name in written)
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]
