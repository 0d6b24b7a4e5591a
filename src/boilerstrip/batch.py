"""Cleaning many documents: units of work, worker processes, results handed back in input order.

A unit is a whole text file or a chunk of JSONL lines. Workers clean units and write text files
themselves; the main process writes stdout and JSONL outputs in the order the units were sent,
so the output is the same for any ``--jobs``. At most a few units per worker are in flight, which
keeps memory flat on corpora of any size.
"""

from __future__ import annotations

import gzip
import io
import os
import signal
import sys
import tempfile
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO

from .engine import Result, clean
from .files import AtomicFile, Source, file_size, is_gzip_name, is_html_name, is_jsonl_name, output_name, write_atomic
from .index import CompiledRules, compile_rules
from .jsonl import Chunk, RecordError, dump, parse, plan_chunks, read_chunks, split_ending
from .options import RuleSelection
from .packs import EVERY_RULE
from .report import finding_record, findings_github, findings_text, unified_diff
from .sources import GZIP_MAGIC, STDIN, InputError, document_from_bytes, encode, input_error, open_input, read_bytes

if TYPE_CHECKING:
    from concurrent.futures import Future

UNITS_PER_WORKER = 4
BUNDLE_FILES = 32
BUNDLE_BYTES = 1 << 20
"""Small files travel to workers in bundles: a trip to a worker costs a fraction of a millisecond
in the main process, which would otherwise compete with the workers for the cores."""


@dataclass(frozen=True)
class Settings:
    """What every worker needs to know, sent once to each process."""

    selection: RuleSelection = EVERY_RULE
    action: str = "clean"
    check_format: str = "text"
    input_format: str = "auto"
    field: str = "text"
    keep_empty: bool = True


@dataclass
class Tally:
    """Counts for the summary; units add theirs up in the main process."""

    files: int = 0
    documents: int = 0
    changed: int = 0
    dropped: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    errors: int = 0
    findings: int = 0
    without_field: int = 0
    categories: Counter = field(default_factory=Counter)

    def count(self, text: str, result: Result) -> None:
        self.documents += 1
        self.bytes_in += _size(text)
        if result.changed:
            self.changed += 1
            self.bytes_out += _size(result.text)
            self.categories.update(removal.category for removal in result.removals)
        else:
            self.bytes_out += _size(text)

    def merge(self, other: Tally) -> None:
        for name, value in vars(other).items():
            if name == "categories":
                self.categories.update(value)
            else:
                setattr(self, name, getattr(self, name) + value)


