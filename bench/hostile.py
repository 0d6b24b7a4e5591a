"""Seconds per MB on hostile text, against ordinary article text; prints figures, asserts nothing.

    python bench/hostile.py [../shared/data] [--quick]

Each generator makes one document of 1, 2, 4 and 8 MB (``--quick``: an eighth of that), article
text as many documents of that much, and the library cleans them in this process, rules compiled
beforehand, best of two runs. Columns: seconds per MB at each size; the
largest size's figure over ordinary article text's (the target: at most 3x); and the largest
size's figure over the smallest's (1.0: time grows linearly with the input). Then each pattern
form a user pack may not hold, with the time its refusal takes.

These machines are noisy: compare figures from one run, not across runs.
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from boilerstrip import RuleSelection, clean, compile_rules
from boilerstrip.packs import RulePackError, load_pack

ROOT = Path(__file__).resolve().parent.parent
BOILERPLATE = ["Foto: dpa", "Mehr zum Thema", "© AFP"]
OPENERS = ["Kommentare", "Comments", "Leave a Reply"]
"""Lines that open an end block, with no article above for one to open after."""
BACKTRACKING = [r"(?:a|a?)+x", r"(?:\w+\s?){1,20}!", r"(\w+\s?)+!"]
"""Forms a backtracking engine takes exponential time on, which RE2 runs in linear time."""
REFUSED = [
    ("backreference", r"(Buy) our \1"),
    ("lookbehind", r"(?<=Buy )our book"),
    ("lookahead", r"Buy (?!now)\w+ book"),
    ("atomic group", r"Buy (?>our|my) book"),
    ("possessive quantifier", r"Buy\s++our book"),
    ("repetition over 1000", r"Buy our b(o){1,5000}k"),
]


def article_texts(data: Path) -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(data.glob("*/text/*/*.txt"))]
    return texts or [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")) if ".expected" not in p.name]


def filled(pieces: itertools.cycle, size: int, separator: str = "\n") -> str:
    """Pieces in turn, joined by ``separator``, until the text is ``size`` bytes of UTF-8."""
    parts, total = [], 0
    for piece in pieces:
        parts.append(piece)
        total += len(piece.encode("utf-8")) + len(separator)
        if total >= size:
            return separator.join(parts) + separator


def articles(texts: list[str], size: int) -> list[str]:
    """Article documents in turn until they hold ``size`` bytes of UTF-8: a corpus as it comes."""
    chosen, total = [], 0
    for text in itertools.cycle(texts):
        chosen.append(text)
        total += len(text.encode("utf-8"))
        if total >= size:
            return chosen


def generators(texts: list[str]) -> dict[str, Callable[[int], list[str]]]:
    """Each generator's documents of a size: the hostile ones make one."""
    lines = [line for text in texts for line in text.splitlines() if len(line.split()) > 8]
    alternating = list(itertools.chain(*zip(BOILERPLATE * 7, lines[:21], strict=True)))
    hostile = {
        "blank lines": lambda size: "\n" * size,
        "whitespace-only lines": lambda size: filled(itertools.cycle([" " * 60, "\t \u00a0 " * 12]), size),
        "one line": lambda size: filled(itertools.cycle(lines), size, " "),
        "short boilerplate lines": lambda size: filled(itertools.cycle(BOILERPLATE), size),
        "comment-section openers": lambda size: filled(itertools.cycle(OPENERS), size),
        "boilerplate / article": lambda size: filled(itertools.cycle(alternating), size),
        "lone \\r breaks": lambda size: filled(itertools.cycle(texts), size, "").replace("\n", "\r"),
        "U+2028 breaks": lambda size: filled(itertools.cycle(texts), size, "").replace("\n", "\u2028"),
        "runs of one character": lambda size: filled(itertools.cycle(char * (size // 8) for char in "a |-©.*x"), size),
        "backtracking user pack": lambda size: filled(itertools.cycle(["a" * 60, "word " * 30, *lines[:3]]), size),
    }
    return {"article text": lambda size: articles(texts, size)} | {
        name: (lambda size, make=make: [make(size)]) for name, make in hostile.items()
    }


def seconds_per_mb(documents: list[str], rules) -> float:
    """The best of two runs: the machine is shared, and a figure is at worst what it costs."""
    best = float("inf")
    for _ in range(2):
        start = time.perf_counter()
        for document in documents:
            clean(document, rules)
        best = min(best, time.perf_counter() - start)
    return best / (sum(len(document.encode("utf-8")) for document in documents) / 1e6)


def write_pack(folder: Path, name: str, patterns: list[str], example: str) -> Path:
    path = folder / f"{name}.toml"
    listed = ", ".join(f"'{pattern}'" for pattern in patterns)
    path.write_text(
        f'[[rule]]\nid = "ad.{name}"\nkind = "line"\ndescription = "Hostile."\npatterns = [{listed}]\nexamples = ["{example}"]\n',
        encoding="utf-8",
    )
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=ROOT.parent / "shared" / "data", help="folder of */text/*/*.txt")
    parser.add_argument("--quick", action="store_true", help="an eighth of the sizes (under a minute)")
    args = parser.parse_args()
    sizes = [megabytes * 1_000_000 // (8 if args.quick else 1) for megabytes in (1, 2, 4, 8)]
    makers = generators(article_texts(args.data))
    warm_up = "".join(makers["article text"](sizes[0]) + makers["short boilerplate lines"](10_000))
    with tempfile.TemporaryDirectory() as folder:
        pack = write_pack(Path(folder), "backtracking", BACKTRACKING, "aax")
        rules = compile_rules()
        try:
            hostile_rules = compile_rules(RuleSelection(packs=(str(pack),)))
        except RulePackError as error:  # refused at load: nothing to time
            print(f"backtracking user pack: refused ({str(error).split(': ', 1)[-1]})")
            hostile_rules = None
            del makers["backtracking user pack"]
        for compiled in (rules, hostile_rules):
            if compiled is not None:
                clean(warm_up, compiled)  # builds the screen, which is built on first use
        table = {}
        for name, make in makers.items():
            chosen = hostile_rules if name == "backtracking user pack" else rules
            table[name] = [seconds_per_mb(make(size), chosen) for size in sizes]
            print(f"{name}: done", flush=True)
        article = table["article text"][-1]
        labels = [f"{size / 1e6:g} MB" for size in sizes]
        print(f"{'s/MB':<26}" + "".join(f"{label:>9}" for label in labels) + f"{'x article':>11}{'last/first':>12}")
        for name, figures in table.items():
            cells = "".join(f"{figure:9.3f}" for figure in figures)
            print(f"{name:<26}{cells}{figures[-1] / article:10.1f}x{figures[-1] / figures[0]:11.2f}x")
        print(f"slowest / article text: {max(f[-1] for f in table.values()) / article:.1f}x (target: at most 3x)")
        print()
        print(f"{'refused pattern form':<26}{'seconds':>9}  message")
        for name, pattern in REFUSED:
            path = write_pack(Path(folder), name.replace(" ", "-"), [pattern], "Buy our book")
            start = time.perf_counter()
            try:
                load_pack(path)
                message = "ACCEPTED"
            except RulePackError as error:
                message = str(error).split("field 'patterns': ", 1)[-1]
            print(f"{name:<26}{time.perf_counter() - start:9.4f}  {message}")


if __name__ == "__main__":
    main()
