"""FormValidationAction and ValidationAction: extraction, validation, next requested slot."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from myna.sdk import CollectingDispatcher, FormValidationAction, Tracker, ValidationAction
from myna.sdk.events import SlotSet
from myna.sdk.types import DomainDict

DOMAIN: DomainDict = {
    "forms": {"trip_form": {"required_slots": ["city", "nights"]}},
    "slots": {
        "city": {"type": "text", "mappings": [{"type": "from_entity", "entity": "city"}]},
        "nights": {
            "type": "float",
            "mappings": [
                {"type": "from_entity", "entity": "n", "conditions": [{"active_loop": "trip_form"}]}
            ],
        },
        "home-town": {"type": "text", "mappings": [{"type": "custom"}]},
    },
}


def _tracker(*candidates: tuple[str, Any], intent: str = "inform") -> Tracker:
    events = [
        {"event": "user", "text": "x", "parse_data": {}},
        {"event": "action", "name": "trip_form"},
        *(SlotSet(name, value) for name, value in candidates),
    ]
    slots = {"city": None, "nights": None, "home-town": None, "requested_slot": None}
    slots.update(dict(candidates))
    state = {
        "sender_id": "u1",
        "slots": slots,
        "events": events,
        "latest_message": {"intent_ranking": [{"name": intent}]},
    }
    return Tracker.from_dict(state)


class ValidateTripForm(FormValidationAction):
    def name(self) -> str:
        return "validate_trip_form"

    def extract_nights(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"nights": 7} if tracker.get_intent_of_latest_message() == "a_week" else {}

    async def validate_city(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value == "Atlantis":
            dispatcher.utter_message(text="No flights there.")
            return {"city": None}
        return {"city": value.title()}

    def validate_nights(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"nights": float(value)}


class ValidateTripFormReordered(ValidateTripForm):
    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        return [slot for slot in domain_slots if slot != "city"]


def _run(action: ValidationAction, tracker: Tracker) -> tuple[list[Any], list[Any]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    return events, [m["text"] for m in dispatcher.messages]


def test_form_name_and_domain_slots() -> None:
    action = ValidateTripForm()
    assert action.form_name() == "trip_form"
    assert action.domain_slots(DOMAIN) == ["city", "nights"]
    assert action.domain_slots({}) == []


def test_validation_normalises_and_rejects() -> None:
    assert _run(ValidateTripForm(), _tracker(("city", "rome"))) == ([SlotSet("city", "Rome")], [])
    events, texts = _run(ValidateTripForm(), _tracker(("city", "Atlantis")))
    assert (events, texts) == ([SlotSet("city", None)], ["No flights there."])


def test_no_candidates_no_events() -> None:
    assert _run(ValidateTripForm(), _tracker()) == ([], [])


def test_extracted_slots_are_validated_too() -> None:
    events, _ = _run(ValidateTripForm(), _tracker(("city", "oslo"), intent="a_week"))
    assert events == [SlotSet("city", "Oslo"), SlotSet("nights", 7.0)]


def test_overridden_required_slots_set_the_next_requested_slot() -> None:
    events, _ = _run(ValidateTripFormReordered(), _tracker(("city", "oslo")))
    assert events == [SlotSet("requested_slot", "nights")]  # city is not in the list any more
    events, _ = _run(ValidateTripFormReordered(), _tracker(intent="a_week"))
    assert events == [SlotSet("nights", 7.0), SlotSet("requested_slot", None)]


def test_unnamed_form_validation_action() -> None:
    with pytest.raises(NotImplementedError):
        FormValidationAction().name()


class ValidateGlobal(ValidationAction):
    def extract_home_town(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Any:
        return {"home-town": "Leeds"}

    def validate_home_town(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Any:
        return "not a dict"  # ignored with a warning: the candidate stays


def test_global_validation_handles_slots_without_a_loop_condition() -> None:
    action = ValidateGlobal()
    assert action.name() == "action_validate_slot_mappings"
    assert action.domain_slots(DOMAIN) == ["city", "home-town"]
    events, _ = _run(action, _tracker(("nights", 3)))
    assert events == [SlotSet("home-town", "Leeds")]  # `nights` belongs to the form
