"""Files on disk: finding inputs in folders, naming outputs, replacing a file whole or not at all."""

from __future__ import annotations

import contextlib
import fnmatch
import gzip
import io
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from io import FileIO
from pathlib import PurePosixPath

from .sources import HTML_SUFFIXES, JSONL_SUFFIXES, STDIN, Kind, base_name

TEXT_SUFFIXES = (".txt", ".md")
RECOGNISED = (*TEXT_SUFFIXES, *HTML_SUFFIXES, *JSONL_SUFFIXES)
"""Suffixes a folder walk picks up, each also with ``.gz`` after it."""
DEFAULT_EXCLUDE = (".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "node_modules", "__pycache__")
"""Folders nobody wants walked, as black and ruff skip them."""


@dataclass(frozen=True)
class Source:
    """One input file and the name it has below its output folder."""

    path: str
    relative: str
    """Path below the folder that was named on the command line (the file's name for a file)."""


def is_gzip_name(name: str) -> bool:
    return name.lower().endswith(".gz")


def is_recognised(name: str) -> bool:
    return base_name(name).lower().endswith(RECOGNISED)


class Walk:
    """The files to clean under the given paths, in a stable order, and those passed over.

    Files named on the command line are always taken (as black and ruff do); inside folders a
    file is taken when it matches ``include`` (default: a recognised suffix) and no ``exclude``
    glob. A glob matches the path below the named folder or any single name in it.
    """

    def __init__(self, include: Iterable[str] = (), exclude: Iterable[str] = (), skip_dirs: Iterable[str] = ()):
        self.include = _globs(include)
        self.exclude = _globs((*DEFAULT_EXCLUDE, *exclude))
        self.skip_dirs = {os.path.realpath(d) for d in skip_dirs}
        self.passed_over: list[str] = []
        """Files in folders that ``include`` does not take, for ``--verbose``."""
        self.special: list[str] = []
        """Messages for what a folder held that is not a regular file (a FIFO, a socket, a
        device): opening one could block the run for ever, so it is left alone."""

    def sources(self, paths: Iterable[str]) -> Iterator[Source]:
        for path in paths:
            if path != STDIN and os.path.isdir(path):
                yield from self._walk(path, "")
            else:
                yield Source(path, os.path.basename(path) or path)  # named: read even if a FIFO, as cat does

    def _walk(self, folder: str, prefix: str) -> Iterator[Source]:
        """Files first, then sub-folders, each in name order; links to folders are not followed
        and an unreadable folder is passed over, as ``os.walk`` does."""
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            return
        folders = []
        for entry in entries:
            relative = prefix + entry.name
            if self._excluded(relative):
                continue
            if _is_folder(entry):
                if not entry.is_symlink() and os.path.realpath(entry.path) not in self.skip_dirs:
                    folders.append(entry)
            elif not self._included(relative):
                self.passed_over.append(entry.path)
            elif (what := _special(entry)) is not None:
                self.special.append(f"{entry.path}: {what}, not a regular file; left alone")
            else:
                yield Source(entry.path, relative)
        for entry in folders:
            yield from self._walk(entry.path, prefix + entry.name + os.sep)

    def _excluded(self, relative: str) -> bool:
        return _matches(relative, self.exclude)

    def _included(self, relative: str) -> bool:
        return _matches(relative, self.include) if self.include else is_recognised(relative)


def _is_folder(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a link to itself: reading it says so
        return False


def _special(entry: os.DirEntry) -> str | None:
    """What kind of special file ``entry`` is (through a link), or None for a regular file and
    for a link that cannot be followed (reading it then says why)."""
    try:
        if entry.is_file():
            return None
        mode = entry.stat().st_mode
    except OSError:
        return None
    kinds = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))
    return next((what for test, what in kinds if test(mode)), "a special file")


def _globs(globs: Iterable[str]) -> re.Pattern[str] | None:
    """All the globs as one regex, as ``fnmatch`` would read each (once, not per file)."""
    globs = list(globs)
    return re.compile("|".join(fnmatch.translate(glob) for glob in globs)) if globs else None


def _matches(relative: str, globs: re.Pattern[str] | None) -> bool:
    if globs is None:
        return False
    path = PurePosixPath(relative.replace(os.sep, "/"))
    return any(globs.match(name) for name in (str(path), *path.parts))


def file_size(name: str) -> int:
    """Bytes on disk, or 0 for what cannot be read: progress only, reading reports the error."""
    try:
        return os.path.getsize(name)
    except OSError:
        return 0


def output_name(relative: str, kind: Kind) -> str:
    """Cleaned HTML is text, so ``page.html(.gz)`` becomes ``page.txt(.gz)``; other names stay."""
    if kind != Kind.HTML:
        return relative
    gz = ".gz" if is_gzip_name(relative) else ""
    stem, _suffix = os.path.splitext(base_name(relative))
    return stem + ".txt" + gz


