"""The command line: a thin layer of click over the library.

Exit codes follow black and ruff: 0 clean or success, 1 findings (``check``), 2 usage or input
errors. Errors go to stderr as one line naming the file; the other files are still processed.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import click

from . import __version__
from .batch import Batch, Interrupted, OutputError, Settings, Tally
from .config import Config, ConfigError, find_config, load_config
from .engine import clean
from .files import Walk, file_size, is_jsonl_name, nested_output
from .index import CompiledRules, compile_rules
from .options import RuleSelection
from .packs import RulePackError
from .report import FORMATS, BatchProgress, explain, findings_json, rules_table, summary_table
from .sources import FORMATS as INPUT_FORMATS
from .sources import STDIN, InputError, read_document

EXIT_FINDINGS = 1
EXIT_ERROR = 2


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    """``--select a,b --select c`` and ``--select a --select b,c`` mean the same."""
    return tuple(item.strip() for value in values for item in value.split(",") if item.strip())


def _options(*options: Callable) -> Callable:
    def apply(command: Callable) -> Callable:
        for option in reversed(options):
            command = option(command)
        return command

    return apply


rule_options = _options(
    click.option("--select", multiple=True, metavar="IDS", help="Only these rule ids or categories (comma-separated)."),
    click.option("--ignore", multiple=True, metavar="IDS", help="Skip these rule ids or categories (comma-separated)."),
    click.option("--lang", multiple=True, metavar="LANGS", help="Only rules for these languages, e.g. de,en (default: all)."),
    click.option(
        "--rules",
        "rule_files",
        multiple=True,
        type=click.Path(dir_okay=False),
        metavar="FILE",
        help="An extra rule pack (TOML); may be repeated.",
    ),
    click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False, exists=True),
        help="Settings file to use instead of the nearest .boilerstrip.toml or pyproject.toml.",
    ),
    click.option("--isolated", is_flag=True, help="Ignore settings files."),
)

batch_options = _options(
    click.option("--include", multiple=True, metavar="GLOB", help="In folders, only files matching GLOB (default: .txt .md .html .htm .jsonl, also .gz)."),
    click.option("--exclude", multiple=True, metavar="GLOB", help="In folders, skip files and folders matching GLOB."),
    click.option("--field", default="text", show_default=True, help="The JSONL field holding the text."),
    click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes [default: number of cores]."),
    click.option("-q", "--quiet", is_flag=True, help="No progress bar, summary or counts on stderr; errors still."),
)

input_format_option = click.option(
    "--input-format",
    type=click.Choice(INPUT_FORMATS),
    default="auto",
    show_default=True,
    help="html extracts the article with trafilatura first; auto goes by file name and content.",
)


@dataclass(frozen=True)
class Choice:
    """Rules and folder exclusions, from the command line over the settings file."""

    selection: RuleSelection
    exclude: tuple[str, ...]

    @property
    def rules(self) -> CompiledRules:
        return compile_rules(self.selection)


def resolve(select, ignore, lang, rule_files, config_file, isolated, exclude=()) -> Choice:
    """A flag given on the command line replaces the setting of the same name."""
    try:
        if isolated:
            config = Config()
        else:
            config = load_config(Path(config_file) if config_file else find_config(Path.cwd()))
        choice = Choice(
            RuleSelection(
                select=_split(select) or config.select,
                ignore=_split(ignore) or config.ignore,
                languages=_split(lang) or config.lang,
                packs=tuple(rule_files) or config.rules,
            ),
            tuple(exclude) or config.exclude,
        )
        choice.rules  # noqa: B018 - load and validate now, in the main process, for a usage error
    except (ConfigError, RulePackError) as error:
        raise click.UsageError(str(error)) from None
    return choice


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="boilerstrip")
def cli() -> None:
    """Strip boilerplate (newsletter boxes, credits, paywall teasers, related links) from article text."""


@cli.command("clean")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False), help="Write cleaned files into DIR, mirroring the input folders.")
@click.option("--in-place", is_flag=True, help="Rewrite the files themselves, atomically.")
@click.option("--diff", is_flag=True, help="Print a unified diff of what would be removed; change nothing.")
@click.option("--keep-empty/--drop-empty", default=True, show_default=True, help="JSONL: keep records left with no text.")
@batch_options
@input_format_option
@rule_options
def clean_command(paths, out_dir, in_place, diff, keep_empty, include, exclude, field, jobs, quiet, input_format, **rules) -> None:
    """Clean PATHS (files or folders; stdin when none or '-').

    Cleaned text goes to stdout, or with -o into DIR (the tree mirrored, HTML pages as .txt), or
    with --in-place back into each file. A summary goes to stderr when files are written.
    """
    writes = bool(out_dir or in_place)
    if out_dir and in_place:
        raise click.UsageError("choose one of -o/--output and --in-place")
    if diff and writes:
        raise click.UsageError("--diff changes nothing; it cannot be combined with -o or --in-place")
    if writes and (not paths or STDIN in paths):
        raise click.UsageError("stdin can only be cleaned to stdout; name files or folders to write")
    if out_dir and (inside := nested_output(out_dir, paths)):
        raise click.UsageError(f"the output folder {out_dir} is inside the input folder {inside}; it would clean its own output")
    choice = resolve(exclude=exclude, **rules)
    settings = Settings(choice.selection, "diff" if diff else "clean", input_format=input_format, field=field, keep_empty=keep_empty)
    run = BatchRun(paths, settings, choice, include=include, jobs=jobs, quiet=quiet)
    tally = run.execute(out_dir=out_dir, in_place=in_place, summary=writes)
    sys.exit(EXIT_ERROR if tally.errors else 0)


@cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True)
@batch_options
@input_format_option
@rule_options
def check_command(paths, output_format, include, exclude, field, jobs, quiet, input_format, **rules) -> None:
    """Report what would be removed as path:line: rule-id text; exit 1 if anything would be."""
    choice = resolve(exclude=exclude, **rules)
    settings = Settings(choice.selection, "check", output_format, input_format=input_format, field=field)
    run = BatchRun(paths, settings, choice, include=include, jobs=jobs, quiet=quiet)
    tally = run.execute()
    if output_format == "json":
        click.echo(findings_json(run.batch.records))
    elif not quiet and tally.findings:
        click.echo(f"{tally.findings} finding(s) in {tally.documents} document(s)", err=True)
    sys.exit(EXIT_ERROR if tally.errors else EXIT_FINDINGS if tally.findings else 0)


class BatchRun:
    """What clean and check share: walking the paths, running the batch, showing progress."""

    def __init__(self, paths, settings: Settings, choice: Choice, *, include, jobs, quiet):
        self.paths = paths or (STDIN,)
        self.settings = settings
        self.choice = choice
        self.include = include
        self.jobs = jobs
        self.quiet = quiet
        from rich.console import Console

        self.console = Console(stderr=True)
        self.batch: Batch | None = None

    def execute(self, out_dir: str | None = None, in_place: bool = False, summary: bool = False) -> Tally:
        walk = Walk(self.include, self.choice.exclude, skip_dirs=[out_dir] if out_dir else [])
        sources = list(walk.sources(self.paths))
        single = len(sources) == 1 and not is_jsonl_name(sources[0].path)
        jobs = 1 if single else self.jobs or os.cpu_count() or 1
        show = not self.quiet and self.console.is_terminal and (out_dir or in_place or not sys.stdout.isatty())
        progress = BatchProgress(self.console, sum(file_size(s.path) for s in sources), len(sources)) if show else None
        self.batch = Batch(
            self.settings,
            jobs=jobs,
            out_dir=out_dir,
            in_place=in_place,
            progress=progress or (lambda done: None),
            stderr=lambda line: click.echo(line, err=True),
        )
        started = time.perf_counter()
        try:
            with progress or nullcontext(), _on_signals(self.batch.stop):
                tally = self.batch.run(sources)
        except Interrupted as interruption:
            done = self.batch.tally.files
            click.echo(f"boilerstrip: interrupted ({interruption}): {done} of {len(sources)} file(s) done, the others left as they were", err=True)
            sys.exit(128 + interruption.signal_number)
        if summary and not self.quiet:
            self.console.print(summary_table(tally, walk.skipped, time.perf_counter() - started))
        return tally


@cli.command("explain")
@click.argument("path", type=click.Path())
@input_format_option
@rule_options
def explain_command(path, input_format, **rules) -> None:
    """Show PATH with every removal struck through and the rule that made it."""
    ruleset = resolve(**rules).rules
    try:
        document = read_document(path, input_format)
    except InputError as error:
        click.echo(str(error), err=True)
        sys.exit(EXIT_ERROR)
    from rich.console import Console

    explain(Console(highlight=False), document.name, document.text, clean(document.text, ruleset))


@cli.command("rules")
@rule_options
def rules_command(**rules) -> None:
    """List the enabled rules: id, kind, languages and description."""
    from rich.console import Console

    Console().print(rules_table(resolve(**rules).rules))


@contextmanager
def _on_signals(stop: Callable[[int], None]):
    """Ctrl-C and SIGTERM stop a batch between units, not in the middle of writing a file."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.signal(number, lambda number, _frame: stop(number)) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def main() -> None:
    try:
        cli()
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(0)
    except OutputError as error:
        _silence_stdout()
        click.echo(f"boilerstrip: {error}", err=True)
        sys.exit(EXIT_ERROR)
    except OSError as error:  # writing a table or JSON to a full device, say: one line, not a traceback
        _silence_stdout()
        where = error.filename or "standard output"
        click.echo(f"boilerstrip: cannot write to {where} ({error.strerror or error})", err=True)
        sys.exit(EXIT_ERROR)


def _silence_stdout() -> None:
    """After the reader of a pipe went away (``| head``), drop further output without a traceback."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
