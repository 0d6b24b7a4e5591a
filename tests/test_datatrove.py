import json
from pathlib import Path

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from boilerstrip import clean, compile_rules
from boilerstrip.integrations.datatrove import BoilerstripFormatter, DropEmptyDocuments

TEXTS = [
    "The council approved the budget after a long debate about schools and roads.\n© Lea Dohle\n",
    "Nothing to remove in this article about the harvest and the weather this year.\n",
    "Newsletter abonnieren\nDie Stadt baut eine neue Brücke über den Fluss, sagt der Bürgermeister.\nFoto: dpa\n",
    "© Lea Dohle\n",
]


def write_corpus(folder: Path) -> list[dict]:
    records = [{"id": f"doc-{n}", "text": TEXTS[n % len(TEXTS)] + f"Closing line number {n} of the story goes here.\n"} for n in range(12)]
    records.append({"id": "empty-after", "text": "© Lea Dohle\n"})
    folder.mkdir()
    for shard in range(2):
        with open(folder / f"part-{shard}.jsonl", "w", encoding="utf-8") as handle:
            for record in records[shard::2]:
                handle.write(json.dumps(record) + "\n")
    return records


def run_pipeline(tmp_path: Path, *steps) -> dict[str, dict]:
    output = tmp_path / "out"
    executor = LocalPipelineExecutor(
        pipeline=[JsonlReader(str(tmp_path / "in")), *steps, JsonlWriter(str(output), compression=None)],
        tasks=2,
        workers=2,
        logging_dir=str(tmp_path / "logs"),
    )
    executor.run()
    written = [json.loads(line) for path in sorted(output.glob("*.jsonl")) for line in path.read_text(encoding="utf-8").splitlines()]
    return {record["id"]: record for record in written}


def test_step_output_equals_library_clean_and_keeps_every_document(tmp_path: Path):
    records = write_corpus(tmp_path / "in")
    written = run_pipeline(tmp_path, BoilerstripFormatter())
    rules = compile_rules()
    credit_removals = 0
    assert sorted(written) == sorted(record["id"] for record in records)
    for record in records:
        result = clean(record["text"], rules)
        assert written[record["id"]].get("text", "") == result.text  # the writer leaves out an empty text
        expected = {}
        for removal in result.removals:
            category = removal.rule.split(".", 1)[0]
            expected[category] = expected.get(category, 0) + 1
        assert written[record["id"]]["metadata"]["boilerstrip"] == expected
        credit_removals += expected.get("credit", 0)
    stats = json.loads((tmp_path / "logs" / "stats.json").read_text(encoding="utf-8"))
    step = next(entry for entry in stats if "boilerstrip" in entry["name"])
    assert step["stats"]["total"] == len(records)
    assert step["stats"]["removed_credit"]["total"] == credit_removals > 0


def test_empty_filter_drops_only_emptied_documents(tmp_path: Path):
    records = write_corpus(tmp_path / "in")
    written = run_pipeline(tmp_path, BoilerstripFormatter(), DropEmptyDocuments())
    rules = compile_rules()
    emptied = {record["id"] for record in records if not clean(record["text"], rules).text.strip()}
    assert "empty-after" in emptied
    assert sorted(written) == sorted(record["id"] for record in records if record["id"] not in emptied)