class PlanError(ValueError):
    """Outputs that cannot all be written without losing something; nothing has been written."""


def check_outputs(plan: Iterable[tuple[str, str]]) -> None:
    """Refuse a plan of ``(input, output)`` pairs in which two inputs would be written to one
    output (``a/x.txt`` and ``b/x.txt``, ``page.html`` and ``page.txt``) or an output would
    replace an input. Decided before anything is written, so a refused run changes nothing."""
    plan = list(plan)
    inputs = {_identity(source): source for source, _target in plan}
    writers: dict[str, str] = {}
    for source, target in plan:
        key = _identity(target)
        if key in inputs:
            raise PlanError(f"{source}: its output {target} would overwrite the input {inputs[key]}")
        if key in writers:
            raise PlanError(f"{source} and {writers[key]} would both be written to {target}")
        writers[key] = source


def _identity(path: str) -> str:
    """One name per file whatever the spelling (``./a``, ``b/../a``, a symlink): its real path,
    case-folded on Windows."""
    return os.path.normcase(os.path.realpath(path))


def nested_output(out_dir: str, paths: Iterable[str]) -> str | None:
    """The input folder that contains ``out_dir``, if any: cleaning it would clean our own output."""
    out = os.path.realpath(out_dir)
    for path in paths:
        if path != STDIN and os.path.isdir(path):
            top = os.path.realpath(path)
            if out == top or out.startswith(top + os.sep):
                return path
    return None


class NotReplaceable(OSError):
    """A file that cleaning in place would change in more than its text; it is left as it is.
    The message says why, without the file's name."""


def in_place_target(path: str) -> str:
    """The file that cleaning ``path`` in place replaces: a symlink's target, so the link stays
    a link (to the cleaned file)."""
    return os.path.realpath(path)


def replaceable(path: str) -> os.stat_result:
    """``path``'s status, for its replacement to take on (``AtomicFile(like=...)``).

    A file with several hard links is refused: a new file in its place would be a copy that the
    other names no longer share, and writing through the shared inode is not atomic.
    """
    status = os.stat(path)
    if status.st_nlink > 1:
        raise NotReplaceable(f"has {status.st_nlink} hard links, left as it is (a new file would split them); clean a copy with -o DIR")
    return status


class AtomicFile:
    """A temporary file beside ``path`` that replaces it on ``commit``; ``discard`` leaves no trace.

    ``os.replace`` within one folder is atomic, so a reader (or a crash) sees the old file or the
    new one, never a half-written one. Every byte is written (a buffered writer retries short
    writes and raises on a full disk) and flushed before the rename; ``durable`` also syncs it
    to the device first, for files replaced in place. ``like`` is the status of the file being
    replaced: the new one takes its owner, group and permission bits.
    """

    def __init__(self, path: str, like: os.stat_result | None = None, compress: bool = False, durable: bool = False):
        self.path = path
        self.durable = durable
        descriptor, self.temporary = _create_beside(path)
        try:
            if like is not None:
                _take_on(descriptor, like)
            self.handle = io.BufferedWriter(FileIO(descriptor, "wb"), WRITE_BUFFER)
        except BaseException:  # a refusal, or a signal: no temporary is left behind
            os.close(descriptor)
            os.unlink(self.temporary)
            raise
        self.stream = gzip.GzipFile(fileobj=self.handle, mode="wb", mtime=0) if compress else self.handle

    def write(self, data: bytes) -> None:
        self.stream.write(data)

    def append_file(self, name: str) -> None:
        """Append another file's bytes, copied by the kernel where it can (not across file
        systems: then, or on any refusal, by a plain copy from where the kernel stopped)."""
        with open(name, "rb") as source:
            if self.stream is self.handle and hasattr(os, "copy_file_range"):
                self.handle.flush()
                size = os.fstat(source.fileno()).st_size
                with contextlib.suppress(OSError):  # EXDEV, ENOSYS, EINVAL: the plain copy below does it
                    while size > 0 and (copied := os.copy_file_range(source.fileno(), self.handle.fileno(), size)):
                        size -= copied
                if size == 0:
                    return
            shutil.copyfileobj(source, self.stream)

    def commit(self) -> None:
        try:
            if self.stream is not self.handle:
                self.stream.close()  # the gzip trailer; the file itself stays open
            self.handle.flush()
            if self.durable:
                os.fsync(self.handle.fileno())
            self.handle.close()
            os.replace(self.temporary, self.path)
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        with contextlib.suppress(OSError, ValueError):  # the data is thrown away; a failing flush changes nothing
            self.stream.close()
        with contextlib.suppress(OSError, ValueError):
            self.handle.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.temporary)


