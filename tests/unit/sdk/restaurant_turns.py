"""The restaurant example's actions as test subjects: a myna.sdk copy and form-turn trackers.

`myna_sdk_copy` copies examples/restaurant/actions and points its `rasa_sdk` import lines
(and nothing else) at `myna.sdk`. `form_turn` builds the temporary tracker the engine
sends to `validate_restaurant_booking_form` (action-server-protocol.md §2).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from myna.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered
from myna.project.domain import Domain, load_domain
from myna.tracker import Tracker

EXAMPLE_DIR = Path(__file__).resolve().parents[3] / "examples" / "restaurant"
FORM = "restaurant_booking_form"
SENDER = "restaurant-guest"
PARTY_SIZE_ERROR = "Party size must be between 1 and 20."
_SDK_IMPORT = re.compile(r"^(\s*(?:from|import)\s+)rasa_sdk\b", re.MULTILINE)


def restaurant_domain() -> Domain:
    problems: list[Any] = []
    domain = load_domain(EXAMPLE_DIR / "domain.yml", problems)
    assert problems == [], problems
    return domain


def myna_sdk_copy(target: Path) -> int:
    """Copy the actions package to `target`, rewriting import lines; the count rewritten."""
    shutil.copytree(EXAMPLE_DIR / "actions", target, ignore=shutil.ignore_patterns("*.db"))
    rewritten = 0
    for path in target.glob("*.py"):
        text, count = _SDK_IMPORT.subn(r"\1myna.sdk", path.read_text(encoding="utf-8"))
        path.write_text(text, encoding="utf-8")
        rewritten += count
    return rewritten


def _user(text: str, intent: str, entities: list[dict[str, Any]]) -> UserUttered:
    parse_data = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.99},
        "entities": entities,
        "intent_ranking": [{"name": intent, "confidence": 0.99}],
    }
    return UserUttered(text=text, parse_data=parse_data, input_channel="rest")


def _session_start() -> list[Event]:
    return [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
    ]


def form_turn(domain: Domain, party_size: str) -> Tracker:
    """The tracker `validate_<form>` sees after the guest answered "<party_size> people"."""
    entity = {"entity": "party_size", "value": party_size, "start": 0, "end": len(party_size)}
    events = [
        *_session_start(),
        _user(f"{party_size} people", "inform", [entity]),
        SlotSet("requested_slot", "party_size"),
        ActionExecuted(FORM),
        SlotSet("party_size", party_size),
    ]
    return Tracker.from_events(SENDER, events, domain.slot_initial_values())


def filled_form(domain: Domain) -> Tracker:
    """The tracker after the form completed, when `action_make_reservation` runs."""
    events = [
        *_session_start(),
        _user("italian please", "inform", [{"entity": "cuisine", "value": "italian"}]),
        SlotSet("party_size", 4),
        SlotSet("time", "19:30"),
        SlotSet("cuisine", "italian"),
        SlotSet("requested_slot", None),
        ActionExecuted(FORM),
    ]
    return Tracker.from_events(SENDER, events, domain.slot_initial_values())
