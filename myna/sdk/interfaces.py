"""`Tracker`, `Action` and the action exceptions of the rasa_sdk API.

The tracker here is the action code's view of a conversation: plain JSON dicts rebuilt
from the request's `tracker` state (not `myna.tracker.Tracker`, which the engine owns).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Awaitable, Iterator
from typing import Any, Self

from myna.sdk.dispatcher import CollectingDispatcher
from myna.sdk.events import EventType
from myna.sdk.types import DomainDict, TrackerState

logger = logging.getLogger(__name__)

NLU_FALLBACK_INTENT = "nlu_fallback"
# rasa_sdk's placeholder for "no loop" in hand-written trackers.
SHOULD_NOT_BE_SET = "should_not_be_set"


class Tracker:
    """One conversation as the engine sent it: slots, latest message, events, loop."""

    def __init__(
        self,
        sender_id: str,
        slots: dict[str, Any],
        latest_message: dict[str, Any] | None,
        events: list[EventType],
        paused: bool,
        followup_action: str | None,
        active_loop: dict[str, Any] | None,
        latest_action_name: str | None,
    ) -> None:
        self.sender_id = sender_id
        self.slots = slots
        self.latest_message = latest_message or {}
        self.events = events
        self._paused = paused
        self.followup_action = followup_action
        self.active_loop = active_loop or {}
        self.latest_action_name = latest_action_name

    @classmethod
    def from_dict(cls, state: TrackerState | dict[str, Any]) -> Self:
        """Read the request's `tracker` (the legacy `active_form` key is understood)."""
        return cls(
            state["sender_id"],
            dict(state.get("slots") or {}),
            state.get("latest_message") or {},
            list(state.get("events") or []),
            bool(state.get("paused", False)),
            state.get("followup_action"),
            state.get("active_loop", state.get("active_form")) or {},
            state.get("latest_action_name"),
        )

    def current_state(self) -> dict[str, Any]:
        """The tracker as a JSON dict, in the shape of the request's `tracker`."""
        return {
            "sender_id": self.sender_id,
            "slots": self.slots,
            "latest_message": self.latest_message,
            "latest_event_time": self.events[-1].get("timestamp") if self.events else None,
            "paused": self.is_paused(),
            "events": self.events,
            "latest_input_channel": self.get_latest_input_channel(),
            "active_loop": self.active_loop,
            "latest_action_name": self.latest_action_name,
        }

    def copy(self) -> Self:
        return type(self)(
            self.sender_id,
            copy.deepcopy(self.slots),
            copy.deepcopy(self.latest_message),
            copy.deepcopy(self.events),
            self._paused,
            self.followup_action,
            copy.deepcopy(self.active_loop),
            self.latest_action_name,
        )

    # Slots

    def current_slot_values(self) -> dict[str, Any]:
        return self.slots

    def get_slot(self, key: str) -> Any:
        """The value of slot `key`; None (with a log line) for a slot the domain lacks."""
        if key not in self.slots:
            logger.info("Tried to access non existent slot '%s'", key)
        return self.slots.get(key)

    def slots_to_validate(self) -> dict[str, Any]:
        """Slot candidates: the trailing run of `slot` events, in order, latest value wins."""
        start = len(self.events)
        while start > 0 and self.events[start - 1].get("event") == "slot":
            start -= 1
        return {event["name"]: event.get("value") for event in self.events[start:]}

    def add_slots(self, slots: list[EventType]) -> None:
        """Apply `SlotSet` dicts: log them as events and set the slot values."""
        for event in slots:
            if event.get("event") != "slot":
                continue
            self.events.append(event)
            self.slots[event["name"]] = event.get("value")

    # Latest message and actions

    def get_latest_entity_values(
        self, entity_type: str, entity_role: str | None = None, entity_group: str | None = None
    ) -> Iterator[Any]:
        """Values of the latest message's `entity_type` entities with exactly this role/group."""
        return (
            entity.get("value")
            for entity in self.latest_message.get("entities") or []
            if entity.get("entity") == entity_type
            and entity.get("role") == entity_role
            and entity.get("group") == entity_group
        )

    def get_intent_of_latest_message(self, skip_fallback_intent: bool = True) -> str | None:
        """The top intent; the runner-up when the top one is `nlu_fallback` (if skipping)."""
        ranking = self.latest_message.get("intent_ranking") or []
        if not ranking:  # e.g. an external (reminder) message: only `intent` is known
            return (self.latest_message.get("intent") or {}).get("name")
        if ranking[0].get("name") == NLU_FALLBACK_INTENT and skip_fallback_intent:
            return ranking[1].get("name") if len(ranking) > 1 else None
        return ranking[0].get("name")

    def get_latest_input_channel(self) -> str | None:
        for event in reversed(self.events):
            if event.get("event") == "user":
                return event.get("input_channel")
        return None

    def get_last_event_for(
        self,
        event_type: str,
        action_names_to_exclude: list[str] | None = None,
        skip: int = 0,
    ) -> EventType | None:
        """The latest event of `event_type` (skipping `skip` matches and excluded actions)."""
        excluded = set(action_names_to_exclude or ())
        matches = (
            event
            for event in reversed(self.applied_events())
            if event.get("event") == event_type and event.get("name") not in excluded
        )
        for _ in range(skip):
            next(matches, None)
        return next(matches, None)

    def last_executed_action_has(self, name: str, skip: int = 0) -> bool:
        """Whether the latest action (bar `action_listen`, skipping `skip`) is `name`."""
        last = self.get_last_event_for("action", ["action_listen"], skip)
        return last is not None and last.get("name") == name

    # Events and state

    def is_paused(self) -> bool:
        return self._paused

    @property
    def active_loop_name(self) -> str | None:
        name = self.active_loop.get("name")
        return None if name == SHOULD_NOT_BE_SET else name

    @property
    def active_form(self) -> dict[str, Any]:
        """Deprecated name of `active_loop`."""
        return self.active_loop

    def idx_after_latest_restart(self) -> int:
        """Index of the first event after the latest `restart` (0 without one)."""
        for index in range(len(self.events) - 1, -1, -1):
            if self.events[index].get("event") == "restart":
                return index + 1
        return 0

    def events_after_latest_restart(self) -> list[EventType]:
        return self.events[self.idx_after_latest_restart() :]

    def applied_events(self) -> list[EventType]:
        """The events that still shape the state: resets, undos and rewinds taken out."""
        applied: list[EventType] = []
        for event in self.events:
            kind = event.get("event")
            if kind in ("restart", "session_started"):
                applied = []
            elif kind == "undo":
                _drop_back_to(applied, "action")
            elif kind == "rewind":
                _drop_back_to(applied, "user")
            else:
                applied.append(event)
        return applied

    def __repr__(self) -> str:
        return f"Tracker(sender_id={self.sender_id!r})"


def _drop_back_to(events: list[EventType], kind: str) -> None:
    """Remove events from the end up to and including the latest one of `kind`."""
    while events:
        if events.pop().get("event") == kind:
            return


class Action:
    """A custom action: subclass it, name it and implement `run` (sync or async)."""

    def name(self) -> str:
        raise NotImplementedError("An action must implement a name")

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType] | Awaitable[list[EventType]]:
        """Execute the action; return the events to apply (messages go to `dispatcher`)."""
        raise NotImplementedError("An action must implement its run method")

    def __str__(self) -> str:
        return f"Action('{self.name()}')"


class _ActionNameError(Exception):
    """An error about one action; `message` defaults to `template` filled with its name."""

    template = ""

    def __init__(self, action_name: str, message: str | None = None) -> None:
        self.action_name = action_name
        self.message = message or self.template.format(action_name)
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class ActionExecutionRejection(_ActionNameError):
    """Raised by an action that refuses to run now (HTTP 400 of the protocol)."""

    template = "Custom action '{}' rejected execution."


class ActionNotFoundException(_ActionNameError):
    """No action of this name is registered (HTTP 404 of the protocol)."""

    template = "No registered action found for name '{}'."
