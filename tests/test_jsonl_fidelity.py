"""A cleaned JSONL record is its line with only the field's value replaced: every other byte
(number forms, escapes, key order, duplicate keys, spacing, a byte order mark) is kept, and one
job or two write the same bytes."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from boilerstrip import clean
from boilerstrip.cli import cli
from boilerstrip.jsonl import RecordError, locate

SEEDS = Path(__file__).parent.parent / "seeds"
DIRTY = (SEEDS / "zeit-ukraine-talks.txt").read_text(encoding="utf-8")
CLEANED = clean(DIRTY).text

ODD = [
    ('{"n": 1e400, "text": ', ', "big": 12345678901234567890.123456789012345678901}'),
    ('{"text":', ',"n":-0,"e":1E+2,"f":0.1e-7}'),
    ('{"text": "first, a duplicate", "id": 3, "text": ', "}"),
    ('{ "z" : [ 1 , { "deep" : [ [ [ { } ] ] ] } ] ,\t"text" :\t', ' , "a" : null }  '),
    ('{"caf\\u00e9": "\\ud83d\\ude00 \\/ \\"q\\"", "text": ', ', "raw": "😀 ü ß"}'),
    ('{"text": ', ', "nan": NaN, "inf": -Infinity}'),
]
"""Each record around its text value: the bytes before it and after it, both kept as they are."""


def corpus(copies: int) -> tuple[bytes, bytes]:
    """Odd-but-valid records, the first line behind a byte order mark, and what cleaning them
    must give: the same bytes with only the text values replaced."""
    dirty, cleaned = [], []
    for before, after in ODD * copies:
        dirty.append(f"{before}{json.dumps(DIRTY, ensure_ascii=False)}{after}\n")
        cleaned.append(f"{before}{json.dumps(CLEANED, ensure_ascii=False)}{after}\n")
    dirty[0], cleaned[0] = "\ufeff" + dirty[0], "\ufeff" + cleaned[0]
    return "".join(dirty).encode(), "".join(cleaned).encode()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_every_byte_outside_the_value_is_kept_with_one_job_or_two(tmp_path, jobs):
    dirty, expected = corpus(copies=400)  # over a megabyte: several chunks, read by the workers
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "corpus.jsonl").write_bytes(dirty)
    result = CliRunner().invoke(cli, ["clean", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "-q", "-j", jobs])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "corpus.jsonl").read_bytes() == expected


def test_a_value_written_with_ascii_escapes_is_written_back_so():
    line = json.dumps({"text": DIRTY, "id": 1}).encode()
    record = locate(line, "text")
    assert record.text == DIRTY
    assert record.replaced(CLEANED) == json.dumps({"text": CLEANED, "id": 1}).encode()


@pytest.mark.parametrize(
    "line",
    [b'{"text": "a",}', b'{"text" "a"}', b'{"text": "a"} {}', b"[1, 2]", b'{"text": 3}', b"\xff{}", b'{"text": "a\x01"}'],
)
def test_what_json_loads_refuses_is_refused(line):
    with pytest.raises(RecordError):
        locate(line, "text")


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(
    others=st.dictionaries(st.text(max_size=6).filter(lambda key: key != "text"), JSON_VALUES, max_size=4),
    position=st.integers(min_value=0, max_value=4),
    text=st.text(max_size=40).map(lambda tail: "Foto: dpa\n" + tail),
    ascii_only=st.booleans(),
    separators=st.sampled_from([(",", ":"), (", ", ": "), (" , ", " : ")]),
)
def test_any_record_keeps_every_byte_but_the_value(others, position, text, ascii_only, separators):
    items = list(others.items())
    items.insert(min(position, len(items)), ("text", text))
    line = json.dumps(dict(items), ensure_ascii=ascii_only, separators=separators).encode("utf-8", "surrogatepass")
    record = locate(line, "text")
    assert record.text == text
    start, end = record.span
    new = clean(text).text
    out = record.replaced(new).decode("utf-8", "surrogatepass")
    assert out.startswith(record.line[:start]) and out.endswith(record.line[end:])
    assert json.loads(out[start : len(out) - (len(record.line) - end)]) == new


LINES = st.sampled_from(["Foto: dpa", "Mehr zum Thema", "© AFP", "Newsletter", "Read more: elsewhere", "", DIRTY.splitlines()[0]])
TEXTS = st.lists(LINES | st.text(max_size=30), max_size=8).map("\n".join)


def is_subsequence(small: str, big: str) -> bool:
    characters = iter(big)
    return all(character in characters for character in small)


@settings(max_examples=40, deadline=None)
@given(records=st.lists(st.tuples(TEXTS, JSON_VALUES, st.booleans()), min_size=1, max_size=6))
def test_the_cli_on_any_jsonl_keeps_records_and_bytes_and_is_idempotent(tmp_path_factory, records):
    folder = tmp_path_factory.mktemp("fuzz")
    lines = [
        json.dumps({"id": n, "text": text, "meta": other}, ensure_ascii=ascii_only) for n, (text, other, ascii_only) in enumerate(records)
    ]
    (folder / "in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    for source, target in (("in.jsonl", "once"), ("once/in.jsonl", "twice")):
        result = CliRunner().invoke(cli, ["clean", str(folder / source), "-o", f"{folder / target}/", "-q", "-j", "1"])
        assert result.exit_code == 0, result.output
    once = (folder / "once" / "in.jsonl").read_bytes()
    assert (folder / "twice" / "in.jsonl").read_bytes() == once, "cleaning is idempotent"
    out = once.splitlines()
    assert len(out) == len(lines), "no record dropped"
    for before, after in zip(lines, out, strict=True):
        old, new = locate(before.encode("utf-8", "surrogatepass"), "text"), locate(after, "text")
        assert is_subsequence(new.text, old.text)
        assert old.line[: old.span[0]] == new.line[: new.span[0]] and old.line[old.span[1] :] == new.line[new.span[1] :]
