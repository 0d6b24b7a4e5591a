"""Answers that depend only on their question, kept across runs: what the pattern analysis
(``regex_tree``) says of each pattern, the programs ``re`` compiles the index's regexes to, and
each pack file's TOML, parsed.

A run's start-up was mostly these: analysing the shipped patterns took about a tenth of a
second, compiling the regexes a first document needs tens of milliseconds more, and every
worker process paid both again. Each answer depends only on its question (a pattern and its
flags, a file's bytes), the analysing code and Python's version, so the answers are stored in
the user's cache under a name checksumming that code and Python's version: a pack edited, or a
new version of boilerstrip, asks new questions or reads another file, never a stale answer. The
file is ``marshal`` data (plain values: reading it runs no code), written whole or not at all. A
cache that cannot be read or written is passed over: the work is then done again, as it would be
without one.

``BOILERSTRIP_CACHE_DIR`` names the folder (default: ``$XDG_CACHE_HOME/boilerstrip``, else
``~/.cache/boilerstrip``); ``BOILERSTRIP_NO_CACHE=1`` neither reads nor writes it.
"""

from __future__ import annotations

import _sre
import contextlib
import marshal
import os
import re
import re._compiler as sre_compile  # noqa: PLC2701 - see ``regex``
import re._parser as sre_parse  # noqa: PLC2701
import sys
import zlib
from collections.abc import Callable

MAX_BYTES = 8 << 20
"""Past this size (packs and settings edited many times over), only the answers this process
asked for are written back."""

_ANALYSING_CODE = ("memo.py", "regex_tree.py")
"""The modules whose code answers depend on, besides Python's (the cache's name checksums them)."""


class _Memo:
    """The answers, loaded on the first question and written back once a run has added some."""

    def __init__(self) -> None:
        self.known: dict | None = None
        self.asked: set = set()
        self.added = False

    def answer(self, question: tuple, compute: Callable[[], object]) -> object:
        if self.known is None:
            self.known = _read(_path())
        self.asked.add(question)
        if question in self.known:
            return self.known[question]
        found = compute()
        try:
            marshal.dumps(found)
        except ValueError:  # a value marshal cannot write (a TOML date) is not kept
            return found
        self.known[question] = found
        self.added = True
        return found

    def forget(self, question: tuple) -> None:
        if self.known is not None:
            self.known.pop(question, None)

    def save(self) -> None:
        """Write the answers back if this process added any; a cache that cannot be written is
        left as it is."""
        if not self.added or self.known is None:
            return
        self.added = False
        path = _path()
        if path is None:
            return
        data = marshal.dumps(self.known)
        if len(data) > MAX_BYTES:
            data = marshal.dumps({q: a for q, a in self.known.items() if q in self.asked})
        import tempfile  # only a run that learnt something pays for it

        folder = os.path.dirname(path)
        try:
            os.makedirs(folder, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
        except OSError:
            return
        try:
            with os.fdopen(descriptor, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        _forget_old_versions(folder, path)


STALE_DAYS = 30
"""Another version's answers unused this long are deleted (one a Python still running is kept)."""


def _forget_old_versions(folder: str, path: str) -> None:
    """Each upgrade of boilerstrip or Python names a new file: the old ones go once stale."""
    import time

    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if entry.name.startswith("analysis-") and entry.path != path and entry.stat().st_mtime < time.time() - STALE_DAYS * 86400:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _path() -> str | None:
    if os.environ.get("BOILERSTRIP_NO_CACHE"):
        return None
    folder = os.environ.get("BOILERSTRIP_CACHE_DIR")
    if not folder:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        folder = os.path.join(base, "boilerstrip")
    return os.path.join(folder, f"analysis-{_code_version()}.marshal")


def _code_version() -> str:
    """A checksum of everything an answer depends on besides the question (CRC-32: the file is
    the user's own, so it needs telling versions apart, not resisting forgery; ``hashlib`` would
    add its import to every start)."""
    checksum = zlib.crc32(f"{sys.version}\0{marshal.version}".encode())
    for module in _ANALYSING_CODE:
        with open(os.path.join(os.path.dirname(__file__), module), "rb") as source:
            checksum = zlib.crc32(source.read(), checksum)
    return f"{checksum:08x}"


def _read(path: str | None) -> dict:
    if path is None:
        return {}
    try:
        with open(path, "rb") as cache:
            known = marshal.loads(cache.read())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    with contextlib.suppress(OSError):  # in use, so not stale (``STALE_DAYS``); a read-only cache is still read
        os.utime(path)
    return known if isinstance(known, dict) else {}


_MEMO = _Memo()
save = _MEMO.save


def remember(question: tuple, compute: Callable[[], object]) -> object:
    """``compute()``'s answer to ``question``, a tuple of plain values naming all it depends on."""
    return _MEMO.answer(question, compute)


def toml(raw: bytes) -> dict:
    """``tomllib.loads`` of the UTF-8 text ``raw``: a pack or settings file unchanged since an
    earlier run is not parsed again, nor ``tomllib`` imported. Raises a ``ValueError`` as
    ``tomllib`` does (``UnicodeDecodeError``, ``TOMLDecodeError``). The dict is shared: read it only."""

    def parse() -> dict:
        import tomllib

        return tomllib.loads(raw.decode("utf-8"))

    return remember(("toml", raw), parse)


def regex(source: str) -> re.Pattern[str]:
    """``re.compile(source)``, from the program ``re`` compiled it to in an earlier run.

    The program is what ``re._compiler.compile`` hands ``_sre.compile``: the same call on the same
    Python (the cache is per Python version) builds the same regex, without parsing and compiling
    the source again, which costs milliseconds for an alternation of many patterns. ``_sre``
    checks a program before it runs it; one it refuses is compiled afresh.
    """
    question = ("sre", source)
    program = _MEMO.answer(question, lambda: _program(source))
    try:
        return _sre.compile(source, *program)
    except (RuntimeError, TypeError, ValueError):
        _MEMO.forget(question)
        return re.compile(source)


def _program(source: str) -> tuple:
    """``re._compiler.compile``'s arguments to ``_sre.compile`` for ``source``, after the source."""
    parsed = sre_parse.parse(source)
    groups = parsed.state.groupdict
    names = [None] * parsed.state.groups
    for name, number in groups.items():
        names[number] = name
    code = [int(word) for word in sre_compile._code(parsed, 0)]  # its opcodes are int subclasses marshal cannot write
    return parsed.state.flags, code, parsed.state.groups - 1, dict(groups), tuple(names)
