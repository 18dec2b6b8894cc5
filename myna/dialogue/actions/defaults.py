"""The default actions of dialogue-semantics.md §2, by name.

`DEFAULT_ACTION_FACTORIES` builds each of them from an `ActionResolver` (only the
two-stage fallback uses it, to find the actions it delegates to). `action_extract_slots`
is not here: the registry loads it from its own module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from myna.dialogue.actions.base import Action, ActionContext, NamedAction
from myna.dialogue.actions.fallback import (
    ACTION_LISTEN,
    ASK_AFFIRMATION,
    ASK_REPHRASE,
    DEFAULT_FALLBACK,
    REVERT_FALLBACK_EVENTS,
    TWO_STAGE_FALLBACK,
    ActionResolver,
    AskAffirmationAction,
    RevertFallbackEventsAction,
    TwoStageFallbackAction,
)
from myna.dialogue.actions.utter import utter_response
from myna.events import (
    ActionExecuted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
)
from myna.tracker import Tracker

ACTION_RESTART = "action_restart"
ACTION_SESSION_START = "action_session_start"
ACTION_DEACTIVATE_LOOP = "action_deactivate_loop"
ACTION_UNLIKELY_INTENT = "action_unlikely_intent"
ACTION_BACK = "action_back"
RULE_SNIPPET = "..."
REQUESTED_SLOT = "requested_slot"


class NoEventsAction(NamedAction):
    """Runs and returns nothing: `action_listen`, `action_unlikely_intent`, `...`."""

    async def run(self, tracker: Tracker, context: ActionContext) -> list[Event]:
        return []


class UtterIfDefinedAction(NamedAction):
    """Says `response` if the domain defines it (silently skipped if not), then `then()`."""

    def __init__(self, name: str, response: str, then: Callable[[], list[Event]] = list) -> None:
        super().__init__(name)
        self._response = response
        self._then = then

    async def run(self, tracker: Tracker, context: ActionContext) -> list[Event]:
        said = utter_response(self._response, tracker, context, required=False)
        return [*said, *self._then()]


class SessionStartAction(Action):
    """`session_started`, copies of the applied `slot` events (if carried over), listen.

    The copies keep name, value and metadata, in order, duplicates included; this also
    carries over `session_started_metadata` set just before the session start.
    """

    @property
    def name(self) -> str:
        return ACTION_SESSION_START

    async def run(self, tracker: Tracker, context: ActionContext) -> list[Event]:
        events: list[Event] = [SessionStarted()]
        if context.domain.session_config.carry_over_slots_to_new_session:
            events += [
                SlotSet(event.name, event.value, metadata=dict(event.metadata))
                for event in tracker.applied_events()
                if isinstance(event, SlotSet)
            ]
        events.append(ActionExecuted(ACTION_LISTEN))
        return events


class DeactivateLoopAction(Action):
    """Ends the active loop and clears `requested_slot`."""

    @property
    def name(self) -> str:
        return ACTION_DEACTIVATE_LOOP

    async def run(self, tracker: Tracker, context: ActionContext) -> list[Event]:
        return [ActiveLoop(None), SlotSet(REQUESTED_SLOT, None)]


def _restart() -> list[Event]:
    return [Restarted()]


def _rewind() -> list[Event]:
    return [UserUtteranceReverted()]


def _rewind_twice() -> list[Event]:
    return [UserUtteranceReverted(), UserUtteranceReverted()]


# Default action name → factory; keys in the order of DEFAULT_ACTIONS.
DEFAULT_ACTION_FACTORIES: Mapping[str, Callable[[ActionResolver], Action]] = MappingProxyType(
    {
        ACTION_LISTEN: lambda _: NoEventsAction(ACTION_LISTEN),
        ACTION_RESTART: lambda _: UtterIfDefinedAction(ACTION_RESTART, "utter_restart", _restart),
        ACTION_SESSION_START: lambda _: SessionStartAction(),
        DEFAULT_FALLBACK: lambda _: UtterIfDefinedAction(
            DEFAULT_FALLBACK, "utter_default", _rewind
        ),
        ACTION_DEACTIVATE_LOOP: lambda _: DeactivateLoopAction(),
        REVERT_FALLBACK_EVENTS: lambda _: RevertFallbackEventsAction(),
        ASK_AFFIRMATION: lambda _: AskAffirmationAction(),
        ASK_REPHRASE: lambda _: UtterIfDefinedAction(ASK_REPHRASE, "utter_ask_rephrase"),
        TWO_STAGE_FALLBACK: TwoStageFallbackAction,
        ACTION_UNLIKELY_INTENT: lambda _: NoEventsAction(ACTION_UNLIKELY_INTENT),
        ACTION_BACK: lambda _: UtterIfDefinedAction(ACTION_BACK, "utter_back", _rewind_twice),
        RULE_SNIPPET: lambda _: NoEventsAction(RULE_SNIPPET),
    }
)
