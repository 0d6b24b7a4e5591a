"""Pure functions from a document and its hits to a Result: classify lines, resolve the undecided
ones by their neighbours, render what is kept. No I/O, no state.

The output is always the input with whole lines (or, for span rules, pieces of a line) deleted;
nothing is rewritten, and every deletion carries the id of the rule behind it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from itertools import pairwise

from .index import CompiledRules, Hits, compile_rules
from .lines import HIDDEN_BREAK, has_hidden_break, split_lines, unmarked
from .model import Line, Removal, Result, Rule

SHORT_WORDS = 12
"""A line of at most this many words is a candidate for context: heading, kicker, label, teaser."""
KICKER_WORDS = 8
"""A kicker ("Krieg in der Ukraine") above a related-links heading is shorter still."""
MAX_CONTEXT_RUN = 4
"""Longer runs of short lines are lists or verse; neighbours say too little about them."""
SENTENCE_WORDS = 5
"""Fewer words ending in a full stop are a label ("Alle Rechte vorbehalten."), not a sentence."""
CLOSING_QUOTES = "\"'”’»«)"
MIN_ARTICLE_WORDS = 150
"""An ``end`` block (comments) only runs to the end after this many words of prose (lines of more
than ``SHORT_WORDS`` words), an article's worth: a comment count or link above the article (a
byline's "12 Comments", whole-page text, whose menus are short lines) is followed by the article,
and deleting everything after it would delete the article."""


@dataclass(slots=True)
class _Mark:
    rule: Rule
    context: bool = False


def clean(text: str, rules: CompiledRules | None = None) -> Result:
    """Remove boilerplate from one document. ``rules`` defaults to every shipped rule."""
    rules = rules if rules is not None else compile_rules()
    hits = _visible_lines_only(text, rules.hits(unmarked(text)))
    if not hits:
        return Result(text, ())
    removals: list[Removal] = []
    counted, number = 0, 1  # line numbers counted on from the last region: linear, however many regions
    for start, end in _regions(text, hits, rules):
        number += text.count("\n", counted, start)
        counted = start
        removals += removals_of(split_lines(text[start:end], start, number), hits)
    return cut(text, removals)


def _visible_lines_only(text: str, hits: Hits) -> Hits:
    """Drop the hits that would cut across a line break a reader sees (``lines.HIDDEN_BREAK``):
    a whole line holding one, a span holding one. Rare, so the common case costs one search
    per hit line."""
    hidden = {}
    for offset in hits.offsets():
        end = text.find("\n", offset)
        body = text[offset : len(text) if end < 0 else end].removesuffix("\r")
        if has_hidden_break(body):
            hidden[offset] = body
    if not hidden:
        return hits
    lines = {offset: rule for offset, rule in hits.lines.items() if offset not in hidden}
    spans = {}
    for offset, found in hits.spans.items():
        body = hidden.get(offset)
        kept = found if body is None else tuple(span for span in found if not HIDDEN_BREAK.search(body, span[0], span[1]))
        if kept:
            spans[offset] = kept
    return Hits(lines, spans)


def _regions(text: str, hits: Hits, rules: CompiledRules) -> list[tuple[int, int]]:
    """The stretches of ``text`` around the lines a rule matched, each bounded by firewalls.

    A firewall is a long line no rule matched: context is decided between such lines (it is
    long, so no block runs over it and no run of short lines crosses it), so cleaning a
    stretch from firewall to firewall gives what cleaning the whole document gives there, and
    the rest of the document, usually most of it, is never split into lines. A rule that takes
    the rest of the document (``end``) needs the whole of it.
    """
    tried = hits.offsets()
    if any(rule.kind == "block" and rule.extent == "end" for rule in hits.lines.values()):
        return [(0, len(text))]
    long_words = max([SHORT_WORDS, *(rule.max_words for rule in rules if rule.kind == "block")])

    def firewall(start: int, end: int) -> bool:
        return start not in tried and len(text[start:end].split()) > long_words

    regions: list[tuple[int, int]] = []
    for offset in sorted(tried):
        if regions and offset < regions[-1][1]:
            continue
        start = offset
        while start > 0:
            above = text.rfind("\n", 0, start - 1) + 1
            start = above
            if firewall(above, text.find("\n", above)):
                break
        end = offset
        while end < len(text):
            below = text.find("\n", end)
            below = len(text) if below < 0 else below + 1
            is_firewall = end > offset and firewall(end, below)
            end = below
            if is_firewall:
                break
        if regions and start < regions[-1][1]:
            start = regions.pop()[0]
        regions.append((start, end))
    return regions


def _classify(lines: list[Line], hits: Hits) -> tuple[list[_Mark | None], dict[int, Rule]]:
    """Mark what the rules are sure of; weak matches wait for their neighbours' verdict."""
    marks: list[_Mark | None] = [None] * len(lines)
    weak: dict[int, Rule] = {}
    resume = 0  # a block took the lines before this one
    for index in _indices(lines, hits.offsets()):
        line = lines[index]
        if index < resume or line.is_blank:
            continue
        rule = hits.lines.get(line.offset)
        if rule is None:
            continue
        if rule.kind == "block":
            marks[index] = _Mark(rule)
            resume = _mark_block(lines, marks, index, rule, hits)
        elif rule.weak:
            weak[index] = rule
        else:
            marks[index] = _Mark(rule)
    return marks, weak


