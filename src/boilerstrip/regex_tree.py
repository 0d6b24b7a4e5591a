"""What a rule pattern's parse tree (``re._parser``, the parser ``re`` itself uses) says for speed.

What it reads off a pattern, each fact over-approximating what the regex accepts, so a line that
fails a test cannot match and skipping it changes no result (``tests/test_matcher.py`` compares
every line of the development corpus and generated text against the plain regex):

- ``shape``: ``lead``, the characters a match can start with; ``needles``, strings of which every
  match contains one, and ``also``, further such sets; ``longest``, the longest line it can match;
- ``gate`` and ``after_blanks``: what every match starts with, as regex atoms, for the screen
  of ``index.py``; ``atom_characters``: the characters a one-character atom stands for;

Rules see a line's ``match_text``, whose whitespace runs are single spaces, so ``\\s*`` or
``\\s+`` matches at most one character there.
"""

from __future__ import annotations

import _sre
import re
import re._parser as sre_parse  # noqa: PLC2701 - the only parser of Python's regex dialect
from collections.abc import Iterable
from dataclasses import dataclass
from re._casefix import _EXTRA_CASES  # noqa: PLC2701 - the engine's own case equivalents
from re._constants import (  # noqa: PLC2701
    ANY,
    ASSERT,
    ASSERT_NOT,
    AT,
    ATOMIC_GROUP,
    BRANCH,
    CATEGORY,
    CATEGORY_DIGIT,
    CATEGORY_NOT_DIGIT,
    CATEGORY_NOT_SPACE,
    CATEGORY_NOT_WORD,
    CATEGORY_SPACE,
    CATEGORY_WORD,
    IN,
    LITERAL,
    MAX_REPEAT,
    MAXREPEAT,
    MIN_REPEAT,
    NEGATE,
    NOT_LITERAL,
    POSSESSIVE_REPEAT,
    RANGE,
    SUBPATTERN,
)

_REPEATS = (MAX_REPEAT, MIN_REPEAT, POSSESSIVE_REPEAT)
_CATEGORIES = {
    CATEGORY_DIGIT: r"\d",
    CATEGORY_NOT_DIGIT: r"\D",
    CATEGORY_SPACE: r"\s",
    CATEGORY_NOT_SPACE: r"\S",
    CATEGORY_WORD: r"\w",
    CATEGORY_NOT_WORD: r"\W",
}
_SPACE_ONLY = ([(IN, [(CATEGORY, CATEGORY_SPACE)])], [(LITERAL, ord(" "))])


class _Unknown(Exception):
    """A construct the analysis does not model: no fact, so no skipping."""


@dataclass(frozen=True)
class Shape:
    lead: str | None
    needles: tuple[str, ...] | None
    """Lower-cased when the pattern ignores case (then they are ASCII, see ``_usable``)."""
    also: tuple[tuple[str, ...], ...]
    """Further sets of which every match holds one each, most selective first (up to
    ``MAX_ALSO``): a line holding a needle but none of a set cannot match either."""
    longest: int | None
    ignore_case: bool


def shape(pattern: str, case_sensitive: bool) -> Shape:
    ignore_case = not case_sensitive
    tree = list(sre_parse.parse(f"(?{'-i' if case_sensitive else 'i'}:{pattern})"))
    lead = needles = longest = None
    also: tuple[tuple[str, ...], ...] = ()
    try:
        atoms, _nullable = _first(tree, False)
        lead = "|".join(sorted(atoms)) if atoms is not None else None
    except _Unknown:
        pass
    try:
        body, body_case = tree, False
        while len(body) == 1 and body[0][0] is SUBPATTERN:
            body_case = _flags(body[0][1], body_case)
            body = list(body[0][1][-1])
        required = sorted(_required(body, body_case), key=_selectivity, reverse=True)
        if required:
            needles = tuple(sorted(required[0]))
            others = [tuple(sorted(group)) for group in required[1:]]
            selective = [group for group in others if group != needles and _selectivity(set(group))[0] >= ALSO_RARITY]
            also = tuple(dict.fromkeys(selective))[:MAX_ALSO]
    except _Unknown:
        pass
    try:
        width = _longest(tree)
        longest = None if width == float("inf") else int(width)
    except _Unknown:
        pass
    return Shape(lead, needles, also, longest, ignore_case)


