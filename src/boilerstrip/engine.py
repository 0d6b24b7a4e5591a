"""Pure functions from a document and its hits to a Result: classify lines, resolve the undecided
ones by their neighbours, render what is kept. No I/O, no state.

The output is always the input with whole lines (or, for span rules, pieces of a line) deleted;
nothing is rewritten, and every deletion carries the id of the rule behind it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from itertools import pairwise

from .index import CompiledRules, Hits, compile_rules
from .lines import HIDDEN_BREAK, has_hidden_break, split_lines, unmarked, word_count
from .model import Line, Removal, Result, Rule

SHORT_WORDS = 12
"""A line of at most this many words is a candidate for context: heading, kicker, label, teaser."""
KICKER_WORDS = 8
"""A kicker ("Krieg in der Ukraine") above a related-links heading is shorter still."""
MAX_CONTEXT_RUN = 4
"""Longer runs of short lines are lists or verse; neighbours say too little about them."""
SENTENCE_WORDS = 5
"""Fewer words ending in a full stop are a label ("Alle Rechte vorbehalten."), not a sentence."""
ITEM_LINES = 4
"""An item of a list is at most this many lines: a title, a source, an excerpt, a price."""
LABEL_LOOK = 2 * ITEM_LINES + 2
"""Non-blank lines ``_is_repeated_label`` looks at each way: an item's lines and the openers
between them. A run of the same opener, each printed twice in a row, is not looked through from
each of them: a page of 8,000 took 1.5 s, and four times as many sixteen times that."""
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
    alone: bool = False
    """Removed, but no neighbour for context: a repeated label (``_is_repeated_label``)."""


@dataclass(frozen=True, slots=True)
class Above:
    """What the lines above a window of a document tell the engine (``windows.py``): enough, when
    the window starts just after a firewall or inside what an end block takes, to clean it as
    cleaning the whole document would."""

    start: bool = True
    """Nothing is above: a short line here opens the document, and is no kicker (``_settle_run``)."""
    prose: int = 0
    """Words of prose above, counted until there are ``MIN_ARTICLE_WORDS``: all an end block asks."""
    taking: Rule | None = None
    """The end block that opened above and takes all of this window."""
    previous: _Mark | None = None
    """The mark of the last non-blank line above, for blank lines at the top (``_absorb_blank_lines``)."""
    kept_blank: bool = True
    """``_absorb_blank_lines``' state: no non-blank line was kept since the last blank line kept."""
    introduces: bool = False
    """The last line above is a sentence ending in a colon: the line below completes it (``_is_kicker``)."""
    label: tuple[str, str] | None = None
    """The rule and folded text of a ``short`` block's opener just above the last line above, a
    long one (``_is_repeated_label``)."""


START = Above()
"""What is above the whole document: nothing."""


@dataclass(frozen=True, slots=True)
class Window:
    """A window of a document cleaned: its removals, final up to ``end``, where the next window
    starts, and what that window needs to know of the lines above it."""

    removals: list[Removal]
    end: int
    """0: there is no place to cut the window, and it must grow."""
    below: Above


def clean(text: str, rules: CompiledRules | None = None) -> Result:
    """Remove boilerplate from one document. ``rules`` defaults to every shipped rule."""
    rules = rules if rules is not None else compile_rules()
    return cut(text, clean_window(text, rules).removals)


