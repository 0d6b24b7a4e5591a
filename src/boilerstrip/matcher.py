"""The enabled rules compiled for speed: most lines are ruled out without running a regex.

Trying every pattern on every line costs some 50 µs a line, mostly in patterns that may start
anywhere (``.{0,80}…``). So each pattern's shape (``patterns.py``) decides how it is tried:

- patterns with a known first character are grouped by the first character of the line, and
  the line runs one combined regex of just the patterns that can start with it;
- patterns that may start anywhere wait until the line contains one of their needles and is
  not longer than their longest match.

Most lines need even less: ``RuleSet.screen`` (``screen.py``) looks at the whole document
once, and only the lines it stops at are asked about.

The answer is the one the single combined regex gave: the first rule, in pack order, with a
pattern matching the whole line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

from typing import TYPE_CHECKING, NamedTuple

from .patterns import FOLD_TRAPS, Shape, after_blanks, shape
from .screen import Screen, Screener, gate_check, trie

if TYPE_CHECKING:
    from .rules import Rule

BROAD_LEAD = 40
"""A pattern whose first character may be most letters, either case, gains little from grouping
by it; when it has needles it is searched for instead."""
_LETTERS = [chr(c) for c in range(ord("a"), ord("z") + 1)] + [chr(c) for c in range(ord("A"), ord("Z") + 1)]


@dataclass(frozen=True)
class _Piece:
    """One pattern of one rule, with what its shape lets the matcher skip."""

    order: int
    rule: Rule
    pattern: str
    shape: Shape

    @property
    def expression(self) -> str:
        return f"(?{'i' if self.shape.ignore_case else '-i'}:{self.pattern})"

    @property
    def longest(self) -> float:
        return float("inf") if self.shape.longest is None else self.shape.longest


class RuleSet:
    """The enabled rules; ``screen`` a document, then ask its ``Screen`` about each line."""

    def __init__(self, rules: Iterable[Rule]):
        self.rules = tuple(rules)
        line_rules = [rule for rule in self.rules if rule.kind != "span"]
        pieces = [
            _Piece(order, rule, pattern, shape(pattern, rule.case_sensitive))
            for order, rule in enumerate(line_rules)
            for pattern in rule.patterns
        ]
        searched = [p for p in pieces if p.shape.needles and _is_broad(p.shape.lead)]
        self._searched = tuple(
            Searched(
                p.order,
                p.longest,
                p.shape.needles,
                p.shape.ignore_case,
                re.compile(p.expression),
                p,
                p.shape.also,
                gate_check(p.pattern, p.rule.case_sensitive),
            )
            for p in searched
        )
        led = [p for p in pieces if p not in searched]
        self._led = [(p, re.compile(p.shape.lead) if p.shape.lead else None) for p in led]
        self._wide = [p for p, lead in self._led if _letters(lead) >= WIDE_LEAD]
        self._narrow = [(p, lead) for p, lead in self._led if _letters(lead) < WIDE_LEAD]
        self._by_first: dict[str, tuple[re.Pattern[str], list[_Piece]] | None] = {}
        self._combined: dict[tuple[int, ...], tuple[re.Pattern[str], list[_Piece]]] = {}
        spans = [rule for rule in self.rules if rule.kind == "span"]
        self._span_rules = spans
        self._span = re.compile("|".join(f"(?P<s{n}>{rule.expression})" for n, rule in enumerate(spans))) if spans else None
        span_patterns = [(pattern, rule.case_sensitive) for rule in spans for pattern in rule.patterns]
        starts = [(after_blanks(pattern, case_sensitive), case_sensitive) for pattern, case_sensitive in span_patterns]
        self._span_starts = None
        if spans and all(paths for paths, _ in starts):
            alternation = "|".join(f"(?{'-i' if cs else 'i'}:{trie(paths)})" for paths, cs in starts)
            self._span_starts = re.compile(alternation)
        span_shapes = [shape(pattern, case_sensitive) for pattern, case_sensitive in span_patterns]
        self._span_needles = None if any(s.needles is None for s in span_shapes) else span_shapes
        self._span_patterns = span_patterns

    def __len__(self) -> int:
        return len(self.rules)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    @cached_property
    def _screener(self) -> Screener:
        """Built on first use: a process that only checks the packs (the main one, with
        ``--jobs``) never pays for it."""
        led = ((piece.pattern, piece.rule.case_sensitive) for piece, _lead in self._led)
        return Screener(led, self._searched, self._span_patterns)

    def screen(self, text: str) -> Screen:
        """Where in ``text`` a rule may match at all (``screen.py``): ask the result about lines."""
        return self._screener.screen(self, text)

    def match_line(self, key: str) -> Rule | None:
        """The first line or block rule, in pack order, with a pattern matching all of ``key``.

        ``key`` is a line's ``match_text``; no pattern matches an empty one (``rules.py``)."""
        return self.match_screened(key, True, None)

    def match_screened(self, key: str, led: bool, searched: tuple[Searched, ...] | None) -> Rule | None:
        """``match_line`` for a line the screen passed: the patterns with a known start only if
        ``led``; of the others, ``searched`` (None: all, each behind its needles; else the line
        is known to hold a needle of each)."""
        if not key:
            return None
        best = None
        if led:
            entry = self._by_first.get(key[0], False)
            if entry is False:
                entry = self._by_first[key[0]] = self._dispatch(key[0])
            if entry is not None:
                found = entry[0].fullmatch(key)
                if found:
                    best = entry[1][int(found.lastgroup[1:])]
            if self._wide:
                found = self._wide_regex.fullmatch(key)
                if found:
                    piece = self._wide[int(found.lastgroup[1:])]
                    if best is None or piece.order < best.order:
                        best = piece
        if searched is None:
            best = self._search(key, best, self._searched, screened=False)
        elif searched:
            best = self._search(key, best, searched, screened=True)
        return best.rule if best is not None else None

    def _dispatch(self, first: str) -> tuple[re.Pattern[str], list[_Piece]] | None:
        """One regex for the patterns that can start with ``first``, shared by every character
        with the same patterns; and by both cases of a letter, which halves the regexes to
        compile (a few milliseconds each) for a few more patterns to try."""
        cases = {first, first.lower(), first.upper()}
        led = [piece for piece, lead in self._narrow if lead is None or any(lead.fullmatch(c) for c in cases)]
        if not led:
            return None
        signature = tuple(id(piece) for piece in led)
        if signature not in self._combined:
            self._combined[signature] = (_alternation(led), led)
        return self._combined[signature]

    @cached_property
    def _wide_regex(self) -> re.Pattern[str]:
        """The patterns that may start with most letters, in one regex compiled once, rather than
        in the regex of nearly every first character."""
        return _alternation(self._wide)

    def _search(self, key: str, best: _Piece | None, searched: tuple[Searched, ...], screened: bool) -> _Piece | None:
        """The first searched pattern before ``best`` whose needle is in ``key`` and that matches.

        A plain loop over tuples: this runs for many lines, and ``any()`` costs more than it."""
        limit = best.order if best is not None else len(self.rules)
        size = len(key)
        folded = None
        trapped = False
        for order, longest, needles, ignore_case, regex, piece, _also, check in searched:
            if order >= limit:
                break
            if size > longest:
                continue
            if screened:  # the document's folded view is exact, so is the line's
                if check is not None:
                    if folded is None:
                        folded = key.lower()
                    if not check.search(folded):
                        continue
                if regex.fullmatch(key):
                    return piece
                continue
            haystack = key
            if ignore_case:
                if folded is None:
                    folded = key.lower()
                    trapped = not folded.isascii() and any(trap in folded for trap in FOLD_TRAPS)
                haystack = folded
            if not (ignore_case and trapped):
                for needle in needles:
                    if needle in haystack:
                        break
                else:
                    continue
            if regex.fullmatch(key):
                return piece
        return best

    def spans(self, text: str) -> Iterator[tuple[int, int, Rule]]:
        """Non-overlapping span matches inside one line, skipped when no span needle is in it."""
        if self._span is None or not self._may_hold_span(text):
            return
        if self._span_starts is None:
            for found in self._span.finditer(text):
                if found.end() > found.start():
                    yield found.start(), found.end(), self._span_rules[int(found.lastgroup[1:])]
            return
        # finditer's answers, without trying the span regex at every character of a long line:
        # a match starts on the whitespace run before a place where its start gate matches.
        position = 0
        while (start := self._span_starts.search(text, position)) is not None:
            begin = start.start()
            while begin > position and text[begin - 1].isspace():
                begin -= 1
            found = self._span.match(text, begin)
            if found and found.end() > found.start():
                yield found.start(), found.end(), self._span_rules[int(found.lastgroup[1:])]
                position = found.end()
            else:
                position = start.start() + 1

    def _may_hold_span(self, text: str) -> bool:
        if self._span_needles is None:
            return True
        folded = None
        for span_shape in self._span_needles:
            haystack = text
            if span_shape.ignore_case:
                if folded is None:
                    folded = text.lower()
                    if not folded.isascii() and any(trap in folded for trap in FOLD_TRAPS):
                        return True
                haystack = folded
            if any(needle in haystack for needle in span_shape.needles):
                return True
        return False


class Searched(NamedTuple):
    """A pattern that may start anywhere in a line: tried where its needles are."""

    order: int
    longest: float
    needles: tuple[str, ...]
    ignore_case: bool
    regex: re.Pattern[str]
    piece: _Piece
    also: tuple[tuple[str, ...], ...]
    check: re.Pattern[str] | None
    """Its gate on the folded line, searched for first on screened lines (``gate_check``)."""


WIDE_LEAD = 20
"""A pattern with a known start whose first character may be this many letters (of the 52, either
case) or more is tried on every line its gate passes, not grouped by first character."""


def _alternation(pieces: list[_Piece]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?P<p{n}>{piece.expression})" for n, piece in enumerate(pieces)))


def _letters(lead: re.Pattern[str] | None) -> int:
    if lead is None:
        return len(_LETTERS)
    return sum(1 for letter in _LETTERS if lead.fullmatch(letter))


def _is_broad(lead: str | None) -> bool:
    return _letters(re.compile(lead) if lead is not None else None) >= BROAD_LEAD
