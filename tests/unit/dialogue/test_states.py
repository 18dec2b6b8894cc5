"""Dialogue states (spec §4.1): sub-states, slot features, entities, e2e text, history."""

from __future__ import annotations

from pathlib import Path

import pytest
from dialogue_helpers import action, domain_from, tracker, user

from myna.dialogue.slot_features import slot_features
from myna.dialogue.states import (
    SHOULD_NOT_BE_SET,
    RuleOnlyData,
    freeze,
    states_from_json,
    states_to_json,
    tracker_states,
    training_states,
)
from myna.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    DefinePrevUserUtteredFeaturization,
    Event,
    Restarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from myna.project.domain import Domain, Slot
from myna.tracker import Tracker, applied_events

DOMAIN = """\
intents:
  - greet
  - inform:
      use_entities: [city]
  - chat:
      ignore_entities: [city]
entities:
  - name
  - city:
      roles: [from, to]
      groups: ["1"]
slots:
  name: {type: text, mappings: [{type: from_entity, entity: name}]}
  vip: {type: bool, mappings: [{type: custom}]}
  size: {type: float, min_value: 0, max_value: 10, mappings: [{type: custom}]}
  cuisine: {type: categorical, values: [Italian, thai], mappings: [{type: custom}]}
  tags: {type: list, mappings: [{type: custom}]}
  note: {type: any, mappings: [{type: custom}]}
  quiet: {type: text, influence_conversation: false, mappings: [{type: custom}]}
forms:
  city_form:
    required_slots: [name]
actions: [action_x]
"""


@pytest.fixture
def domain(tmp_path: Path) -> Domain:
    return domain_from(tmp_path, DOMAIN)


def test_first_state_has_no_previous_action_and_empty_parts_are_dropped(domain: Domain) -> None:
    states = tracker_states(tracker(domain, user("greet")), domain)
    assert states == [
        {},
        {"user": {"intent": "greet"}, "prev_action": {"action_name": "action_listen"}},
    ]


@pytest.mark.parametrize(
    ("slot", "value", "features"),
    [
        ("name", "Ann", (1.0,)),
        ("name", "", (1.0,)),
        ("name", None, (0.0,)),
        ("vip", True, (1.0, 1.0)),
        ("vip", "false", (1.0, 0.0)),
        ("vip", "maybe", (0.0, 0.0)),
        ("size", 5, (1.0, 0.5)),
        ("size", "50", (1.0, 1.0)),
        ("size", -3, (1.0, 0.0)),
        ("size", "many", (0.0, 0.0)),
        ("cuisine", "ITALIAN", (1.0, 0.0, 0.0)),
        ("cuisine", "greek", (0.0, 0.0, 1.0)),
        ("cuisine", None, (0.0, 0.0, 0.0)),
        ("tags", ["a"], (1.0,)),
        ("tags", [], (0.0,)),
        ("note", "x", ()),
        ("quiet", "x", ()),
    ],
)
def test_slot_features_per_type(domain: Domain, slot: str, value: object, features: tuple) -> None:
    assert slot_features(domain.slots[slot], value) == features


def test_custom_slot_types_featurise_like_text() -> None:
    assert slot_features(Slot("s", "my.module.Slot"), 3) == (1.0,)


def test_only_slots_with_a_non_zero_feature_enter_the_state(domain: Domain) -> None:
    conversation = tracker(
        domain,
        *(SlotSet(name, value) for name, value in [("name", "Ann"), ("vip", False), ("size", "x")]),
        *(SlotSet(name, value) for name, value in [("note", 1), ("quiet", "y"), ("tags", [])]),
    )
    assert tracker_states(conversation, domain)[-1]["slots"] == {
        "name": (1.0,),
        "vip": (1.0, 0.0),
    }


def test_entities_are_filtered_by_the_intents_used_entities_with_roles_and_groups(
    domain: Domain,
) -> None:
    city = {"entity": "city", "value": "Rome", "role": "to", "group": "1"}
    name = {"entity": "name", "value": "Ann"}
    inform = tracker_states(tracker(domain, user("inform", name, city)), domain)[-1]
    assert inform["user"]["entities"] == ("city", "city#1", "city#to")
    chat = tracker_states(tracker(domain, user("chat", name, city)), domain)[-1]
    assert chat["user"]["entities"] == ("name",)
    greet = tracker_states(tracker(domain, user("greet", city)), domain)[-1]
    assert greet["user"]["entities"] == ("city", "city#1", "city#to")


def test_active_loop_and_previous_action(domain: Domain) -> None:
    conversation = tracker(domain, user("greet"), action("city_form"), ActiveLoop("city_form"))
    assert tracker_states(conversation, domain)[-1] == {
        "user": {"intent": "greet"},
        "prev_action": {"action_name": "city_form"},
        "active_loop": {"name": "city_form"},
    }


