"""What people and programs see: the tally of a run, findings in three formats, explain, the
rule table, diffs, progress and the batch summary.

rich is imported where a view is drawn, not at the top: ``boilerstrip --version`` and plain
``check`` runs should not pay for it (start-up is measured in bench/speed.py).
"""

from __future__ import annotations

import json
import os
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .index import CompiledRules
from .model import Removal, Result, Rule

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

PREVIEW = 80


@dataclass
class Tally:
    """Counts for the summary and the return code; units add theirs up in the main process."""

    files: int = 0
    documents: int = 0
    changed: int = 0
    dropped: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    errors: int = 0
    findings: int = 0
    skipped_html: int = 0
    """HTML inputs left alone by ``--in-place`` (their text would replace the page)."""
    without_field: int = 0
    categories: Counter = field(default_factory=Counter)
    rules: Counter = field(default_factory=Counter)
    """Removals by rule id: ``check --statistics``."""

    def count(self, text: str, result: Result) -> None:
        self.documents += 1
        self.changed += result.changed
        self.add(text, result)

    def add(self, text: str, result: Result) -> None:
        """The bytes and removals of a document, or of a window of one (which ``count`` once)."""
        self.bytes_in += _size(text)
        self.bytes_out += _size(result.text)
        self.categories.update(removal.category for removal in result.removals)
        self.rules.update(removal.rule for removal in result.removals)

    def merge(self, other: Tally) -> None:
        for name, value in vars(other).items():
            if isinstance(value, Counter):
                getattr(self, name).update(value)
            else:
                setattr(self, name, getattr(self, name) + value)


