"""Actions that say a domain response: `utter_*`, retrieval `utter_<intent>`, e2e bot text.

A bot event made from a domain response carries `utter_action: <response name>` in its
metadata (with the variation's own extra keys), as in Rasa's recordings; a message a
custom action wrote itself carries no `utter_action`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from myna.dialogue.actions.base import Action, ActionContext, NamedAction
from myna.events import BotUttered, Event
from myna.tracker import Tracker

logger = logging.getLogger(__name__)

UTTER_PREFIX = "utter_"
RESPONSE_SELECTOR_KEY = "response_selector"
DEFAULT_SELECTOR = "default"


def utter_response(
    response: str, tracker: Tracker, context: ActionContext, *, required: bool = True
) -> list[Event]:
    """The bot event for domain response `response`, or nothing if it has no variation.

    A missing response is logged as an error when `required` (an `utter_*` action); the
    default actions that only utter a response "if defined" pass `required=False`.
    """
    message = context.nlg.generate(response, tracker, context.channel)
    if message is None:
        if required:
            logger.error("Couldn't create a message for response '%s'.", response)
        return []
    return [BotUttered.from_response(message, {"utter_action": response})]


class UtterAction(NamedAction):
    """`utter_<name>`: says the domain response of the same name."""

    async def run(self, tracker: Tracker, context: ActionContext) -> list[Event]:
        return utter_response(self._name, tracker, context)


def selected_response_name(action_name: str, parse_data: Mapping[str, Any]) -> str | None:
    """The `utter_<intent>/<key>` response the ResponseSelector chose for this action.

    The selector output keyed by the retrieval intent wins over the `default` one; None
    when the latest message has no applicable selector output.
    """
    selectors = parse_data.get(RESPONSE_SELECTOR_KEY) or {}
    intent = action_name.removeprefix(UTTER_PREFIX)
    key = intent if intent in selectors else DEFAULT_SELECTOR
    selected = selectors.get(key)
    if not isinstance(selected, Mapping):
        return None
    utter_action = (selected.get("response") or {}).get("utter_action")
    return utter_action if isinstance(utter_action, str) else None


class RetrievalAction(NamedAction):
    """`utter_<retrieval intent>`: says the response the ResponseSelector picked."""

    async def run(self, tracker: Tracker, context: ActionContext) -> list[Event]:
        response = selected_response_name(self._name, tracker.latest_message)
        if response is None:
            logger.error("Couldn't create a message for response action '%s'.", self._name)
            return []
        return utter_response(response, tracker, context)


class EndToEndUtterAction(Action):
    """An end-to-end bot text from the stories: the action's name is the text it says."""

    def __init__(self, text: str) -> None:
        self._text = text

    @property
    def name(self) -> str:
        return self._text

    async def run(self, tracker: Tracker, context: ActionContext) -> list[Event]:
        return [BotUttered.from_response({"text": self._text})]
