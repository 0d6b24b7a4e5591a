"""One unit of work: clean or check a file, or a chunk of a JSONL file, given the run's options.

Every function here is a function of its unit and the options, so a worker process holds no
state of ours: the compiled rules come from ``compile_rules``' cache, filled once per process.
"""

from __future__ import annotations

import gzip
import io
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import BinaryIO

from . import memo
from .engine import clean
from .files import AtomicFile, NotReplaceable, Spool, is_gzip_name, replaceable, write_atomic, write_spool
from .index import compile_rules
from .jsonl import Chunk, RecordError, locate, split_ending
from .model import Removal, Result
from .options import Action, OutputFormat, RuleSelection, RunOptions
from .report import Place, Tally, UnifiedDiff, finding_record, findings_github, findings_text, result_record, unified_diff
from .sources import (
    GZIP_MAGIC,
    STDIN,
    InputError,
    Kind,
    TooLarge,
    as_document,
    declared_encoding,
    decoded,
    encode,
    gunzip,
    input_error,
    kind_of,
    open_input,
    read_bytes,
    stdin,
)
from .windows import WINDOW, cleaned


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
    stdin: bool = False
    """Read standard input, in this process, as it comes (``name`` is what it goes by)."""


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
    """A JSONL chunk's cleaned lines (``ChunkUnit.spool``), or a big document's cleaned text for
    stdout, in this temporary file."""
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


BIG = WINDOW
"""A text of more bytes than this (a window's characters) is read, cleaned and written window by
window (``windows.py``): in a window's memory, not the several copies of it cleaning it whole takes."""
PACKED = BIG // 16
"""A gzip file of more bytes than this may hold a text over ``BIG``: it is read as a stream to see."""


def clean_file(unit: FileUnit, options: RunOptions) -> Done:
    big = (PACKED if is_gzip_name(unit.name) else BIG) < unit.size <= options.max_bytes
    if unit.data is None and (unit.stdin or big):
        return _clean_in_windows(unit, options)
    return _clean_whole(unit, options)


def _clean_in_windows(unit: FileUnit, options: RunOptions) -> Done:
    """``_clean_whole`` for a big text, window by window: a file, plain or gzip, or stdin. What is
    not plain sailing (a short text, not text, a legacy encoding, damaged UTF-8, a file that cannot
    be replaced, any error) is left to the whole path, which reads a file again and is given every
    byte of stdin; nothing is written then."""
    try:
        with _content(unit) as (source, kept):
            try:
                return _windows(unit, options, source)
            except LEFT_TO_WHOLE:
                if kept is None:
                    raise
                unit = replace(unit, data=kept.everything(), stdin=False)
    except LEFT_TO_WHOLE:
        pass
    return _clean_whole(unit, options)


LEFT_TO_WHOLE = (OSError, EOFError, UnicodeError, InputError)
"""What the windows leave the whole path to say (``EOFError``: a gzip stream cut short)."""


@contextmanager
def _content(unit: FileUnit) -> Iterator[tuple[BinaryIO, _Kept | None]]:
    """The unit's input as a stream of its content (gunzipped when it starts with the gzip magic)
    and, for stdin, what keeps the bytes read from it."""
    kept = _Kept(stdin()) if unit.stdin else None
    raw = io.BufferedReader(kept) if kept is not None else open_input(unit.name)
    try:
        if raw.peek(2)[:2] == GZIP_MAGIC:
            with gzip.GzipFile(fileobj=raw, mode="rb") as content:
                yield content, kept
        else:
            yield raw, kept
    finally:
        if kept is None:
            raw.close()


