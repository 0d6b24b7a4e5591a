"""Every example and counterexample of every shipped pack, old ids, and the errors a bad pack gives."""

import json
import re
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from boilerstrip import RuleSelection, clean, compile_rules
from boilerstrip.cli import cli
from boilerstrip.packs import CATEGORIES, RulePackError, all_rules, builtin_pack_paths, load_pack, load_rules, rule_matches

RULES = [rule for path in builtin_pack_paths() for rule in load_pack(path)]
"""The shipped packs, checked as a user's pack is (a run loads them unchecked, for start-up)."""
EXAMPLES = [(rule, text) for rule in RULES for text in rule.examples]
COUNTEREXAMPLES = [(rule, text) for rule in RULES for text in rule.counterexamples]
PATTERNS = [(rule, pattern) for rule in RULES for pattern in rule.patterns]
OLD_IDS = json.loads((Path(__file__).parent / "old-rule-ids.json").read_text(encoding="utf-8"))
"""Every id the shipped rules had before one id per concept, with the patterns it selected then."""


@pytest.mark.parametrize("rule,text", EXAMPLES, ids=[f"{r.id}:{t[:30]}" for r, t in EXAMPLES])
def test_example_matches(rule, text):
    assert rule_matches(rule, text)


@pytest.mark.parametrize("rule,text", COUNTEREXAMPLES, ids=[f"{r.id}:{t[:30]}" for r, t in COUNTEREXAMPLES])
def test_counterexample_does_not_match(rule, text):
    assert not rule_matches(rule, text)


@pytest.mark.parametrize("rule,pattern", PATTERNS, ids=[f"{r.id}:{p.regex[:40]}" for r, p in PATTERNS])
def test_every_pattern_has_an_example_of_its_own(rule, pattern):
    """A pattern no example exercises can be wrong, or dead, without any test noticing."""
    alone = replace(rule, patterns=(pattern,))
    assert any(rule_matches(alone, example) for example in rule.examples), f"{rule.id}: no example matches {pattern.regex!r}"


def selected_patterns(**selection) -> set[str]:
    return {pattern.regex for rule in load_rules(RuleSelection(**selection)) for pattern in rule.patterns}


@pytest.mark.parametrize("old_id", sorted(OLD_IDS))
def test_every_old_id_still_selects_what_it_selected(old_id):
    """An old id that became an alias selects exactly its old patterns; an old id that became
    the name of a concept selects the concept, every language's patterns."""
    before = set(OLD_IDS[old_id]["patterns"])
    now = selected_patterns(select=(old_id,))
    if any(rule.id == old_id for rule in RULES):
        assert now >= before
    else:
        assert now == before
    assert not before & selected_patterns(ignore=(old_id,))


def test_the_old_ids_are_all_aliases_or_ids():
    names = {rule.id for rule in RULES} | {alias for rule in RULES for alias, _ in rule.aliases}
    assert set(OLD_IDS) <= names
    assert sum(len(entry["patterns"]) for entry in OLD_IDS.values()) == len(PATTERNS)


def test_ignoring_a_concept_stops_it_in_every_language():
    photo = next(rule for rule in RULES if rule.id == "credit.photo-label")
    assert {"de", "en", "es", "fr"} <= set(photo.languages)
    assert not {pattern.regex for pattern in photo.patterns} & selected_patterns(ignore=("credit.photo-label",))
    kept = clean(
        "Ein langer Absatz eines Artikels, der lang genug ist, um als Text zu gelten, ganz sicher.\nFoto: dpa\nPhoto: Reuters\n",
        compile_rules(RuleSelection(ignore=("credit.photo-label",))),
    )
    assert "Foto: dpa" in kept.text and "Photo: Reuters" in kept.text


def test_languages_select_patterns_not_rules():
    german = load_rules(RuleSelection(languages=("de",)))
    for rule in german:
        assert all("de" in pattern.languages or "*" in pattern.languages for pattern in rule.patterns), rule.id
    assert any(rule.id == "credit.photo-label" for rule in german)


