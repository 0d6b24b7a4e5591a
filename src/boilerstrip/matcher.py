"""The enabled rules compiled for speed: most lines are ruled out without running a regex.

Trying every pattern on every line costs some 50 µs a line, mostly in patterns that may start
anywhere (``.{0,80}…``). So each pattern's shape (``patterns.py``) decides how it is tried:

- patterns with a known first character are grouped by the first character of the line, and
  the line runs one combined regex of just the patterns that can start with it;
- patterns that may start anywhere wait until the line contains one of their needles and is
  not longer than their longest match.

Most documents need even less: ``RuleSet.screen`` runs each pattern's gate (``patterns.gate``)
once over the whole document, in C, and the lines no gate stopped at, in documents holding
none of the needles, are never looked at one by one.

The answer is the one the single combined regex gave: the first rule, in pack order, with a
pattern matching the whole line.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from typing import TYPE_CHECKING, NamedTuple

from ahocorasick_rs import AhoCorasick

from .lines import DECORATION, words_and_key
from .patterns import FOLD_TRAPS, Shape, gate, shape

if TYPE_CHECKING:
    from .lines import Line
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
            _Searched(p.order, p.longest, p.shape.needles, p.shape.ignore_case, re.compile(p.expression), p, p.shape.also)
            for p in searched
        )
        scans = {position: _scan(entry) for position, entry in enumerate(self._searched)}
        self._scans = _scan_regexes({position: paths for position, paths in scans.items() if paths}, self._searched)
        self._needle_finders = _needle_finders([(p, e) for p, e in enumerate(self._searched) if not scans[p]])
        led = [p for p in pieces if p not in searched]
        self._led = [(p, re.compile(p.shape.lead) if p.shape.lead else None) for p in led]
        self._by_first: dict[str, tuple[re.Pattern[str], list[_Piece]] | None] = {}
        self._combined: dict[tuple[int, ...], tuple[re.Pattern[str], list[_Piece]]] = {}
        self._led_gates = _gates(((p.pattern, p.rule.case_sensitive) for p in led), anchored=True)
        spans = [rule for rule in self.rules if rule.kind == "span"]
        self._span_rules = spans
        self._span = re.compile("|".join(f"(?P<s{n}>{rule.expression})" for n, rule in enumerate(spans))) if spans else None
        span_patterns = [(pattern, rule.case_sensitive) for rule in spans for pattern in rule.patterns]
        self._span_gates = _gates(span_patterns, anchored=False)
        span_shapes = [shape(pattern, case_sensitive) for pattern, case_sensitive in span_patterns]
        self._span_needles = None if any(s.needles is None for s in span_shapes) else span_shapes

    def __len__(self) -> int:
        return len(self.rules)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def screen(self, text: str) -> Screen:
        """One pass over the whole document: which lines a line or span rule may match at all.

        Gates are read off the patterns (``patterns.gate``), so a line they pass over cannot
        match; where the cheap view of the document is not exact (case folding that changes a
        character's length, the few letters lower() and the regex engine fold differently),
        every line is tried."""
        folded = text.lower()
        if len(folded) != len(text) or (not folded.isascii() and any(trap in folded for trap in FOLD_TRAPS)):
            return Screen(self, None, None, None)
        views = {True: folded, False: text}
        led: set[int] | None = None
        if not self._led_gates.open_lines(views):
            led = set()
            for regex, first, on_folded in self._led_gates.regexes:
                view = views[on_folded]
                led.update(found.end() for found in regex.finditer(view))
                if first.match(view):
                    led.add(0)
        held: dict[tuple[bool, int], set[int]] = {}  # (view, line offset): needles found there
        for on_folded, (finder, _owners) in self._needle_finders.items():
            view = views[on_folded]
            start = end = -1
            for index, found_at, _found_end in finder.find_matches_as_indexes(view, overlapping=True):
                if not start <= found_at < end:
                    start = view.rfind("\n", 0, found_at) + 1
                    end = view.find("\n", found_at) % (len(view) + 1)
                    line_needles = held.setdefault((on_folded, start), set())
                line_needles.add(index)
        searched: dict[int, set[int]] = {}  # line offset: positions in self._searched
        for (on_folded, offset), needles in held.items():
            owners = self._needle_finders[on_folded][1]
            for needle in needles:
                for position, also in owners[needle]:
                    if all(not needles.isdisjoint(group) for group in also):
                        searched.setdefault(offset, set()).add(position)
        for regex, on_folded, positions in self._scans:
            for offset in _lines_holding(regex, views[on_folded]):
                searched.setdefault(offset, set()).update(positions)
        searched_lines = {offset: tuple(self._searched[p] for p in sorted(pieces)) for offset, pieces in searched.items()}
        span_lines: set[int] | None = None
        if not self._span_gates.open_lines(views):
            span_lines = set()
            for regex, _first, on_folded in self._span_gates.regexes:
                span_lines.update(_lines_holding(regex, views[on_folded]))
        return Screen(self, _frozen(led), searched_lines, _frozen(span_lines))

    def match_line(self, key: str) -> Rule | None:
        """The first line or block rule, in pack order, with a pattern matching all of ``key``.

        ``key`` is a line's ``match_text``; no pattern matches an empty one (``rules.py``)."""
        return self._match(key, True, self._searched)

    def _match(self, key: str, led: bool, searched: tuple[_Searched, ...], screened: bool = False) -> Rule | None:
        """``screened``: the line is known to hold a needle of each of ``searched``."""
        if not key:
            return None
        best = None
        if led:
            entry = self._by_first.get(key[0], False)
            if entry is False:
                entry = self._by_first[key[0]] = self._dispatch(key[0])
            if entry is not None:
                regex, pieces = entry
                found = regex.fullmatch(key)
                if found:
                    best = pieces[int(found.lastgroup[1:])]
        if searched:
            best = self._search(key, best, searched, screened)
        return best.rule if best is not None else None

    def _dispatch(self, first: str) -> tuple[re.Pattern[str], list[_Piece]] | None:
        """One regex for the patterns that can start with ``first``, shared by every character
        with the same patterns."""
        led = [piece for piece, lead in self._led if lead is None or lead.fullmatch(first)]
        if not led:
            return None
        signature = tuple(id(piece) for piece in led)
        if signature not in self._combined:
            alternation = "|".join(f"(?P<p{n}>{piece.expression})" for n, piece in enumerate(led))
            self._combined[signature] = (re.compile(alternation), led)
        return self._combined[signature]

    def _search(self, key: str, best: _Piece | None, searched: tuple[_Searched, ...], screened: bool) -> _Piece | None:
        """The first searched pattern before ``best`` whose needle is in ``key`` and that matches.

        A plain loop over tuples: this runs for many lines, and ``any()`` costs more than it."""
        limit = best.order if best is not None else len(self.rules)
        size = len(key)
        folded = None
        trapped = False
        for order, longest, needles, ignore_case, regex, piece, _also in searched:
            if order >= limit:
                break
            if size > longest:
                continue
            if screened:
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
        for found in self._span.finditer(text):
            if found.end() > found.start():
                yield found.start(), found.end(), self._span_rules[int(found.lastgroup[1:])]

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


class _Searched(NamedTuple):
    order: int
    longest: float
    needles: tuple[str, ...]
    ignore_case: bool
    regex: re.Pattern[str]
    piece: _Piece
    also: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Screen:
    """What ``RuleSet.screen`` left to try in one document: the answers are those of the rules.

    Offsets are those of line starts; None stands for every line."""

    rules: RuleSet
    led: frozenset[int] | None
    """The lines a pattern with a known start may match."""
    searched: dict[int, tuple[_Searched, ...]] | None
    """The lines holding the needles of patterns that may start anywhere, with those patterns."""
    span_lines: frozenset[int] | None
    """The lines a span may be in."""

    def match(self, line: Line) -> Rule | None:
        return self._match(line.offset, line.key)

    def spans(self, line: Line) -> Iterator[tuple[int, int, Rule]]:
        if self.span_lines is not None and line.offset not in self.span_lines:
            return iter(())
        return self.rules.spans(line.text)

    def lines(self) -> frozenset[int] | None:
        """The lines any rule may match or hold a span of."""
        if self.led is None or self.searched is None or self.span_lines is None:
            return None
        return self.led.union(self.searched, self.span_lines)

    def may_change(self, text: str) -> bool:
        """Whether a rule matches some line of ``text`` (the screened document): trying the
        lines the gates stopped at costs far less than splitting the document into lines, and
        mostly finds none."""
        tried = self.lines()
        if tried is None:
            return True
        for offset in sorted(tried):
            end = text.find("\n", offset)
            body = text[offset:] if end < 0 else text[offset:end].removesuffix("\r")
            if self._match(offset, words_and_key(body)[1]) is not None or (offset in self.span_lines and any(self.rules.spans(body))):
                return True
        return False

    def _match(self, offset: int, key: str) -> Rule | None:
        led = self.led is None or offset in self.led
        if self.searched is None:
            return self.rules._match(key, led, self.rules._searched)
        return self.rules._match(key, led, self.searched.get(offset, ()), screened=True)


def _frozen(lines: set[int] | None) -> frozenset[int] | None:
    return None if lines is None else frozenset(lines)


_LINE_START = "[\\s" + re.escape(DECORATION) + "]*"
"""The bullets and spaces that ``match_text`` takes off the start of a line before rules see it."""


class _Gates(NamedTuple):
    """The gates of some patterns as one regex per view of the document, and the patterns no
    gate could be read off, which only their needles can rule out."""

    regexes: tuple[tuple[re.Pattern[str], re.Pattern[str], bool], ...]
    """Per view: the regex finding the line breaks a gate passes after, the one for the first
    line, and whether the view is the folded one."""
    ungated: tuple[tuple[tuple[str, ...] | None, bool], ...]
    """Each ungated pattern's needles (None: none) with whether they are folded."""

    def open_lines(self, views: dict[bool, str]) -> bool:
        """Whether an ungated pattern may match somewhere in the document."""
        return any(needles is None or any(n in views[folded] for n in needles) for needles, folded in self.ungated)


def _gates(patterns: Iterable[tuple[str, bool]], anchored: bool) -> _Gates:
    paths: dict[bool, list[tuple[str, ...]]] = {True: [], False: []}
    ungated = []
    for pattern, case_sensitive in patterns:
        folded = not case_sensitive
        pattern_paths = gate(pattern, case_sensitive, folded=folded, anchored=anchored)
        if () in pattern_paths:
            needles = shape(pattern, case_sensitive).needles
            ungated.append((needles, folded))
        else:
            paths[folded].extend(pattern_paths)
    regexes = tuple(
        (re.compile(f"\n(?={_LINE_START}{_trie(view_paths)})" if anchored else _trie(view_paths)), re.compile(f"{_LINE_START}{_trie(view_paths)}"), folded)
        for folded, view_paths in paths.items()
        if view_paths
    )
    return _Gates(regexes, tuple(ungated))


def _trie(paths: Iterable[tuple[str, ...]]) -> str:
    """The paths as one alternation sharing their common starts, so the regex engine tests a
    line's first character once against each distinct first atom, not against every path."""
    root: dict = {}
    for atoms in sorted(paths, key=len):
        node = root
        for atom in atoms:
            if None in node:
                break  # a shorter path already accepts every line this one does
            node = node.setdefault(atom, {})
        else:
            node.clear()
            node[None] = {}

    def source(node: dict) -> str:
        if None in node:
            return ""
        branches = [atom + source(child) for atom, child in node.items()]
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return source(root)


def _needle_finders(
    searched: Iterable[tuple[int, _Searched]],
) -> dict[bool, tuple[AhoCorasick, list[list[tuple[int, tuple]]]]]:
    """One Aho-Corasick automaton per view for every needle of the searched patterns, with, for
    each needle, the patterns it is a first needle of (their position, and the sets of further
    needles they need, as needle numbers): one pass over the document finds which lines hold
    which needles (testing each needle with ``in`` costs a pass each)."""
    searched = list(searched)
    numbers: dict[bool, dict[str, int]] = {True: {}, False: {}}
    for _position, entry in searched:
        for needle in (*entry.needles, *(n for group in entry.also for n in group)):
            numbers[entry.ignore_case].setdefault(needle, len(numbers[entry.ignore_case]))
    owners: dict[bool, list[list[tuple[int, tuple]]]] = {view: [[] for _ in found] for view, found in numbers.items()}
    for position, entry in searched:
        known = numbers[entry.ignore_case]
        also = tuple(frozenset(known[n] for n in group) for group in entry.also)
        for needle in entry.needles:
            owners[entry.ignore_case][known[needle]].append((position, also))
    return {view: (AhoCorasick(list(found)), owners[view]) for view, found in numbers.items() if found}


_COMMON = string.ascii_letters + string.digits + " \täöüßéçñжЖ中"
"""Characters of running text: a gate none of whose first atoms matches one of them starts with
something rare (``|``, ``/``, ``[``), and the regex engine skips to those in C."""


def _scan(entry: _Searched) -> list[tuple[str, ...]] | None:
    """The unanchored gate of a searched pattern, when it starts with rare characters only: then
    searching the document for it beats finding its needles."""
    case_sensitive = not entry.ignore_case
    paths = gate(entry.piece.pattern, case_sensitive, folded=entry.ignore_case, anchored=False)
    if not paths or () in paths or any(not _single(atoms[0]) or re.match(atoms[0], char) for atoms in paths for char in _COMMON):
        return None
    return paths


def _single(atom: str) -> bool:
    """A literal character or a positive class: an atom that fits inside another class."""
    return len(atom) == 1 or (len(atom) == 2 and atom[0] == "\\") or (atom.startswith("[") and not atom.startswith("[^") and atom.endswith("]") and atom.count("[") == 1)


def _scan_regexes(scans: dict[int, list[tuple[str, ...]]], searched: tuple[_Searched, ...]) -> tuple:
    """Per view, one regex of the scanned patterns' gates and the positions of those patterns."""
    regexes = []
    for folded in (True, False):
        positions = [p for p in scans if searched[p].ignore_case is folded]
        if positions:
            paths = [path for p in positions for path in scans[p]]
            # One class of every first atom up front, so the engine skips to those characters
            # in C; each path then checks its own first atom looking back.
            first = "".join(sorted({atoms[0].strip("[]") if atoms[0].startswith("[") else atoms[0] for atoms in paths}))
            rest = _trie((f"(?<={atoms[0]})", *atoms[1:]) for atoms in paths)
            regexes.append((re.compile(f"[{first}]{rest}"), folded, frozenset(positions)))
    return tuple(regexes)


def _lines_holding(regex: re.Pattern[str], text: str) -> Iterator[int]:
    """The offset of each line where ``regex`` matches: one search per such line."""
    found = regex.search(text)
    while found:
        yield text.rfind("\n", 0, found.start()) + 1
        after = text.find("\n", found.start())
        if after < 0:
            return
        found = regex.search(text, after + 1)


def _is_broad(lead: str | None) -> bool:
    if lead is None:
        return True
    regex = re.compile(lead)
    return sum(1 for letter in _LETTERS if regex.fullmatch(letter)) >= BROAD_LEAD
