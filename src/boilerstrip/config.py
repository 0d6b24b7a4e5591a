"""Project settings: ``.boilerstrip.toml``, or ``[tool.boilerstrip]`` in ``pyproject.toml``, and
the command line's flags over them, as the options a run takes.

Found from each input's folder upward, the first folder with either wins (``.boilerstrip.toml``
first), as ruff and black find theirs. A flag given on the command line replaces the setting.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from . import memo
from .index import compile_rules
from .options import InputFormat, OutputFormat, RuleSelection, selectors
from .packs import RulePackError

DEDICATED = ".boilerstrip.toml"
PYPROJECT = "pyproject.toml"
LIST_KEYS = ("select", "extend-select", "ignore", "extend-ignore", "rules", "lang", "include", "exclude")
CHOICE_KEYS = {"input-format": tuple(InputFormat), "format": tuple(OutputFormat)}
KEYS = (*LIST_KEYS, *CHOICE_KEYS, "field", "jobs")


class ConfigError(ValueError):
    """A settings file we cannot use; the message names the file and the key."""


@dataclass(frozen=True)
class Config:
    source: str | None = None
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_ignore: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    """Extra rule packs, resolved against the folder of the settings file."""
    lang: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    field: str | None = None
    jobs: int | None = None
    input_format: str | None = None
    output_format: str | None = None
    """The ``format`` key."""


def find_config(start: Path, distrusted: list[str] | None = None) -> Path | None:
    """The settings file that applies in ``start``. One owned by another user (not root) is
    passed over, and said in ``distrusted``: as git ignores a repository another user owns
    (``safe.directory``), a shared parent folder must not choose what is deleted from our files."""
    for folder in (start, *start.parents):
        dedicated = folder / DEDICATED
        pyproject = folder / PYPROJECT
        for candidate in (dedicated, pyproject):
            if not candidate.is_file() or (candidate is pyproject and "boilerstrip" not in _read(pyproject).get("tool", {})):
                continue
            if _trusted(candidate):
                return candidate
            if distrusted is not None:
                distrusted.append(f"boilerstrip: {candidate} ignored: it belongs to another user (pass it with --config to use it)")
    return None


def _trusted(path: Path) -> bool:
    owner = path.stat().st_uid
    return owner in (0, os.geteuid())


def load_config(path: Path | None) -> Config:
    """The settings in ``path`` (a dedicated file or a pyproject), or none when ``path`` is None."""
    if path is None:
        return Config()
    data = _read(path)
    if path.name == PYPROJECT:
        data = data.get("tool", {}).get("boilerstrip", {})
        where = f"{path}: [tool.boilerstrip]"
    else:
        where = str(path)
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(KEYS)})")
    values = {("output_format" if key == "format" else key.replace("-", "_")): _value(where, key, value) for key, value in data.items()}
    values["rules"] = tuple(str(path.parent / rule) for rule in values.get("rules", ()))
    return Config(str(path), **values)


def _origins(config: Config, flags: dict[str, object]) -> tuple[tuple[str, str], ...]:
    def origin(key: str) -> str:
        from_file = getattr(config, "output_format" if key == "format" else key.replace("-", "_"))
        if flags[key]:
            return "command line" + (f" and {config.source}" if from_file and key in ("extend-select", "extend-ignore", "rules") else "")
        return config.source if from_file else "default"

    return tuple((key, origin(key)) for key in KEYS)


def _value(where: str, key: str, value: object) -> object:
    """A key's value, checked for its type: a list of strings, one of a few words, a name, a count."""
    if key in LIST_KEYS:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ConfigError(f"{where}: key {key!r} must be a list of strings")
        return tuple(value)
    if key in CHOICE_KEYS:
        if value not in CHOICE_KEYS[key]:
            raise ConfigError(f"{where}: key {key!r} must be one of {', '.join(CHOICE_KEYS[key])}")
        return value
    if key == "jobs":
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ConfigError(f"{where}: key 'jobs' must be a whole number of at least 1")
        return value
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where}: key {key!r} must be a non-empty string")
    return value


def _read(path: Path) -> dict:
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
        return memo.toml(raw)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read ({error.strerror or error})") from None
    except ValueError as error:  # tomllib's TOMLDecodeError, or text that is not UTF-8
        raise ConfigError(f"{path}: not valid TOML ({error})") from None


