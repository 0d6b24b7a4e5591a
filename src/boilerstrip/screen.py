"""One pass over a whole document, in C, before any line is looked at on its own.

Most lines of an article are prose no rule can match, and splitting a document into lines and
asking the matcher about each costs more than every regex the rules run. So the screen asks the
document, not its lines, where a rule may match:

- patterns with a known start have gates (``patterns.gate``): what every match starts with,
  spelled as a trie, tried by one regex at every line break;
- patterns that may start anywhere (and span patterns) are found by their gate when it starts
  with characters rare in running text (``|``, ``(``), which the regex engine skips to in C, or
  else by their needles, all found in one Aho-Corasick pass.

Every test accepts more than the pattern it stands for, so a line the screen passes over cannot
match. Only the lines it stops at are tried, and a document where none matches is returned
untouched without being split (``engine.clean``). The screen runs on the document lower-cased
(``str.lower``), where that view is exact; when it is not, every line is tried.
"""

from __future__ import annotations

import re
import re._parser as sre_parse  # noqa: PLC2701 - the only parser of Python's regex dialect
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from re._constants import IN, LITERAL, RANGE  # noqa: PLC2701

from ahocorasick_rs import AhoCorasick

from .lines import DECORATION, key_of
from .patterns import FOLD_TRAPS, gate, shape

if TYPE_CHECKING:
    from .lines import Line
    from .matcher import RuleSet, Searched
    from .rules import Rule

SPAN = -1
"""The target standing for every span pattern (searched patterns are targets by position)."""
LED = -2
"""The target standing for the patterns with a known start found by needles, not a gate."""
_LINE_START = "[\\s" + re.escape(DECORATION) + "]*"
"""The bullets and spaces that ``match_text`` takes off the start of a line before rules see it."""
_COMMON = frozenset(string.ascii_letters + string.digits + string.whitespace + "äöüßéçñжЖ中")
"""Characters of running text: a gate that can start with none of them is worth trying where
its first character is found."""


@dataclass(slots=True)
class Screen:
    """What the screen left to try in one document; the answers are still the rules'.

    Offsets are those of line starts; None stands for every line. ``find`` then tries those
    lines, and from there on the screen knows the answer for every line."""

    rules: RuleSet
    led: set[int] | None
    """The lines a pattern with a known start may match."""
    searched: dict[int, tuple[Searched, ...]] | None
    """The lines where a pattern that may start anywhere may match, with those patterns."""
    span_lines: set[int] | None
    """The lines a span may be in; after ``find``, the lines holding one."""
    found: dict[int, Rule] | None = None
    """After ``find``: the lines a line or block rule matches, with the first such rule."""

    def match(self, line: Line) -> Rule | None:
        if self.found is not None:
            return self.found.get(line.offset)
        return self._match(line.offset, line.key)

    def spans(self, line: Line) -> Iterator[tuple[int, int, Rule]]:
        if self.span_lines is not None and line.offset not in self.span_lines:
            return iter(())
        return self.rules.spans(line.text)

    def lines(self) -> set[int] | None:
        """The lines any rule may match or hold a span of."""
        if self.found is not None:
            return self.span_lines.union(self.found)
        if self.led is None or self.searched is None or self.span_lines is None:
            return None
        return self.led.union(self.searched, self.span_lines)

    def find(self, text: str) -> bool:
        """Try the lines of ``text`` (the screened document) the screen stopped at, and say
        whether a rule matches one of them: mostly none does, and the document need not be split
        into lines at all."""
        tried = self.lines()
        if tried is None:
            return True
        match, led, searched, span_lines = self.rules.match_screened, self.led, self.searched, self.span_lines
        found: dict[int, Rule] = {}
        spanned: set[int] = set()
        for offset in sorted(tried):
            end = text.find("\n", offset)
            body = text[offset:] if end < 0 else text[offset:end].removesuffix("\r")
            rule = match(key_of(body), offset in led, searched.get(offset, ()))
            if rule is not None:
                found[offset] = rule
            if offset in span_lines and any(self.rules.spans(body)):
                spanned.add(offset)
        self.found, self.span_lines = found, spanned
        return bool(found or spanned)

    def _match(self, offset: int, key: str) -> Rule | None:
        led = self.led is None or offset in self.led
        searched = None if self.searched is None else self.searched.get(offset, ())
        return self.rules.match_screened(key, led, searched)


class _Target(NamedTuple):
    """A pattern that may start anywhere in a line: a searched pattern's position, or ``SPAN``."""

    target: int
    pattern: str
    case_sensitive: bool
    needles: tuple[str, ...] | None
    also: tuple[tuple[str, ...], ...]
    scan: tuple[tuple[str, ...], ...] = ()
    """A gate on the folded view whose every path starts with a character rare in running text
    (``|``, ``(``), spelled per first character: searched for instead of needles."""


