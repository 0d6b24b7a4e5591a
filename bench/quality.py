"""Measure boilerstrip on the public benchmarks: python bench/quality.py ../shared/data

For each corpus (scrapinghub, trafilatura's set) and input (text/standard, text/recall, HTML
through boilerstrip's own trafilatura settings) it prints precision / recall / F1 without and with
cleaning. ``--report DIR`` writes, per document, what cleaning removed that the gold text has
(recall losses) and the boilerplate it left, for study; keep DIR outside the repository.
"""

from __future__ import annotations

import argparse
import json
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from boilerstrip import clean  # noqa: E402
from boilerstrip.sources import InputError, read_document  # noqa: E402
from metrics import TOKEN, Scores, SnippetCounts, normalise, scrapinghub_scores  # noqa: E402

TEXT_INPUTS = ("text/standard", "text/recall")
HTML_INPUT = "html"
# The no-cleaning rows of ../shared/data/README.md, for the development split (69 and 351 pages).
PUBLISHED_BASELINES = {
    ("scrapinghub", 69, "text/standard"): (0.942, 0.980, 0.961),
    ("scrapinghub", 69, "text/recall"): (0.939, 0.980, 0.959),
    ("trafilatura", 351, "text/standard"): (0.894, 0.936, 0.914),
    ("trafilatura", 351, "text/recall"): (0.886, 0.938, 0.911),
}


@dataclass
class Page:
    corpus: str
    key: str
    html_path: Path
    texts: dict[str, str]
    gold: str = ""
    with_snippets: tuple[str, ...] = ()
    without_snippets: tuple[str, ...] = ()


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


def load_scrapinghub(root: Path) -> list[Page]:
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        Page(
            "scrapinghub",
            key,
            root / "html" / f"{key}.html.gz",
            {name: read_text(root / name / f"{key}.txt") for name in TEXT_INPUTS},
            gold=entry["articleBody"],
        )
        for key, entry in sorted(truth.items())
    ]


def load_trafilatura(root: Path) -> list[Page]:
    data = json.loads((root / "evaldata.json").read_text(encoding="utf-8"))
    return [
        Page(
            "trafilatura",
            entry["key"],
            root / "eval" / f"{entry['file']}.gz",
            {name: read_text(root / name / f"{entry['key']}.txt") for name in TEXT_INPUTS},
            with_snippets=tuple(entry["with"]),
            without_snippets=tuple(entry["without"]),
        )
        for _url, entry in sorted(data.items())
    ]


def extract(path: Path) -> str:
    """What ``boilerstrip clean page.html.gz`` reads; a page with no text scores as empty output."""
    try:
        return read_document(str(path), "html").text
    except InputError:
        return ""


def score(pages: list[Page], outputs: list[str]) -> Scores:
    if pages[0].corpus == "scrapinghub":
        return scrapinghub_scores([(page.gold, output) for page, output in zip(pages, outputs, strict=True)])
    counts = SnippetCounts()
    for page, output in zip(pages, outputs, strict=True):
        counts.add(output, list(page.with_snippets), list(page.without_snippets))
    return counts.scores


def write_report(folder: Path, pages: list[Page], source: str, before: list[str], after: list[str]) -> None:
    """Per document: lines removed that the gold text has, and boilerplate still there."""
    folder.mkdir(parents=True, exist_ok=True)
    for page, raw, cleaned in zip(pages, before, after, strict=True):
        kept = set(cleaned.splitlines())
        removed = [line for line in raw.splitlines() if line.strip() and line not in kept]
        if page.corpus == "scrapinghub":
            gold = " ".join(TOKEN.findall(page.gold))
            losses = [line for line in removed if " ".join(TOKEN.findall(line)) in gold]
            left = [line for line in cleaned.splitlines() if line.strip() and " ".join(TOKEN.findall(line)) not in gold]
        else:
            text_before, text_after = normalise(raw), normalise(cleaned)
            losses = [s for s in page.with_snippets if normalise(s) in text_before and normalise(s) not in text_after]
            left = [s for s in page.without_snippets if normalise(s) in text_after]
        if losses or left:
            name = f"{page.corpus}-{source.replace('/', '-')}-{page.key}.txt"
            body = ["# recall losses (removed, but in the gold text)", *losses, "", "# boilerplate left", *left]
            (folder / name).write_text("\n".join(body) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path, help="folder with scrapinghub/ and trafilatura/ (see shared/data/README.md)")
    parser.add_argument("--report", type=Path, help="write per-document losses and leftovers here")
    parser.add_argument("--no-html", action="store_true", help="skip HTML mode (the slow part)")
    parser.add_argument("--jobs", type=int, default=2, help="processes for HTML extraction")
    args = parser.parse_args()

    corpora = {
        "scrapinghub": load_scrapinghub(args.data / "scrapinghub"),
        "trafilatura": load_trafilatura(args.data / "trafilatura"),
    }
    rows = []
    warnings = []
    for corpus, pages in corpora.items():
        inputs = {name: [page.texts[name] for page in pages] for name in TEXT_INPUTS}
        if not args.no_html:
            with ProcessPoolExecutor(args.jobs) as pool:
                inputs[HTML_INPUT] = list(pool.map(extract, [page.html_path for page in pages], chunksize=4))
        for source, raw in inputs.items():
            cleaned = [clean(text).text for text in raw]
            before, after = score(pages, raw), score(pages, cleaned)
            rows.append((corpus, source, before, after))
            expected = PUBLISHED_BASELINES.get((corpus, len(pages), source))
            measured = (round(before.precision, 3), round(before.recall, 3), round(before.f1, 3))
            if expected and measured != expected:
                warnings.append(f"warning: {corpus} {source} baseline {measured} differs from README {expected}")
            if args.report:
                write_report(args.report, pages, source, raw, cleaned)

    print(f"{'corpus':<12} {'input':<14} {'no cleaning P / R / F1':<24} {'boilerstrip P / R / F1':<24} {'ΔF1':>7}")
    for corpus, source, before, after in rows:
        print(
            f"{corpus:<12} {source:<14} "
            f"{before.precision:.3f} / {before.recall:.3f} / {before.f1:.3f}    "
            f"{after.precision:.3f} / {after.recall:.3f} / {after.f1:.3f}    "
            f"{after.f1 - before.f1:+.3f}"
        )
    for warning in warnings:
        print(warning, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
