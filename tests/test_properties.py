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


HIDDEN_BREAKS = ["\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
SHORT_SENTENCES = ["Das ist ein langer Artikelsatz mit vielen Worten.", "The mayor said the road stays closed."]
"""Article sentences short enough for a credit or teaser pattern to run on into them."""
LINE_BOILERPLATE = [line for line in BOILERPLATE if line.strip() and line not in ("Comments", "Kommentare", "Mehr zum Thema", "Newsletter")]
"""Boilerplate that opens no block (a block takes the short lines after it by design) and is not
blank: a blank "boilerplate" glued by a lone ``\r`` before the line's ``\n`` makes a plain CRLF line,
a short sentence standing alone, which context may take at the end of a document by design."""


@st.composite
def glued_documents(draw):
    """Lines of boilerplate and article text, some of them glued into one ``\n`` line by a
    character a reader sees as a line break, the boilerplate before or after the sentence."""
    lines = []
    for _ in range(draw(st.integers(1, 8))):
        boilerplate, sentence = draw(st.sampled_from(LINE_BOILERPLATE)), draw(st.sampled_from(SHORT_SENTENCES))
        glue = draw(st.sampled_from(HIDDEN_BREAKS))
        lines.append(draw(st.sampled_from([boilerplate + glue + sentence, sentence + glue + boilerplate, boilerplate, ARTICLE[0]])))
    return draw(st.sampled_from(["\n", "\r\n"])).join(lines) + "\n"


@settings(max_examples=300, deadline=None)
@given(glued_documents())
def test_no_removal_takes_an_article_line_across_a_break_a_reader_sees(text):
    """``str.splitlines`` and viewers break at U+2028, a lone ``\\r``, form feeds and the rest:
    a sentence joined to boilerplate by one of them is still a line of its own, and is kept."""
    cleaned = clean(text).text
    for sentence in SHORT_SENTENCES:
        assert cleaned.count(sentence) == text.count(sentence)


@settings(max_examples=300, deadline=None)
@given(documents())
def test_unmarked_only_blanks_characters(text):
    """Rules see the document with markup blanked: same length, same lines, nothing but spaces added."""
    view = unmarked(text)
    assert len(view) == len(text)
    assert all(seen == char or (seen == " " and char not in "\r\n") for seen, char in zip(view, text, strict=True))