@dataclass(frozen=True)
class Settings:
    """The settings in effect: the command line's flags over the settings file's keys."""

    selection: RuleSelection
    exclude: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    """Settings files passed over, one line each, for stderr."""
    include: tuple[str, ...] = ()
    field: str = "text"
    jobs: int | None = None
    input_format: InputFormat = InputFormat.AUTO
    output_format: OutputFormat = OutputFormat.TEXT
    source: str | None = None
    """The settings file read, if any."""
    origins: tuple[tuple[str, str], ...] = ()
    """Each key and where its value came from (``command line``, the file, ``default``):
    what ``boilerstrip config`` shows."""


def folder_of(path: str) -> Path:
    """Where the settings file for ``path`` is looked for: the folder itself, or a file's folder."""
    where = Path(path).absolute()
    return where if where.is_dir() else where.parent


class Finder:
    """Each input's settings, as ruff and black find them: the settings file nearest to the
    input, under the same command line. The run's own settings (``base``: those of the working
    directory, or of ``--stdin-filename``) give what is decided once (include, exclude, jobs,
    formats, field); an input's own file gives its rules. ``--config`` and ``--isolated`` name
    one set for every input. Each folder is looked up once and each file read once."""

    def __init__(self, base: Settings, flags: dict, warn: Callable[[str], None]):
        self.base = base
        self.flags = {key: value for key, value in flags.items() if key not in ("cwd", "config_file", "isolated")}
        self.fixed = bool(flags.get("config_file") or flags.get("isolated"))
        self.warn = warn
        self._said = set(base.warnings)
        self._files: dict[Path, Path | None] = {}
        self._settings: dict[Path | None, Settings] = {Path(base.source) if base.source else None: base}

    def settings_for(self, path: str) -> Settings:
        """The settings for the input ``path`` (a file, or a folder for its own settings)."""
        if self.fixed:
            return self.base
        folder = folder_of(path)
        if folder not in self._files:
            distrusted: list[str] = []
            self._files[folder] = find_config(folder, distrusted)
            for line in set(distrusted) - self._said:
                self._said.add(line)
                self.warn(line)
        found = self._files[folder]
        if found not in self._settings:
            self._settings[found] = settings(**self.flags, config_file=str(found)) if found else settings(**self.flags, isolated=True)
        return self._settings[found]


def settings(
    *,
    select: Iterable[str] = (),
    extend_select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    extend_ignore: Iterable[str] = (),
    lang: Iterable[str] = (),
    rule_files: Iterable[str] = (),
    exclude: Iterable[str] = (),
    include: Iterable[str] = (),
    field: str | None = None,
    jobs: int | None = None,
    input_format: str | None = None,
    output_format: str | None = None,
    config_file: str | None = None,
    isolated: bool = False,
    cwd: Path | None = None,
) -> Settings:
    """As ruff reads its flags: ``select`` and ``ignore`` on the command line replace the
    setting, the ``extend`` forms add to what is in effect, and ``--rules`` packs come on top of
    the settings file's. The rules are compiled here, so a bad pack or an unknown language is
    a usage error in the main process, not one per worker."""
    flags = {
        "select": select, "extend-select": extend_select, "ignore": ignore, "extend-ignore": extend_ignore,
        "lang": lang, "rules": rule_files, "include": include, "exclude": exclude, "field": field, "jobs": jobs,
        "input-format": input_format, "format": output_format,
    }  # fmt: skip
    distrusted: list[str] = []
    try:
        if isolated:
            config = Config()
        else:
            config = load_config(Path(config_file) if config_file else find_config(cwd or Path.cwd(), distrusted))
        chosen = Settings(
            RuleSelection(
                select=selectors(select) or config.select,
                ignore=(*(selectors(ignore) or config.ignore), *config.extend_ignore, *selectors(extend_ignore)),
                extend=(*config.extend_select, *selectors(extend_select)),
                languages=selectors(lang) or config.lang,
                packs=(*config.rules, *rule_files),
            ),
            tuple(exclude) or config.exclude,
            tuple(distrusted),
            tuple(include) or config.include,
            field or config.field or "text",
            jobs or config.jobs,
            InputFormat(input_format or config.input_format or InputFormat.AUTO),
            OutputFormat(output_format or config.output_format or OutputFormat.TEXT),
            config.source,
            _origins(config, flags),
        )
        compile_rules(chosen.selection)
    except RulePackError as error:
        raise ConfigError(str(error)) from None
    return chosen
