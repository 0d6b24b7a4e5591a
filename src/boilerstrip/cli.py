"""The command line: a thin layer of click over the library.

Exit codes follow black and ruff: 0 clean or success, 1 findings (``check``), 2 usage or input
errors. Errors go to stderr as one line naming the file; the other files are still processed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator

import click
from rich.console import Console

from . import __version__
from .engine import Result, clean
from .report import (
    FORMATS,
    explain,
    finding_record,
    findings_github,
    findings_json,
    findings_text,
    rules_table,
    unified_diff,
)
from .rules import RulePackError, RuleSet, load_rules
from .sources import FORMATS as INPUT_FORMATS
from .sources import STDIN, Document, InputError, encode, read_document

EXIT_FINDINGS = 1
EXIT_ERROR = 2


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    """``--select a,b --select c`` and ``--select a --select b,c`` mean the same."""
    return tuple(item.strip() for value in values for item in value.split(",") if item.strip())


def rule_options(command: Callable) -> Callable:
    options = [
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
    ]
    for option in reversed(options):
        command = option(command)
    return command


input_format_option = click.option(
    "--input-format",
    type=click.Choice(INPUT_FORMATS),
    default="auto",
    show_default=True,
    help="html extracts the article with trafilatura first; auto goes by file name and content.",
)


def build_rules(select, ignore, lang, rule_files) -> RuleSet:
    try:
        return load_rules(_split(select), _split(ignore), _split(lang), tuple(rule_files))
    except RulePackError as error:
        raise click.UsageError(str(error)) from None


class Run:
    """Reads the named inputs and counts what failed, so one bad file never stops the rest."""

    def __init__(self, input_format: str) -> None:
        self.errors = 0
        self.input_format = input_format

    def documents(self, paths: tuple[str, ...]) -> Iterator[Document]:
        for name in paths or (STDIN,):
            try:
                yield read_document(name, self.input_format)
            except InputError as error:
                self.fail(str(error))

    def fail(self, message: str) -> None:
        self.errors += 1
        click.echo(message, err=True)

    @property
    def exit_code(self) -> int:
        return EXIT_ERROR if self.errors else 0


def _write(data: bytes) -> None:
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="boilerstrip")
def cli() -> None:
    """Strip boilerplate (newsletter boxes, credits, paywall teasers, related links) from article text."""


@cli.command("clean")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--diff", is_flag=True, help="Print a unified diff of what would be removed; change nothing.")
@input_format_option
@rule_options
def clean_command(paths, diff, input_format, **rule_choice) -> None:
    """Clean PATHS (or stdin, or '-') and write the text to stdout."""
    rules = build_rules(**rule_choice)
    run = Run(input_format)
    for document in run.documents(paths):
        result = clean(document.text, rules)
        if diff:
            if result.changed:
                _write(unified_diff(document.name, document.text, result.text).encode())
        else:
            _write(encode(document, result.text))
    sys.exit(run.exit_code)


@cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True)
@input_format_option
@rule_options
def check_command(paths, output_format, input_format, **rule_choice) -> None:
    """Report what would be removed as path:line: rule-id text; exit 1 if anything would be."""
    rules = build_rules(**rule_choice)
    run = Run(input_format)
    records: list[dict] = []
    found = 0
    for document in run.documents(paths):
        result = clean(document.text, rules)
        found += len(result.removals)
        if output_format == "json":
            records.extend(finding_record(document.name, r) for r in result.removals)
        else:
            rows = (findings_github if output_format == "github" else findings_text)(document.name, result.removals)
            for row in rows:
                click.echo(row)
    if output_format == "json":
        click.echo(findings_json(records))
    sys.exit(run.exit_code or (EXIT_FINDINGS if found else 0))


@cli.command("explain")
@click.argument("path", type=click.Path())
@input_format_option
@rule_options
def explain_command(path, input_format, **rule_choice) -> None:
    """Show PATH with every removal struck through and the rule that made it."""
    rules = build_rules(**rule_choice)
    run = Run(input_format)
    console = Console(highlight=False)
    for document in run.documents((path,)):
        result: Result = clean(document.text, rules)
        explain(console, document.name, document.text, result)
    sys.exit(run.exit_code)


@cli.command("rules")
@rule_options
def rules_command(**rule_choice) -> None:
    """List the enabled rules: id, kind, languages and description."""
    Console().print(rules_table(build_rules(**rule_choice)))


def main() -> None:
    try:
        cli()
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(0)


def _silence_stdout() -> None:
    """After the reader of a pipe went away (``| head``), drop further output without a traceback."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
