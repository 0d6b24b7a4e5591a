"""User patterns run in linear time: translated into RE2's syntax, meaning for meaning, and
matched by RE2 (google-re2), which never backtracks.

Python's ``re`` backtracks: ``(?:\\w+\\s?){1,20}!`` takes minutes on one line that almost matches,
and no signal stops it. A list of forbidden shapes always misses one, so a pattern from a user's
pack is compiled for RE2 instead, whose time is linear in the text by construction; what RE2
cannot run (lookarounds, backreferences, atomic groups, possessive quantifiers, bounds over 1000)
is refused when the pack loads, with the reason.

Packs are written in Python's dialect, so the translation keeps its meaning where RE2's differs:
``\\w``, ``\\d`` and ``\\s`` are Unicode-wide in ``re`` and ASCII in RE2, and are spelled out as
Unicode classes (``tests/test_linear.py`` compares the two engines on every code point and on the
development lines). One difference stays: RE2 has no lookaround, so ``\\b`` keeps RE2's meaning,
a boundary between an ASCII word character and anything else; beside a non-ASCII letter ("für")
it finds a boundary ``re`` does not. A rule matches whole lines, where ``\\b`` is mostly at a
space or the line's end, and so the same.

The shipped packs pass the same translation (a test compiles them for RE2 and compares the
results), and run on ``re``, reviewed: its cost per call on a short line is lower.
"""

from __future__ import annotations

import re
import re._constants as sre  # noqa: PLC2701
import re._parser as sre_parse  # noqa: PLC2701 - the only parser of Python's regex dialect
from functools import lru_cache

from . import memo

MAX_REPEAT_COUNT = 1000
"""RE2's limit on a counted repetition's bound."""
MAX_PROGRAM_MEMORY = 64 << 20
"""Bytes RE2 may use for one compiled pattern (its default is 8 MiB): the engine's combined
alternations of many patterns need more; a single pattern that needs more than this is refused."""

_SPACES = "\\t\\n\\x{b}\\f\\r\\x{1c}-\\x{20}\\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}"
"""``str.isspace``, which is ``re``'s ``\\s`` on text."""
_UNICODE = {
    sre.CATEGORY_DIGIT: ("\\p{Nd}", False),  # str.isdecimal
    sre.CATEGORY_WORD: ("\\p{L}\\p{N}_", False),  # str.isalnum, and "_"
    sre.CATEGORY_SPACE: (_SPACES, False),
    sre.CATEGORY_NOT_DIGIT: ("\\p{Nd}", True),
    sre.CATEGORY_NOT_WORD: ("\\p{L}\\p{N}_", True),
    sre.CATEGORY_NOT_SPACE: (_SPACES, True),
}
_ASCII = {
    sre.CATEGORY_DIGIT: ("0-9", False),
    sre.CATEGORY_WORD: ("0-9A-Za-z_", False),
    sre.CATEGORY_SPACE: ("\\t\\n\\x{b}\\f\\r ", False),
    sre.CATEGORY_NOT_DIGIT: ("0-9", True),
    sre.CATEGORY_NOT_WORD: ("0-9A-Za-z_", True),
    sre.CATEGORY_NOT_SPACE: ("\\t\\n\\x{b}\\f\\r ", True),
}
_ANCHORS = {sre.AT_BEGINNING: "^", sre.AT_BEGINNING_STRING: "\\A", sre.AT_END: "$", sre.AT_END_STRING: "\\z"}
"""``$`` ends the text in RE2 and may also stand before a final newline in ``re``: rules match
within one line, which holds no newline (``lines.match_text``)."""
_FLAGS = ((re.IGNORECASE, "i"), (re.DOTALL, "s"), (re.MULTILINE, "m"))
_REFUSED = {
    sre.ASSERT: "a lookahead or lookbehind",
    sre.ASSERT_NOT: "a negative lookahead or lookbehind",
    sre.GROUPREF: "a backreference",
    sre.GROUPREF_EXISTS: "a conditional group",
    sre.ATOMIC_GROUP: "an atomic group",
    sre.POSSESSIVE_REPEAT: "a possessive quantifier",
}
_DOTTED_I = tuple(map(ord, "iI\u0130\u0131"))
"""Ignoring case, ``re`` takes these four for one letter (Turkish i), RE2 two pairs."""
_DOTTED_I_CLASS = "iI\\x{130}\\x{131}"
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class NotLinear(ValueError):
    """A pattern RE2 cannot run: the message says what in it."""