def _flags(value, ignore_case: bool) -> bool:
    _group, add, remove, _body = value
    if add & re.IGNORECASE:
        return True
    if remove & re.IGNORECASE:
        return False
    return ignore_case


def _first(items, ignore_case: bool) -> tuple[set[str] | None, bool]:
    """The possible first characters of a match (None: any) and whether it can be empty."""
    atoms: set[str] | None = set()
    for op, value in items:
        item_atoms, nullable = _first_of(op, value, ignore_case)
        atoms = None if atoms is None or item_atoms is None else atoms | item_atoms
        if not nullable:
            return atoms, False
    return atoms, True


def _first_of(op, value, ignore_case: bool) -> tuple[set[str] | None, bool]:
    scoped = "(?i:{})" if ignore_case else "(?-i:{})"
    if op is LITERAL:
        return {scoped.format(re.escape(chr(value)))}, False
    if op is NOT_LITERAL:
        return {scoped.format(f"[^{re.escape(chr(value))}]")}, False
    if op is IN:
        return {scoped.format(_class(value))}, False
    if op is ANY:
        return None, False
    if op is CATEGORY:
        return {_category(value)}, False
    if op is BRANCH:
        atoms: set[str] | None = set()
        nullable = False
        for branch in value[1]:
            branch_atoms, branch_nullable = _first(branch, ignore_case)
            atoms = None if atoms is None or branch_atoms is None else atoms | branch_atoms
            nullable = nullable or branch_nullable
        return atoms, nullable
    if op is SUBPATTERN:
        return _first(value[-1], _flags(value, ignore_case))
    if op is ATOMIC_GROUP:
        return _first(value, ignore_case)
    if op in _REPEATS:
        low, _high, body = value
        atoms, nullable = _first(body, ignore_case)
        return atoms, nullable or low == 0
    if op in (AT, ASSERT, ASSERT_NOT):
        return set(), True  # zero width: the next item supplies the first character
    raise _Unknown(op)


def _class(items) -> str:
    parts = []
    for op, value in items:
        if op is NEGATE:
            parts.insert(0, "^")
        elif op is LITERAL:
            parts.append(re.escape(chr(value)))
        elif op is RANGE:
            parts.append(f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}")
        elif op is CATEGORY:
            parts.append(_category(value))
        else:
            raise _Unknown(op)
    return "[" + "".join(parts) + "]"


def _category(value) -> str:
    if value not in _CATEGORIES:
        raise _Unknown(value)
    return _CATEGORIES[value]


def _needles(items, ignore_case: bool) -> set[str] | None:
    """Strings of which a match of ``items`` must contain one; the most selective set found."""
    return max(_required(items, ignore_case), key=_selectivity, default=None)


def _required(items, ignore_case: bool) -> list[set[str]]:
    """Sets of strings of which a match of ``items`` must contain one each.

    Runs of items with a few exact spellings multiply out (``(?:if|when) you`` gives "if you" and
    "when you"), and a set whose members share a long stretch becomes that one stretch."""
    candidates: list[set[str]] = []
    run: set[str] = {""}
    for op, value in items:
        spellings = _exact(op, value, ignore_case)
        if spellings is not None and len(run) * len(spellings) <= MAX_NEEDLES:
            if len(spellings) > 1:
                candidates.append(run)
            run = {head + tail for head in run for tail in spellings}
            continue
        candidates.append(run)
        run = spellings if spellings is not None else {""}
        found = _needles_of(op, value, ignore_case) if spellings is None else None
        if found:
            candidates.append(found)
    candidates.append(run)
    return [_shared(folded) for c in candidates if "" not in c and (folded := _usable(c, ignore_case))]


