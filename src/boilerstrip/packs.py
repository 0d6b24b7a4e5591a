"""Rules are data: loading, validating and selecting the TOML rule packs.

A pack is a TOML file of ``[[rule]]`` tables. A rule is one concept of boilerplate with one id in
every language: its ``patterns``, ``examples`` and ``counterexamples`` are tables keyed by
language (``"*"``: any), or plain lists that take the rule's ``languages`` (or the ``[pack]``
default), as packs written before languages moved into the rule do. ``aliases`` maps ids the
concept had before to the languages they stood for, so old selectors keep working.

A malformed pack fails at load time with one line naming the file, the rule and the field, so a
bad entry breaks CI rather than a user's run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from . import memo
from .linear import NotLinear, compile_alternation, compile_linear
from .lines import match_text
from .model import ANY_LANGUAGE, Pattern, Rule
from .options import RuleSelection

CATEGORIES = (
    "newsletter",
    "credit",
    "paywall",
    "related",
    "social",
    "cookie",
    "ad",
    "comments",
    "navigation",
    "meta",
    "site",
)
"""Also the order of the shipped packs: on a line two rules match, the earlier one names it.
``site`` is for the packs ``boilerstrip learn`` writes (``site.<host>``); none is shipped."""
KINDS = ("line", "block", "span")
EVERY_RULE = RuleSelection()
"""The default selection: every shipped rule, in every language."""
EXTENTS = ("short", "end")

_ID = re.compile(r"[a-z]+\.[a-z0-9]+(?:-[a-z0-9]+)*")
_LANGUAGE = re.compile(r"\*|[a-z]{2,3}")
_FIELDS = {
    "id",
    "kind",
    "description",
    "languages",
    "patterns",
    "examples",
    "counterexamples",
    "aliases",
    "case_sensitive",
    "extent",
    "max_lines",
    "max_words",
    "weak",
    "in_article",
}
_BLOCK_ONLY = {"extent", "max_lines", "max_words"}
_OPTIONS = (
    ("case_sensitive", bool, None),
    ("weak", bool, None),
    ("in_article", bool, None),
    ("extent", str, lambda value: value in EXTENTS),
    ("max_lines", int, lambda value: value > 0),
    ("max_words", int, lambda value: value > 0),
)


class RulePackError(ValueError):
    """A pack or a selection that cannot be used; the message is one line naming what and where."""


def rule_matches(rule: Rule, text: str, languages: Iterable[str] = ()) -> bool:
    """Whether ``rule`` (only its patterns for ``languages``, if named) fires on ``text`` taken
    as one line, as the engine sees it."""
    wanted = frozenset(languages)
    patterns = [pattern for pattern in rule.patterns if pattern.speaks(wanted)]
    if not patterns:
        return False
    regex = compile_alternation({"": replace(rule, patterns=tuple(patterns)).expression}, not rule.shipped)
    if rule.kind == "span":
        return regex.search(text) is not None
    return regex.fullmatch(match_text(text)) is not None


def builtin_pack_paths() -> list[Path]:
    """The shipped packs, in ``CATEGORIES`` order: files beside this module (a pack is read by
    its path, so boilerstrip runs from files, never from a zip; ``importlib.resources`` would
    add the modules behind zip support to every start)."""
    folder = Path(__file__).parent / "packs"
    order = {category: position for position, category in enumerate(CATEGORIES)}
    return sorted(folder.glob("*.toml"), key=lambda path: (order.get(path.stem, len(order)), path.stem))


def load_pack(path: str | Path, checked: bool = True) -> list[Rule]:
    """Read and validate one pack file. ``checked`` also compiles every pattern and runs every
    example and counterexample: a user's pack always, the shipped ones in the test suite (every
    process paying for it would cost a third of a second of start-up)."""
    source = str(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
        data = memo.toml(raw)
    except OSError as error:
        raise RulePackError(f"{source}: cannot read rule pack: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise RulePackError(f"{source}: not UTF-8 (byte {error.start}); a rule pack is UTF-8 TOML") from None
    except ValueError as error:  # tomllib's TOMLDecodeError
        raise RulePackError(f"{source}: not valid TOML: {error}") from None
    return parse_pack(data, source, checked)


def parse_pack(data: dict, source: str, checked: bool = True) -> list[Rule]:
    unknown = set(data) - {"pack", "rule"}
    if unknown:
        raise RulePackError(f"{source}: unknown top-level table {sorted(unknown)[0]!r}")
    default_languages = data.get("pack", {}).get("languages", [ANY_LANGUAGE])
    entries = data.get("rule", [])
    if not isinstance(entries, list):
        raise RulePackError(f"{source}: 'rule' must be an array of tables ([[rule]])")
    rules = [_parse_rule(entry, source, default_languages, n, checked) for n, entry in enumerate(entries, 1)]
    check_unique(rules)
    return rules


def _parse_rule(entry: dict, source: str, default_languages: list, position: int, checked: bool = True) -> Rule:
    rule_id = entry.get("id") if isinstance(entry.get("id"), str) else f"#{position}"

    def fail(field: str, message: str) -> RulePackError:
        return RulePackError(f"{source}: rule {rule_id}: field '{field}': {message}")

    _check_fields(entry, rule_id, fail)
    languages = _languages(entry.get("languages", default_languages), "languages", fail)
    keyed = {field: _by_language(entry.get(field, []), languages, field, fail) for field in ("patterns", "examples", "counterexamples")}
    if not keyed["patterns"]:
        raise fail("patterns", "must not be empty")
    if not keyed["examples"]:
        raise fail("examples", "every rule needs at least one example")
    for pattern, _ in keyed["patterns"] if checked else ():
        _check_pattern(pattern, fail)
    options = {}
    for field, kind_of, check in _OPTIONS:
        if field in entry:
            value = entry[field]
            if not isinstance(value, kind_of) or (check and not check(value)):
                allowed = f" ({', '.join(EXTENTS)})" if field == "extent" else ""
                raise fail(field, f"invalid value {value!r}{allowed}")
            options[field] = value
    rule = Rule(
        id=rule_id,
        kind=entry["kind"],
        description=entry["description"].strip(),
        patterns=tuple(Pattern(regex, spoken) for regex, spoken in keyed["patterns"]),
        examples=tuple(text for text, _ in keyed["examples"]),
        counterexamples=tuple(text for text, _ in keyed["counterexamples"]),
        source=source,
        aliases=_aliases(entry.get("aliases", {}), rule_id, fail),
        **options,
    )
    if not checked:
        return rule
    for example, spoken in keyed["examples"]:
        if not rule_matches(rule, example, spoken):
            raise fail("examples", f"no pattern for {'/'.join(spoken)} matches {example!r}")
    for example, _ in keyed["counterexamples"]:
        if rule_matches(rule, example):
            raise fail("counterexamples", f"pattern matches {example!r}")
    return rule


def _check_fields(entry: dict, rule_id: str, fail) -> None:
    unknown = set(entry) - _FIELDS
    if unknown:
        raise fail(sorted(unknown)[0], "unknown field")
    for field in ("id", "kind", "description", "patterns"):
        if field not in entry:
            raise fail(field, "missing")
    if not _ID.fullmatch(rule_id):
        raise fail("id", "must look like 'category.name' (lower case, digits, hyphens)")
    category = rule_id.split(".", 1)[0]
    if category not in CATEGORIES:
        raise fail("id", f"unknown category {category!r} (one of {', '.join(CATEGORIES)})")
    kind = entry["kind"]
    if kind not in KINDS:
        raise fail("kind", f"must be one of {', '.join(KINDS)}")
    if kind != "block" and _BLOCK_ONLY & set(entry):
        raise fail(sorted(_BLOCK_ONLY & set(entry))[0], "only block rules have it")
    for line_only in ("weak", "in_article"):
        if entry.get(line_only) and kind != "line":
            raise fail(line_only, "only line rules have it")
    if not isinstance(entry["description"], str) or not entry["description"].strip():
        raise fail("description", "must be a non-empty string")


def _languages(value, field: str, fail) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and _LANGUAGE.fullmatch(v) for v in value):
        raise fail(field, 'must be a non-empty list of language codes ("de", "en", "*" for any)')
    return tuple(value)


def _by_language(value, languages: tuple[str, ...], field: str, fail) -> list[tuple[str, tuple[str, ...]]]:
    """``field``'s strings with the languages each is for: a plain list is in ``languages``; a
    table maps a language (or several, comma-separated) to a list."""
    if isinstance(value, dict):
        pairs = [(_languages(key.split(","), field, fail), items) for key, items in value.items()]
    else:
        pairs = [(languages, value)]
    strings = []
    for spoken, items in pairs:
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise fail(field, "must be a list of strings, or a table of such lists keyed by language")
        strings += [(item, spoken) for item in items]
    return strings


def _aliases(value, rule_id: str, fail) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise fail("aliases", "must be a table of old ids and the languages they stood for")
    for alias, spoken in value.items():
        if not _ID.fullmatch(alias) or alias == rule_id:
            raise fail("aliases", f"bad alias {alias!r}")
        _languages(spoken, "aliases", fail)
    return tuple((alias, tuple(spoken)) for alias, spoken in value.items())


def _check_pattern(pattern: str, fail) -> None:
    try:
        compiled = re.compile(pattern)
    except re.error as error:
        raise fail("patterns", f"bad regular expression {pattern!r}: {error}") from None
    if compiled.groupindex:
        raise fail("patterns", f"named groups are reserved for the engine: {pattern!r}")
    if compiled.fullmatch(""):
        raise fail("patterns", f"matches the empty string: {pattern!r}")
    try:
        compile_linear(pattern)
    except NotLinear as error:
        raise fail("patterns", f"{pattern!r} cannot run in linear time (RE2): it holds {error}") from None


def check_unique(rules: list[Rule]) -> None:
    """Ids and aliases are how users select, ignore and read findings: one name, one rule,
    across all packs."""
    seen: set[str] = set()
    for rule in rules:
        for name in (rule.id, *(alias for alias, _ in rule.aliases)):
            if name in seen:
                raise RulePackError(f"{rule.source}: rule {rule.id}: field 'id': {name} is already defined")
            seen.add(name)


def select_rules(rules: Iterable[Rule], selection: RuleSelection) -> list[Rule]:
    """ruff-style selection, pattern by pattern: a selector is a rule id, an old id (its
    patterns in the languages it stood for) or a category; ignore wins over select."""
    rules = list(rules)
    chosen = (*selection.select, *selection.extend) if selection.select else ()
    names = _names(rules)
    for selector in (*chosen, *selection.ignore):
        if selector not in names:
            raise RulePackError(f"unknown rule or category {selector!r} (see 'boilerstrip rules')")
    wanted = frozenset(selection.languages)
    spoken = {language for rule in rules for pattern in rule.patterns for language in pattern.languages} - {ANY_LANGUAGE}
    if unknown := sorted(wanted - spoken):
        raise RulePackError(f"unknown language {unknown[0]!r} (known: {', '.join(sorted(spoken))})")
    selected = []
    for rule in rules:
        patterns = tuple(
            pattern
            for pattern in rule.patterns
            if pattern.speaks(wanted)
            and (not chosen or _named(rule, pattern, chosen, names))
            and not _named(rule, pattern, selection.ignore, names)
        )
        if patterns:
            selected.append(rule if patterns == rule.patterns else replace(rule, patterns=patterns))
    return selected


def _names(rules: list[Rule]) -> dict[str, tuple[str, frozenset[str]]]:
    """Every name a selector may use: the rule (or category) it means, and the languages of the
    patterns it stands for (empty: all)."""
    names: dict[str, tuple[str, frozenset[str]]] = {category: (category, frozenset()) for category in CATEGORIES}
    for rule in rules:
        names[rule.category] = (rule.category, frozenset())
        names[rule.id] = (rule.id, frozenset())
        for alias, spoken in rule.aliases:
            names[alias] = (rule.id, frozenset(spoken))
    return names


def _named(rule: Rule, pattern: Pattern, selectors: Iterable[str], names: dict) -> bool:
    for selector in selectors:
        target, spoken = names[selector]
        if target in (rule.id, rule.category) and (not spoken or not spoken.isdisjoint(pattern.languages)):
            return True
    return False


def all_rules(extra_packs: tuple[str, ...] = ()) -> tuple[Rule, ...]:
    """The shipped packs, then the user's, validated. The user's are read each time (they may
    have been edited; ``compile_rules`` caches on their state); the shipped ones once."""
    rules = [*_shipped_rules(), *(rule for path in extra_packs for rule in load_pack(path))]
    check_unique(rules)
    return tuple(rules)


@lru_cache(maxsize=1)
def _shipped_rules() -> tuple[Rule, ...]:
    rules = tuple(replace(rule, shipped=True) for path in builtin_pack_paths() for rule in load_pack(path, checked=False))
    memo.save()
    return rules


def load_rules(selection: RuleSelection = EVERY_RULE) -> list[Rule]:
    """The rules a selection runs, in pack order."""
    return select_rules(all_rules(selection.packs), selection)
