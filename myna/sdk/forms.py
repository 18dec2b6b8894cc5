"""`ValidationAction` (global slots) and `FormValidationAction` (`validate_<form>`).

Run algorithm (action-server-protocol.md §6.2): the slots to handle come from
`required_slots`; `extract_<slot>` methods add candidates; the candidates (the trailing
`slot` events of the tracker) are checked by `validate_<slot>` methods; one `SlotSet`
per remaining candidate is returned. A form whose slot list was overridden also says
which slot to request next.
"""

from __future__ import annotations

import logging
from typing import Any

from myna.sdk.events import EventType, SlotSet
from myna.sdk.executor import CollectingDispatcher, call_potential_coroutine
from myna.sdk.interfaces import Action, Tracker
from myna.sdk.types import DomainDict

logger = logging.getLogger(__name__)

REQUESTED_SLOT = "requested_slot"
GLOBAL_VALIDATION_ACTION = "action_validate_slot_mappings"


class ValidationAction(Action):
    """Extracts and validates global slots (those whose mappings name no `active_loop`)."""

    def name(self) -> str:
        return GLOBAL_VALIDATION_ACTION

    def domain_slots(self, domain: DomainDict) -> list[str]:
        """The slots this action handles before `required_slots` adjusts the list."""
        return [
            name
            for name, slot in (domain.get("slots") or {}).items()
            if not _mapped_to_a_loop(slot)
        ]

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """Override to add, remove or reorder the slots to extract and validate."""
        return list(domain_slots)

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        tracker.add_slots(await self.get_extraction_events(dispatcher, tracker, domain))
        return await self.get_validation_events(dispatcher, tracker, domain)

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """SlotSets for what the `extract_<slot>` methods found."""
        slots = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        return await self._extracted(slots, dispatcher, tracker, domain)

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """SlotSets for the slot candidates after the `validate_<slot>` methods."""
        slots = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        return await self._validated(slots, dispatcher, tracker, domain)

    async def _extracted(
        self,
        slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        found: dict[str, Any] = {}
        for slot in slots:
            method = getattr(self, f"extract_{_method_suffix(slot)}", None)
            if method is None:
                continue
            output = await call_potential_coroutine(method(dispatcher, tracker, domain))
            if _is_slot_dict(self, method.__name__, output):
                found.update(output)
                tracker.slots.update(output)  # later extractions see earlier ones
        return [SlotSet(slot, value) for slot, value in found.items()]

    async def _validated(
        self,
        slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        candidates = {k: v for k, v in tracker.slots_to_validate().items() if k in slots}
        for slot, value in list(candidates.items()):
            method = getattr(self, f"validate_{_method_suffix(slot)}", None)
            if method is None:
                logger.warning(
                    "%s has no method 'validate_%s': slot '%s' is kept as extracted.",
                    self.name(),
                    _method_suffix(slot),
                    slot,
                )
                continue
            output = await call_potential_coroutine(method(value, dispatcher, tracker, domain))
            if _is_slot_dict(self, method.__name__, output):
                candidates.update(output)
                tracker.slots.update(output)
        return [SlotSet(slot, value) for slot, value in candidates.items()]


class FormValidationAction(ValidationAction):
    """Validates the slots of one form; `name()` must be `validate_<form name>`."""

    def name(self) -> str:
        raise NotImplementedError("A form validation action must implement a name")

    def form_name(self) -> str:
        return self.name().replace("validate_", "", 1)

    def domain_slots(self, domain: DomainDict) -> list[str]:
        """The form's `required_slots` in the domain."""
        form = (domain.get("forms") or {}).get(self.form_name()) or {}
        return list(form.get("required_slots") or [])

    async def next_requested_slot(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> EventType | None:
        """`SlotSet(requested_slot, <first empty slot or None>)` if `required_slots` was
        overridden; None (the engine picks the next slot) otherwise."""
        domain_slots = self.domain_slots(domain)
        slots = await self.required_slots(domain_slots, dispatcher, tracker, domain)
        if slots == domain_slots:
            return None
        missing = (slot for slot in slots if tracker.slots.get(slot) is None)
        return SlotSet(REQUESTED_SLOT, next(missing, None))

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events = await super().run(dispatcher, tracker, domain)
        requested = await self.next_requested_slot(dispatcher, tracker, domain)
        return [*events, requested] if requested is not None else events


def _method_suffix(slot: str) -> str:
    return slot.replace("-", "_")


def _mapped_to_a_loop(slot: dict[str, Any]) -> bool:
    return any(
        condition.get("active_loop") is not None
        for mapping in slot.get("mappings") or []
        for condition in mapping.get("conditions") or []
    )


def _is_slot_dict(action: Action, method: str, output: object) -> bool:
    if isinstance(output, dict):
        return True
    logger.warning("%s.%s returned %r instead of a dict: ignored.", action.name(), method, output)
    return False
