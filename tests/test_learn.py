import json
import re
import sys
from pathlib import Path

import pytest

from boilerstrip import RuleSelection, clean, compile_rules, packs
from boilerstrip.learn import FORMS, Learner, LearnSettings, learn, normalise, site_of

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from learn import source_pages  # noqa: E402 - the bench's reading of the development data, not a twin of it

BODY = ("rain", "a strike", "new bus lines", "an election", "the harvest", "a record", "floods")


def site_pages(count: int) -> list[tuple[str, str]]:
    return [
        (
            "stadtblatt.de",
            f"Mehr aus Ressort Wirtschaft\nArticle {n} reports {BODY[n % len(BODY)]}, day {n}.\n"
            f"Unique body sentence {n}: {'word ' * n}\n© {2000 + n} Stadtblatt GmbH\n",
        )
        for n in range(count)
    ]


def test_site_of_drops_scheme_www_and_port():
    assert site_of("https://www.Example.com:8080/a/b?c") == "example.com"
    assert site_of("news.example.org/path") == "news.example.org"


def test_normalise_folds_case_digits_markup_whitespace():
    assert normalise("## **Mehr**  aus  Ressort 2024") == normalise("mehr aus ressort 1999")


def test_learned_pack_loads_and_cleans_only_the_furniture(tmp_path: Path):
    pages = site_pages(10)
    path = tmp_path / "site-rules.toml"
    path.write_text(learn(pages), encoding="utf-8")
    [rule] = packs.load_pack(path)
    assert rule.id == "site.stadtblatt-de"
    heading, footer = rule.examples  # the footer's year differs on every page: any one of them is its example
    assert heading == "Mehr aus Ressort Wirtschaft" and re.fullmatch(r"© 200\d Stadtblatt GmbH", footer)
    rules = compile_rules(RuleSelection(packs=(str(path),), select=("site",)))
    body = "The council approved the new budget on Tuesday after a long debate about schools.\n"
    assert clean(f"Mehr aus Ressort Wirtschaft\n{body}© 2031 Stadtblatt GmbH\n", rules).text == body


def test_too_few_documents_learn_nothing():
    assert "[[rule]]" not in learn(site_pages(4))


def test_long_sentence_needs_most_pages():
    quote = "The minister said that the agreement would be signed by all parties before the summer recess."
    pages = [(site, text + (quote if n < 5 else "")) for n, (site, text) in enumerate(site_pages(10))]
    learner = Learner()
    learner.count(pages)
    learner.collect(pages)
    assert {normalise(line.text) for line in learner.learned["stadtblatt.de"].values()} == {
        "mehr aus ressort wirtschaft",
        "© 0 stadtblatt gmbh",
    }


def test_line_other_sites_carry_needs_most_pages():
    shared = "Berlin (dpa)"
    pages = [(site, text + (shared if n < 4 else "")) for n, (site, text) in enumerate(site_pages(10))]
    pages += [("other.example", f"{shared}\nOther body {n}.\n") for n in range(3)]
    learner = Learner()
    learner.count(pages)
    learner.collect(pages)
    assert all(line.text != shared for line in learner.learned["stadtblatt.de"].values())


def letters(number: int) -> str:
    """A number spelt in letters, so that lines differing by it stay distinct once digits are normalised."""
    return "".join("abcdefghij"[int(digit)] for digit in str(number))


def crawl(sites: int, pages: int, unique: int) -> list[tuple[str, str]]:
    """Sites interleaved as a crawl is, each page two furniture lines of its site (and on every fifth page a
    podcast promo, just at the share learned) around lines no other page has."""
    return [
        (
            f"{letters(site)}.example",
            f"Mehr aus Ressort {letters(site)}\n"
            + "".join(f"Story {letters((page * sites + site) * unique + line)} happened today.\n" for line in range(unique))
            + (f"Der Podcast von {letters(site)}\n" if page % 5 == 0 else "")
            + f"© {2000 + page} Verlag {letters(site)}\n",
        )
        for page in range(pages)
        for site in range(sites)
    ]


def test_memory_stays_bounded_in_both_passes_and_the_furniture_is_learned_exactly():
    """The bound holds by construction: pass 1 never keeps more line hashes than max_entries (and one page's
    lines), pass 2 tallies only the candidates, each with at most FORMS exact forms; counts are exact again."""
    pages, bound = crawl(sites=4, pages=30, unique=6), 200
    learner = Learner(LearnSettings(max_entries=bound))
    held = []

    def watched(documents, retained):
        for document in documents:
            held.append(retained())
            yield document

    learner.count(watched(pages, lambda: sum(len(state.counts) for state in learner.sites.values())))
    assert max(held) <= bound + 9 and 0 < learner.level < 1  # pruned to the bound, and never past a threshold
    held.clear()
    tallies = lambda: [tally for site in learner.tallies.values() for tally in site.values()]  # noqa: E731
    learner.collect(watched(pages, lambda: (len(tallies()), max(len(tally.forms) for tally in tallies()))))
    assert max(count for count, _ in held) <= bound and max(forms for _, forms in held) <= FORMS
    for site in ("a", "b", "c", "d"):
        learned = {normalise(line.text): line.documents for line in learner.learned[f"{site}.example"].values()}
        assert learned == {f"mehr aus ressort {site}": 30, f"der podcast von {site}": 6, f"© 0 verlag {site}": 30}


