"""Custom actions of the restaurant example bot, written against the rasa_sdk API.

The four ``rasa_sdk`` imports below are the only lines that name the SDK: point them
at Myna's SDK to run the same actions there.
"""

from __future__ import annotations

import uuid
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from .orders import OrderLookupFailed, find_order, normalise_order_id, orders_db_url
from .parsing import (
    FIRST_SEATING,
    LAST_SEATING,
    MAX_PARTY_SIZE,
    MIN_PARTY_SIZE,
    SUPPORTED_CUISINES,
    format_party_size,
    is_valid_party_size,
    is_within_opening_hours,
    match_cuisine,
    normalise_time,
    parse_party_size,
)
from .weather import WeatherUnavailable, fetch_weather

FORM_SLOTS = ("party_size", "time", "cuisine")
PARTY_SIZE_ERROR = f"Party size must be between {MIN_PARTY_SIZE} and {MAX_PARTY_SIZE}."
TIME_ERROR = "Sorry, I couldn't read that as a time. Try something like 7pm or 19:30."
OPENING_HOURS_ERROR = (
    f"We seat guests between {FIRST_SEATING} and {LAST_SEATING}. "
    "Could you pick a time in that window?"
)


class ValidateRestaurantBookingForm(FormValidationAction):
    """Checks and normalises the slots of restaurant_booking_form."""

    def name(self) -> str:
        return "validate_restaurant_booking_form"

    def extract_party_size(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A correction without a number ("we need a bigger table") clears party_size,
        so that the form asks for it again."""
        if tracker.get_intent_of_latest_message() != "correct_party_size":
            return {}
        if _latest_entity(tracker, "party_size") is not None:
            return {}
        return {"party_size": None}

    def validate_party_size(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        if value is None:  # cleared by extract_party_size
            return {"party_size": None}
        size = parse_party_size(value)
        if not is_valid_party_size(size):
            dispatcher.utter_message(text=PARTY_SIZE_ERROR)
            return {"party_size": None}
        if tracker.get_intent_of_latest_message() == "correct_party_size":
            dispatcher.utter_message(text=f"Got it, a table for {size} then.")
        return {"party_size": size}

    def validate_time(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        hhmm = normalise_time(value)
        if hhmm is None:
            dispatcher.utter_message(text=TIME_ERROR)
            return {"time": None}
        if not is_within_opening_hours(hhmm):
            dispatcher.utter_message(text=OPENING_HOURS_ERROR)
            return {"time": None}
        return {"time": hhmm}

    def validate_cuisine(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        cuisine = match_cuisine(value)
        if cuisine is None:
            kitchens = ", ".join(SUPPORTED_CUISINES)
            dispatcher.utter_message(
                text=f"Sorry, we don't have a {value} kitchen. We have: {kitchens}."
            )
        return {"cuisine": cuisine}


class ActionCheckWeather(Action):
    """Tells the guest the weather in a city (for a table on the terrace)."""

    def name(self) -> str:
        return "action_check_weather"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        city = _latest_entity(tracker, "city") or tracker.get_slot("city")
        if not city:
            dispatcher.utter_message(text="Which city should I check the weather for?")
            return []
        try:
            report = await fetch_weather(city)
        except WeatherUnavailable:
            dispatcher.utter_message(
                text=f"Sorry, the weather service isn't answering, so I can't tell "
                f"you the weather in {city} right now."
            )
            return []
        dispatcher.utter_message(text=report.describe())
        return []


class ActionLookupOrder(Action):
    """Reports the status of a takeaway order."""

    def name(self) -> str:
        return "action_lookup_order"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        order_id = _latest_entity(tracker, "order_id") or tracker.get_slot("order_id")
        if not order_id:
            dispatcher.utter_message(
                text="Sure. What's your order number? It looks like ORD-12345."
            )
            return []
        try:
            order = find_order(orders_db_url(), order_id)
        except OrderLookupFailed:
            dispatcher.utter_message(text="Sorry, order tracking is unavailable right now.")
            return []
        if order is None:
            dispatcher.utter_message(
                text=f"I couldn't find order {normalise_order_id(order_id)}. "
                "Please check the number on your receipt."
            )
            return []
        dispatcher.utter_message(text=order.describe())
        return []


class ActionMakeReservation(Action):
    """Confirms the booking, stores its number and clears the form for the next one."""

    def name(self) -> str:
        return "action_make_reservation"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        details = {slot: tracker.get_slot(slot) for slot in FORM_SLOTS}
        if any(value is None for value in details.values()):
            dispatcher.utter_message(
                text="I'm still missing some booking details, so nothing is reserved yet."
            )
            return []
        reservation_id = new_reservation_id()
        dispatcher.utter_message(
            response="utter_booking_summary",
            party_size=format_party_size(details["party_size"]),
            time=details["time"],
            cuisine=details["cuisine"],
            reservation_id=reservation_id,
        )
        resets = [SlotSet(slot, None) for slot in FORM_SLOTS]
        return [SlotSet("reservation_id", reservation_id), *resets]


def new_reservation_id() -> str:
    return "HS-" + uuid.uuid4().hex[:6].upper()


def _latest_entity(tracker: Tracker, entity: str) -> Any:
    return next(tracker.get_latest_entity_values(entity), None)