def _size(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


@dataclass
class Done:
    """What one unit produced, for the main process to emit in order."""

    size: int = 0
    """Input bytes the unit stands for: progress."""
    tally: Tally = field(default_factory=Tally)
    output: bytes = b""
    """Text for stdout (clean, diff) or the cleaned lines of a JSONL chunk."""
    messages: list[str] = field(default_factory=list)
    """Errors, one line each."""
    findings: list = field(default_factory=list)
    """``check``: text rows, or records for ``--format json``."""
    spooled: str | None = None
    """A JSONL chunk's cleaned lines, in this temporary file (``ChunkUnit.spool``)."""
    whole: bool = True
    """False when the unit could not be done at all: a JSONL chunk's lines are then missing from
    the output, and the file's output must be dropped, not committed."""

    def fail(self, message: str) -> Done:
        self.tally.errors += 1
        self.messages.append(message)
        return self


@dataclass(frozen=True)
class FileUnit:
    name: str
    target: str | None = None
    """Where the cleaned file goes; None for stdout."""
    in_place: bool = False
    data: bytes | None = None
    """Already read (stdin); otherwise the worker reads ``name``."""
    size: int = 0


@dataclass(frozen=True)
class ChunkUnit:
    name: str
    chunk: Chunk
    spool: bool = False
    """Write the cleaned lines to a temporary file and hand back its name, not the lines: the
    main process then copies file to file in the kernel instead of taking every byte through a
    pipe (a plain-file target only)."""


_settings = Settings()
_rules: CompiledRules | None = None


def _configure(settings: Settings) -> None:
    global _settings, _rules
    _settings = settings
    _rules = compile_rules(settings.selection)


class Interrupted(Exception):
    """SIGINT or SIGTERM reached the main process: no more units are started, running ones
    finish and are counted."""

    def __init__(self, signal_number: int):
        super().__init__(signal.Signals(signal_number).name)
        self.signal_number = signal_number


class OutputError(Exception):
    """Standard output cannot be written (a full device, a closed file): nothing more can be."""


@contextmanager
def _standard_output() -> Iterator[None]:
    """A failed write to stdout as ``OutputError``: the run cannot go on without it."""
    try:
        yield
    except OSError as error:
        raise OutputError(f"cannot write to standard output ({error.strerror or error})") from None


def _start_worker(settings: Settings) -> None:
    """Workers leave Ctrl-C and SIGTERM to the main process, which lets running units finish:
    a file being written is then whole, old or new, never cut."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _configure(settings)


def process(unit: tuple[FileUnit, ...] | ChunkUnit) -> list[Done]:
    """Clean a bundle of files or a JSONL chunk; a bug on one document is reported as its
    error, never ends the batch."""
    return [_process_one(one) for one in (unit if isinstance(unit, tuple) else (unit,))]


def _process_one(unit: FileUnit | ChunkUnit) -> Done:
    try:
        if isinstance(unit, ChunkUnit):
            return _clean_chunk(unit)
        return _clean_file(unit)
    except Exception as error:  # noqa: BLE001 - the batch must go on; the message names the input
        done = Done(whole=False)
        return done.fail(f"{unit.name}: internal error ({type(error).__name__}: {error}); please report it")


def _clean_file(unit: FileUnit) -> Done:
    done = Done(size=unit.size)
    done.tally.files = 1
    try:
        data = unit.data if unit.data is not None else read_bytes(unit.name)
        document = document_from_bytes(unit.name, data, _settings.input_format)
    except InputError as error:
        return done.fail(str(error))
    result = clean(document.text, _rules)
    done.tally.count(document.text, result)
    _report(done, document.name, document.text, result)
    if _settings.action != "clean":
        return done
    if unit.target is None:
        done.output = encode(document, result.text)
        return done
    if unit.in_place and not result.changed:
        return done  # an unchanged file is not touched, its time stamp included
    if result.changed or document.extracted:
        data = encode(document, result.text)
        if is_gzip_name(unit.target):
            data = gzip.compress(data, mtime=0)
    try:
        mode = os.stat(unit.name).st_mode & 0o7777 if unit.in_place else None
        write_atomic(unit.target, data, mode)
    except OSError as error:
        return done.fail(f"{unit.target}: cannot write ({error.strerror or error})")
    return done


def _clean_chunk(unit: ChunkUnit) -> Done:
    done = Done(size=unit.chunk.raw_size)
    kept: list[bytes] = []
    try:
        lines = unit.chunk.read(unit.name)
    except OSError as error:
        done.whole = False
        return done.fail(str(input_error(unit.name, error)))
    for number, line in enumerate(lines, unit.chunk.first_line):
        body, ending = split_ending(line)
        if not body.strip():
            kept.append(line)
            continue
        try:
            record, text = parse(body, _settings.field)
        except RecordError as error:
            done.fail(f"{unit.name}:{number}: {error}")
            kept.append(line)
            continue
        if text is None:
            done.tally.without_field += 1
            kept.append(line)
            continue
        result = clean(text, _rules)
        done.tally.count(text, result)
        _report(done, f"{unit.name}:{number}", text, result)
        if not result.changed:
            kept.append(line)
        elif not _settings.keep_empty and not result.text.strip():
            done.tally.dropped += 1
        else:
            record[_settings.field] = result.text
            kept.append(dump(record) + ending)
    if _settings.action == "clean":
        if unit.spool:
            descriptor, done.spooled = tempfile.mkstemp(prefix="boilerstrip-", suffix=".jsonl")
            with os.fdopen(descriptor, "wb", buffering=0) as spool:
                spool.write(b"".join(kept))
        else:
            done.output = b"".join(kept)
    return done


def _report(done: Done, name: str, text: str, result: Result) -> None:
    """The ``check`` and ``--diff`` views of one document."""
    if _settings.action == "check":
        done.tally.findings += len(result.removals)
        if _settings.check_format == "json":
            done.findings.extend(finding_record(name, removal) for removal in result.removals)
        else:
            rows = findings_github if _settings.check_format == "github" else findings_text
            done.findings.extend(rows(name, result.removals))
    elif _settings.action == "diff" and result.changed:
        done.output += unified_diff(name, text, result.text).encode("utf-8", "surrogateescape")


class Pipeline:
    """Runs units on worker processes and hands their results back in the order they were sent."""

    def __init__(self, settings: Settings, jobs: int, check_stop: Callable[[], None] = lambda: None):
        self.check_stop = check_stop
        """Raises when the run is asked to stop; called between units, never inside one."""
        self.pending: deque[tuple[Future | None, Callable]] = deque()
        self.window = max(1, jobs) * UNITS_PER_WORKER
        self.pool = None
        if jobs > 1:
            from concurrent.futures import ProcessPoolExecutor  # only parallel runs pay for it

            self.pool = ProcessPoolExecutor(jobs, initializer=_start_worker, initargs=(settings,))
        else:
            _configure(settings)

    def submit(self, unit: tuple[FileUnit, ...] | ChunkUnit, then: Callable[[list[Done]], None]) -> None:
        self.check_stop()
        if self.pool is None:
            then(process(unit))
            return
        self.pending.append((self.pool.submit(process, unit), then))
        while len(self.pending) > self.window:
            self._hand_back()

    def after(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once every unit submitted before it has been handed back."""
        if self.pool is None:
            callback()
        else:
            self.pending.append((None, callback))

    def _hand_back(self) -> None:
        future, then = self.pending.popleft()
        if future is None:
            then()
        else:
            then(future.result())

    def finish(self) -> None:
        while self.pending:
            self.check_stop()
            self._hand_back()

    def close(self) -> None:
        """Stop: units already running finish (their files are whole) and are handed back, so
        they are counted; queued ones are dropped, and so are the callbacks waiting for them."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        while self.pending:
            future, then = self.pending.popleft()
            if future is not None and not future.cancelled() and future.exception() is None:
                then(future.result())


class Batch:
    """Cleans a list of sources, emitting results in order and adding up the tally."""

    def __init__(
        self,
        settings: Settings,
        *,
        jobs: int = 1,
        out_dir: str | None = None,
        in_place: bool = False,
        progress: Callable[[Done], None] = lambda done: None,
        stdout: BinaryIO | None = None,
        stderr: Callable[[str], None] = lambda line: print(line, file=sys.stderr),
    ):
        self.settings = settings
        self.jobs = jobs
        self.out_dir = out_dir
        self.in_place = in_place
        self.progress = progress
        self.stdout = stdout if stdout is not None else sys.stdout.buffer
        self.stderr = stderr
        self.tally = Tally()
        self.records: list[dict] = []
        self._bundle: list[FileUnit] = []
        self.sinks: list[_JsonlSink] = []
        """JSONL outputs begun and not yet committed or dropped."""
        self.stop_signal: int | None = None

    def stop(self, signal_number: int) -> None:
        """Ask the run to stop at the next unit (a signal handler calls this: the run itself
        raises ``Interrupted`` where nothing is half done)."""
        self.stop_signal = signal_number

    def _check_stop(self) -> None:
        if self.stop_signal is not None:
            raise Interrupted(self.stop_signal)

    def run(self, sources: Iterable[Source]) -> Tally:
        pipeline = Pipeline(self.settings, self.jobs, self._check_stop)
        try:
            for source in sources:
                self._check_stop()
                if self._is_jsonl(source.path):
                    self._send_bundle(pipeline)
                    self._submit_jsonl(pipeline, source)
                else:
                    self._submit_file(pipeline, source)
            self._send_bundle(pipeline)
            pipeline.finish()
        finally:
            pipeline.close()
            for sink in list(self.sinks):
                sink.abandon()  # a JSONL output not committed by now is incomplete
        self._flush()
        return self.tally

    def _write(self, data: bytes) -> None:
        with _standard_output():
            self.stdout.write(data)

    def _flush(self) -> None:
        with _standard_output():
            self.stdout.flush()

    def _is_jsonl(self, name: str) -> bool:
        if self.settings.input_format != "auto":
            return self.settings.input_format == "jsonl"
        return is_jsonl_name(name)

    def _target(self, source: Source) -> str | None:
        if self.settings.action != "clean":
            return None
        if self.in_place:
            return source.path
        if self.out_dir is not None:
            html = self.settings.input_format == "html" or (
                self.settings.input_format == "auto" and is_html_name(source.relative)
            )
            return os.path.join(self.out_dir, output_name(source.relative, html))
        return None

    def _submit_file(self, pipeline: Pipeline, source: Source) -> None:
        if source.path == STDIN:
            unit = FileUnit(STDIN, data=sys.stdin.buffer.read())
        else:
            if self.in_place and is_html_name(source.path) and self.settings.action == "clean":
                refused = Done().fail(f"{source.path}: HTML is not rewritten in place (it would become its text); use -o DIR")
                self._send_bundle(pipeline)
                pipeline.after(lambda: self._emit(refused))
                return
            unit = FileUnit(source.path, self._target(source), self.in_place, size=file_size(source.path))
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

    def _submit_jsonl(self, pipeline: Pipeline, source: Source) -> None:
        target = self._target(source)
        sink = _JsonlSink(self, source.path, target, self.in_place)
        self.sinks.append(sink)
        try:
            with _open_binary(source.path) as (stream, position, plain):
                chunks = plan_chunks(stream) if plain else read_chunks(stream, position)
                spool = target is not None and not is_gzip_name(target) and self.settings.action == "clean"
                for chunk in chunks:
                    pipeline.submit(ChunkUnit(source.path, chunk, spool), sink.take_all)
        except InputError as error:
            message = str(error)
            pipeline.after(lambda: sink.finish(message))
        except (OSError, EOFError) as error:
            message = f"{source.path}: {getattr(error, 'strerror', None) or error}"
            pipeline.after(lambda: sink.finish(message))
        else:
            pipeline.after(sink.finish)

    def _emit(self, done: Done) -> None:
        self.tally.merge(done.tally)
        for message in done.messages:
            self.stderr(message)
        if done.output:
            self._write(done.output)
        if self.settings.check_format == "json":
            self.records.extend(done.findings)
        else:
            for row in done.findings:
                self._write(row.encode("utf-8", "surrogateescape") + b"\n")
        self.progress(done)


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
                except OSError as error:
                    self._fail(f"{self.target}: cannot write ({error.strerror or error})")
            done.output = b""
        if done.spooled is not None:
            os.unlink(done.spooled)
        self.batch._emit(done)

    def _file(self) -> AtomicFile:
        if self.file is None:
            mode = os.stat(self.name).st_mode & 0o7777 if self.in_place else None
            self.file = AtomicFile(self.target, mode, compress=is_gzip_name(self.target))
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
            self.batch.stderr(f"{self.name}: no record has the field {self.batch.settings.field!r}")
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
        raw, position = sys.stdin.buffer, None
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