def _indices(lines: list[Line], offsets: Collection[int]) -> list[int]:
    """The positions of the lines starting at ``offsets``."""
    return [index for index, line in enumerate(lines) if line.offset in offsets]


def _mark_block(lines, marks, start: int, rule: Rule, hits: Hits) -> int:
    """Extend a block over what follows its opening line; returns the index to go on from.

    A ``short`` block that ends at a long paragraph leaves its last short line undecided: it may
    be the heading of that paragraph, and keeping a teaser beats deleting a heading.
    """
    taken: list[int] = []
    index = start + 1
    if rule.extent == "end" and sum(line.words for line in lines[:start] if line.words > SHORT_WORDS) < MIN_ARTICLE_WORDS:
        return index
    stopped_by_text = False
    while index < len(lines):
        line = lines[index]
        if not line.is_blank:
            if rule.extent == "short" and (line.words > rule.max_words or len(taken) >= rule.max_lines):
                stopped_by_text = line.words > rule.max_words
                break
            taken.append(index)
        index += 1
    if stopped_by_text and taken:
        index = taken.pop()
    for position in taken:
        own = hits.lines.get(lines[position].offset)
        marks[position] = _Mark(own) if own is not None and own.kind != "block" else _Mark(rule, context=True)
    return index


def _resolve_context(lines: list[Line], marks: list[_Mark | None], weak: dict[int, Rule]) -> None:
    """jusText's idea for lines: short undecided lines take the side of their neighbours. A line
    holding a hidden line break is several lines to a reader: it is kept, as a long line is."""
    decided = [
        i for i, line in enumerate(lines) if not line.is_blank and (marks[i] or line.words > SHORT_WORDS or has_hidden_break(line.text))
    ]
    bounds = [-1, *decided, len(lines)]
    for before, after in pairwise(bounds):
        run = [i for i in range(before + 1, after) if not lines[i].is_blank]
        if not run:
            continue
        above = marks[before] if before >= 0 else None
        below = marks[after] if after < len(lines) else None
        _settle_run(lines, marks, weak, run, above, below, at_end=after == len(lines), at_start=before < 0)


def _settle_run(lines, marks, weak, run, above, below, at_end: bool, at_start: bool) -> None:
    if len(run) > MAX_CONTEXT_RUN:
        return
    weak_rule = next((weak[i] for i in run if i in weak), None)
    if above and (below or (at_end and not _article_goes_on(lines, run, above))):
        rule = weak_rule or (below or above).rule
        for index in run:
            marks[index] = _Mark(weak.get(index, rule), context=index not in weak)
        return
    if below is None:
        return
    last = run[-1]
    if last in weak:
        marks[last] = _Mark(weak[last])
    elif below.rule.kind == "block" and below.rule.extent == "short" and not below.context and _is_kicker(lines[last]) and not at_start:
        marks[last] = _Mark(below.rule, context=True)


def _is_kicker(line: Line) -> bool:
    return line.words <= KICKER_WORDS and not line.text.rstrip().endswith((".", "!", "?"))


