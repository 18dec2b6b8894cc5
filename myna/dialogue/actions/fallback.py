"""The fallback default actions: ask affirmation, two-stage fallback, legacy revert.

`action_two_stage_fallback` is a loop (dialogue-semantics.md §2): on activation, or
while the user's message is still `nlu_fallback`, it asks the user to affirm the intent;
after a denial (`out_of_scope`) it asks them to rephrase. It ends when the user
clarified (an intent other than `nlu_fallback`/`out_of_scope`): the fallback turns are
reverted and the clarified message is replayed with confidence 1. Two fallbacks in a
row, or a failed second affirmation, end it with `action_default_fallback` instead.
The affirmation, rephrase and fallback steps run through the resolver, so a custom
action listed under one of those names takes their place, as in Rasa.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

from myna.dialogue.actions.base import Action, ActionContext
from myna.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    UserUtteranceReverted,
    UserUttered,
)
from myna.tracker import Tracker

ACTION_LISTEN = "action_listen"
ASK_AFFIRMATION = "action_default_ask_affirmation"
ASK_REPHRASE = "action_default_ask_rephrase"
DEFAULT_FALLBACK = "action_default_fallback"
TWO_STAGE_FALLBACK = "action_two_stage_fallback"
REVERT_FALLBACK_EVENTS = "action_revert_fallback_events"
NLU_FALLBACK_INTENT = "nlu_fallback"
OUT_OF_SCOPE_INTENT = "out_of_scope"

ActionResolver = Callable[[str], Action]


def latest_intent_name(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def last_intent_names(tracker: Tracker, count: int) -> list[str | None]:
    """Intents of the latest `count` user messages or rewinds after the latest restart.

    A rewind takes up one of the `count` places but contributes no name (as in Rasa).
    """
    recent = [
        event
        for event in reversed(tracker.events_after_latest_restart())
        if isinstance(event, UserUttered | UserUtteranceReverted)
    ][:count]
    return [event.intent_name for event in recent if isinstance(event, UserUttered)]


def replayed_user_message(tracker: Tracker, *, confident: bool) -> list[Event]:
    """A fresh copy of the latest user message (its intent confidence set to 1 if asked)."""
    event = tracker.latest_user_event
    if event is None:
        return []
    parse_data = {**event.parse_data, "entities": tracker.latest_message["entities"]}
    if confident:
        parse_data["intent"] = {**(event.intent or {}), "confidence": 1.0}
    return [dataclasses.replace(event, parse_data=parse_data, timestamp=time.time())]


class AskAffirmationAction(Action):
    """`Did you mean '<intent>'?` with Yes (`/<intent>`) and No (`/out_of_scope`) buttons."""

    @property
    def name(self) -> str:
        return ASK_AFFIRMATION

    async def run(self, tracker: Tracker, context: ActionContext) -> list[Event]:
        intent = latest_intent_name(tracker)
        ranking = tracker.latest_message.get("intent_ranking") or []
        if intent == NLU_FALLBACK_INTENT and len(ranking) > 1:
            intent = ranking[1].get("name")
        message = {
            "text": f"Did you mean '{intent}'?",
            "buttons": [
                {"title": "Yes", "payload": f"/{intent}"},
                {"title": "No", "payload": f"/{OUT_OF_SCOPE_INTENT}"},
            ],
            "utter_action": ASK_AFFIRMATION,
        }
        return [BotUttered.from_response(message)]


def _two_fallbacks_in_a_row(tracker: Tracker) -> bool:
    return last_intent_names(tracker, 2) == [NLU_FALLBACK_INTENT, NLU_FALLBACK_INTENT]


def _second_affirmation_failed(tracker: Tracker) -> bool:
    expected = [OUT_OF_SCOPE_INTENT, NLU_FALLBACK_INTENT, OUT_OF_SCOPE_INTENT]
    return last_intent_names(tracker, 3) == expected


def _gives_up(tracker: Tracker) -> bool:
    return _two_fallbacks_in_a_row(tracker) or _second_affirmation_failed(tracker)


def _user_clarified(tracker: Tracker) -> bool:
    return latest_intent_name(tracker) not in (NLU_FALLBACK_INTENT, OUT_OF_SCOPE_INTENT)


class TwoStageFallbackAction(Action):
    """The two-stage fallback loop; `resolve` finds the actions it delegates to."""

    def __init__(self, resolve: ActionResolver) -> None:
        self._resolve = resolve

    @property
    def name(self) -> str:
        return TWO_STAGE_FALLBACK

    async def run(self, tracker: Tracker, context: ActionContext) -> list[Event]:
        just_activated = tracker.active_loop_name != TWO_STAGE_FALLBACK
        events: list[Event] = [ActiveLoop(TWO_STAGE_FALLBACK)] if just_activated else []
        if not (_user_clarified(tracker) or _gives_up(tracker)):
            affirm = just_activated or latest_intent_name(tracker) == NLU_FALLBACK_INTENT
            asking = self._resolve(ASK_AFFIRMATION if affirm else ASK_REPHRASE)
            return [*events, *await asking.run(tracker, context)]
        events.append(ActiveLoop(None))
        if _gives_up(tracker):
            return [*events, *await self._resolve(DEFAULT_FALLBACK).run(tracker, context)]
        clarification = replayed_user_message(tracker, confident=True)
        return [*events, UserUtteranceReverted(), ActionExecuted(ACTION_LISTEN), *clarification]


def _last_executed_is(tracker: Tracker, name: str, skip: int = 0) -> bool:
    """Whether the `skip`-th latest applied action other than `action_listen` is `name`."""
    executed = [
        event.name
        for event in reversed(tracker.applied_events())
        if isinstance(event, ActionExecuted) and event.name != ACTION_LISTEN
    ]
    return len(executed) > skip and executed[skip] == name


def _revert_rephrasing() -> list[Event]:
    """Remove the rephrasing, the rephrase request and the affirmation request."""
    return [
        UserUtteranceReverted(),
        UserUtteranceReverted(),
        UserUtteranceReverted(),
        ActionExecuted(ACTION_LISTEN),
    ]


class RevertFallbackEventsAction(Action):
    """Legacy (pre-3.0 TwoStageFallbackPolicy) cleanup after a rephrasing or affirmation."""

    @property
    def name(self) -> str:
        return REVERT_FALLBACK_EVENTS

    async def run(self, tracker: Tracker, context: ActionContext) -> list[Event]:
        if _last_executed_is(tracker, ASK_REPHRASE):
            return [*_revert_rephrasing(), *replayed_user_message(tracker, confident=False)]
        if not _last_executed_is(tracker, ASK_AFFIRMATION):
            return []
        events: list[Event] = [
            UserUtteranceReverted(),
            UserUtteranceReverted(),
            ActionExecuted(ACTION_LISTEN),
        ]
        if _last_executed_is(tracker, ASK_REPHRASE, skip=1):
            events += _revert_rephrasing()
        return [*events, *replayed_user_message(tracker, confident=True)]
