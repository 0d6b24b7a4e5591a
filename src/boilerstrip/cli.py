"""The command line: a thin layer of click over the library.

Exit codes follow black and ruff: 0 clean or success, 1 findings (``check``), 2 usage or input
errors. Errors go to stderr as one line naming the file; the other files are still processed.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import click

from . import __version__
from .config import ConfigError, Finder, folder_of, settings
from .engine import clean
from .files import PlanError, write_atomic
from .index import compile_rules
from .jsonl import RecordError, locate, split_ending
from .options import Action, InputFormat, LearnSettings, OutputFormat, RunOptions
from .report import console, explain, rule_detail, rule_record, rule_statistics, rules_markdown, rules_table, summary_table
from .runner import Interrupted, Outcome, OutputError, run_batch
from .sources import STDIN, InputError, Kind, kind_of, open_input, read_document

EXIT_FINDINGS = 1
EXIT_ERROR = 2


def _options(*options: Callable) -> Callable:
    def apply(command: Callable) -> Callable:
        for option in reversed(options):
            command = option(command)
        return command

    return apply


rule_options = _options(
    click.option("--select", multiple=True, metavar="IDS", help="Only these rule ids or categories (comma-separated)."),
    click.option("--extend-select", multiple=True, metavar="IDS", help="These as well as the rules selected (comma-separated)."),
    click.option("--ignore", multiple=True, metavar="IDS", help="Skip these rule ids or categories (comma-separated)."),
    click.option("--extend-ignore", multiple=True, metavar="IDS", help="Skip these as well as the rules ignored (comma-separated)."),
    click.option("--lang", multiple=True, metavar="LANGS", help="Only rules for these languages, e.g. de,en (default: all)."),
    click.option(
        "--rules",
        "rule_files",
        multiple=True,
        type=click.Path(dir_okay=False),
        metavar="FILE",
        help="An extra rule pack (TOML), on top of the settings file's; may be repeated.",
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
    click.option("--include", multiple=True, metavar="GLOB", help="In folders, only files matching GLOB (default: known suffixes)."),
    click.option("--exclude", multiple=True, metavar="GLOB", help="In folders, skip files and folders matching GLOB."),
    click.option("--field", default=None, help="The JSONL field holding the text [default: text]."),
    click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes [default: number of cores]."),
    click.option("--stdin-filename", metavar="NAME", help="The name stdin goes by: its kind (e.g. corpus.jsonl) and the name in messages."),
    click.option(
        "--max-size",
        type=click.FloatRange(min=0, min_open=True),
        default=RunOptions.max_bytes / 1e6,
        show_default=True,
        metavar="MB",
        help="Leave a file larger than this (uncompressed) as it is; into -o DIR it is copied unchanged.",
    ),
)

verbosity_options = _options(
    click.option("-q", "--quiet", is_flag=True, help="Errors only on stderr: no progress bar, summary, counts or notices."),
    click.option(
        "-v", "--verbose", is_flag=True, help="Also say which settings file each input takes, the files passed over and why, and the time."
    ),
)

input_format_option = click.option(
    "--input-format",
    type=click.Choice([f.value for f in InputFormat]),
    default=None,
    help="html extracts the article with trafilatura first; auto goes by file name and content [default: auto].",
)


def resolve(quiet: bool = False, **flags) -> Finder:
    """The settings in effect (``.base``) and each input's own, or a usage error naming the
    file and key at fault; ``quiet`` keeps the notices about passed-over settings files back."""
    warn = (lambda line: None) if quiet else (lambda line: click.echo(line, err=True))
    try:
        chosen = settings(**flags)
    except ConfigError as error:
        raise click.UsageError(str(error)) from None
    for warning in chosen.warnings:
        warn(warning)
    return Finder(chosen, flags, warn)


class _Commands(click.Group):
    """click ends a run whose stdout reader went away, or that Ctrl-C stopped, with exit 1,
    which ``check`` uses for findings; end them as the signal's default would: quietly, with
    128 + SIGPIPE or 128 + SIGINT."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            _silence_stdout()
            sys.exit(128 + signal.SIGPIPE)
        except KeyboardInterrupt:  # Ctrl-C before a run's own handlers are in place
            sys.exit(128 + signal.SIGINT)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="boilerstrip")
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour in tables, explain and diffs; auto: on a terminal, unless NO_COLOR is set (FORCE_COLOR forces it).",
)
def cli(color: str) -> None:
    """Strip boilerplate (newsletter boxes, credits, paywall teasers, related links) from article text."""
    if color != "auto":  # every console of the run is rich's, which reads these two
        os.environ.pop("NO_COLOR" if color == "always" else "FORCE_COLOR", None)
        os.environ["FORCE_COLOR" if color == "always" else "NO_COLOR"] = "1"