def _article_goes_on(lines: list[Line], run: list[int], above: _Mark) -> bool:
    """At the end of a text, a sentence after a line that stands inside articles (a photo credit
    under the last image) is the article's last sentence: the credit goes alone."""
    return above.rule.in_article and any(_reads_as_sentence(lines[index]) for index in run)


def _reads_as_sentence(line: Line) -> bool:
    return line.words >= SENTENCE_WORDS and line.text.rstrip().rstrip(CLOSING_QUOTES).endswith((".", "!", "?", "…"))


def _absorb_blank_lines(lines: list[Line], marks: list[_Mark | None]) -> None:
    """Blank lines inside a removed region go with it, and so does the gap a removal leaves.

    "A, blank, boilerplate, blank, B" becomes "A, blank, B" rather than two blank lines.
    """
    kept_blank_before = True  # the start of the document counts as a paragraph break
    previous: _Mark | None = None  # the mark of the last non-blank line
    index = 0
    while index < len(lines):
        if not lines[index].is_blank:
            previous = marks[index]
            kept_blank_before = kept_blank_before and previous is not None
            index += 1
            continue
        stop = index
        while stop < len(lines) and lines[stop].is_blank:
            stop += 1
        following = marks[stop] if stop < len(lines) else None
        if previous is not None and (following is not None or kept_blank_before):
            for blank in range(index, stop):
                marks[blank] = _Mark((following or previous).rule, context=True)
        else:
            kept_blank_before = True
        index = stop


def removals_of(lines: list[Line], hits: Hits) -> list[Removal]:
    """What goes from these lines: classify, resolve context, absorb blank lines, render."""
    marks, weak = _classify(lines, hits)
    _resolve_context(lines, marks, weak)
    _absorb_blank_lines(lines, marks)
    return _render(lines, marks, hits)


def _render(lines: list[Line], marks: list[_Mark | None], hits: Hits) -> list[Removal]:
    """The removals, in order; consecutive lines taken alike make one removal."""
    removals: list[Removal] = []
    run: tuple[int, int, _Mark] | None = None  # first and last line of the current run, its mark
    spans_possible = set(_indices(lines, hits.spans))
    for index, mark in enumerate(marks):
        if mark is None and index not in spans_possible:
            continue
        line = lines[index]
        spans = [] if mark is not None or line.is_blank else list(hits.spans.get(line.offset, ()))
        if spans and _covers_line(line.text, spans):
            mark = _Mark(spans[0][2])
        if run and (mark is None or index != run[1] + 1 or (mark.rule.id, mark.context) != (run[2].rule.id, run[2].context)):
            removals.append(_line_removal(lines, run))
            run = None
        if mark is not None:
            run = (run[0], index, run[2]) if run else (index, index, mark)
            continue
        for start, end, rule in spans:
            removals.append(Removal(line.number, line.number, line.offset + start, line.offset + end, line.text[start:end], rule.id))
    if run:
        removals.append(_line_removal(lines, run))
    return removals


def cut(text: str, removals: list[Removal]) -> Result:
    """The text without the removed pieces (given in order)."""
    if not removals:
        return Result(text, ())
    pieces = []
    cursor = 0
    for removal in removals:
        pieces.append(text[cursor : removal.start])
        cursor = removal.end
    pieces.append(text[cursor:])
    return Result("".join(pieces), tuple(removals))


def _covers_line(text: str, spans: list[tuple[int, int, Rule]]) -> bool:
    """A line that is nothing but spans goes whole, instead of leaving an empty line behind."""
    cursor = 0
    rest = []
    for start, end, _rule in spans:
        rest.append(text[cursor:start])
        cursor = end
    rest.append(text[cursor:])
    return not "".join(rest).strip()


def _line_removal(lines: list[Line], run: tuple[int, int, _Mark]) -> Removal:
    first, last, mark = lines[run[0]], lines[run[1]], run[2]
    if first is last:  # most runs are one line: no join
        text = first.text + first.ending
    else:
        text = "".join(line.text + line.ending for line in lines[run[0] : run[1] + 1])
    return Removal(first.number, last.number, first.offset, last.end, text, mark.rule.id, mark.context)
