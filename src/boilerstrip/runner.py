"""Running many units: an ordered process pool, bundles and chunks, signals, outputs in order.

Workers clean units and write text files themselves; the main process writes stdout and JSONL
outputs in the order the units were sent, so the output is the same for any ``--jobs``. At most
a few units per worker are in flight, which keeps memory flat on corpora of any size.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import shutil
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO

from .files import (
    AtomicFile,
    NotReplaceable,
    PlanError,
    Source,
    Walk,
    check_outputs,
    file_size,
    in_place_target,
    is_gzip_name,
    nested_output,
    output_name,
    replaceable,
)
from .index import compile_rules
from .jobs import ChunkUnit, Done, FileUnit, Unit, process
from .jsonl import plan_chunks, read_chunks
from .options import Action, OutputFormat, RuleSelection, RunOptions
from .report import FindingsJson, Tally
from .sources import GZIP_MAGIC, STDIN, InputError, Kind, kind_of, open_input, stdin, stdin_head

if TYPE_CHECKING:
    from concurrent.futures import Future

UNITS_PER_WORKER = 4
BUNDLE_FILES = 32
BUNDLE_BYTES = 1 << 20
"""Small files travel to workers in bundles: a trip to a worker costs a fraction of a millisecond
in the main process, which would otherwise compete with the workers for the cores."""


class Interrupted(BaseException):
    """SIGINT, SIGTERM or SIGHUP reached the main process. A ``BaseException``, as
    ``KeyboardInterrupt`` is: nothing that handles a document's errors may swallow it."""

    def __init__(self, signal_number: int):
        super().__init__(signal.Signals(signal_number).name)
        self.signal_number = signal_number
        self.done = self.total = 0
        """Files finished and files planned, when the run knows them."""

    @property
    def message(self) -> str:
        return f"boilerstrip: interrupted ({self}): {self.done} of {self.total} file(s) done, the others left as they were"


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class OutputError(Exception):
    """Standard output cannot be written (a full device, a closed file): nothing more can be."""


@contextmanager
def _standard_output() -> Iterator[None]:
    """A failed write to stdout as ``OutputError``: the run cannot go on without it."""
    try:
        yield
    except BrokenPipeError:
        raise  # the reader went away (``| head``): not an error, see cli.main
    except OSError as error:
        raise OutputError(f"cannot write to standard output ({error.strerror or error})") from None


_stopping = threading.Event()
"""In a worker: the main process asked it to stop (SIGTERM); it finishes the file in hand."""