def clean_window(text: str, rules: CompiledRules, above: Above = START, last: bool = True) -> Window:
    """Clean ``text``: a whole document, or the window of one that starts where ``above`` says.

    Unless it is the ``last``, a window ends with a line break, and is cut at the last place the
    lines above give what the whole document gives and the lines below need to know no more than
    ``Above`` says: after a firewall, or, once an end block takes the rest of the document, where
    one removal ends and another begins.
    """
    hits = _visible_lines_only(text, rules.hits(unmarked(text)))
    if above.taking is not None and not hits.spans:
        return _taken_window(text, hits, above, last)
    if not hits and last and above.taking is None:
        return Window([], len(text), above)  # most documents: nothing to split, nothing to resolve
    long_words = max(SHORT_WORDS, rules.block_words)
    end = len(text)
    if not last and above.taking is None:
        end = _last_firewall(text, hits, long_words)
        if not end:
            return Window([], 0, above)
        text, hits = text[:end], _before(hits, end)
    if above.taking is None and not any(rule.kind == "block" and rule.extent == "end" for rule in hits.lines.values()):
        removals: list[Removal] = []
        counted, number = 0, 1  # line numbers counted on from the last region: linear, however many regions
        for start, stop in _regions(text, hits, long_words):
            number += text.count("\n", counted, start)
            counted = start
            removals += removals_of(split_lines(text[start:stop], start, number), hits, above)
        return Window(removals, end, above if last else _after_firewall(text, above, hits))
    lines = split_lines(text)
    marks, taker, kept_blank = _settled(lines, hits, above)
    removals = _render(lines, marks, hits)
    if last:
        return Window(removals, end, above)
    if taker is None:
        return Window(removals, end, _after_firewall(text, above, hits))
    first, rule = taker
    index = _taking_cut(text, lines, marks, max(first, 1))
    if index is None:
        return Window([], 0, above)
    at = lines[index].offset
    before = _text_line(lines, index, -1)
    previous = above.previous if before is None else marks[before]
    return Window([r for r in removals if r.start < at], at, Above(False, above.prose, rule, previous, kept_blank))


def _taken_window(text: str, hits: Hits, above: Above, last: bool) -> Window:
    """``clean_window`` for a window the end block above takes whole, without splitting it into
    lines: a line another rule matched goes as that rule's, the blank lines above it with it (in
    context), every other line with the block; the blank lines at the end as ``_absorb_blank_lines``
    says. The next window may start where one removal ends and another begins (``_taking_cut``)."""
    block = _Mark(above.taking, context=True)
    pieces: list[tuple[int, int, _Mark, bool]] = []  # start, end, mark, whether only blank lines
    cursor = 0
    for offset in sorted(o for o, rule in hits.lines.items() if rule.kind != "block"):
        own = hits.lines[offset]
        blank = _blank_lines_above(text, offset, cursor)
        if blank > cursor:
            pieces.append((cursor, blank, block, False))
        if offset > blank:
            pieces.append((blank, offset, _Mark(own, context=True), True))
        end = text.find("\n", offset)
        cursor = len(text) if end < 0 else end + 1
        pieces.append((offset, cursor, _Mark(own), False))
    tail = _blank_lines_above(text, len(text), cursor)
    if tail > cursor:
        pieces.append((cursor, tail, block, False))
    previous = next((mark for _start, _end, mark, blank in reversed(pieces) if not blank), above.previous)
    if tail < len(text) and above.kept_blank:
        pieces.append((tail, len(text), _Mark(previous.rule, context=True), True))
    removals, starts = _joined(text, pieces)
    if last:
        return Window(removals, len(text), above)
    cuts = [index for index, start in enumerate(starts) if 0 < start < tail and _seam(text, start)]
    if not cuts:
        return Window([], 0, above)
    at = starts[cuts[-1]]
    previous = next((mark for start, _end, mark, blank in reversed(pieces) if start < at and not blank), above.previous)
    return Window(removals[: cuts[-1]], at, Above(False, above.prose, above.taking, previous, above.kept_blank))


def _blank_lines_above(text: str, at: int, floor: int) -> int:
    """Where the blank lines just above ``at`` (a line's start, or the end) begin, from ``floor`` on."""
    start = at
    while start > floor:
        above = text.rfind("\n", 0, start - 1) + 1
        if text[above:start].strip():
            break
        start = above
    return start


def _joined(text: str, pieces: list[tuple[int, int, _Mark, bool]]) -> tuple[list[Removal], list[int]]:
    """The removals of consecutive pieces, those marked alike joined (as ``_render`` joins lines),
    and where each starts."""
    joined: list[tuple[int, int, _Mark]] = []
    for start, end, mark, _blank in pieces:
        if joined and (joined[-1][2].rule.id, joined[-1][2].context) == (mark.rule.id, mark.context):
            joined[-1] = (joined[-1][0], end, mark)
        else:
            joined.append((start, end, mark))
    removals = []
    counted, number = 0, 1
    for start, end, mark in joined:
        number += text.count("\n", counted, start)
        last = number + text.count("\n", start, end - 1)
        removals.append(Removal(number, last, start, end, text[start:end], mark.rule.id, mark.context))
        counted = start
    return removals, [start for start, _end, _mark in joined]


