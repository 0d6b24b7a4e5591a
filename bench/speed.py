"""Issue 15's speed table: each row a ratio of two commands timed side by side in one run.

    python bench/speed.py ../shared/data [--files 5000] [--big-mb 24] [--html-pages 40] [--repeat 3] [--only big]

The texts are trafilatura's standard output of every development page (the issue's 1,259
texts; the library is timed on every extractor's text too). Every row times boilerstrip and a
baseline that does the least the same job must do (import the CLI's libraries; lower-case and
split the text; read and write each file; parse and re-serialise each record; extract each page
with trafilatura and write it), best of ``--repeat`` runs each, alternating, and prints their
ratio beside the target. CLI rows run real subprocesses, so they include start-up, as a user's
run does. Peak memory is the largest process's maximum RSS.

Runs start as an installed boilerstrip's do: its modules byte-compiled first (pip does that on
install; ``PYTHONDONTWRITEBYTECODE`` would otherwise make every run compile them), and the
answers cache (``memo.py``) in a folder of the bench's own, filled by the first run, whose time
the start-up row prints too.

These machines are noisy: compare figures from one run, not across runs.
"""

from __future__ import annotations

import argparse
import compileall
import gzip
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from boilerstrip import __file__ as PACKAGE_INIT
from boilerstrip import clean, compile_rules
from boilerstrip.lines import unmarked

BIN = Path(sys.executable).parent
PROBE = (
    "import resource, subprocess, sys, time\n"
    "stdin = open(sys.argv[1], 'rb') if sys.argv[1] != '-' else subprocess.DEVNULL\n"
    "start = time.perf_counter()\n"
    "done = subprocess.run(sys.argv[2:], stdin=stdin, stdout=subprocess.DEVNULL)\n"
    "print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.returncode)\n"
)
FOLDER_LOOP = """
import pathlib, sys
source, target = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for path in sorted(source.rglob("*.txt")):
    out = target / path.relative_to(source)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
"""
JSONL_LOOP = """
import json, sys
with open(sys.argv[1], encoding="utf-8") as lines, open(sys.argv[2], "w", encoding="utf-8") as out:
    for line in lines:
        out.write(json.dumps(json.loads(line), ensure_ascii=False) + "\\n")
"""
HTML_LOOP = """
import pathlib, sys, trafilatura
target = pathlib.Path(sys.argv[1])
for name in sys.argv[2:]:
    page = pathlib.Path(name)
    text = trafilatura.extract(page.read_bytes()) or ""
    (target / (page.stem + ".txt")).write_text(text, encoding="utf-8")
"""


def texts_of(data: Path, variant: str = "*") -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(data.glob(f"*/text/{variant}/*.txt"))]


def run(command: list[str], stdin: Path | None = None) -> tuple[float, int]:
    """Seconds and peak RSS (kB) of one subprocess run, measured from a small probe process."""
    probe = [sys.executable, "-c", PROBE, str(stdin or "-"), *command]
    output = subprocess.run(probe, capture_output=True, text=True, check=True)
    seconds, rss, code = output.stdout.split()
    if code not in ("0", "1"):
        raise SystemExit(f"{' '.join(command)} exited {code}")
    return float(seconds), int(rss)


def boilerstrip(*args: str) -> list[str]:
    return [str(BIN / "boilerstrip"), *args]


def python(script: str, *args: str) -> list[str]:
    return [sys.executable, "-c", script, *args]


def side_by_side(first, second, repeat: int) -> tuple[tuple[float, int], tuple[float, int]]:
    """Best (seconds, RSS of that run) of each of two thunks, run alternately."""
    firsts, seconds = [], []
    for _ in range(repeat):
        firsts.append(first())
        seconds.append(second())
    return min(firsts), min(seconds)


