"""The conversation state derived from events: one applier per event type.

Events not listed in `_APPLIERS` (reminders, `export`, `agent`) leave the state as it is.
"""

import copy
import dataclasses
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Self

from myna.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActionReverted,
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    DefinePrevUserUtteredFeaturization,
    EntitiesAdded,
    Event,
    FollowupAction,
    LoopInterrupted,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
    parse_data_shape,
)
from myna.tracker.applied import applied_events

logger = logging.getLogger(__name__)

ACTION_LISTEN = "action_listen"
ACTION_SESSION_START = "action_session_start"


@dataclasses.dataclass(slots=True)
class LoopState:
    """The active loop (form) and how its latest execution went."""

    name: str
    is_interrupted: bool = False
    rejected: bool = False
    trigger_message: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "is_interrupted": self.is_interrupted,
            "rejected": self.rejected,
            "trigger_message": self.trigger_message,
        }


class TrackerState:
    """Mutable state of one conversation; `reset` gives the state of a fresh one."""

    __slots__ = (
        "active_loop",
        "followup_action",
        "initial_slots",
        "latest_action",
        "latest_bot_utterance",
        "latest_entities",
        "latest_message",
        "paused",
        "slots",
        "use_text_for_featurization",
    )

    initial_slots: Mapping[str, Any]
    slots: dict[str, Any]
    latest_message: UserUttered | None
    # NLU entities of the latest message plus those added by `entities` events.
    latest_entities: list[dict[str, Any]]
    use_text_for_featurization: bool | None
    latest_bot_utterance: BotUttered | None
    latest_action: dict[str, Any]
    followup_action: str | None
    paused: bool
    active_loop: LoopState | None

    def __init__(self, initial_slots: Mapping[str, Any]) -> None:
        self.initial_slots = initial_slots
        self.reset()

    def reset(self) -> None:
        self.slots = dict(self.initial_slots)
        self.latest_message = None
        self.latest_entities = []
        self.use_text_for_featurization = None
        self.latest_bot_utterance = None
        self.latest_action = {}
        self.followup_action = ACTION_LISTEN
        self.paused = False
        self.active_loop = None

    def copy(self) -> Self:
        twin = copy.copy(self)
        twin.slots = dict(self.slots)
        twin.latest_entities = list(self.latest_entities)
        twin.latest_action = dict(self.latest_action)
        twin.active_loop = copy.copy(self.active_loop)
        return twin

    @property
    def latest_action_name(self) -> str | None:
        return self.latest_action.get("action_name") or self.latest_action.get("action_text")

    def latest_parse_data(self) -> dict[str, Any]:
        if self.latest_message is None:
            return parse_data_shape()
        return self.latest_message.parse_data

    def apply(self, event: Event, history: Sequence[Event]) -> None:
        """Apply `event`, the last element of `history` (the events so far)."""
        if isinstance(event, UserUtteranceReverted | ActionReverted):
            self.replay(history)
        else:
            _apply_one(self, event)

    def replay(self, history: Sequence[Event]) -> None:
        """Rebuild the state from the applied events of `history`."""
        self.reset()
        for event in applied_events(history):
            _apply_one(self, event)


def _apply_one(state: TrackerState, event: Event) -> None:
    applier = _APPLIERS.get(type(event))
    if applier is not None:
        applier(state, event)


def _user(state: TrackerState, event: UserUttered) -> None:
    state.latest_message = event
    state.latest_entities = list(event.entities)
    if event.text and not event.intent_name:
        state.use_text_for_featurization = True
    elif event.intent_name and not event.text:
        state.use_text_for_featurization = False
    else:
        state.use_text_for_featurization = None
    state.followup_action = None


def _featurization(state: TrackerState, event: DefinePrevUserUtteredFeaturization) -> None:
    if state.latest_action_name == ACTION_LISTEN:
        state.use_text_for_featurization = event.use_text_for_featurization


def _entities(state: TrackerState, event: EntitiesAdded) -> None:
    if state.latest_action_name != ACTION_LISTEN:
        return
    for entity in event.entities:
        if entity not in state.latest_entities:
            state.latest_entities.append(entity)


def _bot(state: TrackerState, event: BotUttered) -> None:
    state.latest_bot_utterance = event


def _slot(state: TrackerState, event: SlotSet) -> None:
    if event.name in state.slots:
        state.slots[event.name] = event.value
    else:
        logger.warning("ignoring a value for slot %r, which the domain does not define", event.name)


def _reset_slots(state: TrackerState, _event: AllSlotsReset) -> None:
    state.slots = dict(state.initial_slots)


def _restart(state: TrackerState, _event: Restarted) -> None:
    state.reset()
    state.followup_action = ACTION_SESSION_START


def _session_started(state: TrackerState, _event: SessionStarted) -> None:
    state.reset()


def _followup(state: TrackerState, event: FollowupAction) -> None:
    state.followup_action = event.name


def _pause(state: TrackerState, _event: ConversationPaused) -> None:
    state.paused = True


def _resume(state: TrackerState, _event: ConversationResumed) -> None:
    state.paused = False


def _action(state: TrackerState, event: ActionExecuted) -> None:
    if event.name:
        state.latest_action = {"action_name": event.name}
    else:
        state.latest_action = {"action_text": event.action_text}
    state.followup_action = None
    loop = state.active_loop
    if loop is not None:
        loop.is_interrupted = False
        if loop.name == event.name:
            loop.rejected = False


def _active_loop(state: TrackerState, event: ActiveLoop) -> None:
    if event.name is None:
        state.active_loop = None
    else:
        state.active_loop = LoopState(event.name, trigger_message=state.latest_parse_data())


def _loop_interrupted(state: TrackerState, event: LoopInterrupted) -> None:
    if state.active_loop is not None:
        state.active_loop.is_interrupted = event.is_interrupted


def _rejected(state: TrackerState, event: ActionExecutionRejected) -> None:
    if state.active_loop is not None and state.active_loop.name == event.name:
        state.active_loop.rejected = True


_APPLIERS: dict[type[Event], Callable[[TrackerState, Any], None]] = {
    UserUttered: _user,
    DefinePrevUserUtteredFeaturization: _featurization,
    EntitiesAdded: _entities,
    BotUttered: _bot,
    SlotSet: _slot,
    AllSlotsReset: _reset_slots,
    Restarted: _restart,
    SessionStarted: _session_started,
    FollowupAction: _followup,
    ConversationPaused: _pause,
    ConversationResumed: _resume,
    ActionExecuted: _action,
    ActiveLoop: _active_loop,
    LoopInterrupted: _loop_interrupted,
    ActionExecutionRejected: _rejected,
}
