"""`action_extract_slots`: fill slots from the latest user message (dialogue-semantics.md §5.1).

Predefined mappings give SlotSets (see `myna.dialogue.slot_mappings`); `custom` mappings
with an `action` run that custom action once, keeping only its `slot` and `bot` events.
If the domain lists `action_validate_slot_mappings`, it validates the SlotSets: its
SlotSets replace the candidates, candidates it does not return are kept. A failing
custom mapping action or validation action is logged and yields no events.
"""

from __future__ import annotations

import logging

from myna.dialogue.actions.base import Action, ActionContext, ActionRejection
from myna.dialogue.actions.registry import ACTION_EXTRACT_SLOTS
from myna.dialogue.actions.remote import ActionFailed, RemoteAction
from myna.dialogue.slot_mappings import extraction_steps
from myna.events import BotUttered, Event, SlotSet
from myna.tracker import Tracker

logger = logging.getLogger(__name__)

ACTION_VALIDATE_SLOT_MAPPINGS = "action_validate_slot_mappings"


async def slot_and_bot_events(name: str, tracker: Tracker, context: ActionContext) -> list[Event]:
    """Run custom action `name`, keeping its `slot` and `bot` events; nothing on failure."""
    try:
        events = await RemoteAction(name).run(tracker, context)
    except (ActionRejection, ActionFailed) as error:
        logger.warning("Ignoring custom action '%s' during slot extraction: %s", name, error)
        return []
    kept = [event for event in events if isinstance(event, SlotSet | BotUttered)]
    if len(kept) < len(events):
        logger.warning(
            "Custom action '%s' returned events other than 'slot' and 'bot'; they are ignored.",
            name,
        )
    return kept


class ActionExtractSlots(Action):
    """Runs after every user message and whenever a form activates."""

    @property
    def name(self) -> str:
        return ACTION_EXTRACT_SLOTS

    async def run(self, tracker: Tracker, context: ActionContext) -> list[Event]:
        events: list[Event] = []
        for step in extraction_steps(tracker, context.domain):
            if isinstance(step, SlotSet):
                events.append(step)
            else:
                events += await slot_and_bot_events(step.name, tracker, context)
        if ACTION_VALIDATE_SLOT_MAPPINGS not in context.domain.actions:
            return events
        return await _validated(events, tracker, context)


async def _validated(events: list[Event], tracker: Tracker, context: ActionContext) -> list[Event]:
    """Bot messages of the extraction, the validation's events, then unreturned candidates."""
    candidates = [event for event in events if isinstance(event, SlotSet)]
    messages = [event for event in events if not isinstance(event, SlotSet)]
    temporary = type(tracker)(
        tracker.sender_id,
        context.domain.slot_initial_values(),
        [*tracker.events_after_latest_restart(), *candidates],
    )
    validation = await slot_and_bot_events(ACTION_VALIDATE_SLOT_MAPPINGS, temporary, context)
    returned = {event.name for event in validation if isinstance(event, SlotSet)}
    kept = [event for event in candidates if event.name not in returned]
    return [*messages, *validation, *kept]