def _before(hits: Hits, end: int) -> Hits:
    """The hits of the lines before ``end``, where a window is cut."""
    return Hits({o: r for o, r in hits.lines.items() if o < end}, {o: s for o, s in hits.spans.items() if o < end})


def _after_firewall(text: str, above: Above, hits: Hits) -> Above:
    """What a window cut after a firewall tells the next: the prose so far, whether the firewall
    ends in a colon and the opener of a block just above it; the firewall, a line kept, leaves
    nothing else."""
    body = text.rstrip()
    cut = body.rfind("\n") + 1
    label = None
    before = text[:cut].rstrip()
    if before:
        start = before.rfind("\n") + 1
        rule = hits.lines.get(start)
        if rule is not None and rule.kind == "block" and rule.extent == "short":
            label = (rule.id, _folded(before[start:]))
    return Above(start=False, prose=_prose(text, above.prose), kept_blank=False, introduces=_introduces(body[cut:]), label=label)


def _prose(text: str, counted: int) -> int:
    """``counted`` and the words of prose in ``text``, counted as far as an end block needs."""
    start = 0
    while counted < MIN_ARTICLE_WORDS and start < len(text):
        stop = text.find("\n", start)
        stop = len(text) if stop < 0 else stop
        words = word_count(text[start:stop].removesuffix("\r"))
        counted += words if words > SHORT_WORDS else 0
        start = stop + 1
    return counted


_TEXT = re.compile(r"\S")


def _seam(text: str, at: int) -> bool:
    """Whether a window may end at ``at``, a line's start: a line after it in ``text`` holds text,
    so every line above reads as in the whole document, and not a quotation mark first, which may
    be the title of a Markdown link begun above (``lines._LINK``) that only the whole shows."""
    found = _TEXT.search(text, at)
    return found is not None and found[0] != '"'


def _is_firewall(text: str, start: int, end: int, tried: Collection[int], long_words: int) -> bool:
    """A long line no rule matched: no context is decided across it, no block runs over it."""
    return start not in tried and len(text[start:end].split()) > long_words


def _last_firewall(text: str, hits: Hits, long_words: int) -> int:
    """Just past the last firewall of ``text`` a window may end at (``_seam``); 0 if there is none."""
    tried = hits.offsets()
    below = len(text)
    while below > 0:
        start = text.rfind("\n", 0, below - 1) + 1
        end = text.find("\n", start)
        if _is_firewall(text, start, len(text) if end < 0 else end, tried, long_words) and _seam(text, below):
            return below
        below = start
    return 0


def _taking_cut(text: str, lines: list[Line], marks: list[_Mark | None], first: int) -> int | None:
    """Under an end block taking the rest, the last line from ``first`` on where the next window
    may start: one whose mark is not the line's above (so no removal runs on across the cut), at
    or above the last non-blank line (the marks of the blank lines after it wait for what follows)."""
    last = len(lines) - 1
    while last >= 0 and lines[last].is_blank:
        last -= 1
    for index in range(last, first - 1, -1):
        mark, above = marks[index], marks[index - 1]
        if (mark.rule.id, mark.context) != (above.rule.id, above.context) and _seam(text, lines[index].offset):
            return index
    return None


DENSE_HITS = 300
"""Characters of text per hit line below which searching the whole text once is cheaper than
searching each hit line (a search costs about a microsecond to set up, a character 3 ns)."""


def _visible_lines_only(text: str, hits: Hits) -> Hits:
    """Drop the hits that would cut across a line break a reader sees (``lines.HIDDEN_BREAK``):
    a whole line holding one, a span holding one. Rare, so the common case costs one search
    per hit line; or, when hit lines are dense (a page of credits), one of the whole text."""
    if len(hits.offsets()) * DENSE_HITS > len(text) and not has_hidden_break(text):
        return hits
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


