"""The enabled rules compiled once: ``CompiledRules.hits(text)`` says which line each rule matches.

Everything that makes that fast lives here, behind that one call; the engine sees only ``Hits``.

Trying every pattern on every line costs some 50 µs a line, and even a cheap pass over every line
in Python costs more than every regex the rules run. So a document is first *screened*, whole,
in C: patterns with a known start by their gates (``regex_tree.gate``: what every match starts
with), spelled as a trie and tried by one regex at every line break; patterns that may start
anywhere, and span patterns, by their gate when it starts with a character rare in running text
(``|``, ``(``), else by their needles, all found in one Aho-Corasick pass. Every test accepts
more than the pattern it stands for, so a line the screen passes over cannot match. The screen
runs on the document with its ASCII letters lower-cased (``bytes.lower`` of its UTF-8, twice as
fast as ``str.lower``, and the bytes the needle automaton reads), where a gate and a needle
answer as on the document ``str.lower``-ed; when a letter ``re.IGNORECASE`` equates with an
ASCII one (``regex_tree.ODD_FOLDS``) is in it, every line is tried.

Only the lines the screen stopped at are asked about: patterns with a known first character
grouped by the first character of the line, one combined regex per group; patterns that may start
anywhere behind their needles and gates. The answer is the one a single combined regex of every
rule gives: the first rule, in pack order, with a pattern matching the whole line
(``tests/test_matcher.py`` holds it to that).
"""

from __future__ import annotations

import os
import re
import string
from collections.abc import Callable, Iterable, Iterator
from dataclasses import astuple, dataclass, field
from functools import cached_property, lru_cache, partial
from typing import NamedTuple

from ahocorasick_rs import BytesAhoCorasick, Implementation

from . import memo, regex_tree
from .linear import LinearPattern, compile_alternation
from .lines import DECORATION, key_of
from .model import Rule
from .options import RuleSelection
from .packs import EVERY_RULE, load_rules
from .regex_tree import FOLD_TRAPS, ODD_FOLDS, Shape, atom_characters, trie

Regex = re.Pattern[str] | LinearPattern
"""A shipped pattern's ``re`` regex, or a user pattern's RE2 one (``linear.py``)."""
Span = tuple[int, int, Rule]
"""Where a span rule matched inside a line (start and end, offsets in the line), and the rule."""


@dataclass(frozen=True, slots=True)
class Hits:
    """What the rules match in one document, by the offset of each line's start."""

    lines: dict[int, Rule]
    """The lines a line or block rule matches, with the first such rule in pack order."""
    spans: dict[int, tuple[Span, ...]]
    """The lines holding span matches, with those matches."""

    def __bool__(self) -> bool:
        return bool(self.lines or self.spans)

    every: frozenset[int] = field(init=False, repr=False, compare=False)
    """Every line a rule has something to say about (``offsets``), worked out once."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "every", frozenset(self.spans.keys() | self.lines.keys()))

    def offsets(self) -> frozenset[int]:
        """Every line a rule has something to say about."""
        return self.every


def compile_rules(selection: RuleSelection = EVERY_RULE) -> CompiledRules:
    """The rules of ``selection``, compiled; cached, because compiling is the costly part, on
    everything that changes them: the selection and the state of the user's pack files."""
    return _compiled(selection, tuple(_stamp(path) for path in selection.packs))


@lru_cache(maxsize=32)
def _compiled(selection: RuleSelection, _stamps: tuple) -> CompiledRules:
    return CompiledRules(load_rules(selection))


def _stamp(path: str) -> tuple:
    """A pack file's identity and version: a pack edited between calls is read again."""
    try:
        status = os.stat(path)
    except OSError:
        return (path,)  # loading it says what is wrong
    return path, status.st_mtime_ns, status.st_size, status.st_ino


def shape(pattern: str, case_sensitive: bool) -> Shape:
    """``regex_tree.shape``, remembered across runs (``memo``), as are the two below."""
    fields = memo.remember(("shape", pattern, case_sensitive), lambda: astuple(regex_tree.shape(pattern, case_sensitive)))
    return Shape(*fields)


