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
    """The multiset of 4-token shingles; a text of fewer than 4 tokens is one shingle."""
    tokens = TOKEN.findall(text)
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


def scrapinghub_scores(pairs: list[tuple[str, str]]) -> Scores:
    """Mean precision over documents with tp+fp > 0, mean recall over those with tp+fn > 0."""
    precisions, recalls = [], []
    for gold, predicted in pairs:
        tp, fp, fn = shingle_counts(gold, predicted)
        if fp == 0 and fn == 0:
            precisions.append(1.0)
            recalls.append(1.0)
            continue
        if tp + fp > 0:
            precisions.append(tp / (tp + fp))
        if tp + fn > 0:
            recalls.append(tp / (tp + fn))
    return Scores(sum(precisions) / len(precisions), sum(recalls) / len(recalls))


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

    @property
    def scores(self) -> Scores:
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return Scores(precision, recall)

    @property
    def accuracy(self) -> float:
        total = self.tp + self.fp + self.fn + self.tn
        return (self.tp + self.tn) / total if total else 0.0
