"""Slot mappings: every mapping type, intent filters, conditions, ignored intents."""

from __future__ import annotations

from pathlib import Path

import pytest
from dialogue_helpers import action, domain_from, tracker, user

from myna.dialogue.slot_mappings import CustomMappingAction, extraction_steps
from myna.events import ActiveLoop, Event, SlotSet
from myna.events.actions import ActionExecutionRejected
from myna.project.domain import Domain

DOMAIN = """
intents: [inform, chitchat, book, affirm, deny]
entities:
  - city: {roles: [from, to]}
  - topping
  - size
slots:
  departure:
    type: text
    mappings: [{type: from_entity, entity: city, role: from}]
  any_city:
    type: text
    mappings: [{type: from_entity, entity: city}]
  toppings:
    type: list
    mappings: [{type: from_entity, entity: topping}]
  size:
    type: text
    mappings:
      - {type: from_entity, entity: size, not_intent: chitchat}
  note:
    type: text
    mappings:
      - type: from_text
        conditions: [{active_loop: order_form, requested_slot: note}]
  happy:
    type: bool
    mappings:
      - {type: from_intent, intent: affirm, value: true}
      - {type: from_intent, intent: deny, value: false}
  idle:
    type: bool
    mappings:
      - {type: from_intent, value: true, intent: inform, conditions: [{active_loop: null}]}
  via_form:
    type: bool
    mappings: [{type: from_trigger_intent, intent: book, value: true}]
  other_form_only:
    type: bool
    mappings:
      - type: from_trigger_intent
        value: true
        conditions: [{active_loop: some_other_form}]
  rating:
    type: float
    mappings: [{type: custom, action: action_rate}, {type: custom}]
  mood:
    type: text
    mappings: [{type: custom, action: action_rate}]
  broken:
    type: text
    mappings: [{type: from_entity, entity: nonexistent}]
  pizza_size:
    type: text
    mappings: [{type: from_entity, entity: size, not_intent: chitchat}]
forms:
  order_form:
    required_slots: [size, note, pizza_size]
    ignored_intents: [chitchat, inform]
responses:
  utter_x: [{text: x}]
actions: [action_rate]
"""


@pytest.fixture
def domain(tmp_path: Path) -> Domain:
    return domain_from(tmp_path, DOMAIN)


def _slots(domain: Domain, *events: Event) -> dict[str, object]:
    steps = extraction_steps(tracker(domain, *events), domain)
    return {step.name: step.value for step in steps if isinstance(step, SlotSet)}


def _in_form(domain: Domain, requested: str, *events: Event) -> list[Event]:
    return [
        user("book"),
        action("order_form"),
        ActiveLoop("order_form"),
        SlotSet("requested_slot", requested),
        action("action_listen"),
        *events,
    ]


def test_entity_role_must_match_exactly(domain: Domain) -> None:
    with_role = user("affirm", {"entity": "city", "value": "Rome", "role": "from"})
    plain = user("affirm", {"entity": "city", "value": "Oslo"})
    assert _slots(domain, with_role) == {"departure": "Rome", "happy": True}
    assert _slots(domain, plain) == {"any_city": "Oslo", "happy": True}


def test_list_slot_gets_all_values_others_the_last(domain: Domain) -> None:
    message = user(
        "affirm",
        {"entity": "topping", "value": "ham"},
        {"entity": "topping", "value": "olives"},
        {"entity": "city", "value": "A"},
        {"entity": "city", "value": "B"},
    )
    slots = _slots(domain, message)
    assert slots["toppings"] == ["ham", "olives"]
    assert slots["any_city"] == "B"


def test_not_intent_blocks_and_first_yielding_mapping_wins(domain: Domain) -> None:
    assert "size" not in _slots(domain, user("chitchat", {"entity": "size", "value": "L"}))
    assert _slots(domain, user("deny"))["happy"] is False


def test_conditions_on_loop_and_requested_slot(domain: Domain) -> None:
    text = user("affirm", text="extra cheese")
    assert "note" not in _slots(domain, text)
    assert _slots(domain, *_in_form(domain, "note", text))["note"] == "extra cheese"
    assert "note" not in _slots(domain, *_in_form(domain, "size", text))


def test_active_loop_null_condition_only_without_a_loop(domain: Domain) -> None:
    assert _slots(domain, user("inform"))["idle"] is True
    assert "idle" not in _slots(domain, *_in_form(domain, "size", user("inform")))


def test_rejected_loop_does_not_fill_its_requested_slot_via_conditions(domain: Domain) -> None:
    events = [
        *_in_form(domain, "note", user("affirm", text="hm")),
        ActionExecutionRejected("order_form"),
    ]
    assert "note" not in _slots(domain, *events)


def test_form_ignored_intents_block_unconditioned_mappings_in_that_form(domain: Domain) -> None:
    message = user("inform", {"entity": "size", "value": "L"})
    assert _slots(domain, message)["size"] == "L"
    assert "size" not in _slots(domain, *_in_form(domain, "size", message))


def test_trigger_intent_only_while_a_form_named_by_the_conditions_is_active(
    domain: Domain,
) -> None:
    assert "via_form" not in _slots(domain, user("book"))
    in_form = _slots(domain, *_in_form(domain, "size", user("book")))
    assert in_form["via_form"] is True
    assert "other_form_only" not in in_form


def test_shared_entity_mapping_fills_only_the_requested_form_slot(domain: Domain) -> None:
    message = user("affirm", {"entity": "size", "value": "XL"})
    assert _slots(domain, message) == {"size": "XL", "pizza_size": "XL", "happy": True}
    in_form = _slots(domain, *_in_form(domain, "pizza_size", message))
    assert in_form["pizza_size"] == "XL"
    assert "size" not in in_form


def test_null_value_only_clears_a_set_slot(domain: Domain) -> None:
    assert "note" not in _slots(domain, *_in_form(domain, "note", user("affirm")))
    filled = [SlotSet("note", "old"), *_in_form(domain, "note", user("affirm"))]
    assert _slots(domain, *filled)["note"] is None


def test_custom_mappings_run_their_action_once_and_unknown_entities_are_skipped(
    domain: Domain,
) -> None:
    steps = extraction_steps(tracker(domain, user("deny")), domain)
    custom = [step for step in steps if isinstance(step, CustomMappingAction)]
    assert custom == [CustomMappingAction("action_rate", "rating")]
    assert "broken" not in _slots(domain, user("deny", {"entity": "nonexistent", "value": 1}))


def test_values_are_not_coerced_to_the_slot_type(domain: Domain) -> None:
    message = user("affirm", {"entity": "size", "value": 4})
    assert _slots(domain, message)["size"] == 4