def gate(pattern: str, case_sensitive: bool, folded: bool, anchored: bool = True, flat: bool = False) -> list[tuple[str, ...]]:
    question = ("gate", pattern, case_sensitive, folded, anchored, flat)
    return list(memo.remember(question, lambda: tuple(regex_tree.gate(pattern, case_sensitive, folded, anchored, flat))))


def after_blanks(pattern: str, case_sensitive: bool) -> list[tuple[str, ...]] | None:
    found = memo.remember(
        ("after_blanks", pattern, case_sensitive), lambda: _tuple_or_none(regex_tree.after_blanks(pattern, case_sensitive))
    )
    return None if found is None else list(found)


def _tuple_or_none(paths: list | None) -> tuple | None:
    return None if paths is None else tuple(paths)


BROAD_LEAD = 20
"""A pattern whose first character may be most letters (this many of the 26, in either case or
in one: a case-sensitive ``[A-Z]`` starts nearly every line of prose) gains little from grouping
by it, and its gate passes almost every line; when it has needles it is searched for instead."""
_LETTERS = string.ascii_letters


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

    @property
    def linear(self) -> bool:
        return not self.rule.shipped


class CompiledRules:
    """The enabled rules, compiled for speed; ``hits(text)`` is the one question they answer."""

    def __init__(self, rules: Iterable[Rule]):
        self.rules = tuple(rules)
        self.block_words = max((rule.max_words for rule in self.rules if rule.kind == "block"), default=0)
        """The most words a line a block takes may have: asked for every document (``engine``)."""
        line_rules = [rule for rule in self.rules if rule.kind != "span"]
        pieces = [
            _Piece(order, rule, pattern.regex, shape(pattern.regex, rule.case_sensitive))
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
                OnFirstUse(partial(compile_alternation, {"": p.expression}, p.linear)),
                p,
                p.shape.also,
                gate_check(p.pattern, p.rule.case_sensitive, p.linear),
            )
            for p in searched
        )
        self._led = [p for p in pieces if p not in searched]
        self._wide = [p for p in self._led if len(_lead_letters(p.shape.lead)) >= WIDE_LEAD]
        self._narrow = [(p, p.shape.lead, _lead_letters(p.shape.lead)) for p in self._led if len(_lead_letters(p.shape.lead)) < WIDE_LEAD]
        self._by_first: dict[str, tuple[Regex, list[_Piece]] | None] = {}
        self._combined: dict[tuple[int, ...], tuple[Regex, list[_Piece]]] = {}
        spans = [rule for rule in self.rules if rule.kind == "span"]
        self._span_rules = spans
        linear_spans = any(not rule.shipped for rule in spans)
        self._span = compile_alternation({f"s{n}": rule.expression for n, rule in enumerate(spans)}, linear_spans) if spans else None
        span_patterns = [(pattern.regex, rule.case_sensitive, not rule.shipped) for rule in spans for pattern in rule.patterns]
        starts = [(after_blanks(pattern, case_sensitive), case_sensitive) for pattern, case_sensitive, _linear in span_patterns]
        self._span_starts = None
        if spans and not linear_spans and all(paths for paths, _ in starts):  # RE2's finditer is linear as it is
            alternation = "|".join(f"(?{'-i' if cs else 'i'}:{_trie(paths)})" for paths, cs in starts)
            self._span_starts = memo.regex(alternation)
        span_shapes = [shape(pattern, case_sensitive) for pattern, case_sensitive, _linear in span_patterns]
        self._span_needles = None if any(s.needles is None for s in span_shapes) else span_shapes
        self._span_patterns = span_patterns
        memo.save()

    def __len__(self) -> int:
        return len(self.rules)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    @cached_property
    def _screener(self) -> _Screener:
        """Built on first use, for the first document of ``SCREEN_FROM`` lines or more: a
        process that only checks the packs (the main one, with ``--jobs``), or cleans a few
        short texts, never pays for it."""
        led = ((piece.pattern, piece.rule.case_sensitive, piece.linear) for piece in self._led)
        return _Screener(led, self._searched, self._span_patterns)

    def hits(self, text: str) -> Hits:
        """Which line of ``text`` each rule matches, and the spans in each line: the screen
        says where a rule may match, and only those lines are tried."""
        if "_screener" in self.__dict__ or len(text) > SCREEN_FROM * 200 or text.count("\n") >= SCREEN_FROM:
            candidates = self._screener.screen(text)
        else:
            candidates = _EVERY_LINE
        offsets = candidates.lines()
        if offsets is None:
            offsets = _line_starts(text)
        led, searched, span_lines = candidates.led, candidates.searched, candidates.span_lines
        found: dict[int, Rule] = {}
        spans: dict[int, tuple[Span, ...]] = {}
        answers: dict[tuple, tuple[Rule | None, tuple[Span, ...]]] = {}
        """What a line said, by its text and what the screen said of it: boilerplate repeats
        within a document ("Foto: dpa" under every picture), and each repeat is then one lookup."""
        for offset in sorted(offsets):
            end = text.find("\n", offset)
            if (len(text) if end < 0 else end) - offset > LONGEST_TRIED:
                continue
            body = text[offset:] if end < 0 else text[offset:end].removesuffix("\r")
            pieces = None if searched is None else searched.get(offset, ())
            asked = (body, led is None or offset in led, span_lines is None or offset in span_lines, pieces and tuple(map(id, pieces)))
            answer = answers.get(asked)
            if answer is None:
                line_spans = tuple(self.spans(body)) if asked[2] else ()
                answer = answers[asked] = (self.match_screened(key_of(body), asked[1], pieces), line_spans)
            if answer[0] is not None:
                found[offset] = answer[0]
            if answer[1]:
                spans[offset] = answer[1]
        return Hits(found, spans)

    def match_line(self, key: str) -> Rule | None:
        """The first line or block rule, in pack order, with a pattern matching all of ``key``,
        asked without a screen.

        ``key`` is a line's ``match_text``; no pattern matches an empty one (``packs.py``)."""
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

    def _dispatch(self, first: str) -> tuple[Regex, list[_Piece]] | None:
        """One regex for the patterns that can start with ``first``, shared by every character
        with the same patterns; and by both cases of a letter, which halves the regexes to
        compile (a few milliseconds each) for a few more patterns to try."""
        cases = {first, first.lower(), first.upper()}
        if cases.isdisjoint(_LETTERS) and not any(map(self._any_lead.fullmatch, cases)):
            return None
        led = [piece for piece, lead, letters in self._narrow if any(_may_lead(lead, letters, c) for c in cases)]
        if not led:
            return None
        signature = tuple(id(piece) for piece in led)
        if signature not in self._combined:
            self._combined[signature] = (_alternation(led), led)
        return self._combined[signature]

    @cached_property
    def _any_lead(self) -> re.Pattern[str]:
        """Every lead of the grouped patterns in one regex (none is None: those are wide). Most
        first characters that are not ASCII letters (digits, punctuation, other scripts) start
        none of them, which one test says, where testing each pattern's lead made the dispatch
        of a run's first documents cost as much as a tenth of their cleaning."""
        return memo.regex("|".join(f"(?:{lead})" for lead in sorted({lead for _piece, lead, _letters in self._narrow})))

    @cached_property
    def _wide_regex(self) -> Regex:
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
        for order, longest, needles, ignore_case, regex, piece, _also, _check in searched:
            if order >= limit:
                break
            if size > longest:
                continue
            if screened:  # the screen found its needles and passed its gate check
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


