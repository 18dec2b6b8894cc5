"""The conversations API against the recorded trackers, stories and turns."""

from __future__ import annotations

from typing import Any

import pytest
from server_fakes import FakeAssistant, golden
from starlette.testclient import TestClient

from myna.events import SlotSet, UserUttered

BOOKING = "golden-booking"


def _load_booking(assistant: FakeAssistant) -> None:
    assistant.load(BOOKING, golden("tracker_booking_all")[1]["events"])


def _event_names(body: dict[str, Any]) -> list[str]:
    return [event["event"] for event in body["events"]]


@pytest.mark.parametrize(
    ("level", "recording"),
    [
        ("ALL", "tracker_booking_all"),
        ("after_restart", "tracker_booking_after_restart"),
        ("Applied", "tracker_booking_applied"),
        ("NONE", "tracker_booking_none"),
        (None, "tracker_booking_after_restart"),
    ],
)
def test_tracker_at_each_include_events_level(
    client: TestClient, assistant: FakeAssistant, level: str | None, recording: str
) -> None:
    _load_booking(assistant)
    status, recorded = golden(recording)
    params = {"include_events": level} if level else {}
    response = client.get(f"/conversations/{BOOKING}/tracker", params=params)
    assert (response.status_code, response.json()) == (status, recorded)


def test_unknown_conversation_gets_a_fresh_tracker(client: TestClient) -> None:
    status, recorded = golden("tracker_unknown_conversation")
    response = client.get("/conversations/never-seen/tracker")
    body = response.json()
    assert response.status_code == status
    assert body.keys() == recorded.keys()
    assert _event_names(body) == _event_names(recorded)
    assert body["slots"] == {k: v for k, v in recorded["slots"].items() if k in body["slots"]}


def test_tracker_until_a_timestamp(client: TestClient, assistant: FakeAssistant) -> None:
    _load_booking(assistant)
    events = golden("tracker_booking_all")[1]["events"]
    until = events[5]["timestamp"]
    body = client.get(
        f"/conversations/{BOOKING}/tracker", params={"until": until, "include_events": "ALL"}
    ).json()
    assert body["events"] == events[:6]
    ignored = client.get(f"/conversations/{BOOKING}/tracker", params={"until": "soon"})
    assert len(ignored.json()["events"]) == len(events)


def test_bad_include_events_is_a_bad_request(client: TestClient) -> None:
    response = client.get("/conversations/x/tracker", params={"include_events": "SOME"})
    assert response.status_code == 400
    assert response.json()["reason"] == "BadRequest"


def test_conversation_ids_may_contain_slashes(client: TestClient, assistant: FakeAssistant) -> None:
    response = client.get("/conversations/team/alice/tracker")
    assert response.json()["sender_id"] == "team/alice"
    assert assistant.calls == [("get_tracker", ("team/alice",))]


def test_append_one_event(client: TestClient, assistant: FakeAssistant) -> None:
    status, recorded = golden("http_append_event")
    event = {"event": "slot", "name": "cuisine", "value": "thai", "timestamp": 5.0}
    response = client.post(
        "/conversations/golden-trigger/tracker/events",
        params={"output_channel": "latest", "include_events": "ALL"},
        json=event,
    )
    body = response.json()
    assert response.status_code == status
    assert body.keys() == recorded.keys()
    assert body["events"][-1] == event
    assert body["slots"]["cuisine"] == "thai"
    name, (sender, events, channel, side_effects) = assistant.calls[0]
    assert (name, sender, events, channel, side_effects) == (
        "append_events",
        "golden-trigger",
        [SlotSet("cuisine", "thai", timestamp=5.0)],
        "latest",
        False,
    )


def test_execute_side_effects_is_passed_on(client: TestClient, assistant: FakeAssistant) -> None:
    reminder = {"event": "reminder", "intent": "greet", "date_time": "2030-01-01T00:00:00+00:00"}
    url = "/conversations/c/tracker/events?execute_side_effects=true"
    assert client.post(url, json=reminder).status_code == 200
    name, (_, _, _, side_effects) = assistant.calls[0]
    assert (name, side_effects) == ("append_events", True)


def test_append_a_list_of_events(client: TestClient, assistant: FakeAssistant) -> None:
    events = [
        {"event": "slot", "name": "cuisine", "value": "thai"},
        {"event": "slot", "name": "party_size", "value": 2},
    ]
    response = client.post("/conversations/c/tracker/events", json=events)
    assert response.status_code == 200
    slots = response.json()["slots"]
    assert (slots["cuisine"], slots["party_size"]) == ("thai", 2)
    name, (sender, appended, channel, _) = assistant.calls[0]
    assert (name, sender, channel) == ("append_events", "c", "collector")
    assert [(event.name, event.value) for event in appended] == [
        ("cuisine", "thai"),
        ("party_size", 2),
    ]


@pytest.mark.parametrize(
    "body",
    [{"event": "no_such_event"}, {"event": "slot"}, [1, 2], "text", {"name": "x"}],
    ids=["unknown-type", "missing-keys", "not-objects", "string", "no-event-key"],
)
def test_invalid_events_are_a_bad_request(client: TestClient, body: Any) -> None:
    response = client.post("/conversations/c/tracker/events", json=body)
    assert response.status_code == 400
    assert response.json()["reason"] == "BadRequest"


