"""Finding and reading training-data files: YAML once, the format-version rule, positions.

Every ``DataFile`` keeps its raw lines so that parsers can point at the exact line and
column of a text inside a scalar, e.g. one example line of an ``examples: |`` block.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from myna.project.errors import Problem, ProjectError, Severity, Source
from myna.project.yaml_reader import YamlList, YamlMap, parse_yaml

LATEST_FORMAT_VERSION = "3.1"
YAML_SUFFIXES = (".yml", ".yaml")
_VERSION = re.compile(r"\d+(?:\.\d+)*")
# The line breaks PyYAML counts when it numbers lines.
_LINE_BREAK = re.compile("\n|\x85|\u2028|\u2029")
_TYPE_NAMES: dict[type, str] = {YamlList: "a list", YamlMap: "a mapping"}


@dataclass(frozen=True, slots=True)
class DataFile:
    """One parsed training-data file, and the list its problems are reported to."""

    path: str
    root: YamlMap
    lines: tuple[str, ...]
    problems: list[Problem]

    def error(self, source: Source, message: str) -> None:
        self.problems.append(Problem(source, message))

    def warning(self, source: Source, message: str) -> None:
        self.problems.append(Problem(source, message, Severity.WARNING))

    def section(self, key: str, kind: type) -> Any:
        """The top-level ``key`` if it has type ``kind``; None (and a Problem) otherwise."""
        value = self.root.get(key)
        if value is None or isinstance(value, kind):
            return value
        self.error(self.root.value_source(key), f"'{key}' must be {_TYPE_NAMES[kind]}")
        return None

    def string(self, mapping: YamlMap, key: str) -> str | None:
        """The stripped, non-empty string under ``key``; None (and a Problem) otherwise."""
        value = mapping.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if key not in mapping:
            self.error(mapping.source, f"missing '{key}'")
        else:
            self.error(mapping.value_source(key), f"'{key}' must be a non-empty string")
        return None

    def scalar_source(self, source: Source) -> Source:
        """Position of a scalar's first text character: after its opening quote, if any."""
        line = self.lines[source.line - 1] if 0 < source.line <= len(self.lines) else ""
        if line[source.column - 1 : source.column] in ("'", '"'):
            return Source(self.path, source.line, source.column + 1)
        return source

    def block_line_source(self, start: Source, index: int, value_line: str, column: int) -> Source:
        """Position of ``value_line[column]``, line ``index`` of a block scalar at ``start``.

        Exact for literal (``|``) blocks, whose value lines map one to one onto file lines;
        for any other scalar style it falls back to ``start``.
        """
        number = start.line + index
        if number <= len(self.lines):
            raw = self.lines[number - 1]
            indent = len(raw) - len(value_line)
            if indent >= 0 and raw.endswith(value_line) and not raw[:indent].strip():
                return Source(self.path, number, indent + column + 1)
        return start


def find_data_files(paths: Iterable[Path | str]) -> list[Path]:
    """YAML files under each path (a file is taken as given), sorted, without hidden ones.

    Paths that do not exist are skipped: the project loader reports them.
    """
    found: dict[Path, None] = {}
    for path in map(Path, paths):
        if path.is_file():
            found[path] = None
        elif path.is_dir():
            found.update(dict.fromkeys(sorted(_yaml_files_below(path))))
    return list(found)


def _yaml_files_below(folder: Path) -> Iterator[Path]:
    for path in folder.rglob("*"):
        hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
        if not hidden and path.suffix.lower() in YAML_SUFFIXES and path.is_file():
            yield path


def read_data_files(paths: Iterable[Path | str], problems: list[Problem]) -> Iterator[DataFile]:
    """Each readable training-data file under ``paths``; unusable files become Problems."""
    for path in find_data_files(paths):
        data_file = read_data_file(path, problems)
        if data_file is not None:
            yield data_file


def read_data_file(path: Path, problems: list[Problem]) -> DataFile | None:
    """Read and parse one file; None if it is empty, broken or has an unsupported version."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        root = parse_yaml(text, name)
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(Source(name, 1, 1), f"cannot read file: {exc}"))
        return None
    except ProjectError as exc:
        problems.append(exc.problem)
        return None
    if root is None:
        return None
    if not isinstance(root, YamlMap):
        problems.append(Problem(Source(name, 1, 1), "a training data file must be a mapping"))
        return None
    data_file = DataFile(name, root, tuple(_LINE_BREAK.split(text)), problems)
    return data_file if _version_supported(data_file) else None


def _version_tuple(version: str) -> tuple[int, ...]:
    numbers = [int(part) for part in version.split(".")]
    while len(numbers) > 1 and numbers[-1] == 0:
        numbers.pop()
    return tuple(numbers)


def _version_supported(data_file: DataFile) -> bool:
    """Rasa's rule: missing → fine; lower → warning; higher → warning and the file is skipped."""
    value = data_file.root.get("version")
    if value is None:
        return True
    source = data_file.root.value_source("version")
    if not isinstance(value, str) or not _VERSION.fullmatch(value.strip()):
        data_file.error(
            source,
            f'version must be a string like "{LATEST_FORMAT_VERSION}", got {value!r}; file skipped',
        )
        return False
    version, latest = _version_tuple(value.strip()), _version_tuple(LATEST_FORMAT_VERSION)
    if version > latest:
        data_file.warning(
            source,
            f"format version {value} is newer than the supported {LATEST_FORMAT_VERSION}; "
            "file skipped",
        )
        return False
    if version < latest:
        data_file.warning(
            source,
            f"format version {value} is older than {LATEST_FORMAT_VERSION}; "
            f"read as {LATEST_FORMAT_VERSION}",
        )
    return True
