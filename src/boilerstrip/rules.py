"""Rules are data: loading, validating and selecting the TOML rule packs.

A pack is a TOML file with an optional ``[pack]`` table (default ``languages``) and an array of
``[[rule]]`` tables. A malformed pack fails at load time with a message naming the file, the rule
and the field, so a bad entry breaks CI rather than a user's run.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

from .lines import match_text
from .matcher import RuleSet
from .regex_safety import nested_quantifier

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
)
KINDS = ("line", "block", "span")
EXTENTS = ("short", "end")
ANY_LANGUAGE = "*"

_ID = re.compile(r"[a-z]+\.[a-z0-9]+(?:-[a-z0-9]+)*")
_FIELDS = {
    "id",
    "kind",
    "description",
    "languages",
    "patterns",
    "examples",
    "counterexamples",
    "case_sensitive",
    "extent",
    "max_lines",
    "max_words",
    "weak",
}
_BLOCK_ONLY = {"extent", "max_lines", "max_words"}


class RulePackError(ValueError):
    """A pack that cannot be used; the message is one line naming file, rule and field."""


@dataclass(frozen=True)
class Rule:
    """One kind of boilerplate, with the evidence (examples) that it is matched right."""

    id: str
    kind: str
    description: str
    languages: tuple[str, ...]
    patterns: tuple[str, ...]
    examples: tuple[str, ...]
    counterexamples: tuple[str, ...]
    source: str
    case_sensitive: bool = False
    weak: bool = False
    """A weak line is boilerplate only when its neighbours are: a lone "Newsletter" can be a heading."""
    extent: str = "short"
    """Blocks only: ``short`` takes the short lines that follow, ``end`` the rest of the document."""
    max_lines: int = 12
    max_words: int = 16
    """Blocks only: a following line with more words than this ends a ``short`` block."""

    @property
    def category(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def expression(self) -> str:
        """All patterns as one group, with the rule's case sensitivity scoped to it."""
        flag = "-i" if self.case_sensitive else "i"
        return f"(?{flag}:" + "|".join(f"(?:{p})" for p in self.patterns) + ")"

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.expression)

    def matches(self, text: str) -> bool:
        """Whether this rule fires on ``text`` taken as one line, as the engine sees it."""
        if self.kind == "span":
            return self.regex.search(text) is not None
        return self.regex.fullmatch(match_text(text)) is not None


def builtin_pack_paths() -> list[Path]:
    """The shipped packs, ``common`` first: on a tie the earlier rule names the removal."""
    folder = Path(str(resources.files("boilerstrip") / "rules"))
    return sorted(folder.glob("*.toml"), key=lambda p: (p.stem != "common", p.stem))


