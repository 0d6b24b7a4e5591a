"""The one definition of a line and its break: how a document is split, and what rules see of a line.

The engine, the index and the command line's line numbers all split here, so they agree."""

from __future__ import annotations

import re

from .model import Line

DECORATION = " |•·*►▸▶›"
"""Table pipes and bullets that scrapers leave around a line; rules should not have to spell them."""


def match_text(text: str) -> str:
    """What rules see of a line: whitespace runs (no-break spaces too) as one space, no decoration."""
    return _joined(text.split())


def _joined(tokens: list[str]) -> str:
    return " ".join(tokens).strip(DECORATION)


_BLOCK_MARKERS = re.compile(r"^[ \t]*(?:(?:#{1,6}|>|[-+*])[ \t]+)+", re.MULTILINE)
"""Markdown headings, quotes and bullets opening a line (not ``1.``: a numbered heading stays one)."""
_LINK = re.compile(r'(!?\[)([^\]\n]*)(\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*(?:\s+"[^"\n]*")?\))')
"""``[text](url)`` and ``![alt](src)``: the text is kept, the brackets and the address are markup."""
_EMPHASIS = re.compile(r"\*\*|__|(?<![\w*])\*(?=[^\s*])|(?<=[^\s*])\*(?![\w*])")
"""``**bold**``, ``__bold__`` and the stars of ``*italic*``; a lone star (``Comment *``) is not markup."""


def unmarked(text: str) -> str:
    """The document as rules see it: Markdown markup blanked to spaces, so that a rule written for
    plain text matches ``## Comments`` or ``**Read more:** [title](url)`` too, while every offset and
    line stays the input's (the output is cut from the input, markup and all)."""
    if not any(mark in text for mark in "#>-+*_["):
        return text
    text = _BLOCK_MARKERS.sub(_blanked, text)
    text = _LINK.sub(lambda found: " " * len(found[1]) + found[2] + " " * len(found[3]), text)
    return _EMPHASIS.sub(_blanked, text)


def _blanked(found: re.Match[str]) -> str:
    return " " * len(found[0])


def split_lines(text: str, offset: int = 0, number: int = 1) -> list[Line]:
    """Split on ``\\n`` only, so ``\\r\\n`` stays one ending and form feeds or U+2028 stay text.

    ``str.splitlines`` would break on a dozen other characters and lose which ending a line had;
    the output must give back every character as it came. ``text`` may be a stretch of a
    document that starts at ``offset`` with line ``number``.
    """
    lines: list[Line] = []
    append = lines.append
    parts = text.split("\n")
    tail = parts.pop()  # after the last line break: a last line without an ending, or nothing
    for index, part in enumerate(parts, number):
        size = len(part)
        if part.endswith("\r"):
            append(Line(index, part[:-1], "\r\n", offset, *words_and_key(part[:-1])))
        else:
            append(Line(index, part, "\n", offset, *words_and_key(part)))
        offset += size + 1
    if tail:
        append(Line(number + len(parts), tail, "", offset, *words_and_key(tail)))
    return lines


def words_and_key(body: str) -> tuple[int, str]:
    """A line's word count and ``match_text``, the usual line's without splitting it."""
    if _usual(body):
        return body.count(" ") + 1, body
    tokens = body.split()
    return len(tokens), _joined(tokens)


def key_of(body: str) -> str:
    """``match_text`` of a line, the usual line's without splitting it (or counting words)."""
    return body if _usual(body) else match_text(body)


def _usual(body: str) -> bool:
    """``isprintable`` rules out every whitespace character but the space, and a single space
    between words is what ``match_text`` makes: such a line is its own match text."""
    return body.isprintable() and "  " not in body and body[:1] not in DECORATION and body[-1:] not in DECORATION
