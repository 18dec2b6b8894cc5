"""Slot changes: `slot` and `reset_slots`."""

from typing import Any, ClassVar

from myna.events.base import Event, event_type


@event_type
class SlotSet(Event):
    """Sets slot `name` to `value` (both keys required on input; the value may be null)."""

    type_name: ClassVar[str] = "slot"

    name: str
    value: Any


@event_type
class AllSlotsReset(Event):
    """Every slot back to its initial value."""

    type_name: ClassVar[str] = "reset_slots"
