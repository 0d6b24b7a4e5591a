"""What the boilerstrip datatrove step costs, beside datatrove's own reading and writing and C4's line filters.

The same corpus goes through four pipelines on ``LocalPipelineExecutor`` (one task, one worker),
round after round so that each variant meets the same machine load, and each one's best round is
kept: JSONL reader -> writer alone; reader -> ``BoilerstripFormatter`` -> writer; reader ->
``C4QualityFilter`` -> writer; and reader -> both -> writer. The corpus is the extracted text of
every development page (``<source>/text/standard``), repeated to ``--docs`` documents. C4's filter
runs with ``min_num_sentences=-1``: its line filters alone, since counting sentences needs spaCy,
which the datatrove extra does not install. The table goes to stdout, datatrove's logs to stderr.

    python bench/datatrove_step.py ../shared/data [--docs 20000] [--rounds 3] [--compression gzip|none]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from itertools import cycle, islice
from pathlib import Path

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.filters import C4QualityFilter
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from boilerstrip.integrations.datatrove import BoilerstripFormatter

SOURCES = ("fundus", "scrapinghub", "trafilatura", "wcxb")
VARIANTS = {
    "read + write": lambda: [],
    "read + boilerstrip + write": lambda: [BoilerstripFormatter()],
    "read + C4 line filters + write": lambda: [C4QualityFilter(min_num_sentences=-1)],
    "read + boilerstrip + C4 + write": lambda: [BoilerstripFormatter(), C4QualityFilter(min_num_sentences=-1)],
}


def write_corpus(data: Path, folder: Path, count: int) -> int:
    """``count`` JSONL records cycling over every non-empty standard text; returns the bytes of text."""
    paths = [path for source in SOURCES for path in sorted((data / source / "text" / "standard").glob("*.txt"))]
    texts = [text for path in paths if (text := path.read_text("utf-8")).strip()]
    folder.mkdir()
    size = 0
    with open(folder / "corpus.jsonl", "w", encoding="utf-8") as handle:
        for number, text in enumerate(islice(cycle(texts), count)):
            handle.write(json.dumps({"id": str(number), "text": text}) + "\n")
            size += len(text.encode("utf-8"))
    return size


def run_once(corpus: Path, scratch: Path, steps: list, compression: str | None) -> float:
    """Seconds for one pipeline over the corpus, its output and logs in a new folder."""
    output = Path(tempfile.mkdtemp(dir=scratch))
    executor = LocalPipelineExecutor(
        pipeline=[JsonlReader(str(corpus)), *steps, JsonlWriter(str(output / "out"), compression=compression)],
        tasks=1,
        workers=1,
        logging_dir=str(output / "logs"),
    )
    started = time.perf_counter()
    executor.run()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--compression", choices=("gzip", "none"), default="gzip", help="the writer's (datatrove's default: gzip)")
    arguments = parser.parse_args()
    compression = None if arguments.compression == "none" else arguments.compression
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        size = write_corpus(arguments.data, scratch / "in", arguments.docs)
        best = dict.fromkeys(VARIANTS, float("inf"))
        for _ in range(arguments.rounds):
            for name, steps in VARIANTS.items():
                best[name] = min(best[name], run_once(scratch / "in", scratch, steps(), compression))
    base = best["read + write"]
    print(f"{arguments.docs} documents, {size / 1e6:.1f} MB of text; writer compression {arguments.compression}", end="")
    print(f"; best of {arguments.rounds} rounds\n")
    print("| pipeline | seconds | documents/s | MB/s | time / read + write | steps alone, s |\n|---|---|---|---|---|---|")
    for name, seconds in best.items():
        rate = f"{arguments.docs / seconds:,.0f} | {size / 1e6 / seconds:.1f}"
        print(f"| {name} | {seconds:.2f} | {rate} | {seconds / base:.2f} | {seconds - base:.2f} |")


if __name__ == "__main__":
    main()
