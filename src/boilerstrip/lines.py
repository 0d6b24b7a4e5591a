"""The one definition of a line and its break: how a document is split, and what rules see of a line.

The engine, the index and the command line's line numbers all split here, so they agree."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .model import Line

DECORATION = " |•·*►▸▶›"
"""Table pipes and bullets that scrapers leave around a line; rules should not have to spell them."""


HIDDEN_BREAK = re.compile("[\r\v\f\x1c-\x1e\x85\u2028\u2029]")
"""Characters that ``str.splitlines`` and many viewers break a line at, but that the line model
(``split_lines``: ``\n`` and ``\r\n``) keeps inside a line. A reader sees such a line as
several; a rule therefore never decides on it whole (``has_hidden_break``), so no removal takes
an article sentence along with the boilerplate it was joined to."""


def has_hidden_break(body: str) -> bool:
    """Whether a line (without its ending) holds a character a reader sees as a line break."""
    return HIDDEN_BREAK.search(body) is not None


def match_text(text: str) -> str:
    """What rules see of a line: whitespace runs (no-break spaces too) as one space, no decoration."""
    if len(text) <= LONG:
        return _joined(text.split())
    return " ".join(filter(None, (" ".join(piece.split()) for piece in _pieces(text)))).strip(DECORATION)


LONG = 1 << 16
"""A line of more characters than this is split into words a piece at a time: the words of a
50 MB line, each an object, took ten times the line."""


def _pieces(text: str) -> Iterator[str]:
    """``text`` in pieces of about ``LONG`` characters, each cut inside a run of whitespace, so
    every word is whole in one piece."""
    at = 0
    while at < len(text):
        space = _SPACE.search(text, at + LONG)  # ``\s`` is ``str.isspace``, what ``split`` splits at
        cut = len(text) if space is None else space.start()
        yield text[at:cut]
        at = cut


_SPACE = re.compile(r"\s")


def _joined(tokens: list[str]) -> str:
    return " ".join(tokens).strip(DECORATION)


_BLOCK_MARKERS = re.compile(r"[ \t]*(?:(?:#{1,6}|>|[-+*])[ \t]+)+")
"""Markdown headings, quotes and bullets opening a line (not ``1.``: a numbered heading stays one)."""
_MARKED_LINE = re.compile("\n(?=[ \t#>+*-])" + _BLOCK_MARKERS.pattern)
"""The markers after a line break: a regex that starts with a literal is searched for at C speed,
where ``^`` under ``re.MULTILINE`` is tried at every character (four times slower on prose). The
lookahead for a marker's first character turns most line breaks away before the markers' loop
is entered: four times faster on blank lines, a fifth on prose."""
_LINK = re.compile(r'\[([^\]\n]*)(\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*(?:\s+"[^"\n]*")?\))')
"""``[text](url)``: the text is kept, the brackets and the address are markup (an image's ``!`` stays)."""
_STARS = re.compile(r"\*\*?")
"""``**bold**`` and the stars of ``*italic*`` (``_stressed`` tells them from a lone star); the
underscores of ``__bold__`` are replaced as a string, twice as fast as one regex for both."""


def unmarked(text: str) -> str:
    """The document as rules see it: Markdown markup blanked to spaces, so that a rule written for
    plain text matches ``## Comments`` or ``**Read more:** [title](url)`` too, while every offset and
    line stays the input's (the output is cut from the input, markup and all)."""
    text = _MARKED_LINE.sub(_blanked_after_break, text)
    if first := _BLOCK_MARKERS.match(text):
        text = _blanked(first) + text[first.end() :]
    if "]" in text and "](" in text:  # one character is looked for at memchr's speed, two at a tenth of it
        text = _LINK.sub(lambda found: " " + found[1] + " " * len(found[2]), text)
    if "*" in text:
        text = _STARS.sub(_stressed, text)
    return text.replace("__", "  ") if "_" in text else text


def _blanked(found: re.Match[str]) -> str:
    return " " * len(found[0])


def _blanked_after_break(found: re.Match[str]) -> str:
    return "\n" + " " * (len(found[0]) - 1)


def _stressed(found: re.Match[str]) -> str:
    """A pair of stars is markup; so is one star that opens (``*word``) or closes
    (``word*``) an emphasis, but not a lone one (``Comment *``) or one inside a word (``x*y``)."""
    if len(found[0]) == 2:
        return "  "
    text, at = found.string, found.start()
    before = text[at - 1] if at else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    opens = not (before.isalnum() or before in "_*") and not (after.isspace() or after == "*")
    closes = not (before.isspace() or before == "*") and not (after.isalnum() or after in "_*")
    return " " if opens or closes else "*"


def split_lines(text: str, offset: int = 0, number: int = 1) -> list[Line]:
    """Split on ``\n`` only, so ``\r\n`` stays one ending and form feeds or U+2028 stay text.

    ``str.splitlines`` would break on a dozen other characters and lose which ending a line had;
    the output must give back every character as it came. ``text`` may be a stretch of a
    document that starts at ``offset`` with line ``number``.
    """
    lines: list[Line] = []
    append = lines.append
    parts = text.split("\n")
    tail = parts.pop()  # after the last line break: a last line without an ending, or nothing
    for index, part in enumerate(parts, number):
        if part.endswith("\r"):
            body = part[:-1]
            append(Line(index, body, "\r\n", offset, word_count(body)))
        else:
            append(Line(index, part, "\n", offset, word_count(part)))
        offset += len(part) + 1
    if tail:
        append(Line(number + len(parts), tail, "", offset, word_count(tail)))
    return lines


def word_count(body: str) -> int:
    """``len(body.split())``, without building the words of a usual line: one whose only
    whitespace is single spaces between words (``isprintable`` rules out every other one)."""
    if body.isprintable() and "  " not in body and body[:1] != " " and body[-1:] != " ":
        return body.count(" ") + 1 if body else 0
    return sum(len(piece.split()) for piece in _pieces(body)) if len(body) > LONG else len(body.split())


def key_of(body: str) -> str:
    """``match_text`` of a line, the usual line's without splitting it (or counting words)."""
    return body if _usual(body) else match_text(body)


def _usual(body: str) -> bool:
    """``isprintable`` rules out every whitespace character but the space, and a single space
    between words is what ``match_text`` makes: such a line is its own match text."""
    return body.isprintable() and "  " not in body and body[:1] not in DECORATION and body[-1:] not in DECORATION
