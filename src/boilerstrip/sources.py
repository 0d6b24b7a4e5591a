"""Reading inputs: bytes to text, remembering how to write the text back the way it came.

Every failure is an ``InputError`` whose message is one line naming the input, so batch runs can
report it and go on with the next file.
"""

from __future__ import annotations

import codecs
import gzip
import io
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

from .options import InputFormat

STDIN = "-"
GZIP_MAGIC = b"\x1f\x8b"
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
JSONL_SUFFIXES = (".jsonl",)
HTML_SNIFF = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.I | re.S)
SNIFF_BYTES = 2048
JSONL_SNIFF = re.compile(rb"\A(?:\xef\xbb\xbf)?[ \t\r\n]*\{[ \t\r\n]*(?:\"|\})")
"""A JSON object opening the stream: articles do not start with ``{"``."""
BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


class InputError(Exception):
    """An input that cannot be cleaned; ``str(error)`` is ``"name: reason"``."""

    def __init__(self, name: str, reason: str):
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


class TooLarge(InputError):
    """An input over the size limit: it is not read into memory, let alone cleaned."""

    def __init__(self, name: str, limit: int):
        super().__init__(name, f"larger than the {limit / 1e6:g} MB limit (--max-size)")


@dataclass(frozen=True)
class Document:
    """One text to clean, with the encoding to write it back in."""

    name: str
    text: str
    encoding: str = "utf-8"
    extracted: bool = False
    """True when the text was extracted from HTML: then even an unchanged text is new output."""
    bom: bytes = b""
    """The byte order mark the input started with, written back before the text."""


def stdin() -> BinaryIO:
    """Standard input as bytes; ``InputError`` when the shell closed it (``<&-``)."""
    if sys.stdin is None:
        raise InputError("<stdin>", "standard input is closed")
    return sys.stdin.buffer


def stdin_head() -> bytes | None:
    """The first bytes of stdin, left to be read again; None when it cannot be looked at."""
    try:
        raw = stdin()
    except InputError:
        return None  # reading it says so
    if hasattr(raw, "peek"):
        return raw.peek(SNIFF_BYTES)[:SNIFF_BYTES]
    if raw.seekable():  # a replaced stdin (tests, embedding)
        start = raw.tell()
        head = raw.read(SNIFF_BYTES)
        raw.seek(start)
        return head
    return None


