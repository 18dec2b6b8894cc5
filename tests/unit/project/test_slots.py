"""Slot definitions: mapping details, custom types, defaults and the /domain JSON shape."""

from __future__ import annotations

from myna.project.errors import Problem, Source
from myna.project.slots import (
    REQUESTED_SLOT,
    SESSION_START_METADATA_SLOT,
    Slot,
    SlotMapping,
    SlotMappingCondition,
    default_slots,
    is_default_slot,
    parse_slots,
)
from myna.project.yaml_reader import parse_yaml

SLOTS = """\
slots:
  cuisine:
    type: categorical
    values: [Italian, thai]
    influence_conversation: false
    initial_value: thai
    mappings:
      - type: from_entity
        entity: cuisine
        role: dish
        intent: inform
        not_intent: [chitchat, deny]
        conditions:
          - active_loop: restaurant_form
            requested_slot: cuisine
          - active_loop: null
      - type: from_trigger_intent
        value: italian
        intent: [want_pasta]
  mood:
    type: my_slots.MoodSlot
    levels: 3
    mappings: [{type: custom, action: action_mood}]
"""


def _parse(text: str) -> tuple[dict[str, Slot], list[Problem]]:
    problems: list[Problem] = []
    root = parse_yaml(text, "domain.yml")
    slots = parse_slots(root["slots"], root.value_source("slots"), problems)
    return {slot.name: slot for slot in slots}, problems


def test_mappings_with_filters_and_conditions() -> None:
    slots, problems = _parse(SLOTS)
    assert problems == []
    cuisine = slots["cuisine"]
    assert cuisine.values == ("Italian", "thai")
    assert cuisine.categories == ("italian", "thai", "__other__")
    assert cuisine.initial_value == "thai"
    assert cuisine.influence_conversation is False
    assert cuisine.mappings[0] == SlotMapping(
        type="from_entity",
        entity="cuisine",
        role="dish",
        intent=("inform",),
        not_intent=("chitchat", "deny"),
        conditions=(
            SlotMappingCondition("restaurant_form", "cuisine"),
            SlotMappingCondition(None),
        ),
        source=Source("domain.yml", 8, 9),
    )
    assert cuisine.mappings[1].value == "italian"
    assert cuisine.mappings[1].intent == ("want_pasta",)


def test_custom_slot_types_keep_their_options() -> None:
    slots, _ = _parse(SLOTS)
    mood = slots["mood"]
    assert (mood.type, dict(mood.options)) == ("my_slots.MoodSlot", {"levels": 3})
    assert mood.influence_conversation is True
    assert mood.mappings[0].action == "action_mood"
    assert mood.as_dict() == {
        "type": "my_slots.MoodSlot",
        "influence_conversation": True,
        "levels": 3,
        "mappings": [{"type": "custom", "action": "action_mood"}],
    }


def test_as_dict_writes_what_rasa_echoes() -> None:
    slots, _ = _parse(SLOTS)
    assert slots["cuisine"].as_dict() == {
        "type": "categorical",
        "influence_conversation": False,
        "initial_value": "thai",
        "values": ["Italian", "thai"],
        "mappings": [
            {
                "type": "from_entity",
                "entity": "cuisine",
                "role": "dish",
                "intent": ["inform"],
                "not_intent": ["chitchat", "deny"],
                "conditions": [
                    {"active_loop": "restaurant_form", "requested_slot": "cuisine"},
                    {"active_loop": None},
                ],
            },
            {"type": "from_trigger_intent", "value": "italian", "intent": ["want_pasta"]},
        ],
    }
    rating = Slot("rating", "float", min_value=-1.0, max_value=5.0)
    assert rating.as_dict()["min_value"] == -1.0 and rating.as_dict()["max_value"] == 5.0


def test_default_slots() -> None:
    names = [slot.name for slot in default_slots(set(), True, {"action_query_knowledge_base"})]
    assert names == [
        REQUESTED_SLOT,
        "knowledge_base_listed_objects",
        "knowledge_base_last_object",
        "knowledge_base_last_object_type",
        SESSION_START_METADATA_SLOT,
    ]
    assert [s.name for s in default_slots({REQUESTED_SLOT}, True, ())] == [
        SESSION_START_METADATA_SLOT
    ]
    assert all(is_default_slot(slot) for slot in default_slots(set(), True, ()))
    own = Slot(REQUESTED_SLOT, "text", influence_conversation=False, source=Source("d.yml", 3, 3))
    assert not is_default_slot(own)


def test_condition_and_mapping_shape_problems() -> None:
    text = """\
slots:
  a:
    type: text
    mappings:
      - type: from_text
        conditions: {active_loop: f}
      - type: from_entity
        entity: [x]
      -
  b: text
"""
    slots, problems = _parse(text)
    assert [(p.source.line, p.source.column, p.message) for p in problems] == [
        (6, 21, "'conditions' must be a list, not a mapping"),
        (8, 17, "'entity' must be a string, not a list"),
        (9, 8, "each entry of 'mappings' of slot 'a' must be a mapping, not empty"),
        (10, 6, "slot 'b' must be a mapping, not a string"),
    ]
    assert slots["a"].mappings == ()  # each broken mapping is left out