class OnFirstUse:
    """A regex compiled when first used: a run meets few of the patterns that may start anywhere
    in a line, and compiling them all cost each start milliseconds. The first call binds the
    compiled regex's own methods to the instance, so later calls go straight to them."""

    def __init__(self, compile_regex: Callable[[], Regex]):
        self._compile = compile_regex
        self._regex: Regex | None = None

    def compiled(self) -> Regex:
        if self._regex is None:
            self._regex = self._compile()
            self.fullmatch, self.search = self._regex.fullmatch, self._regex.search
        return self._regex

    def fullmatch(self, text: str):
        return self.compiled().fullmatch(text)

    def search(self, text: str, *bounds: int):
        return self.compiled().search(text, *bounds)


class Searched(NamedTuple):
    """A pattern that may start anywhere in a line: tried where its needles are."""

    order: int
    longest: float
    needles: tuple[str, ...]
    ignore_case: bool
    regex: OnFirstUse
    piece: _Piece
    also: tuple[tuple[str, ...], ...]
    check: OnFirstUse | None
    """Its gate on the folded line, searched for where the screen found its needles (``gate_check``)."""


WIDE_LEAD = 20
"""A pattern with a known start whose first character may be this many letters (of the 52, either
case) or more is tried on every line its gate passes, not grouped by first character."""


