"""`Tracker`: one conversation's events and the state derived from them."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Self

from myna.events import BotUttered, Event, Restarted, UserUttered
from myna.tracker.applied import applied_events
from myna.tracker.state import TrackerState
from myna.tracker.verbosity import EventVerbosity


class Tracker:
    """The events of conversation `sender_id` and the state they produce.

    `slots` maps every slot the domain defines to its initial value; `slot` events for
    other names are logged and ignored.
    """

    def __init__(
        self,
        sender_id: str,
        slots: Mapping[str, Any] | None = None,
        events: Iterable[Event] = (),
    ) -> None:
        self.sender_id = sender_id
        self._events: list[Event] = []
        self._state = TrackerState(initial_slots=dict(slots or {}))
        self.update_with_events(events)

    @classmethod
    def from_events(
        cls, sender_id: str, events: Iterable[Event], slots: Mapping[str, Any] | None = None
    ) -> Self:
        return cls(sender_id, slots, events)

    def copy(self) -> Self:
        twin = type(self)(self.sender_id)
        twin._events = list(self._events)
        twin._state = self._state.copy()
        return twin

    def until(self, timestamp: float) -> Self:
        """The tracker as it was at `timestamp`: only the events logged until then."""
        kept = [event for event in self._events if event.timestamp <= timestamp]
        return type(self)(self.sender_id, self._state.initial_slots, kept)

    # Events

    def update(self, event: Event) -> None:
        """Log `event` and apply it to the state."""
        self._events.append(event)
        self._state.apply(event, self._events)

    def update_with_events(self, events: Iterable[Event]) -> None:
        for event in events:
            self.update(event)

    @property
    def events(self) -> Sequence[Event]:
        """Every event, in order (do not modify; use `update`)."""
        return self._events

    def applied_events(self) -> list[Event]:
        return applied_events(self._events)

    def events_after_latest_restart(self) -> list[Event]:
        """The events after the latest `restart` event (all of them if there is none)."""
        for index in range(len(self._events) - 1, -1, -1):
            if isinstance(self._events[index], Restarted):
                return self._events[index + 1 :]
        return list(self._events)

    def events_for(self, verbosity: EventVerbosity) -> list[Event] | None:
        """The events a serialised tracker carries at `verbosity` (None for NONE)."""
        if verbosity is EventVerbosity.ALL:
            return list(self._events)
        if verbosity is EventVerbosity.APPLIED:
            return self.applied_events()
        if verbosity is EventVerbosity.AFTER_RESTART:
            return self.events_after_latest_restart()
        return None

    # State

    @property
    def slots(self) -> dict[str, Any]:
        """Current value of every slot (a copy)."""
        return dict(self._state.slots)

    def get_slot(self, name: str) -> Any:
        """The value of slot `name`; None for an unknown slot."""
        return self._state.slots.get(name)

    @property
    def latest_message(self) -> dict[str, Any]:
        """Parse data of the latest user message, with entities added by policies.

        Before any message (and after a reset) this is the empty message shape.
        """
        return {**self._state.latest_parse_data(), "entities": list(self._state.latest_entities)}

    @property
    def latest_user_event(self) -> UserUttered | None:
        return self._state.latest_message

    @property
    def use_text_for_featurization(self) -> bool | None:
        """Whether the latest user turn is featurized by text (None: not decided)."""
        return self._state.use_text_for_featurization

    @property
    def latest_bot_utterance(self) -> BotUttered | None:
        return self._state.latest_bot_utterance

    @property
    def latest_action(self) -> dict[str, Any]:
        """`{"action_name": ...}`, `{"action_text": ...}` (end-to-end), or `{}`."""
        return dict(self._state.latest_action)

    @property
    def latest_action_name(self) -> str | None:
        return self._state.latest_action_name

    @property
    def followup_action(self) -> str | None:
        return self._state.followup_action

    def is_paused(self) -> bool:
        return self._state.paused

    @property
    def active_loop(self) -> dict[str, Any]:
        """`{}` when no loop is active, else name, is_interrupted, rejected, trigger_message."""
        loop = self._state.active_loop
        return {} if loop is None else loop.to_dict()

    @property
    def active_loop_name(self) -> str | None:
        loop = self._state.active_loop
        return None if loop is None else loop.name

    @property
    def latest_input_channel(self) -> str | None:
        """Input channel of the latest user event, whatever was reverted or reset since."""
        for event in reversed(self._events):
            if isinstance(event, UserUttered):
                return event.input_channel
        return None

    @property
    def latest_event_time(self) -> float | None:
        return self._events[-1].timestamp if self._events else None

    def current_state(
        self, include_events: EventVerbosity = EventVerbosity.AFTER_RESTART
    ) -> dict[str, Any]:
        """The tracker JSON of the HTTP API and the action server protocol."""
        events = self.events_for(include_events)
        return {
            "sender_id": self.sender_id,
            "slots": self.slots,
            "latest_message": self.latest_message,
            "latest_event_time": self.latest_event_time,
            "followup_action": self.followup_action,
            "paused": self.is_paused(),
            "events": None if events is None else [event.to_dict() for event in events],
            "latest_input_channel": self.latest_input_channel,
            "active_loop": self.active_loop,
            "latest_action": self.latest_action,
            "latest_action_name": self.latest_action_name,
        }
