"""JSONL corpora: one JSON object per line, one field cleaned, every other field left alone.

A corpus is read in chunks of lines so memory stays flat however large the file; a line that is
not a JSON object with a string in the field passes through byte for byte. A cleaned record is
the line it came as with only the field's value replaced (``Located.replaced``): numbers, escapes,
key order, duplicate keys, spacing and a byte order mark are the very bytes they were.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

CHUNK_LINES = 2000
CHUNK_BYTES = 4 << 20
"""A chunk is the unit a worker gets: big enough to pay for the trip, small enough to stream."""


SPAN_BYTES = 1 << 20
"""A chunk of a plain file is a span of it, read by the worker: the main process only finds where
chunks end and counts their lines, so two workers are not held back by one process shipping
every byte to them and back."""


@dataclass(frozen=True)
class Chunk:
    first_line: int
    """1-based number of the chunk's first line in its file."""
    lines: list[bytes] | None
    """Raw lines, each with its own ending; None for a span the worker reads itself."""
    raw_size: int
    """Bytes of the file (compressed, for ``.gz``) read for it: what progress counts."""
    span: tuple[int, int] | None = None
    """Start and end offsets in the file, when ``lines`` is None."""

    def read(self, name: str) -> list[bytes]:
        """The chunk's lines, from the file for a span."""
        if self.lines is not None:
            return self.lines
        start, end = self.span
        with open(name, "rb") as handle:
            handle.seek(start)
            data = handle.read(end - start)
        lines = [line + b"\n" for line in data.split(b"\n")]
        lines[-1] = lines[-1][:-1]
        return lines if lines[-1] else lines[:-1]


def plan_chunks(stream: BinaryIO) -> Iterator[Chunk]:
    """Spans of a plain file, each ending at a line end, with the number of its first line."""
    first = 1
    start = 0
    while block := stream.read(SPAN_BYTES):
        block += stream.readline()  # the rest of the last line
        yield Chunk(first, None, len(block), (start, start + len(block)))
        first += block.count(b"\n")
        start += len(block)


def read_chunks(stream: BinaryIO, position: Callable[[], int] | None = None) -> Iterator[Chunk]:
    """Lines in chunks; ``position`` tells how far into the file (under any gzip) reading got."""
    lines: list[bytes] = []
    size = consumed = 0
    first = 1
    for line in stream:
        lines.append(line)
        size += len(line)
        if len(lines) >= CHUNK_LINES or size >= CHUNK_BYTES:
            now = position() if position else consumed + size
            yield Chunk(first, lines, now - consumed)
            first, consumed = first + len(lines), now
            lines, size = [], 0
    if lines:
        now = position() if position else consumed + size
        yield Chunk(first, lines, now - consumed)


def split_ending(line: bytes) -> tuple[bytes, bytes]:
    if line.endswith(b"\r\n"):
        return line[:-2], b"\r\n"
    if line.endswith(b"\n"):
        return line[:-1], b"\n"
    return line, b""


class RecordError(ValueError):
    """A line that is not a record we can clean; it is passed through unchanged."""


def parse(body: bytes, field: str) -> tuple[dict, str | None]:
    """The record and the text in ``field`` (None when the record has no such field)."""
    try:
        record = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise RecordError(f"not valid JSON ({_reason(error)}), passed through unchanged") from None
    if not isinstance(record, dict):
        raise RecordError("not a JSON object, passed through unchanged")
    text = record.get(field)
    if text is not None and not isinstance(text, str):
        raise RecordError(f"field {field!r} is not a string, passed through unchanged")
    return record, text


@dataclass(frozen=True, slots=True)
class Located:
    """A record's line, decoded, and where in it the cleaned field's value is."""

    line: str
    text: str | None
    """The field's value (None when the record has no such field)."""
    span: tuple[int, int] | None = None
    """Where the value is in ``line``, its quotes included: the last of duplicate keys, the one
    a JSON parser keeps."""

    def replaced(self, text: str) -> bytes:
        """The line with the value replaced by ``text``, every other byte as it was. The value is
        written with ``\\u`` escapes when the old one was pure ASCII (a corpus written that way
        stays so) or when ``text`` holds a lone surrogate, which UTF-8 cannot carry."""
        start, end = self.span
        value = json.dumps(text, ensure_ascii=self.line[start:end].isascii())
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            value = json.dumps(text)
        return (self.line[:start] + value + self.line[end:]).encode("utf-8", "surrogatepass")


def locate(body: bytes, field: str) -> Located:
    """Find ``field`` in one JSONL line, validating the line as ``json.loads`` would."""
    try:
        line = body.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError as error:
        raise RecordError(f"not valid JSON ({_reason(error)}), passed through unchanged") from None
    try:
        found = _top_level_field(line, field)
    except RecordError:
        raise
    except (ValueError, RecursionError) as error:
        raise RecordError(f"not valid JSON ({_reason(error)}), passed through unchanged") from None
    if found is None:
        return Located(line, None)
    text, span = found
    if not isinstance(text, str):
        raise RecordError(f"field {field!r} is not a string, passed through unchanged")
    return Located(line, text, span)


_DECODER = json.JSONDecoder()
_WHITESPACE = re.compile(r"[ \t\n\r]*")
"""What JSON allows between tokens."""


def _top_level_field(line: str, field: str) -> tuple[object, tuple[int, int]] | None:
    """The value of ``field`` in the object ``line`` holds and its span; every other value is
    decoded too (in C, by ``json``'s own scanner), so a line is valid exactly when ``json.loads``
    says so."""
    at = _skip(line, 1 if line.startswith("\ufeff") else 0)
    if not line.startswith("{", at):
        json.loads(line[at:])  # raises for what is not JSON at all
        raise RecordError("not a JSON object, passed through unchanged")
    found = None
    at = _skip(line, at + 1)
    closed = line.startswith("}", at)
    if closed:
        at = _skip(line, at + 1)
    while not closed:
        if not line.startswith('"', at):
            raise json.JSONDecodeError("Expecting property name enclosed in double quotes", line, at)
        key, at = json.decoder.scanstring(line, at + 1)
        at = _skip(line, at)
        if not line.startswith(":", at):
            raise json.JSONDecodeError("Expecting ':' delimiter", line, at)
        start = _skip(line, at + 1)
        value, at = _DECODER.raw_decode(line, start)
        if key == field:
            found = value, (start, at)
        at = _skip(line, at)
        closed = line.startswith("}", at)
        if not closed and not line.startswith(",", at):
            raise json.JSONDecodeError("Expecting ',' delimiter", line, at)
        at = _skip(line, at + 1)
    if at != len(line):
        raise json.JSONDecodeError("Extra data", line, at)
    return found


def _skip(line: str, at: int) -> int:
    return _WHITESPACE.match(line, at).end()


def _reason(error: Exception) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"{error.msg} at column {error.colno}"
    if isinstance(error, UnicodeDecodeError):
        return "not UTF-8"
    return type(error).__name__