def best(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def write_tree(texts: list[str], folder: Path) -> None:
    for number, text in enumerate(texts):
        path = folder / f"{number // 1000:04d}" / f"{number:07d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def until(texts: list[str], megabytes: float) -> list[str]:
    """Texts in turn until they hold ``megabytes`` of UTF-8."""
    chosen, size = [], 0
    for text in itertools.cycle(texts):
        chosen.append(text)
        size += len(text.encode("utf-8"))
        if size >= megabytes * 1e6:
            return chosen


def without_end_blocks(texts: list[str]) -> list[str]:
    """The texts with no line an end block (a comment section, say) opens at: joined into one
    document, the first such line after an article's worth of prose, even one that opens nothing
    in its own short text, would take all the texts after it, and the big document would be one
    removal, not the many files' work."""
    rules = compile_rules()
    return [t for t in texts if not any(rule.kind == "block" and rule.extent == "end" for rule in rules.hits(unmarked(t)).lines.values())]


SECTIONS = ("start-up", "library", "batch", "big", "html")
"""The groups of rows ``--only`` picks from: start-up, the library, folders and JSONL, one big
document, HTML pages."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="the shared data folder")
    parser.add_argument("--files", type=int, default=5000, help="files and JSONL records (default 5000)")
    parser.add_argument("--big-mb", type=float, default=24, help="size of the one big document (default 24)")
    parser.add_argument("--html-pages", type=int, default=40, help="HTML pages (default 40)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command; the best counts")
    parser.add_argument("--only", choices=SECTIONS, action="append", help="just these rows (default all; may be repeated)")
    options = parser.parse_args()
    sections = set(options.only or SECTIONS)
    repeat = options.repeat
    texts = texts_of(options.data, "standard")  # the corpus: trafilatura's text of each page
    rows: list[tuple[str, str, str, str]] = []

    def row(measure: str, ratio: float, target: str, detail: str) -> None:
        rows.append((measure, f"{ratio:.2f}x", target, detail))
        print(f"{measure}: {ratio:.2f}x (target {target}; {detail})", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        compileall.compile_dir(Path(PACKAGE_INIT).parent, quiet=1)
        os.environ["BOILERSTRIP_CACHE_DIR"] = str(scratch / "cache")  # inherited by every run below
        two_lines = scratch / "two-lines.txt"
        two_lines.write_text("Foto: dpa\nA sentence of the article stays.\n", encoding="utf-8")
        first_run = run(boilerstrip("clean"), stdin=two_lines)[0]  # fills the cache, whichever rows run
        if "start-up" in sections:
            ours, base = side_by_side(
                lambda: run(boilerstrip("clean"), stdin=two_lines), lambda: run(python("import click, rich")), max(repeat, 5)
            )
            row(
                "start-up: `clean` on two lines of stdin / `import click, rich`",
                ours[0] / base[0],
                "≤ 2.5x",
                f"{ours[0] * 1000:.0f} ms / {base[0] * 1000:.0f} ms; the first run, filling the cache: {first_run * 1000:.0f} ms",
            )

        if "library" in sections:
            rules = compile_rules()
            clean(texts[0], rules)
            for name, corpus_texts, target in (
                ("development texts", texts, "≤ 3x"),
                ("texts of every extractor", texts_of(options.data), "-"),
            ):
                megabytes = sum(len(t.encode("utf-8")) for t in corpus_texts) / 1e6
                ours_s = best(lambda corpus_texts=corpus_texts: [clean(t, rules) for t in corpus_texts], repeat)
                base_s = best(lambda corpus_texts=corpus_texts: [t.lower().splitlines() for t in corpus_texts], repeat)
                row(
                    f"library `clean()` over {len(corpus_texts):,} {name} / `lower().splitlines()`",
                    ours_s / base_s,
                    target,
                    f"{megabytes:.1f} MB, {megabytes / ours_s:.1f} MB/s",
                )

        outputs = itertools.count()

        def fresh() -> str:
            return str(scratch / f"out{next(outputs)}")

        if "batch" in sections:
            files = list(itertools.islice(itertools.cycle(texts), options.files))
            tree = scratch / "tree"
            write_tree(files, tree)
            corpus = scratch / "corpus.jsonl"
            with open(corpus, "w", encoding="utf-8") as out:
                out.writelines(json.dumps({"id": n, "text": t}, ensure_ascii=False) + "\n" for n, t in enumerate(files))

            def timed_row(measure: str, target: str, first, second) -> None:
                """A row whose figure is the ratio of two commands' best times, run side by side."""
                (first_s, _), (second_s, _) = side_by_side(first, second, repeat)
                row(measure, first_s / second_s, target, f"{first_s:.2f} s / {second_s:.2f} s")

            folder_j1 = lambda: run(boilerstrip("clean", str(tree), "-o", fresh(), "-j", "1", "-q"))  # noqa: E731
            jsonl_j1 = lambda: run(boilerstrip("clean", str(corpus), "-o", fresh() + ".jsonl", "-j", "1", "-q"))  # noqa: E731
            timed_row(
                f"folder `-j 1`, {len(files):,} files / a loop reading and writing each",
                "≤ 4x",
                folder_j1,
                lambda: run(python(FOLDER_LOOP, str(tree), fresh())),
            )
            timed_row(
                f"JSONL `-j 1`, {len(files):,} records / a loop parsing and re-serialising each",
                "≤ 2.5x",
                jsonl_j1,
                lambda: run(python(JSONL_LOOP, str(corpus), fresh())),
            )
            timed_row(
                "folder: `-j 2` speed-up over `-j 1`",
                "≥ 1.7x",
                folder_j1,
                lambda: run(boilerstrip("clean", str(tree), "-o", fresh(), "-j", "2", "-q")),
            )
            timed_row(
                "JSONL: `-j 2` speed-up over `-j 1`",
                "≥ 1.7x",
                jsonl_j1,
                lambda: run(boilerstrip("clean", str(corpus), "-o", fresh() + ".jsonl", "-j", "2", "-q")),
            )

        if "big" in sections:
            pieces = until(without_end_blocks(texts), options.big_mb)
            big = scratch / "big.txt"
            big.write_text("\n".join(pieces), encoding="utf-8")
            big_mb = big.stat().st_size / 1e6
            many = scratch / "many"
            write_tree(pieces, many)
            whole, split = side_by_side(
                lambda: run(boilerstrip("clean", str(big), "-o", fresh() + ".txt", "-j", "1", "-q")),
                lambda: run(boilerstrip("clean", str(many), "-o", fresh(), "-j", "1", "-q")),
                repeat,
            )
            row(
                f"one {big_mb:.0f} MB document: s/MB / the same text as {len(pieces):,} files",
                whole[0] / split[0],
                "≤ 1.2x",
                f"{whole[0] / big_mb:.3f} s/MB / {split[0] / big_mb:.3f} s/MB ({whole[0]:.2f} s / {split[0]:.2f} s)",
            )
            packed = scratch / "big.txt.gz"
            packed.write_bytes(gzip.compress(big.read_bytes(), compresslevel=1))
            short = scratch / "short.txt"  # a run of short lines: no place to cut a window
            short.write_text("".join(f"Item {n}\n" for n in range(int(options.big_mb * 1e6 / 12))), encoding="utf-8")
            flat = " ".join(big.read_text(encoding="utf-8").split())
            one_lines = {  # a line is never cut: each copy of it is whole, at 1, 2 or 4 bytes a character
                "one line, ASCII": flat.encode("ascii", "ignore").decode() + "\n",
                "one line, one emoji": flat + " 🙂\n",
            }
            for kind, line in one_lines.items():
                path = scratch / f"{kind.replace(' ', '-').replace(',', '')}.txt"
                path.write_text(line, encoding="utf-8")
                rss_kb = run(boilerstrip("clean", str(path), "-o", fresh() + ".txt", "-q"))[1]
                in_memory_mib = (sys.getsizeof(line) - sys.getsizeof("")) / 2**20
                rows.append(
                    (
                        f"one {path.stat().st_size / 1e6:.0f} MB document, {kind}: peak RSS",
                        f"{rss_kb / 1024:.0f} MiB",
                        f"≤ {5 * in_memory_mib + 64:.0f} MiB",
                        f"{rss_kb / 1024 / in_memory_mib:.1f}x its text in memory ({in_memory_mib:.0f} MiB); 5x that + 64 MiB",
                    )
                )
            peaks = {
                "a file into a folder": (whole[1], big),
                "stdin to stdout": (run(boilerstrip("clean", "-q"), stdin=big)[1], big),
                "a gzip file into a folder": (run(boilerstrip("clean", str(packed), "-o", fresh(), "-q"))[1], big),
                "`--diff`": (run(boilerstrip("clean", "--diff", str(big), "-q"))[1], big),
                "`--format json` to stdout": (run(boilerstrip("clean", "--format", "json", str(big), "-q"))[1], big),
                "short lines, no place to cut": (run(boilerstrip("clean", str(short), "-o", fresh(), "-q"))[1], short),
            }
            for kind, (rss_kb, document) in peaks.items():
                document_mib, rss_mib = document.stat().st_size / 2**20, rss_kb / 1024
                rows.append(
                    (
                        f"one {document.stat().st_size / 1e6:.0f} MB document, {kind}: peak RSS",
                        f"{rss_mib:.0f} MiB",
                        f"≤ {4 * document_mib + 64:.0f} MiB",
                        f"{rss_mib / document_mib:.1f}x the document; 4x the document + 64 MiB",
                    )
                )
            default_jobs = run(boilerstrip("clean", str(big), "-o", fresh() + ".txt", "-q"))
            row(
                f"one {big_mb:.0f} MB document: default jobs speed-up over `-j 1`",
                whole[0] / default_jobs[0],
                "> 1x",
                f"{whole[0]:.2f} s / {default_jobs[0]:.2f} s",
            )

        if "html" in sections:
            pages = sorted(options.data.glob("*/html/*"))[:: max(1, len(list(options.data.glob("*/html/*"))) // options.html_pages)]
            pages = pages[: options.html_pages]
            html = scratch / "html"
            html.mkdir()
            for page in pages:
                (html / f"{page.parent.parent.name}-{page.name}").write_bytes(page.read_bytes())
            copies = sorted(str(p) for p in html.iterdir())

            def html_target() -> str:
                folder = Path(fresh())
                folder.mkdir()
                return str(folder)

            ours, base = side_by_side(
                lambda: run(boilerstrip("clean", str(html), "--input-format", "html", "-o", html_target(), "-j", "1", "-q")),
                lambda: run(python(HTML_LOOP, html_target(), *copies)),
                repeat,
            )
            row(
                f"HTML mode, {len(pages)} pages / a loop of `trafilatura.extract` and write",
                ours[0] / base[0],
                "≤ 1.05x",
                f"{ours[0]:.2f} s / {base[0]:.2f} s",
            )

    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    print(f"| {'measure':<{widths[0]}} | {'now':<{widths[1]}} | {'target':<{widths[2]}} | detail |")
    print(f"|{'-' * (widths[0] + 2)}|{'-' * (widths[1] + 2)}|{'-' * (widths[2] + 2)}|---|")
    for measure, now, target, detail in rows:
        print(f"| {measure:<{widths[0]}} | {now:<{widths[1]}} | {target:<{widths[2]}} | {detail} |")


if __name__ == "__main__":
    main()