class Screener:
    """The gates, scans and needle finders of one rule set, built once."""

    def __init__(self, led: Iterable[tuple[str, bool]], searched: tuple[Searched, ...], spans: Iterable[tuple[str, bool]]):
        self.searched = searched
        paths: dict[bool, list[tuple[str, ...]]] = {True: [], False: []}
        targets = []
        self.led_anywhere = False
        """A pattern with a known start that neither a gate nor needles can find."""
        for pattern, case_sensitive in led:
            folded, pattern_paths = _led_gate(pattern, case_sensitive)
            if () not in pattern_paths:
                paths[folded].extend(pattern_paths)
                continue
            led_shape = shape(pattern, case_sensitive)
            if led_shape.needles:
                targets.append(_Target(LED, pattern, case_sensitive, led_shape.needles, led_shape.also))
            else:
                self.led_anywhere = True
        self.led_gates = [_Gates(view, view_paths) for view, view_paths in paths.items() if view_paths]
        targets += [
            _Target(position, entry.piece.pattern, not entry.ignore_case, entry.needles, entry.also)
            for position, entry in enumerate(searched)
        ]
        for pattern, case_sensitive in spans:
            span_shape = shape(pattern, case_sensitive)
            targets.append(_Target(SPAN, pattern, case_sensitive, span_shape.needles, span_shape.also))
        targets = [_scanned(target) or target for target in targets]
        self.scans = _scans([target for target in targets if target.scan])
        self.finder = _Finder([target for target in targets if target.needles and not target.scan])
        self.spans_anywhere = any(target.target == SPAN and not target.needles for target in targets)
        """A span pattern without needles: every line may hold a span."""

    def screen(self, rules: RuleSet, text: str) -> Screen:
        folded = text.lower()
        if len(folded) != len(text) or (not folded.isascii() and any(trap in folded for trap in FOLD_TRAPS)):
            return Screen(rules, None, None, None)
        led: set[int] | None = set()
        for gates in self.led_gates:
            gates.lines(folded if gates.folded else text, led)
        targets: dict[int, set[int]] = {}
        self.finder.find(folded, text, targets)
        for regex, scanned in self.scans:
            found = regex.search(folded)
            while found:
                targets.setdefault(folded.rfind("\n", 0, found.start()) + 1, set()).update(scanned)
                found = regex.search(folded, found.start() + 1)
        searched = {}
        span_lines = None if self.spans_anywhere else set()
        for offset, line_targets in targets.items():
            pieces = tuple(self.searched[target] for target in sorted(line_targets) if target >= 0)
            if pieces:
                searched[offset] = pieces
            if SPAN in line_targets and span_lines is not None:
                span_lines.add(offset)
            if LED in line_targets:
                led.add(offset)
        if self.led_anywhere:
            led = None
        return Screen(rules, led, searched, span_lines)


class _Gates:
    """The gates of the patterns with a known start meant for one view, as one regex."""

    def __init__(self, folded: bool, paths: list[tuple[str, ...]]):
        self.folded = folded
        alternation = trie(paths)
        self.breaks = re.compile(f"\n(?={_LINE_START}{alternation})")
        self.first = re.compile(f"{_LINE_START}{alternation}")

    def lines(self, view: str, found: set[int]) -> None:
        """Add the lines these gates stop at to ``found``."""
        found.update(map(_END, self.breaks.finditer(view)))
        if self.first.match(view):
            found.add(0)


_END = re.Match.end


class _Finder:
    """Every needle of the targets not scanned for, in one Aho-Corasick automaton per view.

    Needles of case-sensitive patterns are looked for lower-cased in the folded view when they
    are ASCII (a superset); other ones in the document as it is."""

    def __init__(self, targets: list[_Target]):
        self.numbers: dict[bool, dict[str, int]] = {True: {}, False: {}}
        folded_targets = []
        for target in targets:
            on_folded = not target.case_sensitive or all(n.isascii() for n in _needles_of(target))
            folded_targets.append(on_folded)
            for needle in _needles_of(target):
                view = self.numbers[on_folded]
                view.setdefault(needle.lower() if on_folded else needle, len(view))
        self.owners: dict[bool, list[list[tuple[int, tuple[frozenset[int], ...]]]]] = {
            view: [[] for _ in numbers] for view, numbers in self.numbers.items()
        }
        """Per needle number: the targets it is a first needle of, with the numbers of each set
        of further needles they need."""
        for target, on_folded in zip(targets, folded_targets):
            known = self.numbers[on_folded]
            fold = str.lower if on_folded else str
            also = tuple(frozenset(known[fold(n)] for n in group) for group in target.also)
            for needle in target.needles:
                self.owners[on_folded][known[fold(needle)]].append((target.target, also))
        self.automata = {view: AhoCorasick(list(numbers)) for view, numbers in self.numbers.items() if numbers}

    def find(self, folded: str, text: str, targets: dict[int, set[int]]) -> None:
        for on_folded, automaton in self.automata.items():
            view = folded if on_folded else text
            held: dict[int, set[int]] = {}  # line offset: the needles found in it
            start = end = -1
            for number, found_at, _found_end in automaton.find_matches_as_indexes(view, overlapping=True):
                if not start <= found_at < end:
                    start = view.rfind("\n", 0, found_at) + 1
                    end = view.find("\n", found_at) % (len(view) + 1)
                    line_needles = held.setdefault(start, set())
                line_needles.add(number)
            owners = self.owners[on_folded]
            for offset, needles in held.items():
                for number in needles:
                    for target, also in owners[number]:
                        if all(not needles.isdisjoint(group) for group in also):
                            targets.setdefault(offset, set()).add(target)