WRITE_BUFFER = 1 << 16


def _take_on(descriptor: int, status: os.stat_result) -> None:
    """Give a new file the owner, group and permission bits of the one it replaces (the owner
    first: changing it clears set-user-ID bits). Only root may give a file away, so another
    user's file is refused rather than silently becoming ours."""
    own = os.fstat(descriptor)
    if (own.st_uid, own.st_gid) != (status.st_uid, status.st_gid):
        try:
            os.fchown(descriptor, status.st_uid, status.st_gid)
        except PermissionError:
            raise NotReplaceable("its owner or group could not be kept; left as it is") from None
    os.fchmod(descriptor, stat.S_IMODE(status.st_mode))


def write_atomic(path: str, data: bytes, like: os.stat_result | None = None, compress: bool = False, durable: bool = False) -> None:
    target = AtomicFile(path, like, compress, durable)
    try:
        target.write(data)
    except BaseException:
        target.discard()
        raise
    target.commit()


def _create_beside(path: str) -> tuple[int, str]:
    """A new, empty temporary file in ``path``'s folder (made if missing), with the mode a new
    file gets (0o666 less the umask). A file per document: the fewer system calls the better,
    so the folder is only made when the file cannot be."""
    folder = os.path.dirname(path) or "."
    _sweep_once(folder, _LEFTOVER_TEMPORARY)
    prefix = os.path.join(folder, f".{_shortened(os.path.basename(path))}.{os.getpid()}.")
    for attempt in range(TEMPORARY_ATTEMPTS):
        temporary = f"{prefix}{time.monotonic_ns()}.{attempt}.tmp"
        try:
            return os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666), temporary
        except FileExistsError:
            continue
        except FileNotFoundError:
            os.makedirs(folder, exist_ok=True)
    raise FileExistsError(f"{path}: no free temporary name beside it")


TEMPORARY_ATTEMPTS = 100
TEMPORARY_STEM_BYTES = 180
"""A file name may take 255 bytes; the temporary's adds some 40 to the name it is for."""
_LEFTOVER_TEMPORARY = re.compile(r"\..+\.(\d+)\.\d+\.\d+\.tmp", re.DOTALL)
"""``.NAME.PID.CLOCK.ATTEMPT.tmp``: a temporary of ``_create_beside``, and the process writing it."""
_LEFTOVER_SPOOL = re.compile(r"boilerstrip-(\d+)-.+\.jsonl", re.DOTALL)
"""A worker's spool (``Spool``), and the process that wrote it."""
_swept: set[tuple[str, re.Pattern[str]]] = set()


class Spool:
    """A new temporary file holding a worker's output (a cleaned JSONL chunk, a big document for
    stdout), which the main process copies on and removes: every byte is in it once ``commit``
    returns, and ``discard`` leaves no file."""

    def __init__(self):
        folder = tempfile.gettempdir()
        _sweep_once(folder, _LEFTOVER_SPOOL)
        descriptor, self.path = tempfile.mkstemp(prefix=f"boilerstrip-{os.getpid()}-", suffix=".jsonl", dir=folder)
        self.handle = io.BufferedWriter(FileIO(descriptor, "wb"))  # a short write is retried, a full disk raises

    def write(self, data: bytes) -> None:
        self.handle.write(data)

    def commit(self) -> None:
        try:
            self.handle.close()
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.handle.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


def write_spool(data: bytes) -> str:
    """``data`` in a new ``Spool`` (every byte, or an exception and no file); its name."""
    spool = Spool()
    try:
        spool.write(data)
    except BaseException:  # a full disk, or told to stop: no spool is left behind
        spool.discard()
        raise
    spool.commit()
    return spool.path


def _sweep_once(folder: str, leftover: re.Pattern[str]) -> None:
    """Remove what a run killed outright (SIGKILL, a power cut) left in ``folder``: files named as
    ours whose writing process no longer runs. Once per folder and process, before it writes
    there; a live run's files (its process runs) are never touched."""
    if (folder, leftover) in _swept:
        return
    _swept.add((folder, leftover))
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            found = leftover.fullmatch(entry.name)
            if found and not _running(int(found[1])) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process, or not a process id: not ours to judge
    return True


def _shortened(name: str) -> str:
    """``name`` cut to ``TEMPORARY_STEM_BYTES`` bytes (not inside a character), so the temporary
    beside a file with a name near the limit still has a legal name."""
    encoded = os.fsencode(name)
    if len(encoded) <= TEMPORARY_STEM_BYTES:
        return name
    return os.fsdecode(encoded[:TEMPORARY_STEM_BYTES].decode("utf-8", "ignore").encode("utf-8"))
