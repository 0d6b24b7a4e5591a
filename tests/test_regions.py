"""Cleaning only the stretches around matched lines gives what cleaning every line gives.

``engine.clean`` splits and resolves only the regions between firewall lines around the lines a
rule matched (``engine._regions``); ``whole`` here runs the same steps on the whole document.
"""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boilerstrip import Result, clean, compile_rules
from boilerstrip.engine import cut, removals_of
from boilerstrip.lines import split_lines, unmarked

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

RULES = compile_rules()


def whole(text: str, rules) -> Result:
    """Every line of the document classified, resolved and rendered at once."""
    return cut(text, removals_of(split_lines(text), rules.hits(unmarked(text))))


LONG = [
    "Die Bundesregierung hat am Mittwoch einen Gesetzentwurf beschlossen, der vieles ändert, neu regelt und lange umstritten war.",
    "The council approved the budget after a long night of arguments over police funding, libraries and the state of the roads.",
    "Eine Zeile mit genau siebzehn Wörtern steht hier, damit sie knapp über jeder Grenze für Blöcke liegt, oder?",
]
SHORT = ["Krieg in der Ukraine", "Short line", "Russland hofft auf Aufhebung der Sanktionen", "", "   ", "• Punkt"]
EXAMPLES = [example for rule in RULES for example in (*rule.examples, *rule.counterexamples)]


@st.composite
def documents(draw):
    parts = draw(st.lists(st.sampled_from(LONG + SHORT + EXAMPLES), max_size=40))
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    return ending.join(part.replace("\n", " ").replace("\r", " ") for part in parts) + draw(st.sampled_from(["", ending]))


def test_every_seed():
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert clean(text, RULES) == whole(text, RULES)


@pytest.mark.data
def test_every_development_document(data_dir):
    texts = [path.read_text(encoding="utf-8") for path in sorted(data_dir.glob("*/text/*/*.txt"))]
    assert len(texts) > 1000
    for text in texts:
        assert clean(text, RULES) == whole(text, RULES)


@settings(max_examples=500, deadline=None)
@given(documents())
def test_generated_documents_of_rule_examples_and_prose(text):
    assert clean(text, RULES) == whole(text, RULES)