def _needles_of(target: _Target) -> tuple[str, ...]:
    return (*target.needles, *(needle for group in target.also for needle in group))


def _led_gate(pattern: str, case_sensitive: bool) -> tuple[bool, list[tuple[str, ...]]]:
    """Which view a pattern with a known start is gated on, and its gate there: the folded one,
    unless the pattern is case-sensitive and its folded gate would start at most characters (an
    all-capitals teaser reads like any line once lower-cased)."""
    paths = gate(pattern, case_sensitive, folded=True)
    if case_sensitive and not _starts_plainly(paths):
        return False, gate(pattern, case_sensitive, folded=False)
    return True, paths


def _starts_plainly(paths: list[tuple[str, ...]], most: int = 8) -> bool:
    """Every path starts with one of at most ``most`` characters."""
    for atoms in paths:
        chars = _characters(atoms[0]) if atoms else None
        if chars is None or len(chars) > most:
            return False
    return True


def _scanned(target: _Target) -> _Target | None:
    """The target with its gate on the folded view spelled per first character, when every path
    of it starts with a character rare in running text."""
    paths = gate(target.pattern, target.case_sensitive, folded=True, anchored=False)
    if not paths or () in paths:
        return None
    spelled = []
    for atoms in paths:
        chars = _characters(atoms[0])
        if chars is None or not chars.isdisjoint(_COMMON):
            return None
        spelled.extend((re.escape(char), *atoms[1:]) for char in sorted(chars))
    return target._replace(scan=tuple(spelled))


def _scans(targets: list[_Target]) -> list[tuple[re.Pattern[str], frozenset[int]]]:
    """One regex per first character of the scanned gates, with the targets whose gates start
    with it: a regex that starts with a plain character is searched for at C speed, where a
    needle as common as ``|`` would make a Python loop turn for every one found."""
    by_first: dict[str, tuple[list[tuple[str, ...]], set[int]]] = {}
    for target in targets:
        for atoms in target.scan:
            paths, owners = by_first.setdefault(atoms[0], ([], set()))
            paths.append(atoms)
            owners.add(target.target)
    return [(re.compile(trie(paths)), frozenset(owners)) for paths, owners in by_first.values()]


def gate_check(pattern: str, case_sensitive: bool) -> re.Pattern[str] | None:
    """The pattern's gate on a folded line, to search for before the pattern itself: worth it
    when every path starts with one of a few plain characters (the engine skips to those in C,
    and the case-sensitive gate costs a fraction of the case-blind pattern). None otherwise."""
    paths = gate(pattern, case_sensitive, folded=True, anchored=False)
    if not paths or () in paths or not _starts_plainly(paths, CHECK_FIRST):
        return None
    return re.compile(trie(paths))


CHECK_FIRST = 4
"""A gate searched for before its pattern starts with one of at most this many characters."""


def _characters(atom: str) -> set[str] | None:
    """The characters a one-character atom matches, when it is a literal or a short class."""
    parsed = list(sre_parse.parse(atom))
    if len(parsed) != 1:
        return None
    [(op, value)] = parsed
    if op is LITERAL:
        return {chr(value)}
    if op is not IN or any(item not in (LITERAL, RANGE) for item, _ in value):
        return None
    chars = set()
    for item, member in value:
        low, high = (member, member) if item is LITERAL else member
        if high - low > MAX_CHARACTERS:
            return None
        chars.update(map(chr, range(low, high + 1)))
    return chars


MAX_CHARACTERS = 64


def trie(paths: Iterable[tuple[str, ...]]) -> str:
    """The paths as one alternation sharing their common starts, so the regex engine tests a
    character once against each distinct first atom, not against every path."""
    root: dict = {}
    for atoms in sorted(paths, key=len):
        node = root
        for atom in atoms:
            if None in node:
                break  # a shorter path already accepts everything this one does
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
