"""Cases as data (ftfy's habit): every case in tests/cases/*.json runs through ``clean``.

in-the-wild.json   real excerpts whose boilerplate boilerstrip removes today
negative.json      article text that looks like boilerplate and must stay (expected == input)
known-failures.json  cases we get wrong today, kept visible; one that starts passing fails here
                   so that it moves to in-the-wild.json (or negative.json)

The cases carry their own text: nothing here reads the development data.
"""

import json
from pathlib import Path

import pytest

from boilerstrip import clean

CASES = Path(__file__).parent / "cases"
FILES = ("in-the-wild", "negative", "known-failures")
KEYS = {"label", "comment", "source", "origin", "lang", "input", "expected"}
SOURCES = {"news", "blog", "recipe", "forum", "docs", "code"}


def _load():
    return [(name, case) for name in FILES for case in json.loads((CASES / f"{name}.json").read_text("utf-8"))]


ALL = _load()


def test_labels_are_unique():
    labels = [case["label"] for _, case in ALL]
    assert len(labels) == len(set(labels)), sorted({x for x in labels if labels.count(x) > 1})


@pytest.mark.parametrize(("name", "case"), ALL, ids=[case["label"] for _, case in ALL])
def test_case(name, case):
    extra = {"expect"} if name == "known-failures" else set()
    assert set(case) == KEYS | extra, f"keys: {sorted(set(case) ^ (KEYS | extra))}"
    assert all(isinstance(case[k], str) and case[k].strip() for k in KEYS), "every field is a non-empty string"
    assert case["source"] in SOURCES
    assert case["origin"].count("/") >= 2, "origin is <data source>/<variant>/<key>"
    if name == "negative":
        assert case["expected"] == case["input"], "a negative case keeps its input whole"
    if name == "known-failures":
        assert case["expect"] == "fail"

    out = clean(case["input"]).text
    assert _is_subsequence(out.splitlines(keepends=True), case["input"].splitlines(keepends=True)), (
        "the output is not a subsequence of the input's lines"
    )
    assert clean(out).text == out, "cleaning twice changes the text"

    if name == "known-failures":
        assert out != case["expected"], "this known failure now passes: move it to in-the-wild.json"
    else:
        assert out == case["expected"]


def _is_subsequence(lines, of):
    rest = iter(of)
    return all(any(line == other or line == other.rstrip("\r\n") for other in rest) for line in lines)