def _alternation(pieces: list[_Piece]) -> Regex:
    return compile_alternation({f"p{n}": piece.expression for n, piece in enumerate(pieces)}, any(piece.linear for piece in pieces))


def _lead_letters(lead: str | None) -> str:
    """The ASCII letters a pattern's first character may be, remembered (``memo``): most lines
    start with a letter, and asking a lead's regex all 52 cost every start milliseconds."""
    if lead is None:
        return _LETTERS
    return memo.remember(("letters", lead), lambda: "".join(letter for letter in _LETTERS if re.fullmatch(lead, letter)))


def _may_lead(lead: str | None, letters: str, character: str) -> bool:
    """Whether a pattern whose first character is ``lead`` may start with ``character``."""
    if lead is None:
        return True
    if character in _LETTERS:
        return character in letters
    return _lead_regex(lead).fullmatch(character) is not None


@lru_cache(maxsize=4096)
def _lead_regex(lead: str) -> re.Pattern[str]:
    """A lead's regex, for the first characters that are not ASCII letters: compiled once a
    process, and looked up faster than ``re.fullmatch`` looks up its own cache."""
    return memo.regex(lead)


def _is_broad(lead: str | None) -> bool:
    return len(set(_lead_letters(lead).lower())) >= BROAD_LEAD


# --- the screen ------------------------------------------------------------------------------

DFA_SPELLINGS = 5000
"""Up to this many needle spellings the automaton is a DFA: the library's own choice turns to an
NFA past about a hundred, which took 3.5 times as long over the development texts (91 ms against
26 ms for 115 spellings); a DFA of a few thousand spellings is a few MB."""

SPAN = -1
"""The target standing for every span pattern (searched patterns are targets by position)."""
LED = -2
"""The target standing for the patterns with a known start found by needles, not a gate."""
_INLINE_SPACE = "".join(chr(code) for code in range(0x3001) if chr(code).isspace() and chr(code) != "\n")
_LINE_START = "[" + re.escape(_INLINE_SPACE + DECORATION) + "]*+"
"""What a line may start with before its match text: whitespace but the line break, so the
screen's test at one line start never runs on into the lines after it (blank lines would make
that quadratic), taken possessively: match text starts after all of it, so no gate needs any
of it back, and giving it back piece by piece is quadratic in a long run of spaces."""
"""The bullets and spaces that ``match_text`` takes off the start of a line before rules see it."""
_COMMON = frozenset(string.ascii_letters + string.digits + string.whitespace + "äöüßéçñжЖ中")
"""Characters of running text: a gate that can start with none of them is worth trying where
its first character is found."""


class _Target(NamedTuple):
    """A pattern that may start anywhere in a line: a searched pattern's position, or ``SPAN``."""

    target: int
    pattern: str
    case_sensitive: bool
    needles: tuple[str, ...] | None
    also: tuple[tuple[str, ...], ...]
    flat: bool = False
    """A user's pattern, whose gate keeps to single characters (``regex_tree.gate``)."""
    scan: tuple[tuple[str, ...], ...] = ()
    """A gate on the folded view whose every path starts with a character rare in running text
    (``|``, ``(``), spelled per first character: searched for instead of needles."""