@cli.command("clean")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(),
    metavar="PATH",
    help="Write cleaned files into this folder, mirroring the input; with one input file, this file (unless it ends in /).",
)
@click.option("--in-place", is_flag=True, help="Rewrite the files themselves, atomically.")
@click.option("--diff", is_flag=True, help="Print a unified diff of what would be removed; change nothing.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice([OutputFormat.TEXT.value, OutputFormat.JSON.value]),
    default=OutputFormat.TEXT.value,
    show_default=True,
    help="To stdout: json gives each document as a JSON line of its cleaned text and removals.",
)
@click.option("--statistics", is_flag=True, help="The summary table on stderr even when it is not a terminal.")
@click.option("--check", "check_only", is_flag=True, help="Change nothing; exit 1 if something would be removed (black's --check).")
@click.option("--keep-empty/--drop-empty", default=True, show_default=True, help="JSONL: keep records left with no text.")
@batch_options
@verbosity_options
@input_format_option
@rule_options
def clean_command(
    paths,
    out_dir,
    in_place,
    output_format,
    diff,
    statistics,
    check_only,
    keep_empty,
    include,
    field,
    jobs,
    quiet,
    verbose,
    stdin_filename,
    max_size,
    input_format,
    **flags,
) -> None:
    """Clean PATHS (files or folders; stdin when none or '-').

    Cleaned text goes to stdout, or with -o into DIR (the tree mirrored, HTML pages as .txt), or
    with --in-place back into each file. A summary table goes to stderr when files are written
    and stderr is a terminal, or with --statistics.
    """
    writes = bool(out_dir or in_place)
    if out_dir and in_place:
        raise click.UsageError("choose one of -o/--output and --in-place")
    if output_format == OutputFormat.JSON and (writes or diff or check_only):
        raise click.UsageError("--format json writes to stdout; it cannot be combined with -o, --in-place, --diff or --check")
    if (diff or check_only) and writes:
        raise click.UsageError("--diff and --check change nothing; they cannot be combined with -o or --in-place")
    if writes and (not paths or "-" in paths):
        raise click.UsageError("stdin can only be cleaned to stdout; name files or folders to write")
    finder = resolve(
        quiet, include=include, field=field, jobs=jobs, input_format=input_format, cwd=_settings_folder(paths, stdin_filename), **flags
    )
    chosen = finder.base
    action = Action.CHECK if check_only else Action.DIFF if diff else Action.IN_PLACE if in_place else Action.CLEAN
    options = RunOptions(
        chosen.selection,
        action,
        OutputFormat(output_format),
        input_format=chosen.input_format,
        field=chosen.field,
        keep_empty=keep_empty,
        max_bytes=int(max_size * 1e6),
        findings=not check_only,
        stdin_filename=stdin_filename,
    )
    out_file = None
    if out_dir is not None and _one_file_to_a_file(paths, out_dir):
        out_dir, out_file = None, out_dir
    outcome = _run(paths, options, finder, out_dir=out_dir, out_file=out_file, quiet=quiet, verbose=verbose, writes=writes)
    if not quiet and (statistics or (writes and sys.stderr.isatty())):
        console(stderr=True).print(summary_table(outcome.tally, outcome.skipped, outcome.seconds))
    if check_only and outcome.tally.findings and not quiet:
        click.echo(f"{outcome.tally.changed} of {outcome.tally.documents} document(s) would be cleaned", err=True)
    sys.exit(EXIT_ERROR if outcome.tally.errors else EXIT_FINDINGS if check_only and outcome.tally.findings else 0)


@cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "output_format", type=click.Choice([f.value for f in OutputFormat]), default=None, help="[default: text]")
@click.option("--statistics", is_flag=True, help="Print the number of findings per rule instead of the findings.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings (errors still exit 2).")
@batch_options
@verbosity_options
@input_format_option
@rule_options
def check_command(
    paths, output_format, statistics, exit_zero, include, field, jobs, quiet, verbose, stdin_filename, max_size, input_format, **flags
) -> None:
    """Report what would be removed as path:line: rule-id text; exit 1 if anything would be."""
    finder = resolve(
        quiet,
        include=include,
        field=field,
        jobs=jobs,
        input_format=input_format,
        output_format=output_format,
        cwd=_settings_folder(paths, stdin_filename),
        **flags,
    )
    chosen = finder.base
    options = RunOptions(
        chosen.selection,
        Action.CHECK,
        chosen.output_format,
        chosen.input_format,
        chosen.field,
        max_bytes=int(max_size * 1e6),
        findings=not statistics,
        stdin_filename=stdin_filename,
    )
    outcome = _run(paths, options, finder, quiet=quiet, verbose=verbose, writes=False)
    tally = outcome.tally
    if statistics and tally.rules:
        click.echo(rule_statistics(tally))
    if not quiet and tally.findings and options.output_format != OutputFormat.JSON:
        click.echo(f"{tally.findings} finding(s) in {tally.documents} document(s)", err=True)
    sys.exit(EXIT_ERROR if tally.errors else EXIT_FINDINGS if tally.findings and not exit_zero else 0)