def test_ids_are_per_concept_not_per_language():
    """No id ends in a language code: languages belong to patterns."""
    suffix = re.compile(r"-(?:ar|de|en|es|fr|it|pl|pt)$")
    assert not [rule.id for rule in RULES if suffix.search(rule.id)]


@pytest.mark.parametrize("rule", [r for r in RULES if r.counterexamples], ids=lambda r: r.id)
def test_counterexamples_survive_the_whole_pipeline(rule):
    """A counterexample set between article paragraphs is kept by the engine, not just by its rule."""
    paragraph = "Dies ist ein ganz normaler Absatz eines Artikels, der lang genug ist, um als Text zu gelten."
    for text in rule.counterexamples:
        document = f"{paragraph}\n{text}\n{paragraph}\n"
        kept = clean(document).text
        assert text in kept or rule.kind == "span"


def test_every_category_is_covered_in_german_and_english():
    for language in ("de", "en"):
        covered = {r.category for r in RULES if language in r.languages or "*" in r.languages}
        assert covered >= set(CATEGORIES) - {"meta", "site"}, (language, set(CATEGORIES) - covered)  # site: learned packs only


def test_ids_and_aliases_are_unique_across_packs():
    names = [name for r in RULES for name in (r.id, *(alias for alias, _ in r.aliases))]
    assert len(names) == len(set(names))
    assert len(all_rules()) == len(RULES)


def write_pack(tmp_path, body: str):
    path = tmp_path / "mine.toml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


GOOD = """
    [[rule]]
    id = "ad.house-ad"
    kind = "line"
    description = "Our own house ad."
    patterns = ['Buy our book']
    examples = ["Buy our book"]
    """


@pytest.mark.parametrize(
    "replace,field",
    [
        (('id = "ad.house-ad"', 'id = "nonsense.x"'), "id"),
        (('kind = "line"', 'kind = "paragraph"'), "kind"),
        (("patterns = ['Buy our book']", "patterns = ['Buy (our']"), "patterns"),
        (("patterns = ['Buy our book']", "patterns = ['(?=Buy)Buy our book']"), "patterns"),
        (('examples = ["Buy our book"]', 'examples = ["Sell our book"]'), "examples"),
        (('description = "Our own house ad."\n', ""), "description"),
        (('kind = "line"', 'kind = "line"\nextent = "end"'), "extent"),
        (('kind = "line"', 'kind = "line"\ncolour = "red"'), "colour"),
        (("patterns = ['Buy our book']", "patterns = { de = ['Kauf unser Buch'] }"), "examples"),
        (("patterns = ['Buy our book']", "patterns = { deutsch = ['Buy our book'] }"), "patterns"),
        (("patterns = ['Buy our book']", "patterns = { en = 'Buy our book' }"), "patterns"),
        (('kind = "line"', 'kind = "line"\naliases = { "ad.house-ad" = ["en"] }'), "aliases"),
        (('kind = "line"', 'kind = "line"\nlanguages = []'), "languages"),
    ],
)
def test_malformed_pack_names_file_rule_and_field(tmp_path, replace, field):
    path = write_pack(tmp_path, GOOD.replace(*replace))
    with pytest.raises(RulePackError) as error:
        load_pack(path)
    message = str(error.value)
    assert "\n" not in message
    assert str(path) in message
    assert f"field '{field}'" in message


def test_good_user_pack_loads(tmp_path):
    (rule,) = load_pack(write_pack(tmp_path, GOOD))
    assert rule.id == "ad.house-ad" and rule.category == "ad" and rule.languages == ("*",)


def test_a_pack_in_the_old_form_takes_its_languages_from_the_pack(tmp_path):
    """Packs written before languages moved into the rule (plain lists, [pack] languages) load."""
    (rule,) = load_pack(write_pack(tmp_path, '[pack]\nlanguages = ["en"]\n' + GOOD))
    assert rule.languages == ("en",) and [p.languages for p in rule.patterns] == [("en",)]


