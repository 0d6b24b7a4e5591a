"""The fast matcher gives exactly the answers of the plain regex it stands in for.

The reference is what the matcher replaced: one alternation of every rule, tried on every line.
"""

import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boilerstrip import compile_rules, lines
from boilerstrip.index import _as_viewed
from boilerstrip.lines import DECORATION, _joined, key_of, match_text, split_lines
from boilerstrip.regex_tree import FOLD_TRAPS, FOLDING_LETTERS, LOWER_PARTNERS, ODD_FOLDS, _Unknown, _viewed_chars, gate, shape

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

RULES = compile_rules()


def reference(rules):
    line_rules = [rule for rule in rules if rule.kind != "span"]
    combined = re.compile("|".join(f"(?P<r{n}>{rule.expression})" for n, rule in enumerate(line_rules)))
    spans = [rule for rule in rules if rule.kind == "span"]
    span_regex = re.compile("|".join(f"(?P<s{n}>{rule.expression})" for n, rule in enumerate(spans)))

    def match(key):
        found = combined.fullmatch(key) if key else None
        return line_rules[int(found.lastgroup[1:])] if found else None

    def span_list(text):
        return [(f.start(), f.end(), spans[int(f.lastgroup[1:])]) for f in span_regex.finditer(text) if f.end() > f.start()]

    return match, span_list


MATCH, SPANS = reference(RULES)


def assert_same(text: str) -> None:
    """The matcher, line by line without a screen and in the document's hits, answers as the
    plain regex."""
    hits = RULES.hits(text)
    lines = split_lines(text)
    assert set(hits.offsets()) <= {line.offset for line in lines}
    for line in lines:
        key = match_text(line.text)
        expected, expected_spans = MATCH(key), SPANS(line.text)
        assert RULES.match_line(key) is expected, key
        assert list(RULES.spans(line.text)) == expected_spans, line.text
        assert hits.lines.get(line.offset) is expected, key
        assert list(hits.spans.get(line.offset, ())) == expected_spans, line.text


def test_every_line_of_the_seeds():
    for path in sorted(SEEDS.glob("*.txt")):
        assert_same(path.read_text(encoding="utf-8"))


@pytest.mark.data
def test_every_line_of_the_development_corpus(data_dir):
    texts = [path.read_text(encoding="utf-8") for path in sorted(data_dir.glob("*/text/standard/*.txt"))]
    assert len(texts) > 1000
    for text in texts:
        assert_same(text)


def test_every_example_and_counterexample_in_any_case():
    for rule in RULES:
        for example in [*rule.examples, *rule.counterexamples]:
            for variant in (example, example.upper(), example.lower(), example.swapcase()):
                assert_same(variant)


FRAGMENTS = [example for rule in RULES for example in rule.examples]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(FRAGMENTS),
            st.sampled_from(FOLD_TRAPS + ("İ", "K", "ẞ", "\u00a0", "\t", " ", "  ", "\n", "\r\n", "\r", "• ", "©", "Ⓒ", "|", "[", "(")),
            st.text(max_size=12),
        ),
        max_size=8,
    ),
    st.sampled_from([str, str.upper, str.lower, str.swapcase]),
)
def test_generated_lines_built_from_rule_examples(parts, case):
    assert_same(case("".join(parts)))


def test_fold_traps_are_the_only_characters_where_lower_and_ignorecase_disagree_on_ascii():
    """Every character that IGNORECASE treats as an ASCII letter lowers to it, or is a trap; and
    those are the only non-ASCII letters a gate refuses (``regex_tree.ODD_FOLDS``)."""
    letter = re.compile(r"(?i)[a-z]")
    for code in range(128, sys.maxunicode + 1):
        char = chr(code)
        if letter.fullmatch(char):
            assert char in ODD_FOLDS, hex(code)
            if not (char.lower().isascii() and letter.fullmatch(char.lower())):
                assert any(trap in char.lower() for trap in FOLD_TRAPS), hex(code)


def test_folding_letters_match_only_what_lowers_to_them():
    """A needle may hold the letters of ``regex_tree.FOLDING_LETTERS``: IGNORECASE equates each
    with nothing but the characters ``str.lower`` takes to its lower case."""
    letters = FOLDING_LETTERS + FOLDING_LETTERS.upper()
    assert letters.lower() == FOLDING_LETTERS * 2
    matchers = [(re.compile(f"(?i){re.escape(letter)}"), letter.lower()) for letter in letters]
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        for matcher, lower in matchers:
            if matcher.fullmatch(char):
                assert char.lower() == lower, (lower, hex(code))