@dataclass(frozen=True, slots=True)
class _Candidates:
    """The lines the screen stopped at in one document, by line-start offset; None: every line."""

    led: set[int] | None
    """The lines a pattern with a known start may match."""
    searched: dict[int, tuple[Searched, ...]] | None
    """The lines where a pattern that may start anywhere may match, with those patterns."""
    span_lines: set[int] | None
    """The lines a span may be in."""

    def lines(self) -> set[int] | None:
        if self.led is None or self.searched is None or self.span_lines is None:
            return None
        return self.led.union(self.searched, self.span_lines)


_EVERY_LINE = _Candidates(None, None, None)
LONGEST_TRIED = 1 << 16
"""A line of more characters than this is article text or data, never boilerplate: no rule is
tried on it, whole or for spans (the engine keeps it, as every long line no rule matched). Trying
them on a line of 50 MB held five more copies of it (its text, its match text, its words, its
lower case), so that one line took sixteen times its size in memory."""
SCREEN_FROM = 8
"""Until a document of this many lines (or 200 characters a line) comes, lines are tried one by
one: building the screen (tens of milliseconds) costs more than trying a few lines without it,
and gives the same answers."""


def _line_starts(text: str) -> list[int]:
    """The offset of every line of ``text``, as ``lines.split_lines`` splits it."""
    starts = [match.end() for match in _BREAK.finditer(text) if match.end() < len(text)]
    return [0, *starts] if text else []


_BREAK = re.compile("\n")