def _settings_folder(paths: tuple[str, ...], stdin_filename: str | None) -> Path | None:
    """Where the settings file is looked for: from the folder of ``--stdin-filename`` when stdin
    is what is cleaned (as ruff and black do), else from the working directory."""
    if stdin_filename and all(path == "-" for path in paths):
        return (Path.cwd() / stdin_filename).parent
    return None


def _one_file_to_a_file(paths: tuple[str, ...], output: str) -> bool:
    """``-o clean.txt`` with one input file writes that file, as ``cp`` would; an output ending
    in a slash, or a folder that exists, is a folder to write into."""
    return len(paths) == 1 and not os.path.isdir(paths[0]) and not output.endswith(("/", os.sep)) and not os.path.isdir(output)


def _run(paths, options: RunOptions, finder: Finder, *, writes: bool, quiet: bool, verbose: bool, **batch) -> Outcome:
    """What clean and check share: the batch run with each input's own rules, its progress bar,
    what ``--verbose`` adds, and its two ways to stop early (a refused plan, a signal)."""
    show = not quiet and sys.stderr.isatty() and (writes or not sys.stdout.isatty())
    chosen = finder.base
    echo = lambda line: click.echo(line, err=True)  # noqa: E731 - one line, used twice

    def rules_for(path: str):
        own = chosen if path == STDIN else finder.settings_for(path)
        if verbose:
            echo(f"{options.stdin_filename or path if path == STDIN else path}: settings {own.source or 'default (no settings file)'}")
        return None if own is chosen else own.selection

    try:
        outcome = run_batch(
            paths,
            options,
            include=chosen.include,
            exclude=chosen.exclude,
            jobs=chosen.jobs,
            show_progress=show,
            stderr=echo,
            rules_for=rules_for,
            **batch,
        )
    except (PlanError, ConfigError) as error:
        click.echo(f"boilerstrip: {error}; nothing was written", err=True)
        sys.exit(EXIT_ERROR)
    except Interrupted as interruption:
        click.echo(interruption.message, err=True)
        sys.exit(128 + interruption.signal_number)
    if verbose:
        for path in outcome.passed_over:
            echo(f"{path}: passed over (not a text, HTML or JSONL name, nor matched by --include)")
        echo(f"boilerstrip: {outcome.tally.documents} document(s) in {outcome.tally.files} file(s), {outcome.seconds:.2f} s")
    return outcome


