import dataclasses

from myna.events import (
    BotUttered,
    SlotSet,
    UserUttered,
    parse_data_shape,
    stamp_metadata,
)


def test_user_parse_data_is_completed_with_the_base_shape() -> None:
    event = UserUttered("hi", {"intent": {"name": "greet"}}, "rest", "m1", metadata={"a": 1})
    assert event.parse_data == {
        "intent": {"name": "greet"},
        "entities": [],
        "text": "hi",
        "message_id": "m1",
        "metadata": {"a": 1},
    }
    assert event.intent_name == "greet"
    assert event.entities == []


def test_given_parse_data_wins_over_the_base_shape() -> None:
    parse = {"text": "other", "metadata": {}, "entities": [{"entity": "e", "value": 1}]}
    event = UserUttered("hi", parse, metadata={"model_id": "m"})
    assert event.parse_data["text"] == "other"
    assert event.parse_data["metadata"] == {}
    assert event.entities == [{"entity": "e", "value": 1}]
    assert event.intent == {} and event.intent_name is None


def test_empty_message_shape() -> None:
    assert UserUttered().parse_data == parse_data_shape()
    assert parse_data_shape() == {
        "intent": {},
        "entities": [],
        "text": None,
        "message_id": None,
        "metadata": {},
    }


def test_external_user_message() -> None:
    event = UserUttered.external("greet", {"cuisine": "thai"}, "rest")
    body = event.to_dict()
    del body["timestamp"]
    assert body == {
        "event": "user",
        "metadata": {"is_external": True},
        "text": "EXTERNAL: greet",
        "input_channel": "rest",
        "message_id": None,
        "parse_data": {
            "intent": {"name": "greet"},
            "entities": [{"entity": "cuisine", "value": "thai"}],
            "text": "EXTERNAL: greet",
            "message_id": None,
            "metadata": {"is_external": True},
        },
    }
    listed = UserUttered.external("greet", [{"entity": "e", "value": 1, "start": 0}])
    assert listed.entities == [{"entity": "e", "value": 1, "start": 0}]
    assert UserUttered.external("greet").entities == []
    assert UserUttered.external("greet").input_channel is None


def test_bot_event_from_a_response() -> None:
    response = {
        "text": "Pick one",
        "buttons": [{"title": "A", "payload": "/a"}],
        "image": "https://img/x.png",
        "id": "v1",
        "channel": "slack",
        "utter_action": "from_response",
    }
    event = BotUttered.from_response(response, {"utter_action": "utter_pick"})
    assert event.text == "Pick one"
    assert event.data == {
        "elements": None,
        "quick_replies": None,
        "buttons": [{"title": "A", "payload": "/a"}],
        "attachment": "https://img/x.png",  # falls back to the image
        "image": "https://img/x.png",
        "custom": None,
    }
    assert event.metadata == {"id": "v1", "channel": "slack", "utter_action": "utter_pick"}
    assert response["text"] == "Pick one"  # the input is not modified


def test_bot_event_from_a_plain_text_response_matches_the_recordings() -> None:
    event = BotUttered.from_response({"text": "Goodbye!"}, {"utter_action": "utter_goodbye"})
    body = event.to_dict()
    assert body["data"] == dict.fromkeys(
        ["attachment", "buttons", "custom", "elements", "image", "quick_replies"]
    )
    assert body["metadata"] == {"utter_action": "utter_goodbye"}
    assert BotUttered.from_response({"text": "x", "attachment": "file"}).data["attachment"] == (
        "file"
    )


def test_channel_message() -> None:
    event = BotUttered(
        "hi",
        {"buttons": [1], "image": "i.png", "attachment": "i.png", "custom": None},
        metadata={"utter_action": "utter_hi", "text": "overridden"},
        timestamp=5.0,
    )
    assert event.channel_message() == {
        "buttons": [1],
        "image": "i.png",
        "custom": None,
        "text": "overridden",
        "timestamp": 5.0,
        "utter_action": "utter_hi",
    }
    distinct = BotUttered("hi", {"image": "i.png", "attachment": "doc.pdf"}, timestamp=5.0)
    assert distinct.channel_message()["attachment"] == "doc.pdf"


def test_stamp_metadata_adds_missing_ids_only() -> None:
    event = SlotSet("a", 1, timestamp=1.0, metadata={"model_id": "old"})
    stamped = stamp_metadata(event, "new", "bot")
    assert stamped.metadata == {"model_id": "old", "assistant_id": "bot"}
    assert event.metadata == {"model_id": "old"}  # the original is untouched
    assert dataclasses.replace(stamped, metadata={}) == dataclasses.replace(event, metadata={})
    assert stamp_metadata(stamped, "x", "y") is stamped
    assert stamp_metadata(SlotSet("a", 1), None, None).metadata == {}


def test_stamp_metadata_sets_a_given_timestamp_in_the_same_copy() -> None:
    event = SlotSet("a", 1, timestamp=1.0, metadata={"model_id": "m"})
    restamped = stamp_metadata(event, "m", None, 5.0)
    assert (restamped.timestamp, restamped.metadata) == (5.0, {"model_id": "m"})
    assert event.timestamp == 1.0
    both = stamp_metadata(SlotSet("a", 1, timestamp=1.0), "m", "a", 2.0)
    assert (both.timestamp, both.metadata) == (2.0, {"model_id": "m", "assistant_id": "a"})


def test_stamping_a_user_event_keeps_the_message_metadata_in_parse_data() -> None:
    event = UserUttered("hi", metadata={"from_client": True})
    stamped = stamp_metadata(event, "m", "a")
    assert stamped.metadata == {"from_client": True, "model_id": "m", "assistant_id": "a"}
    assert stamped.parse_data["metadata"] == {"from_client": True}
