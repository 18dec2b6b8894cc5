"""Slots and slot mappings (the ``slots:`` section of the domain): types and parser."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from myna.project.errors import Problem, Severity, Source
from myna.project.yaml_fields import (
    as_list,
    as_map,
    check_keys,
    empty_mapping,
    is_number,
    plain,
    read_bool,
    read_names,
    read_number,
    read_str,
)
from myna.project.yaml_reader import YamlMap

# Where things Myna adds by itself (default slots, built-in intents) are "written".
BUILTIN_SOURCE = Source("<built-in>", 0, 0)

SLOT_TYPES = ("text", "bool", "categorical", "float", "list", "any")
# Mapping type → keys that must have a non-null value.
MAPPING_TYPES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "from_entity": ("entity",),
        "from_text": (),
        "from_intent": ("value",),
        "from_trigger_intent": ("value",),
        "custom": (),
    }
)
DEFAULT_CATEGORICAL_VALUE = "__other__"
REQUESTED_SLOT = "requested_slot"
SESSION_START_METADATA_SLOT = "session_started_metadata"
KNOWLEDGE_BASE_ACTION = "action_query_knowledge_base"
KNOWLEDGE_BASE_SLOTS = (
    "knowledge_base_listed_objects",
    "knowledge_base_last_object",
    "knowledge_base_last_object_type",
)

_CUSTOM_TYPE = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$")
_COMMON_KEYS = frozenset({"type", "initial_value", "influence_conversation", "mappings"})
_TYPE_KEYS = {
    "categorical": frozenset({"values"}),
    "float": frozenset({"min_value", "max_value"}),
}
# Keys of a custom slot type kept as typed fields; any other key goes to ``Slot.options``.
_TYPED_KEYS = _COMMON_KEYS | {"values"}
_MAPPING_KEYS = frozenset(
    {"type", "entity", "role", "group", "intent", "not_intent", "value", "action", "conditions"}
)
_CONDITION_KEYS = frozenset({"active_loop", "requested_slot"})
_EXPECTED_TYPES = f"{', '.join(SLOT_TYPES)} or a custom type 'module.Class'"


@dataclass(frozen=True, slots=True)
class SlotMappingCondition:
    """``active_loop: None`` means "only while no form is active"."""

    active_loop: str | None
    requested_slot: str | None = None

    def as_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {"active_loop": self.active_loop}
        if self.requested_slot is not None:
            result["requested_slot"] = self.requested_slot
        return result


@dataclass(frozen=True, slots=True)
class SlotMapping:
    type: str
    entity: str | None = None
    role: str | None = None
    group: str | None = None
    intent: tuple[str, ...] = ()
    not_intent: tuple[str, ...] = ()
    value: Any = None
    action: str | None = None
    conditions: tuple[SlotMappingCondition, ...] = ()
    source: Source = BUILTIN_SOURCE

    def as_dict(self) -> dict[str, Any]:
        fields = {
            "type": self.type,
            "entity": self.entity,
            "role": self.role,
            "group": self.group,
            "intent": list(self.intent),
            "not_intent": list(self.not_intent),
            "value": plain(self.value),
            "action": self.action,
            "conditions": [condition.as_dict() for condition in self.conditions],
        }
        return {key: value for key, value in fields.items() if value is not None and value != []}


@dataclass(frozen=True, slots=True)
class Slot:
    """A slot; ``options`` holds the extra keys of a custom (``module.Class``) slot type."""

    name: str
    type: str
    values: tuple[Any, ...] = ()
    initial_value: Any = None
    influence_conversation: bool = True
    min_value: float = 0.0
    max_value: float = 1.0
    mappings: tuple[SlotMapping, ...] = ()
    source: Source = BUILTIN_SOURCE
    options: Mapping[str, Any] = field(default_factory=empty_mapping)

    @property
    def categories(self) -> tuple[str, ...]:
        """Categorical values as compared (lower-cased) plus ``__other__``: the one-hot order."""
        values = tuple(str(value).lower() for value in self.values)
        return (
            values if DEFAULT_CATEGORICAL_VALUE in values else (*values, DEFAULT_CATEGORICAL_VALUE)
        )

    def as_dict(self) -> dict[str, Any]:
        """The slot as Rasa's /domain JSON shows it."""
        result: dict[str, Any] = {
            "type": self.type,
            "influence_conversation": self.influence_conversation,
        }
        if self.initial_value is not None:
            result["initial_value"] = plain(self.initial_value)
        if self.values:
            result["values"] = plain(self.values)
        if (self.min_value, self.max_value) != (0.0, 1.0):
            result["min_value"], result["max_value"] = self.min_value, self.max_value
        result.update(plain(self.options))
        result["mappings"] = [mapping.as_dict() for mapping in self.mappings]
        return result