def test_end_to_end_text_is_used_when_asked_or_when_there_is_no_intent(domain: Domain) -> None:
    both = tracker(domain, user("greet", text="hello there"))
    assert tracker_states(both, domain)[-1]["user"] == {"intent": "greet"}
    by_text = tracker_states(both, domain, use_text_for_last_user_input=True)
    assert by_text[-1]["user"] == {"text": "hello there"}
    text_only = tracker(domain, UserUttered(text="hi"), action("utter_x", action_text=None))
    assert tracker_states(text_only, domain)[1]["user"] == {"text": "hi"}
    bot_text = tracker(domain, user("greet"), ActionExecuted(action_text="Hi!"))
    assert tracker_states(bot_text, domain)[-1]["prev_action"] == {"action_text": "Hi!"}


def test_earlier_turns_follow_their_featurization_decision(domain: Domain) -> None:
    conversation = tracker(
        domain,
        user("greet", text="hello"),
        DefinePrevUserUtteredFeaturization(True),
        action("action_x"),
    )
    states = tracker_states(conversation, domain)
    assert states[1]["user"] == {"text": "hello"}
    assert states[2]["user"] == {"text": "hello"}


def test_max_history_keeps_the_latest_states(domain: Domain) -> None:
    conversation = tracker(domain, user("greet"), action("action_x"), action("action_listen"))
    assert len(tracker_states(conversation, domain)) == 4
    assert tracker_states(conversation, domain, max_history=2) == [
        {"user": {"intent": "greet"}, "prev_action": {"action_name": "action_x"}},
        {"user": {"intent": "greet"}, "prev_action": {"action_name": "action_listen"}},
    ]


def test_hidden_rule_turns_and_rule_only_features_are_left_out_of_the_ml_view(
    domain: Domain,
) -> None:
    conversation = tracker(
        domain,
        user("greet"),
        action("action_x", hide_rule_turn=True),
        SlotSet("vip", True),
        action("action_listen", hide_rule_turn=True),
        user("inform"),
    )
    rule_only = RuleOnlyData(slots=frozenset({"vip"}))
    states = tracker_states(conversation, domain, hide_rule_turns=True, rule_only_data=rule_only)
    # The whole rule turn (greet → action_x → listen) disappears, slot vip with it.
    assert states == [
        {},
        {"user": {"intent": "inform"}, "prev_action": {"action_name": "action_listen"}},
    ]


def test_training_states_omit_unset_slots_and_keep_the_rule_marker(domain: Domain) -> None:
    events = [SlotSet("vip", SHOULD_NOT_BE_SET), ActionExecuted("...")]
    states, actions = training_states(events, domain, omit_unset_slots=True)
    assert states[0] == {"slots": {"vip": SHOULD_NOT_BE_SET}}
    assert [a.name for a in actions] == ["..."]


def test_states_round_trip_through_json_and_freeze_is_order_independent(domain: Domain) -> None:
    states = tracker_states(tracker(domain, user("inform", {"entity": "city"})), domain)
    assert states_from_json(states_to_json(states)) == states
    state = states[-1]
    assert freeze(state) == freeze(dict(reversed(state.items())))
    assert hash(freeze(state))


def _form_conversation() -> list[Event]:
    """Listen, a form looping over three turns, an undo, a rewind, a restart, a new loop."""
    listen = action("action_listen")
    return [
        user("greet"),
        action("city_form"),
        ActiveLoop("city_form"),
        listen,
        user("inform", {"entity": "city", "value": "Rome"}),
        action("city_form"),
        SlotSet("name", "Ann"),
        listen,
        user("chat"),
        action("action_x", hide_rule_turn=True),
        action("city_form"),
        listen,
        user("inform"),
        action("city_form"),
        ActiveLoop(None),
        SlotSet("vip", True),
        ActionReverted(),
        listen,
        user("greet"),
        UserUtteranceReverted(),
        listen,
        user("chat"),
        action("other_form"),
        ActiveLoop("other_form"),
        action("other_form"),
        Restarted(),
        listen,
        user("greet"),
        action("action_x"),
    ]


def test_a_growing_tracker_gets_the_states_of_a_fresh_one_at_every_step(domain: Domain) -> None:
    growing = tracker(domain)
    for event in _form_conversation():
        growing.update(event)
        fresh = Tracker("test", domain.slot_initial_values(), growing.events)
        for options in ({}, {"hide_rule_turns": True, "max_history": 3}):
            assert tracker_states(growing, domain, **options) == tracker_states(
                fresh, domain, **options
            ), (event, options)


def test_training_states_follow_the_applied_events_of_the_whole_list(domain: Domain) -> None:
    events = [action("action_listen"), *_form_conversation()]
    states, actions = training_states(events, domain)
    assert len(states) == len(actions) + 1
    assert actions == [e for e in applied_events(events) if isinstance(e, ActionExecuted)]