def _shared(needles: set[str]) -> set[str]:
    """The longest stretch every needle contains, when it is long enough to test alone."""
    if len(needles) == 1:
        return needles
    shortest = min(needles, key=len)
    for size in range(len(shortest), 0, -1):
        for start in range(len(shortest) - size + 1):
            stretch = shortest[start : start + size]
            if (size >= SHARED_STRETCH or not stretch.isalnum() and not stretch.isspace()) and all(stretch in needle for needle in needles):
                return {stretch}
    return needles


MAX_ALSO = 2
ALSO_RARITY = 4
"""A further set with a needle shorter than this ("is", "am") rules out too few lines to be worth
finding."""
SHARED_STRETCH = 4
"""Shorter shared stretches are too common to test alone, unless punctuation (``[`` in "[VIDEO]")."""
MAX_NEEDLES = 32


def _exact(op, value, ignore_case: bool) -> set[str] | None:
    """Every string the item can match, when that is a short list."""
    if op is LITERAL:
        return {chr(value)}
    if op is IN and all(member_op is LITERAL for member_op, _ in value) and len(value) <= MAX_NEEDLES:
        return {chr(member) for _, member in value}
    if op in (AT, ASSERT, ASSERT_NOT):
        return {""}
    if op is SUBPATTERN and _flags(value, ignore_case) == ignore_case:
        return _exact_sequence(value[-1], ignore_case)
    if op is BRANCH:
        union: set[str] = set()
        for branch in value[1]:
            spellings = _exact_sequence(branch, ignore_case)
            if spellings is None:
                return None
            union |= spellings
        return union if len(union) <= MAX_NEEDLES else None
    if op in _REPEATS and value[1] == 1:
        spellings = _exact_sequence(value[2], ignore_case)
        return None if spellings is None else spellings | ({""} if value[0] == 0 else set())
    return None


def _exact_sequence(items, ignore_case: bool) -> set[str] | None:
    spellings = {""}
    for op, value in items:
        tails = _exact(op, value, ignore_case)
        if tails is None or len(spellings) * len(tails) > MAX_NEEDLES:
            return None
        spellings = {head + tail for head in spellings for tail in tails}
    return spellings


def _needles_of(op, value, ignore_case: bool) -> set[str] | None:
    if op is SUBPATTERN:
        return _needles(value[-1], _flags(value, ignore_case))
    if op is BRANCH:
        union: set[str] = set()
        for branch in value[1]:
            found = _needles(branch, ignore_case)
            if not found:
                return None
            union |= found
        return union
    if op in _REPEATS and value[0] >= 1:
        return _needles(value[2], ignore_case)
    return None


def _usable(needles: set[str], ignore_case: bool) -> set[str] | None:
    """Needles the matcher can test with ``in``: lower-cased, when case is ignored, and cut to
    their longest stretch of ASCII or caseless characters (``©``), where ``str.lower`` agrees
    with the regex engine's case folding (but for the characters in ``FOLD_TRAPS``); then to
    their longest stretch without a space, so a line holds them whatever its whitespace runs;
    a needle holding another is dropped, as the other is found wherever it is."""
    if ignore_case:
        needles = {max(_FOLDS_AS_RE.split(needle), key=len).lower() for needle in needles}
    stretches = {max(needle.split(" "), key=lambda part: (min(_rarity(part), 5), len(part))) for needle in needles}
    if "" in stretches:
        return None
    return {needle for needle in stretches if not any(other in needle for other in stretches - {needle})}


FOLDING_LETTERS = "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿąćęłńśźżœčšžőű"
"""Accented letters of the packs' languages that re.IGNORECASE equates with their other case
only, as ``str.lower`` does (``tests/test_matcher.py`` checks every code point): a needle may
hold them ("crédit", not "dit"), as the screen's view spells each in both cases."""
_FOLDS_AS_RE = re.compile(f"[^\\x00-\\x7f©®ⓒ℗™–—„“”‘’«»·•|/\\[\\]{FOLDING_LETTERS}{FOLDING_LETTERS.upper()}]+")


