"""Typed reads of YAML values that record a Problem instead of raising.

Every reader takes the node (a ``YamlMap``) and a key, checks the value's type, appends a
``Problem`` at the value's position when it is wrong and returns a usable fallback, so a
loader can report every defect of a file in one pass.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from difflib import get_close_matches
from pathlib import Path
from types import MappingProxyType
from typing import Any

from myna.project.errors import Problem, ProjectError, Severity, Source
from myna.project.yaml_reader import YamlList, YamlMap, read_yaml

_KIND_NAMES: dict[type, str] = {
    bool: "a boolean",
    int: "a number",
    float: "a number",
    str: "a string",
    YamlMap: "a mapping",
    YamlList: "a list",
    type(None): "empty",
}


_EMPTY: Mapping[str, Any] = MappingProxyType({})


def empty_mapping() -> Mapping[str, Any]:
    """A shared read-only empty mapping (a dataclass field default)."""
    return _EMPTY


def is_str(value: Any) -> bool:
    return isinstance(value, str)


def is_map(value: Any) -> bool:
    return isinstance(value, YamlMap)


def is_list(value: Any) -> bool:
    return isinstance(value, YamlList)


def describe(value: Any) -> str:
    """Say what kind of YAML value this is, for messages like 'must be a list, not a string'."""
    return _KIND_NAMES.get(type(value), type(value).__name__)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def as_map(value: Any, source: Source, what: str, problems: list[Problem]) -> YamlMap | None:
    if isinstance(value, YamlMap):
        return value
    problems.append(Problem(source, f"{what} must be a mapping, not {describe(value)}"))
    return None


def as_list(value: Any, source: Source, what: str, problems: list[Problem]) -> YamlList | None:
    if isinstance(value, YamlList):
        return value
    problems.append(Problem(source, f"{what} must be a list, not {describe(value)}"))
    return None


def check_keys(
    node: YamlMap,
    allowed: Collection[str],
    what: str,
    problems: list[Problem],
    severity: Severity = Severity.ERROR,
) -> None:
    """Report every key of ``node`` that is not in ``allowed``, with a close match if any."""
    for key in node:
        if key not in allowed:
            close = get_close_matches(key, list(allowed), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append(
                Problem(node.key_source(key), f"unknown key '{key}' in {what}{hint}", severity)
            )


def read_value(
    node: YamlMap,
    key: str,
    accept: Callable[[Any], bool],
    expected: str,
    default: Any,
    problems: list[Problem],
) -> Any:
    """``node[key]`` if ``accept`` says so; absent or null → ``default``; else a Problem."""
    value = node.get(key)
    if value is None:
        return default
    if accept(value):
        return value
    problems.append(
        Problem(node.value_source(key), f"'{key}' must be {expected}, not {describe(value)}")
    )
    return default


def read_str(node: YamlMap, key: str, problems: list[Problem]) -> str | None:
    return read_value(node, key, is_str, "a string", None, problems)


def read_bool(node: YamlMap, key: str, default: bool, problems: list[Problem]) -> bool:
    return read_value(node, key, lambda v: isinstance(v, bool), "true or false", default, problems)


def read_number(node: YamlMap, key: str, default: float, problems: list[Problem]) -> float:
    return read_value(node, key, is_number, "a number", default, problems)


def read_names(
    node: YamlMap, key: str, problems: list[Problem], allow_single: bool = False
) -> tuple[str, ...]:
    """A list of strings (or, with ``allow_single``, one string standing for a list of one)."""
    value = node.get(key)
    if value is None:
        return ()
    if allow_single and isinstance(value, str):
        return (value,)
    if isinstance(value, YamlList) and all(isinstance(item, str) for item in value):
        return tuple(value)
    expected = "a string or a list of strings" if allow_single else "a list of strings"
    problems.append(Problem(node.value_source(key), f"'{key}' must be {expected}"))
    return ()


def plain(value: Any) -> Any:
    """A deep copy with plain ``dict``/``list`` containers (no positions), ready for JSON."""
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def read_yaml_file(path: Path, what: str, problems: list[Problem]) -> YamlMap | None:
    """The top-level mapping of a YAML file (empty for an empty file); None if unusable.

    A missing file gives None without a Problem (callers decide whether it is required); a
    file that does not parse, or whose top level is not a mapping, is one Problem.
    """
    if not path.exists():
        return None
    try:
        data = read_yaml(path)
    except ProjectError as exc:
        problems.append(exc.problem)
        return None
    source = Source(str(path), 1, 1)
    return empty_map(source) if data is None else as_map(data, source, what, problems)


def empty_map(source: Source) -> YamlMap:
    """An empty ``YamlMap`` at ``source``, standing in for an empty or unusable file."""
    result = YamlMap()
    result.source, result.key_sources, result.value_sources = source, {}, {}
    return result