class _Screener:
    """The gates, scans and needle finders of one rule set, built once."""

    def __init__(self, led: Iterable[tuple[str, bool, bool]], searched: tuple[Searched, ...], spans: Iterable[tuple[str, bool, bool]]):
        self.searched = searched
        paths: dict[bool, list[tuple[str, ...]]] = {True: [], False: []}
        targets = []
        self.led_anywhere = False
        """A pattern with a known start that neither a gate nor needles can find."""
        for pattern, case_sensitive, flat in led:
            folded, pattern_paths = _led_gate(pattern, case_sensitive, flat)
            if () not in pattern_paths:
                paths[folded].extend(pattern_paths)
                continue
            led_shape = shape(pattern, case_sensitive)
            if led_shape.needles:
                targets.append(_Target(LED, pattern, case_sensitive, led_shape.needles, led_shape.also, flat))
            else:
                self.led_anywhere = True
        self.led_gates = [_Gates(view, view_paths) for view, view_paths in paths.items() if view_paths]
        targets += [
            _Target(position, entry.piece.pattern, not entry.ignore_case, entry.needles, entry.also, entry.piece.linear)
            for position, entry in enumerate(searched)
        ]
        for pattern, case_sensitive, flat in spans:
            span_shape = shape(pattern, case_sensitive)
            targets.append(_Target(SPAN, pattern, case_sensitive, span_shape.needles, span_shape.also, flat))
        targets = [_scanned(target) or target for target in targets]
        self.scans = _scans([target for target in targets if target.scan])
        self.finder = _Finder([target for target in targets if target.needles and not target.scan])
        self.spans_anywhere = any(target.target == SPAN and not target.needles for target in targets)
        """A span pattern without needles: every line may hold a span."""
        self.plans: dict[frozenset[int], tuple[tuple[Searched, ...], bool, bool, bool]] = {}
        """What a line asks, by the targets its needles give (``_plan``)."""
        self.checked: dict[tuple[str, frozenset[int]], tuple[Searched, ...]] = {}
        """The searched patterns whose gate check a folded line passes, by the line and its
        targets: most lines holding a needle ("sign", "follow") fail it, and dropping them here
        spares each the dispatch of a line tried. The check accepts more on the line than on its
        match text (whitespace runs are runs in it), so no line that could match is dropped."""
        memo.save()

    def screen(self, text: str) -> _Candidates:
        targets: dict[int, set[int]] = {}
        raw = text.encode("utf-8", "surrogatepass")
        self.finder.find(False, raw, targets)  # the automaton reads bytes without a copy
        lowered = raw.lower()
        del raw  # each view goes once used: a long document's screen holds two at most
        self.finder.find(True, lowered, targets)
        folded = lowered.decode("utf-8", "surrogatepass")
        del lowered
        if not folded.isascii() and any(trap in folded for trap in ODD_FOLDS):
            return _Candidates(None, None, None)
        led: set[int] | None = set()
        for gates in self.led_gates:
            gates.lines(folded if gates.folded else text, led)
        for regex, scanned in self.scans:
            found = regex.search(folded)
            while found:
                targets.setdefault(folded.rfind("\n", 0, found.start()) + 1, set()).update(scanned)
                found = regex.search(folded, found.start() + 1)
        searched = {}
        span_lines = None if self.spans_anywhere else set()
        checked = self.checked
        for offset, line_targets in targets.items():
            key = frozenset(line_targets)
            plan = self.plans.get(key)
            pieces, checks, spanned, is_led = _remember(self.plans, key, self._plan, line_targets) if plan is None else plan
            if checks:
                end = folded.find("\n", offset) % (len(folded) + 1)
                if end - offset > CHECKED_LINE:
                    pieces = _passing(pieces, folded, offset, end)
                else:
                    line = folded[offset:end]
                    kept = checked.get((line, key))
                    pieces = _remember(checked, (line, key), _passing, pieces, line, 0, len(line)) if kept is None else kept
            if pieces:
                searched[offset] = pieces
            if spanned and span_lines is not None:
                span_lines.add(offset)
            if is_led:
                led.add(offset)
        if self.led_anywhere:
            led = None
        return _Candidates(led, searched, span_lines)

    def _plan(self, line_targets: set[int]) -> tuple[tuple[Searched, ...], bool, bool, bool]:
        """What a line whose needles give ``line_targets`` asks: its searched patterns, whether
        any has a gate check to pass first (``gate_check``), whether it may hold a span, whether
        a pattern with a known start may match it. Remembered (``MAX_RESOLVED``) by the targets:
        lines repeat them, and a page of credit lines worked each out again."""
        pieces = tuple(self.searched[target] for target in sorted(line_targets) if target >= 0)
        return pieces, any(piece.check is not None for piece in pieces), SPAN in line_targets, LED in line_targets


class _Gates:
    """The gates of the patterns with a known start meant for one view, as one regex."""

    def __init__(self, folded: bool, paths: list[tuple[str, ...]]):
        self.folded = folded
        self.breaks = memo.regex(f"\n(?!\r?\n)(?={_LINE_START}{_trie(paths)})")

    def lines(self, view: str, found: set[int]) -> None:
        """Add the lines these gates stop at to ``found``. The first line, which no line break
        opens, is given one: a gate tests one line (a pattern's match lies within its line, and
        a gate accepts the start of every match), and one regex compiles in half the time of two.
        A blank line is turned away before the gates' alternation is entered (no pattern
        matches an empty line): in a run of blank lines that took fifteen times as long."""
        found.update(map(_END, self.breaks.finditer(view)))
        end = view.find("\n") % (len(view) + 1)
        if end <= LONGEST_TRIED and self.breaks.match("\n" + view[:end]):  # a longer line is never tried: no copy of it
            found.add(0)


_END = re.Match.end


