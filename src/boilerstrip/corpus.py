"""A corpus as ``(site, text)`` documents, read again for each pass of ``learn``.

The inputs are those of ``clean``: files and folders (``.gz`` too) and JSONL. A JSONL record's
site is the host of its ``url`` field (or of ``group_by``, taken as it is when it is no URL); a
file's site is the first folder below the folder named on the command line.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from .files import Walk
from .jsonl import RecordError, parse, split_ending
from .learn import site_of
from .sources import InputError, Kind, kind_of, read_document


@dataclass(frozen=True)
class Corpus:
    paths: tuple[str, ...]
    field: str = "text"
    group_by: str = "url"
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def documents(self, report: Callable[[str], None] = lambda message: None) -> Iterator[tuple[str, str]]:
        """Every document with its site; what cannot be read is reported and passed over."""
        for source in Walk(self.include, self.exclude).sources(self.paths):
            try:
                if kind_of(source.path) == Kind.JSONL:
                    yield from self._records(source.path, report)
                else:
                    yield _folder_site(source.relative), read_document(source.path).text
            except InputError as error:
                report(str(error))

    def _records(self, name: str, report: Callable[[str], None]) -> Iterator[tuple[str, str]]:
        opener = gzip.open if name.lower().endswith(".gz") else open
        try:
            with opener(name, "rb") as lines:
                for number, line in enumerate(lines, 1):
                    body, _ending = split_ending(line)
                    if not body.strip():
                        continue
                    try:
                        record, text = parse(body, self.field)
                    except RecordError as error:
                        report(f"{name}:{number}: {error}")
                        continue
                    if text is not None:
                        yield _record_site(record.get(self.group_by)), text
        except OSError as error:
            raise InputError(name, error.strerror or str(error)) from None


def _record_site(value: object) -> str:
    text = str(value or "")
    return site_of(text) if "://" in text else text or "unknown"


def _folder_site(relative: str) -> str:
    parts = relative.split(os.sep)
    return parts[0] if len(parts) > 1 else "unknown"


def two_passes(corpus: Corpus, report: Callable[[str], None]) -> tuple[Iterable[tuple[str, str]], Iterable[tuple[str, str]]]:
    """The corpus for counting and again for collecting; errors are reported in the first pass only."""
    return corpus.documents(report), corpus.documents()
