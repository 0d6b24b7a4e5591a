"""The two benchmarks' own metrics, as ../shared/data/README.md describes them.

Kept apart from quality.py so the tests can check them on hand-made cases.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

TOKEN = re.compile(r"\w+")
WHITESPACE = re.compile(r"\s+")
SHINGLE = 4


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def shingles(text: str) -> Counter:
    """The multiset of 4-token shingles; a text of fewer than 4 tokens is one shingle, and a text
    of none has none (as the benchmark's own code drops the empty shingle: an extractor's empty
    output then counts against recall only, not as a precision of 0)."""
    tokens = TOKEN.findall(text)
    if not tokens:
        return Counter()
    if len(tokens) < SHINGLE:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1))


def shingle_counts(gold: str, predicted: str) -> tuple[float, float, float]:
    """Per-document tp, fp, fn, each divided by their sum (scrapinghub's normalisation)."""
    truth, guess = shingles(gold), shingles(predicted)
    tp = sum((truth & guess).values())
    fp = sum((guess - truth).values())
    fn = sum((truth - guess).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def document_scores(gold: str, predicted: str) -> tuple[float | None, float | None]:
    """One document's precision and recall; None where the benchmark leaves the document out."""
    tp, fp, fn = shingle_counts(gold, predicted)
    if fp == 0 and fn == 0:
        return 1.0, 1.0
    return (tp / (tp + fp) if tp + fp > 0 else None), (tp / (tp + fn) if tp + fn > 0 else None)


def mean_scores(per_document: list[tuple[float | None, float | None]]) -> Scores:
    """Mean precision and recall over the documents that have one (scrapinghub's averaging)."""
    precisions = [p for p, _ in per_document if p is not None]
    recalls = [r for _, r in per_document if r is not None]
    return Scores(sum(precisions) / len(precisions) if precisions else 0.0, sum(recalls) / len(recalls) if recalls else 0.0)


def scrapinghub_scores(pairs: list[tuple[str, str]]) -> Scores:
    """Mean precision over documents with tp+fp > 0, mean recall over those with tp+fn > 0."""
    return mean_scores([document_scores(gold, predicted) for gold, predicted in pairs])


class GoldLines:
    """Which lines of a text are article text: the README's oracle criterion, computed once per gold.

    A line is gold when at least half of its 4-token shingles are in the gold text; a line of
    under four tokens when its tokens occur in the gold in that order.
    """

    def __init__(self, gold: str) -> None:
        tokens = TOKEN.findall(gold)
        self.joined = f" {' '.join(tokens)} "
        self.shingles = {tuple(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)}

    def __contains__(self, line: str) -> bool:
        tokens = TOKEN.findall(line)
        if len(tokens) < SHINGLE:
            return f" {' '.join(tokens)} " in self.joined
        grams = [tuple(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)]
        return 2 * sum(gram in self.shingles for gram in grams) >= len(grams)

    def oracle(self, text: str) -> str:
        """The text with every non-gold line deleted: the ceiling of a line-deleting cleaner."""
        return "\n".join(line for line in text.split("\n") if not TOKEN.search(line) or line in self)


def normalise(text: str) -> str:
    return WHITESPACE.sub(" ", text)


@dataclass
class SnippetCounts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    def add(self, output: str, with_snippets: list[str], without_snippets: list[str]) -> None:
        """trafilatura's evaluation: a "with" snippet found is a tp, a "without" one found an fp."""
        text = normalise(output)
        for snippet in with_snippets:
            if normalise(snippet) in text:
                self.tp += 1
            else:
                self.fn += 1
        for snippet in without_snippets:
            if normalise(snippet) in text:
                self.fp += 1
            else:
                self.tn += 1

    def __iadd__(self, other: SnippetCounts) -> SnippetCounts:
        self.tp, self.fp, self.fn, self.tn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn, self.tn + other.tn
        return self

    @property
    def recall(self) -> float | None:
        """This document's (or corpus's) snippet recall; None without "with" snippets."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def scores(self) -> Scores:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return Scores(precision, recall)

    @property
    def accuracy(self) -> float:
        total = self.tp + self.fp + self.fn + self.tn
        return (self.tp + self.tn) / total if total else 0.0
