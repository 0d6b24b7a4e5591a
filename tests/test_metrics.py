"""The benchmark metrics of bench/metrics.py on hand-made cases."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from metrics import Scores, SnippetCounts, document_scores, mean_scores, scrapinghub_scores, shingle_counts, shingles  # noqa: E402


def test_shingles_of_short_and_long_texts():
    assert shingles("one two") == {("one", "two"): 1}
    assert sum(shingles("a b c d e").values()) == 2


def test_perfect_prediction():
    scores = scrapinghub_scores([("a b c d e f", "a b c d e f")])
    assert (scores.precision, scores.recall, scores.f1) == (1.0, 1.0, 1.0)


def test_extra_text_costs_precision_not_recall():
    tp, fp, fn = shingle_counts("a b c d e", "a b c d e x y z w")
    assert fn == 0 and fp > 0
    scores = scrapinghub_scores([("a b c d e", "a b c d e x y z w")])
    assert scores.recall == 1.0 and scores.precision == pytest.approx(2 / 6)


def test_missing_text_costs_recall():
    scores = scrapinghub_scores([("a b c d e f g", "a b c d")])
    assert scores.precision == 1.0 and scores.recall == pytest.approx(1 / 4)


def test_means_over_documents():
    scores = scrapinghub_scores([("a b c d", "a b c d"), ("a b c d e", "x y z w v")])
    assert scores.precision == pytest.approx(0.5)


def test_snippet_counts_normalise_whitespace():
    counts = SnippetCounts()
    counts.add("Der  Text\nhier. Werbung", ["Der Text hier."], ["Werbung", "Newsletter"])
    assert (counts.tp, counts.fn, counts.fp, counts.tn) == (1, 0, 1, 1)
    assert counts.scores.precision == 0.5 and counts.scores.recall == 1.0
    assert counts.accuracy == pytest.approx(2 / 3)


def test_an_empty_output_counts_against_recall_only_as_the_benchmark_s_code_does():
    assert document_scores("one two three four five", "") == (None, 0.0)
    assert document_scores("one two three four five", "  \n") == (None, 0.0)
    assert mean_scores([document_scores("a b c d e", ""), (0.5, 0.5)]) == Scores(0.5, 0.25)