FOLD_TRAPS = ("ı", "ſ", "\u0307")
"""Where ``str.lower`` and ``re.IGNORECASE`` disagree about ASCII letters: dotless i and long s
match i and s under IGNORECASE, and İ lowers to i plus a combining dot (U+0307)."""


def _selectivity(needles: set[str]) -> tuple[int, int]:
    """Longer needles are rarer (up to a point), and so is punctuation, but not the commonest
    words of the languages the packs cover; fewer needles are fewer tests."""
    rarity = min(_rarity(needle) for needle in needles)
    return min(rarity, 5), -len(needles)


def _rarity(needle: str) -> int:
    if needle.lower() in COMMON_WORDS or set(needle) <= COMMON_PUNCTUATION:
        return 1
    if needle.lower() in FREQUENT_WORDS:
        return 3
    return len(needle) if any(c.isalnum() for c in needle) else 3


FREQUENT_WORDS = frozenset(["include", "includes", "think", "follow", "share", "visit", "purchase", "you're", "you’re"])
"""Long English words of everyday prose (found 450 to 1,600 times each in the development texts,
with the words holding them): ranked below a long word of another language
("affiliazione"), which they tied with at the cap, so that the Italian affiliate note's needle
was its "include"; and below ``ALSO_RARITY``, not worth finding as further needles."""


COMMON_PUNCTUATION = frozenset(" .,:;!?'\"()-–—/")
"""The punctuation of running text: a colon is in one line of prose in four, so a pattern whose
only other needles are short parts of words ("Crédit" gives "dit") is better found by those."""


COMMON_WORDS = frozenset(
    """
    a about after all also am an and are as at be been but by can could do for from get got go
    had has have he her his how i if in into is it its just know like make may might more my new
    no not now of on one or our out said says see she so take than that the their them then there
    they this to up was we were what when which who will with would you your
    aber als am an auch auf aus bei bis das dass dem den der des die dies doch du ein eine einem
    einen einer er es für hat ich ihr im in ist ja kann man mehr mit nach nicht noch nur oder
    sich sie sind so um und uns von vor war was wie wir wird zu zum zur
    au avec ce dans de des du elle en est et il je la le les mais ne nous on ou par pas pour qui
    que se son sur un une vous
    al como con de del el en es la las lo los más no para por que se su un una y
    che di il la le non per un una
    """.split()  # noqa: SIM905 - a word list reads best as words, by language
)
"""Function words and the commonest verbs: found in nearly every line of running text, so poor
needles."""


def _longest(items) -> float:
    total = 0.0
    for op, value in items:
        total += _longest_of(op, value)
    return total


def _longest_of(op, value) -> float:
    if op in (LITERAL, NOT_LITERAL, IN, ANY, CATEGORY):
        return 1
    if op is BRANCH:
        return max(_longest(branch) for branch in value[1])
    if op is SUBPATTERN:
        return _longest(value[-1])
    if op is ATOMIC_GROUP:
        return _longest(value)
    if op in _REPEATS:
        _low, high, body = value
        if list(body) in _SPACE_ONLY:
            return min(high, 1)  # match_text has no runs of whitespace
        return float("inf") if high == MAXREPEAT else high * _longest(body)
    if op in (AT, ASSERT, ASSERT_NOT):
        return 0
    raise _Unknown(op)


GATE_WIDTH = 8
"""A gate keeps a pattern's items until its shortest match is this long: enough to tell "Foto:"
from "Fotografen", short enough to stay cheap and clear of nested repeats."""
MAX_GATE_PATHS = 64
"""Past this many spellings a gate keeps an item as one group instead of spelling it out."""
_BLANKS = r"\s+"
"""Where a rule sees one space, a line may hold a run of whitespace. The run may also cross a
line break in the document: a gate may accept more, never less."""

