"""Learn a site's own boilerplate: lines its pages repeat, written out as an ordinary rule pack.

Two passes over re-readable input keep memory bounded: ``count`` keeps per-site counts of
normalised-line hashes (pruned to ``max_entries`` per site), ``collect`` looks only at the
candidate lines to get their exact text and an example, and ``pack`` writes TOML that
``packs.load_pack`` reads like any shipped pack (category ``site``, language ``"*"``).
"""

from __future__ import annotations

import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .lines import match_text, unmarked

CATEGORY = "site"
_MARKUP = re.compile(r"[*_`#>\[\]()|~]+")
_DIGITS = re.compile(r"\d+")
_ID_UNSAFE = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class LearnSettings:
    """How sure a repeat must be before it is learned, and how much memory counting may use."""

    min_docs: int = 5
    min_share: float = 0.2
    long_words: int = 12
    """A line of more words is a sentence: it is learned only at ``long_share``."""
    long_share: float = 0.8
    """Share of the site's pages a long or cross-site line must appear on, verbatim."""
    max_entries: int = 1_000_000
    """Hash counts kept over all sites (about 100 bytes each); past it, the rarest are dropped first."""
    min_chars: int = 3


def site_of(url: str) -> str:
    """The host a URL names, without ``www.``: the grouping key for JSONL records."""
    host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").lower()
    return host.removeprefix("www.")


def normalise(line: str) -> str:
    """What makes two lines the same furniture: case, digits, whitespace and markdown markup aside."""
    return _DIGITS.sub("0", " ".join(_MARKUP.sub(" ", line).split()).lower())


def line_key(line: str) -> int:
    return zlib.crc32(normalise(line).encode())


def rule_id(site: str) -> str:
    return f"{CATEGORY}.{_ID_UNSAFE.sub('-', site.lower()).strip('-') or 'unknown'}"


def pattern_of(line: str) -> str:
    """The exact line, escaped, digits free (a repeated footer's year or a date varies)."""
    text = match_text(line)
    return "".join(r"\d+" if part.isdigit() else re.escape(part) for part in re.split(r"(\d+)", text) if part)


def _document_lines(text: str, settings: LearnSettings) -> set[int]:
    return {line_key(line) for line in text.split("\n") if len(normalise(line)) >= settings.min_chars}


@dataclass
class _Site:
    documents: int = 0
    counts: Counter = field(default_factory=Counter)


@dataclass
class LearnedLine:
    text: str
    documents: int
    variants: Counter = field(default_factory=Counter)


class Learner:
    """``count(docs)``, then ``collect(docs)`` over the same documents, then ``pack()``."""

    def __init__(self, settings: LearnSettings = LearnSettings()):
        self.settings = settings
        self.sites: dict[str, _Site] = defaultdict(_Site)
        self.candidates: dict[str, dict[int, int]] = {}
        self.learned: dict[str, dict[int, LearnedLine]] = {}
        self._sites_with: Counter = Counter()
        self._entries = 0

    def count(self, documents: Iterable[tuple[str, str]]) -> None:
        """Pass 1: per site, in how many documents each normalised line occurs."""
        for site, text in documents:
            state = self.sites[site]
            state.documents += 1
            before = len(state.counts)
            state.counts.update(_document_lines(text, self.settings))
            self._entries += len(state.counts) - before
            if self._entries > self.settings.max_entries:
                self._prune()
        self.candidates = {site: self._candidates(site) for site in self.sites}
        wanted = {key for keys in self.candidates.values() for key in keys}
        self._sites_with = Counter(key for state in self.sites.values() for key in state.counts if key in wanted)

    def _prune(self) -> None:
        """Drop the rarest counts until half the bound is free: a line seen that rarely is not yet furniture,
        and one that is will count again (short by the documents seen before)."""
        floor = 1
        while self._entries > self.settings.max_entries // 2:
            for state in self.sites.values():
                for key in [key for key, seen in state.counts.items() if seen <= floor]:
                    del state.counts[key]
            self._entries = sum(len(state.counts) for state in self.sites.values())
            floor += 1

    def _candidates(self, site: str) -> dict[int, int]:
        state, settings = self.sites[site], self.settings
        needed = max(settings.min_docs, settings.min_share * state.documents)
        return {key: seen for key, seen in state.counts.items() if seen >= needed}

    def collect(self, documents: Iterable[tuple[str, str]]) -> None:
        """Pass 2: the exact text of candidate lines; then the article guard decides."""
        variants: dict[str, dict[int, Counter]] = defaultdict(lambda: defaultdict(Counter))
        for site, text in documents:
            wanted = self.candidates.get(site)
            if not wanted:
                continue
            for line in text.split("\n"):
                key = line_key(line)
                if key in wanted:
                    variants[site][key][match_text(unmarked(line))] += 1  # the line as rules see it
        self.learned = {}
        for site, lines in variants.items():
            kept = {}
            for key, seen in lines.items():
                text, verbatim = seen.most_common(1)[0]
                if self._guarded(key, text) and verbatim < self.settings.long_share * self.sites[site].documents:
                    continue
                kept[key] = LearnedLine(text, self.candidates[site][key], seen)
            if kept:
                self.learned[site] = kept

    def _guarded(self, key: int, text: str) -> bool:
        """A sentence, or a line other sites carry too, may be article text."""
        return len(text.split()) > self.settings.long_words or self._sites_with[key] > 1

    def pack(self) -> str:
        """The learned lines as a reviewable rule pack, one rule per site."""
        parts = [
            "# Site boilerplate learned by 'boilerstrip learn': lines repeated across a site's pages.",
            "# Review before use; each pattern notes in how many of the site's documents it occurred.",
        ]
        for site in sorted(self.learned):
            lines = sorted(self.learned[site].values(), key=lambda line: (-line.documents, line.text))
            parts += [
                "",
                "[[rule]]",
                f"id = {_toml(rule_id(site))}",
                'kind = "line"',
                f"description = {_toml(f'Lines repeated across the pages of {site} ({self.sites[site].documents} documents).')}",
                'languages = ["*"]',
                "patterns = [",
                *(f"    {_toml(pattern_of(line.text))},  # {line.documents} documents" for line in lines),
                "]",
                "examples = [",
                *(f"    {_toml(line.text)}," for line in lines),
                "]",
            ]
        return "\n".join(parts) + "\n"


def _toml(text: str) -> str:
    """A TOML basic string (JSON escapes are valid TOML)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in escaped) + '"'


def learn(documents: Iterable[tuple[str, str]] | list, settings: LearnSettings = LearnSettings()) -> str:
    """Both passes over a re-iterable collection of ``(site, text)``, and the pack."""
    learner = Learner(settings)
    learner.count(documents)
    learner.collect(documents)
    return learner.pack()