def _regions(text: str, hits: Hits, long_words: int) -> list[tuple[int, int]]:
    """The stretches of ``text`` around the lines a rule matched, each bounded by firewalls.

    A firewall is a long line no rule matched: context is decided between such lines (it is
    long, so no block runs over it and no run of short lines crosses it), so cleaning a
    stretch from firewall to firewall gives what cleaning the whole document gives there, and
    the rest of the document, usually most of it, is never split into lines. A rule that takes
    the rest of the document (``end``) needs the whole of it, so ``clean_window`` asks for no
    regions then.
    """
    tried = hits.offsets()
    regions: list[tuple[int, int]] = []
    for offset in sorted(tried):
        if regions and offset < regions[-1][1]:
            continue
        start = offset
        while start > 0:
            above = text.rfind("\n", 0, start - 1) + 1
            start = above
            if _is_firewall(text, above, text.find("\n", above), tried, long_words):
                break
        end = offset
        while end < len(text):
            below = text.find("\n", end)
            below = len(text) if below < 0 else below + 1
            is_firewall = end > offset and _is_firewall(text, end, below, tried, long_words)
            end = below
            if is_firewall:
                break
        if regions and start < regions[-1][1]:
            start = regions.pop()[0]
        regions.append((start, end))
    return regions


def _settled(lines: list[Line], hits: Hits, above: Above) -> tuple[list[_Mark | None], tuple[int, Rule] | None, bool]:
    """Every line's mark; where an end block takes the rest from (its first line taken) and the
    block; and ``_absorb_blank_lines``' state at the last non-blank line."""
    marks, weak, taker = _classify(lines, hits, above)
    _resolve_context(lines, marks, weak, above)
    return marks, taker, _absorb_blank_lines(lines, marks, above)


def _classify(lines: list[Line], hits: Hits, above: Above) -> tuple[list[_Mark | None], dict[int, Rule], tuple[int, Rule] | None]:
    """Mark what the rules are sure of; weak matches wait for their neighbours' verdict. Also
    says where an end block takes the rest from, if one does."""
    marks: list[_Mark | None] = [None] * len(lines)
    weak: dict[int, Rule] = {}
    if above.taking is not None:
        _mark_taken(lines, marks, range(len(lines)), above.taking, hits)
        return marks, weak, (0, above.taking)
    resume = 0  # a block took the lines before this one
    prose = _Prose(lines, above.prose)
    for index in _indices(lines, hits.offsets()):
        line = lines[index]
        if index < resume or line.is_blank:
            continue
        rule = hits.lines.get(line.offset)
        if rule is None:
            continue
        if rule.kind == "block":
            marks[index] = _Mark(rule)
            if rule.extent == "short":
                if _is_repeated_label(lines, index, rule, hits, above.label):
                    marks[index] = _Mark(rule, alone=True)
                    continue
                resume = _mark_block(lines, marks, index, rule, hits)
            elif prose.before(index) >= MIN_ARTICLE_WORDS:  # an end block opens only after an article's worth
                _mark_taken(lines, marks, range(index + 1, len(lines)), rule, hits)
                return marks, weak, (index + 1, rule)
        elif rule.weak:
            weak[index] = rule
        else:
            marks[index] = _Mark(rule)
    return marks, weak, None


class _Prose:
    """Words of prose (lines of more than ``SHORT_WORDS`` words) above a line, counted on from the
    last line asked about: asked afresh for every end-block opener that did not open, a page of
    "Kommentare" lines counted its lines again at each (20,000 of them took two seconds)."""

    def __init__(self, lines: list[Line], above: int):
        self.lines = lines
        self.words = above
        self.counted = 0

    def before(self, index: int) -> int:
        """The words of prose above the window and in its lines before ``index`` (ascending)."""
        for line in self.lines[self.counted : index]:
            if line.words > SHORT_WORDS:
                self.words += line.words
        self.counted = max(self.counted, index)
        return self.words