Path = tuple[tuple[str, ...], float, bool]
"""A gate spelled out: regex atoms in order, the shortest match of them, and whether the pattern
ends there (False: the gate was cut)."""


def gate(pattern: str, case_sensitive: bool, folded: bool, anchored: bool = True, flat: bool = False) -> list[tuple[str, ...]]:
    """What every match of ``pattern`` on a line starts with, as regex atoms in alternative
    paths: one pass over a whole document (the screen of ``index.py``) runs them all, in C.

    A gate may only accept more than the pattern: assertions are dropped; a space may be any run
    of whitespace, as in the line before ``match_text`` folded it; paths are cut once their
    shortest match reaches ``GATE_WIDTH``, or before an item the gate cannot model (a ``.``,
    which may stand for a space). With ``folded`` the gate is case-sensitive and meant for the
    document's ``str.lower()``: every literal and class becomes its lower-case image. Unless ``anchored``,
    items a match may skip at its start are left out, so the gate can be searched for anywhere.
    With ``flat``, paths stop before the first item that is not one character. A path with no
    atom means the gate accepts any line.
    """
    tree = _unflagged(pattern, case_sensitive)
    while tree and _nullable(*tree[0]) and (not anchored or _blank_only(*tree[0])):
        tree = tree[1:]  # anchored, whitespace at the start is what the line start skips
    paths = {atoms for atoms, _width, _complete in _gate_sequence(tree, folded, GATE_WIDTH)}
    return sorted({_flattened(atoms) for atoms in paths} if flat else paths)


def _flattened(atoms: tuple[str, ...]) -> tuple[str, ...]:
    """The atoms up to the first that is not one character: a gate of a user's pattern runs on
    ``re``, where a repetition it copied from the pattern could backtrack as the pattern would."""
    for position, atom in enumerate(atoms):
        if atom_characters(atom) is None:
            return atoms[:position]
    return atoms


def after_blanks(pattern: str, case_sensitive: bool) -> list[tuple[str, ...]] | None:
    """The gate, on the text as it is, of what follows the whitespace a match may start with:
    when that whitespace is all a match may skip, and what follows cannot start with it, every
    match starts on the whitespace run before a place this gate matches (``CompiledRules`` span search).
    None otherwise."""
    tree = _unflagged(pattern, case_sensitive)
    while tree and _blank_only(*tree[0]):
        tree = tree[1:]
    if not tree or _nullable(*tree[0]):
        return None
    paths = sorted({atoms for atoms, _width, _complete in _gate_sequence(tree, False, GATE_WIDTH)})
    blanks = [chr(code) for code in range(0x3001) if chr(code).isspace()]
    flags = 0 if case_sensitive else re.IGNORECASE
    if not paths or () in paths or any(re.match(atoms[0], blank, flags) for atoms in paths for blank in blanks):
        return None
    return paths


def _unflagged(pattern: str, case_sensitive: bool) -> list:
    """The pattern's parse tree without the group carrying the rule's own case flag: the view a
    gate runs on, and the flags it is compiled with, carry that."""
    tree = list(sre_parse.parse(f"(?{'-i' if case_sensitive else 'i'}:{pattern})"))
    while len(tree) == 1 and tree[0][0] is SUBPATTERN and tree[0][1][1:3] in ((re.IGNORECASE, 0), (0, re.IGNORECASE)):
        tree = list(tree[0][1][-1])
    return tree


def _gate_sequence(items, folded: bool, width: float) -> list[Path]:
    paths: list[Path] = [((), 0.0, True)]
    for op, value in items:
        if all(not complete or shortest >= width for _, shortest, complete in paths):
            break
        try:
            options = _gate_item(op, value, folded, width)
        except _Unknown:
            options = None
        grown: list[Path] = []
        for atoms, shortest, complete in paths:
            if not complete or shortest >= width or options is None:
                grown.append((atoms, shortest, False))
            else:
                grown.extend((atoms + more, shortest + more_width, more_complete) for more, more_width, more_complete in options)
        paths = grown
    return [(atoms, shortest, complete and shortest < width) for atoms, shortest, complete in paths]


