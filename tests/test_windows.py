"""Cleaning a document window by window (``windows.cleaned``) gives what cleaning it whole gives:
the same text and the same removals, at the document's line numbers and offsets.

Tiny windows make every document many windows, so each place a window may be cut (after a
firewall, inside what an end block takes) and each window that has to grow is exercised.
"""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boilerstrip import clean, compile_rules
from boilerstrip.windows import cleaned

ROOT = Path(__file__).resolve().parent.parent
RULES = compile_rules()
WINDOWS = (1, 50, 300, 4096)


def windowed(text: str, window: int, piece: int = 7) -> list[tuple[str, object]]:
    """``text`` read in pieces of ``piece`` characters and cleaned in windows of ``window``."""
    return list(cleaned((text[at : at + piece] for at in range(0, len(text), piece)), RULES, window))


def assert_as_whole(text: str, window: int) -> list:
    parts = windowed(text, window)
    whole = clean(text, RULES)
    assert "".join(part for part, _result in parts) == text
    assert "".join(result.text for _part, result in parts) == whole.text
    assert [removal for _part, result in parts for removal in result.removals] == list(whole.removals)
    return parts


def development_texts() -> list[str]:
    files = [ROOT / "tests" / "cases" / f"{name}.json" for name in ("in-the-wild", "negative", "known-failures")]
    cases = [case["input"] for path in files for case in json.loads(path.read_text(encoding="utf-8"))]
    seeds = [path.read_text(encoding="utf-8") for path in sorted((ROOT / "seeds").glob("*.txt"))]
    return cases + seeds


TEXTS = development_texts()


@pytest.mark.parametrize("window", WINDOWS)
def test_every_development_text(window):
    for text in TEXTS:
        assert_as_whole(text, window)


@pytest.mark.parametrize("window", WINDOWS)
def test_development_texts_as_one_document(window):
    """One after another, as a scrape concatenated: many end blocks, some opened, some not."""
    assert_as_whole("\n".join(TEXTS), window)


@pytest.mark.data
def test_every_development_document_as_one(data_dir):
    texts = [path.read_text(encoding="utf-8") for path in sorted(data_dir.glob("*/text/standard/*.txt"))]
    assert len(texts) > 1000
    assert_as_whole("\n".join(texts), 4096)


PROSE = [
    "Die Bundesregierung hat am Mittwoch einen Gesetzentwurf beschlossen, der vieles ändert, neu regelt und lange umstritten war.",
    "The council approved the budget after a long night of arguments over police funding, libraries and the state of the roads.",
    "Eine Zeile mit genau siebzehn Wörtern steht hier, damit sie knapp über jeder Grenze für Blöcke liegt, oder?",
    "A line with a hidden break\u2028in it reads as two lines to a reader, and the engine keeps it as a long line is kept.",
    "Astral characters 𝄞 and 😀 make every string of the document four bytes a character, which is what windows are for.",
]
SHORT = ["Krieg in der Ukraine", "Short line", "Russland hofft auf Aufhebung der Sanktionen", "• Punkt", "Zitat 😀", "ein\u2028Umbruch"]
BLANK = ["", "   ", "\t"]
OPENERS = ["Comments", "Kommentare", "12 Comments", "Leave a Reply", "## Comments"]
LINKS = ["[Read more](https://example.com/a", '"A title on the next line")', "**Read more:** [A headline](https://example.com/b)"]
EXAMPLES = [example for rule in RULES for example in (*rule.examples, *rule.counterexamples)]


@st.composite
def documents(draw):
    """Random mixes of boilerplate, prose, blank lines, end-block openers, long runs of short
    lines with no firewall, Markdown links split over lines, CRLF, hidden breaks, astral text."""
    chunks = draw(
        st.lists(
            st.one_of(
                st.lists(st.sampled_from(PROSE), min_size=1, max_size=14),
                st.lists(st.sampled_from(SHORT + BLANK), min_size=5, max_size=40),
                st.lists(st.sampled_from(EXAMPLES + BLANK), min_size=1, max_size=6),
                st.lists(st.sampled_from(OPENERS + LINKS), min_size=1, max_size=2),
            ),
            max_size=12,
        )
    )
    parts = [part for chunk in chunks for part in chunk]
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    return ending.join(part.replace("\n", " ").replace("\r", " ") for part in parts) + draw(st.sampled_from(["", ending, ending * 3]))


@settings(max_examples=300, deadline=None)
@given(documents(), st.sampled_from(WINDOWS))
def test_generated_documents(text, window):
    assert_as_whole(text, window)


ARTICLE = "\n\n".join(PROSE[:2] * 8)  # well over an article's worth of prose: an end block opens after it
COMMENT = "wrote a long comment that says a great deal about the council, the budget and the roads."
COMMENTS = "\n".join(f"Reader {n} {COMMENT}\nFoto: dpa" for n in range(40))
"""Long lines, and a line another rule names: where one removal ends and the next begins, a
window may be cut (one removal is never split)."""


def test_an_end_block_opened_in_one_window_takes_the_next_ones():
    """Every comment is a long line: cut as after a firewall, the windows after the first would
    keep them."""
    text = f"{ARTICLE}\n\nComments\n{COMMENTS}\n"
    parts = assert_as_whole(text, 300)
    opened = next(index for index, (part, _result) in enumerate(parts) if "Comments\n" in part)
    assert len(parts) > opened + 5
    assert all(result.text == "" for _part, result in parts[opened + 1 :])
    assert "".join(result.text for _part, result in parts) == ARTICLE + "\n\n"


def test_an_end_block_without_an_article_above_opens_nothing_in_the_windows_below():
    """Prose is counted across windows: the opener at the top takes nothing; the one after the
    article takes the rest."""
    text = f"Comments\n{ARTICLE}\n\nComments\n{COMMENTS}\n"
    parts = assert_as_whole(text, 200)
    assert "".join(result.text for _part, result in parts).startswith(PROSE[0])


def test_a_run_of_short_lines_with_no_firewall_grows_one_window():
    lines = [f"Item {n}" for n in range(2000)]
    text = f"{ARTICLE}\n" + "\n".join(lines) + "\nNewsletter\nFoto: dpa\n" + ARTICLE
    parts = assert_as_whole(text, 50)
    assert any(len(part) > 2000 * 5 for part, _result in parts)


def test_removals_carry_the_document_line_numbers_and_offsets():
    text = f"{ARTICLE}\nFoto: dpa\n{ARTICLE}\nFoto: dpa\n{ARTICLE}\n"
    parts = assert_as_whole(text, 50)
    removals = [removal for _part, result in parts for removal in result.removals]
    assert [text[r.start : r.end] for r in removals] == ["Foto: dpa\n"] * 2
    assert [r.line for r in removals] == [text[: r.start].count("\n") + 1 for r in removals]
