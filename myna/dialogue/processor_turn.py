"""One turn of the message loop: the tracker being processed and what the turn added.

Every event logged during a turn is stamped with the model and assistant ids (unless
its metadata has them) and, by default, with the current time; the turn keeps the new
events for the store and the channel messages of the `bot` events among them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from myna.dialogue.ensemble import EnsemblePrediction
from myna.events import ActionExecuted, BotUttered, Event, stamp_metadata
from myna.tracker import Tracker

FOLLOWUP_ACTION_POLICY = "followup_action"


@dataclass(frozen=True, slots=True)
class Decision:
    """The action to run next and what to log with it."""

    action_name: str
    policy: str | None = None
    confidence: float | None = None
    events: tuple[Event, ...] = ()
    hide_rule_turn: bool = False
    is_end_to_end: bool = False
    action_metadata: dict[str, Any] | None = None

    @classmethod
    def from_prediction(cls, prediction: EnsemblePrediction) -> Decision:
        return cls(
            action_name=prediction.action_name,
            policy=prediction.policy_name,
            confidence=prediction.confidence,
            events=prediction.events,
            hide_rule_turn=prediction.hide_rule_turn,
            is_end_to_end=prediction.is_end_to_end,
            action_metadata=prediction.action_metadata,
        )

    def action_event(self, is_action_text: bool) -> ActionExecuted:
        """The `action` event logged when the action ran (`action_text` for a bot text)."""
        return ActionExecuted(
            name=None if is_action_text else self.action_name,
            policy=self.policy,
            confidence=self.confidence,
            action_text=self.action_name if is_action_text else None,
            hide_rule_turn=self.hide_rule_turn,
            metadata=dict(self.action_metadata or {}),
        )


class Turn:
    """The tracker a turn works on, the events it logged and the messages it produced."""

    def __init__(
        self,
        tracker: Tracker,
        clock: Callable[[], float],
        model_id: str | None,
        assistant_id: str | None,
    ) -> None:
        self.tracker = tracker
        self.new_events: list[Event] = []
        self.messages: list[dict[str, Any]] = []
        self._clock = clock
        self._model_id = model_id
        self._assistant_id = assistant_id

    @property
    def sender_id(self) -> str:
        return self.tracker.sender_id

    def now(self) -> float:
        return self._clock()

    def log(self, events: Iterable[Event], *, restamp: bool = True) -> None:
        """Stamp `events` and apply them; `restamp=False` keeps their timestamps."""
        for event in events:
            timestamp = self._clock() if restamp else None
            stamped = stamp_metadata(event, self._model_id, self._assistant_id, timestamp)
            self.tracker.update(stamped)
            self.new_events.append(stamped)
            if isinstance(stamped, BotUttered):
                self.messages.append(stamped.channel_message())
