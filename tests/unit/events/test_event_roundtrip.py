import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from myna.events import (
    EVENT_TYPES,
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    AgentUttered,
    AllSlotsReset,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    DefinePrevUserUtteredFeaturization,
    EntitiesAdded,
    Event,
    FollowupAction,
    LoopInterrupted,
    ReminderCancelled,
    ReminderScheduled,
    Restarted,
    SessionStarted,
    SlotSet,
    StoryExported,
    UserUtteranceReverted,
    UserUttered,
    event_from_dict,
    events_from_list,
)

META = {"model_id": "m1", "assistant_id": "bot", "nested": {"k": [1, 2]}}
PARSE = {
    "intent": {"name": "inform", "confidence": 0.93},
    "entities": [{"entity": "cuisine", "start": 6, "end": 13, "value": "italian"}],
    "text": "I want italian",
    "message_id": "ab12",
    "metadata": {"channel_key": 1},
    "intent_ranking": [{"name": "inform", "confidence": 0.93}],
    "text_tokens": [[0, 1], [2, 6], [7, 14]],
}

SAMPLES: list[Event] = [
    UserUttered("I want italian", PARSE, "rest", "ab12", timestamp=1700000000.1, metadata=META),
    UserUttered(),
    DefinePrevUserUtteredFeaturization(True, timestamp=3.5, metadata=META),
    EntitiesAdded([{"entity": "cuisine", "value": "thai", "start": 0}], timestamp=1.0),
    BotUttered("Hey!", {"buttons": [{"title": "Yes", "payload": "/affirm"}]}, metadata={"id": 3}),
    SlotSet("cuisine", {"kind": ["italian"]}, timestamp=2.0, metadata=META),
    SlotSet("cuisine", None),
    Restarted(metadata=META),
    UserUtteranceReverted(timestamp=5),
    AllSlotsReset(timestamp=6.25),
    ReminderScheduled(
        "remind",
        datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=UTC),
        entities={"plant": "fern"},
        name="water",
        kill_on_user_msg=False,
    ),
    ReminderScheduled(
        "remind",
        datetime(2024, 5, 1, 10, tzinfo=timezone(timedelta(hours=2))),
        entities=[{"entity": "plant", "value": "fern"}],
    ),
    ReminderCancelled(name="water", intent="remind", entities={"plant": "fern"}),
    ReminderCancelled(),
    ActionReverted(metadata=META),
    StoryExported("stories.yml"),
    FollowupAction("action_other", metadata=META),
    ConversationPaused(),
    ConversationResumed(timestamp=9.0),
    ActionExecuted("utter_greet", "RulePolicy", 1.0, hide_rule_turn=True, metadata=META),
    ActionExecuted(action_text="Hello there", policy="TEDPolicy", confidence=0.4),
    AgentUttered("hi", {"any": ["thing"]}),
    ActiveLoop("booking_form", metadata=META),
    ActiveLoop(None),
    LoopInterrupted(True),
    ActionExecutionRejected("booking_form", "RulePolicy", 1.0),
    SessionStarted(timestamp=1795586116.3284397, metadata=META),
]


@pytest.mark.parametrize("event", SAMPLES, ids=lambda e: type(e).__name__)
def test_round_trip(event: Event) -> None:
    assert event_from_dict(event.to_dict()) == event
    over_the_wire = json.loads(json.dumps(event.to_dict()))
    assert event_from_dict(over_the_wire) == event


def test_samples_cover_every_event_type() -> None:
    assert {type(event) for event in SAMPLES} == set(EVENT_TYPES.values())
    assert len(EVENT_TYPES) == 21


def test_equality_includes_timestamp_and_metadata() -> None:
    assert SlotSet("a", 1, timestamp=1.0) == SlotSet("a", 1, timestamp=1.0)
    assert SlotSet("a", 1, timestamp=1.0) != SlotSet("a", 1, timestamp=2.0)
    assert SlotSet("a", 1, timestamp=1.0) != SlotSet("a", 1, timestamp=1.0, metadata={"x": 1})
    assert Restarted(timestamp=1.0) != SessionStarted(timestamp=1.0)


def test_events_are_frozen_and_unhashable() -> None:
    event = SlotSet("a", 1)
    with pytest.raises(AttributeError):
        event.value = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        hash(event)
    with pytest.raises(TypeError):
        hash(Restarted())


# The examples of spec §2, serialised exactly.
SPEC_EXAMPLES: list[dict[str, Any]] = [
    {
        "event": "user",
        "timestamp": 1700000000.1,
        "metadata": {},
        "text": "hi",
        "input_channel": "rest",
        "message_id": "4d1b",
        "parse_data": {
            "intent": {"name": "greet", "confidence": 0.98},
            "entities": [],
            "text": "hi",
            "message_id": "4d1b",
            "metadata": {},
            "intent_ranking": [{"name": "greet", "confidence": 0.98}],
        },
    },
    {
        "event": "action",
        "timestamp": 1700000000.2,
        "name": "utter_greet",
        "policy": "RulePolicy",
        "confidence": 1.0,
        "action_text": None,
        "hide_rule_turn": False,
    },
    {
        "event": "bot",
        "timestamp": 1700000000.3,
        "metadata": {"utter_action": "utter_greet"},
        "text": "Hey!",
        "data": {
            "elements": None,
            "quick_replies": None,
            "buttons": None,
            "attachment": None,
            "image": None,
            "custom": None,
        },
    },
    {"event": "slot", "timestamp": 1700000000.4, "name": "cuisine", "value": "italian"},
    {
        "event": "reminder",
        "timestamp": 1700000000.6,
        "intent": "remind",
        "entities": {"plant": "fern"},
        "date_time": "2024-05-01T10:00:00+00:00",
        "name": "water",
        "kill_on_user_msg": False,
    },
]