def test_a_pack_keyed_by_language(tmp_path):
    body = GOOD.replace("patterns = ['Buy our book']", "patterns = { en = ['Buy our book'], de = ['Kauf unser Buch'] }")
    body = body.replace('examples = ["Buy our book"]', 'examples = { en = ["Buy our book"], de = ["Kauf unser Buch"] }')
    (rule,) = load_pack(write_pack(tmp_path, body))
    assert rule.languages == ("en", "de")
    assert rule_matches(rule, "Kauf unser Buch", ["de"]) and not rule_matches(rule, "Kauf unser Buch", ["en"])


def test_invalid_toml_is_one_line_error(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[[rule]\nid=", encoding="utf-8")
    with pytest.raises(RulePackError, match="broken.toml: not valid TOML"):
        load_pack(path)


def test_cli_rejects_malformed_user_pack_with_exit_2(tmp_path):
    path = write_pack(tmp_path, GOOD.replace('kind = "line"', 'kind = "paragraph"'))
    result = CliRunner().invoke(cli, ["clean", "--rules", str(path)], input="text\n")
    assert result.exit_code == 2
    assert "rule ad.house-ad: field 'kind'" in result.output


def test_cli_uses_user_pack(tmp_path):
    path = write_pack(tmp_path, GOOD)
    text = "A long paragraph of real article text that stays where it is, with many words in it.\nBuy our book\n"
    result = CliRunner().invoke(cli, ["check", "--rules", str(path), "-"], input=text)
    assert result.exit_code == 1
    assert "-:2: ad.house-ad Buy our book" in result.output


def test_user_pack_cannot_redefine_a_shipped_id(tmp_path):
    path = write_pack(tmp_path, GOOD.replace("ad.house-ad", "credit.copyright-line").replace("Buy our book", "© Someone"))
    result = CliRunner().invoke(cli, ["rules", "--rules", str(path)])
    assert result.exit_code == 2
    assert "rule credit.copyright-line: field 'id': credit.copyright-line is already defined" in result.output


def test_user_pack_cannot_take_an_old_id(tmp_path):
    path = write_pack(tmp_path, GOOD.replace("ad.house-ad", "credit.photo-es"))
    with pytest.raises(RulePackError, match="credit.photo-es is already defined"):
        all_rules((str(path),))


def test_a_selection_takes_a_string_or_a_list_alike():
    assert RuleSelection(select="credit,ad") == RuleSelection(select=["credit", "ad"]) == RuleSelection(select=("credit,ad",))
    assert RuleSelection(select="credit").select == ("credit",)
    assert RuleSelection(packs="site.toml").packs == ("site.toml",)
    assert {rule.category for rule in compile_rules(RuleSelection(select="credit"))} == {"credit"}


def test_the_rule_cache_sees_an_edited_pack(tmp_path):
    pack = tmp_path / "site.toml"
    body = '[[rule]]\nid = "ad.site"\nkind = "line"\ndescription = "d"\n'
    body += '[rule.patterns]\nen = ["{line}"]\n[rule.examples]\nen = ["{line}"]\n'
    pack.write_text(body.format(line="First house advert"), encoding="utf-8")
    selection = RuleSelection(select="ad.site", packs=str(pack))
    assert clean("Text.\nFirst house advert\n", compile_rules(selection)).text == "Text.\n"
    pack.write_text(body.format(line="Second house advert line"), encoding="utf-8")
    assert clean("Text.\nFirst house advert\n", compile_rules(selection)).text == "Text.\nFirst house advert\n"


@pytest.mark.parametrize("path", builtin_pack_paths(), ids=lambda path: path.name)
def test_each_shipped_pack_passes_the_checks_a_users_pack_gets_and_loads_the_same_unchecked(path):
    assert load_pack(path, checked=True) == load_pack(path, checked=False)