def _gate_item(op, value, folded: bool, width: float) -> list[Path]:
    if op in (AT, ASSERT, ASSERT_NOT):
        return [((), 0, True)]
    if op in (LITERAL, NOT_LITERAL, IN, CATEGORY, ANY):
        return [((_gate_char(op, value, folded),), 1, True)]
    if op is BRANCH:
        return _bounded([path for branch in value[1] for path in _gate_sequence(branch, folded, width)])
    if op is SUBPATTERN:
        if value[1] & ~re.IGNORECASE or value[2] & ~re.IGNORECASE or (not folded and (value[1] or value[2])):
            raise _Unknown(op)  # a flag the view cannot carry
        return _bounded(_gate_sequence(value[-1], folded, width))
    if op is ATOMIC_GROUP:
        return _bounded(_gate_sequence(value, folded, width))
    if op in _REPEATS:
        low, high, body = value
        paths = _gate_sequence(body, folded, width)
        skip = [((), 0, True)] if low == 0 else []
        if paths == [((_BLANKS,), 1, True)]:
            return [((r"\s*" if low == 0 else _BLANKS,), 0 if low == 0 else 1, True)]
        if high == 1 or not all(complete for _, _, complete in paths):
            return _bounded(paths + skip)  # the first round, or none
        group = _group(paths)
        if low and len(paths) == 1:
            # The first round spelled out, so the gate starts with a character, not a repeat:
            # the regex engine skips alternatives that start with one a character fails.
            rest = "" if high == 1 else f"{{{low - 1},{'' if high == MAXREPEAT else high - 1}}}"
            atoms, width_one, _ = paths[0]
            return [((*atoms, group + rest) if rest else atoms, low * width_one, True)]
        bound = f"{{{low},{'' if high == MAXREPEAT else high}}}"
        return [((group + bound,), low * min(w for _, w, _ in paths), True)]
    raise _Unknown(op)


def _bounded(paths: list[Path]) -> list[Path]:
    if len(paths) <= MAX_GATE_PATHS:
        return paths
    return [((_group(paths),), min(w for _, w, _ in paths), all(c for _, _, c in paths))]


def _group(paths: list[Path]) -> str:
    return "(?:" + "|".join("".join(atoms) for atoms, _, _ in paths) + ")"


def _gate_char(op, value, folded: bool) -> str:
    """One character's atom: its lower-case image on a folded view; whitespace as a run of it."""
    if op is ANY:
        raise _Unknown(op)  # it may stand for a space, and a space for a run
    if op is LITERAL:
        char = chr(value)
        if char == " ":
            return _BLANKS
        return _gate_literal(char, folded)
    if op is CATEGORY:
        items, negated = [(CATEGORY, value)], False
    elif op is NOT_LITERAL:
        items, negated = [(LITERAL, value)], True
    else:
        negated = bool(value) and value[0][0] is NEGATE
        items = value[1:] if negated else value
    if list(items) == [(CATEGORY, CATEGORY_SPACE)] and not negated:
        return _BLANKS
    source = _gate_class(items, negated, folded)
    if re.fullmatch(source, " "):
        raise _Unknown(op)
    return source


def _blank_only(op, value) -> bool:
    return op in _REPEATS and list(value[2]) in _SPACE_ONLY


def _nullable(op, value) -> bool:
    try:
        return _first_of(op, value, False)[1]
    except _Unknown:
        return False


ODD_FOLDS = "\u212a\u017f\u0131\u0130"
"""Kelvin sign, long s, dotless i, dotted I: non-ASCII letters that re.IGNORECASE equates with
ASCII ones. A gate refuses to model them, and the screen tries every line of a document holding
one (its view lower-cases ASCII letters only)."""
_NON_ASCII = "^\\x00-\\x7f"


