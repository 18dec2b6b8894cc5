"""Slot mappings evaluated against a tracker (dialogue-semantics.md §5.1).

`extraction_steps` walks every user slot's mappings in order and returns what
`action_extract_slots` has to do: a `SlotSet` for the first predefined mapping that
yields a value, and a `CustomMappingAction` for each applicable `custom` mapping with an
`action` (once per action). Everything is computed against the tracker as given.

Values are not coerced to the slot type: Rasa stores what the entity extractor found
(the golden recording keeps the float slot `party_size` as the string "4").
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from myna.events import SlotSet
from myna.project.domain import Domain, Slot, SlotMapping
from myna.project.slots import KNOWLEDGE_BASE_SLOTS, REQUESTED_SLOT, SESSION_START_METADATA_SLOT
from myna.tracker import Tracker

logger = logging.getLogger(__name__)

# Slots Rasa adds by itself: never filled by slot mappings.
DEFAULT_SLOT_NAMES = frozenset({REQUESTED_SLOT, SESSION_START_METADATA_SLOT, *KNOWLEDGE_BASE_SLOTS})
FROM_ENTITY = "from_entity"
FROM_TEXT = "from_text"
FROM_INTENT = "from_intent"
FROM_TRIGGER_INTENT = "from_trigger_intent"
CUSTOM = "custom"


@dataclass(frozen=True, slots=True)
class CustomMappingAction:
    """Run custom action `name` for a `custom` mapping of slot `slot`."""

    name: str
    slot: str


def extraction_steps(tracker: Tracker, domain: Domain) -> list[SlotSet | CustomMappingAction]:
    """SlotSets and custom mapping actions for the latest user message, in slot order."""
    steps: list[SlotSet | CustomMappingAction] = []
    planned_actions: set[str] = set()
    for slot in domain.slots.values():
        if slot.name in DEFAULT_SLOT_NAMES:
            continue
        for step in _slot_steps(slot, tracker, domain):
            if isinstance(step, CustomMappingAction):
                if step.name in planned_actions:
                    continue
                planned_actions.add(step.name)
            steps.append(step)
    return steps


def _slot_steps(
    slot: Slot, tracker: Tracker, domain: Domain
) -> Iterator[SlotSet | CustomMappingAction]:
    for mapping in slot.mappings:
        if not mapping_applies(slot.name, mapping, tracker, domain):
            continue
        if mapping.type == CUSTOM:
            if mapping.action:
                yield CustomMappingAction(mapping.action, slot.name)
            continue
        values = mapping_values(mapping, tracker)
        if not values:
            continue
        value = values if slot.type == "list" else values[-1]
        if value is not None or tracker.get_slot(slot.name) is not None:
            yield SlotSet(slot.name, value)
        return


def mapping_applies(slot_name: str, mapping: SlotMapping, tracker: Tracker, domain: Domain) -> bool:
    """Whether `mapping` may fill `slot_name` now (validity, intents, conditions, uniqueness)."""
    return (
        is_valid(slot_name, mapping, domain)
        and intent_is_desired(mapping, tracker, domain)
        and (mapping.type == FROM_TRIGGER_INTENT or conditions_match(slot_name, mapping, tracker))
        and not _fails_unique_entity_check(slot_name, mapping, tracker, domain)
    )


def is_valid(slot_name: str, mapping: SlotMapping, domain: Domain) -> bool:
    """A from_entity mapping needs a domain entity, a from_intent mapping domain intents."""
    if mapping.type == FROM_ENTITY and mapping.entity not in domain.entities:
        logger.warning(
            "slot %r: mapping uses entity %r, which the domain does not define",
            slot_name,
            mapping.entity,
        )
        return False
    if mapping.type == FROM_INTENT:
        unknown = [name for name in mapping.intent if name not in domain.intent_names]
        if unknown:
            logger.warning("slot %r: mapping uses unknown intents %s", slot_name, unknown)
            return False
    return True


def intent_is_desired(mapping: SlotMapping, tracker: Tracker, domain: Domain) -> bool:
    """`intent` lists the allowed intents; else `not_intent` and ignored intents block."""
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    if mapping.intent:
        return intent in mapping.intent
    return intent not in {*mapping.not_intent, *_ignored_intents(mapping, tracker, domain)}


def _ignored_intents(mapping: SlotMapping, tracker: Tracker, domain: Domain) -> tuple[str, ...]:
    """The active form's `ignored_intents`, if the mapping's conditions concern that form."""
    loop = tracker.active_loop_name
    form = domain.forms.get(loop) if loop else None
    if form is None:
        return ()
    if mapping.conditions and all(c.active_loop != loop for c in mapping.conditions):
        return ()
    return form.ignored_intents


def conditions_match(slot_name: str, mapping: SlotMapping, tracker: Tracker) -> bool:
    """No conditions, or one naming the active loop (and requested slot), or `null` loop."""
    if not mapping.conditions:
        return True
    loop = tracker.active_loop_name
    if loop is None:
        return any(condition.active_loop is None for condition in mapping.conditions)
    requested = tracker.get_slot(REQUESTED_SLOT)
    if tracker.active_loop.get("rejected") and requested == slot_name:
        return False
    return any(
        condition.active_loop == loop and condition.requested_slot in (None, requested)
        for condition in mapping.conditions
    )


def _fails_unique_entity_check(
    slot_name: str, mapping: SlotMapping, tracker: Tracker, domain: Domain
) -> bool:
    """In a form, a non-requested form slot skips entity mappings it shares with another."""
    loop = tracker.active_loop_name
    form = domain.forms.get(loop) if loop else None
    if mapping.type != FROM_ENTITY or form is None:
        return False
    if tracker.get_slot(REQUESTED_SLOT) == slot_name or slot_name not in form.required_slots:
        return False
    key = _mapping_key(mapping)
    uses = sum(
        _mapping_key(other) == key
        for name in form.required_slots
        if name in domain.slots
        for other in domain.slots[name].mappings
        if other.type == FROM_ENTITY
    )
    return uses > 1


def _mapping_key(mapping: SlotMapping) -> str:
    return json.dumps(mapping.as_dict(), sort_keys=True, default=str)


def mapping_values(mapping: SlotMapping, tracker: Tracker) -> list[Any]:
    """What a predefined mapping yields now: an empty list when it yields nothing."""
    if mapping.type == FROM_ENTITY:
        return entity_values(tracker, mapping.entity, mapping.role, mapping.group)
    if mapping.type == FROM_INTENT:
        return [mapping.value]
    if mapping.type == FROM_TRIGGER_INTENT:
        return [mapping.value] if _trigger_condition_met(mapping, tracker) else []
    if mapping.type == FROM_TEXT:
        return [tracker.latest_message.get("text")]
    return []


def _trigger_condition_met(mapping: SlotMapping, tracker: Tracker) -> bool:
    """Only while a form is active, and only one the conditions name (if they name any)."""
    loop = tracker.active_loop_name
    if loop is None:
        return False
    named = [condition.active_loop for condition in mapping.conditions]
    return not named or loop in named


def entity_values(
    tracker: Tracker, entity: str | None, role: str | None = None, group: str | None = None
) -> list[Any]:
    """Values of the latest message's entities of this type with exactly this role/group."""
    return [
        found.get("value")
        for found in tracker.latest_message.get("entities") or []
        if found.get("entity") == entity
        and found.get("role") == role
        and found.get("group") == group
    ]
