"""``${NAME}`` environment-variable substitution for endpoints.yml and credentials.yml.

As in Rasa, every ``${NAME}`` inside any string value is replaced by the variable's value;
a variable that is not set is a Problem at the string's position.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from myna.project.errors import Problem, Source
from myna.project.yaml_fields import read_yaml_file
from myna.project.yaml_reader import YamlList, YamlMap

_VARIABLE = re.compile(r"\$\{([^}]*)\}")


def substitute_env_vars(
    value: Any, source: Source, env: Mapping[str, str], problems: list[Problem]
) -> Any:
    """A copy of ``value`` with variables replaced in every string; positions are kept."""
    if isinstance(value, YamlMap):
        result = YamlMap(
            {
                key: substitute_env_vars(item, value.value_source(key), env, problems)
                for key, item in value.items()
            }
        )
        result.source, result.key_sources = value.source, value.key_sources
        result.value_sources = value.value_sources
        return result
    if isinstance(value, YamlList):
        items = YamlList(
            substitute_env_vars(item, value.item_source(index), env, problems)
            for index, item in enumerate(value)
        )
        items.source, items.item_sources = value.source, value.item_sources
        return items
    if isinstance(value, str):
        return _VARIABLE.sub(lambda match: _lookup(match, source, env, problems), value)
    return value


def _lookup(
    match: re.Match[str], source: Source, env: Mapping[str, str], problems: list[Problem]
) -> str:
    name = match.group(1)
    if name in env:
        return env[name]
    problems.append(Problem(source, f"environment variable '{name}' is not set"))
    return match.group(0)


def read_with_env_vars(
    path: Path, what: str, problems: list[Problem], env: Mapping[str, str] | None
) -> YamlMap | None:
    """Read a YAML mapping and substitute variables from ``env`` (``os.environ`` if None)."""
    root = read_yaml_file(path, what, problems)
    if root is None:
        return None
    return substitute_env_vars(root, root.source, os.environ if env is None else env, problems)
