"""One unit of work: clean or check a file, or a chunk of a JSONL file, given the run's options.

Every function here is a function of its unit and the options, so a worker process holds no
state of ours: the compiled rules come from ``compile_rules``' cache, filled once per process.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from dataclasses import dataclass, field

from . import memo
from .engine import clean
from .files import AtomicFile, NotReplaceable, is_gzip_name, replaceable, write_atomic, write_spool
from .index import compile_rules
from .jsonl import Chunk, RecordError, locate, split_ending
from .model import Result
from .options import Action, OutputFormat, RuleSelection, RunOptions
from .report import Place, Tally, finding_record, findings_github, findings_text, result_record, unified_diff
from .sources import InputError, Kind, TooLarge, as_document, encode, gunzip, input_error, kind_of, read_bytes


@dataclass(frozen=True)
class FileUnit:
    """A whole document: a text file, a page, or stdin."""

    name: str
    target: str | None = None
    """Where the cleaned file goes; None for stdout."""
    data: bytes | None = None
    """Already read (stdin); otherwise the worker reads ``name``."""
    size: int = 0
    """Bytes on disk, for progress."""
    rules: RuleSelection | None = None
    """The rules of this file's own settings file, when they are not the run's."""


@dataclass(frozen=True)
class ChunkUnit:
    """Lines of a JSONL file."""

    name: str
    chunk: Chunk
    spool: bool = False
    """Write the cleaned lines to a temporary file and hand back its name, not the lines: the
    main process then copies file to file in the kernel instead of taking every byte through a
    pipe (a plain-file target only)."""
    rules: RuleSelection | None = None
    """As ``FileUnit.rules``."""


Unit = tuple[FileUnit, ...] | ChunkUnit
"""What one trip to a worker carries: a bundle of small files, or one chunk."""


@dataclass
class Done:
    """What one unit produced, for the main process to emit in order."""

    size: int = 0
    """Input bytes the unit stands for: progress."""
    tally: Tally = field(default_factory=Tally)
    output: bytes = b""
    """Text for stdout (clean, diff) or the cleaned lines of a JSONL chunk."""
    messages: list[str] = field(default_factory=list)
    """Errors and notices, one line each."""
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


def process(unit: Unit, options: RunOptions, stopping: Callable[[], bool] = lambda: False) -> list[Done]:
    """Clean a bundle of files or a JSONL chunk; a bug on one document is reported as its
    error, never ends the batch. When ``stopping`` says so, the files not begun are left out.
    The regexes the unit's documents made the index compile are written to the answers cache
    (``memo``), so the next run, and the next worker, start from them."""
    done = []
    for one in unit if isinstance(unit, tuple) else (unit,):
        if stopping():
            break
        done.append(_process_one(one, options))
    memo.save()
    return done


def _process_one(unit: FileUnit | ChunkUnit, options: RunOptions) -> Done:
    try:
        if isinstance(unit, ChunkUnit):
            return clean_chunk(unit, options)
        return clean_file(unit, options)
    except Exception as error:  # noqa: BLE001 - the batch must go on; the message names the input
        done = Done(whole=False)
        return done.fail(f"{unit.name}: internal error ({type(error).__name__}: {error}); please report it")


def clean_file(unit: FileUnit, options: RunOptions) -> Done:
    done = Done(size=unit.size)
    done.tally.files = 1
    try:
        raw = unit.data if unit.data is not None else read_bytes(unit.name, options.max_bytes)
        data = gunzip(unit.name, raw, options.max_bytes)
        kind = kind_of(unit.name, options.input_format, data)
        if kind == Kind.HTML and options.action == Action.IN_PLACE:
            done.tally.skipped_html = 1
            done.messages.append(
                f"{unit.name}: holds HTML, left as it is (in place, its text would replace the page); use -o DIR, or --input-format text"
            )
            return done
        document = as_document(unit.name, data, kind)
    except TooLarge as error:
        return _pass_through(done, unit, error, options)
    except InputError as error:
        return done.fail(str(error))
    result = clean(document.text, _rules(unit, options))
    done.tally.count(document.text, result)
    _report(done, Place(document.name), document.text, result, options)
    if not options.action.writes:
        return done
    if unit.target is None and options.output_format == OutputFormat.JSON:
        done.output = result_record(document.name, result).encode("utf-8", "surrogatepass") + b"\n"
        return done
    if unit.target is None:
        done.output = encode(document, result.text)
        return done
    if options.action == Action.IN_PLACE and not result.changed:
        return done  # an unchanged file is not touched, its time stamp included
    if result.changed or document.extracted:
        output = encode(document, result.text)
        if is_gzip_name(unit.target):
            output = gzip.compress(output, mtime=0)
    else:
        output = raw  # unchanged: the very bytes, compressed or not
    in_place = options.action == Action.IN_PLACE
    try:
        write_atomic(unit.target, output, replaceable(unit.target) if in_place else None, durable=in_place)
    except NotReplaceable as error:
        done.messages.append(f"{unit.name}: {error}")
    except OSError as error:
        return done.fail(f"{unit.target}: cannot write ({error.strerror or error})")
    return done


def _pass_through(done: Done, unit: FileUnit, error: TooLarge, options: RunOptions) -> Done:
    """A file over the size limit: in place it stays as it is; into an output folder it is
    copied as it is (streamed), so the output still holds every input; on stdout it would be
    missing from the stream, an error."""
    if unit.target is None and options.action.writes:
        return done.fail(f"{error}; not cleaned, not written")
    if options.action == Action.CLEAN:
        try:
            output = AtomicFile(unit.target)
            try:
                output.append_file(unit.name)
            except BaseException:
                output.discard()
                raise
            output.commit()
        except OSError as failure:
            return done.fail(f"{unit.target}: cannot write ({failure.strerror or failure})")
        done.messages.append(f"{error}; copied unchanged")
    else:
        done.messages.append(f"{error}; left as it is")
    return done


def clean_chunk(unit: ChunkUnit, options: RunOptions) -> Done:
    done = Done(size=unit.chunk.raw_size)
    rules = _rules(unit, options)
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
            record = locate(body, options.field)
        except RecordError as error:
            done.fail(f"{unit.name}:{number}: {error}")
            kept.append(line)
            continue
        text = record.text
        if text is None:
            done.tally.without_field += 1
            kept.append(line)
            continue
        result = clean(text, rules)
        done.tally.count(text, result)
        _report(done, Place(unit.name, number, options.field), text, result, options)
        if not result.changed:
            kept.append(line)
        elif not options.keep_empty and not result.text.strip():
            done.tally.dropped += 1
        else:
            kept.append(record.replaced(result.text) + ending)
    if options.action.writes:
        if unit.spool:
            try:
                done.spooled = write_spool(b"".join(kept))
            except OSError as error:
                done.whole = False
                return done.fail(f"{unit.name}: cannot write a spool of its cleaned records ({error.strerror or error}); TMPDIR sets where")
        else:
            done.output = b"".join(kept)
    return done


def _rules(unit: FileUnit | ChunkUnit, options: RunOptions):
    """A unit's compiled rules, from ``compile_rules``' cache: once per distinct selection."""
    return compile_rules(options.rules if unit.rules is None else unit.rules)


def _report(done: Done, place: Place, text: str, result: Result, options: RunOptions) -> None:
    """The ``check`` and ``--diff`` views of one document."""
    if options.action == Action.CHECK:
        done.tally.findings += len(result.removals)
        if not options.findings:
            return
        if options.output_format == OutputFormat.JSON:
            done.findings.extend(finding_record(place, removal) for removal in result.removals)
        else:
            rows = findings_github if options.output_format == OutputFormat.GITHUB else findings_text
            done.findings.extend(rows(place, result.removals))
    elif options.action == Action.DIFF and result.changed:
        done.output += unified_diff(place.document, text, result.text).encode("utf-8", "surrogateescape")