class _Finder:
    """Every needle of the targets not scanned for, in one Aho-Corasick automaton per view, run
    on its UTF-8 (the automaton's own, so a text is encoded once, not once per view).

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
        for target, on_folded in zip(targets, folded_targets, strict=True):
            known = self.numbers[on_folded]
            fold = str.lower if on_folded else str
            also = tuple(frozenset(known[fold(n)] for n in group) for group in target.also)
            for needle in target.needles:
                self.owners[on_folded][known[fold(needle)]].append((target.target, also))
        self.automata: dict[bool, BytesAhoCorasick] = {}
        self.spelled: dict[bool, list[int]] = {}
        """Per view: the number of the needle each of its automaton's spellings spells."""
        self.resolved: dict[bool, dict[int | frozenset[int], tuple[int, ...]]] = {True: {}, False: {}}
        """Per view: the targets of a line's needles, by the needles (``MAX_RESOLVED``)."""
        for view, numbers in self.numbers.items():
            spellings = [
                (spelling, number) for needle, number in numbers.items() for spelling in (_as_viewed(needle) if view else [needle])
            ]
            if spellings:
                implementation = Implementation.DFA if len(spellings) <= DFA_SPELLINGS else None
                self.automata[view] = BytesAhoCorasick(
                    [spelling.encode() for spelling, _number in spellings], implementation=implementation
                )
                self.spelled[view] = [number for _spelling, number in spellings]

    def find(self, on_folded: bool, data: bytes, targets: dict[int, set[int]]) -> None:
        """Add the targets whose needles a line of one view holds to ``targets``, by line offset;
        ``data``: the UTF-8 of the folded view (``on_folded``) or of the document."""
        automaton = self.automata.get(on_folded)
        if automaton is None:
            return
        numbers = self.spelled[on_folded]
        held: dict[int, set[int]] = {}  # line offset in ``data``: the needles found in it
        start = end = -1
        line_needles: set[int] = set()
        for spelling, found_at, _found_end in automaton.find_matches_as_indexes(data, overlapping=True):
            if not start <= found_at < end:
                start = data.rfind(b"\n", 0, found_at) + 1
                end = data.find(b"\n", found_at) % (len(data) + 1)
                line_needles = held.setdefault(start, set())
            line_needles.add(numbers[spelling])
        resolved = self.resolved[on_folded]
        starts = sorted(held)
        for offset, needles in zip(_text_offsets(data, starts), map(held.__getitem__, starts), strict=True):
            key = next(iter(needles)) if len(needles) == 1 else frozenset(needles)
            found = resolved.get(key)
            if found is None:
                found = _remember(resolved, key, self._targets, on_folded, needles)
            if found:
                line_targets = targets.get(offset)
                if line_targets is None:
                    targets[offset] = set(found)
                else:
                    line_targets.update(found)

    def _targets(self, on_folded: bool, needles: set[int]) -> tuple[int, ...]:
        """The targets a line holding these needles (by number) may hold: those a needle is a
        first needle of, whose further needles the line holds too."""
        owners = self.owners[on_folded]
        return tuple(
            {target: None for number in needles for target, also in owners[number] if all(not needles.isdisjoint(group) for group in also)}
        )


CHECKED_LINE = 200
"""A line up to this long has its gate checks remembered by its text (``_Screener.checked``):
the repeated lines are short ones, and a longer line would cost more to hash than to check."""
MAX_RESOLVED = 4096
"""Sets of needles a line held, remembered with the targets they give (``_Finder.find``): lines
repeat their needles (a credit under every picture), and a page of boilerplate lines asked the
same question for each, at five microseconds a line. Past this many, the memory starts afresh."""


def _remember(answers: dict, key, compute: Callable, *arguments):
    """``compute(*arguments)``, kept in ``answers`` under ``key`` (the callers look it up first,
    inline: a call per line cost more than the lookup). ``answers`` starts afresh past
    ``MAX_RESOLVED``, so a long run's memory stays bounded however many distinct lines it meets."""
    if len(answers) >= MAX_RESOLVED:
        answers.clear()
    found = answers[key] = compute(*arguments)
    return found


def _passing(pieces: tuple[Searched, ...], view: str, start: int, end: int) -> tuple[Searched, ...]:
    """The pieces whose gate check (``gate_check``) the folded line ``view[start:end]`` passes."""
    return tuple(piece for piece in pieces if piece.check is None or piece.check.search(view, start, end))