def read_bytes(name: str, limit: int | None = None) -> bytes:
    """A whole input, in as few system calls as the platform allows (a corpus is many files);
    ``TooLarge`` past ``limit`` bytes, found before anything is read when the size is known."""
    if name == STDIN:
        return stdin().read()
    try:
        descriptor = os.open(name, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
    except OSError as error:
        raise input_error(name, error) from None
    try:
        chunks = []
        size = os.fstat(descriptor).st_size + 1  # one more byte: a file still growing is read on
        if limit is not None and size > limit + 1:
            raise TooLarge(name, limit)
        read = 0
        while (limit is None or read <= limit) and (chunk := os.read(descriptor, max(size, 1 << 16))):
            chunks.append(chunk)
            read += len(chunk)
        if limit is not None and read > limit:
            raise TooLarge(name, limit)
        return b"".join(chunks)
    except OSError as error:
        raise input_error(name, error) from None
    finally:
        os.close(descriptor)


def open_input(name: str) -> BinaryIO:
    """A named input opened for reading, or the ``InputError`` saying why it cannot be."""
    if Path(name).is_dir():
        raise InputError(name, "is a directory")
    try:
        return open(name, "rb")  # noqa: SIM115 - the caller closes it
    except OSError as error:
        raise input_error(name, error) from None


def input_error(name: str, error: OSError) -> InputError:
    if isinstance(error, FileNotFoundError):
        return InputError(name, "no such file")
    if isinstance(error, IsADirectoryError):
        return InputError(name, "is a directory")
    if isinstance(error, PermissionError):
        return InputError(name, "permission denied")
    return InputError(name, error.strerror or str(error))


def decode(data: bytes, name: str) -> Document:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or a legacy single-byte encoding that
    charset_normalizer recognises (cp1252 German, say), written back in the same encoding.

    Broken UTF-8 is not guessed at: read as cp1252 it would be mojibake no rule matches. Binary
    files are refused."""
    declared = declared_encoding(data)
    if declared is None:
        raise InputError(name, "binary file (NUL bytes), skipped")
    bom, encoding = declared
    if bom:
        try:
            return Document(name, data[len(bom) :].decode(encoding), encoding, bom=bom)
        except UnicodeDecodeError as error:
            raise InputError(name, f"invalid {encoding} at byte {error.start + len(bom)}") from None
    try:
        return Document(name, data.decode("utf-8"))
    except UnicodeDecodeError as error:
        where = f"byte 0x{data[error.start]:02x} at offset {error.start}"
        if UTF8_SEQUENCE.search(data):
            raise InputError(name, f"not valid UTF-8 ({where}), skipped") from None
        encoding = legacy_encoding(data)
        if encoding is None:
            raise InputError(name, f"not valid UTF-8 ({where}) nor a known encoding, skipped") from None
        return Document(name, data.decode(encoding), encoding)


def declared_encoding(head: bytes) -> tuple[bytes, str] | None:
    """The byte order mark the input's first bytes start with and its encoding, else no mark and
    UTF-8 (unless the text is in a legacy encoding, which only all of it tells); None when they
    hold a NUL byte: a binary file."""
    for bom, encoding in BOMS:
        if head.startswith(bom):
            return bom, encoding
    if b"\x00" in head[:NUL_SNIFF]:
        return None
    return b"", "utf-8"


NUL_SNIFF = 8192


def decoded(stream: BinaryIO, head: bytes, encoding: str, name: str, limit: int, size: int = 1 << 20) -> Iterator[str]:
    """A text input read on from ``head`` (its first bytes, a mark left off) in pieces of ``size``
    bytes, decoded as they come; ``UnicodeDecodeError`` where it is not ``encoding``, ``TooLarge``
    past ``limit`` bytes."""
    decoder = codecs.getincrementaldecoder(encoding)()
    read = len(head)
    yield decoder.decode(head)
    while chunk := stream.read(size):
        read += len(chunk)
        if read > limit:
            raise TooLarge(name, limit)
        yield decoder.decode(chunk)
    yield decoder.decode(b"", final=True)


UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")
"""A UTF-8 sequence of two or more bytes: text holding some is UTF-8 with damage, not cp1252."""
LEGACY_ENCODINGS = frozenset({"cp1252", "latin_1", "iso8859_15", "cp1250", "iso8859_2", "cp1256", "iso8859_6", "mac_roman"})
"""The single-byte encodings of the languages the packs cover (Western and Central European,
Arabic): a guess outside them is more likely noise than a document."""
MAX_CHAOS = 0.2
"""charset_normalizer's share of "mess" in the decoded text above which a guess is refused."""


def legacy_encoding(data: bytes) -> str | None:
    """The first encoding charset_normalizer finds for ``data`` among ``LEGACY_ENCODINGS``, if it
    decodes and encodes back to the very same bytes (so an unchanged line is written back byte
    for byte)."""
    from charset_normalizer import from_bytes  # noqa: PLC0415 - only files that are not UTF-8 pay for it

    for match in from_bytes(data):
        if match.encoding not in LEGACY_ENCODINGS or match.chaos > MAX_CHAOS:
            continue
        try:
            if data.decode(match.encoding).encode(match.encoding) == data:
                return match.encoding
        except (UnicodeError, LookupError):
            continue
    return None


class Kind(StrEnum):
    """What an input holds, which decides how it is read and what its output is."""

    TEXT = "text"
    HTML = "html"
    """A page: its article is extracted with trafilatura, and the output is text."""
    JSONL = "jsonl"
    """One JSON record per line, one field of each cleaned."""


def base_name(name: str) -> str:
    """The name without a trailing ``.gz``: what the content is."""
    return name[:-3] if name.lower().endswith(".gz") else name


def kind_of(name: str, input_format: InputFormat = InputFormat.AUTO, head: bytes | None = None) -> Kind:
    """The one place an input's kind is decided: by ``--input-format``, then by the name
    (``page.html.gz`` too), then, when the first bytes are given, by a sniff for HTML (and,
    for stdin, for JSON lines).

    The main process asks without ``head`` (it plans outputs before anything is read); the
    worker that reads the file asks again with it, so a ``.txt`` holding a page is seen as HTML.
    """
    if input_format != InputFormat.AUTO:
        return Kind(input_format)
    if name == STDIN and head is not None and JSONL_SNIFF.match(head):
        return Kind.JSONL  # stdin has no name to go by (``--stdin-filename`` gives it one)
    suffix = base_name(name).lower()
    if suffix.endswith(JSONL_SUFFIXES):
        return Kind.JSONL
    if suffix.endswith(HTML_SUFFIXES) or (head is not None and HTML_SNIFF.match(head[:SNIFF_BYTES])):
        return Kind.HTML
    return Kind.TEXT


def extract_html(data: bytes, name: str) -> str:
    """The main text of a page, by trafilatura, imported here so text mode never pays for it."""
    import trafilatura  # noqa: PLC0415 - deliberately lazy, see the docstring

    text = trafilatura.extract(data)
    if text is None:
        raise InputError(name, "no article text found in the HTML")
    return text


def read_document(name: str, input_format: InputFormat = InputFormat.AUTO) -> Document:
    return document_from_bytes(name, read_bytes(name), input_format)


def document_from_bytes(name: str, data: bytes, input_format: InputFormat = InputFormat.AUTO) -> Document:
    """Gunzip, extract HTML or decode text: one document, whatever form it came in."""
    data = gunzip(name, data)
    return as_document(name, data, kind_of(name, input_format, data))


def as_document(name: str, data: bytes, kind: Kind) -> Document:
    """Uncompressed bytes of ``kind`` as the text to clean: a page's article, or decoded text."""
    if kind == Kind.HTML:
        return Document(name, extract_html(data, name), extracted=True)
    return decode(data, name)


def gunzip(name: str, data: bytes, limit: int | None = None) -> bytes:
    """``data`` itself, or its content when it starts with the gzip magic (whatever its name);
    ``TooLarge`` when that content is over ``limit`` bytes (a small file may hold a huge one)."""
    if data[:2] != GZIP_MAGIC:
        return data
    try:
        if limit is None:
            return gzip.decompress(data)
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            content = stream.read(limit + 1)
        if len(content) > limit:
            raise TooLarge(name, limit)
        return content
    except (OSError, EOFError) as error:
        raise InputError(name, f"broken gzip data ({error})") from None


def encode(document: Document, text: str) -> bytes:
    return document.bom + text.encode(document.encoding)
