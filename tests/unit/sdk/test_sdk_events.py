"""myna.sdk.events builds rasa_sdk's plain dicts, and the engine reads every one of them."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from myna.events import event_from_dict
from myna.sdk import events

WHEN = datetime.datetime(2030, 5, 1, 10, 0, tzinfo=datetime.UTC)

CASES: list[tuple[dict[str, Any], dict[str, Any]]] = [
    (events.SlotSet("city", "Rome"), {"event": "slot", "name": "city", "value": "Rome"}),
    (events.SlotSet("city"), {"event": "slot", "name": "city", "value": None}),
    (events.Restarted(), {"event": "restart"}),
    (events.SessionStarted(), {"event": "session_started"}),
    (events.UserUtteranceReverted(), {"event": "rewind"}),
    (events.AllSlotsReset(), {"event": "reset_slots"}),
    (events.ActionReverted(), {"event": "undo"}),
    (events.StoryExported(), {"event": "export"}),
    (events.ConversationPaused(), {"event": "pause"}),
    (events.ConversationResumed(), {"event": "resume"}),
    (events.FollowupAction("action_x"), {"event": "followup", "name": "action_x"}),
    (
        events.UserUttered("hi", {"intent": {"name": "greet"}}, input_channel="rest"),
        {
            "event": "user",
            "text": "hi",
            "parse_data": {"intent": {"name": "greet"}},
            "input_channel": "rest",
        },
    ),
    (
        events.BotUttered("hey", {"buttons": []}, {"k": 1}),
        {"event": "bot", "text": "hey", "data": {"buttons": []}, "metadata": {"k": 1}},
    ),
    (
        events.ReminderScheduled("remind", WHEN, {"plant": "fern"}, "water", False),
        {
            "event": "reminder",
            "intent": "remind",
            "entities": {"plant": "fern"},
            "date_time": "2030-05-01T10:00:00+00:00",
            "name": "water",
            "kill_on_user_msg": False,
        },
    ),
    (
        events.ReminderCancelled("water"),
        {"event": "cancel_reminder", "name": "water", "intent": None, "entities": None},
    ),
    (
        events.ActionExecuted("action_x", "RulePolicy", 1.0),
        {"event": "action", "name": "action_x", "policy": "RulePolicy", "confidence": 1.0},
    ),
    (events.AgentUttered("hi"), {"event": "agent", "text": "hi", "data": None}),
    (events.ActiveLoop("booking_form"), {"event": "active_loop", "name": "booking_form"}),
    (events.ActiveLoop(None), {"event": "active_loop", "name": None}),
    (events.Form("booking_form"), {"event": "active_loop", "name": "booking_form"}),
    (events.LoopInterrupted(True), {"event": "loop_interrupted", "is_interrupted": True}),
    (events.FormValidation(False), {"event": "loop_interrupted", "is_interrupted": True}),
    (
        events.ActionExecutionRejected("booking_form"),
        {
            "event": "action_execution_rejected",
            "name": "booking_form",
            "policy": None,
            "confidence": None,
        },
    ),
]


@pytest.mark.parametrize(("made", "expected"), CASES, ids=lambda x: str(x.get("event")))
def test_sdk_event_dict(made: dict[str, Any], expected: dict[str, Any]) -> None:
    assert made == {**expected, "timestamp": None}


@pytest.mark.parametrize(("made", "expected"), CASES, ids=lambda x: str(x.get("event")))
def test_engine_reads_every_sdk_event(made: dict[str, Any], expected: dict[str, Any]) -> None:
    event = event_from_dict(made)
    assert event is not None
    assert event.to_dict()["event"] == expected["event"]


def test_timestamp_is_kept() -> None:
    assert events.SlotSet("a", 1, timestamp=12.5)["timestamp"] == 12.5
    assert events.Restarted(timestamp=3.0) == {"event": "restart", "timestamp": 3.0}