def _as_viewed(needle: str) -> list[str]:
    """Every spelling of a folded needle in the screen's view, where only ASCII letters are
    lower-cased: a non-ASCII character of it as every character whose lower case it is (``ⓒ``
    as ``Ⓒ`` too), so the view holds a spelling wherever ``str.lower`` of the document holds
    the needle."""
    spellings = [""]
    for char in needle:
        partners = (
            {char} if char.isascii() else {c for c in (char, char.upper(), char.title(), *regex_tree.LOWER_PARTNERS) if c.lower() == char}
        )
        spellings = [head + partner for head in spellings for partner in sorted(partners)]
    return spellings


def _text_offsets(data: bytes, starts: list[int]) -> list[int]:
    """The offsets in the text of the ``starts`` (ascending line starts) in its UTF-8 ``data``:
    each counted on from the one before, as the length of the text between (decoding it costs
    half of deleting its continuation bytes to count the rest)."""
    if data.isascii():
        return starts
    offsets = []
    byte_at = text_at = 0
    for start in starts:
        text_at += len(data[byte_at:start].decode("utf-8", "surrogatepass"))
        byte_at = start
        offsets.append(text_at)
    return offsets


def _needles_of(target: _Target) -> tuple[str, ...]:
    return (*target.needles, *(needle for group in target.also for needle in group))


def _led_gate(pattern: str, case_sensitive: bool, flat: bool) -> tuple[bool, list[tuple[str, ...]]]:
    """Which view a pattern with a known start is gated on, and its gate there: the folded one,
    unless the pattern is case-sensitive and its folded gate would start at most characters (an
    all-capitals teaser reads like any line once lower-cased)."""
    paths = gate(pattern, case_sensitive, folded=True, flat=flat)
    if case_sensitive and not _starts_plainly(paths):
        return False, gate(pattern, case_sensitive, folded=False, flat=flat)
    return True, paths


def _starts_plainly(paths: list[tuple[str, ...]], most: int = 8) -> bool:
    """Every path starts with one of at most ``most`` characters."""
    for atoms in paths:
        chars = atom_characters(atoms[0]) if atoms else None
        if chars is None or len(chars) > most:
            return False
    return True


def _scanned(target: _Target) -> _Target | None:
    """The target with its gate on the folded view spelled per first character, when every path
    of it starts with an ASCII character rare in running text (``|``, ``(``). Not another
    script's: a Japanese paywall's "会員" is as rare, but each first character is a pass over the
    text, and the needles' automaton finds it in the one pass it makes anyway (four such scans
    cost a quarter of ``clean()``'s time over the development texts)."""
    paths = gate(target.pattern, target.case_sensitive, folded=True, anchored=False, flat=target.flat)
    if not paths or () in paths:
        return None
    spelled = []
    for atoms in paths:
        chars = atom_characters(atoms[0])
        if chars is None or not chars.isdisjoint(_COMMON) or not all(char.isascii() for char in chars):
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
    return [(memo.regex(_trie(paths)), frozenset(owners)) for paths, owners in by_first.values()]


def _trie(paths: list[tuple[str, ...]]) -> str:
    """``regex_tree.trie`` of the paths, remembered (``memo``): spelling the gates of the shipped
    packs took every start some ten milliseconds, as long as building the rest of the screen."""
    paths = tuple(paths)
    return memo.remember(("trie", paths), lambda: trie(paths))


def gate_check(pattern: str, case_sensitive: bool, flat: bool) -> OnFirstUse | None:
    """The pattern's gate on a folded line, to search for before the pattern itself: worth it
    when every path starts with one of a few plain characters (the engine skips to those in C,
    and the case-sensitive gate costs a fraction of the case-blind pattern). None otherwise."""
    paths = gate(pattern, case_sensitive, folded=True, anchored=False, flat=flat)
    if not paths or () in paths or not _starts_plainly(paths, CHECK_FIRST):
        return None
    return OnFirstUse(lambda: memo.regex(_trie(paths)))


CHECK_FIRST = 4
"""A gate searched for before its pattern starts with one of at most this many characters."""