_REQUESTED = Slot(REQUESTED_SLOT, "text", influence_conversation=False)
_KNOWLEDGE_BASE = tuple(
    Slot(name, "text", influence_conversation=False) for name in KNOWLEDGE_BASE_SLOTS
)
_METADATA = Slot(SESSION_START_METADATA_SLOT, "any", influence_conversation=False)


def default_slots(
    user_slots: Collection[str], has_forms: bool, action_names: Collection[str]
) -> list[Slot]:
    """The slots Rasa adds by itself, except those the user defined."""
    wanted = [_REQUESTED] if has_forms else []
    if KNOWLEDGE_BASE_ACTION in action_names:
        wanted += _KNOWLEDGE_BASE
    wanted.append(_METADATA)
    return [slot for slot in wanted if slot.name not in user_slots]


def is_default_slot(slot: Slot) -> bool:
    """True for a slot Myna added (a user's slot of the same name has a file position)."""
    return slot in (_REQUESTED, *_KNOWLEDGE_BASE, _METADATA)


def parse_slots(node: Any, source: Source, problems: list[Problem]) -> list[Slot]:
    """Parse the ``slots:`` mapping; a broken slot is reported and left out."""
    slots = as_map(node, source, "'slots'", problems)
    if slots is None:
        return []
    parsed = [_parse_slot(name, slots, problems) for name in slots]
    return [slot for slot in parsed if slot is not None]


def _parse_slot(name: str, slots: YamlMap, problems: list[Problem]) -> Slot | None:
    where = slots.key_source(name)
    spec = as_map(slots[name], slots.value_source(name), f"slot '{name}'", problems)
    if spec is None:
        return None
    slot_type = _slot_type(name, spec, where, problems)
    mappings = _parse_mappings(name, spec, where, problems)
    if slot_type is None or mappings is None:
        return None
    custom = slot_type not in SLOT_TYPES
    if not custom:
        allowed = _COMMON_KEYS | _TYPE_KEYS.get(slot_type, frozenset())
        check_keys(spec, allowed, f"slot '{name}' of type {slot_type}", problems)
    min_value, max_value = _value_range(name, spec, slot_type, problems)
    return Slot(
        name=name,
        type=slot_type,
        values=_categorical_values(spec, problems) if custom or slot_type == "categorical" else (),
        initial_value=plain(spec.get("initial_value")),
        influence_conversation=_influence(name, spec, slot_type, problems),
        min_value=min_value,
        max_value=max_value,
        mappings=mappings,
        source=where,
        options=MappingProxyType(
            {key: plain(value) for key, value in spec.items() if custom and key not in _TYPED_KEYS}
        ),
    )


def _slot_type(name: str, spec: YamlMap, where: Source, problems: list[Problem]) -> str | None:
    value = spec.get("type")
    if value is None:
        problems.append(Problem(where, f"slot '{name}' has no 'type' (expected {_EXPECTED_TYPES})"))
        return None
    if not isinstance(value, str) or not (value in SLOT_TYPES or _CUSTOM_TYPE.match(value)):
        problems.append(
            Problem(
                spec.value_source("type"),
                f"unknown slot type '{value}' for slot '{name}' (expected {_EXPECTED_TYPES})",
            )
        )
        return None
    return value


def _influence(name: str, spec: YamlMap, slot_type: str, problems: list[Problem]) -> bool:
    """Default true, except for ``any`` slots, which can never influence the conversation."""
    influence = read_bool(spec, "influence_conversation", slot_type != "any", problems)
    if slot_type == "any" and influence:
        problems.append(
            Problem(
                spec.value_source("influence_conversation"),
                f"slot '{name}' of type any cannot influence the conversation "
                "(set 'influence_conversation: false' or choose another type)",
            )
        )
        return False
    return influence


def _categorical_values(spec: YamlMap, problems: list[Problem]) -> tuple[Any, ...]:
    if spec.get("values") is None:
        return ()
    values = as_list(spec["values"], spec.value_source("values"), "'values'", problems)
    if values is None:
        return ()
    for index, value in enumerate(values):
        if isinstance(value, dict | list):
            problems.append(Problem(values.item_source(index), "slot values must be plain values"))
    return tuple(plain(values))