def re2_syntax(pattern: str) -> str:
    """``pattern`` (Python's dialect) in RE2's syntax, matching exactly the same texts."""
    try:
        parsed = sre_parse.parse(pattern)
    except re.error as error:
        raise NotLinear(f"not a regular expression: {error}") from None
    flags = parsed.state.flags
    body = _Translation(bool(flags & re.ASCII), bool(flags & re.IGNORECASE)).sequence(parsed)
    added = "".join(letter for flag, letter in _FLAGS if flags & flag)
    return f"(?{added}:{body})" if added else body


class _Translation:
    def __init__(self, ascii_only: bool, ignore_case: bool):
        self.categories = _ASCII if ascii_only else _UNICODE
        self.ascii_only = ascii_only
        self.ignore_case = ignore_case

    def sequence(self, items) -> str:
        return "".join(self.item(op, value) for op, value in items)

    def item(self, op, value) -> str:
        if op in _REFUSED:
            raise NotLinear(_REFUSED[op])
        if op is sre.LITERAL:
            return f"[{_DOTTED_I_CLASS}]" if self.ignore_case and value in _DOTTED_I else _char(value)
        if op is sre.NOT_LITERAL:
            return f"[^{_DOTTED_I_CLASS if self.ignore_case and value in _DOTTED_I else _char(value)}]"
        if op is sre.ANY:
            return "."
        if op is sre.IN:
            return self.char_class(value)
        if op is sre.BRANCH:
            return "(?:" + "|".join(self.sequence(branch) for branch in value[1]) + ")"
        if op is sre.SUBPATTERN:
            return self.group(value)
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            return self.repeat(value, lazy=op is sre.MIN_REPEAT)
        if op is sre.AT:
            return self.anchor(value)
        raise NotLinear(f"{op}, which the translation does not know")

    def char_class(self, items) -> str:
        negated = bool(items) and items[0][0] is sre.NEGATE
        members, complements = [], []
        dotted_i = False
        for op, value in items[1:] if negated else items:
            if op is sre.LITERAL:
                members.append(_char(value))
                dotted_i = dotted_i or value in _DOTTED_I
            elif op is sre.RANGE:
                members.append(f"{_char(value[0])}-{_char(value[1])}")
                dotted_i = dotted_i or any(value[0] <= code <= value[1] for code in _DOTTED_I)
            elif op is sre.CATEGORY:
                spelled, complement = self.categories[value]
                (complements if complement else members).append(spelled)
            else:
                raise NotLinear(f"{op} in a class, which the translation does not know")
        if dotted_i and self.ignore_case:
            members.append(_DOTTED_I_CLASS)
        if not complements:
            return f"[{'^' if negated else ''}{''.join(members)}]"
        if negated:  # [^\W...] is an intersection, which RE2's classes cannot spell, but for letters
            letters = self.letters(items[1:], complements)
            if letters is None:
                raise NotLinear("a negated class holding \\W, \\D or \\S (spell it as a positive class)")
            return letters
        return "(?:" + "|".join([f"[{''.join(members)}]"] * bool(members) + [f"[^{part}]" for part in complements]) + ")"

    def letters(self, items, complements: list[str]) -> str | None:
        """``[^\\W\\d]`` and ``[^\\W\\d_]``, Python's spelling of "a letter", as one class."""
        if self.ascii_only or complements != [self.categories[sre.CATEGORY_NOT_WORD][0]]:
            return None
        removed = {(op, value) for op, value in items if (op, value) != (sre.CATEGORY, sre.CATEGORY_NOT_WORD)}
        if removed not in ({(sre.CATEGORY, sre.CATEGORY_DIGIT)}, {(sre.CATEGORY, sre.CATEGORY_DIGIT), (sre.LITERAL, ord("_"))}):
            return None
        return "[\\p{L}\\p{Nl}\\p{No}" + ("_" if len(removed) == 1 else "") + "]"

    def group(self, value) -> str:
        _group, add, remove, body = value
        on = "".join(letter for flag, letter in _FLAGS if add & flag)
        off = "".join(letter for flag, letter in _FLAGS if remove & flag)
        ascii_only = bool(add & re.ASCII) or (self.ascii_only and not remove & re.ASCII)
        ignore_case = bool(add & re.IGNORECASE) or (self.ignore_case and not remove & re.IGNORECASE)
        inner = _Translation(ascii_only, ignore_case)
        return f"(?{on}{'-' + off if off else ''}:{inner.sequence(body)})"

    def repeat(self, value, lazy: bool) -> str:
        low, high, body = value
        unbounded = high == sre.MAXREPEAT
        if max(low, 0 if unbounded else high) > MAX_REPEAT_COUNT:
            raise NotLinear(f"a repetition bound over {MAX_REPEAT_COUNT} (RE2's limit)")
        if unbounded:
            bound = {0: "*", 1: "+"}.get(low, f"{{{low},}}")
        else:
            bound = "?" if (low, high) == (0, 1) else f"{{{low}}}" if low == high else f"{{{low},{high}}}"
        return f"(?:{self.sequence(body)}){bound}{'?' if lazy else ''}"

    def anchor(self, value) -> str:
        if value in _ANCHORS:
            return _ANCHORS[value]
        if value in (sre.AT_BEGINNING_LINE, sre.AT_END_LINE):
            return "(?m:^)" if value is sre.AT_BEGINNING_LINE else "(?m:$)"
        if value in (sre.AT_BOUNDARY, sre.AT_NON_BOUNDARY):  # the one approximation: see the module's docstring
            return "\\b" if value is sre.AT_BOUNDARY else "\\B"
        raise NotLinear(f"the anchor {value}, which the translation does not know")


