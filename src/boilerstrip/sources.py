"""Reading inputs: bytes to text, remembering how to write the text back the way it came.

Every failure is an ``InputError`` whose message is one line naming the input, so batch runs can
report it and go on with the next file.
"""

from __future__ import annotations

import codecs
import sys
from dataclasses import dataclass
from pathlib import Path

STDIN = "-"
BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class InputError(Exception):
    """An input that cannot be cleaned; ``str(error)`` is ``"name: reason"``."""

    def __init__(self, name: str, reason: str):
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


@dataclass(frozen=True)
class Document:
    """One text to clean, with the encoding to write it back in."""

    name: str
    text: str
    encoding: str = "utf-8"


def read_bytes(name: str) -> bytes:
    if name == STDIN:
        return sys.stdin.buffer.read()
    path = Path(name)
    try:
        if path.is_dir():
            raise InputError(name, "is a directory")
        return path.read_bytes()
    except InputError:
        raise
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except PermissionError:
        raise InputError(name, "permission denied") from None
    except OSError as error:
        raise InputError(name, error.strerror or str(error)) from None


def decode(data: bytes, name: str) -> Document:
    """UTF-8 (with or without BOM) and UTF-16 with BOM; anything else is reported, not guessed."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return Document(name, data.decode(encoding), encoding)
            except UnicodeDecodeError as error:
                raise InputError(name, f"invalid {encoding} at byte {error.start}") from None
    if b"\x00" in data[:8192]:
        raise InputError(name, "binary file (NUL bytes), skipped")
    try:
        return Document(name, data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise InputError(name, f"not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})") from None


def read_document(name: str) -> Document:
    return decode(read_bytes(name), name)


def encode(document: Document, text: str) -> bytes:
    return text.encode(document.encoding)