def load_pack(path: str | Path) -> list[Rule]:
    """Read and validate one pack file."""
    source = str(path)
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as error:
        raise RulePackError(f"{source}: cannot read rule pack: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise RulePackError(f"{source}: not valid TOML: {error}") from None
    return parse_pack(data, source)


def parse_pack(data: dict, source: str) -> list[Rule]:
    pack = data.get("pack", {})
    unknown = set(data) - {"pack", "rule"}
    if unknown:
        raise RulePackError(f"{source}: unknown top-level table {sorted(unknown)[0]!r}")
    default_languages = pack.get("languages", [ANY_LANGUAGE])
    entries = data.get("rule", [])
    if not isinstance(entries, list):
        raise RulePackError(f"{source}: 'rule' must be an array of tables ([[rule]])")
    rules = [_parse_rule(entry, source, default_languages, n) for n, entry in enumerate(entries, 1)]
    _check_unique(rules)
    return rules


def _parse_rule(entry: dict, source: str, default_languages: list, position: int) -> Rule:
    rule_id = entry.get("id") if isinstance(entry.get("id"), str) else f"#{position}"

    def fail(field: str, message: str) -> RulePackError:
        return RulePackError(f"{source}: rule {rule_id}: field '{field}': {message}")

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
    if entry.get("weak") and kind != "line":
        raise fail("weak", "only line rules can be weak")
    if not isinstance(entry["description"], str) or not entry["description"].strip():
        raise fail("description", "must be a non-empty string")
    strings = {}
    for field in ("patterns", "examples", "counterexamples", "languages"):
        value = entry.get(field, default_languages if field == "languages" else [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(field, "must be a list of strings")
        strings[field] = tuple(value)
    if not strings["patterns"]:
        raise fail("patterns", "must not be empty")
    if not strings["examples"]:
        raise fail("examples", "every rule needs at least one example")
    for pattern in strings["patterns"]:
        _check_pattern(pattern, fail)
    options = {}
    for field, kind_of, check in (
        ("case_sensitive", bool, None),
        ("weak", bool, None),
        ("extent", str, lambda v: v in EXTENTS),
        ("max_lines", int, lambda v: v > 0),
        ("max_words", int, lambda v: v > 0),
    ):
        if field in entry:
            value = entry[field]
            if not isinstance(value, kind_of) or (check and not check(value)):
                allowed = f" ({', '.join(EXTENTS)})" if field == "extent" else ""
                raise fail(field, f"invalid value {value!r}{allowed}")
            options[field] = value
    rule = Rule(
        id=rule_id,
        kind=kind,
        description=entry["description"].strip(),
        languages=strings["languages"],
        patterns=strings["patterns"],
        examples=strings["examples"],
        counterexamples=strings["counterexamples"],
        source=source,
        **options,
    )
    for example in rule.examples:
        if not rule.matches(example):
            raise fail("examples", f"pattern does not match {example!r}")
    for example in rule.counterexamples:
        if rule.matches(example):
            raise fail("counterexamples", f"pattern matches {example!r}")
    return rule


def _check_pattern(pattern: str, fail) -> None:
    try:
        compiled = re.compile(pattern)
    except re.error as error:
        raise fail("patterns", f"bad regular expression {pattern!r}: {error}") from None
    if compiled.groupindex:
        raise fail("patterns", f"named groups are reserved for the engine: {pattern!r}")
    if compiled.fullmatch(""):
        raise fail("patterns", f"matches the empty string: {pattern!r}")
    risky = nested_quantifier(pattern)
    if risky:
        raise fail("patterns", f"nested unbounded quantifier {risky!r} can backtrack catastrophically")


def _check_unique(rules: list[Rule]) -> None:
    """Ids are how users select, ignore and read findings: one id, one rule, across all packs."""
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise RulePackError(f"{rule.source}: rule {rule.id}: field 'id': already defined")
        seen.add(rule.id)


def select_rules(
    rules: Iterable[Rule],
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    languages: Iterable[str] = (),
) -> list[Rule]:
    """ruff-style selection: a selector is a rule id or a category; ignore wins over select."""
    rules = list(rules)
    known = {r.id for r in rules} | {r.category for r in rules} | set(CATEGORIES)
    select, ignore, languages = list(select), list(ignore), set(languages)
    for selector in select + ignore:
        if selector not in known:
            raise RulePackError(f"unknown rule or category {selector!r} (see 'boilerstrip rules')")

    def named(rule: Rule, selectors: list[str]) -> bool:
        return rule.id in selectors or rule.category in selectors

    return [
        rule
        for rule in rules
        if (not select or named(rule, select))
        and not named(rule, ignore)
        and (not languages or ANY_LANGUAGE in rule.languages or languages & set(rule.languages))
    ]


@lru_cache(maxsize=32)
def load_rules(
    select: tuple[str, ...] = (),
    ignore: tuple[str, ...] = (),
    languages: tuple[str, ...] = (),
    extra_packs: tuple[str, ...] = (),
) -> RuleSet:
    """The shipped packs plus the user's, filtered; cached because compiling is the costly part."""
    rules: list[Rule] = []
    for path in [*builtin_pack_paths(), *map(Path, extra_packs)]:
        rules.extend(load_pack(path))
    _check_unique(rules)
    return RuleSet(select_rules(rules, select, ignore, languages))
