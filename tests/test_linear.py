"""A user's patterns run on RE2 with the meaning they have in Python's ``re`` (issue 12, item 8).

The translation is held to ``re``: on every code point for the classes whose spelling it changes,
on the packs' own examples and counterexamples, and, with the development data, on every text the
shipped rules clean, run once on ``re`` and once on RE2.
"""

import re
import sys
import unicodedata
from dataclasses import replace
from pathlib import Path

import pytest

from boilerstrip import clean
from boilerstrip.index import CompiledRules
from boilerstrip.linear import NotLinear, compile_linear, re2_syntax
from boilerstrip.packs import RulePackError, builtin_pack_paths, load_pack, load_rules

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
EVERY_CHARACTER = "".join(
    chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code <= 0xDFFF and unicodedata.category(chr(code)) != "Cn"
)
"""Every code point Python's Unicode database assigns (RE2's tables may be newer: unassigned
code points are where the two may differ, and no text holds them yet)."""


def runs(regex, text: str) -> list[tuple[int, int]]:
    return [found.span() for found in regex.finditer(text)]


@pytest.mark.parametrize(
    "pattern", [r"\w+", r"\W+", r"\d+", r"\D+", r"\s+", r"\S+", r"[^\W\d]+", r"[^\W\d_]+", r"[\W\d]+", r"[.\s]+", r"(?a:\w+)"]
)
def test_classes_hold_the_characters_they_hold_in_re_on_every_code_point(pattern):
    assert runs(compile_linear(pattern), EVERY_CHARACTER) == runs(re.compile(pattern), EVERY_CHARACTER)


@pytest.mark.parametrize("letter", [*"aksiy", "ß", "ſ", "ı", "é", "σ", "ς", "ǆ", "ω"])
def test_ignoring_case_folds_as_re_does(letter):
    pattern = f"(?i){re.escape(letter)}+"
    assert runs(compile_linear(pattern), EVERY_CHARACTER) == runs(re.compile(pattern), EVERY_CHARACTER)


@pytest.mark.parametrize(
    ("pattern", "construct"),
    [
        (r"(Buy) our \1", "backreference"),
        (r"(?<=Buy )our book", "lookbehind"),
        (r"Buy (?!now)\w+ book", "negative lookahead"),
        (r"Buy (?>our|my) book", "atomic group"),
        (r"Buy\s++our book", "possessive quantifier"),
        (r"Buy (our)?(?(1)book|books)", "conditional group"),
        (r"Buy our b(o){1,5000}k", "over 1000"),
        (r"[^\W\s]+ book", "negated class"),
    ],
)
def test_what_re2_cannot_run_is_refused_when_the_pack_loads_naming_it(tmp_path, pattern, construct):
    pack = tmp_path / "mine.toml"
    quoted = pattern.replace("'", "\\'")
    pack.write_text(
        f'[[rule]]\nid = "ad.mine"\nkind = "line"\ndescription = "Mine."\npatterns = [\'\'\'{quoted}\'\'\']\nexamples = ["Buy our book"]\n'
    )
    with pytest.raises(RulePackError) as error:
        load_pack(pack)
    message = str(error.value)
    assert "ad.mine" in message and "field 'patterns'" in message and construct in message and "RE2" in message


@pytest.mark.parametrize("pattern", [r"(?:a|a?)+x", r"(?:\w+\s?){1,20}!", r"(\w+\s?)+!", r"(?:.*,)*;"])
def test_backtracking_forms_are_accepted_and_answer_as_re_does(pattern):
    """Forms that take ``re`` exponential time on a line that almost matches are plain for RE2:
    accepted, and right on short lines, where ``re`` still answers in time."""
    linear = compile_linear(pattern)
    for line in ["aax", "aaaa", "word word!", "word word", "a,b,;", "a,b,c", ""]:
        assert bool(linear.fullmatch(line)) == bool(re.fullmatch(pattern, line)), line


def test_a_lone_surrogate_is_matched_as_a_character_of_no_class():
    linear = compile_linear(r"Foto: \w+.")
    assert linear.fullmatch("Foto: dpa\ud800") and not linear.fullmatch("Foto: \ud800")
    assert compile_linear(r"\S+").fullmatch("\udfff") and not compile_linear(r"\s").fullmatch("\ud800")


def test_every_shipped_pattern_passes_the_check_a_users_does():
    for path in builtin_pack_paths():
        for rule in load_pack(path):  # checked: every pattern compiled for RE2, every example run on it
            for pattern in rule.patterns:
                assert re2_syntax(pattern.regex)


def test_a_users_rules_are_matched_by_re2_and_the_shipped_ones_by_re():
    shipped = CompiledRules(load_rules())
    users = CompiledRules([replace(rule, shipped=False) for rule in load_rules()])
    assert all(isinstance(regex, re.Pattern) for regex in (shipped._span, shipped._searched[0].regex.compiled()))
    assert not any(isinstance(regex, re.Pattern) for regex in (users._span, users._searched[0].regex.compiled()))


def texts_of_the_packs() -> list[str]:
    """Every example and counterexample, as a line of its own between article paragraphs."""
    paragraph = "Ein langer Absatz eines Artikels, der lang genug ist, um als Text zu gelten, ganz sicher.\n"
    return [paragraph + case + "\n" + paragraph for rule in load_rules() for case in (*rule.examples, *rule.counterexamples)]


def assert_both_engines_clean_alike(texts: list[str]) -> None:
    on_re = CompiledRules(load_rules())
    on_re2 = CompiledRules([replace(rule, shipped=False) for rule in load_rules()])
    for text in texts:
        assert clean(text, on_re2) == clean(text, on_re), text[:200]


def test_the_shipped_rules_clean_their_cases_alike_on_re2():
    assert_both_engines_clean_alike(texts_of_the_packs())


@pytest.mark.data
@pytest.mark.parametrize("variant", ["html_text", "markdown"])
def test_the_shipped_rules_clean_the_development_texts_alike_on_re2(variant):
    """Whole-page text holds the most boilerplate, markdown the most markup; on all 8,400 texts of
    every variant no removal differed either, when measured (14 s, too slow for the suite)."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(DATA.glob(f"*/text/{variant}/*.txt"))]
    assert len(texts) > 1000
    assert_both_engines_clean_alike(texts)


def test_not_linear_is_a_value_error_with_the_reason():
    with pytest.raises(NotLinear, match="backreference"):
        compile_linear(r"(a)\1")