def _size(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def preview(text: str) -> str:
    """The first line of a removal, shortened for a one-line report."""
    lines = text.strip().splitlines() or [""]
    first = lines[0].strip()
    if len(first) > PREVIEW:
        first = first[: PREVIEW - 1] + "…"
    if len(lines) > 1:
        first += f" (+{len(lines) - 1} lines)"
    return first


def first_line(removal: Removal) -> int:
    """The first line of a removal that holds text: a finding never points at a blank line (the
    blank lines a removal takes along come before it)."""
    text = removal.text
    return removal.line + text[: len(text) - len(text.lstrip())].count("\n")


def _message(removal: Removal) -> str:
    via = " (context)" if removal.context else ""
    return f"{removal.rule}{via} {preview(removal.text)}"


@dataclass(frozen=True)
class Place:
    """Where a document is: a file, or a field of a JSONL record (``record`` is its line in the
    file), so a finding reads ``path:RECORD:LINE`` and still names the field it is in."""

    path: str
    record: int | None = None
    field: str | None = None

    @property
    def document(self) -> str:
        return self.path if self.record is None else f"{self.path}:{self.record}"

    def at(self, line: int) -> str:
        return f"{self.document}:{line}"

    def within(self, line: int) -> str:
        """What a location inside the file cannot say: the field and its line, for JSONL."""
        return "" if self.record is None else f"[{self.field} line {line}] "


def findings_text(place: Place, removals: Iterable[Removal]) -> list[str]:
    """``path:line: rule-id text`` rows (``path:record:line: [field] …`` for JSONL), the shape
    editors and CI logs link to."""
    rows = []
    for r in removals:
        if r.text.strip():
            line = first_line(r)
            field = "" if place.record is None else f"[{place.field}] "
            rows.append(f"{place.at(line)}: {field}{_message(r)}")
    return rows


def findings_github(place: Place, removals: Iterable[Removal]) -> list[str]:
    """GitHub Actions workflow commands, so findings show up on the pull request's diff: a JSONL
    finding points at its record's line in the file."""
    rows = []
    for r in removals:
        if r.text.strip():
            line = first_line(r)
            span = f"line={line},endLine={r.end_line}" if place.record is None else f"line={place.record}"
            where = f"file={_property(place.path)},{span},title={_property(r.rule)}"
            rows.append(f"::warning {where}::{_data(place.within(line) + _message(r))}")
    return rows


def _data(text: str) -> str:
    """A workflow command's message, escaped as the runner reads it back."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """A workflow command's property value: ``:`` and ``,`` would end it early."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def finding_record(place: Place, removal: Removal) -> dict:
    where = {"path": place.path} if place.record is None else {"path": place.path, "record": place.record, "field": place.field}
    return {
        **where,
        "line": first_line(removal),
        "end_line": removal.end_line,
        "start": removal.start,
        "end": removal.end,
        "rule": removal.rule,
        "category": removal.category,
        "context": removal.context,
        "text": removal.text,
    }


def result_record(name: str, result: Result) -> str:
    """``clean --format json``: one document's cleaned text and its removals, as one JSON line,
    so a script needs no parsing of ``check`` rows."""
    record = {
        "path": name,
        "changed": result.changed,
        "text": result.text,
        "removals": [finding_record(Place(name), removal) for removal in result.removals],
    }
    return json.dumps(record, ensure_ascii=False)


class FindingsJson:
    """``check --format json``: one JSON array of every finding, as ``json.dumps(records,
    indent=2)`` writes it, a record at a time as they come, so a run over a corpus holds none."""

    def __init__(self):
        self.opened = False

    def add(self, record: dict) -> str:
        start = ",\n  " if self.opened else "[\n  "
        self.opened = True
        return start + json.dumps(record, ensure_ascii=False, indent=2).replace("\n", "\n  ")

    def close(self) -> str:
        return "\n]\n" if self.opened else "[]\n"


def unified_diff(name: str, text: str, result: Result) -> bytes:
    """``--diff`` of one document: ``diff -u`` of it and its cleaned text."""
    diff = UnifiedDiff(name)
    return diff.feed(text, result.removals) + diff.close()


class UnifiedDiff:
    """``diff -u`` of a document and its cleaned text, made from the removals: the cleaned text is
    the document less them, so each line is kept, deleted, or (a span gone) replaced. A document
    fed window by window (``windows.py``) gets the diff it gets whole, hunks across the seams.
    Hunks join as difflib's do: up to twice ``CONTEXT`` kept lines between two changes. Written
    in UTF-8, with ``surrogateescape``: a hunk is held until its end, so as bytes."""

    CONTEXT = 3

    def __init__(self, name: str):
        self.name = name
        self.offset = 0
        """Characters of the document fed so far."""
        self.lines = [0, 0]
        """Lines of the document and of its cleaned text so far."""
        self.above: deque[str] = deque(maxlen=self.CONTEXT)
        """The last kept lines: the context of a hunk that opens."""
        self.body: list[bytes] | None = None
        """The open hunk, written up to its last change: a piece a window (a hunk may be a long
        removal), with where it starts and how many lines of each text it holds."""
        self.fresh: list[str] = []
        """The open hunk's lines of the window in hand."""
        self.start = (0, 0)
        self.counts = [0, 0]
        self.kept: list[str] = []
        """The kept lines after the open hunk's last change."""
        self.added: list[str] = []
        """The replaced lines of the run of changes in hand, shown after its deleted lines."""
        self.headed = False

    def feed(self, text: str, removals: Iterable[Removal]) -> bytes:
        """The diff of the next ``text`` of the document, given its removals (at the document's
        offsets): what of it is final."""
        out: list[str] = []
        pending = iter(removals)
        removal = next(pending, None)
        at = 0
        while at < len(text):
            end = text.find("\n", at) + 1 or len(text)
            line, kept, cursor = text[at:end], [], 0
            start, stop = self.offset + at, self.offset + end
            while removal is not None and removal.start < stop:
                kept.append(line[cursor : max(0, removal.start - start)])
                cursor = min(len(line), removal.end - start)
                if removal.end > stop:
                    break  # a removal over several lines: the next lines are in it too
                removal = next(pending, None)
            self._line(line, "".join([*kept, line[cursor:]]) if kept else None, out)
            at = end
        self.offset += len(text)
        if self.body is not None:
            self.body.append(_encoded("".join(self.fresh)))
            self.fresh = []
        return b"".join(out)

    def close(self) -> bytes:
        out: list[bytes] = []
        self._end_hunk(out)
        return b"".join(out)

    def _line(self, line: str, shown: str | None, out: list[bytes]) -> None:
        """One line of the document and what is left of it: None when kept, "" when it goes."""
        self.lines[0] += 1
        if shown is None:
            self.lines[1] += 1
            self.above.append(line)
            if self.body is not None:
                self._flush_added()
                self.kept.append(line)
                if len(self.kept) > 2 * self.CONTEXT:
                    self._end_hunk(out)
            return
        if self.body is None:  # a hunk opens, the kept lines above it its context
            self.body, self.counts, self.kept = [], [0, 0], list(self.above)
            self.start = (self.lines[0] - 1 - len(self.kept), self.lines[1] - len(self.kept))
        self._commit_kept()
        self.fresh.append(_signed("-", line))
        self.counts[0] += 1
        if shown:
            self.added.append(shown)
            self.lines[1] += 1

    def _commit_kept(self, most: int | None = None) -> None:
        taken = self.kept if most is None else self.kept[:most]
        self.fresh += [_signed(" ", line) for line in taken]
        self.counts[0] += len(taken)
        self.counts[1] += len(taken)
        self.kept = []

    def _flush_added(self) -> None:
        self.fresh += [_signed("+", line) for line in self.added]
        self.counts[1] += len(self.added)
        self.added = []

    def _end_hunk(self, out: list[bytes]) -> None:
        """Write the open hunk, with at most ``CONTEXT`` kept lines after its last change."""
        if self.body is None:
            return
        self._flush_added()
        self._commit_kept(self.CONTEXT)
        if not self.headed:
            out.append(_encoded(f"--- {self.name}\n+++ {self.name} (cleaned)\n"))
            self.headed = True
        out.append(f"@@ -{_range(self.start[0], self.counts[0])} +{_range(self.start[1], self.counts[1])} @@\n".encode())
        out += self.body
        out.append(_encoded("".join(self.fresh)))
        self.body, self.fresh = None, []


def _encoded(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _signed(sign: str, line: str) -> str:
    return sign + line if line.endswith("\n") else f"{sign}{line}\n\\ No newline at end of file\n"


def _range(start: int, length: int) -> str:
    """A hunk's range as ``diff -u`` writes it: the first line (1-based; the line before, when
    empty) and the count, left out when 1."""
    if length == 1:
        return f"{start + 1}"
    return f"{start + 1 if length else start},{length}"


def console(*, stderr: bool = False, highlight: bool = True) -> Console:
    """rich's console, without any escape code when colour is off: under ``NO_COLOR`` alone rich
    drops colours but keeps bold and italics, which a log or a plain terminal shows as noise."""
    from rich.console import Console

    plain = bool(os.environ.get("NO_COLOR")) and not os.environ.get("FORCE_COLOR")
    return Console(stderr=stderr, highlight=highlight, **({"color_system": None} if plain else {}))


def explain(console: Console, name: str, original: str, result: Result) -> None:
    """The whole document, removed pieces struck through and labelled with their rule.

    The ``-`` gutter and ``[rule]`` label carry the meaning without colour, for pipes and logs;
    there, the lines are written as they are, not styled one by one (which costs a 50 MB
    document a minute).
    """
    from rich.text import Text

    if not console.is_terminal:
        _explain_plain(console.file, name, original, result)
        return
    console.print(Text(f"{name}: {len(result.removals)} removal(s)", style="bold"))
    cursor = 0
    for removal in result.removals:
        _print_kept(console, original[cursor : removal.start])
        label = f"  [{removal.rule}{' (context)' if removal.context else ''}]"
        for line in removal.text.splitlines() or [removal.text]:
            row = Text("- ", style="red")
            row.append(line, style="strike dim")
            row.append(label, style="cyan")
            console.print(row, soft_wrap=True)
        cursor = removal.end
    _print_kept(console, original[cursor:])


def _explain_plain(out, name: str, original: str, result: Result) -> None:
    out.write(f"{name}: {len(result.removals)} removal(s)\n")
    cursor = 0
    for removal in result.removals:
        out.writelines(f"  {line}\n" for line in original[cursor : removal.start].splitlines())
        label = f"  [{removal.rule}{' (context)' if removal.context else ''}]\n"
        out.writelines(f"- {line}{label}" for line in removal.text.splitlines() or [removal.text])
        cursor = removal.end
    out.writelines(f"  {line}\n" for line in original[cursor:].splitlines())


def _print_kept(console: Console, text: str) -> None:
    from rich.text import Text

    for line in text.splitlines():
        console.print(Text("  " + line), soft_wrap=True)


def rule_statistics(tally: Tally) -> str:
    """Removals per rule, most first, as ``ruff --statistics`` lists them."""
    width = len(str(max(tally.rules.values(), default=0)))
    return "\n".join(f"{count:>{width}}  {rule}" for rule, count in sorted(tally.rules.items(), key=lambda item: (-item[1], item[0])))


def rule_record(rule: Rule) -> dict:
    """A rule as data: ``rules --format json``."""
    return {
        "id": rule.id,
        "category": rule.category,
        "kind": rule.kind,
        "description": rule.description,
        "languages": list(rule.languages),
        "patterns": [{"regex": pattern.regex, "languages": list(pattern.languages)} for pattern in rule.patterns],
        "examples": list(rule.examples),
        "counterexamples": list(rule.counterexamples),
        "case_sensitive": rule.case_sensitive,
        "weak": rule.weak,
        **({"extent": rule.extent, "max_lines": rule.max_lines, "max_words": rule.max_words} if rule.kind == "block" else {}),
        "aliases": {alias: list(languages) for alias, languages in rule.aliases},
        "source": rule.source,
    }


def rule_detail(console: Console, rule: Rule) -> None:
    """One rule in full, for ``rules ID``: what it is for and the evidence it is matched right."""
    from rich.markup import escape
    from rich.text import Text

    console.print(f"[bold]{escape(rule.id)}[/bold]  {rule.kind}{' (weak)' if rule.weak else ''}  {escape(rule.source)}")
    console.print(escape(rule.description), soft_wrap=True)
    for title, items in (
        ("patterns", [f"{','.join(p.languages)}: {p.regex}" for p in rule.patterns]),
        ("examples", rule.examples),
        ("counterexamples", rule.counterexamples),
    ):
        console.print(f"\n[bold]{title}[/bold] ({len(items)})")
        for item in items:
            console.print(Text("  " + item), soft_wrap=True)


def rules_markdown(rules: Iterable[Rule]) -> str:
    """The rules as a Markdown table (``rules --format markdown``): the README's list of shipped
    rules is this, and a test keeps it so."""
    rows = ["| id | kind | languages | what it removes |", "|---|---|---|---|"]
    for rule in sorted(rules, key=lambda r: r.id):
        description = rule.description.replace("|", "\\|")
        rows.append(f"| `{rule.id}` | {rule.kind} | {', '.join(rule.languages)} | {description} |")
    return "\n".join(rows) + "\n"


def rules_table(rules: CompiledRules) -> Table:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"{len(rules)} rules", title_justify="left")
    for column in ("id", "kind", "languages", "description"):
        table.add_column(column, overflow="fold")
    for rule in sorted(rules, key=lambda r: r.id):
        table.add_row(*map(escape, (rule.id, rule.kind, ",".join(rule.languages), rule.description)))
    return table


class BatchProgress:
    """A progress bar on stderr while a batch runs: files, documents, megabytes, rate, time left."""

    def __init__(self, console: Console, verb: str, total_bytes: int, total_files: int):
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TaskProgressColumn,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        self.progress = Progress(
            TextColumn(f"[bold]{verb}"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[files]}/{task.fields[total_files]} files"),
            TextColumn("{task.fields[documents]:,} docs"),
            DownloadColumn(),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=console,
        )
        self.task = self.progress.add_task(verb, total=total_bytes or None, files=0, total_files=total_files, documents=0)
        self.files = self.documents = 0

    def __enter__(self) -> BatchProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.stop()

    def advance(self, size: int, tally: Tally) -> None:
        """``size`` more input bytes done, which held what ``tally`` counts."""
        self.files += tally.files
        self.documents += tally.documents
        self.progress.update(self.task, advance=size, files=self.files, documents=self.documents)


def summary_table(tally: Tally, skipped: int, seconds: float) -> Table:
    """What a batch did, in numbers: the end of a run's output on stderr."""
    from rich.table import Table

    table = Table(title="boilerstrip", title_justify="left", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    removed = 1 - tally.bytes_out / tally.bytes_in if tally.bytes_in else 0.0
    rows = [
        ("files", f"{tally.files:,}"),
        ("skipped (not text, HTML or JSONL)", f"{skipped:,}"),
        ("errors", f"{tally.errors:,}"),
        ("documents", f"{tally.documents:,}"),
        ("documents changed", f"{tally.changed:,}"),
        ("documents dropped (empty)", f"{tally.dropped:,}"),
        ("MB in / out", f"{tally.bytes_in / 1e6:,.2f} / {tally.bytes_out / 1e6:,.2f}"),
        ("share removed", f"{removed:.1%}"),
        ("time", f"{seconds:.1f} s ({tally.bytes_in / 1e6 / seconds if seconds else 0:,.1f} MB/s)"),
    ]
    rows += [(f"removals: {category}", f"{count:,}") for category, count in sorted(tally.categories.items())]
    for row in rows:
        table.add_row(*row)
    return table
