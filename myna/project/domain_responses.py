"""Responses (``responses:`` in the domain or in data files): type and parser."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from myna.project.errors import Problem, Source
from myna.project.slots import BUILTIN_SOURCE
from myna.project.yaml_fields import (
    as_list,
    as_map,
    check_keys,
    describe,
    is_list,
    is_map,
    is_str,
    plain,
)
from myna.project.yaml_reader import YamlList, YamlMap


@dataclass(frozen=True, slots=True)
class Response:
    """A response: variations are kept as written (plain values in read-only mappings)."""

    name: str
    variations: tuple[Mapping[str, Any], ...]
    source: Source = BUILTIN_SOURCE

    def as_list(self) -> list[dict[str, Any]]:
        return [plain(variation) for variation in self.variations]


def _is_list_of_maps(value: Any) -> bool:
    return isinstance(value, YamlList) and all(isinstance(item, YamlMap) for item in value)


def _anything(value: Any) -> bool:
    return True


# Variation key → (check of its value, what the value must be).
_VARIATION_KEYS: Mapping[str, tuple[Callable[[Any], bool], str]] = MappingProxyType(
    {
        "id": (is_str, "a string"),
        "text": (is_str, "a string"),
        "image": (is_str, "a string"),
        "custom": (is_map, "a mapping"),
        "buttons": (_is_list_of_maps, "a list of {title, payload} mappings"),
        "button_type": (is_str, "a string"),
        "quick_replies": (is_list, "a list"),
        "attachment": (_anything, "anything"),
        "elements": (is_list, "a list"),
        "channel": (is_str, "a string"),
        "metadata": (is_map, "a mapping"),
        "condition": (_is_list_of_maps, "a list of {type: slot, name, value} mappings"),
    }
)
_CONDITION_KEYS = ("type", "name", "value")


def parse_responses(node: Any, source: Source, problems: list[Problem]) -> dict[str, Response]:
    """Parse a ``responses:`` mapping; broken variations (and empty responses) are left out."""
    section = as_map(node, source, "'responses'", problems)
    if section is None:
        return {}
    responses: dict[str, Response] = {}
    ids: dict[str, Source] = {}
    for name, value in section.items():
        what = f"response '{name}'"
        items = as_list(value, section.value_source(name), what, problems)
        if items is None:
            continue
        variations = [
            _parse_variation(item, items.item_source(index), what, ids, problems)
            for index, item in enumerate(items)
        ]
        valid = tuple(MappingProxyType(plain(v)) for v in variations if v is not None)
        if not items:
            problems.append(Problem(section.value_source(name), f"{what} has no variations"))
        if valid:
            responses[name] = Response(name, valid, section.key_source(name))
    return responses


def _parse_variation(
    item: Any, source: Source, what: str, ids: dict[str, Source], problems: list[Problem]
) -> YamlMap | None:
    variation = as_map(item, source, f"a variation of {what}", problems)
    if variation is None:
        return None
    count = len(problems)
    check_keys(variation, _VARIATION_KEYS, f"a variation of {what}", problems)
    for key, value in variation.items():
        accept, expected = _VARIATION_KEYS.get(key, (_anything, ""))
        if value is not None and not accept(value):
            message = f"'{key}' in {what} must be {expected}, not {describe(value)}"
            problems.append(Problem(variation.value_source(key), message))
    if variation.get("text") is None and not variation.get("custom"):
        message = f"a variation of {what} needs a 'text' or a non-empty 'custom'"
        problems.append(Problem(variation.source, message))
    _check_conditions(variation, what, problems)
    _check_id(variation, ids, problems)
    return variation if len(problems) == count else None


def _check_conditions(variation: YamlMap, what: str, problems: list[Problem]) -> None:
    conditions = variation.get("condition")
    if not _is_list_of_maps(conditions):
        return
    for condition in conditions:
        check_keys(condition, _CONDITION_KEYS, f"a condition of {what}", problems)
        if condition.get("type") != "slot":
            message = f"a condition of {what} needs 'type: slot'"
            problems.append(Problem(condition.value_source("type"), message))
        if not isinstance(condition.get("name"), str):
            message = f"a condition of {what} needs the slot 'name'"
            problems.append(Problem(condition.value_source("name"), message))


def _check_id(variation: YamlMap, ids: dict[str, Source], problems: list[Problem]) -> None:
    """Response variation ids must be unique across all responses."""
    response_id = variation.get("id")
    if not isinstance(response_id, str):
        return
    where = variation.value_source("id")
    if response_id in ids:
        message = f"response id '{response_id}' is used twice (also at {ids[response_id]})"
        problems.append(Problem(where, message))
    ids.setdefault(response_id, where)
