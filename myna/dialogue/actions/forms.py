"""Forms: the loop action named like the form (dialogue-semantics.md §5.2).

One run: activate (first run only), then — unless already done — validate the user's
input through `validate_<form>` and ask for the next slot, then deactivate when done.
The validation action sees a temporary tracker: the events after the latest restart,
`slot(requested_slot)`, `action(<form>)` and one `slot` event per candidate
(action-server-protocol.md §2), exactly as Rasa sends it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from myna.dialogue.actions.base import ActionContext, ActionRejection, NamedAction
from myna.dialogue.actions.extract_slots import ActionExtractSlots
from myna.dialogue.actions.registry import action_for_name
from myna.dialogue.actions.remote import RemoteAction
from myna.events import (
    ActionExecuted,
    ActionExecutionRejected,
    ActiveLoop,
    Event,
    SlotSet,
    UserUttered,
)
from myna.project.slots import REQUESTED_SLOT
from myna.tracker import ACTION_LISTEN, Tracker

logger = logging.getLogger(__name__)


def _latest_requested_slot(events: Iterable[Event]) -> SlotSet | None:
    found = [e for e in events if isinstance(e, SlotSet) and e.name == REQUESTED_SLOT]
    return found[-1] if found else None


def is_done(events: Sequence[Event]) -> bool:
    """Done: this run set `requested_slot` or the active loop to null last, unrejected."""
    if any(isinstance(event, ActionExecutionRejected) for event in events):
        return False
    requested = _latest_requested_slot(events)
    loops = [event for event in events if isinstance(event, ActiveLoop)]
    return (requested is not None and requested.value is None) or (
        bool(loops) and loops[-1].name is None
    )


def events_since_latest_user_message(tracker: Tracker) -> list[Event]:
    events = tracker.events
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], UserUttered):
            return list(events[index + 1 :])
    return list(events)


class FormAction(NamedAction):
    """The loop that fills the form's required slots (named after its form)."""

    async def run(self, tracker: Tracker, context: ActionContext) -> list[Event]:
        events: list[Event] = []
        if tracker.active_loop_name != self._name:
            events += await self._activate(tracker, context)
        if not is_done(events):
            events += await self._do(tracker, context, events)
        if is_done(events):
            logger.debug("Deactivating the form '%s'.", self._name)
            events.append(ActiveLoop(None))
        return events

    def required_slots(self, context: ActionContext) -> tuple[str, ...]:
        form = context.domain.forms.get(self._name)
        return form.required_slots if form is not None else ()

    def _has_validator(self, context: ActionContext) -> bool:
        return self._validator in context.domain.actions

    @property
    def _validator(self) -> str:
        return f"validate_{self._name}"

    def _slot_to_fill(self, tracker: Tracker) -> Any:
        """The requested slot, if it belongs to this (active) form."""
        if tracker.active_loop_name != self._name:
            return None
        return tracker.get_slot(REQUESTED_SLOT)

    # Activation

    async def _activate(self, tracker: Tracker, context: ActionContext) -> list[Event]:
        """`active_loop`, then the slots extraction fills now that the loop is active."""
        logger.debug("Activated the form '%s'.", self._name)
        active = tracker.copy()
        active.update(ActiveLoop(self._name))
        extracted = await ActionExtractSlots().run(active, context)
        active.update_with_events(extracted)
        if not self._has_validator(context):
            return [ActiveLoop(self._name), *extracted]
        prefilled = {
            slot: active.get_slot(slot)
            for slot in self.required_slots(context)
            if active.get_slot(slot) is not None
        }
        validation = await self._validate(prefilled, active, context)
        returned = {event.name for event in validation if isinstance(event, SlotSet)}
        unreturned = [e for e in extracted if not (isinstance(e, SlotSet) and e.name in returned)]
        return [ActiveLoop(self._name), *validation, *unreturned]

    # One turn

    async def _do(
        self, tracker: Tracker, context: ActionContext, events_so_far: list[Event]
    ) -> list[Event]:
        events = await self._validate_if_required(tracker, context, events_so_far)
        if any(isinstance(event, ActionExecutionRejected) for event in events):
            return events
        return [*events, *await self._request_next_slot(tracker, context, events_so_far + events)]

    async def _validate_if_required(
        self, tracker: Tracker, context: ActionContext, events_so_far: list[Event]
    ) -> list[Event]:
        """Validate the user's input, unless returning from an unhappy path.

        On activation this runs only if activation set no slot. After an interruption
        the validation action is still called, without candidates, for its
        `requested_slot` overrides.
        """
        if tracker.active_loop_name != self._name:
            if any(isinstance(event, SlotSet) for event in events_so_far):
                return []
            return await self._validate_user_input(tracker, context)
        interrupted = bool(tracker.active_loop.get("is_interrupted"))
        if tracker.latest_action_name == ACTION_LISTEN and not interrupted:
            return await self._validate_user_input(tracker, context)
        return await self._validate({}, tracker, context)

    async def _validate_user_input(self, tracker: Tracker, context: ActionContext) -> list[Event]:
        """Validate the slots set since the user's message; reject if none was filled."""
        requested = self._slot_to_fill(tracker)
        wanted = {*self.required_slots(context), requested}
        candidates = {
            event.name: event.value
            for event in events_since_latest_user_message(tracker)
            if isinstance(event, SlotSet) and event.name in wanted
        }
        events = await self._validate(candidates, tracker, context)
        filled = any(isinstance(e, SlotSet) and e.name != REQUESTED_SLOT for e in events)
        rejected = any(isinstance(e, ActionExecutionRejected) for e in events)
        if requested and not filled and not rejected:
            raise ActionRejection(
                self._name, f"Failed to extract slot {requested} with action {self._name}"
            )
        return events

    async def _validate(
        self, candidates: Mapping[str, Any], tracker: Tracker, context: ActionContext
    ) -> list[Event]:
        """The validation action's events; the candidates as SlotSets without one."""
        slot_events: list[Event] = [SlotSet(name, value) for name, value in candidates.items()]
        if not self._has_validator(context):
            return slot_events
        temporary = self._temporary_tracker(tracker, slot_events, context)
        return await RemoteAction(self._validator).run(temporary, context)

    def _temporary_tracker(
        self, tracker: Tracker, events: Sequence[Event], context: ActionContext
    ) -> Tracker:
        return type(tracker)(
            tracker.sender_id,
            context.domain.slot_initial_values(),
            [
                *tracker.events_after_latest_restart(),
                SlotSet(REQUESTED_SLOT, self._slot_to_fill(tracker)),
                ActionExecuted(self._name),
                *events,
            ],
        )

    # Asking

    async def _request_next_slot(
        self, tracker: Tracker, context: ActionContext, events_so_far: list[Event]
    ) -> list[Event]:
        """`slot(requested_slot)` and the question; `requested_slot=null` when all filled."""
        if is_done(events_so_far):
            return [SlotSet(REQUESTED_SLOT, None)]
        temporary = self._temporary_tracker(tracker, events_so_far, context)
        chosen = _latest_requested_slot(events_so_far)
        slot = chosen.value if chosen is not None else None
        request: list[Event] = []
        if not slot:
            slot = next(
                (name for name in self.required_slots(context) if temporary.get_slot(name) is None),
                None,
            )
            request.append(SlotSet(REQUESTED_SLOT, slot))
        if not slot:
            return [SlotSet(REQUESTED_SLOT, None)]
        return [*request, *await self._ask_for(slot, temporary, context)]

    async def _ask_for(self, slot: str, tracker: Tracker, context: ActionContext) -> list[Event]:
        """Run the first existing question action for `slot` (none: ask nothing)."""
        candidates = (
            f"action_ask_{self._name}_{slot}",
            f"utter_ask_{self._name}_{slot}",
            f"action_ask_{slot}",
            f"utter_ask_{slot}",
        )
        found = next((name for name in candidates if name in context.domain.action_names), None)
        if found is None:
            logger.debug("No question for slot '%s' of form '%s'.", slot, self._name)
            return []
        return await action_for_name(found, context.domain).run(tracker, context)
