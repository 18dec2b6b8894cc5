"""myna.sdk.Tracker: rasa_sdk's tracker helpers over the request's tracker state."""

from __future__ import annotations

import json
from typing import Any

from shared_paths import golden_dir

from myna.sdk import Tracker

EXCHANGES = json.loads((golden_dir() / "action_server_exchanges.json").read_text())


def _state(**changes: Any) -> dict[str, Any]:
    base = {
        "sender_id": "u1",
        "slots": {"city": "Rome", "party_size": None},
        "latest_message": {
            "intent": {"name": "inform", "confidence": 0.9},
            "intent_ranking": [{"name": "inform"}, {"name": "greet"}],
            "entities": [
                {"entity": "city", "value": "Rome"},
                {"entity": "city", "value": "Oslo", "role": "from"},
                {"entity": "city", "value": "Bergen", "role": "from", "group": "1"},
            ],
        },
        "events": [],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
    }
    return {**base, **changes}


def _slot(name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "timestamp": 1.0, "name": name, "value": value}


def test_from_golden_request() -> None:
    state = EXCHANGES[2]["request"]["tracker"]
    tracker = Tracker.from_dict(state)
    assert tracker.sender_id == "golden-booking"
    assert tracker.get_slot("party_size") == "50"
    assert tracker.active_loop_name == "booking_form"
    assert tracker.latest_action_name == "booking_form"
    assert tracker.get_latest_input_channel() == "rest"
    assert tracker.slots_to_validate() == {"party_size": "50"}
    assert tracker.is_paused() is False
    assert tracker.current_state()["latest_event_time"] == state["latest_event_time"]
    assert tracker.get_latest_entity_values("party_size") is not None


def test_slots() -> None:
    tracker = Tracker.from_dict(_state())
    assert tracker.get_slot("city") == "Rome"
    assert tracker.get_slot("unknown") is None
    assert tracker.current_slot_values() == {"city": "Rome", "party_size": None}


def test_entity_values_match_role_and_group_exactly() -> None:
    tracker = Tracker.from_dict(_state())
    assert list(tracker.get_latest_entity_values("city")) == ["Rome"]
    assert list(tracker.get_latest_entity_values("city", entity_role="from")) == ["Oslo"]
    assert list(tracker.get_latest_entity_values("city", "from", "1")) == ["Bergen"]
    assert list(tracker.get_latest_entity_values("date")) == []


def test_intent_of_latest_message() -> None:
    assert Tracker.from_dict(_state()).get_intent_of_latest_message() == "inform"
    fallback = {"intent_ranking": [{"name": "nlu_fallback"}, {"name": "greet"}]}
    tracker = Tracker.from_dict(_state(latest_message=fallback))
    assert tracker.get_intent_of_latest_message() == "greet"
    assert tracker.get_intent_of_latest_message(skip_fallback_intent=False) == "nlu_fallback"
    only_fallback = {"intent_ranking": [{"name": "nlu_fallback"}]}
    assert (
        Tracker.from_dict(_state(latest_message=only_fallback)).get_intent_of_latest_message()
        is None
    )
    external = {"intent": {"name": "remind"}}
    assert (
        Tracker.from_dict(_state(latest_message=external)).get_intent_of_latest_message()
        == "remind"
    )
    assert Tracker.from_dict(_state(latest_message=None)).get_intent_of_latest_message() is None


def test_active_loop_and_legacy_active_form() -> None:
    state = _state()
    del state["active_loop"]
    state["active_form"] = {"name": "old_form"}
    tracker = Tracker.from_dict(state)
    assert tracker.active_loop_name == "old_form"
    assert tracker.active_form == {"name": "old_form"}
    assert Tracker.from_dict(_state()).active_loop_name is None
    unset = _state(active_loop={"name": "should_not_be_set"})
    assert Tracker.from_dict(unset).active_loop_name is None


def test_slots_to_validate_is_the_trailing_slot_run_latest_value_winning() -> None:
    events = [
        _slot("city", "Paris"),
        {"event": "action", "name": "booking_form"},
        _slot("city", "Rome"),
        _slot("party_size", "4"),
        _slot("city", "Oslo"),
    ]
    tracker = Tracker.from_dict(_state(events=events))
    assert tracker.slots_to_validate() == {"city": "Oslo", "party_size": "4"}
    assert list(tracker.slots_to_validate()) == ["city", "party_size"]


def test_add_slots_logs_and_sets() -> None:
    tracker = Tracker.from_dict(_state())
    tracker.add_slots([_slot("party_size", 4), {"event": "restart"}])
    assert tracker.get_slot("party_size") == 4
    assert tracker.events == [_slot("party_size", 4)]


def test_applied_events_and_restart() -> None:
    events = [
        {"event": "action", "name": "a1"},
        {"event": "restart"},
        {"event": "action", "name": "a2"},
        {"event": "user", "text": "hi"},
        {"event": "action", "name": "a3"},
        {"event": "rewind"},
        {"event": "action", "name": "a4"},
        {"event": "slot", "name": "x", "value": 1},
        {"event": "undo"},
    ]
    tracker = Tracker.from_dict(_state(events=events))
    assert [e.get("name") for e in tracker.applied_events()] == ["a2"]
    assert tracker.idx_after_latest_restart() == 2
    assert tracker.events_after_latest_restart() == events[2:]
    assert tracker.get_last_event_for("action") == {"event": "action", "name": "a2"}
    assert tracker.last_executed_action_has("a2")
    assert not tracker.last_executed_action_has("a2", skip=1)


def test_copy_is_independent() -> None:
    tracker = Tracker.from_dict(_state(events=[_slot("city", "Rome")]))
    twin = tracker.copy()
    twin.slots["city"] = "Oslo"
    twin.events.append(_slot("city", "Oslo"))
    assert tracker.get_slot("city") == "Rome"
    assert len(tracker.events) == 1
    assert repr(twin) == "Tracker(sender_id='u1')"