class _Kept(io.RawIOBase):
    """Standard input, keeping every byte read from it: it cannot be read again when the whole
    path has to take over."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.chunks: list[bytes] = []

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.stream.read(len(buffer))
        self.chunks.append(data)
        buffer[: len(data)] = data
        return len(data)

    def everything(self) -> bytes:
        """Every byte of the stream: those read so far and the rest."""
        return b"".join(self.chunks) + self.stream.read()


class _Short(InputError):
    """A text of at most ``BIG`` bytes: the whole path cleans it."""


def _windows(unit: FileUnit, options: RunOptions, source: BinaryIO) -> Done:
    """A big text's windows read, cleaned and written (its text, its diff or its JSON record) or
    checked as they come; ``_Short`` when it is short or not plain text, for the whole path."""
    done = Done(size=unit.size)
    done.tally.files = 1
    changed = False
    head = source.read(BIG + 1)
    declared = declared_encoding(head)
    plain = declared is not None and head[:2] != GZIP_MAGIC and kind_of(unit.name, options.input_format, head) == Kind.TEXT
    if len(head) <= BIG or not plain:
        raise _Short(unit.name, "not a big plain text")
    bom, encoding = declared
    output = _output(unit, options)
    diff = UnifiedDiff(unit.name) if options.action == Action.DIFF else None
    record = options.action.writes and unit.target is None and options.output_format == OutputFormat.JSON
    records: list[bytes] = []  # a JSON record's removals, which come after its text: each window's, in JSON
    first: tuple[Removal, ...] = ()  # the first of them
    try:
        if options.action.writes and not record:
            output.write(bom)
        unlimited = unit.stdin and not isinstance(source, gzip.GzipFile)  # as the whole path reads plain stdin, whatever its size
        limit = sys.maxsize if unlimited else options.max_bytes - len(bom)
        pieces = decoded(source, head[len(bom) :], encoding, unit.name, limit, BIG)
        for window, result in cleaned(pieces, _rules(unit, options), BIG):
            done.tally.add(window, result)
            changed = changed or result.changed
            if diff is not None:
                output.write(diff.feed(window, result.removals))
            elif record:
                output.write(_escaped(result.text))
                if result.changed:
                    records.append(", ".join(_removal_json(unit.name, r) for r in result.removals).encode("utf-8", "surrogatepass"))
                    first = first or result.removals[:1]
            elif output is not None:
                output.write(result.text.encode(encoding))
            else:
                _report(done, Place(unit.name), window, result, options)
        if diff is not None:
            output.write(diff.close())
        if record:
            done.output, middle, tail = _record_frame(unit.name, first)
            output.write(middle)
            for number, removals in enumerate(records):
                output.write(b", " + removals if number else removals)
            output.write(tail)
    except BaseException:
        if output is not None:
            output.discard()
        raise
    done.tally.documents += 1
    done.tally.changed += changed
    if output is None:
        return done
    if not changed and unit.target is not None:
        output.discard()  # unchanged: not touched in place, its time stamp included; else the very bytes, compressed or not
        if options.action != Action.IN_PLACE:
            _copy_as_is(unit.name, unit.target)
        return done
    output.commit()
    if isinstance(output, Spool):
        done.spooled = output.path
    return done


def _escaped(text: str) -> bytes:
    """``text`` as the inside of a JSON string, as ``result_record`` writes it: escaping is
    character by character, so the windows' pieces make the whole text's."""
    return json.dumps(text, ensure_ascii=False)[1:-1].encode("utf-8", "surrogatepass")


_MARK = "\x00"
"""A text no path holds, to cut ``result_record``'s line at."""


def _record_frame(name: str, first: tuple[Removal, ...]) -> tuple[bytes, bytes, bytes]:
    """``result_record``'s line for a document whose first removal, if any, is ``first``, cut where
    its text's characters and its removals go: a big document's record, written as they come."""
    before, mark, after = result_record(name, Result(_MARK, first)).partition(json.dumps(_MARK))
    middle, tail = after.split(_removal_json(name, first[0]), 1) if first else (after, "")
    return tuple(piece.encode("utf-8", "surrogatepass") for piece in (before + mark[0], mark[-1] + middle, tail + "\n"))


def _removal_json(name: str, removal: Removal) -> str:
    return json.dumps(finding_record(Place(name), removal), ensure_ascii=False)


def _output(unit: FileUnit, options: RunOptions) -> AtomicFile | Spool | None:
    """Where the cleaned windows (or their diff) go as they come: the target, or a spool for stdout."""
    if not options.action.writes:
        return Spool() if options.action == Action.DIFF else None
    if unit.target is None:
        return Spool()
    in_place = options.action == Action.IN_PLACE
    like = replaceable(unit.target) if in_place else None
    return AtomicFile(unit.target, like, compress=is_gzip_name(unit.target), durable=in_place)


def _clean_whole(unit: FileUnit, options: RunOptions) -> Done:
    done = Done(size=unit.size)
    done.tally.files = 1
    try:
        raw = unit.data if unit.data is not None else read_bytes(STDIN if unit.stdin else unit.name, options.max_bytes)
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
        output, compress = encode(document, result.text), is_gzip_name(unit.target)
    else:
        output, compress = raw, False  # unchanged: the very bytes, compressed or not
    in_place = options.action == Action.IN_PLACE
    try:
        write_atomic(unit.target, output, replaceable(unit.target) if in_place else None, compress=compress, durable=in_place)
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
            _copy_as_is(unit.name, unit.target)
        except OSError as failure:
            return done.fail(f"{unit.target}: cannot write ({failure.strerror or failure})")
        done.messages.append(f"{error}; copied unchanged")
    else:
        done.messages.append(f"{error}; left as it is")
    return done


def _copy_as_is(source: str, target: str) -> None:
    """``source``'s very bytes written (streamed) to ``target``, atomically: whole or not at all."""
    output = AtomicFile(target)
    try:
        output.append_file(source)
    except BaseException:
        output.discard()
        raise
    output.commit()


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
        done.output += unified_diff(place.document, text, result)
