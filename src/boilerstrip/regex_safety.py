"""Refuse rule patterns that can backtrack catastrophically, before they meet hostile input.

Python's ``re`` backtracks; ``(\\w+\\s?)+`` takes exponential time on a line that almost matches.
The classic culprit is a repetition nested inside an unbounded one, which we find by walking the
parse tree of the pattern (``re._parser`` is private, but it is the parser ``re`` itself uses).
"""

from __future__ import annotations

import re._parser as sre_parse  # noqa: PLC2701 - the only parser of Python's regex dialect
from re._constants import MAXREPEAT

_REPEATS = {sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT}
_ATOMIC = {sre_parse.POSSESSIVE_REPEAT, sre_parse.ATOMIC_GROUP}


def nested_quantifier(pattern: str) -> str | None:
    """The offending pattern when it nests a repetition inside an unbounded one, else None."""
    return pattern if _walk(sre_parse.parse(pattern), inside_unbounded=False) else None


def _walk(items, inside_unbounded: bool) -> bool:
    for op, value in items:
        if op in _ATOMIC:
            continue  # no backtracking into it
        if op in _REPEATS:
            _low, high, body = value
            if inside_unbounded and high > 1:
                return True
            if _walk(body, inside_unbounded or high == MAXREPEAT):
                return True
        elif any(_walk(child, inside_unbounded) for child in _children(op, value)):
            return True
    return False


def _children(op, value):
    if op == sre_parse.SUBPATTERN:
        return [value[-1]]
    if op == sre_parse.BRANCH:
        return value[1]
    if op in (sre_parse.ASSERT, sre_parse.ASSERT_NOT):
        return [value[1]]
    if op == sre_parse.GROUPREF_EXISTS:
        return [branch for branch in value[1:] if branch]
    return []
