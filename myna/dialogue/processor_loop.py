"""Steps 2, 4 and 5 of the message loop (dialogue-semantics.md §1): session start, slot
extraction and the prediction loop, each applied to a `Turn`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from myna.actions.executor import ActionExecutor
from myna.dialogue.actions.base import Action, ActionContext, ActionRejection, ResponseGenerator
from myna.dialogue.actions.remote import ActionFailed
from myna.dialogue.ensemble import PolicyEnsemble, circuit_breaker_tripped, rejected_action
from myna.dialogue.processor_errors import NoDialogueModelError
from myna.dialogue.processor_turn import FOLLOWUP_ACTION_POLICY, Decision, Turn
from myna.dialogue.session import session_metadata_events
from myna.events import ActionExecutionRejected, UserUttered
from myna.project.domain import Domain
from myna.tracker import ACTION_LISTEN, ACTION_SESSION_START, Tracker

logger = logging.getLogger(__name__)

ACTION_EXTRACT_SLOTS = "action_extract_slots"
RESTART_INTENT = "restart"

ActionResolver = Callable[[str, Domain], Action]


def predicts_another_action(action_name: str) -> bool:
    """Every action but `action_listen` and `action_session_start` continues the loop."""
    return action_name not in (ACTION_LISTEN, ACTION_SESSION_START)


def should_handle(tracker: Tracker) -> bool:
    """A paused conversation only reacts to the intent `restart`."""
    return not tracker.is_paused() or tracker.latest_message["intent"].get("name") == RESTART_INTENT


class DialogueLoop:
    """Runs actions on a turn: what the processor does between NLU and the store."""

    def __init__(
        self,
        domain: Domain,
        ensemble: PolicyEnsemble | None,
        nlg: ResponseGenerator,
        action_resolver: ActionResolver,
        executor: ActionExecutor | None,
        max_predictions: int,
    ) -> None:
        self.domain = domain
        self.ensemble = ensemble
        self.nlg = nlg
        self.resolve = action_resolver
        self.executor = executor
        self.max_predictions = max_predictions

    def context(self, channel: str) -> ActionContext:
        return ActionContext(self.domain, self.nlg, channel, self.executor)

    async def start_session(
        self, turn: Turn, channel: str, metadata: dict[str, Any] | None
    ) -> None:
        """`slot(session_started_metadata)` if there is metadata, then `action_session_start`."""
        turn.log(session_metadata_events(metadata))
        await self.run_action(turn, Decision(ACTION_SESSION_START, confidence=1.0), channel)

    async def extract_slots(self, turn: Turn, channel: str) -> None:
        """Run `action_extract_slots`; its events are logged without an `action` event."""
        action = self.resolve(ACTION_EXTRACT_SLOTS, self.domain)
        turn.log(await action.run(turn.tracker, self.context(channel)))

    async def predict_and_run(self, turn: Turn, channel: str) -> None:
        """Predict and run actions until one of them listens (or the circuit breaks)."""
        while should_handle(turn.tracker):
            if circuit_breaker_tripped(turn.tracker, self.max_predictions):
                logger.warning(
                    "Circuit breaker tripped: stopped predicting more actions for sender %r.",
                    turn.sender_id,
                )
                return
            decision = self.decide(turn.tracker)
            if decision.is_end_to_end:
                await self.extract_slots(turn, channel)
            if not await self.run_action(turn, decision, channel):
                return

    def decide(self, tracker: Tracker) -> Decision:
        """The pending followup action (unless it was just rejected), else the ensemble's."""
        followup = tracker.followup_action
        if followup and rejected_action(tracker) != followup:
            if followup in self.domain.action_names:
                return Decision(followup, FOLLOWUP_ACTION_POLICY, 1.0)
            logger.error("Trying to run unknown followup action %r.", followup)
        if self.ensemble is None:
            raise NoDialogueModelError()
        return Decision.from_prediction(self.ensemble.predict(tracker, self.domain))

    async def run_action(self, turn: Turn, decision: Decision, channel: str) -> bool:
        """Run the decided action and log what it did; whether to predict another action."""
        name = decision.action_name
        action = self.resolve(name, self.domain)
        temporary = turn.tracker.copy()
        temporary.update_with_events(decision.events)
        try:
            events = await action.run(temporary, self.context(channel))
        except ActionRejection:
            logger.debug("Action %r rejected execution.", name)
            turn.log([ActionExecutionRejected(name, decision.policy, decision.confidence)])
            return predicts_another_action(name)
        except ActionFailed:
            logger.exception("Action %r failed; it counts as executed with no events.", name)
            events = []
        if not any(isinstance(event, ActionExecutionRejected) for event in events):
            action_event = decision.action_event(name in self.domain.action_texts)
            turn.log([*decision.events, action_event])
        turn.log(events)
        if any(isinstance(event, UserUttered) for event in events):
            await self.extract_slots(turn, channel)
        return predicts_another_action(name)