def test_replace_events(client: TestClient, assistant: FakeAssistant) -> None:
    _load_booking(assistant)
    events = [{"event": "slot", "name": "visits", "value": 3, "timestamp": 1.0}]
    response = client.put(
        f"/conversations/{BOOKING}/tracker/events", params={"include_events": "ALL"}, json=events
    )
    assert response.status_code == 200
    assert response.json()["events"] == events
    assert response.json()["slots"]["visits"] == 3
    assert assistant.calls[0] == (
        "replace_events",
        (BOOKING, [SlotSet("visits", 3, timestamp=1.0)]),
    )


def test_story_matches_the_recording(client: TestClient, assistant: FakeAssistant) -> None:
    _load_booking(assistant)
    status, recorded = golden("http_story")
    response = client.get(f"/conversations/{BOOKING}/story")
    assert (response.status_code, response.text) == (status, recorded)
    assert response.headers["content-type"].startswith("text/plain")


def test_messages_logs_a_parsed_user_message(client: TestClient, assistant: FakeAssistant) -> None:
    status, recorded = golden("http_messages")
    response = client.post(
        "/conversations/golden-trigger/messages", json={"text": "hello", "sender": "user"}
    )
    body = response.json()
    assert response.status_code == status
    assert body.keys() == recorded.keys()
    logged, expected = body["events"][-1], recorded["events"][-1]
    assert logged.keys() == expected.keys()
    assert logged["parse_data"].keys() == expected["parse_data"].keys()
    assert logged["message_id"] == logged["parse_data"]["message_id"]
    assert len(logged["message_id"]) == 32
    assert [name for name, _ in assistant.calls][:2] == ["parse", "append_events"]


def test_messages_with_parse_data_skip_nlu(client: TestClient, assistant: FakeAssistant) -> None:
    parse_data = {"intent": {"name": "greet", "confidence": 1.0}, "entities": []}
    client.post(
        "/conversations/c/messages", json={"text": "hi", "sender": "user", "parse_data": parse_data}
    )
    (name, (_, [event], _, _)), *_ = assistant.calls
    assert name == "append_events"
    assert isinstance(event, UserUttered)
    assert event.intent_name == "greet"


def test_messages_from_another_sender_are_refused(client: TestClient) -> None:
    response = client.post("/conversations/c/messages", json={"text": "hi", "sender": "bot"})
    assert response.status_code == 400
    assert "sender 'bot'" in response.json()["message"]


def test_trigger_intent(client: TestClient, assistant: FakeAssistant) -> None:
    status, recorded = golden("http_trigger_intent")
    response = client.post(
        "/conversations/golden-trigger/trigger_intent",
        json={"name": "greet", "entities": {"cuisine": "thai"}},
    )
    body = response.json()
    assert response.status_code == status
    assert body.keys() == recorded.keys()
    assert body["messages"] == recorded["messages"]
    assert body["tracker"]["latest_message"]["text"] == "EXTERNAL: greet"
    assert assistant.calls[0] == (
        "trigger_intent",
        ("golden-trigger", "greet", {"cuisine": "thai"}, "collector"),
    )


def test_trigger_intent_to_another_channel_returns_no_messages(client: TestClient) -> None:
    response = client.post(
        "/conversations/c/trigger_intent",
        params={"output_channel": "slack"},
        json={"name": "greet"},
    )
    assert list(response.json()) == ["tracker"]


def test_trigger_intent_errors(client: TestClient) -> None:
    unknown = client.post("/conversations/c/trigger_intent", json={"name": "sing"})
    assert (unknown.status_code, unknown.json()["reason"]) == (404, "NotFound")
    nameless = client.post("/conversations/c/trigger_intent", json={"entities": {}})
    assert (nameless.status_code, nameless.json()["reason"]) == (400, "BadRequest")


def test_predict(client: TestClient, assistant: FakeAssistant) -> None:
    status, recorded = golden("http_predict")
    response = client.post("/conversations/golden-trigger/predict")
    assert (response.status_code, response.json()) == (status, recorded)
    assert assistant.calls == [("predict_next", ("golden-trigger",))]


def test_execute(client: TestClient, assistant: FakeAssistant) -> None:
    status, recorded = golden("http_execute")
    response = client.post(
        "/conversations/golden-trigger/execute",
        json={"name": "utter_goodbye", "policy": "RulePolicy", "confidence": 0.5},
    )
    body = response.json()
    assert response.status_code == status
    assert body.keys() == recorded.keys()
    assert body["messages"] == recorded["messages"]
    assert assistant.calls[0] == (
        "execute_action",
        ("golden-trigger", "utter_goodbye", "collector", "RulePolicy", 0.5),
    )
    nameless = client.post("/conversations/c/execute", json={})
    assert nameless.status_code == 400


def test_engine_failure_is_a_conversation_error(
    client: TestClient, assistant: FakeAssistant
) -> None:
    assistant.failure = RuntimeError("store down")
    response = client.get("/conversations/c/tracker")
    assert response.status_code == 500
    assert response.json()["reason"] == "ConversationError"
    assert response.json()["message"] == "An unexpected error occurred. Error: store down"
