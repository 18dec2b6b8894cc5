"""Action bookkeeping: `action`, `followup`, `action_execution_rejected`, `undo`."""

from typing import ClassVar

from myna.events.base import Event, event_type


@event_type
class ActionExecuted(Event):
    """An action ran; `name` is None and `action_text` set for end-to-end bot text."""

    type_name: ClassVar[str] = "action"

    name: str | None = None
    policy: str | None = None
    confidence: float | None = None
    action_text: str | None = None
    hide_rule_turn: bool = False


@event_type
class FollowupAction(Event):
    """Forces the next predicted action to be `name`."""

    type_name: ClassVar[str] = "followup"

    name: str


@event_type
class ActionExecutionRejected(Event):
    """Action `name` refused to run; rejects the active loop if it is that action."""

    type_name: ClassVar[str] = "action_execution_rejected"

    name: str
    policy: str | None = None
    confidence: float | None = None


@event_type
class ActionReverted(Event):
    """Undo: removes the latest `action` event and everything after it."""

    type_name: ClassVar[str] = "undo"
