"""Cleaning only the stretches around matched lines gives what cleaning every line gives.

``engine.clean`` splits and resolves only the regions between firewall lines around the lines a
rule matched (``engine._regions``); ``whole`` here runs the same steps on the whole document.
"""

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from boilerstrip import Result, clean, load_rules
from boilerstrip.engine import _cut, _removals
from boilerstrip.lines import split_lines

RULES = load_rules()


def whole(text: str, rules) -> Result:
    """Every line of the document classified, resolved and rendered at once."""
    screen = rules.screen(text)
    screen.find(text)
    return _cut(text, _removals(split_lines(text), screen))

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SEEDS = Path(__file__).resolve().parent.parent / "seeds"

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


def test_every_development_document_and_seed():
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    if DATA.is_dir():
        texts += [path.read_text(encoding="utf-8") for path in sorted(DATA.glob("*/text/*/*.txt"))]
    assert len(texts) > 3
    for text in texts:
        assert clean(text, RULES) == whole(text, RULES)


@settings(max_examples=500, deadline=None)
@given(documents())
def test_generated_documents_of_rule_examples_and_prose(text):
    assert clean(text, RULES) == whole(text, RULES)