@cli.command("learn")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False), help="The rule pack to write (TOML).")
@click.option("--group-by", default="url", show_default=True, help="JSONL: the field whose host (or value) is the site.")
@click.option("--min-docs", type=click.IntRange(min=2), default=LearnSettings.min_docs, show_default=True, help="Pages a line recurs on.")
@click.option(
    "--max-entries",
    type=click.IntRange(min=100),
    default=LearnSettings.max_entries,
    show_default=True,
    help="Lines held while counting, over all sites (about 100 bytes each): bounds memory.",
)
@click.option("--field", default="text", show_default=True, help="The JSONL field holding the text.")
@click.option("--include", multiple=True, metavar="GLOB", help="In folders, only files matching GLOB.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="In folders, skip files and folders matching GLOB.")
@verbosity_options
def learn_command(paths, output, group_by, min_docs, max_entries, field, include, exclude, quiet, verbose) -> None:
    """Learn each site's own boilerplate from lines its pages repeat, as a reviewable rule pack.

    Use it with clean --rules FILE. Sites are the hosts of the JSONL url field, or the first
    folder below a named folder. Memory stays within --max-entries lines however large the
    corpus; past it the rarest counts go, and a warning says when that may have cost a line.
    """
    from .corpus import Corpus, two_passes  # only this command reads a corpus twice
    from .learn import Learner

    started = time.perf_counter()
    corpus = Corpus(tuple(paths), field, group_by, tuple(include), tuple(exclude))
    errors = []

    def report(message: str) -> None:
        errors.append(message)
        click.echo(message, err=True)

    counting, collecting = two_passes(corpus, report)
    learner = Learner(LearnSettings(min_docs=min_docs, max_entries=max_entries))
    learner.count(counting)
    learner.collect(collecting)
    write_atomic(output, learner.pack().encode("utf-8"))
    lines = sum(len(found) for found in learner.learned.values())
    if not quiet:
        click.echo(f"{output}: {lines} line(s) learned for {len(learner.learned)} site(s)", err=True)
        if learner.level >= 1:
            click.echo(f"{output}: --max-entries was too small for this corpus: some repeated lines may have been missed", err=True)
    if verbose:
        click.echo(f"boilerstrip: learned in {time.perf_counter() - started:.2f} s", err=True)
    sys.exit(EXIT_ERROR if errors else 0)


@cli.command("explain")
@click.argument("path", type=click.Path())
@click.option("--field", default=None, help="JSONL: the field holding the text [default: text].")
@input_format_option
@verbosity_options
@rule_options
def explain_command(path, field, input_format, quiet, verbose, **rules) -> None:
    """Show PATH with every removal struck through and the rule that made it; for JSONL, each
    record that loses something, as PATH:RECORD."""
    started = time.perf_counter()
    finder = resolve(quiet, input_format=input_format, field=field, cwd=None if path == STDIN else folder_of(path), **rules)
    chosen = finder.base
    if verbose:
        click.echo(f"{path}: settings {chosen.source or 'default (no settings file)'}", err=True)
    ruleset = compile_rules(chosen.selection)
    screen = console(highlight=False)
    try:
        if kind_of(path, chosen.input_format) == Kind.JSONL:
            bad = _explain_records(screen, path, chosen.field, ruleset)
        else:
            document = read_document(path, chosen.input_format)
            bad = 0
            explain(screen, document.name, document.text, clean(document.text, ruleset))
    except InputError as error:
        click.echo(str(error), err=True)
        sys.exit(EXIT_ERROR)
    if verbose:
        click.echo(f"boilerstrip: explained in {time.perf_counter() - started:.2f} s", err=True)
    sys.exit(EXIT_ERROR if bad else 0)


def _explain_records(screen, path: str, field: str, ruleset) -> int:
    """``explain`` for a JSONL file: the records whose ``field`` loses something, each named
    ``path:RECORD`` as ``check`` names their findings; bad lines are said and counted."""
    bad = 0
    with open_input(path) as stream:
        for number, line in enumerate(stream, 1):
            body, _ending = split_ending(line)
            try:
                text = locate(body, field).text if body.strip() else None
            except RecordError as error:
                click.echo(f"{path}:{number}: {error}", err=True)
                bad += 1
                continue
            if text is not None and (result := clean(text, ruleset)).changed:
                explain(screen, f"{path}:{number} (field {field!r})", text, result)
    return bad


@cli.command("config")
@click.argument("path", required=False, type=click.Path(exists=True))
@click.option("--include", multiple=True, metavar="GLOB", hidden=True)
@click.option("--exclude", multiple=True, metavar="GLOB", hidden=True)
@click.option("--field", default=None, hidden=True)
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, hidden=True)
@input_format_option
@click.option("--format", "output_format", type=click.Choice([f.value for f in OutputFormat]), default=None, hidden=True)
@rule_options
def config_command(path, **flags) -> None:
    """Print the settings in effect for PATH (default: the working directory), as TOML, and
    where each came from (like ruff's --show-settings)."""
    chosen = resolve(cwd=folder_of(path) if path else None, **flags).base
    selection = chosen.selection
    values = {
        "select": selection.select, "extend-select": selection.extend, "ignore": selection.ignore,
        "lang": selection.languages, "rules": selection.packs, "include": chosen.include, "exclude": chosen.exclude,
        "field": chosen.field, "jobs": chosen.jobs or os.cpu_count(), "input-format": chosen.input_format.value,
        "format": chosen.output_format.value,
    }  # fmt: skip
    origins = dict(chosen.origins)
    merged = {origins.pop("extend-ignore"), origins["ignore"]} - {"default"}  # the ignore in effect is both
    origins["ignore"] = " and ".join(sorted(merged)) or "default"
    click.echo(f"# settings file: {chosen.source or 'none'}")
    for key, origin in origins.items():
        value = values[key]
        shown = json.dumps(list(value) if isinstance(value, tuple) else value, ensure_ascii=False)
        click.echo(f"{key} = {shown}  # {origin}")


@cli.command("rules")
@click.argument("rule_id", required=False, metavar="[ID]")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True)
@rule_options
def rules_command(rule_id, output_format, **rules) -> None:
    """List the enabled rules (id, kind, languages, description), or show rule ID in full:
    its patterns, examples and counterexamples."""
    enabled = compile_rules(resolve(**rules).base.selection)
    chosen = [rule for rule in enabled if rule_id is None or rule_id in (rule.id, *(alias for alias, _ in rule.aliases))]
    if not chosen:
        raise click.UsageError(f"no enabled rule {rule_id!r} (see 'boilerstrip rules')")
    if output_format == "json":
        click.echo(json.dumps([rule_record(rule) for rule in chosen], ensure_ascii=False, indent=2))
    elif output_format == "markdown":
        click.echo(rules_markdown(chosen), nl=False)
    elif rule_id is None:
        console().print(rules_table(enabled))
    else:
        rule_detail(console(highlight=False), chosen[0])


def main() -> None:
    try:
        cli()
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
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
