"""Learn a site's own boilerplate: lines its pages repeat, written out as an ordinary rule pack.

Two passes over re-readable input, each in memory bounded by ``LearnSettings.max_entries``:
``count`` keeps per-site counts of normalised-line hashes, pruned like lossy counting so every
count is an upper bound (the lines furthest from their site's threshold go first); ``collect``
reads again and tallies only the candidates those bounds allow, exactly, with a fixed number of
exact forms each; ``pack`` writes TOML that
``packs.load_pack`` reads like any shipped pack (category ``site``, language ``"*"``).
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .lines import match_text, unmarked
from .options import LearnSettings

CATEGORY = "site"
FORMS = 4
"""Exact forms a candidate line keeps (space-saving): one on more than a quarter of its occurrences is never lost."""
_MARKUP = re.compile(r"[*_`#>\[\]()|~]+")
_DIGITS = re.compile(r"\d+")
_ID_UNSAFE = re.compile(r"[^a-z0-9]+")


DEFAULTS = LearnSettings()


def site_of(url: str) -> str:
    """The host a URL names, without ``www.``: the grouping key for JSONL records."""
    host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").lower()
    return host.removeprefix("www.")


def normalise(line: str) -> str:
    """What makes two lines the same furniture: case, digits, whitespace and markdown markup aside."""
    return _DIGITS.sub("0", " ".join(_MARKUP.sub(" ", line).split()).lower())


def rule_id(site: str) -> str:
    return f"{CATEGORY}.{_ID_UNSAFE.sub('-', site.lower()).strip('-') or 'unknown'}"


def pattern_of(line: str) -> str:
    """The exact line, escaped, digits free (a repeated footer's year or a date varies)."""
    text = match_text(line)
    return "".join(r"\d+" if part.isdigit() else re.escape(part) for part in re.split(r"(\d+)", text) if part)


def _keyed_lines(text: str, settings: LearnSettings) -> Iterator[tuple[int, str]]:
    """Each line long enough to count, with the hash of its normalised form."""
    for line in text.split("\n"):
        normalised = normalise(line)
        if len(normalised) >= settings.min_chars:
            yield zlib.crc32(normalised.encode()), line


@dataclass
class _Site:
    documents: int = 0
    counts: dict[int, int] = field(default_factory=dict)
    """Pass 1: per line hash, an upper bound of the documents it is on."""
    floor: int = 0
    """The highest count pruning dropped here: a line coming back may have been on that many pages."""


@dataclass(slots=True)
class _Tally:
    """A candidate line in pass 2: the documents it is on, exactly, and its commonest exact forms."""

    documents: int = 0
    forms: dict[str, int] = field(default_factory=dict)
    evicted: int = 0
    """The count of the last form evicted: a held form's count may exceed its true one by as much."""

    def add(self, form: str) -> None:
        """Space-saving: a new form, every slot taken, replaces the rarest and inherits its count."""
        forms = self.forms
        if form in forms or len(forms) < FORMS:
            forms[form] = forms.get(form, 0) + 1
            return
        rarest = min(forms, key=forms.__getitem__)
        self.evicted = forms.pop(rarest)
        forms[form] = self.evicted + 1

    def commonest(self) -> tuple[str, int]:
        """The commonest form, and how often it surely occurred."""
        form = max(self.forms, key=self.forms.__getitem__)
        return form, self.forms[form] - self.evicted


@dataclass
class LearnedLine:
    text: str
    documents: int


class Learner:
    """``count(docs)``, then ``collect(docs)`` over the same documents, then ``pack()``."""

    def __init__(self, settings: LearnSettings = DEFAULTS):
        self.settings = settings
        self.sites: dict[str, _Site] = defaultdict(_Site)
        self.level = 0.0
        """How far pruning went, as a share of each site's threshold: under 1, no line that qualifies was missed."""
        self.entries = 0
        """Counts held in pass 1, then tallies held in pass 2: never much over ``max_entries``."""
        self.tallies: dict[str, dict[int, _Tally]] = {}
        self.carriers: dict[int, str | None] = {}
        """Per candidate hash, the one site carrying it, or None when more than one does."""
        self.learned: dict[str, dict[int, LearnedLine]] = {}

    def count(self, documents: Iterable[tuple[str, str]]) -> None:
        """Pass 1: per site, an upper bound of the documents each normalised line occurs in; then the candidates."""
        for site, text in documents:
            state = self.sites[site]
            state.documents += 1
            counts, unseen = state.counts, state.floor  # what a line new here may have been on before it was dropped
            for key in {key for key, _ in _keyed_lines(text, self.settings)}:
                seen = counts.get(key)
                if seen is None:
                    self.entries += 1
                counts[key] = (unseen if seen is None else seen) + 1
            if self.entries > self.settings.max_entries:
                self._prune()
        self.tallies = {site: tallies for site in self.sites if (tallies := self._candidates(site))}
        self.entries = sum(len(tallies) for tallies in self.tallies.values())

    def _prune(self) -> None:
        """Free half the bound, as lossy counting does, dropping first the counts furthest from their site's
        threshold (a line on 1 of 100 pages before one on 1 of 2). Each site's floor keeps the highest count
        dropped: the line may come back, and counts on from there, so every count stays an upper bound."""
        held = [(state, self._needed(site)) for site, state in self.sites.items() if state.counts]
        progress = sorted(seen / needed for state, needed in held for seen in state.counts.values())
        level = progress[self.entries - self.settings.max_entries // 2 - 1]
        self.level = max(self.level, level)
        for state, needed in held:
            dropped = [seen for seen in state.counts.values() if seen / needed <= level]
            if dropped:
                state.floor = max(state.floor, max(dropped))
                state.counts = {key: seen for key, seen in state.counts.items() if seen / needed > level}
        self.entries = sum(len(state.counts) for state in self.sites.values())

    def _needed(self, site: str) -> float:
        settings = self.settings
        return max(settings.min_docs, settings.min_share * self.sites[site].documents)

    def _candidates(self, site: str) -> dict[int, _Tally]:
        """The lines whose bound reaches the threshold; their counts are freed, pass 2 counts them exactly."""
        state, needed = self.sites[site], self._needed(site)
        tallies = {key: _Tally() for key, seen in state.counts.items() if seen >= needed}
        state.counts = {}
        return tallies

    def collect(self, documents: Iterable[tuple[str, str]]) -> None:
        """Pass 2: exact counts and forms of the candidate lines, and which sites carry them; then the article guard decides."""
        anywhere = {key for tallies in self.tallies.values() for key in tallies}
        self.carriers = {}
        for site, text in documents:
            wanted, on_page = self.tallies.get(site, {}), set()
            for key, line in _keyed_lines(text, self.settings):
                if key not in anywhere:
                    continue
                if self.carriers.setdefault(key, site) not in (site, None):
                    self.carriers[key] = None
                tally = wanted.get(key)
                if tally is not None:
                    tally.add(match_text(unmarked(line)))  # the line as rules see it
                    on_page.add(key)
            for key in on_page:
                wanted[key].documents += 1
        self.learned = {site: kept for site in self.tallies if (kept := self._kept(site))}

    def _kept(self, site: str) -> dict[int, LearnedLine]:
        needed, documents = self._needed(site), self.sites[site].documents
        kept = {}
        for key, tally in self.tallies[site].items():
            if tally.documents < needed:
                continue
            text, verbatim = tally.commonest()
            if self._guarded(key, text) and verbatim < self.settings.long_share * documents:
                continue
            kept[key] = LearnedLine(text, tally.documents)
        return kept

    def _guarded(self, key: int, text: str) -> bool:
        """A sentence, or a line other sites carry too, may be article text."""
        return len(text.split()) > self.settings.long_words or self.carriers[key] is None

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


def learn(documents: Iterable[tuple[str, str]] | list, settings: LearnSettings = DEFAULTS) -> str:
    """Both passes over a re-iterable collection of ``(site, text)``, and the pack."""
    learner = Learner(settings)
    learner.count(documents)
    learner.collect(documents)
    return learner.pack()
