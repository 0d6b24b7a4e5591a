"""Every example and counterexample of every shipped pack, and the errors a bad pack gives."""

import textwrap

import pytest
from click.testing import CliRunner

from boilerstrip import clean
from boilerstrip.cli import cli
from boilerstrip.rules import CATEGORIES, RulePackError, builtin_pack_paths, load_pack

RULES = [rule for path in builtin_pack_paths() for rule in load_pack(path)]
EXAMPLES = [(rule, text) for rule in RULES for text in rule.examples]
COUNTEREXAMPLES = [(rule, text) for rule in RULES for text in rule.counterexamples]


@pytest.mark.parametrize("rule,text", EXAMPLES, ids=[f"{r.id}:{t[:30]}" for r, t in EXAMPLES])
def test_example_matches(rule, text):
    assert rule.matches(text)


@pytest.mark.parametrize("rule,text", COUNTEREXAMPLES, ids=[f"{r.id}:{t[:30]}" for r, t in COUNTEREXAMPLES])
def test_counterexample_does_not_match(rule, text):
    assert not rule.matches(text)


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
        assert covered >= set(CATEGORIES) - {"meta"}, (language, set(CATEGORIES) - covered)


def test_ids_are_unique_across_packs():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))


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
        (("id = \"ad.house-ad\"", "id = \"nonsense.x\""), "id"),
        (("kind = \"line\"", "kind = \"paragraph\""), "kind"),
        (("patterns = ['Buy our book']", "patterns = ['Buy (our']"), "patterns"),
        (("patterns = ['Buy our book']", "patterns = ['(Buy\\s?\\w+)+']"), "patterns"),
        (("examples = [\"Buy our book\"]", "examples = [\"Sell our book\"]"), "examples"),
        (("description = \"Our own house ad.\"\n", ""), "description"),
        (("kind = \"line\"", "kind = \"line\"\nextent = \"end\""), "extent"),
        (("kind = \"line\"", "kind = \"line\"\ncolour = \"red\""), "colour"),
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
    assert rule.id == "ad.house-ad" and rule.category == "ad"


def test_invalid_toml_is_one_line_error(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[[rule]\nid=", encoding="utf-8")
    with pytest.raises(RulePackError, match="broken.toml: not valid TOML"):
        load_pack(path)


def test_cli_rejects_malformed_user_pack_with_exit_2(tmp_path):
    path = write_pack(tmp_path, GOOD.replace("kind = \"line\"", "kind = \"paragraph\""))
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
    assert "rule credit.copyright-line: field 'id': already defined" in result.output
