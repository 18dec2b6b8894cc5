"""Events an action returns, as the plain dicts of rasa_sdk.events.

Each helper builds the JSON form of one event (events-and-tracker.md §2) with
`timestamp` defaulting to null; the engine stamps the time when it applies the event.
The CamelCase names are rasa_sdk's public API, kept so action code runs unchanged.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

EventType = dict[str, Any]


def _event(kind: str, timestamp: float | None, /, **fields: Any) -> EventType:
    return {"event": kind, "timestamp": timestamp, **fields}


def _payloadless(name: str, doc: str) -> Callable[..., EventType]:
    """The helper of an event type that carries nothing but the envelope."""

    def make(timestamp: float | None = None) -> EventType:
        return _event(name, timestamp)

    make.__doc__ = doc
    return make


Restarted = _payloadless("restart", "Resets the conversation (slots, loop, pause).")
SessionStarted = _payloadless("session_started", "Marks the start of a new session.")
UserUtteranceReverted = _payloadless("rewind", "Drops the latest user message and after.")
AllSlotsReset = _payloadless("reset_slots", "Sets every slot back to its initial value.")
ActionReverted = _payloadless("undo", "Drops the latest action and what followed it.")
StoryExported = _payloadless("export", "Dumps the conversation as a story (legacy).")
ConversationPaused = _payloadless("pause", "Stops predicting actions for this conversation.")
ConversationResumed = _payloadless("resume", "Starts predicting actions again.")


def UserUttered(
    text: str | None,
    parse_data: dict[str, Any] | None = None,
    timestamp: float | None = None,
    input_channel: str | None = None,
) -> EventType:
    return _event("user", timestamp, text=text, parse_data=parse_data, input_channel=input_channel)


def BotUttered(
    text: str | None = None,
    data: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
    timestamp: float | None = None,
) -> EventType:
    return _event("bot", timestamp, text=text, data=data, metadata=metadata)


def SlotSet(key: str, value: Any = None, timestamp: float | None = None) -> EventType:
    return _event("slot", timestamp, name=key, value=value)


def ReminderScheduled(
    intent_name: str,
    trigger_date_time: datetime.datetime,
    entities: list[dict[str, Any]] | dict[str, Any] | None = None,
    name: str | None = None,
    kill_on_user_message: bool = True,
    timestamp: float | None = None,
) -> EventType:
    """Triggers `intent_name` at `trigger_date_time` (sent as an ISO 8601 string)."""
    return _event(
        "reminder",
        timestamp,
        intent=intent_name,
        entities=entities,
        date_time=trigger_date_time.isoformat(),
        name=name,
        kill_on_user_msg=kill_on_user_message,
    )


def ReminderCancelled(
    name: str | None = None,
    intent_name: str | None = None,
    entities: list[dict[str, Any]] | dict[str, Any] | None = None,
    timestamp: float | None = None,
) -> EventType:
    """Cancels the reminders matching every given filter (none given: all of them)."""
    return _event("cancel_reminder", timestamp, name=name, intent=intent_name, entities=entities)


def FollowupAction(name: str, timestamp: float | None = None) -> EventType:
    return _event("followup", timestamp, name=name)


def ActionExecuted(
    action_name: str,
    policy: str | None = None,
    confidence: float | None = None,
    timestamp: float | None = None,
) -> EventType:
    return _event("action", timestamp, name=action_name, policy=policy, confidence=confidence)


def AgentUttered(
    text: str | None = None, data: Any = None, timestamp: float | None = None
) -> EventType:
    return _event("agent", timestamp, text=text, data=data)


def ActiveLoop(name: str | None, timestamp: float | None = None) -> EventType:
    """Activates the loop (form) `name`; None deactivates the active one."""
    return _event("active_loop", timestamp, name=name)


Form = ActiveLoop  # the pre-3.0 name


def LoopInterrupted(is_interrupted: bool, timestamp: float | None = None) -> EventType:
    return _event("loop_interrupted", timestamp, is_interrupted=is_interrupted)


def FormValidation(validate: bool, timestamp: float | None = None) -> EventType:
    """The pre-3.0 form of `LoopInterrupted(not validate)`."""
    return LoopInterrupted(not validate, timestamp)


def ActionExecutionRejected(
    action_name: str,
    policy: str | None = None,
    confidence: float | None = None,
    timestamp: float | None = None,
) -> EventType:
    return _event(
        "action_execution_rejected",
        timestamp,
        name=action_name,
        policy=policy,
        confidence=confidence,
    )