def test_too_small_a_bound_says_so(tmp_path: Path):
    """Past a threshold, a line on enough pages may have been dropped: the level says it, and learn warns."""
    from click.testing import CliRunner

    from boilerstrip.cli import cli

    pages = crawl(sites=4, pages=30, unique=6)
    learner = Learner(LearnSettings(max_entries=100))
    learner.count(pages)
    assert learner.level >= 1
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"url": f"https://{site}/", "text": text}) + "\n" for site, text in pages), encoding="utf-8")
    result = CliRunner().invoke(cli, ["learn", str(corpus), "-o", str(tmp_path / "site.toml"), "--max-entries", "100"])
    assert result.exit_code == 0 and "--max-entries was too small" in result.stderr
    result = CliRunner().invoke(cli, ["learn", str(corpus), "-o", str(tmp_path / "site.toml")])
    assert result.exit_code == 0 and "too small" not in result.stderr


@pytest.mark.data
@pytest.mark.parametrize("whole_source", [False, True], ids=["by-host", "source-as-one-site"])
@pytest.mark.parametrize("source", ["fundus", "scrapinghub", "trafilatura", "wcxb"])
def test_real_articles_sharing_lines_are_not_learned(data_dir: Path, source: str, whole_source: bool):
    """Articles of a source share headings ("Conclusion" in 50 of wcxb's 709) and sentences; none is furniture."""
    pages, is_gold = source_pages(data_dir, source, whole_source)
    learner = Learner()
    learner.count(pages)
    learner.collect(pages)
    learned = [line.text for lines in learner.learned.values() for line in lines.values()]
    assert [text for text in learned if is_gold(text)] == []


@pytest.mark.data
def test_without_a_share_chance_repeats_would_be_learned(data_dir: Path):
    """Why min_share exists: five documents alone learn article headings across wcxb's unrelated sites."""
    pages, _ = source_pages(data_dir, "wcxb", whole_source=True)
    learner = Learner(LearnSettings(min_share=0.0))
    learner.count(pages)
    learner.collect(pages)
    assert "Conclusion" in {line.text for lines in learner.learned.values() for line in lines.values()}


def test_learn_command_writes_a_pack_that_clean_uses(tmp_path: Path):
    """JSONL grouped by url host, through the command line, then cleaned with the pack."""
    from click.testing import CliRunner

    from boilerstrip.cli import cli

    corpus = tmp_path / "corpus.jsonl"
    pages = site_pages(8)
    records = (json.dumps({"url": f"https://www.{site}/a/{n}", "text": text}) for n, (site, text) in enumerate(pages))
    corpus.write_text("".join(record + "\n" for record in records), encoding="utf-8")
    pack = tmp_path / "site-rules.toml"
    result = CliRunner().invoke(cli, ["learn", str(corpus), "-o", str(pack)])
    assert result.exit_code == 0, result.output
    assert "learned for 1 site(s)" in result.stderr
    body = "The council approved the new budget on Tuesday after a long debate about schools.\n"
    page = f"Mehr aus Ressort Wirtschaft\n{body}© 2031 Stadtblatt GmbH\n"
    cleaned = CliRunner().invoke(cli, ["clean", "--isolated", "--rules", str(pack), "--select", "site"], input=page)
    assert cleaned.exit_code == 0, cleaned.output
    assert cleaned.stdout == body


def test_learn_command_groups_files_by_their_first_folder_and_names_bad_records(tmp_path: Path):
    from click.testing import CliRunner

    from boilerstrip.cli import cli

    for n, (_site, text) in enumerate(site_pages(6)):
        (tmp_path / "in" / "stadtblatt").mkdir(parents=True, exist_ok=True)
        (tmp_path / "in" / "stadtblatt" / f"{n}.txt").write_text(text, encoding="utf-8")
    (tmp_path / "in" / "bad.jsonl").write_text("{not json\n", encoding="utf-8")
    pack = tmp_path / "site-rules.toml"
    result = CliRunner().invoke(cli, ["learn", str(tmp_path / "in"), "-o", str(pack)])
    assert result.exit_code == 2
    assert f"{tmp_path / 'in' / 'bad.jsonl'}:1: not valid JSON" in result.stderr
    assert 'id = "site.stadtblatt"' in pack.read_text(encoding="utf-8")