def _gate_literal(char: str, folded: bool) -> str:
    if not folded or not _cased(char):
        return re.escape(char)
    if char in ODD_FOLDS:
        raise _Unknown(char)
    if char.isascii():
        return re.escape(char.lower())
    return "[" + "".join(re.escape(c) for c in sorted(_viewed_chars(char))) + "]"


def _viewed_chars(char: str) -> set[str]:
    """Every character the folded view may hold where a match holds ``char``, a non-ASCII
    letter, which the view leaves as it is: each whose simple lower case IGNORECASE equates with
    ``char``'s, its own or one of the engine's extra equivalents (``re._casefix``: Cyrillic "в"
    and "ᲀ"), in either case. Where "any non-ASCII character" stopped a Russian pattern's gate
    at most lines of a Russian text, this stops it at the lines starting with its words."""
    lower = _sre.unicode_tolower(ord(char))
    lowers = {lower, *_EXTRA_CASES.get(lower, ())}
    chars = set()
    for code in lowers:
        low = chr(code)
        chars.update(c for c in (low, low.upper(), low.title(), *LOWER_PARTNERS) if len(c) == 1 and _sre.unicode_tolower(ord(c)) in lowers)
    if chr(lower) in ODD_FOLDS or any(c.isascii() or c in ODD_FOLDS for c in chars):
        raise _Unknown(char)
    return chars


LOWER_PARTNERS = "\u03f4\u1e9e\u2126\u212a\u212b"
"""ϴ ẞ Ω K Å: the characters whose lower case is neither their upper case's nor their title
case's (``tests/test_matcher.py`` holds the list to the running Python's tables)."""


def _gate_class(items, negated: bool, folded: bool) -> str:
    """The class as it is, or, for a folded document, a class holding the lower-case image of
    every character it matches in either case."""
    if not folded:
        return _class([(NEGATE, None)] * negated + list(items) + [(LITERAL, 10)] * negated)
    kept: list = []
    non_ascii = False  # a non-ASCII letter not spelled out is among them: its image may be any
    for op, value in items:
        if op is CATEGORY:
            kept.append((op, value))
            continue
        if op not in (LITERAL, RANGE):
            raise _Unknown(op)
        low, high = (value, value) if op is LITERAL else value
        if high - low > MAX_CLASS_RANGE:
            raise _Unknown(op)
        chars = [chr(code) for code in range(low, high + 1)]
        if any(char in ODD_FOLDS for char in chars):
            raise _Unknown(op)
        cased = [char for char in chars if _cased(char)]
        if negated:
            if not cased:  # a cased character's image may be any letter: exclude no letter
                kept.append((op, value))
            continue
        kept.append((op, value))
        kept.extend((LITERAL, ord(char.lower())) for char in cased if char.isascii())
        others = [char for char in cased if not char.isascii()]
        if len(others) > MAX_CHARACTERS:
            non_ascii = True
            continue
        for char in others:
            try:
                kept.extend((LITERAL, ord(partner)) for partner in sorted(_viewed_chars(char)))
            except _Unknown:
                non_ascii = True
    source = _class([(NEGATE, None)] * negated + kept + [(LITERAL, 10)] * negated)
    return f"(?:{source}|[{_NON_ASCII}])" if non_ascii else source


MAX_CLASS_RANGE = 0x3000
"""A wider range in a class is not inspected character by character: the gate stops before it."""


def _cased(char: str) -> bool:
    return char.lower() != char or char.upper() != char


def atom_characters(atom: str) -> set[str] | None:
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


def _on_one_line(atom: str) -> str:
    return "[^\\S\\n]" + atom[2:] if atom.startswith("\\s") else atom


def trie(paths: Iterable[tuple[str, ...]]) -> str:
    """The paths as one alternation sharing their common starts, so the regex engine tests a
    character once against each distinct first atom, not against every path. Whitespace in a
    path never takes a line break: every test is of one line, and one that ran on over blank
    lines would make the screen quadratic in them."""
    root: dict = {}
    for atoms in sorted(paths, key=len):
        node = root
        for atom in map(_on_one_line, atoms):
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
