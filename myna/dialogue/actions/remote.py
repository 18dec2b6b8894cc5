"""Custom actions, run through the `ActionExecutor` port (action-server-protocol.md §3-§4).

The action's `responses` become `bot` events, placed before its returned `events`. A
rejection becomes `ActionRejection`; every other failure (no executor, unknown action,
server error) is logged and raised as `ActionFailed`, which the message loop turns into
"executed with no events" (dialogue-semantics.md §1.d).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from myna.actions.executor import (
    ActionNotFound,
    ActionRejected,
    ActionResult,
    ActionServerError,
)
from myna.dialogue.actions.base import ActionContext, ActionRejection, NamedAction
from myna.events import BotUttered, Event
from myna.tracker import Tracker

logger = logging.getLogger(__name__)

# `generate`'s own parameter names cannot be passed as interpolation variables.
_GENERATE_PARAMETERS = frozenset({"response", "tracker", "channel"})


class ActionFailed(Exception):
    """A custom action produced no result; it counts as executed with no events."""

    def __init__(self, action_name: str, reason: str) -> None:
        super().__init__(f"Failed to run custom action '{action_name}': {reason}")
        self.action_name = action_name
        self.reason = reason


def _message_for(
    item: Mapping[str, Any], tracker: Tracker, context: ActionContext
) -> dict[str, Any] | None:
    """The message dict of one `responses` item; None when its named response is missing.

    An item naming a domain response (`response`, or the legacy alias `template` alone)
    is generated through the NLG with the item's other keys as variables and gets
    `utter_action`; then the item's buttons are appended and its non-empty keys overlaid.
    """
    rest = dict(item)
    response = rest.pop("response", None) or rest.get("template")
    message: dict[str, Any] = {}
    if response:
        variables = {k: v for k, v in rest.items() if k not in _GENERATE_PARAMETERS}
        generated = context.nlg.generate(response, tracker, context.channel, **variables)
        if generated is None:
            logger.error("Couldn't create a message for response '%s'.", response)
            return None
        message = {**generated, "utter_action": response}
    buttons = rest.pop("buttons", None) or []
    if buttons:
        message["buttons"] = [*(message.get("buttons") or []), *buttons]
    message.update({key: value for key, value in rest.items() if value})
    return message


def bot_events_for(
    responses: list[dict[str, Any]], tracker: Tracker, context: ActionContext
) -> list[Event]:
    """The `bot` events for a custom action's `responses`, in order."""
    messages = (_message_for(item, tracker, context) for item in responses)
    return [BotUttered.from_response(message) for message in messages if message is not None]


class RemoteAction(NamedAction):
    """A custom action, run by whatever `ActionExecutor` the context carries."""

    async def run(self, tracker: Tracker, context: ActionContext) -> list[Event]:
        result = await self._execute(tracker, context)
        return [*bot_events_for(result.responses, tracker, context), *result.events]

    async def _execute(self, tracker: Tracker, context: ActionContext) -> ActionResult:
        if context.executor is None:
            reason = "no action endpoint is configured to run custom actions"
            logger.error("Failed to run custom action '%s': %s", self._name, reason)
            raise ActionFailed(self._name, reason)
        try:
            return await context.executor.run(self._name, tracker, context.domain)
        except ActionRejected as rejected:
            logger.info("Custom action '%s' rejected execution: %s", self._name, rejected)
            raise ActionRejection(self._name, rejected.message) from rejected
        except (ActionNotFound, ActionServerError) as error:
            logger.error("Failed to run custom action '%s': %s", self._name, error)
            raise ActionFailed(self._name, str(error)) from error