def _indices(lines: list[Line], offsets: Collection[int]) -> list[int]:
    """The positions of the lines starting at ``offsets``."""
    return [index for index, line in enumerate(lines) if line.offset in offsets]


def _is_repeated_label(lines: list[Line], start: int, rule: Rule, hits: Hits, label_above: tuple[str, str] | None) -> bool:
    """Whether the opener of a ``short`` block recurs, word for word, an item's lines above or
    below it: "Read more" under every item of a list, a "most popular" badge on every card, is a
    button or a badge, not the heading of what follows. It goes alone; the items between are the
    page's, whatever they are. Above, an item may be one long line, a product's blurb under its
    "Read more" (``label_above``: the opener above the long line just above these lines). A
    heading printed twice (for two screen sizes), each time over the same list, or twice in a
    row, is still a heading."""
    label = _folded(lines[start].text)
    for step in (1, -1):
        between = looked = 0
        index = start + step
        while 0 <= index < len(lines) and between <= ITEM_LINES and looked <= LABEL_LOOK:
            line = lines[index]
            if line.is_blank:
                index += step
                continue
            looked += 1
            if line.words > rule.max_words:
                if step < 0 and not between:
                    return _opens_above(lines, index, rule, hits, label)
                break
            if hits.lines.get(line.offset) is rule and _folded(line.text) == label:
                if between:
                    first, again = (start, index) if step > 0 else (index, start)
                    return _folded(_next_text(lines, first)) != _folded(_next_text(lines, again))
            else:
                between += 1
            index += step
        if step < 0 and index < 0 and not between and lines and lines[0].offset == 0:
            return label_above is not None and label_above == (rule.id, label)
    return False


def _opens_above(lines: list[Line], index: int, rule: Rule, hits: Hits, label: str) -> bool:
    """Whether the non-blank line above the long line at ``index`` opens a block of ``rule``
    with ``label``. (With none above, the long line is a firewall whose region or window holds
    no such opener: one would have joined the regions, and ended the window above.)"""
    before = _text_line(lines, index, -1)
    return before is not None and hits.lines.get(lines[before].offset) is rule and _folded(lines[before].text) == label


def _next_text(lines: list[Line], index: int) -> str:
    """The next non-blank line's text after ``index``."""
    after = _text_line(lines, index, 1)
    return "" if after is None else lines[after].text


def _text_line(lines: list[Line], index: int, step: int) -> int | None:
    """The index of the nearest non-blank line after ``index`` (``step`` 1) or before it (-1).
    Indexed, not sliced: a copy of the rest of the lines for every opener made a page of them
    quadratic."""
    index += step
    while 0 <= index < len(lines):
        if not lines[index].is_blank:
            return index
        index += step
    return None


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def _mark_block(lines, marks, start: int, rule: Rule, hits: Hits) -> int:
    """Extend a ``short`` block over the short lines after its opening line; returns the index
    to go on from.

    A block that ends at a long paragraph leaves its last short line undecided: it may be the
    heading of that paragraph, and keeping a teaser beats deleting a heading. It ends, too, at
    the opener of an ``end`` block (a comment section under a related list), which opens there:
    taken as context, it never would. A second related heading stays inside the list: opening
    afresh, it would run on over the article below.
    """
    taken: list[int] = []
    index = start + 1
    stopped_by_text = False
    while index < len(lines):
        line = lines[index]
        if not line.is_blank:
            own = hits.lines.get(line.offset)
            if own is not None and own.kind == "block" and own.extent == "end":
                break
            if line.words > rule.max_words or len(taken) >= rule.max_lines:
                stopped_by_text = line.words > rule.max_words
                break
            taken.append(index)
        index += 1
    if stopped_by_text and taken:
        index = taken.pop()
    _mark_taken(lines, marks, taken, rule, hits)
    return index


def _mark_taken(lines: list[Line], marks: list[_Mark | None], taken: Iterable[int], rule: Rule, hits: Hits) -> None:
    """The non-blank lines of ``taken`` go with the block; a line another rule matched says which."""
    for position in taken:
        line = lines[position]
        if line.is_blank:
            continue
        own = hits.lines.get(line.offset)
        marks[position] = _Mark(own) if own is not None and own.kind != "block" else _Mark(rule, context=True)


