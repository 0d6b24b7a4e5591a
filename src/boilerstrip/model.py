"""The vocabulary every layer speaks: a line, a rule, a removal, a result.

Plain data, importing nothing of ours, so any module may use it without pulling in the engine.
"""

from __future__ import annotations

from dataclasses import dataclass

ANY_LANGUAGE = "*"


@dataclass(slots=True)
class Line:
    """One line of the input: its text without the ending, the ending, and where it starts.

    Not frozen: a document is split into thousands of them, and a frozen dataclass takes four
    times as long to build. Nothing changes a Line after ``lines.split_lines``."""

    number: int
    """1-based line number, as editors and `check` output show it."""
    text: str
    ending: str
    """``"\\n"``, ``"\\r\\n"`` or ``""`` for a last line without one."""
    offset: int
    """Character offset of the line's first character in the input."""
    words: int
    """Whitespace-separated tokens: cheap, and good enough to tell a heading from a paragraph."""

    @property
    def is_blank(self) -> bool:
        return self.words == 0

    @property
    def end(self) -> int:
        """Offset just past the line's ending."""
        return self.offset + len(self.text) + len(self.ending)


@dataclass(frozen=True, slots=True)
class Pattern:
    """One regular expression of a rule, and the languages it is written for."""

    regex: str
    languages: tuple[str, ...] = (ANY_LANGUAGE,)

    def speaks(self, languages: frozenset[str]) -> bool:
        """Whether the pattern is for one of ``languages`` (any pattern, when none are named)."""
        return not languages or ANY_LANGUAGE in self.languages or not languages.isdisjoint(self.languages)


@dataclass(frozen=True)
class Rule:
    """One concept of boilerplate, in every language it has patterns for, with the evidence
    (examples and counterexamples) that it is matched right."""

    id: str
    kind: str
    """``line``, ``block`` or ``span``."""
    description: str
    patterns: tuple[Pattern, ...]
    examples: tuple[str, ...]
    counterexamples: tuple[str, ...]
    source: str
    """The pack file it came from, for messages."""
    case_sensitive: bool = False
    weak: bool = False
    """A weak line is boilerplate only when its neighbours are: a lone "Newsletter" can be a heading."""
    in_article: bool = False
    """Line rules: such a line stands inside articles (an image's credit, an ad label), so at the
    document's end the short lines after it are the article going on, not a footer to take along."""
    extent: str = "short"
    """Blocks only: ``short`` takes the short lines that follow, ``end`` the rest of the document."""
    max_lines: int = 12
    max_words: int = 16
    """Blocks only: a following line with more words than this ends a ``short`` block."""
    aliases: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Ids the concept had before, each with the languages of the patterns it stood for."""
    shipped: bool = False
    """From the packs boilerstrip ships: reviewed, and matched by ``re``; a user's rule is matched
    by RE2, in linear time (``linear.py``)."""

    @property
    def category(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def languages(self) -> tuple[str, ...]:
        """Every language a pattern of the rule is for, in the order the pack gives them."""
        return tuple(dict.fromkeys(language for pattern in self.patterns for language in pattern.languages))

    @property
    def expression(self) -> str:
        """All patterns as one group, with the rule's case sensitivity scoped to it."""
        flag = "-i" if self.case_sensitive else "i"
        return f"(?{flag}:" + "|".join(f"(?:{p.regex})" for p in self.patterns) + ")"


@dataclass(slots=True, unsafe_hash=True)
class Removal:
    """One deleted piece: where it was, what it said and which rule took it.

    Not frozen, as ``Line`` is not: a document of boilerplate lines makes a removal of nearly
    every line, and a frozen dataclass took seven times as long to build (1.4 µs). Nothing
    changes a Removal after the engine makes it, and it hashes by its fields, as a frozen one."""

    line: int
    """First line (1-based)."""
    end_line: int
    """Last line, inclusive."""
    start: int
    """Character offset in the input where the deleted text starts."""
    end: int
    text: str
    rule: str
    context: bool = False
    """True when neighbours decided (a short line between boilerplate), not the rule's pattern."""

    @property
    def category(self) -> str:
        return self.rule.split(".", 1)[0]


@dataclass(frozen=True, slots=True)
class Result:
    """The clean text and the record of every deletion that produced it."""

    text: str
    removals: tuple[Removal, ...]

    @property
    def changed(self) -> bool:
        return bool(self.removals)
