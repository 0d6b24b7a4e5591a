"""How well ``boilerstrip learn`` finds a site's furniture, and how fast and small it runs.

Semi-synthetic, and said so: no public benchmark has many pages per site. Development articles
(gold text of fundus, scrapinghub, wcxb) are grouped into synthetic sites; each site gets a template
of real boilerplate lines seen in the data (lines of the extracted text that are not gold), kept on
90 % of its pages, plus per-page variation (a date line, related headlines of other articles).
Recall: template lines removed by learn + clean. Article lines kept: gold lines left by clean.
``--sources`` instead learns over each real source grouped by host and lists what it learns, with
how many learned lines are gold article text (there should be none).

    python bench/learn.py ../shared/data [--docs 1000000] [--max-entries N]
    python bench/learn.py ../shared/data --sources
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import resource
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from boilerstrip import RuleSelection, clean, compile_rules
from boilerstrip.learn import Learner, LearnSettings, normalise, site_of

SOURCES = ("fundus", "scrapinghub", "wcxb")
"""The sources whose gold is the whole article body."""
TEMPLATE_LINES = 8
SITES_PER_SIZE = 12


def articles_and_furniture(data: Path) -> tuple[list[list[str]], list[str]]:
    """Gold article bodies as lines, and short non-gold lines of the extracted texts (real boilerplate)."""
    articles, furniture, gold = [], set(), set()
    for source in SOURCES:
        truth = json.loads((data / source / "ground-truth.json").read_text(encoding="utf-8"))
        for key, record in truth.items():
            lines = [line for line in record["articleBody"].split("\n") if line.strip()]
            gold.update(normalise(line) for line in lines)
            if lines:
                articles.append(lines)
            path = data / source / "text" / "standard" / f"{key}.txt"
            if path.exists():
                furniture.update(line.strip() for line in path.read_text(encoding="utf-8").split("\n") if 2 <= len(line.split()) <= 10)
    return articles, sorted(line for line in furniture if normalise(line) not in gold)


def synthetic_sites(articles, furniture, size: int, rng: random.Random) -> list:
    """Sites of ``size`` pages: (site, [(page lines, template lines on the page, article lines)])."""
    pool = furniture[:]
    rng.shuffle(pool)
    sites = []
    for number in range(SITES_PER_SIZE):
        template = [pool.pop() for _ in range(TEMPLATE_LINES)]
        header, footer = template[: TEMPLATE_LINES // 2], template[TEMPLATE_LINES // 2 :]
        pages = []
        for article in rng.sample(articles, size):
            shown_header = [line for line in header if rng.random() < 0.9]
            shown_footer = [line for line in footer if rng.random() < 0.9]
            related = [rng.choice(rng.choice(articles))[:80] for _ in range(3)]
            dateline = f"Updated {rng.randint(1, 28)}.{rng.randint(1, 12)}.{rng.randint(2015, 2025)}"
            lines = [*shown_header, dateline, *article, "Related", *related, *shown_footer]
            pages.append((lines, shown_header + shown_footer, article))
        sites.append((f"site{size}-{number}.example", pages))
    return sites


def evaluate(data: Path, size: int, seed: int = 7) -> dict[str, float]:
    articles, furniture = articles_and_furniture(data)
    sites = synthetic_sites(articles, furniture, size, random.Random(seed + size))
    documents = [(site, "\n".join(lines) + "\n") for site, pages in sites for lines, _, _ in pages]
    learner = Learner()
    learner.count(documents)
    learner.collect(documents)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "site-rules.toml"
        path.write_text(learner.pack(), encoding="utf-8")
        rules = compile_rules(RuleSelection(packs=(str(path),), select=("site",)))
    found = template = kept = article_lines = 0
    for (_, pages), start in zip(sites, range(0, len(documents), size), strict=True):
        for (_, shown, article), (_, text) in zip(pages, documents[start : start + size], strict=True):
            left = [line.strip() for line in clean(text, rules).text.split("\n")]
            remaining = set(left)
            template += len(shown)
            found += sum(line.strip() not in remaining for line in shown)
            body = [line for line in article if line.strip() not in shown]
            article_lines += len(body)
            kept += sum(line.strip() in remaining for line in body)
    return {"pages": size, "template_recall": found / template, "article_lines_kept": kept / article_lines}


def throughput(count: int, settings: LearnSettings, seed: int = 3) -> dict[str, float]:
    """documents/s and peak RSS of both passes over a generated JSONL of ``count`` documents: sites of
    100 pages interleaved as a crawl is, each page a site menu and footer around 15 lines of random
    words (letters only: digits are normalised away, and words of digits would make every line one)."""
    rng = random.Random(seed)
    words = ["".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=rng.randint(2, 9))) for _ in range(5000)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "corpus.jsonl"
        with open(path, "w", encoding="utf-8") as handle:
            for number in range(count):
                site = f"site{number % max(1, count // 100)}.example"
                body = "\n".join(" ".join(rng.choices(words, k=12)) for _ in range(15))
                handle.write(json.dumps({"url": f"https://{site}/{number}", "text": f"Menu of {site}\n{body}\n© {site} 2024\n"}) + "\n")

        def documents():
            with open(path, encoding="utf-8") as handle:
                for line in handle:
                    record = json.loads(line)
                    yield record["url"].split("/")[2], record["text"]

        started = time.perf_counter()
        learner = Learner(settings)
        learner.count(documents())
        learner.collect(documents())
        learner.pack()
        elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "docs": count,
        "docs_per_s": count / elapsed,
        "peak_rss_mb": peak,
        "sites_learned": len(learner.learned),
        "level": learner.level,
    }


def source_pages(data: Path, source: str, whole_source: bool = False) -> tuple[list[tuple[str, str]], Callable[[str], bool]]:
    """A source's standard texts grouped by host (or as one site), and a test of whether a line is gold
    article text: a gold line (normalised) where the gold is the body, and for trafilatura's set, whose
    gold is snippets, a line equal to a "with" snippet or of four words or more inside one."""
    if source == "trafilatura":
        truth = json.loads((data / source / "evaldata.json").read_text(encoding="utf-8"))
        keyed = [(url, record["key"]) for url, record in truth.items()]
        snippets = [normalise(snippet) for record in truth.values() for snippet in record["with"]]

        def is_gold(line: str) -> bool:
            text = normalise(line)
            return any(text == snippet or (len(text.split()) >= 4 and text in snippet) for snippet in snippets)

    else:
        truth = json.loads((data / source / "ground-truth.json").read_text(encoding="utf-8"))
        keyed = [(record["url"], key) for key, record in truth.items()]
        gold = {normalise(line) for record in truth.values() for line in record["articleBody"].split("\n")}

        def is_gold(line: str) -> bool:
            return normalise(line) in gold

    pages = [
        (source if whole_source else site_of(url), path.read_text(encoding="utf-8"))
        for url, key in keyed
        if (path := data / source / "text" / "standard" / f"{key}.txt").exists()
    ]
    return pages, is_gold


def learned_per_source(data: Path) -> None:
    """What learn takes from each real source, and how much of it is gold article text: grouped by host
    (most hosts have a page or two, below --min-docs), and as one site, where unrelated articles share
    headings and sentences by chance and only the guards keep them out."""
    for source in ("fundus", "scrapinghub", "trafilatura", "wcxb"):
        for whole_source in (False, True):
            pages, is_gold = source_pages(data, source, whole_source)
            learner = Learner()
            learner.count(pages)
            learner.collect(pages)
            learned = [(site, line) for site, lines in sorted(learner.learned.items()) for line in lines.values()]
            gold = [line.text for _, line in learned if is_gold(line.text)]
            grouping = "as one site" if whole_source else f"by host, {len(learner.sites)} sites"
            print(f"\n{source} ({len(pages)} pages, {grouping}): {len(learned)} lines learned, {len(gold)} of them gold article text")
            for site, line in learned:
                print(f"  {site}: {line.text!r} ({line.documents} of {learner.sites[site].documents} pages)")
            for text in gold:
                print(f"  GOLD: {text!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--docs", type=int, default=1_000_000, help="documents of the generated corpus for speed and memory (0: none)")
    parser.add_argument("--max-entries", type=int, default=LearnSettings.max_entries, help="learn's memory bound, as --max-entries")
    parser.add_argument("--sources", action="store_true", help="only list what learn learns on each real source")
    arguments = parser.parse_args()
    if arguments.sources:
        learned_per_source(arguments.data)
        return
    print("| pages per site | template-line recall | article lines kept |\n|---|---|---|")
    for size in (5, 20, 100):
        row = evaluate(arguments.data, size)
        print(f"| {size} | {row['template_recall']:.3f} | {row['article_lines_kept']:.4f} |")
    if arguments.docs:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as fresh:  # peak RSS of learn alone
            speed = fresh.submit(throughput, arguments.docs, LearnSettings(max_entries=arguments.max_entries)).result()
        print(
            f"\n{speed['docs']} documents: {speed['docs_per_s']:.0f} documents/s, peak RSS {speed['peak_rss_mb']:.0f} MB,"
            f" {speed['sites_learned']} sites learned; --max-entries {arguments.max_entries},"
            f" pruned to {speed['level']:.2f} of a threshold (under 1: no line missed)"
        )


if __name__ == "__main__":
    main()
