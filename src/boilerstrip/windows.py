"""A long document cleaned window by window, giving what cleaning it whole gives, in the memory
a window takes.

Cleaning a document holds several copies of it (its Markdown-blanked view, that view lower-cased,
every line, and, with one character outside the Basic Multilingual Plane anywhere in it, each at
four bytes a character), and a screen that is not exact for one line tries every line of it. A
window is about ``WINDOW`` characters of whole lines, cut where ``engine.clean_window`` says the
lines above need nothing below them; when a window holds no such place (a long run of short lines
and no firewall), it grows until it does, or until the document ends.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .engine import START, clean_window, cut
from .index import CompiledRules
from .model import Removal, Result

WINDOW = 1 << 18
"""Characters of a window: big enough that a window costs no more than as many small documents,
small enough that a rare character that blinds the screen (``index.py``) blinds it for few lines,
and that a 24 MB document is cleaned in 48 MB of memory, not 114 MB as in windows of 1 MiB."""


def cleaned(pieces: Iterable[str], rules: CompiledRules, window: int = WINDOW) -> Iterator[tuple[str, Result]]:
    """The document made of ``pieces``, in turn: each window's text, and that text cleaned, with
    removals at the document's line numbers and offsets. Joined, the cleaned texts and the
    removals are ``engine.clean``'s of the whole document."""
    above = START
    offset = lines = 0  # characters and line breaks before the window
    held: list[str] = []  # read and not yet cleaned: the window, from its first character
    size, wanted = 0, window
    for piece in pieces:
        held.append(piece)
        size += len(piece)
        if size < wanted:
            continue
        text = "".join(held)
        held.clear()  # the pieces go before the window is cleaned: one copy of it, not two
        whole = text.rfind("\n") + 1  # a window ends with a line break
        done = clean_window(text[:whole], rules, above, last=False) if whole else None
        if done is None or not done.end:
            held, wanted = [text], 2 * size  # nowhere to cut: read on, as much again
            continue
        yield _shifted(text[: done.end], done.removals, offset, lines)
        offset += done.end
        lines += text.count("\n", 0, done.end)
        above = done.below
        rest = text[done.end :]
        held, size, wanted = [rest], len(rest), window
    text = "".join(held)
    held.clear()
    yield _shifted(text, clean_window(text, rules, above).removals, offset, lines)


def _shifted(text: str, removals: list[Removal], offset: int, lines: int) -> tuple[str, Result]:
    """A window and its cleaned text, its removals moved from the window's lines to the document's."""
    result = cut(text, removals)
    moved = tuple(
        Removal(r.line + lines, r.end_line + lines, r.start + offset, r.end + offset, r.text, r.rule, r.context) for r in result.removals
    )
    return text, Result(result.text, moved)
