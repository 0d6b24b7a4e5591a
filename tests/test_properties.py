"""The invariants of DESIGN.md, checked on generated documents (hypothesis)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from boilerstrip import clean
from boilerstrip.lines import unmarked

BOILERPLATE = [
    "© Lea Dohle",
    "Newsletter",
    "Vielen Dank! Wir haben Ihnen eine E-Mail geschickt.",
    "Mehr zum Thema",
    "Z+ (abopflichtiger Inhalt);",
    "Read more: Something else entirely",
    "Comments",
    "Kommentare",
    "Anzeige",
    "Foto: dpa",
    "Die Kanzlerin in Berlin (Foto: dpa)",
    "Facebook Twitter",
    "## Kommentare",
    "- **Read more:** [Something else](https://example.com/x_(y))",
    "",
    "   ",
]
ARTICLE = [
    "Die Bundesregierung hat am Mittwoch einen Gesetzentwurf beschlossen, der vieles ändert und neu regelt.",
    "Russland hofft auf Aufhebung der Sanktionen",
    "Krieg in der Ukraine",
    "The council approved the budget after a long night of arguments over police funding and libraries.",
    "Short line",
]
lines = st.lists(st.sampled_from(BOILERPLATE + ARTICLE) | st.text(max_size=40), max_size=30)
endings = st.sampled_from(["\n", "\r\n"])


@st.composite
def documents(draw):
    parts = draw(lines)
    ending = draw(endings)
    text = ending.join(part.replace("\n", " ").replace("\r", " ") for part in parts)
    return text + draw(st.sampled_from(["", ending]))


def is_subsequence(small: str, big: str) -> bool:
    chars = iter(big)
    return all(char in chars for char in small)


@settings(max_examples=300, deadline=None)
@given(documents())
def test_output_is_a_subsequence_of_the_input(text):
    assert is_subsequence(clean(text).text, text)


@settings(max_examples=300, deadline=None)
@given(documents())
def test_cleaning_is_idempotent(text):
    once = clean(text).text
    assert clean(once).text == once


@settings(max_examples=300, deadline=None)
@given(documents())
def test_every_removed_character_is_covered_by_a_removal(text):
    result = clean(text)
    rebuilt, cursor = [], 0
    for removal in result.removals:
        assert removal.start >= cursor
        assert text[removal.start : removal.end] == removal.text
        assert removal.rule
        rebuilt.append(text[cursor : removal.start])
        cursor = removal.end
    rebuilt.append(text[cursor:])
    assert "".join(rebuilt) == result.text


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_unicode_never_raises(text):
    result = clean(text)
    assert is_subsequence(result.text, text)


@settings(max_examples=200, deadline=None)
@given(lines, endings)
def test_line_endings_are_kept(parts, ending):
    text = ending.join(part.replace("\n", " ").replace("\r", " ") for part in parts) + ending
    result = clean(text).text
    assert result.count("\n") == result.count(ending)
    assert result == "" or result.endswith(ending)


@settings(max_examples=300, deadline=None)
@given(documents())
def test_unmarked_only_blanks_characters(text):
    """Rules see the document with markup blanked: same length, same lines, nothing but spaces added."""
    view = unmarked(text)
    assert len(view) == len(text)
    assert all(seen == char or (seen == " " and char not in "\r\n") for seen, char in zip(view, text, strict=True))