def _char(code: int) -> str:
    character = chr(code)
    return character if character.isascii() and character.isalnum() else f"\\x{{{code:x}}}"


def compile_linear(pattern: str) -> LinearPattern:
    """``pattern`` (Python's dialect) compiled for RE2, or ``NotLinear`` saying why it cannot be."""
    return _linear_pattern(re2_syntax(pattern))


def compile_alternation(named: dict[str, str], linear: bool) -> re.Pattern[str] | LinearPattern:
    """One regex of the expressions (Python's dialect), each in a group of its name (none for ""):
    for ``re``, or, when ``linear`` (one of them is a user's), all of them translated for RE2."""
    if linear:
        named = {name: re2_syntax(expression) for name, expression in named.items()}
    source = "|".join(f"(?P<{name}>{expression})" if name else expression for name, expression in named.items())
    return _linear_pattern(source) if linear else memo.regex(source)


@lru_cache(maxsize=256)
def _linear_pattern(syntax: str) -> LinearPattern:
    """Cached as ``re.compile`` is: a pack's check compiles a rule once per example."""
    return LinearPattern(syntax)


class LinearPattern:
    """An RE2 regex with the part of ``re.Pattern``'s interface the index uses.

    RE2 reads UTF-8, which a lone surrogate (legal in JSON text) has no spelling in: such a
    code point is matched as U+FFFD, which no class of ``\\w``, ``\\d`` or ``\\s`` holds either."""

    __slots__ = ("_regex",)

    def __init__(self, syntax: str):
        import re2  # only a user's pack needs it: the shipped ones run on ``re``

        options = re2.Options()
        options.log_errors = False
        options.max_mem = MAX_PROGRAM_MEMORY
        try:
            self._regex = re2.compile(syntax, options)
        except re2.error as error:
            raise NotLinear(f"what RE2 refuses: {error}") from None

    def fullmatch(self, text: str):
        return self._regex.fullmatch(_encodable(text))

    def search(self, text: str):
        return self._regex.search(_encodable(text))

    def finditer(self, text: str):
        return self._regex.finditer(_encodable(text))


def _encodable(text: str) -> str:
    if text.isascii() or not _LONE_SURROGATE.search(text):
        return text
    return _LONE_SURROGATE.sub("\ufffd", text)
