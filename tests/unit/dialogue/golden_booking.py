"""The golden booking conversation (Rasa 3.6.21) and its recorded action server, as test doubles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from myna.actions.executor import ActionResult
from myna.events import ActionExecuted, Event, SessionStarted, SlotSet, events_from_list
from myna.project.domain import Domain, load_domain
from myna.project.errors import Problem, Severity
from myna.tracker import EventVerbosity, Tracker

GOLDEN = Path("/work/shared/golden")
FORM = "booking_form"


def golden_domain() -> Domain:
    problems: list[Problem] = []
    domain = load_domain(GOLDEN / "bot" / "domain.yml", problems)
    assert not [p for p in problems if p.severity is Severity.ERROR]
    return domain


def golden_events() -> list[Event]:
    """The recorded session as the tracker store loads it: from `session_started` on."""
    body = json.loads((GOLDEN / "rasa-3.6" / "tracker_booking_all.json").read_text())[1]
    events = events_from_list(body["events"])
    start = next(i for i, event in enumerate(events) if isinstance(event, SessionStarted))
    return events[start:]


def golden_requests(action_name: str) -> list[dict[str, Any]]:
    """Tracker JSON of every recorded request for `action_name`, in order."""
    exchanges = json.loads((GOLDEN / "rasa-3.6" / "action_server_exchanges.json").read_text())
    return [
        x["request"]["tracker"] for x in exchanges if x["request"]["next_action"] == action_name
    ]


def form_turns(events: list[Event]) -> list[tuple[list[Event], list[Event]]]:
    """For each `action(booking_form)`: the events before it and the form's own events."""
    turns = []
    for index, event in enumerate(events):
        if isinstance(event, ActionExecuted) and event.name == FORM:
            end = next(
                (i for i in range(index + 1, len(events)) if isinstance(events[i], ActionExecuted)),
                len(events),
            )
            turns.append((events[:index], events[index + 1 : end]))
    return turns


def essence(events: list[Event] | list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """What the contract fixes of each event: type and payload, no timestamps or metadata."""
    result = []
    for event in events:
        data = event if isinstance(event, dict) else event.to_dict()
        kind = data["event"]
        if kind == "user":
            result.append((kind, data.get("text")))
        elif kind == "bot":
            result.append((kind, data.get("text"), bool((data.get("data") or {}).get("buttons"))))
        elif kind == "slot":
            result.append((kind, data["name"], data["value"]))
        else:
            result.append((kind, data.get("name"), data.get("use_text_for_featurization")))
    return result


class RecordedActionServer:
    """Answers like the recording action server of the golden README.

    `validate_<form>` returns a `slot` event for each slot set since the form's action
    (the SDK's trailing `slot` events), except a party size outside 1-20, which becomes
    `party_size: null` plus the text "Party size must be between 1 and 20.".
    """

    def __init__(self, extra: dict[str, ActionResult] | None = None) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.extra = extra or {}

    async def run(self, action_name: str, tracker: Tracker, domain: Domain) -> ActionResult:
        self.requests.append((action_name, tracker.current_state(EventVerbosity.ALL)))
        if action_name in self.extra:
            return self.extra[action_name]
        if not action_name.startswith("validate_"):
            raise AssertionError(f"unexpected action {action_name}")
        form = domain.forms[action_name.removeprefix("validate_")]
        events: list[Event] = []
        responses: list[dict[str, Any]] = []
        for name, value in _trailing_slots(tracker).items():
            if name not in form.required_slots:
                continue
            if name == "party_size" and not 1 <= float(value) <= 20:
                value = None
                responses.append({"text": "Party size must be between 1 and 20."})
            events.append(SlotSet(name, value))
        return ActionResult(events, responses)


def _trailing_slots(tracker: Tracker) -> dict[str, Any]:
    slots: dict[str, Any] = {}
    for event in reversed(tracker.events):
        if not isinstance(event, SlotSet):
            break
        slots.setdefault(event.name, event.value)
    return dict(reversed(slots.items()))