def _resolve_context(lines: list[Line], marks: list[_Mark | None], weak: dict[int, Rule], above_all: Above) -> None:
    """jusText's idea for lines: short undecided lines take the side of their neighbours. A line
    holding a hidden line break is several lines to a reader: it is kept, as a long line is.
    ``above_all``: what is above the lines (at the start of the document, nothing)."""
    decided = [
        i
        for i, line in enumerate(lines)
        if not line.is_blank and ((marks[i] and not marks[i].alone) or line.words > SHORT_WORDS or has_hidden_break(line.text))
    ]
    bounds = [-1, *decided, len(lines)]
    for before, after in pairwise(bounds):
        run = [i for i in range(before + 1, after) if not lines[i].is_blank and marks[i] is None]
        if not run:
            continue
        above = marks[before] if before >= 0 else None
        below = marks[after] if after < len(lines) else None
        _settle_run(lines, marks, weak, run, above, below, at_end=after == len(lines), above_all=above_all if before < 0 else None)


def _settle_run(lines, marks, weak, run, above, below, at_end: bool, above_all: Above | None) -> None:
    """``above_all``: what is above ``lines``, when nothing of them is above the run."""
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
    elif below.rule.kind == "block" and below.rule.extent == "short" and not below.context and _is_kicker(lines, last, above_all):
        marks[last] = _Mark(below.rule, context=True)


_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+•·▪◦–]|\d{1,3}[.)])[ \t]")
"""A bullet or a number opening a line: an item of a list."""


def _is_kicker(lines: list[Line], index: int, above_all: Above | None) -> bool:
    """Whether the line at ``index``, just above a related heading, is its kicker (a topic label,
    "Krieg in der Ukraine"): short, no sentence, no item of a list above it (a list's last item),
    and not the end of a sentence the line above opens with a colon ("… use:" over a command).
    Nothing above the lines and nothing above the document: no kicker either, the title."""
    line = lines[index]
    if line.words > KICKER_WORDS or line.text.rstrip().endswith((".", "!", "?")) or _LIST_ITEM.match(line.text):
        return False
    before = _text_line(lines, index, -1)
    if before is not None:
        return not _introduces(lines[before].text)
    return above_all is not None and not above_all.start and not above_all.introduces


def _introduces(text: str) -> bool:
    """A sentence ending in a colon: what follows completes it."""
    return text.rstrip().endswith(":") and len(text.split()) > SHORT_WORDS


def _article_goes_on(lines: list[Line], run: list[int], above: _Mark) -> bool:
    """At the end of a text, a sentence after a line that stands inside articles (a photo credit
    under the last image) is the article's last sentence: the credit goes alone."""
    return above.rule.in_article and any(_reads_as_sentence(lines[index]) for index in run)


def _reads_as_sentence(line: Line) -> bool:
    return line.words >= SENTENCE_WORDS and line.text.rstrip().rstrip(CLOSING_QUOTES).endswith((".", "!", "?", "…"))


def _absorb_blank_lines(lines: list[Line], marks: list[_Mark | None], above: Above) -> bool:
    """Blank lines inside a removed region go with it, and so does the gap a removal leaves.

    "A, blank, boilerplate, blank, B" becomes "A, blank, B" rather than two blank lines. Returns
    the state at the last non-blank line, for the window below (``Above.kept_blank``).
    """
    kept_blank_before = above.kept_blank  # the start of the document counts as a paragraph break
    previous = above.previous  # the mark of the last non-blank line
    at_last = kept_blank_before
    index = 0
    while index < len(lines):
        if not lines[index].is_blank:
            previous = marks[index]
            kept_blank_before = at_last = kept_blank_before and previous is not None
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
    return at_last


def removals_of(lines: list[Line], hits: Hits, above: Above = START) -> list[Removal]:
    """What goes from these lines: classify, resolve context, absorb blank lines, render."""
    return _render(lines, _settled(lines, hits, above)[0], hits)


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
