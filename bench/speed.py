"""Speed, scaling, start-up and memory, measured; prints figures, asserts nothing.

    python bench/speed.py ../shared/data [--size 100] [--html-pages 60] [--jsonl-size 1000]

Builds a corpus by repeating the development texts to about ``--size`` MB (a folder of .txt
files and one JSONL file, in a temporary folder) and measures, in one run:

- loading the rules and building the screen, once per process;
- library throughput, single process (MB/s, documents/s);
- CLI throughput on the folder and on the JSONL file with ``-j 1`` and ``-j 2``, their ratios,
  and the peak resident memory of the largest process (``--jsonl-size 1000``: also a 1 GB
  JSONL file, default jobs);
- start-up of ``boilerstrip --version``;
- HTML: the rules' time as a share of trafilatura's extraction time;
- a pathological input (short lines that all look like boilerplate) at 1x and 2x size.

These machines are noisy: compare figures from one run, not across runs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from boilerstrip import clean, compile_rules
from boilerstrip.sources import read_document

BIN = Path(sys.executable).parent


def texts_of(data: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(data.glob("*/text/*/*.txt"))]


def build_corpus(texts: list[str], megabytes: float, folder: Path) -> tuple[Path, Path, int, int]:
    """A folder of .txt files and a JSONL file, each about ``megabytes`` of text."""
    tree = folder / "tree"
    tree.mkdir()
    jsonl = folder / "corpus.jsonl"
    target = megabytes * 1e6
    size = count = 0
    with open(jsonl, "w", encoding="utf-8") as out:
        while size < target:
            for text in texts:
                sub = tree / f"{count // 1000:04d}"
                sub.mkdir(exist_ok=True)
                (sub / f"{count:07d}.txt").write_text(text, encoding="utf-8")
                out.write(json.dumps({"id": count, "text": text}, ensure_ascii=False) + "\n")
                size += len(text.encode("utf-8"))
                count += 1
                if size >= target:
                    break
    return tree, jsonl, size, count


def write_jsonl(texts: list[str], megabytes: float, path: Path) -> int:
    """A JSONL file of about ``megabytes`` (its size in bytes), for the memory check alone."""
    lines = [(json.dumps({"id": n, "text": text}, ensure_ascii=False) + "\n").encode() for n, text in enumerate(texts)]
    size = 0
    with open(path, "wb") as out:
        while size < megabytes * 1e6:
            for line in lines:
                out.write(line)
                size += len(line)
    return size


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def run_cli(*args: str) -> tuple[float, int]:
    """Seconds and peak RSS (kB) of the largest process of one CLI run."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
        "print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, done.returncode)\n"
    )
    output = subprocess.run([sys.executable, "-c", probe, str(BIN / "boilerstrip"), *args], capture_output=True, text=True, check=True)
    seconds, rss, code = output.stdout.split()
    if code not in ("0", "2"):
        raise SystemExit(f"boilerstrip {' '.join(args)} exited {code}")
    return float(seconds), int(rss)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="the shared data folder (scrapinghub/, trafilatura/)")
    parser.add_argument("--size", type=float, default=100, help="corpus size in MB (default 100)")
    parser.add_argument("--html-pages", type=int, default=60, help="HTML pages for the extraction overhead")
    parser.add_argument("--jsonl-size", type=float, default=0, help="also clean a JSONL file of this many MB (memory check)")
    options = parser.parse_args()

    texts = texts_of(options.data)
    rows: list[tuple[str, str]] = []
    rules = None

    def set_up() -> None:
        nonlocal rules
        rules = compile_rules()
        clean(texts[0], rules)  # builds the screen on first use

    rows.append(("rules: load and build the screen", f"{timed(set_up) * 1000:.0f} ms, once per process"))
    with tempfile.TemporaryDirectory() as scratch:
        tree, jsonl, size, count = build_corpus(texts, options.size, Path(scratch))
        mb = size / 1e6
        rows.append(("corpus", f"{mb:.1f} MB of text, {count:,} documents"))

        documents = [p.read_text(encoding="utf-8") for p in sorted(tree.rglob("*.txt"))]
        seconds = timed(lambda: [clean(text, rules) for text in documents])
        rows.append(("library, 1 process", f"{mb / seconds:.1f} MB/s, {count / seconds:,.0f} docs/s"))

        one, rss_one = run_cli("clean", str(tree), "-o", str(Path(scratch) / "out1"), "-j", "1", "-q")
        two, rss_two = run_cli("clean", str(tree), "-o", str(Path(scratch) / "out2"), "-j", "2", "-q")
        rows.append(("CLI folder -j 1", f"{mb / one:.1f} MB/s, {count / one:,.0f} docs/s, peak RSS {rss_one / 1024:.0f} MB"))
        rows.append(("CLI folder -j 2", f"{mb / two:.1f} MB/s, {count / two:,.0f} docs/s, peak RSS {rss_two / 1024:.0f} MB"))
        rows.append(("folder: -j 2 / -j 1", f"{one / two:.2f}x"))
        jsonl_mb = jsonl.stat().st_size / 1e6
        one, rss_one = run_cli("clean", str(jsonl), "-o", str(Path(scratch) / "out3"), "-j", "1", "-q")
        two, rss_two = run_cli("clean", str(jsonl), "-o", str(Path(scratch) / "out4"), "-j", "2", "-q")
        rows.append(("CLI JSONL -j 1", f"{jsonl_mb / one:.1f} MB/s of JSONL, peak RSS {rss_one / 1024:.0f} MB"))
        rows.append(("CLI JSONL -j 2", f"{jsonl_mb / two:.1f} MB/s of JSONL, peak RSS {rss_two / 1024:.0f} MB"))
        rows.append(("JSONL: -j 2 / -j 1", f"{one / two:.2f}x"))

    if options.jsonl_size:
        with tempfile.TemporaryDirectory() as scratch:
            big = Path(scratch) / "big.jsonl"
            size = write_jsonl(texts, options.jsonl_size, big)
            seconds, rss = run_cli("clean", str(big), "-o", str(Path(scratch) / "out"), "-q")
            rows.append((f"CLI JSONL {size / 1e6:,.0f} MB, default jobs", f"{size / 1e6 / seconds:.1f} MB/s, peak RSS {rss / 1024:.0f} MB"))

    starts = [run_cli("--version")[0] for _ in range(10)]
    rows.append(("start-up, boilerstrip --version", f"{min(starts) * 1000:.0f} ms best of 10, {sorted(starts)[5] * 1000:.0f} ms median"))

    pages = sorted(options.data.glob("scrapinghub/html/*"))[: options.html_pages]
    extracted = []
    extraction = timed(lambda: extracted.extend(read_document(str(page), "html").text for page in pages))
    cleaning = timed(lambda: [clean(text, rules) for text in extracted])
    rows.append(("HTML: rules / extraction time", f"{cleaning / extraction:.1%} ({len(pages)} pages)"))

    line = "Foto: dpa\n"
    small = line * 100_000
    first = timed(lambda: clean(small, rules))
    second = timed(lambda: clean(small * 2, rules))
    rows.append(("pathological 100,000 boilerplate lines", f"{first:.2f} s; 2x size {second:.2f} s; ratio {second / first:.2f}"))

    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