def _value_range(
    name: str, spec: YamlMap, slot_type: str, problems: list[Problem]
) -> tuple[float, float]:
    if slot_type != "float":
        return 0.0, 1.0
    low = read_number(spec, "min_value", 0.0, problems)
    high = read_number(spec, "max_value", 1.0, problems)
    if low >= high:
        where = spec.value_source("min_value" if "min_value" in spec else "max_value")
        message = f"float slot '{name}': min_value ({low}) must be smaller than max_value ({high})"
        problems.append(Problem(where, message))
        return 0.0, 1.0
    initial = spec.get("initial_value")
    if initial is None:
        return low, high
    if not is_number(initial):
        message = f"initial_value of float slot '{name}' must be a number"
        problems.append(Problem(spec.value_source("initial_value"), message))
    elif not low <= initial <= high:
        message = f"initial_value {initial} of float slot '{name}' is outside [{low}, {high}]"
        problems.append(Problem(spec.value_source("initial_value"), message, Severity.WARNING))
    return low, high


def _parse_mappings(
    name: str, spec: YamlMap, where: Source, problems: list[Problem]
) -> tuple[SlotMapping, ...] | None:
    if "mappings" not in spec:
        message = (
            f"slot '{name}' has no 'mappings' (required since Rasa 3.0; "
            "write '- type: custom' for a slot that only actions set)"
        )
        problems.append(Problem(where, message))
        return None
    what = f"'mappings' of slot '{name}'"
    items = as_list(spec["mappings"], spec.value_source("mappings"), what, problems)
    if items is None:
        return None
    parsed = [
        _parse_mapping(name, item, items.item_source(i), problems) for i, item in enumerate(items)
    ]
    return tuple(mapping for mapping in parsed if mapping is not None)


def _parse_mapping(
    slot: str, item: Any, source: Source, problems: list[Problem]
) -> SlotMapping | None:
    """One mapping; it is left out if anything about it was reported."""
    node = as_map(item, source, f"each entry of 'mappings' of slot '{slot}'", problems)
    if node is None:
        return None
    reported = len(problems)
    check_keys(node, _MAPPING_KEYS, f"a mapping of slot '{slot}'", problems)
    mapping_type = node.get("type")
    if not isinstance(mapping_type, str) or mapping_type not in MAPPING_TYPES:
        where = node.value_source("type")
        shown = "no type" if mapping_type is None else f"unknown type '{mapping_type}'"
        message = (
            f"slot '{slot}' has a mapping with {shown} (expected one of {', '.join(MAPPING_TYPES)})"
        )
        problems.append(Problem(where, message))
        return None
    for key in MAPPING_TYPES[mapping_type]:
        if node.get(key) is None:
            message = f"a {mapping_type} mapping of slot '{slot}' needs a value for '{key}'"
            problems.append(Problem(node.key_source(key), message))
    mapping = SlotMapping(
        type=mapping_type,
        entity=read_str(node, "entity", problems),
        role=read_str(node, "role", problems),
        group=read_str(node, "group", problems),
        intent=read_names(node, "intent", problems, allow_single=True),
        not_intent=read_names(node, "not_intent", problems, allow_single=True),
        value=plain(node.get("value")),
        action=read_str(node, "action", problems),
        conditions=_parse_conditions(node, problems),
        source=source,
    )
    return mapping if len(problems) == reported else None


def _parse_conditions(node: YamlMap, problems: list[Problem]) -> tuple[SlotMappingCondition, ...]:
    if node.get("conditions") is None:
        return ()
    items = as_list(node["conditions"], node.value_source("conditions"), "'conditions'", problems)
    if items is None:
        return ()
    conditions = []
    for index, item in enumerate(items):
        condition = as_map(item, items.item_source(index), "a mapping condition", problems)
        if condition is None:
            continue
        check_keys(condition, _CONDITION_KEYS, "a mapping condition", problems)
        if "active_loop" not in condition:
            message = "a mapping condition needs 'active_loop' (null: only while no form is active)"
            problems.append(Problem(condition.source, message))
            continue
        conditions.append(
            SlotMappingCondition(
                read_str(condition, "active_loop", problems),
                read_str(condition, "requested_slot", problems),
            )
        )
    return tuple(conditions)
