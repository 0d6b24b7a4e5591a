"""Settings as data: what a run is asked to do, decided once from flags and settings files.

Frozen, hashable and picklable, so they key caches and travel to worker processes whole.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class RuleSelection:
    """Which rules run: ruff-style selectors (rule ids, old ids, categories), languages, and
    the user's own packs. Each takes a string (``"credit,ad"``) or a list of them alike."""

    select: tuple[str, ...] = ()
    """Only these (empty: every rule)."""
    ignore: tuple[str, ...] = ()
    """Never these; wins over ``select`` and ``extend``."""
    extend: tuple[str, ...] = ()
    """These as well as ``select`` (ruff's ``extend-select``)."""
    languages: tuple[str, ...] = ()
    """Only patterns for these languages (empty: every language)."""
    packs: tuple[str, ...] = ()
    """Paths of extra rule packs."""

    def __post_init__(self) -> None:
        for name in ("select", "ignore", "extend", "languages"):
            object.__setattr__(self, name, selectors(getattr(self, name)))
        packs = self.packs
        object.__setattr__(self, "packs", (str(packs),) if isinstance(packs, str | os.PathLike) else tuple(map(str, packs)))


def selectors(values: str | Iterable[str]) -> tuple[str, ...]:
    """``"a,b"``, ``["a,b", "c"]`` and ``("a", "b", "c")`` name the same selectors, as
    ``--select a,b --select c`` does on the command line."""
    values = (values,) if isinstance(values, str) else values
    return tuple(item.strip() for value in values for item in value.split(",") if item.strip())


class Action(StrEnum):
    CLEAN = "clean"
    """Write cleaned text: to stdout, to ``-o DIR``."""
    IN_PLACE = "in-place"
    """Rewrite each changed file itself."""
    DIFF = "diff"
    """Show what would go; change nothing."""
    CHECK = "check"
    """Report what would go as findings; change nothing."""

    @property
    def writes(self) -> bool:
        return self in (Action.CLEAN, Action.IN_PLACE)


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    GITHUB = "github"


class InputFormat(StrEnum):
    AUTO = "auto"
    TEXT = "text"
    HTML = "html"
    JSONL = "jsonl"


@dataclass(frozen=True)
class RunOptions:
    """Everything a unit of work needs to know, sent once to each worker process."""

    rules: RuleSelection = RuleSelection()
    action: Action = Action.CLEAN
    output_format: OutputFormat = OutputFormat.TEXT
    input_format: InputFormat = InputFormat.AUTO
    field: str = "text"
    """The JSONL field holding the text."""
    keep_empty: bool = True
    """JSONL: keep records left without text."""
    stdin_filename: str | None = None
    """The name stdin's document goes by: its kind and the name in messages (ruff's flag)."""
    findings: bool = True
    """``check``: report each finding (off for ``--statistics``, which only counts them)."""
    max_bytes: int = 256_000_000
    """A file larger than this (uncompressed) is not read into memory: cleaning holds a few
    copies of a document, so this bounds the memory a run can take."""


@dataclass(frozen=True)
class LearnSettings:
    """How sure a repeat must be before it is learned, and how much memory counting may use."""

    min_docs: int = 5
    min_share: float = 0.2
    long_words: int = 12
    """A line of more words is a sentence: it is learned only at ``long_share``."""
    long_share: float = 0.8
    """Share of the site's pages a long or cross-site line must appear on, verbatim."""
    max_entries: int = 1_000_000
    """Lines held over all sites in either pass: counts (about 100 bytes each), then candidates with
    their forms. Past it the counts furthest from their threshold go; see ``Learner.level``."""
    min_chars: int = 3