@pytest.mark.parametrize("body", SPEC_EXAMPLES, ids=lambda body: body["event"])
def test_spec_examples_serialise_exactly(body: dict[str, Any]) -> None:
    event = event_from_dict(body)
    assert event is not None
    assert event.to_dict() == body


def test_always_present_fields() -> None:
    assert ActionExecuted("action_listen", timestamp=1.0).to_dict() == {
        "event": "action",
        "timestamp": 1.0,
        "name": "action_listen",
        "policy": None,
        "confidence": None,
        "action_text": None,
        "hide_rule_turn": False,
    }
    assert ActionExecutionRejected("f", timestamp=1.0).to_dict() == {
        "event": "action_execution_rejected",
        "timestamp": 1.0,
        "name": "f",
        "policy": None,
        "confidence": None,
    }
    assert ActiveLoop(None, timestamp=1.0).to_dict() == {
        "event": "active_loop",
        "timestamp": 1.0,
        "name": None,
    }


def test_metadata_always_for_user_and_bot_only_when_set_for_others() -> None:
    assert UserUttered("hi").to_dict()["metadata"] == {}
    assert BotUttered("hi").to_dict()["metadata"] == {}
    assert "metadata" not in SlotSet("a", 1).to_dict()
    assert "metadata" not in Restarted(metadata={}).to_dict()
    assert Restarted(metadata={"a": 1}).to_dict()["metadata"] == {"a": 1}


def test_envelope_only_types() -> None:
    for cls in (Restarted, UserUtteranceReverted, AllSlotsReset, ActionReverted):
        assert cls(timestamp=4.0).to_dict() == {"event": cls.type_name, "timestamp": 4.0}
    for cls in (ConversationPaused, ConversationResumed, SessionStarted):
        assert cls(timestamp=4.0).to_dict() == {"event": cls.type_name, "timestamp": 4.0}


def test_missing_or_null_timestamp_is_now() -> None:
    before = datetime.now().timestamp()
    missing = event_from_dict({"event": "restart"})
    null = event_from_dict({"event": "followup", "timestamp": None, "name": "x"})
    after = datetime.now().timestamp()
    assert missing is not None and null is not None
    assert before <= missing.timestamp <= after
    assert before <= null.timestamp <= after


def test_missing_or_null_payload_keys_take_defaults() -> None:
    action = event_from_dict({"event": "action", "timestamp": 1, "name": "a", "policy": None})
    assert action == ActionExecuted("a", timestamp=1)
    bot = event_from_dict({"event": "bot", "timestamp": 1, "data": None, "metadata": None})
    assert bot == BotUttered(timestamp=1)
    reminder = event_from_dict(
        {"event": "reminder", "intent": "i", "date_time": "2024-05-01T10:00:00"}
    )
    assert isinstance(reminder, ReminderScheduled)
    assert reminder.kill_on_user_msg is True
    assert reminder.entities is None
    assert len(reminder.name) == 36  # a uuid1 string
    assert reminder.date_time == datetime(2024, 5, 1, 10)


def test_unknown_keys_are_ignored() -> None:
    body = {"event": "slot", "timestamp": 1.0, "name": "a", "value": 1, "sender_id": "u"}
    assert event_from_dict(body) == SlotSet("a", 1, timestamp=1.0)


def test_legacy_form_events_read_as_current_types() -> None:
    form = event_from_dict({"event": "form", "timestamp": 1.0, "name": "booking_form"})
    assert form == ActiveLoop("booking_form", timestamp=1.0)
    assert form.to_dict() == {"event": "active_loop", "timestamp": 1.0, "name": "booking_form"}
    not_validating = {"event": "form_validation", "timestamp": 1.0, "validate": False}
    assert event_from_dict(not_validating) == LoopInterrupted(True, timestamp=1.0)
    validating = {"event": "form_validation", "timestamp": 1.0}
    assert event_from_dict(validating) == LoopInterrupted(False, timestamp=1.0)
    assert event_from_dict(validating).to_dict() == {  # type: ignore[union-attr]
        "event": "loop_interrupted",
        "timestamp": 1.0,
        "is_interrupted": False,
    }


def test_legacy_topic_is_ignored() -> None:
    assert event_from_dict({"event": "topic", "topic": "x"}) is None
    items = [{"event": "topic"}, {"event": "pause", "timestamp": 1.0}]
    assert events_from_list(items) == [ConversationPaused(timestamp=1.0)]


def test_input_only_fields_are_written_only_when_set() -> None:
    # Deviation from Rasa 3.6, which writes only the envelope for `cancel_reminder` and
    # `export`: we write the filters/path that are set so that round trips are lossless.
    assert ReminderCancelled(timestamp=1.0).to_dict() == {
        "event": "cancel_reminder",
        "timestamp": 1.0,
    }
    assert ReminderCancelled(intent="remind", timestamp=1.0).to_dict() == {
        "event": "cancel_reminder",
        "timestamp": 1.0,
        "intent": "remind",
    }
    assert StoryExported(timestamp=1.0).to_dict() == {"event": "export", "timestamp": 1.0}
