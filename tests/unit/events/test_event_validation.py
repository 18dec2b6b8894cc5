from typing import Any

import pytest

from myna.events import (
    InvalidEventError,
    SlotSet,
    UnknownEventError,
    event_from_dict,
    events_from_list,
    known_event_names,
)


def test_unknown_event_name_names_it_and_lists_known_ones() -> None:
    with pytest.raises(UnknownEventError) as caught:
        event_from_dict({"event": "slott", "name": "a", "value": 1})
    message = str(caught.value)
    assert "'slott'" in message
    assert "slot, " in message and "user_featurization" in message
    assert caught.value.name == "slott"
    assert caught.value.known == known_event_names()
    assert isinstance(caught.value, ValueError)


def test_known_event_names_include_legacy_names() -> None:
    names = known_event_names()
    assert {"form", "form_validation", "topic", "user", "session_started"} <= set(names)
    assert names == sorted(names)


def test_an_unknown_name_in_a_list_fails_the_whole_list() -> None:
    with pytest.raises(UnknownEventError):
        events_from_list([{"event": "restart"}, {"event": "bogus"}])


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"name": "a", "value": 1}, "'event' key"),
        ({"event": None}, "unknown event type None"),
        ({"event": 3}, "unknown event type 3"),
        ({"event": "slot", "value": 1}, "'name' key"),
        ({"event": "slot", "name": "a"}, "'value' key"),
        ({"event": "entities"}, "'entities' must be a list"),
        ({"event": "entities", "entities": [{"entity": "e"}]}, "'entity' and 'value'"),
        ({"event": "entities", "entities": [{"value": "v"}]}, "'entity' and 'value'"),
        ({"event": "entities", "entities": ["e"]}, "'entity' and 'value'"),
        ({"event": "restart", "timestamp": "now"}, "'timestamp' must be a number"),
        ({"event": "restart", "timestamp": True}, "'timestamp' must be a number"),
        ({"event": "restart", "metadata": ["a"]}, "'metadata' must be an object"),
        ({"event": "user", "parse_data": "greet"}, "'parse_data'"),
        ({"event": "bot", "data": [1]}, "'data'"),
        ({"event": "followup"}, "'name' key"),
        ({"event": "reminder", "intent": "i"}, "'date_time' key"),
        ({"event": "reminder", "intent": "i", "date_time": "tomorrow"}, "ISO 8601"),
        ({"event": "reminder", "intent": "i", "date_time": 5}, "ISO 8601"),
    ],
)
def test_invalid_bodies(body: Any, fragment: str) -> None:
    with pytest.raises(InvalidEventError) as caught:
        event_from_dict(body)
    assert fragment in str(caught.value)


def test_non_object_body() -> None:
    with pytest.raises(InvalidEventError, match="must be an object"):
        event_from_dict(["slot"])  # type: ignore[arg-type]


def test_slot_value_may_be_null_and_entities_may_be_empty() -> None:
    assert event_from_dict({"event": "slot", "timestamp": 1, "name": "a", "value": None}) == (
        SlotSet("a", None, timestamp=1)
    )
    entities = event_from_dict({"event": "entities", "entities": []})
    assert entities is not None and entities.to_dict()["entities"] == []


def test_integer_timestamps_are_kept() -> None:
    event = event_from_dict({"event": "pause", "timestamp": 12})
    assert event is not None and event.to_dict() == {"event": "pause", "timestamp": 12}