def test_a_gate_spells_a_non_ascii_letter_as_everything_ignorecase_equates_with_it():
    """``regex_tree._viewed_chars``: for the Latin, Greek and Cyrillic letters, every character
    of every plane that IGNORECASE matches to one is among those its gate spells it as."""
    everything = "".join(chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code < 0xE000)
    for code in range(0xC0, 0x530):
        char = chr(code)
        if not (char.lower() != char or char.upper() != char):
            continue
        try:
            spelled_as = _viewed_chars(char)
        except _Unknown:
            continue
        spelled = set(re.findall(f"(?i){re.escape(char)}", everything))
        assert spelled <= spelled_as, hex(code)


def test_the_screen_view_tells_apart_what_str_lower_does():
    """The screen lower-cases ASCII letters only (``index.CompiledRules``' screen): every other
    character a gate or a needle could tell from its lower case is a trap (``ODD_FOLDS``), in
    the same classes (``\\w``, ``\\d``, ``\\s``) as it, and spelled by ``_as_viewed``
    (the upper or title case of its lower case, or one of ``LOWER_PARTNERS``)."""
    for code in range(128, sys.maxunicode + 1):
        char = chr(code)
        lower = char.lower()
        if lower == char:
            continue
        if len(lower) != 1 or lower.isascii():
            assert char in ODD_FOLDS, hex(code)
            continue
        assert lower.upper() != lower, hex(code)  # cased, as the gates of a folded view take it
        assert char in (lower.upper(), lower.title()) or char in LOWER_PARTNERS, hex(code)
        assert char in _as_viewed(lower), hex(code)
        for category in (r"\w", r"\d", r"\s"):
            assert bool(re.fullmatch(category, char)) == bool(re.fullmatch(category, lower)), hex(code)


def test_every_shipped_pattern_with_a_known_start_has_a_gate_or_needles():
    """A pattern with neither sends every line of every document to the slow path."""
    assert not RULES._screener.led_anywhere


@pytest.mark.parametrize(
    ("pattern", "case_sensitive", "line", "gated"),
    [
        ("Mehr zum Thema", False, "MEHR\u00a0 zum\tThema", True),  # any run of whitespace for a space
        ("Mehr zum Thema", False, "Mehr vom Thema", False),
        ("Übersicht", False, "ÜBERSICHT", True),  # non-ASCII letters: any non-ASCII character
        ("Übersicht", False, "Ubersicht", False),
        (r"(?=[^a-z]*[A-Z]{3})[^a-z|\s]{1,30}(?: [^a-z|\s]{1,30}){5,}", True, "THE FINAL SIX WORDS ARE HERE", True),
        (r"(?=[^a-z]*[A-Z]{3})[^a-z|\s]{1,30}(?: [^a-z|\s]{1,30}){5,}", True, "The final six words are here", False),
    ],
)
def test_a_gate_accepts_the_raw_line_of_every_match(pattern, case_sensitive, line, gated):
    folded = not case_sensitive
    paths = gate(pattern, case_sensitive, folded)
    regex = re.compile("(?:" + "|".join("".join(atoms) for atoms in paths) + ")")
    assert bool(regex.match(line.lower() if folded else line)) == gated


def test_only_the_space_is_both_printable_and_whitespace():
    """The fast path in ``lines._usual`` relies on it."""
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if char.isspace() and char.isprintable():
            assert char == " "


@given(st.text(alphabet=st.sampled_from(list("ab •|\u00a0\t*") + ["x"]), max_size=20))
def test_fast_line_path_equals_the_general_one(body):
    line = split_lines(body + "\n")[0] if body else None
    if line is not None:
        assert key_of(line.text) == _joined(body.split()) == match_text(body)
        assert line.words == len(body.split())


@given(st.text(alphabet=st.sampled_from(list("ab •|\u00a0\t\x1c\u3000\u2028")), max_size=60), st.integers(1, 8))
def test_a_long_line_is_split_a_piece_at_a_time_as_whole(body, long):
    """Past ``lines.LONG`` characters, words are split in pieces cut inside whitespace runs."""
    whole = (_joined(body.split()), len(body.split()))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lines, "LONG", long)
        assert (match_text(body), lines.word_count(body)) == whole


@pytest.mark.parametrize(
    ("pattern", "needles"),
    [
        ("(?:if|when) you buy.{0,20}", ("buy",)),  # space-free, and not a common word
        (".{0,80}(?:Kiosk|Bahnhofskiosk)", ("kiosk",)),
        (r"[^©]{1,9}\s*©\s*\w+", ("©",)),
    ],
)
def test_needles_are_required_and_folded(pattern, needles):
    assert shape(pattern, case_sensitive=False).needles == needles


def test_decoration_does_not_include_letters():
    assert not any(c.isalnum() for c in DECORATION)
