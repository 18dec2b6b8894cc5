"""The two custom actions of the golden booking bot (shared/golden/bot), on Myna's SDK.

They behave like the recording action server described in shared/golden/README.md.
"""

from __future__ import annotations

from typing import Any

from myna.sdk import Action, FormValidationAction, Tracker
from myna.sdk.events import SlotSet
from myna.sdk.executor import CollectingDispatcher
from myna.sdk.types import DomainDict

PARTY_SIZE_ERROR = "Party size must be between 1 and 20."


class ValidateBookingForm(FormValidationAction):
    def name(self) -> str:
        return "validate_booking_form"

    def validate_party_size(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not 1 <= float(value) <= 20:
            dispatcher.utter_message(text=PARTY_SIZE_ERROR)
            return {"party_size": None}
        return {"party_size": value}

    # No validate_cuisine: the SDK keeps an extracted cuisine as it is.


class ActionConfirmBooking(Action):
    def name(self) -> str:
        return "action_confirm_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        party_size, cuisine = tracker.get_slot("party_size"), tracker.get_slot("cuisine")
        dispatcher.utter_message(text=f"Booked a table for {party_size} ({cuisine}).")
        return [SlotSet("visits", int(tracker.get_slot("visits") or 0) + 1)]