def _start_worker(options: RunOptions) -> None:
    """Ctrl-C and hang-ups are the main process's to handle. SIGTERM from it asks a worker to
    stop after the file in hand; a second one stops it at once (``SystemExit``, so a temporary
    file being written is removed). A worker whose main process has died stops by itself. The
    rules are compiled before the first unit arrives."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_terminate)
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    compile_rules(options.rules)


def _on_terminate(_number: int, _frame: object) -> None:
    if _stopping.is_set():
        raise SystemExit(128 + signal.SIGTERM)
    _stopping.set()


def _watch_parent(parent: int) -> None:
    """Orphaned (the main process was killed outright): stop as if told to, then exit."""
    while os.getppid() == parent:
        time.sleep(ORPHAN_POLL)
    for _ in range(2):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(ORPHAN_POLL)
    os._exit(128 + signal.SIGTERM)


ORPHAN_POLL = 0.5
STOP_GRACE = 0.5
"""Seconds a stopped run waits for the files in hand: then workers are stopped at once."""


def _work(unit: Unit, options: RunOptions) -> list[Done]:
    """What a worker runs: ``process``, stopping between files when asked to."""
    return process(unit, options, stopping=_stopping.is_set)


class Pipeline:
    """Runs units on worker processes and hands their results back in the order they were sent.

    A worker that dies (the system's out-of-memory killer, a crash) takes its pool with it: the
    units then in flight are tried again, one document at a time, in new workers, and only the
    document that kills its worker again fails, with one line.
    """

    def __init__(self, options: RunOptions, jobs: int):
        self.options = options
        self.jobs = jobs
        self.pending: deque[tuple[Future | None, Callable, Unit | None, object]] = deque()
        """Units in flight: the future, what takes its results, the unit and the pool running it."""
        self.window = max(1, jobs) * UNITS_PER_WORKER
        self.pool = self._new_pool() if jobs > 1 else None

    def _new_pool(self):
        from concurrent.futures import ProcessPoolExecutor  # only parallel runs pay for it

        return ProcessPoolExecutor(self.jobs, initializer=_start_worker, initargs=(self.options,))

    def _replace(self, broken) -> None:
        """A new pool for the one a dead worker broke (once, however many units failed with it)."""
        if broken is self.pool:
            broken.shutdown(wait=False, cancel_futures=True)
            self.pool = self._new_pool()

    def submit(self, unit: Unit, then: Callable[[list[Done]], None]) -> None:
        if self.pool is None:
            then(process(unit, self.options))
            return
        self.pending.append((self.pool.submit(_work, unit, self.options), then, unit, self.pool))
        while len(self.pending) > self.window:
            self._hand_back()

    def after(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once every unit submitted before it has been handed back."""
        if self.pool is None:
            callback()
        else:
            self.pending.append((None, callback, None, self.pool))

    def _hand_back(self) -> None:
        from concurrent.futures.process import BrokenProcessPool

        future, then, unit, pool = self.pending[0]  # taken off once its results are in: a signal may cut the wait
        if future is None:
            self.pending.popleft()
            then()
            return
        try:
            results = future.result()
        except BrokenProcessPool:
            self._replace(pool)
            results = self._one_at_a_time(unit)
        self.pending.popleft()
        then(results)

    def _one_at_a_time(self, unit: Unit) -> list[Done]:
        """The documents of a unit that was in flight when a worker died, each tried alone."""
        from concurrent.futures.process import BrokenProcessPool

        results = []
        for one in unit if isinstance(unit, tuple) else (unit,):
            pool = self.pool
            try:
                results.extend(pool.submit(_work, (one,) if isinstance(one, FileUnit) else one, self.options).result())
            except BrokenProcessPool:
                self._replace(pool)
                results.append(_died(one))
        return results

    def finish(self) -> None:
        while self.pending:
            self._hand_back()

    def close(self, stopped: bool = False) -> None:
        """End the run. ``stopped`` (a signal): queued units are dropped, workers finish the file
        in hand within ``STOP_GRACE`` seconds (those are handed back and counted), then are
        stopped at once; no worker outlives the run."""
        if self.pool is None:
            return
        if not stopped:
            self.pool.shutdown(wait=True)
            return
        for future, *_ in self.pending:
            if future is not None:
                future.cancel()
        workers = list(getattr(self.pool, "_processes", {}).values())  # no public handle on them
        for worker in workers:
            _signal(worker, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        while self.pending and time.monotonic() < deadline:
            future = self.pending[0][0]
            if future is not None and not future.done():
                time.sleep(0.01)
                continue
            if future is not None and future.cancelled():
                self.pending.popleft()
                continue
            self._hand_back()
        while self.pending:
            _drop_spools(self.pending.popleft()[0])
        for worker in workers:
            _signal(worker, signal.SIGTERM)  # the second: at once
        for worker in workers:
            worker.join(STOP_GRACE)
            if worker.is_alive():
                worker.kill()
        self.pool.shutdown(wait=False, cancel_futures=True)


def _drop_spools(future: Future | None) -> None:
    """Remove the spooled output of a unit whose results will not be used."""
    if future is not None and future.done() and not future.cancelled() and future.exception() is None:
        for done in future.result():
            if done.spooled is not None:
                with contextlib.suppress(OSError):
                    os.unlink(done.spooled)


def _signal(worker, number: int) -> None:
    with contextlib.suppress(OSError, ValueError):
        os.kill(worker.pid, number)


def _died(unit: FileUnit | ChunkUnit) -> Done:
    where = f"{unit.name}:{unit.chunk.first_line}" if isinstance(unit, ChunkUnit) else unit.name
    done = Done(whole=False)
    return done.fail(f"{where}: the worker process cleaning it died (killed by the system: out of memory?); left as it was")


@dataclass(frozen=True)
class Planned:
    """One input, what it holds (as far as its name tells) and where its output goes."""

    source: Source
    kind: Kind
    target: str | None = None
    """The file to write; None for stdout, or when nothing is written."""
    rules: RuleSelection | None = None
    """This input's own rules (its settings file's), when they are not the run's."""


RulesFor = Callable[[str], RuleSelection | None]
"""An input's path to its own rule selection, or None for the run's."""


def plan(
    sources: Iterable[Source],
    options: RunOptions,
    out_dir: str | None = None,
    out_file: str | None = None,
    rules_for: RulesFor = lambda path: None,
) -> list[Planned]:
    """Every input's kind, rules and output, decided before anything is read or written, and
    refused whole (``PlanError``) when two inputs would share an output or an output would
    replace an input. In place, a file reached by several names (symlinks) is cleaned once."""
    planned = []
    replaced = set()
    for source in sources:
        if source.path == STDIN:
            named = options.stdin_filename
            kind = kind_of(named, options.input_format) if named else kind_of(STDIN, options.input_format, stdin_head())
        else:
            kind = kind_of(source.path, options.input_format)
        target = None
        if options.action == Action.IN_PLACE and source.path != STDIN:
            target = in_place_target(source.path)
            if target in replaced:
                continue
            replaced.add(target)
        elif options.action == Action.CLEAN and out_file is not None:
            target = out_file
        elif options.action == Action.CLEAN and out_dir is not None:
            target = os.path.join(out_dir, output_name(source.relative, kind))
        planned.append(Planned(source, kind, target, rules_for(source.path)))
    if out_dir is not None or out_file is not None:
        check_outputs((p.source.path, p.target) for p in planned if p.target is not None)
    return planned


class Batch:
    """Cleans planned inputs, emitting results in order and adding up the tally."""

    def __init__(
        self,
        options: RunOptions,
        *,
        jobs: int = 1,
        progress: Callable[[int, Tally], None] = lambda size, tally: None,
        stdout: BinaryIO | None = None,
        stderr: Callable[[str], None] = lambda line: print(line, file=sys.stderr),
    ):
        self.options = options
        self.jobs = jobs
        self.progress = progress
        self.stdout = stdout if stdout is not None else sys.stdout.buffer
        self.stderr = stderr
        self.tally = Tally()
        self.records = FindingsJson() if options.output_format == OutputFormat.JSON and options.action == Action.CHECK else None
        """``check --format json``: the array the findings are written in as they come."""
        self._bundle: list[FileUnit] = []
        self.sinks: list[_JsonlSink] = []
        """JSONL outputs begun and not yet committed or dropped."""
        self.stopped = False

    def stop(self, signal_number: int) -> None:
        """Stop the run now (a signal handler calls this): raises ``Interrupted`` where the run
        is. A file being written is dropped whole (every writer removes its temporary file on
        any exception), so what is on disk is old or new. Only the first signal counts: the
        ones after it would cut short the stopping itself."""
        if not self.stopped:
            self.stopped = True
            raise Interrupted(signal_number)

    def run(self, planned: Iterable[Planned]) -> Tally:
        pipeline = Pipeline(self.options, self.jobs)
        try:
            for item in planned:
                if item.kind == Kind.JSONL:
                    self._send_bundle(pipeline)
                    self._submit_jsonl(pipeline, item)
                elif item.kind == Kind.HTML and self.options.action == Action.IN_PLACE:
                    self.tally.skipped_html += 1  # said once, at the end: see skipped_message
                else:
                    self._submit_file(pipeline, item)
            self._send_bundle(pipeline)
            pipeline.finish()
            if self.records is not None and self.options.findings:
                self._write(self.records.close().encode())
        finally:
            pipeline.close(stopped=self.stopped)
            for sink in list(self.sinks):
                sink.abandon()  # a JSONL output not committed by now is incomplete
        self._flush()
        return self.tally

    def _write(self, data: bytes) -> None:
        with _standard_output():
            self.stdout.write(data)

    def _write_spool(self, name: str) -> None:
        """A big document's cleaned text, from the file its worker wrote it to."""
        try:
            with open(name, "rb") as spool, _standard_output():
                shutil.copyfileobj(spool, self.stdout)
        finally:
            os.unlink(name)

    def _flush(self) -> None:
        with _standard_output():
            self.stdout.flush()

    def _submit_file(self, pipeline: Pipeline, item: Planned) -> None:
        path = item.source.path
        if path == STDIN:
            # cleaned here, window by window as it comes, when its turn comes: a worker would be
            # sent the whole of it, read into memory first
            unit = FileUnit(self.options.stdin_filename or STDIN, stdin=True)
            self._send_bundle(pipeline)
            pipeline.after(lambda: self._emit_all(process(unit, self.options)))
            return
        unit = FileUnit(path, item.target, size=file_size(path), rules=item.rules)
        self._bundle.append(unit)
        if len(self._bundle) >= BUNDLE_FILES or sum(u.size for u in self._bundle) >= BUNDLE_BYTES:
            self._send_bundle(pipeline)

    def _send_bundle(self, pipeline: Pipeline) -> None:
        if self._bundle:
            pipeline.submit(tuple(self._bundle), self._emit_all)
            self._bundle = []

    def _emit_all(self, results: list[Done]) -> None:
        for done in results:
            self._emit(done)

    def _submit_jsonl(self, pipeline: Pipeline, item: Planned) -> None:
        path, target = item.source.path, item.target
        name = self.options.stdin_filename or STDIN if path == STDIN else path
        sink = _JsonlSink(self, name, target, self.options.action == Action.IN_PLACE)
        self.sinks.append(sink)
        try:
            with _open_binary(path) as (stream, position, plain):
                chunks = plan_chunks(stream) if plain else read_chunks(stream, position)
                spool = target is not None and not is_gzip_name(target)
                for chunk in chunks:
                    pipeline.submit(ChunkUnit(name, chunk, spool, item.rules), sink.take_all)
        except InputError as error:
            message = str(error)
            pipeline.after(lambda: sink.finish(message))
        except (OSError, EOFError) as error:
            message = f"{path}: {getattr(error, 'strerror', None) or error}"
            pipeline.after(lambda: sink.finish(message))
        else:
            pipeline.after(sink.finish)

    def _emit(self, done: Done, progress: Tally | None = None) -> None:
        """Hand a unit's results on, in order; ``progress`` is what the bar counts, when that is
        not the tally the run adds up (a JSONL chunk's file is counted once, at its end)."""
        self.tally.merge(done.tally)
        for message in done.messages:
            self.stderr(message)
        if done.output:
            self._write(done.output)
        if done.spooled is not None:
            self._write_spool(done.spooled)
        if self.records is not None:
            for record in done.findings:
                self._write(self.records.add(record).encode("utf-8", "surrogatepass"))
        else:
            for row in done.findings:
                self._write(row.encode("utf-8", "surrogateescape") + b"\n")
        self.progress(done.size, progress or done.tally)


class _JsonlSink:
    """Where the chunks of one JSONL file go: stdout, or a temporary file committed at the end."""

    def __init__(self, batch: Batch, name: str, target: str | None, in_place: bool):
        self.batch = batch
        self.name = name
        self.target = target
        self.in_place = in_place
        self.file: AtomicFile | None = None
        self.tally = Tally(files=1)
        self.failed = False

    def take_all(self, results: list[Done]) -> None:
        for done in results:
            self.take(done)

    def take(self, done: Done) -> None:
        self.tally.merge(done.tally)
        seen = done.tally  # the progress bar counts the chunk's documents now; the run's tally at finish
        done.tally = Tally()
        if not done.whole and not self.failed:
            self.failed = True  # the message is the chunk's own; the output would miss its lines
            if self.file is not None:
                self.file.discard()
        if self.target is not None:
            if not self.failed:
                try:
                    if done.spooled is not None:
                        self._file().append_file(done.spooled)
                    else:
                        self._file().write(done.output)
                except NotReplaceable as error:
                    self.failed = True  # left as it is: a notice, not an error
                    self.batch.stderr(f"{self.name}: {error}")
                except OSError as error:
                    self._fail(f"{self.target}: cannot write ({error.strerror or error})")
            done.output = b""
        if done.spooled is not None:
            os.unlink(done.spooled)
            done.spooled = None
        self.batch._emit(done, progress=Tally(documents=seen.documents))

    def _file(self) -> AtomicFile:
        if self.file is None:
            like = replaceable(self.target) if self.in_place else None
            self.file = AtomicFile(self.target, like, compress=is_gzip_name(self.target), durable=self.in_place)
        return self.file

    def abandon(self) -> None:
        """Drop the output of a run that stopped before this file was done."""
        if self.file is not None:
            self.file.discard()
            self.file = None
        self.batch.sinks.remove(self)

    def finish(self, error: str | None = None) -> None:
        """Commit the output, or on ``error`` drop it so the original is all that remains."""
        self.batch.sinks.remove(self)
        if error is not None:
            self._fail(error)
        if self.tally.documents == 0 and self.tally.without_field:
            self.tally.errors += 1
            self.batch.stderr(f"{self.name}: no record has the field {self.batch.options.field!r}")
        if self.failed or self.target is None:
            pass
        elif self.in_place and not self.tally.changed:
            self.file.discard()  # nothing changed: the file is not touched
        else:
            try:
                self._file().commit()
            except OSError as error:
                self._fail(f"{self.target}: cannot write ({error.strerror or error})")
        self.batch.tally.merge(self.tally)

    def _fail(self, message: str) -> None:
        if not self.failed:
            self.failed = True
            self.tally.errors += 1
            self.batch.stderr(message)
            if self.file is not None:
                self.file.discard()


@contextmanager
def _open_binary(name: str) -> Iterator[tuple[BinaryIO, Callable[[], int] | None, bool]]:
    """A JSONL input as a stream of lines (gunzipped when it starts with the gzip magic), how to
    ask how far into it reading got, for progress, and whether it is a plain file (which workers
    can read spans of)."""
    if name == STDIN:
        raw, position = stdin(), None
        if not hasattr(raw, "peek"):
            raw = io.BufferedReader(raw)  # a replaced stdin (tests, embedding) may lack peek
    else:
        raw = open_input(name)
        position = raw.tell
    try:
        if raw.peek(2)[:2] == GZIP_MAGIC:
            yield gzip.GzipFile(fileobj=raw, mode="rb"), position, False
        else:
            yield raw, position, name != STDIN and raw.seekable()
    finally:
        if name != STDIN:
            raw.close()


@dataclass
class Outcome:
    """What a batch run did: its tally and the files a folder walk passed over."""

    tally: Tally
    passed_over: list[str] = field(default_factory=list)
    """Files in folders that ``include`` did not take."""
    seconds: float = 0.0

    @property
    def skipped(self) -> int:
        return len(self.passed_over)


def run_batch(
    paths: Sequence[str],
    options: RunOptions,
    *,
    out_dir: str | None = None,
    out_file: str | None = None,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
    jobs: int | None = None,
    show_progress: bool = False,
    stderr: Callable[[str], None] = lambda line: print(line, file=sys.stderr),
    rules_for: RulesFor = lambda path: None,
) -> Outcome:
    """Walk ``paths`` (stdin when empty), plan every output, then clean or check in order.
    ``rules_for`` gives an input its own rules (the settings file nearest to it).

    Raises ``PlanError`` before anything is written, and ``Interrupted`` when a signal stopped
    the run between units (every file written by then is whole).
    """
    paths = tuple(paths) or (STDIN,)
    if out_dir is not None and (inside := nested_output(out_dir, paths)):
        raise PlanError(f"the output folder {out_dir} is inside the input folder {inside}; it would clean its own output")
    walk = Walk(include, exclude, skip_dirs=[out_dir] if out_dir else [])
    batch = Batch(options, stderr=stderr)
    started = time.perf_counter()
    planned: list[Planned] = []
    with _on_signals(batch.stop):  # planning may wait on stdin, or walk a slow tree
        try:
            planned = plan(walk.sources(paths), options, out_dir, out_file, rules_for)
            for message in walk.special:
                stderr(message)
            single = len(planned) == 1 and planned[0].kind != Kind.JSONL
            batch.jobs = 1 if single else jobs or os.cpu_count() or 1
            with _progress(show_progress, options, planned) as progress:
                batch.progress = progress
                batch.run(planned)
        except Interrupted as interruption:
            interruption.done, interruption.total = batch.tally.files, len(planned)
            raise
    if batch.tally.skipped_html:
        stderr(skipped_message(batch.tally.skipped_html))
    return Outcome(batch.tally, walk.passed_over, time.perf_counter() - started)


def skipped_message(count: int) -> str:
    return f"boilerstrip: {count} HTML file(s) left as they are: in place, a page's text would replace it; clean them with -o DIR"


@contextmanager
def _progress(show: bool, options: RunOptions, planned: list[Planned]) -> Iterator[Callable[[int, Tally], None]]:
    """A progress bar on stderr while the run lasts, or a callback that does nothing."""
    if not show:
        yield lambda size, tally: None
        return
    from .report import BatchProgress, console

    verb = "checking" if options.action == Action.CHECK else "cleaning"
    total = sum(file_size(p.source.path) for p in planned)
    with BatchProgress(console(stderr=True), verb, total, len(planned)) as bar:
        yield bar.advance


@contextmanager
def _on_signals(stop: Callable[[int], None]) -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP stop a batch (``Batch.stop``)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.signal(number, lambda number, _frame: stop(number)) for number in STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
